/* diag.h — messages to the person running footfall.
 *
 * Every message goes to one stream as "footfall: [FILE[:LINE]: ]text".
 * Bytes taken from the log are made visible with ff_visible() before they
 * reach a terminal: control characters and invalid UTF-8 never pass raw
 * (SPEC §9, on stderr as on stdout). */
#ifndef FF_DIAG_H
#define FF_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "str.h"

#define FF_PROGRAM "footfall"

/* "footfall: " + formatted text + newline.  The text is written with its
 * control bytes, bytes that are not UTF-8 and hidden code points escaped
 * as ff_visible() does (backslashes are left as they are, so a part made
 * visible by the caller is not escaped twice): whatever a caller puts in
 * a message, nothing in it can steer the terminal. */
void ff_diag(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ff_diag_v(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* "footfall: FILE:LINE: " (line 0: "FILE: ") + text + newline; FILE is
 * written as ff_visible_write() writes it. */
void ff_diag_at(FILE *f, const char *file, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Writes s into buf (size bufsz, NUL-terminated, at most maxshow source
 * bytes shown, then "...") with control bytes as \xHH (\t \r \n by name),
 * backslash as \\, and bytes that are not valid UTF-8 and each byte of a
 * hidden code point (C1 controls, bidirectional controls: see utf8.h) as
 * \xHH.  Returns buf. */
char *ff_visible(ff_sv s, size_t maxshow, char *buf, size_t bufsz);

/* s whole on f, in the notation of ff_visible(). */
void ff_visible_write(FILE *f, ff_sv s);

#endif
