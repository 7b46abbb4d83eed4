/* check.h — the smallest test harness that asserts something real.
 *
 * Each CHECK counts one assertion; a failing one prints file:line and the
 * expression.  CHECK_DONE() prints "NAME: N passed, N failed" and returns
 * the exit status, so a unit test is a main() that ends in it. */
#ifndef FF_CHECK_H
#define FF_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static unsigned check_passed, check_failed;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (cond) {                                                    \
			check_passed++;                                        \
		} else {                                                       \
			check_failed++;                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,   \
				__LINE__, #cond);                              \
		}                                                              \
	} while (0)

#define CHECK_INT(got, want)                                                   \
	do {                                                                   \
		long long g_ = (long long)(got), w_ = (long long)(want);       \
		if (g_ == w_) {                                                \
			check_passed++;                                        \
		} else {                                                       \
			check_failed++;                                        \
			fprintf(stderr, "%s:%d: %s is %lld, want %lld\n",      \
				__FILE__, __LINE__, #got, g_, w_);             \
		}                                                              \
	} while (0)

/* Compares a (pointer, length) view with a C string. */
#define CHECK_SV(sv, want)                                                     \
	do {                                                                   \
		const char *w_ = (want);                                       \
		size_t wn_ = strlen(w_);                                       \
		if ((sv).n == wn_ && (wn_ == 0 || memcmp((sv).p, w_, wn_) == 0)) {  \
			check_passed++;                                        \
		} else {                                                       \
			check_failed++;                                        \
			fprintf(stderr, "%s:%d: %s is \"%.*s\", want \"%s\"\n",  \
				__FILE__, __LINE__, #sv, (int)(sv).n,          \
				(sv).p ? (sv).p : "", w_);                     \
		}                                                              \
	} while (0)

#define CHECK_STR(got, want)                                                   \
	do {                                                                   \
		const char *g_ = (got), *w_ = (want);                          \
		if (g_ && w_ && strcmp(g_, w_) == 0) {                         \
			check_passed++;                                        \
		} else {                                                       \
			check_failed++;                                        \
			fprintf(stderr, "%s:%d: %s is \"%s\", want \"%s\"\n",  \
				__FILE__, __LINE__, #got, g_ ? g_ : "(null)",  \
				w_ ? w_ : "(null)");                           \
		}                                                              \
	} while (0)

#define CHECK_DONE(name)                                                       \
	(printf("%s: %u passed, %u failed\n", (name), check_passed,            \
		check_failed),                                                 \
	 (check_failed == 0 && check_passed > 0) ? 0 : 1)

#endif
