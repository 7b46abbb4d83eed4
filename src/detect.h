/* detect.h — `--log-format auto`: pick a built-in format from the first
 * lines of the first input (SPEC §1), and read the trailing fields real
 * servers add after it (Nginx main's X-Forwarded-For, $request_time,
 * Apache's %D).
 *
 * Detection reads ahead; every line it reads is copied into a replay so the
 * run still sees each line exactly once, in order. */
#ifndef FF_DETECT_H
#define FF_DETECT_H

#include <stdbool.h>
#include <stddef.h>

#include "input.h"
#include "merge.h"
#include "str.h"

#define FF_DETECT_SAMPLE 100    /* non-empty lines examined */
#define FF_DETECT_MAX_READ 1000 /* lines read ahead at most (blank ones) */
#define FF_DETECT_MAX_TRAILING 8 /* trailing fields looked at, at most */

typedef struct ff_detection {
	const char *preset;        /* the built-in format the lines follow
				      ("combined" when none matched) */
	size_t sampled;            /* non-empty lines examined */
	size_t matched;            /* of which spec reads whole */
	/* What the run compiles: the preset's name, or, when most lines are
	 * the preset followed by the same trailing fields, a format string
	 * that reads them (trailing is then true). */
	char spec[768];
	bool trailing;
	/* For the report's notes and standard error: which trailing fields
	 * were read as what and which were ignored, with the --log-format
	 * string; or that few or no sample lines match any format.  Empty
	 * when the preset reads the lines and there is nothing to add.  Holds
	 * no byte of the log. */
	char note[1280];
	/* Most lines match this preset with more fields after it, but no one
	 * layout of those fields covers most lines; NULL otherwise. */
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
