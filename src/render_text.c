/* render_text.c — an ff_report as aligned text for a terminal or a mail
 * body: the report's notes, the summary as a name/value list, then each
 * table sized to its content and cut to the terminal width.  Every byte
 * taken from the log goes through next_unit(), which escapes whatever a
 * terminal would act on (SPEC §9), so no log byte reaches the screen raw. */
#include "render.h"
#include "humanize.h"
#include "utf8.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

enum {
	INDENT = 2,          /* before every row */
	GAP = 2,             /* between columns */
	BAR_W = 10,          /* share bar, in columns */
	MIN_CUT = 10,        /* a cut text column keeps at least this width */
	DEFAULT_WIDTH = 80,  /* when the terminal width is unknown */
	NUM_BUF = 64,        /* any formatted number fits */
};

static const ff_render_opts default_opts = { .separators = true, .width = DEFAULT_WIDTH };

#define SGR_BOLD "\x1b[1m"
#define SGR_DIM "\x1b[2m"
#define SGR_RESET "\x1b[0m"

/* Output with owed padding: spaces are written only when something
 * visible follows them, so no line ends in blanks whatever the layout. */
struct out {
	FILE *f;
	size_t pad;
};

static void out_bytes(struct out *o, const char *p, size_t n)
{
	for (; o->pad; o->pad--)
		putc(' ', o->f);
	fwrite(p, 1, n, o->f);
}

static void out_str(struct out *o, const char *s)
{
	out_bytes(o, s, strlen(s));
}

/* Terminal control sequences of our own: they take no columns and do not
 * pay the owed padding. */
static void out_ctl(struct out *o, const char *s)
{
	fputs(s, o->f);
}

static void out_eol(struct out *o)
{
	o->pad = 0;
	putc('\n', o->f);
}

/* --- log text made visible --------------------------------------------- */

/* One displayed unit of log text: the bytes to write, the columns they
 * take, and the source bytes they stand for. */
struct unit {
	char buf[8];
	unsigned char len, width, step;
};



/* Columns a code point takes: 0 for combining marks and joiners, 2 for
 * East Asian wide and emoji blocks, else 1.  An approximation of wcwidth()
 * that does not depend on the locale, so output is reproducible. */
static unsigned cp_width(uint32_t cp)
{
	if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x1ab0 && cp <= 0x1aff) || (cp >= 0x1dc0 && cp <= 0x1dff) ||
	    (cp >= 0x200b && cp <= 0x200d) || (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
	    (cp >= 0xfe20 && cp <= 0xfe2f))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0x33ff) ||
	    (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
	    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

static void unit_hex(struct unit *u, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	u->buf[u->len++] = '\\';
	u->buf[u->len++] = 'x';
	u->buf[u->len++] = hex[c >> 4];
	u->buf[u->len++] = hex[c & 15];
}

/* Control bytes as \t \n \r or \xHH, the backslash as \\, bytes that are
 * not UTF-8 as \xHH — the notation of ff_visible(). */
static void next_unit(const unsigned char *p, size_t n, struct unit *u)
{
	unsigned char c = p[0];
	u->len = 0;
	u->step = 1;
	if (c >= 0x20 && c < 0x7f && c != '\\') {
		u->buf[u->len++] = (char)c;
	} else if (c < 0x80) {
		const char *named = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : NULL;
		if (named) {
			memcpy(u->buf, named, 2);
			u->len = 2;
		} else {
			unit_hex(u, c);
		}
	} else {
		size_t len = ff_utf8_seq_len(p, n);
		if (len == 0) {
			unit_hex(u, c);
		} else {
			uint32_t cp = ff_utf8_decode(p, len);
			if (ff_utf8_hidden(cp)) {
				/* byte by byte: the continuation bytes that
				 * follow are not UTF-8 on their own */
				unit_hex(u, c);
			} else {
				memcpy(u->buf, p, len);
				u->len = (unsigned char)len;
				u->step = (unsigned char)len;
				u->width = (unsigned char)cp_width(cp);
				return;
			}
		}
	}
	u->width = u->len;
}

/* Display width of s, counting stops once it passes cap. */
static size_t vis_width(ff_sv s, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t w = 0;
	struct unit u;
	for (size_t i = 0; i < s.n && w <= cap; i += u.step) {
		next_unit(p + i, s.n - i, &u);
		w += u.width;
	}
	return w;
}

/* s made visible in exactly w columns, cut with "…" when wider. */
static void put_vis(struct out *o, ff_sv s, size_t w, bool right)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t sw = vis_width(s, w), used = 0;
	struct unit u;

	if (sw <= w) {
		if (right)
			o->pad += w - sw;
		for (size_t i = 0; i < s.n; i += u.step) {
			next_unit(p + i, s.n - i, &u);
			out_bytes(o, u.buf, u.len);
		}
		if (!right)
			o->pad += w - sw;
		return;
	}
	if (w == 0)
		return;
	for (size_t i = 0; i < s.n; i += u.step) {
		next_unit(p + i, s.n - i, &u);
		if (used + u.width > w - 1)
			break;
		out_bytes(o, u.buf, u.len);
		used += u.width;
	}
	out_str(o, "\xe2\x80\xa6");
	o->pad += w - used - 1;
}

/* --- numbers for people ------------------------------------------------ */





static size_t fmt_real(double d, const char *suffix, double scale, bool seps, char *out)
{
	char tmp[NUM_BUF];
	d *= scale;
	if (!isfinite(d))
		return (size_t)snprintf(out, NUM_BUF, "-");
	if (fabs(d) >= 1e15) {
		snprintf(tmp, sizeof tmp, "%.3g%s", d, suffix);
		return ff_group_digits(tmp, false, out);
	}
	snprintf(tmp, sizeof tmp, scale == 1.0 ? "%.2f%s" : "%.1f%s", d, suffix);
	return ff_group_digits(tmp, seps, out);
}

/* A non-text, non-null cell as ASCII.  Bytes put the human size in hum
 * (else hum is empty).  Callers pass seps false for key columns: they
 * hold codes, not quantities. */
static size_t fmt_cell(const ff_column *col, const ff_cell *c, bool seps, char *out, char *hum)
{
	hum[0] = 0;
	switch (col->kind) {
	case FF_COL_INT:
		return ff_fmt_u64(c->v.u, seps, out);
	case FF_COL_BYTES: {
		char size[FF_NUM_BUF];
		ff_fmt_bytes(c->v.u, size);
		snprintf(hum, NUM_BUF, "(%.*s)", NUM_BUF - 4, size);
		return ff_fmt_u64(c->v.u, seps, out);
	}
	case FF_COL_RATE:
		return fmt_real(c->v.d, "%", 100.0, seps, out);
	case FF_COL_REAL:
		if (col->show != FF_SHOW_PLAIN)
			return ff_cell_show(col, c->v.d, out);
		return fmt_real(c->v.d, "", 1.0, seps, out);
	case FF_COL_SECONDS: {
		size_t n = ff_fmt_duration(c->v.d, out);
		if (n)
			return n;
		if (!isfinite(c->v.d))
			return (size_t)snprintf(out, NUM_BUF, "-");
		return (size_t)snprintf(out, NUM_BUF, "%.3gs", c->v.d);
	}
	case FF_COL_BOOL:
		return (size_t)snprintf(out, NUM_BUF, "%s", c->v.b ? "yes" : "no");
	case FF_COL_TEXT:
		break;
	}
	out[0] = 0;
	return 0;
}

static const char *col_title(const ff_column *col)
{
	return col->title ? col->title : col->name;
}

/* --- notes and the summary --------------------------------------------- */

static void put_line(struct out *o, const char *s, bool bold, bool color)
{
	if (bold && color)
		out_ctl(o, SGR_BOLD);
	ff_sv v = ff_sv_cstr(s);
	put_vis(o, v, vis_width(v, SIZE_MAX), false);
	if (bold && color)
		out_ctl(o, SGR_RESET);
	out_eol(o);
}

/* name  value, one line per summary column; numbers right-aligned to one
 * edge, text left-aligned from the same column. */
static void render_summary(struct out *o, const ff_table *t, const ff_render_opts *opt, size_t width)
{
	char num[NUM_BUF], hum[NUM_BUF];
	size_t namew = 0, numw = 1;

	put_line(o, t->title ? t->title : "Summary", true, opt->color);
	if (t->n_rows == 0)
		return;
	const ff_cell *row = ff_table_row(t, 0);
	for (size_t c = 0; c < t->n_cols; c++) {
		size_t w = vis_width(ff_sv_cstr(col_title(&t->cols[c])), SIZE_MAX);
		if (w > namew)
			namew = w;
		if (t->cols[c].kind != FF_COL_TEXT && !row[c].null) {
			w = fmt_cell(&t->cols[c], &row[c], opt->separators, num, hum);
			if (w > numw)
				numw = w;
		}
	}
	size_t textw = width > INDENT + namew + GAP + MIN_CUT ? width - INDENT - namew - GAP : MIN_CUT;
	for (size_t c = 0; c < t->n_cols; c++) {
		const ff_column *col = &t->cols[c];
		o->pad += INDENT;
		put_vis(o, ff_sv_cstr(col_title(col)), namew + GAP, false);
		if (col->kind == FF_COL_TEXT && !row[c].null) {
			ff_sv s = row[c].v.s;
			put_vis(o, s, opt->wide ? vis_width(s, SIZE_MAX) : textw, false);
		} else if (row[c].null) {
			o->pad += col->kind == FF_COL_TEXT ? 0 : numw - 1;
			out_str(o, "-");
		} else {
			size_t n = fmt_cell(col, &row[c], opt->separators, num, hum);
			o->pad += numw - n;
			out_bytes(o, num, n);
			if (hum[0]) {
				out_str(o, " ");
				out_str(o, hum);
			}
		}
		out_eol(o);
	}
}

/* --- tables ------------------------------------------------------------- */

struct colw {
	size_t w;    /* the whole column */
	size_t nat;  /* before fit() cut it */
	size_t numw; /* bytes: the number part */
	size_t humw; /* bytes: the "(1.2 MiB)" part */
};

static bool cell_is_others_key(const ff_table *t, size_t r, size_t c)
{
	return c == 0 && t->has_others && r + 1 == t->n_rows;
}

/* One pass over the cells: the natural width of every column, and the
 * bar total.  Text is measured only up to cap (the terminal width unless
 * --wide), so a huge cell costs no more than it can show. */
static void measure(const ff_table *t, const ff_render_opts *opt, size_t cap, struct colw *cw, double *bar_total)
{
	char num[NUM_BUF], hum[NUM_BUF];
	for (size_t c = 0; c < t->n_cols; c++) {
		cw[c].w = vis_width(ff_sv_cstr(col_title(&t->cols[c])), cap);
		cw[c].numw = cw[c].humw = 0;
	}
	*bar_total = 0;
	for (size_t r = 0; r < t->n_rows; r++) {
		const ff_cell *row = ff_table_row(t, r);
		for (size_t c = 0; c < t->n_cols; c++) {
			const ff_column *col = &t->cols[c];
			size_t w;
			if (cell_is_others_key(t, r, c)) {
				w = strlen("(others)");
			} else if (row[c].null) {
				w = 1;
			} else if (col->kind == FF_COL_TEXT) {
				w = vis_width(row[c].v.s, cap);
			} else {
				w = fmt_cell(col, &row[c], opt->separators && c > 0, num, hum);
				if (col->kind == FF_COL_BYTES) {
					size_t hw = strlen(hum);
					if (w > cw[c].numw)
						cw[c].numw = w;
					if (hw > cw[c].humw)
						cw[c].humw = hw;
					w += 1 + hw;
				}
			}
			if (w > cw[c].w)
				cw[c].w = w;
		}
		if (t->bar_col > 0 && (size_t)t->bar_col < t->n_cols)
			*bar_total += ff_cell_magnitude(&t->cols[t->bar_col], &row[t->bar_col]);
	}
	for (size_t c = 0; c < t->n_cols; c++)
		if (t->cols[c].kind == FF_COL_BYTES && cw[c].numw + 1 + cw[c].humw > cw[c].w)
			cw[c].w = cw[c].numw + 1 + cw[c].humw;
}

/* Narrows text columns until the table fits the width: every text column
 * is capped at one level L, the largest that fits, but never below
 * MIN_CUT; numbers are never cut. */
static void fit(const ff_table *t, struct colw *cw, size_t fixed, size_t width)
{
	size_t avail = width > fixed ? width - fixed : 0, sum = 0, maxw = 0;
	for (size_t c = 0; c < t->n_cols; c++) {
		cw[c].nat = cw[c].w;
		if (t->cols[c].kind != FF_COL_TEXT)
			continue;
		sum += cw[c].w;
		if (cw[c].w > maxw)
			maxw = cw[c].w;
	}
	if (sum <= avail)
		return;
	size_t lo = MIN_CUT, hi = maxw;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2, s = 0;
		for (size_t c = 0; c < t->n_cols; c++)
			if (t->cols[c].kind == FF_COL_TEXT)
				s += cw[c].w < mid ? cw[c].w : mid;
		if (s <= avail)
			lo = mid;
		else
			hi = mid - 1;
	}
	sum = 0;
	for (size_t c = 0; c < t->n_cols; c++) {
		if (t->cols[c].kind != FF_COL_TEXT)
			continue;
		if (cw[c].w > lo)
			cw[c].w = lo;
		sum += cw[c].w;
	}
	/* what the single level leaves over goes to the columns it cut */
	for (size_t c = 0; c < t->n_cols && sum < avail; c++)
		if (t->cols[c].kind == FF_COL_TEXT && cw[c].w < cw[c].nat)
			cw[c].w++, sum++;
}

/* Eighths of a block per step: the share bar is exact to 1/80 of its
 * width. */
static void put_bar(struct out *o, double v, double total)
{
	static const char *const part[] = { "", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
					    "\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89" };
	if (total <= 0 || v <= 0)
		return;
	double share = v / total;
	size_t eighths = (size_t)(share * BAR_W * 8 + 0.5);
	if (eighths == 0)
		eighths = 1; /* not nothing: something is there */
	if (eighths > BAR_W * 8)
		eighths = BAR_W * 8;
	for (size_t i = 0; i < eighths / 8; i++)
		out_str(o, "\xe2\x96\x88");
	out_str(o, part[eighths % 8]);
}

static void put_ascii(struct out *o, const char *s, size_t n, size_t w, bool right)
{
	if (right)
		o->pad += w > n ? w - n : 0;
	out_bytes(o, s, n);
	if (!right)
		o->pad += w > n ? w - n : 0;
}

static void render_row(struct out *o, const ff_table *t, size_t r, const struct colw *cw, const ff_render_opts *opt,
		       bool bar, double bar_total)
{
	char num[NUM_BUF], hum[NUM_BUF];
	const ff_cell *row = ff_table_row(t, r);
	bool others = t->has_others && r + 1 == t->n_rows;

	if (others && opt->color)
		out_ctl(o, SGR_DIM);
	o->pad += INDENT;
	for (size_t c = 0; c < t->n_cols; c++) {
		const ff_column *col = &t->cols[c];
		bool right = col->kind != FF_COL_TEXT;
		if (c > 0)
			o->pad += GAP;
		if (cell_is_others_key(t, r, c)) {
			put_ascii(o, "(others)", 8, cw[c].w, right);
		} else if (row[c].null) {
			put_ascii(o, "-", 1, cw[c].w, right);
		} else if (col->kind == FF_COL_TEXT) {
			put_vis(o, row[c].v.s, cw[c].w, false);
		} else if (col->kind == FF_COL_BYTES) {
			size_t n = fmt_cell(col, &row[c], opt->separators && c > 0, num, hum);
			o->pad += cw[c].w - cw[c].numw - 1 - cw[c].humw;
			put_ascii(o, num, n, cw[c].numw, true);
			put_ascii(o, hum, strlen(hum), cw[c].humw + 1, true);
		} else {
			size_t n = fmt_cell(col, &row[c], opt->separators && c > 0, num, hum);
			put_ascii(o, num, n, cw[c].w, true);
		}
	}
	if (bar) {
		o->pad += GAP;
		put_bar(o, ff_cell_magnitude(&t->cols[t->bar_col], &row[t->bar_col]), bar_total);
	}
	if (others && opt->color)
		out_ctl(o, SGR_RESET);
	out_eol(o);
}

static void render_table(struct out *o, const ff_table *t, const ff_render_opts *opt, size_t width)
{
	put_line(o, t->title ? t->title : t->name, true, opt->color);
	if (t->note) {
		o->pad += INDENT;
		put_line(o, t->note, false, false);
	}
	if (t->n_rows == 0 || t->n_cols == 0) {
		o->pad += INDENT;
		out_str(o, t->empty ? t->empty : "(no rows)");
		out_eol(o);
		return;
	}
	struct colw *cw = malloc(t->n_cols * sizeof *cw);
	if (!cw) {
		o->pad += INDENT;
		out_str(o, "(not enough memory to lay out this table)");
		out_eol(o);
		return;
	}
	bool bar = opt->bars && t->bar_col > 0 && (size_t)t->bar_col < t->n_cols &&
		   t->cols[t->bar_col].kind != FF_COL_TEXT && t->cols[t->bar_col].kind != FF_COL_BOOL;
	double bar_total;
	measure(t, opt, opt->wide ? SIZE_MAX : width, cw, &bar_total);
	if (!opt->wide) {
		size_t fixed = INDENT + GAP * (t->n_cols - 1) + (bar ? GAP + BAR_W : 0);
		for (size_t c = 0; c < t->n_cols; c++)
			if (t->cols[c].kind != FF_COL_TEXT)
				fixed += cw[c].w;
		fit(t, cw, fixed, width);
	}

	if (opt->color)
		out_ctl(o, SGR_BOLD);
	o->pad += INDENT;
	for (size_t c = 0; c < t->n_cols; c++) {
		const ff_column *col = &t->cols[c];
		if (c > 0)
			o->pad += GAP;
		put_vis(o, ff_sv_cstr(col_title(col)), cw[c].w, col->kind != FF_COL_TEXT);
	}
	if (opt->color)
		out_ctl(o, SGR_RESET);
	out_eol(o);
	for (size_t r = 0; r < t->n_rows; r++)
		render_row(o, t, r, cw, opt, bar, bar_total);
	free(cw);
}

void ff_render_text(FILE *f, const ff_report *r, const ff_render_opts *opt)
{
	struct out o = { .f = f, .pad = 0 };
	bool gap = false;

	if (!opt)
		opt = &default_opts;
	size_t width = opt->width ? opt->width : DEFAULT_WIDTH;
	for (size_t i = 0; i < r->n_notes; i++) {
		put_line(&o, r->notes[i], false, false);
		gap = true;
	}
	if (r->with_summary) {
		if (gap)
			out_eol(&o);
		render_summary(&o, &r->summary, opt, width);
		gap = true;
	}
	for (size_t i = 0; i < r->n_tables; i++) {
		if (gap)
			out_eol(&o);
		render_table(&o, &r->tables[i], opt, width);
		gap = true;
	}
}

