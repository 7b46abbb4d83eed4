/* render.h — what a run found, and the renderers that write it out.
 *
 * Renderers only read ff_results; they never reach back into parsing.
 * Every string that came from the log is escaped by the renderer itself. */
#ifndef FF_RENDER_H
#define FF_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "summary.h"

typedef struct ff_input_facts {
	const char *name;        /* as given on the command line, "-" for stdin */
	const char *compression; /* "none" or "gzip" */
	uint64_t lines, invalid;
	uint64_t bytes_read;
	const char *error;       /* NULL, or why reading stopped early */
} ff_input_facts;

typedef struct ff_results {
	ff_summary summary;
	const char *format;      /* preset name or the format string */
	bool format_detected;    /* chosen by --log-format auto */
	const ff_input_facts *inputs;
	size_t n_inputs;
} ff_results;

typedef struct ff_text_style {
	bool separators; /* thousands separators in numbers */
} ff_text_style;

void ff_render_text(FILE *f, const ff_results *r, const ff_text_style *style);
void ff_render_json(FILE *f, const ff_results *r);

#endif
