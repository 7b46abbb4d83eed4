/* main.c — options → configuration → run → exit status.  The only place
 * that exits. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "diag.h"
#include "options.h"
#include "run.h"

int main(int argc, char **argv)
{
	ff_options opts;
	ff_config cfg;
	char err[1024];

	/* A closed pipe (footfall ... | head) ends the run quietly, as for
	 * every filter, even when the parent ignored SIGPIPE. */
	signal(SIGPIPE, SIG_DFL);

	switch (ff_options_parse(argc, argv, &opts, stdout, stderr)) {
	case FF_OPTIONS_DONE:
		return fflush(stdout) == 0 ? FF_EXIT_OK : FF_EXIT_IO;
	case FF_OPTIONS_USAGE:
		return FF_EXIT_USAGE;
	case FF_OPTIONS_RUN:
		break;
	}
	if (opts.list_reports)
		return ff_list_reports(stdout);
	ff_config_init(&cfg);
	if (ff_config_load(&cfg, opts.config_path, err, sizeof err) != 0) {
		ff_diag(stderr, "%s", err);
		ff_config_free(&cfg);
		return FF_EXIT_USAGE;
	}
	int status = ff_run(&opts, &cfg, stderr);
	ff_config_free(&cfg);
	return status;
}
