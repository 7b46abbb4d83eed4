/* spool.c — standard input kept for a second, time-sorted pass: the copy
 * (or the regular file itself), the pieces a late line starts, their
 * chaining, and the merge that reads the chains side by side.  Sits
 * between input.c, which writes the copy, and merge.c, which reads it. */
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "summary.h"

/* A stretch of the input in time order: from its first line to the next
 * piece's, its valid lines between min and max. */
struct piece {
	uint64_t first_line;
	uint64_t start, end; /* byte offsets in the spool's fd */
	ff_time min, max;
	size_t next;         /* the piece after it in its chain, or SIZE_MAX */
};

struct ff_spool {
	ff_input *in;
	int fd;             /* the copy, or standard input itself */
	bool own_fd;
	uint64_t base;      /* offset of the first content byte in fd */
	int64_t window;
	struct piece *pieces;
	size_t n;
	bool full;          /* FF_SPOOL_PIECES reached or no memory: no more cuts */
};

ff_spool *ff_spool_start(ff_input *in, int64_t reorder_window, char *err, size_t errsz)
{
	ff_spool *sp = calloc(1, sizeof *sp);
	if (!sp) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	sp->in = in;
	sp->window = reorder_window;
	sp->fd = -1;
	struct stat st;
	if (ff_input_compression(in) == FF_COMP_NONE && fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode)) {
		/* `footfall < access.log`: the file is there to be read again */
		off_t at = lseek(STDIN_FILENO, 0, SEEK_CUR);
		if (at >= 0 && (uint64_t)at >= ff_input_bytes_read(in)) {
			sp->fd = STDIN_FILENO;
			sp->base = (uint64_t)at - ff_input_bytes_read(in);
			return sp;
		}
	}
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/footfall-stdin-XXXXXX", dir) >= sizeof path) {
		snprintf(err, errsz, "cannot create a file in '%s': %s", dir, strerror(ENAMETOOLONG));
		free(sp);
		return NULL;
	}
	sp->fd = mkostemp(path, O_CLOEXEC);
	if (sp->fd < 0) {
		snprintf(err, errsz, "cannot create a file in '%s': %s", dir, strerror(errno));
		free(sp);
		return NULL;
	}
	/* Nobody else needs the name, and the space goes back to the file
	 * system however footfall ends. */
	unlink(path);
	sp->own_fd = true;
	ff_input_tee(in, sp->fd);
	return sp;
}

static bool add_piece(ff_spool *sp, uint64_t number, const ff_time *min, const ff_time *max)
{
	if (sp->full)
		return false;
	if (sp->n % 1024 == 0) {
		struct piece *p = realloc(sp->pieces, (sp->n + 1024) * sizeof *p);
		if (!p) {
			sp->full = true;
			return false;
		}
		sp->pieces = p;
	}
	sp->pieces[sp->n++] = (struct piece){ .first_line = number, .min = *min, .max = *max, .next = SIZE_MAX };
	if (sp->n == FF_SPOOL_PIECES)
		sp->full = true;
	return true;
}

bool ff_spool_restart(ff_spool *sp, uint64_t number, const ff_time *min, const ff_time *max, const ff_time *t)
{
	if (ff_input_tee_error(sp->in) || sp->n)
		return false;
	if (!add_piece(sp, 1, min, max) || !add_piece(sp, number, t, t)) {
		sp->n = 0;
		return false;
	}
	return true;
}

void ff_spool_note(ff_spool *sp, uint64_t number, const ff_time *t)
{
	struct piece *p = &sp->pieces[sp->n - 1];
	/* The rule that makes a line late (SPEC §13.12) also starts a piece. */
	if (t->t < p->max.t - sp->window && add_piece(sp, number, t, t))
		return;
	if (ff_time_cmp(t, &p->min) < 0)
		p->min = *t;
	if (ff_time_cmp(t, &p->max) > 0)
		p->max = *t;
}

/* Finds where each piece starts, and where the last line ends: line k
 * starts after the (k-1)th LF.  Returns -1 on a read error. */
static int locate(ff_spool *sp, uint64_t lines, uint64_t len)
{
	enum { BLOCK = 1 << 20 };
	char *buf = malloc(BLOCK);
	if (!buf)
		return -1;
	uint64_t line = 1, off = sp->base, end = sp->base + len, last_end = end;
	size_t k = 0;
	while (k < sp->n && sp->pieces[k].first_line == 1)
		sp->pieces[k++].start = off;
	while (off < end && line <= lines) {
		size_t want = end - off < BLOCK ? (size_t)(end - off) : BLOCK;
		ssize_t got = pread(sp->fd, buf, want, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			free(buf);
			return -1;
		}
		const char *p = buf, *stop = buf + got;
		const char *lf;
		while (p < stop && (lf = memchr(p, '\n', (size_t)(stop - p)))) {
			uint64_t next = off + (uint64_t)(lf - buf) + 1;
			if (line == lines) /* what follows was not a line (a read fault cut it) */
				last_end = next;
			line++;
			while (k < sp->n && sp->pieces[k].first_line == line)
				sp->pieces[k++].start = next;
			p = lf + 1;
			if (line > lines)
				break;
		}
		off += (uint64_t)got;
	}
	free(buf);
	/* Pieces past the end (never, unless the file shrank) are empty. */
	for (; k < sp->n; k++)
		sp->pieces[k].start = last_end;
	for (size_t i = 0; i < sp->n; i++)
		sp->pieces[i].end = i + 1 < sp->n ? sp->pieces[i + 1].start : last_end;
	return 0;
}

static int by_min(const void *a, const void *b, void *ctx)
{
	const struct piece *pieces = ctx;
	const struct piece *x = &pieces[*(const size_t *)a], *y = &pieces[*(const size_t *)b];
	int c = ff_time_cmp(&x->min, &y->min);
	if (c)
		return c;
	return x->first_line < y->first_line ? -1 : x->first_line > y->first_line;
}

/* Whether piece x may follow piece y in one chain: every line of x comes
 * at or after y's last in the stable time order. */
static bool follows(const struct piece *y, const struct piece *x)
{
	int c = ff_time_cmp(&y->max, &x->min);
	return c < 0 || (c == 0 && y->first_line < x->first_line);
}

struct chain {
	size_t head, tail;
};

static int by_head(const void *a, const void *b, void *ctx)
{
	const struct piece *pieces = ctx;
	uint64_t x = pieces[((const struct chain *)a)->head].first_line;
	uint64_t y = pieces[((const struct chain *)b)->head].first_line;
	return x < y ? -1 : x > y;
}

/* Each piece, earliest first, goes after the chain end nearest before it;
 * rotated logs in any order make one chain, n servers n.  Past
 * FF_SPOOL_CHAINS a piece goes after the chain that ends earliest, and
 * its lines that overlap come late.  Returns the number of chains. */
static size_t make_chains(ff_spool *sp, size_t *order, struct chain *chains)
{
	for (size_t i = 0; i < sp->n; i++)
		order[i] = i;
	qsort_r(order, sp->n, sizeof *order, by_min, sp->pieces);
	size_t n = 0;
	for (size_t i = 0; i < sp->n; i++) {
		struct piece *x = &sp->pieces[order[i]];
		size_t best = SIZE_MAX, earliest = 0;
		for (size_t c = 0; c < n; c++) {
			const struct piece *y = &sp->pieces[chains[c].tail];
			if (follows(y, x) && (best == SIZE_MAX || ff_time_cmp(&y->max, &sp->pieces[chains[best].tail].max) > 0))
				best = c;
			if (ff_time_cmp(&y->max, &sp->pieces[chains[earliest].tail].max) < 0)
				earliest = c;
		}
		if (best == SIZE_MAX && n < FF_SPOOL_CHAINS) {
			chains[n++] = (struct chain){ order[i], order[i] };
			continue;
		}
		if (best == SIZE_MAX)
			best = earliest;
		sp->pieces[chains[best].tail].next = order[i];
		chains[best].tail = order[i];
	}
	/* Sources tie by the order they are added: input order. */
	qsort_r(chains, n, sizeof *chains, by_head, sp->pieces);
	return n;
}

bool ff_spool_failed(const ff_spool *sp, char *err, size_t errsz)
{
	int e = sp->in ? ff_input_tee_error(sp->in) : 0;
	if (!e)
		return false;
	const char *dir = getenv("TMPDIR");
	snprintf(err, errsz, "cannot keep a copy of standard input in '%s': %s", dir && *dir ? dir : "/tmp", strerror(e));
	return true;
}

int ff_spool_merge(ff_spool *sp, uint64_t lines, ff_format *fmt, ff_merge **out, char *err, size_t errsz)
{
	*out = NULL;
	if (ff_spool_failed(sp, err, errsz))
		return -1;
	uint64_t len = ff_input_bytes_read(sp->in);
	if (sp->own_fd) {
		struct stat st;
		if (fstat(sp->fd, &st) != 0) {
			snprintf(err, errsz, "cannot read the copy of standard input: %s", strerror(errno));
			return -1;
		}
		len = (uint64_t)st.st_size;
	}
	if (locate(sp, lines, len) != 0) {
		snprintf(err, errsz, "cannot read standard input again: %s", errno ? strerror(errno) : "out of memory");
		return -1;
	}
	size_t *order = malloc(sp->n * sizeof *order);
	struct chain *chains = malloc(FF_SPOOL_CHAINS * sizeof *chains);
	ff_range *ranges = malloc(sp->n * sizeof *ranges);
	ff_merge *m = ff_merge_new(fmt);
	int rc = order && chains && ranges && m ? 0 : -1;
	size_t n_chains = rc == 0 ? make_chains(sp, order, chains) : 0;
	for (size_t c = 0; c < n_chains && rc == 0; c++) {
		size_t n = 0;
		for (size_t i = chains[c].head; i != SIZE_MAX; i = sp->pieces[i].next)
			ranges[n++] = (ff_range){ sp->pieces[i].start, sp->pieces[i].end, sp->pieces[i].first_line };
		ff_input *in = ff_input_open_ranges(sp->fd, ff_input_name(sp->in), ranges, n, err, errsz);
		if (!in || ff_merge_add(m, in, NULL) < 0) {
			ff_input_close(in);
			rc = -1;
		}
	}
	free(order);
	free(chains);
	free(ranges);
	if (rc != 0) {
		snprintf(err, errsz, "out of memory");
		ff_merge_free(m);
		return -1;
	}
	*out = m;
	sp->in = NULL; /* closed with the first pass's merge */
	return 0;
}

void ff_spool_free(ff_spool *sp)
{
	if (!sp)
		return;
	if (sp->own_fd)
		close(sp->fd);
	free(sp->pieces);
	free(sp);
}
