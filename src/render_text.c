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
#include <ctype.h>
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

/* The index of the first unit of s's shortest tail that takes at most w
 * columns; total is s's whole width. */
static size_t tail_start(ff_sv s, size_t total, size_t w)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0, left = total;
	struct unit u;
	while (i < s.n && left > w) {
		next_unit(p + i, s.n - i, &u);
		left -= u.width;
		i += u.step;
	}
	return i;
}

static void put_units(struct out *o, ff_sv s, size_t from, size_t to_w, size_t *used)
{
	const unsigned char *p = (const unsigned char *)s.p;
	struct unit u;
	for (size_t i = from; i < s.n; i += u.step) {
		next_unit(p + i, s.n - i, &u);
		if (*used + u.width > to_w)
			break;
		out_bytes(o, u.buf, u.len);
		*used += u.width;
	}
}

/* s made visible in exactly w columns.  When wider it is cut in the
 * middle, so that both the start and the end of a path or URL (usually
 * the part that tells two rows apart) stay visible. */
static void put_vis(struct out *o, ff_sv s, size_t w, bool right, bool ascii)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t sw = vis_width(s, SIZE_MAX), used = 0;
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
	const char *ell = ascii ? "..." : "\xe2\x80\xa6";
	size_t ellw = ascii ? 3 : 1;
	if (w <= ellw) {
		put_units(o, s, 0, w, &used);
		o->pad += w - used;
		return;
	}
	size_t head = (w - ellw) / 2, tail = w - ellw - head;
	put_units(o, s, 0, head, &used);
	out_str(o, ell);
	size_t tused = 0;
	put_units(o, s, tail_start(s, sw, tail), tail, &tused);
	o->pad += w - used - ellw - tused;
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
	case FF_COL_LATENCY: {
		size_t n = ff_fmt_latency(c->v.d, out);
		return n ? n : (size_t)snprintf(out, NUM_BUF, "-");
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

/* --- notes ------------------------------------------------------------- */

static bool note_num_before(const char *s, size_t i)
{
	return i == 0 || s[i - 1] == ' ' || s[i - 1] == '(';
}

static bool note_num_after(char c)
{
	return c == 0 || c == ' ' || c == ')' || c == ',' || c == ';' || c == '%' || c == '.';
}

/* A note with its counts grouped as the tables group them ("12,345 of
 * 67,890 visits").  Only a run of digits standing as a word of its own
 * is a count: dates, addresses, ports, versions, p-values and anything
 * quoted ('regex') keep their digits as written.  NULL when out of
 * memory. */
static char *group_note(const char *s, bool seps)
{
	size_t n = strlen(s);
	char *out = malloc(n + n / 3 + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	bool quoted = false;
	for (size_t i = 0; i < n;) {
		if (s[i] == '\'')
			quoted = !quoted;
		size_t j = i;
		while (j < n && s[j] >= '0' && s[j] <= '9')
			j++;
		if (j == i) {
			out[o++] = s[i++];
			continue;
		}
		/* --no-separators: a count grouped where the note was made
		 * ("1,400") loses its separators here */
		if (!seps && !quoted && j - i <= 3 && note_num_before(s, i)) {
			size_t e = j;
			while (e + 3 < n && s[e] == ',' && isdigit((unsigned char)s[e + 1]) &&
			       isdigit((unsigned char)s[e + 2]) && isdigit((unsigned char)s[e + 3]) &&
			       !isdigit((unsigned char)s[e + 4]))
				e += 4;
			if (e > j && note_num_after(s[e])) {
				for (size_t k = i; k < e; k++)
					if (s[k] != ',')
						out[o++] = s[k];
				i = e;
				continue;
			}
		}
		bool group = seps && !quoted && j - i >= 4 && note_num_before(s, i) && note_num_after(s[j]);
		for (size_t k = i; k < j; k++) {
			if (group && k > i && (j - k) % 3 == 0)
				out[o++] = ',';
			out[o++] = s[k];
		}
		i = j;
	}
	out[o] = 0;
	return out;
}

/* Text for people (notes) made visible and wrapped at spaces to width
 * (0: no limit); lines after the first are indented by two more.  A word
 * wider than a line is cut there, not let past the edge. */
static void put_wrapped(struct out *o, const char *text, size_t indent, size_t width, const ff_render_opts *opt)
{
	char *grouped = group_note(text, opt->separators);
	ff_sv s = ff_sv_cstr(grouped ? grouped : text);
	size_t lead = indent;
	while (s.n) {
		size_t room = width == 0 ? SIZE_MAX : width > lead + MIN_CUT ? width - lead : MIN_CUT;
		const unsigned char *p = (const unsigned char *)s.p;
		size_t i = 0, w = 0, last_space = 0;
		struct unit u;
		while (i < s.n) {
			next_unit(p + i, s.n - i, &u);
			if (w + u.width > room)
				break;
			if (p[i] == ' ' && i > 0)
				last_space = i;
			w += u.width;
			i += u.step;
		}
		size_t take = i == s.n ? s.n : last_space ? last_space : i ? i : u.step;
		ff_sv line = { s.p, take };
		o->pad += lead;
		put_vis(o, line, vis_width(line, SIZE_MAX), false, opt->ascii);
		out_eol(o);
		s.p += take, s.n -= take;
		while (s.n && s.p[0] == ' ')
			s.p++, s.n--;
		lead = indent + INDENT;
	}
	free(grouped);
}

static void put_title(struct out *o, const char *s, const ff_render_opts *opt)
{
	if (opt->color)
		out_ctl(o, SGR_BOLD);
	out_str(o, s);
	if (opt->color)
		out_ctl(o, SGR_RESET);
	out_eol(o);
}

/* --- tables ------------------------------------------------------------- */

/* Reports whose key repeats other columns of the row ("checkout 2" beside
 * funnel checkout, step 2): the text leaves the key out. */
static bool key_repeats_columns(const ff_table *t)
{
	static const char *const names[] = { "funnels", "funnel_exits", "experiments" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (t->name && strcmp(t->name, names[i]) == 0)
			return t->n_cols > 1;
	return false;
}

/* Text columns that are never cut: a shortened address names nobody. */
static bool never_cut(const ff_table *t, size_t c)
{
	return c == 0 && t->name && strcmp(t->name, "hosts") == 0;
}

struct col {
	size_t idx;   /* in the table */
	bool text;    /* left-aligned and cuttable */
	bool fixed;   /* text never cut */
	size_t cellw; /* the widest cell */
	size_t numw;  /* bytes: the number part */
	size_t humw;  /* bytes: the "(1.2 MiB)" part */
	size_t plainw; /* bytes: the widest cell that is not a byte count */
	bool hum;     /* bytes: the size part shown */
	ff_sv t1, t2; /* the title on one line (t2 empty), or two */
	size_t w;     /* as laid out */
};

static bool is_others_row(const ff_table *t, size_t r)
{
	return t->has_others && r + 1 == t->n_rows;
}

/* The title split at the space that makes its longer half shortest. */
static void split_title(const char *title, ff_sv *a, ff_sv *b)
{
	ff_sv s = ff_sv_cstr(title);
	size_t best = s.n, best_w = SIZE_MAX;
	for (size_t i = 1; i + 1 < s.n; i++) {
		if (s.p[i] != ' ')
			continue;
		size_t lw = vis_width((ff_sv){ s.p, i }, SIZE_MAX), rw = vis_width((ff_sv){ s.p + i + 1, s.n - i - 1 }, SIZE_MAX);
		size_t w = lw > rw ? lw : rw;
		if (w < best_w)
			best_w = w, best = i;
	}
	if (best == s.n) {
		*a = s, *b = (ff_sv){ s.p + s.n, 0 };
		return;
	}
	*a = (ff_sv){ s.p, best };
	*b = (ff_sv){ s.p + best + 1, s.n - best - 1 };
}

/* One pass over the cells: the widest cell of every shown column. */
static void measure(const ff_table *t, const ff_render_opts *opt, struct col *cols, size_t ncols)
{
	char num[NUM_BUF], hum[NUM_BUF];
	for (size_t k = 0; k < ncols; k++) {
		struct col *cl = &cols[k];
		const ff_column *col = &t->cols[cl->idx];
		cl->cellw = cl->numw = cl->humw = cl->plainw = 0;
		cl->hum = true;
		for (size_t r = 0; r < t->n_rows; r++) {
			const ff_cell *cell = &ff_table_row(t, r)[cl->idx];
			size_t w;
			if (is_others_row(t, r) && k == 0) {
				w = strlen("(others)");
			} else if (cell->null) {
				w = 1;
			} else if (col->kind == FF_COL_TEXT) {
				w = vis_width(cell->v.s, SIZE_MAX);
			} else {
				w = fmt_cell(col, cell, opt->separators && cl->idx > 0, num, hum);
				if (col->kind == FF_COL_BYTES) {
					size_t hw = strlen(hum);
					if (w > cl->numw)
						cl->numw = w;
					if (hw > cl->humw)
						cl->humw = hw;
					continue;
				}
			}
			if (w > cl->plainw)
				cl->plainw = w;
		}
	}
}

/* The widest cell, with or without the size part of byte counts. */
static size_t cell_width(const struct col *cl)
{
	size_t w = cl->hum ? cl->numw + 1 + cl->humw : cl->numw;
	if (!cl->humw && !cl->numw)
		w = 0;
	return cl->plainw > w ? cl->plainw : w;
}

/* Widths for titles on one line or two; returns the line's width. */
static size_t set_widths(struct col *cols, size_t ncols, bool two_lines, bool hum, size_t fixed)
{
	size_t total = fixed;
	for (size_t k = 0; k < ncols; k++) {
		struct col *cl = &cols[k];
		size_t tw;
		cl->hum = hum;
		cl->cellw = cell_width(cl);
		if (two_lines) {
			size_t a = vis_width(cl->t1, SIZE_MAX), b = vis_width(cl->t2, SIZE_MAX);
			tw = a > b ? a : b;
		} else {
			tw = vis_width(cl->t1, SIZE_MAX) + (cl->t2.n ? 1 + vis_width(cl->t2, SIZE_MAX) : 0);
		}
		cl->w = cl->cellw > tw ? cl->cellw : tw;
		total += cl->w;
	}
	return total;
}

/* Narrows the cuttable text columns until the line fits: each is capped at
 * one level L, the largest that fits, never below MIN_CUT.  Returns the
 * line's width after. */
static size_t cut_text(struct col *cols, size_t ncols, size_t total, size_t width)
{
	size_t other = total, maxw = 0;
	for (size_t k = 0; k < ncols; k++)
		if (cols[k].text && !cols[k].fixed) {
			other -= cols[k].w;
			if (cols[k].w > maxw)
				maxw = cols[k].w;
		}
	size_t avail = width > other ? width - other : 0;
	size_t lo = MIN_CUT, hi = maxw > MIN_CUT ? maxw : MIN_CUT;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2, s = 0;
		for (size_t k = 0; k < ncols; k++)
			if (cols[k].text && !cols[k].fixed)
				s += cols[k].w < mid ? cols[k].w : mid;
		if (s <= avail)
			lo = mid;
		else
			hi = mid - 1;
	}
	size_t sum = 0;
	for (size_t k = 0; k < ncols; k++) {
		if (!cols[k].text || cols[k].fixed)
			continue;
		if (cols[k].w > lo)
			cols[k].w = lo;
		sum += cols[k].w;
	}
	/* what the single level leaves over goes to the columns it cut */
	for (size_t k = 0; k < ncols && sum < avail; k++)
		if (cols[k].text && !cols[k].fixed && cols[k].w == lo && cols[k].w < cols[k].cellw)
			cols[k].w++, sum++;
	return other + sum;
}

/* Eighths of a block per step (ASCII: one '#' per step): bars compare a
 * row with the largest. */
static void put_bar(struct out *o, double v, double max, bool ascii)
{
	static const char *const part[] = { "", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
					    "\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89" };
	if (max <= 0 || v <= 0)
		return;
	double share = v / max;
	size_t steps = ascii ? 1 : 8;
	size_t n = (size_t)(share * BAR_W * (double)steps + 0.5);
	if (n == 0)
		n = 1; /* not nothing: something is there */
	if (n > BAR_W * steps)
		n = BAR_W * steps;
	if (ascii) {
		for (size_t i = 0; i < n; i++)
			out_str(o, "#");
		return;
	}
	for (size_t i = 0; i < n / 8; i++)
		out_str(o, "\xe2\x96\x88");
	out_str(o, part[n % 8]);
}

static void put_ascii(struct out *o, const char *s, size_t n, size_t w, bool right)
{
	if (right)
		o->pad += w > n ? w - n : 0;
	out_bytes(o, s, n);
	if (!right)
		o->pad += w > n ? w - n : 0;
}

/* One cell in w columns; bytes cells with their number and size parts
 * aligned to the column's. */
static void put_cell(struct out *o, const ff_table *t, size_t r, const struct col *cl, bool first,
		     const ff_render_opts *opt, size_t w)
{
	char num[NUM_BUF], hum[NUM_BUF];
	const ff_column *col = &t->cols[cl->idx];
	const ff_cell *cell = &ff_table_row(t, r)[cl->idx];
	bool right = col->kind != FF_COL_TEXT;
	if (first && is_others_row(t, r)) {
		put_ascii(o, "(others)", 8, w, right);
	} else if (cell->null) {
		put_ascii(o, "-", 1, w, right);
	} else if (col->kind == FF_COL_TEXT) {
		put_vis(o, cell->v.s, w, false, opt->ascii);
	} else if (col->kind == FF_COL_BYTES) {
		size_t n = fmt_cell(col, cell, opt->separators && cl->idx > 0, num, hum);
		size_t part = cl->hum ? cl->numw + 1 + cl->humw : cl->numw;
		o->pad += w > part ? w - part : 0;
		put_ascii(o, num, n, cl->numw, true);
		if (cl->hum)
			put_ascii(o, hum, strlen(hum), cl->humw + 1, true);
	} else {
		size_t n = fmt_cell(col, cell, opt->separators && cl->idx > 0, num, hum);
		put_ascii(o, num, n, w, true);
	}
}

static void render_row(struct out *o, const ff_table *t, size_t r, const struct col *cols, size_t ncols,
		       const ff_render_opts *opt, bool bar, double bar_max)
{
	const ff_cell *row = ff_table_row(t, r);
	bool others = is_others_row(t, r);

	if (others && opt->color)
		out_ctl(o, SGR_DIM);
	o->pad += INDENT;
	for (size_t k = 0; k < ncols; k++) {
		if (k > 0)
			o->pad += GAP;
		put_cell(o, t, r, &cols[k], k == 0, opt, cols[k].w);
	}
	/* the others row sums many keys: a bar would only dwarf the rows */
	if (bar && !others) {
		o->pad += GAP;
		put_bar(o, ff_cell_magnitude(&t->cols[t->bar_col], &row[t->bar_col]), bar_max, opt->ascii);
	}
	if (others && opt->color)
		out_ctl(o, SGR_RESET);
	out_eol(o);
}

static void render_header(struct out *o, const struct col *cols, size_t ncols, bool two_lines,
			  const ff_table *t, const ff_render_opts *opt)
{
	for (int line = two_lines ? 0 : 1; line < 2; line++) {
		if (opt->color)
			out_ctl(o, SGR_BOLD);
		o->pad += INDENT;
		for (size_t k = 0; k < ncols; k++) {
			const struct col *cl = &cols[k];
			bool right = t->cols[cl->idx].kind != FF_COL_TEXT;
			if (k > 0)
				o->pad += GAP;
			ff_sv title;
			if (two_lines)
				title = line == 0 ? (cl->t2.n ? cl->t1 : (ff_sv){ cl->t1.p, 0 }) : (cl->t2.n ? cl->t2 : cl->t1);
			else
				title = ff_sv_cstr(col_title(&t->cols[cl->idx]));
			put_vis(o, title, cl->w, right, opt->ascii);
		}
		if (opt->color)
			out_ctl(o, SGR_RESET);
		out_eol(o);
	}
}

/* The widths a name/value list of rows [from, to) aligns to: the widest
 * title, and the widest number. */
static void record_widths(const ff_table *t, size_t from, size_t to, const struct col *cols, size_t ncols,
			  const ff_render_opts *opt, size_t *namew, size_t *numw)
{
	char num[NUM_BUF], hum[NUM_BUF];
	*namew = 0, *numw = 1;
	for (size_t k = 0; k < ncols; k++) {
		const ff_column *col = &t->cols[cols[k].idx];
		size_t w = vis_width(ff_sv_cstr(col_title(col)), SIZE_MAX);
		if (w > *namew)
			*namew = w;
		for (size_t r = from; r < to && col->kind != FF_COL_TEXT; r++) {
			const ff_cell *cell = &ff_table_row(t, r)[cols[k].idx];
			if (!cell->null && (w = fmt_cell(col, cell, opt->separators, num, hum)) > *numw)
				*numw = w;
		}
	}
}

/* A name/value list: names left-aligned, numbers right-aligned to one
 * edge, text left-aligned from the same column, cut to the width.  The
 * summary is one; so is each row of a table too wide for the width. */
static void render_record(struct out *o, const ff_table *t, size_t r, const struct col *cols, size_t ncols,
			  size_t indent, size_t width, const ff_render_opts *opt, size_t namew, size_t numw)
{
	char num[NUM_BUF], hum[NUM_BUF];
	const ff_cell *row = ff_table_row(t, r);
	size_t textw = width == 0 || opt->wide ? SIZE_MAX
		       : width > indent + namew + GAP + MIN_CUT ? width - indent - namew - GAP : MIN_CUT;
	for (size_t k = 0; k < ncols; k++) {
		const ff_column *col = &t->cols[cols[k].idx];
		const ff_cell *cell = &row[cols[k].idx];
		o->pad += indent;
		put_vis(o, ff_sv_cstr(col_title(col)), namew + GAP, false, opt->ascii);
		if (col->kind == FF_COL_TEXT && !cell->null) {
			size_t sw = vis_width(cell->v.s, SIZE_MAX);
			put_vis(o, cell->v.s, sw < textw ? sw : textw, false, opt->ascii);
		} else if (cell->null) {
			o->pad += col->kind == FF_COL_TEXT ? 0 : numw - 1;
			out_str(o, "-");
		} else {
			size_t n = fmt_cell(col, cell, opt->separators, num, hum);
			o->pad += numw > n ? numw - n : 0;
			out_bytes(o, num, n);
			/* the size in units is left out before the width is passed */
			if (hum[0] && (!width || opt->wide || indent + namew + GAP + numw + 1 + strlen(hum) <= width)) {
				out_str(o, " ");
				out_str(o, hum);
			}
		}
		out_eol(o);
	}
}

static void render_summary(struct out *o, const ff_table *t, const ff_render_opts *opt, size_t width)
{
	put_title(o, t->title ? t->title : "Summary", opt);
	if (t->n_rows == 0 || t->n_cols == 0)
		return;
	struct col *cols = calloc(t->n_cols, sizeof *cols);
	if (!cols)
		return;
	for (size_t c = 0; c < t->n_cols; c++)
		cols[c].idx = c;
	size_t namew, numw;
	record_widths(t, 0, 1, cols, t->n_cols, opt, &namew, &numw);
	render_record(o, t, 0, cols, t->n_cols, INDENT, width, opt, namew, numw);
	free(cols);
}

/* Each row as a name/value list under its key: the layout of last resort
 * for a table no cutting can fit in the width. */
static void render_vertical(struct out *o, const ff_table *t, const struct col *cols, size_t ncols,
			    size_t width, const ff_render_opts *opt)
{
	/* the key is each block's heading */
	size_t skip = cols[0].idx == 0 && ncols > 1 ? 1 : 0, namew, numw;
	record_widths(t, 0, t->n_rows, cols + skip, ncols - skip, opt, &namew, &numw);
	for (size_t r = 0; r < t->n_rows; r++) {
		const ff_cell *key = &ff_table_row(t, r)[0];
		bool others = is_others_row(t, r);
		o->pad += INDENT;
		if (opt->color)
			out_ctl(o, others ? SGR_DIM : SGR_BOLD);
		if (others || key->null || t->cols[0].kind != FF_COL_TEXT) {
			char num[NUM_BUF], hum[NUM_BUF];
			size_t n = others ? (size_t)snprintf(num, sizeof num, "(others)")
				   : key->null ? (size_t)snprintf(num, sizeof num, "-")
				   : fmt_cell(&t->cols[0], key, false, num, hum);
			out_bytes(o, num, n);
		} else {
			size_t sw = vis_width(key->v.s, SIZE_MAX);
			size_t room = width > INDENT + MIN_CUT ? width - INDENT : MIN_CUT;
			put_vis(o, key->v.s, width && sw > room ? room : sw, false, opt->ascii);
		}
		if (opt->color)
			out_ctl(o, SGR_RESET);
		out_eol(o);
		render_record(o, t, r, cols + skip, ncols - skip, 2 * INDENT, width, opt, namew, numw);
	}
}

static void render_table(struct out *o, const ff_table *t, const ff_render_opts *opt, size_t width)
{
	put_title(o, t->title ? t->title : t->name, opt);
	if (t->note)
		put_wrapped(o, t->note, INDENT, width, opt);
	if (t->n_rows == 0 || t->n_cols == 0) {
		o->pad += INDENT;
		out_str(o, t->empty ? t->empty : "(no rows)");
		out_eol(o);
		return;
	}
	struct col *cols = calloc(t->n_cols, sizeof *cols);
	if (!cols) {
		o->pad += INDENT;
		out_str(o, "(not enough memory to lay out this table)");
		out_eol(o);
		return;
	}
	size_t ncols = 0;
	bool any_split = false;
	for (size_t c = key_repeats_columns(t) ? 1 : 0; c < t->n_cols; c++) {
		struct col *cl = &cols[ncols++];
		cl->idx = c;
		cl->text = t->cols[c].kind == FF_COL_TEXT;
		cl->fixed = never_cut(t, c);
		/* only numbers' titles go on two lines: they are wider
		 * than their numbers, text columns are wide anyway */
		if (cl->text)
			cl->t1 = ff_sv_cstr(col_title(&t->cols[c])), cl->t2 = (ff_sv){ cl->t1.p + cl->t1.n, 0 };
		else
			split_title(col_title(&t->cols[c]), &cl->t1, &cl->t2);
		any_split |= cl->t2.n > 0;
	}
	bool bar = opt->bars && t->bar_col > 0 && (size_t)t->bar_col < t->n_cols &&
		   t->cols[t->bar_col].kind != FF_COL_TEXT && t->cols[t->bar_col].kind != FF_COL_BOOL;
	double bar_max = 0;
	for (size_t r = 0; bar && r < t->n_rows; r++) {
		double v = ff_cell_magnitude(&t->cols[t->bar_col], &ff_table_row(t, r)[t->bar_col]);
		if (!is_others_row(t, r) && v > bar_max)
			bar_max = v;
	}
	measure(t, opt, cols, ncols);

	/* The cheapest change that makes the table fit, in order: none,
	 * numbers' titles on two lines, byte counts without their size in
	 * units, no bars, long text cut (a key is cut only when it must be);
	 * else one block per row. */
	size_t fixed = INDENT + GAP * (ncols - 1);
	bool two_lines = false, vertical = false;
	size_t limit = opt->wide ? 0 : width;
	if (!limit) {
		set_widths(cols, ncols, false, true, fixed);
	} else {
		bool fits = false, want_bar = bar;
		for (int step = 0; step < 5 && !fits; step++) {
			two_lines = step >= 1 && any_split;
			bar = want_bar && step < 3;
			size_t barw = bar ? GAP + BAR_W : 0;
			size_t total = set_widths(cols, ncols, two_lines, step < 2, fixed) + barw;
			if (step == 4 && total > limit)
				total = cut_text(cols, ncols, total, limit);
			fits = total <= limit;
		}
		if (!fits) {
			vertical = true;
			for (size_t k = 0; k < ncols; k++)
				cols[k].hum = true;
		}
	}

	if (vertical)
		render_vertical(o, t, cols, ncols, limit, opt);
	else {
		render_header(o, cols, ncols, two_lines, t, opt);
		for (size_t r = 0; r < t->n_rows; r++)
			render_row(o, t, r, cols, ncols, opt, bar, bar_max);
	}
	free(cols);
}

void ff_render_text(FILE *f, const ff_report *r, const ff_render_opts *opt)
{
	struct out o = { .f = f, .pad = 0 };
	bool gap = false;

	if (!opt)
		opt = &default_opts;
	size_t width = opt->wide ? 0 : opt->width;
	for (size_t i = 0; i < r->n_notes; i++) {
		put_wrapped(&o, r->notes[i], 0, width, opt);
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
