/* run.h — one run of footfall: inputs → format → merge → counts → output.
 *
 * The run owns everything it opens and frees it before returning.  It
 * prints diagnostics to err and returns the exit status (SPEC §9): 0
 * success, 1 an input or output failure, 2 bad usage or configuration. */
#ifndef FF_RUN_H
#define FF_RUN_H

#include <stdio.h>

#include "config.h"
#include "options.h"

enum { FF_EXIT_OK = 0, FF_EXIT_IO = 1, FF_EXIT_USAGE = 2 };

int ff_run(const ff_options *o, const ff_config *cfg, FILE *err);

/* --list-reports: one line per report name --report accepts. */
int ff_list_reports(FILE *out);

#endif
