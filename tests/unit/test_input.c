/* test_input.c — the line reader: SPEC §13.1 line rules, overlong lines in
 * bounded memory, gzip (multi-member, padding, garbage, truncation, bad
 * CRC), refused compressions, open errors, pipes and standard input, the
 * copy kept of standard input (tee) and the reader of its ranges. */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"

#define MAX_KEPT 16

/* What a reader gave, copied out of its buffer so it outlives the reader. */
struct got {
	int lines;
	char text[MAX_KEPT][64];
	size_t len[MAX_KEPT];
	bool overlong[MAX_KEPT];
	uint64_t number[MAX_KEPT];
	enum ff_input_status end;
	char err[256];
	enum ff_compression comp;
	uint64_t bytes_read, size;
};

struct bytes {
	unsigned char *p;
	size_t n, cap;
};

static void bytes_add(struct bytes *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		if (!b->p) {
			perror("realloc");
			exit(2);
		}
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

static char dir[4096];

static const char *path_in_dir(const char *name, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/%s", dir, name);
	return out;
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

static void drain(ff_input *in, struct got *g)
{
	ff_line line;
	enum ff_input_status st;
	g->lines = 0;
	while ((st = ff_input_next(in, &line)) == FF_INPUT_LINE) {
		int i = g->lines++;
		if (i < MAX_KEPT) {
			size_t keep = line.n < sizeof g->text[i] ? line.n : sizeof g->text[i];
			memcpy(g->text[i], line.p, keep);
			g->len[i] = line.n;
			g->overlong[i] = line.overlong;
			g->number[i] = line.number;
		}
	}
	g->end = st;
	snprintf(g->err, sizeof g->err, "%s", ff_input_error(in));
	g->comp = ff_input_compression(in);
	g->bytes_read = ff_input_bytes_read(in);
	g->size = ff_input_size(in);
	/* The end is sticky. */
	CHECK_INT(ff_input_next(in, &line), st);
	CHECK_INT(ff_input_next(in, &line), st);
}

/* Reads a whole file; returns false (with g->err) when it cannot be opened. */
static bool read_path(const char *path, struct got *g)
{
	memset(g, 0, sizeof *g);
	ff_input *in = ff_input_open(path, g->err, sizeof g->err);
	if (!in)
		return false;
	drain(in, g);
	ff_input_close(in);
	return true;
}

static bool read_bytes(const void *p, size_t n, struct got *g)
{
	char path[4200];
	path_in_dir("data", path, sizeof path);
	write_file(path, p, n);
	bool ok = read_path(path, g);
	unlink(path);
	return ok;
}

#define LINE_IS(g, i, want) CHECK_SV(((struct { const char *p; size_t n; }){ (g).text[i], (g).len[i] }), want)

static void deflate_all(z_stream *zs, struct bytes *out, int flush)
{
	unsigned char chunk[65536] = { 0 };
	int rc;
	do {
		zs->next_out = chunk;
		zs->avail_out = sizeof chunk;
		rc = deflate(zs, flush);
		bytes_add(out, chunk, sizeof chunk - zs->avail_out);
	} while (zs->avail_out == 0 || (flush == Z_FINISH && rc == Z_OK));
}

/* Appends one complete gzip member holding data.  When flush_at < n, a
 * sync flush after data[0, flush_at) makes those bytes decodable from the
 * compressed bytes up to *flush_end alone. */
static void gz_member_split(struct bytes *out, const void *data, size_t n, size_t flush_at, size_t *flush_end)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	if (deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		exit(2);
	zs.next_in = (unsigned char *)data;
	zs.avail_in = (uInt)n;
	if (flush_at < n) {
		zs.avail_in = (uInt)flush_at;
		deflate_all(&zs, out, Z_SYNC_FLUSH);
		*flush_end = out->n;
		zs.avail_in = (uInt)(n - flush_at);
	}
	deflate_all(&zs, out, Z_FINISH);
	deflateEnd(&zs);
}

static void gz_member(struct bytes *out, const char *s)
{
	gz_member_split(out, s, strlen(s), SIZE_MAX, NULL);
}

static void test_plain_lines(void)
{
	struct got g;
	static const char data[] = "a\r\nb\rc\n\0x\0\n\n\r\n  \t\nlast";
	CHECK(read_bytes(data, sizeof data - 1, &g));
	CHECK_INT(g.lines, 7);
	LINE_IS(g, 0, "a");
	CHECK_INT(g.len[2], 3);
	CHECK(memcmp(g.text[2], "\0x\0", 3) == 0);
	LINE_IS(g, 1, "b\rc");
	LINE_IS(g, 3, "");
	LINE_IS(g, 4, "");
	LINE_IS(g, 5, "  \t");
	LINE_IS(g, 6, "last");
	for (int i = 0; i < 7; i++)
		CHECK_INT(g.number[i], i + 1);
	CHECK_INT(g.end, FF_INPUT_EOF);
	CHECK_STR(g.err, "");
	CHECK_INT(g.comp, FF_COMP_NONE);
	CHECK_INT(g.size, sizeof data - 1);
	CHECK_INT(g.bytes_read, sizeof data - 1);

	CHECK(read_bytes("", 0, &g));
	CHECK_INT(g.lines, 0);
	CHECK_INT(g.end, FF_INPUT_EOF);

	CHECK(read_bytes("\n", 1, &g));
	CHECK_INT(g.lines, 1);
	LINE_IS(g, 0, "");

	CHECK(read_bytes("a\n\n\nb\n", 6, &g));
	CHECK_INT(g.lines, 4);
	LINE_IS(g, 0, "a");
	LINE_IS(g, 1, "");
	LINE_IS(g, 2, "");
	LINE_IS(g, 3, "b");

	/* Only one CR is dropped, and only right before LF. */
	CHECK(read_bytes("x\r\r\n\r", 5, &g));
	CHECK_INT(g.lines, 2);
	LINE_IS(g, 0, "x\r");
	LINE_IS(g, 1, "\r");

	/* "BZh" text that is no bzip2 stream, and a lone "\x1f" byte. */
	CHECK(read_bytes("BZh9 is a word\n", 15, &g));
	CHECK_INT(g.lines, 1);
	LINE_IS(g, 0, "BZh9 is a word");
	CHECK(read_bytes("\x1f", 1, &g));
	CHECK_INT(g.lines, 1);
	CHECK_INT(g.comp, FF_COMP_NONE);
}

/* A line of n bytes of 'x' with the given ending, between "first" and
 * "last" lines. */
static void write_long_line_file(const char *path, size_t n, const char *ending, bool gzip)
{
	static char block[65536];
	memset(block, 'x', sizeof block);
	block[0] = 'y'; /* marks the start of each block: checks the prefix */
	if (gzip) {
		gzFile f = gzopen(path, "wb6");
		if (!f)
			exit(2);
		gzputs(f, "first\n");
		for (size_t done = 0; done < n;) {
			size_t k = n - done < sizeof block ? n - done : sizeof block;
			gzwrite(f, block, (unsigned)k);
			done += k;
		}
		gzputs(f, ending);
		gzputs(f, "last\n");
		gzclose(f);
		return;
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		exit(2);
	fputs("first\n", f);
	for (size_t done = 0; done < n;) {
		size_t k = n - done < sizeof block ? n - done : sizeof block;
		fwrite(block, 1, k, f);
		done += k;
	}
	fputs(ending, f);
	fputs("last\n", f);
	fclose(f);
}

static void check_long_line(size_t n, const char *ending, bool gzip, bool want_overlong)
{
	char path[4200];
	path_in_dir("long", path, sizeof path);
	write_long_line_file(path, n, ending, gzip);
	struct got g;
	CHECK(read_path(path, &g));
	unlink(path);
	CHECK_INT(g.lines, 3);
	LINE_IS(g, 0, "first");
	CHECK_INT(g.len[1], want_overlong ? FF_LINE_MAX : n);
	CHECK_INT(g.overlong[1], want_overlong);
	CHECK(g.text[1][0] == 'y' && g.text[1][1] == 'x');
	CHECK(!g.overlong[0] && !g.overlong[2]);
	LINE_IS(g, 2, "last");
	CHECK_INT(g.number[2], 3);
	CHECK_INT(g.end, FF_INPUT_EOF);
	CHECK_INT(g.comp, gzip ? FF_COMP_GZIP : FF_COMP_NONE);
}

static void test_line_max(void)
{
	check_long_line(FF_LINE_MAX - 1, "\n", false, false);
	check_long_line(FF_LINE_MAX, "\n", false, false);
	check_long_line(FF_LINE_MAX, "\r\n", false, false);
	check_long_line(FF_LINE_MAX + 1, "\n", false, true);
	check_long_line(FF_LINE_MAX + 1, "\r\n", false, true);
	check_long_line(FF_LINE_MAX + 2, "\n", false, true);
	check_long_line(10u * 1000 * 1000, "\n", false, true);
	check_long_line(10u * 1000 * 1000, "\r\n", true, true);
	check_long_line(FF_LINE_MAX, "\n", true, false);

	/* At the end of the file, without LF. */
	char *big = malloc(FF_LINE_MAX + 2);
	memset(big, 'z', FF_LINE_MAX + 2);
	struct got g;
	CHECK(read_bytes(big, FF_LINE_MAX, &g));
	CHECK_INT(g.lines, 1);
	CHECK_INT(g.len[0], FF_LINE_MAX);
	CHECK(!g.overlong[0]);
	CHECK(read_bytes(big, FF_LINE_MAX + 1, &g));
	CHECK_INT(g.lines, 1);
	CHECK_INT(g.len[0], FF_LINE_MAX);
	CHECK(g.overlong[0]);
	big[FF_LINE_MAX] = '\r'; /* no LF follows: the CR is content */
	CHECK(read_bytes(big, FF_LINE_MAX + 1, &g));
	CHECK(g.overlong[0]);
	CHECK(read_bytes(big, FF_LINE_MAX + 2, &g));
	CHECK_INT(g.lines, 1);
	CHECK(g.overlong[0]);
	free(big);
}

static long max_rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Runs writer in a child process feeding the returned pipe. */
static int pipe_from(void (*writer)(int fd, const void *arg), const void *arg, pid_t *pid)
{
	int fds[2];
	if (pipe(fds) != 0)
		exit(2);
	*pid = fork();
	if (*pid < 0)
		exit(2);
	if (*pid == 0) {
		close(fds[0]);
		writer(fds[1], arg);
		_exit(0);
	}
	close(fds[1]);
	return fds[0];
}

static void write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(1);
		c += w;
		n -= (size_t)w;
	}
}

static void write_huge_line(int fd, const void *arg)
{
	size_t n = *(const size_t *)arg;
	static char block[65536];
	memset(block, 'h', sizeof block);
	write_all(fd, "one\n", 4);
	for (size_t done = 0; done < n;) {
		size_t k = n - done < sizeof block ? n - done : sizeof block;
		write_all(fd, block, k);
		done += k;
	}
	write_all(fd, "\nthree", 6);
}

static void test_huge_line_pipe(void)
{
	size_t n = 100u * 1000 * 1000;
	pid_t pid;
	int fd = pipe_from(write_huge_line, &n, &pid);
	char err[256];
	ff_input *in = ff_input_open_fd(fd, "pipe", err, sizeof err);
	CHECK(in != NULL);
	if (!in)
		return;
	long before = max_rss_kib();
	struct got g;
	memset(&g, 0, sizeof g);
	drain(in, &g);
	long grown = max_rss_kib() - before;
	ff_input_close(in);
	waitpid(pid, NULL, 0);
	CHECK_INT(g.lines, 3);
	LINE_IS(g, 0, "one");
	CHECK(g.overlong[1]);
	CHECK_INT(g.len[1], FF_LINE_MAX);
	LINE_IS(g, 2, "three");
	CHECK_INT(g.end, FF_INPUT_EOF);
	CHECK_INT(g.size, 0);
	CHECK_INT(g.bytes_read, n + 10);
	/* The buffer never grows with the line: 100 MB read in a few MiB. */
	CHECK(grown < 8 * 1024);
}

static void test_gzip(void)
{
	struct got g;
	struct bytes b = { 0 };

	gz_member(&b, "alpha\r\nbeta\n");
	CHECK(read_bytes(b.p, b.n, &g));
	CHECK_INT(g.comp, FF_COMP_GZIP);
	CHECK_INT(g.lines, 2);
	LINE_IS(g, 0, "alpha");
	LINE_IS(g, 1, "beta");
	CHECK_INT(g.end, FF_INPUT_EOF);
	CHECK_INT(g.bytes_read, b.n);
	CHECK_INT(g.size, b.n);

	/* Members may split a line, and may be empty. */
	gz_member(&b, "gam");
	gz_member(&b, "");
	gz_member(&b, "ma\ndelta");
	CHECK(read_bytes(b.p, b.n, &g));
	CHECK_INT(g.lines, 4);
	LINE_IS(g, 1, "beta");
	LINE_IS(g, 2, "gamma");
	LINE_IS(g, 3, "delta");
	CHECK_INT(g.number[3], 4);
	CHECK_INT(g.end, FF_INPUT_EOF);
	size_t members = b.n;

	/* NUL padding after the last member is ignored. */
	unsigned char zeros[5000] = { 0 };
	bytes_add(&b, zeros, sizeof zeros);
	CHECK(read_bytes(b.p, b.n, &g));
	CHECK_INT(g.lines, 4);
	CHECK_INT(g.end, FF_INPUT_EOF);

	/* Anything else after the padding is garbage; "delta", which has no
	 * LF, is the partial line the fault cuts off. */
	bytes_add(&b, "x", 1);
	CHECK(read_bytes(b.p, b.n, &g));
	CHECK_INT(g.lines, 3);
	CHECK_INT(g.end, FF_INPUT_ERROR);
	CHECK_STR(g.err, "trailing garbage after gzip data");

	/* Garbage right after a member, after the complete lines; a lone
	 * 0x1f is garbage too, not a member. */
	b.n = members;
	bytes_add(&b, "\njunk junk\n", 11);
	CHECK(read_bytes(b.p, b.n, &g));
	CHECK_INT(g.lines, 3);
	CHECK_INT(g.end, FF_INPUT_ERROR);
	CHECK_STR(g.err, "trailing garbage after gzip data");
	b.n = members;
	bytes_add(&b, "\x1f", 1);
	CHECK(read_bytes(b.p, b.n, &g));
	CHECK_INT(g.end, FF_INPUT_ERROR);
	CHECK_STR(g.err, "trailing garbage after gzip data");

	/* A member whose header says gzip but whose method does not. */
	b.n = members;
	bytes_add(&b, "\x1f\x8b\x07\x00\x00\x00\x00\x00\x00\x03", 10);
	CHECK(read_bytes(b.p, b.n, &g));
	CHECK_INT(g.end, FF_INPUT_ERROR);
	CHECK(strncmp(g.err, "corrupt gzip data: ", 19) == 0);
	free(b.p);
}

static void test_gzip_faults(void)
{
	struct got g;
	struct bytes b = { 0 };
	static const char text[] = "l1\nl2\nl3\npartial line cut here\nl5\n";
	size_t cut = 0;
	size_t flush_at = strlen("l1\nl2\nl3\npartial line");
	gz_member_split(&b, text, sizeof text - 1, flush_at, &cut);

	/* Truncated where "partial line" is fully decodable: three lines,
	 * the partial one is not handed out. */
	CHECK(read_bytes(b.p, cut, &g));
	CHECK_INT(g.lines, 3);
	LINE_IS(g, 2, "l3");
	CHECK_INT(g.end, FF_INPUT_ERROR);
	CHECK_STR(g.err, "truncated gzip stream");

	/* Truncated inside the header and inside the trailer. */
	CHECK(read_bytes(b.p, 5, &g));
	CHECK_INT(g.lines, 0);
	CHECK_STR(g.err, "truncated gzip stream");
	CHECK(read_bytes(b.p, b.n - 3, &g));
	CHECK_INT(g.lines, 5);
	CHECK_INT(g.end, FF_INPUT_ERROR);
	CHECK_STR(g.err, "truncated gzip stream");

	/* The whole stream is fine. */
	CHECK(read_bytes(b.p, b.n, &g));
	CHECK_INT(g.lines, 5);
	CHECK_INT(g.end, FF_INPUT_EOF);

	/* Bad CRC, then bad length: all data came out before the trailer. */
	b.p[b.n - 8] ^= 0x55;
	CHECK(read_bytes(b.p, b.n, &g));
	CHECK_INT(g.lines, 5);
	CHECK_INT(g.end, FF_INPUT_ERROR);
	CHECK_STR(g.err, "corrupt gzip data: incorrect data check");
	b.p[b.n - 8] ^= 0x55;
	b.p[b.n - 1] ^= 0x01;
	CHECK(read_bytes(b.p, b.n, &g));
	CHECK_INT(g.end, FF_INPUT_ERROR);
	CHECK_STR(g.err, "corrupt gzip data: incorrect length check");
	b.p[b.n - 1] ^= 0x01;

	/* A broken deflate block right after the header. */
	b.p[10] = 0xff;
	CHECK(read_bytes(b.p, b.n, &g));
	CHECK_INT(g.end, FF_INPUT_ERROR);
	CHECK(strncmp(g.err, "corrupt gzip data: ", 19) == 0);
	free(b.p);
}

/* 50 MB of repeated lines in under 50 KB: read in bounded memory.  The
 * line is short because deflate's best ratio needs a match distance of at
 * most four bytes. */
static void test_gzip_bomb(void)
{
	static const char line[] = "ok\n";
	size_t per = sizeof line - 1, count = 50u * 1000 * 1000 / per;
	char *chunk = malloc(per * 1000);
	for (size_t i = 0; i < 1000; i++)
		memcpy(chunk + i * per, line, per);
	struct bytes b = { 0 };
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
	unsigned char out[65536];
	for (size_t done = 0; done < count; done += 1000) {
		zs.next_in = (unsigned char *)chunk;
		zs.avail_in = (uInt)(per * 1000);
		int flush = done + 1000 >= count ? Z_FINISH : Z_NO_FLUSH;
		do {
			zs.next_out = out;
			zs.avail_out = sizeof out;
			deflate(&zs, flush);
			bytes_add(&b, out, sizeof out - zs.avail_out);
		} while (zs.avail_out == 0);
	}
	deflateEnd(&zs);
	free(chunk);
	count = (count + 999) / 1000 * 1000;
	CHECK(b.n * 1000 < count * per); /* ratio above 1000:1 */

	char path[4200];
	path_in_dir("bomb.gz", path, sizeof path);
	write_file(path, b.p, b.n);
	free(b.p);
	char err[256];
	ff_input *in = ff_input_open(path, err, sizeof err);
	CHECK(in != NULL);
	if (!in)
		return;
	long before = max_rss_kib();
	ff_line l;
	size_t n = 0, good = 0;
	enum ff_input_status st;
	while ((st = ff_input_next(in, &l)) == FF_INPUT_LINE) {
		n++;
		good += l.n == per - 1 && l.p[0] == 'o' && !l.overlong;
	}
	CHECK(max_rss_kib() - before < 8 * 1024);
	CHECK_INT(st, FF_INPUT_EOF);
	CHECK_INT(n, count);
	CHECK_INT(good, count);
	ff_input_close(in);
	unlink(path);
}

/* Many lines of varied length (crossing every block boundary), with CRLF
 * on some: every line must come back byte for byte. */
static size_t varied_line(uint32_t i, char *out)
{
	uint32_t h = i * 2654435761u;
	size_t n = (h >> 7) % 700;
	if (i % 997 == 0)
		n = 20000 + (h >> 3) % 50000;
	for (size_t j = 0; j < n; j++)
		out[j] = (char)('!' + (i + j) % 90);
	return n;
}

#define VARIED_LINES 60000u

static void build_varied(struct bytes *b)
{
	static char line[80000];
	for (uint32_t i = 0; i < VARIED_LINES; i++) {
		size_t n = varied_line(i, line);
		bytes_add(b, line, n);
		bytes_add(b, i % 3 == 0 ? "\r\n" : "\n", i % 3 == 0 ? 2 : 1);
	}
}

static void check_varied(ff_input *in)
{
	static char want[80000];
	ff_line l;
	uint32_t i = 0, bad = 0;
	while (ff_input_next(in, &l) == FF_INPUT_LINE) {
		size_t n = varied_line(i, want);
		if (l.n != n || memcmp(l.p, want, n) != 0 || l.number != i + 1)
			bad++;
		i++;
	}
	CHECK_INT(i, VARIED_LINES);
	CHECK_INT(bad, 0);
}

struct chunks {
	const unsigned char *p;
	size_t n, step;
};

static void write_in_steps(int fd, const void *arg)
{
	const struct chunks *c = arg;
	for (size_t done = 0; done < c->n; done += c->step)
		write_all(fd, c->p + done, c->n - done < c->step ? c->n - done : c->step);
}

static void test_varied_and_pipes(void)
{
	struct bytes plain = { 0 }, gz = { 0 };
	build_varied(&plain);
	gz_member_split(&gz, plain.p, plain.n / 2, SIZE_MAX, NULL);
	gz_member_split(&gz, plain.p + plain.n / 2, plain.n - plain.n / 2, SIZE_MAX, NULL);

	char path[4200], err[256];
	path_in_dir("varied", path, sizeof path);
	write_file(path, plain.p, plain.n);
	ff_input *in = ff_input_open(path, err, sizeof err);
	CHECK(in != NULL);
	if (in) {
		check_varied(in);
		CHECK_INT(ff_input_bytes_read(in), plain.n);
		ff_input_close(in);
	}
	write_file(path, gz.p, gz.n);
	in = ff_input_open(path, err, sizeof err);
	CHECK(in != NULL);
	if (in) {
		CHECK_INT(ff_input_compression(in), FF_COMP_GZIP);
		check_varied(in);
		CHECK_INT(ff_input_bytes_read(in), gz.n);
		ff_input_close(in);
	}
	unlink(path);

	/* Through pipes, in odd-sized writes, plain and gzip. */
	const struct bytes *src[2] = { &plain, &gz };
	for (int k = 0; k < 2; k++) {
		struct chunks c = { src[k]->p, src[k]->n, 4099 };
		pid_t pid;
		int fd = pipe_from(write_in_steps, &c, &pid);
		in = ff_input_open_fd(fd, "pipe", err, sizeof err);
		CHECK(in != NULL);
		if (in) {
			CHECK_STR(ff_input_name(in), "pipe");
			CHECK_INT(ff_input_size(in), 0);
			check_varied(in);
			ff_input_close(in);
		}
		waitpid(pid, NULL, 0);
	}
	free(plain.p);
	free(gz.p);

	/* A small payload a byte at a time: the magic check waits for
	 * enough bytes and does not seek. */
	static const char small[] = "line1\nli\rne2\r\nline3";
	struct chunks c = { (const unsigned char *)small, sizeof small - 1, 1 };
	pid_t pid;
	int fd = pipe_from(write_in_steps, &c, &pid);
	in = ff_input_open_fd(fd, "pipe", err, sizeof err);
	CHECK(in != NULL);
	if (in) {
		struct got g;
		memset(&g, 0, sizeof g);
		drain(in, &g);
		CHECK_INT(g.lines, 3);
		LINE_IS(g, 0, "line1");
		LINE_IS(g, 1, "li\rne2");
		LINE_IS(g, 2, "line3");
		CHECK_INT(g.end, FF_INPUT_EOF);
		ff_input_close(in);
	}
	waitpid(pid, NULL, 0);

	static const unsigned char zst[] = { 0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00 };
	struct chunks z = { zst, sizeof zst, 1 };
	fd = pipe_from(write_in_steps, &z, &pid);
	in = ff_input_open_fd(fd, "pipe", err, sizeof err);
	CHECK(in == NULL);
	CHECK_STR(err, "zstd-compressed input is not supported: pipe it through 'zstdcat'");
	ff_input_close(in);
	waitpid(pid, NULL, 0);
}

static void test_stdin(void)
{
	char path[4200], err[256];
	path_in_dir("stdin", path, sizeof path);
	struct bytes gz = { 0 };
	gz_member(&gz, "from stdin\n");
	write_file(path, gz.p, gz.n);
	free(gz.p);
	int saved = dup(0);
	int fd = open(path, O_RDONLY);
	dup2(fd, 0);
	close(fd);
	ff_input *in = ff_input_open("-", err, sizeof err);
	CHECK(in != NULL);
	if (in) {
		struct got g;
		memset(&g, 0, sizeof g);
		drain(in, &g);
		CHECK_STR(ff_input_name(in), "(standard input)");
		CHECK_INT(g.comp, FF_COMP_GZIP);
		CHECK_INT(g.lines, 1);
		LINE_IS(g, 0, "from stdin");
		ff_input_close(in);
	}
	/* Closing the reader left descriptor 0 open. */
	CHECK(fcntl(0, F_GETFD) != -1);
	dup2(saved, 0);
	close(saved);
	unlink(path);
}

static void test_refused(void)
{
	struct got g;
	static const char bz2[] = "BZh91AY&SY\x12\x34";
	static const char bz2_empty[] = "BZh9\x17\x72\x45\x38\x50\x90\0\0\0\0";
	static const char xz[] = "\xfd" "7zXZ\0\0\x04";
	static const char zst[] = "\x28\xb5\x2f\xfd\x24\x00";
	CHECK(!read_bytes(bz2, sizeof bz2 - 1, &g));
	CHECK_STR(g.err, "bzip2-compressed input is not supported: pipe it through 'bzcat'");
	CHECK(!read_bytes(bz2_empty, sizeof bz2_empty - 1, &g));
	CHECK_STR(g.err, "bzip2-compressed input is not supported: pipe it through 'bzcat'");
	CHECK(!read_bytes(xz, sizeof xz - 1, &g));
	CHECK_STR(g.err, "xz-compressed input is not supported: pipe it through 'xzcat'");
	CHECK(!read_bytes(zst, sizeof zst - 1, &g));
	CHECK_STR(g.err, "zstd-compressed input is not supported: pipe it through 'zstdcat'");

	CHECK(!read_path(dir, &g));
	CHECK_STR(g.err, "is a directory");
	char path[4200];
	CHECK(!read_path(path_in_dir("missing", path, sizeof path), &g));
	CHECK_STR(g.err, strerror(ENOENT));

	/* A descriptor that cannot be read fails at open with strerror. */
	write_file(path, "x\n", 2);
	int fd = open(path, O_WRONLY);
	ff_input *in = ff_input_open_fd(fd, path, g.err, sizeof g.err);
	CHECK(in == NULL);
	CHECK_STR(g.err, strerror(EBADF));
	unlink(path);
}

/* A tee copies every content byte, decompressed, the bytes read at open
 * included; a reader of ranges gives their lines with the original
 * numbers, and ends a range without LF where it ends. */
static void test_tee_and_ranges(void)
{
	char path[4200], copy[4200];
	path_in_dir("tee.gz", path, sizeof path);
	path_in_dir("copy", copy, sizeof copy);
	static const char text[] = "one\ntwo\r\nthree\nfour\nfive";
	struct bytes gz = { 0 };
	gz_member(&gz, "one\ntwo\r\n");
	gz_member(&gz, "three\nfour\nfive");
	write_file(path, gz.p, gz.n);
	free(gz.p);
	struct got g;
	memset(&g, 0, sizeof g);
	int fd = open(copy, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	ff_input *in = ff_input_open(path, g.err, sizeof g.err);
	CHECK(in != NULL);
	ff_input_tee(in, fd);
	drain(in, &g);
	CHECK_INT(g.lines, 5);
	CHECK_INT(ff_input_tee_error(in), 0);
	ff_input_close(in);
	char back[64] = { 0 };
	CHECK_INT(pread(fd, back, sizeof back, 0), (long long)strlen(text));
	CHECK_STR(back, text);

	/* Lines 3-4, then 1-2, then 5 (no LF), then 3 again: as pieces of a
	 * time-sorted pass would be read. */
	ff_range ranges[] = {
		{ 9, 20, 3 }, /* "three\nfour\n" */
		{ 0, 9, 1 },  /* "one\ntwo\r\n" */
		{ 20, 24, 5 }, /* "five" */
		{ 9, 15, 3 }, /* "three\n" */
	};
	memset(&g, 0, sizeof g);
	in = ff_input_open_ranges(fd, "(standard input)", ranges, 4, g.err, sizeof g.err);
	CHECK(in != NULL);
	CHECK_STR(ff_input_name(in), "(standard input)");
	drain(in, &g);
	ff_input_close(in);
	CHECK_INT(g.end, FF_INPUT_EOF);
	CHECK_INT(g.lines, 6);
	LINE_IS(g, 0, "three");
	LINE_IS(g, 1, "four");
	LINE_IS(g, 2, "one");
	LINE_IS(g, 3, "two");
	LINE_IS(g, 4, "five");
	LINE_IS(g, 5, "three");
	CHECK_INT(g.number[0], 3);
	CHECK_INT(g.number[1], 4);
	CHECK_INT(g.number[2], 1);
	CHECK_INT(g.number[3], 2);
	CHECK_INT(g.number[4], 5);
	CHECK_INT(g.number[5], 3);
	/* the reader borrowed fd: it is still open */
	CHECK_INT(pread(fd, back, 3, 0), 3);
	close(fd);

	/* A copy that cannot be written stops, and says why; reading goes on. */
	memset(&g, 0, sizeof g);
	in = ff_input_open(path, g.err, sizeof g.err);
	CHECK(in != NULL);
	int ro = open(copy, O_RDONLY);
	ff_input_tee(in, ro);
	drain(in, &g);
	CHECK_INT(g.lines, 5);
	CHECK_INT(ff_input_tee_error(in), EBADF);
	ff_input_close(in);
	close(ro);
	unlink(copy);
	unlink(path);
}

/* Parked files (ff_input_park) read side by side under a bound of one
 * open file: every line comes back, in order, and a file replaced while
 * parked makes its input fail. */
static void test_park(void)
{
	char a[4200], b[4200], c[4200];
	path_in_dir("park_a", a, sizeof a);
	path_in_dir("park_b", b, sizeof b);
	path_in_dir("park_c", c, sizeof c);
	enum { N = 20000 };
	size_t cap = (size_t)N * 40;
	char *text = malloc(cap);
	if (!text)
		exit(2);
	size_t n = 0;
	for (int i = 0; i < N; i++)
		n += (size_t)snprintf(text + n, cap - n, "line %d of a parked file\n", i);
	write_file(a, text, n);
	write_file(b, text, n);
	char err[256];
	ff_input *x = ff_input_open(a, err, sizeof err), *y = ff_input_open(b, err, sizeof err);
	CHECK(x && y);
	if (!x || !y) {
		ff_input_close(x);
		ff_input_close(y);
		free(text);
		return;
	}
	ff_input_limit_open(1);
	ff_input_park(x);
	ff_input_park(y);
	int lines = 0;
	bool ok = true;
	ff_line lx, ly;
	for (;;) {
		enum ff_input_status sx = ff_input_next(x, &lx), sy = ff_input_next(y, &ly);
		if (sx != FF_INPUT_LINE || sy != FF_INPUT_LINE) {
			CHECK_INT(sx, FF_INPUT_EOF);
			CHECK_INT(sy, FF_INPUT_EOF);
			break;
		}
		char want[64];
		int w = snprintf(want, sizeof want, "line %d of a parked file", lines);
		if (lx.n != (size_t)w || memcmp(lx.p, want, lx.n) != 0 || ly.n != lx.n || memcmp(ly.p, want, ly.n) != 0)
			ok = false;
		lines++;
	}
	CHECK(ok);
	CHECK_INT(lines, N);
	ff_input_close(x);
	ff_input_close(y);

	x = ff_input_open(a, err, sizeof err);
	CHECK(x != NULL);
	if (x) {
		ff_input_park(x);
		write_file(c, text, n);
		CHECK_INT(rename(c, a), 0);
		while (ff_input_next(x, &lx) == FF_INPUT_LINE)
			;
		CHECK(strstr(ff_input_error(x), "replaced") != NULL);
		ff_input_close(x);
	}
	ff_input_limit_open(0);
	unlink(a);
	unlink(b);
	free(text);
}

/* An open that meets the limit on open files names that limit. */
static void test_too_many_open(void)
{
	char a[4200];
	path_in_dir("emfile", a, sizeof a);
	write_file(a, "x\n", 2);
	struct rlimit old, low;
	if (getrlimit(RLIMIT_NOFILE, &old) != 0)
		return;
	low = old;
	low.rlim_cur = 32;
	if (old.rlim_cur < 32 || setrlimit(RLIMIT_NOFILE, &low) != 0)
		return;
	int fds[64], nfd = 0;
	while (nfd < 64 && (fds[nfd] = open("/dev/null", O_RDONLY)) >= 0)
		nfd++;
	char err[256] = "";
	ff_input *in = ff_input_open(a, err, sizeof err);
	CHECK(in == NULL);
	CHECK(strstr(err, "too many open files: raise 'ulimit -n'") != NULL);
	ff_input_close(in);
	while (nfd)
		close(fds[--nfd]);
	setrlimit(RLIMIT_NOFILE, &old);
	unlink(a);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/test_input.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	/* The bounded-memory checks first, before other tests raise the
	 * peak they measure against. */
	test_huge_line_pipe();
	test_gzip_bomb();
	test_plain_lines();
	test_line_max();
	test_gzip();
	test_gzip_faults();
	test_varied_and_pipes();
	test_stdin();
	test_refused();
	test_tee_and_ranges();
	test_park();
	test_too_many_open();
	rmdir(dir);
	return CHECK_DONE("test_input");
}
