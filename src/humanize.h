/* humanize.h — numbers for people, as the text and html renderers show
 * them: digit grouping, durations in two units, binary byte sizes.  Pure
 * functions writing into the caller's buffer of FF_NUM_BUF bytes. */
#ifndef FF_HUMANIZE_H
#define FF_HUMANIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FF_NUM_BUF 64 /* any formatted number fits */

/* Copies in to out with a comma between each group of three digits of the
 * first run of digits ("-1234.5" -> "-1,234.5"); seps false copies.
 * Returns the length written. */
size_t ff_group_digits(const char *in, bool seps, char *out);

/* v in decimal, grouped when seps. */
size_t ff_fmt_u64(uint64_t v, bool seps, char *out);

/* "0s", "45s", "3m 05s", "1h 02m", "2d 03h": two units are enough to
 * compare visit lengths at a glance.  Returns 0 (nothing written) for a
 * value that is not a finite duration below 10^15 s. */
size_t ff_fmt_duration(double seconds, char *out);

/* A response time: "0.85 ms", "123 ms", "1.23 s", "12.3 s", then as
 * ff_fmt_duration from a minute on; three significant digits tell
 * percentiles apart.  Returns 0 as ff_fmt_duration does. */
size_t ff_fmt_latency(double seconds, char *out);

/* "512 B", "1.2 MiB": binary units, one decimal. */
size_t ff_fmt_bytes(uint64_t v, char *out);

#endif
