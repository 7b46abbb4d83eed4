/* fuzz.h — what the fuzz targets share: the libFuzzer entry point's
 * prototype and a property check that stops the run loudly.
 *
 * A target is built either with clang -fsanitize=fuzzer (run-fuzzers.sh)
 * or with replay.c, which feeds it the files of a corpus (make check). */
#ifndef FF_FUZZ_H
#define FF_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken property is a finding like a crash: abort so that libFuzzer
 * saves the input and the replay driver fails. */
#define FUZZ_ASSERT(cond)                                                        \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, \
				__LINE__, #cond);                                \
			abort();                                                 \
		}                                                                \
	} while (0)

/* A view handed out by a parser lies inside the line it was parsed from
 * (or is empty). */
static inline void fuzz_check_view(ff_sv v, const char *line, size_t len)
{
	if (v.n == 0)
		return;
	FUZZ_ASSERT(v.p != NULL);
	FUZZ_ASSERT(v.p >= line && v.p <= line + len);
	FUZZ_ASSERT(v.n <= (size_t)(line + len - v.p));
}

#endif
