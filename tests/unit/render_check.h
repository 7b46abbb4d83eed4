/* render_check.h — what the renderer tests share: a small report builder,
 * rendered output held in memory, golden files under tests/unit/golden
 * ($SRCDIR; FOOTFALL_REGEN=1 rewrites them) and text properties.  Include
 * after check.h. */
#ifndef FF_RENDER_CHECK_H
#define FF_RENDER_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "render.h"

#define COL(name, title, kind) { name, title, kind, false, -1, -1, FF_SHOW_PLAIN }
#define LOGCOL(name, title) { name, title, FF_COL_TEXT, true, -1, -1, FF_SHOW_PLAIN }
#define RATE(name, title, num, den) { name, title, FF_COL_RATE, false, num, den, FF_SHOW_PLAIN }
#define N(a) (sizeof(a) / sizeof *(a))
#define KEY(lit) ff_cell_s(FF_SV_LIT(lit))

struct text {
	char *p;
	size_t n;
};

static inline ff_table *add_table(ff_report *r, const char *name, const char *title, const ff_column *cols,
				  size_t n)
{
	ff_table *t = ff_report_add_table(r);
	ff_table_init(t, name, title, cols, n);
	return t;
}

/* A row: the key, then the unsigned metrics in column order. */
static inline ff_cell *add_u(ff_table *t, ff_cell key, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	ff_cell *row = ff_table_add_row(t);
	uint64_t v[] = { a, b, c, d };
	row[0] = key;
	for (size_t i = 1; i < t->n_cols && i <= 4; i++)
		row[i] = ff_cell_u(v[i - 1]);
	return row;
}

/* Compares out with the golden file; FOOTFALL_REGEN=1 rewrites it. */
static inline void golden(const char *name, struct text out)
{
	char path[4200];
	const char *src = getenv("SRCDIR");
	snprintf(path, sizeof path, "%s/tests/unit/golden/%s", src && src[0] ? src : ".", name);
	const char *regen = getenv("FOOTFALL_REGEN");
	if (regen && strcmp(regen, "1") == 0) {
		FILE *f = fopen(path, "wb");
		CHECK(f != NULL);
		if (f) {
			fwrite(out.p, 1, out.n, f);
			CHECK(fclose(f) == 0);
		}
		return;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: cannot open (FOOTFALL_REGEN=1 writes it)\n", path);
		CHECK(f != NULL);
		return;
	}
	char *want = malloc(out.n + 2);
	size_t n = fread(want, 1, out.n + 1, f);
	fclose(f);
	if (n == out.n && memcmp(want, out.p, n) == 0) {
		CHECK(true);
	} else {
		size_t i = 0, line = 1;
		while (i < n && i < out.n && want[i] == out.p[i])
			line += want[i++] == '\n';
		fprintf(stderr, "%s: differs from the output at line %zu (FOOTFALL_REGEN=1 rewrites it)\n", path, line);
		CHECK(!"golden file matches");
	}
	free(want);
}

static inline bool contains(struct text t, const char *s)
{
	return memmem(t.p, t.n, s, strlen(s)) != NULL;
}

static inline bool valid_utf8(struct text t)
{
	const unsigned char *p = (const unsigned char *)t.p;
	for (size_t i = 0; i < t.n;) {
		size_t step = ff_utf8_seq_len(p + i, t.n - i);
		if (step == 0)
			return false;
		i += step;
	}
	return true;
}

#endif
