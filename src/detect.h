/* detect.h — `--log-format auto`: pick a built-in format from the first
 * lines of the first input (SPEC §1).
 *
 * Detection reads ahead; every line it reads is copied into a replay so the
 * run still sees each line exactly once, in order. */
#ifndef FF_DETECT_H
#define FF_DETECT_H

#include <stddef.h>

#include "input.h"
#include "merge.h"
#include "str.h"

#define FF_DETECT_SAMPLE 100    /* non-empty lines examined */
#define FF_DETECT_MAX_READ 1000 /* lines read ahead at most (blank ones) */

typedef struct ff_detection {
	const char *preset;        /* the chosen preset ("combined" when none matched) */
	size_t sampled;            /* non-empty lines examined */
	size_t matched;            /* of which the chosen preset matched */
	/* Set when most sampled lines match a preset only as a prefix (extra
	 * fields after it): the --log-format string that reads them. */
	char suggestion[512];
	const char *prefix_preset;
	size_t prefix_matched;
} ff_detection;

/* Detects from sample lines (views); pure, for tests. */
int ff_detect_lines(const ff_sv *lines, size_t n, ff_detection *d, char *err, size_t errsz);

/* Reads ahead from in into replay, then detects.  Returns -1 only when the
 * presets cannot be compiled (err says why); input errors are left for the
 * reader to report again when the replay runs out. */
int ff_detect_input(ff_input *in, ff_replay *replay, ff_detection *d, char *err, size_t errsz);

#endif
