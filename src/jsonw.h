/* jsonw.h — writing JSON text to a stdio stream.
 *
 * Strings from the log are arbitrary bytes: jsonw_string escapes them so the
 * document is always valid UTF-8 JSON (SPEC §9): control characters and
 * the hidden code points of utf8.h (C1 controls, bidirectional controls)
 * as \uXXXX, and each byte that is not part of a valid UTF-8 sequence as the
 * four characters \xHH (written "\\xHH" in the JSON text). */
#ifndef FF_JSONW_H
#define FF_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "str.h"
#include "utf8.h"


void jsonw_string(FILE *f, ff_sv s);
void jsonw_cstring(FILE *f, const char *s);
void jsonw_u64(FILE *f, uint64_t v);
void jsonw_i64(FILE *f, int64_t v);
/* A double written with enough digits to round-trip; non-finite as null. */
void jsonw_double(FILE *f, double v);
void jsonw_bool(FILE *f, bool v);
void jsonw_null(FILE *f);

#endif
