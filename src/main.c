/* main.c — options → configuration → run → exit status.  The only place
 * that exits. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "diag.h"
#include "options.h"
#include "run.h"

/* A descriptor 0-2 that the caller closed (footfall 2>&-) would be the
 * next file footfall opens, and warnings meant for stderr would land in
 * the report: each closed one is pointed at /dev/null first, opened the
 * wrong way round (as gnulib's stdopen does) so that reading a closed
 * stdin or writing a closed stdout still fails, with EBADF. */
static int guard_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		int got = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
		if (got < 0)
			return -1;
		if (got != fd) { /* open gives the lowest free one: fd */
			close(got);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	ff_options opts;
	ff_config cfg;
	char err[1024];

	/* Without the three standard descriptors nothing can be done safely
	 * and nothing can be said. */
	if (guard_std_fds() != 0)
		return FF_EXIT_IO;

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
