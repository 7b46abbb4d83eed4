/* parse_bench.c — milliseconds to read a log through ff_input and parse
 * every line with a format (combined by default), against reading and
 * cutting lines alone: the hot path of the reading thread without the
 * analysis.  Not built by default: from a build tree,
 *
 *     make src/libfootfall.a
 *     cc -O2 -std=c11 -I SRCDIR/src SRCDIR/bench/parse_bench.c src/libfootfall.a \
 *         -lpcre2-8 -lz -lyaml -lm -o parse_bench
 *     ./parse_bench bench/data/combined-1000000-d7-s1.log [FORMAT]
 *
 * It uses only ff_input_* and ff_format_*, so the same file measures an
 * older footfall for comparison.  Five rounds each; the file should be in
 * the page cache and the machine otherwise idle. */
#define _POSIX_C_SOURCE 199309L

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "input.h"
#include "logformat.h"
#include "record.h"

static double round_ms(const char *path, ff_format *fmt, unsigned long *lines)
{
	char err[256];
	ff_input *in = ff_input_open(path, err, sizeof err);
	if (!in) {
		fprintf(stderr, "parse_bench: %s: %s\n", path, err);
		exit(2);
	}
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	ff_line line;
	ff_record rec;
	unsigned long n = 0, ok = 0;
	while (ff_input_next(in, &line) == FF_INPUT_LINE) {
		n++;
		if (fmt && ff_format_parse(fmt, line.p, line.n, &rec) == FF_PARSE_OK)
			ok++;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	ff_input_close(in);
	if (fmt && ok != n)
		fprintf(stderr, "parse_bench: %lu of %lu lines did not parse\n", n - ok, n);
	*lines = n;
	return (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: parse_bench LOG [FORMAT]\n");
		return 2;
	}
	char err[256];
	ff_format *fmt = ff_format_compile(argc == 3 ? argv[2] : "combined", err, sizeof err);
	if (!fmt) {
		fprintf(stderr, "parse_bench: %s\n", err);
		return 2;
	}
	unsigned long lines = 0;
	for (int with_parse = 0; with_parse < 2; with_parse++) {
		printf("%-16s", with_parse ? "read+cut+parse" : "read+cut");
		for (int r = 0; r < 5; r++)
			printf(" %8.1f", round_ms(argv[1], with_parse ? fmt : NULL, &lines));
		printf(" ms (%lu lines)\n", lines);
	}
	ff_format_free(fmt);
	return 0;
}
