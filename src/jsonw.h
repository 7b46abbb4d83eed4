/* jsonw.h — writing JSON text to a stdio stream.
 *
 * Strings from the log are arbitrary bytes: jsonw_string escapes them so the
 * document is always valid UTF-8 JSON (SPEC §9): control characters as
 * \u00XX, and each byte that is not part of a valid UTF-8 sequence as the
 * four characters \xHH (written "\\xHH" in the JSON text). */
#ifndef FF_JSONW_H
#define FF_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "str.h"

/* Length of the valid UTF-8 sequence starting at p (1-4), or 0 when the
 * byte at p does not start one within n bytes. */
size_t ff_utf8_seq_len(const unsigned char *p, size_t n);

void jsonw_string(FILE *f, ff_sv s);
void jsonw_cstring(FILE *f, const char *s);
void jsonw_u64(FILE *f, uint64_t v);
void jsonw_i64(FILE *f, int64_t v);
/* A double written with enough digits to round-trip; non-finite as null. */
void jsonw_double(FILE *f, double v);
void jsonw_bool(FILE *f, bool v);
void jsonw_null(FILE *f);

#endif
