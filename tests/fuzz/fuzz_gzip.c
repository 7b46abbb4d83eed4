/* fuzz_gzip.c — the input reader over a whole stream, plain or gzip.
 *
 * The input is the content of a file: written to a memfd (or, for inputs
 * of odd length that fit, a pipe, whose short reads take other paths) and
 * read to the end with ff_input_open_fd.  The lines handed out are compared
 * with a reference made here with zlib and memchr (SPEC §13.1): the same
 * lines for content read cleanly, a prefix of them when the reader reports
 * a fault, and a fault exactly when the reference finds one. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "fuzz.h"
#include "input.h"

/* A gzip bomb in a fuzz input stays a few megabytes; past this the
 * reference stops comparing rather than allocating more. */
#define REF_MAX (64u << 20)
/* Lines read from one input before the rest is left unread: a small input
 * can inflate to millions of lines, and reading them all only slows the
 * fuzzer down without reaching other code. */
#define LINES_MAX 4096

struct ref {
	unsigned char *p;
	size_t n;
	bool clean;     /* decoded to the end without a fault */
	bool truncated; /* gave up at REF_MAX: compare nothing */
};

static bool all_nul(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Concatenated members, then optionally NUL padding to the end; anything
 * else after a member is trailing garbage. */
static void ref_gunzip(const uint8_t *data, size_t size, struct ref *r)
{
	size_t cap = 1 << 16;
	r->p = malloc(cap);
	r->n = 0;
	r->clean = false;
	r->truncated = false;
	if (!r->p) {
		r->truncated = true;
		return;
	}
	size_t at = 0;
	for (;;) {
		z_stream zs;
		memset(&zs, 0, sizeof zs);
		if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
			r->truncated = true;
			return;
		}
		zs.next_in = (unsigned char *)(uintptr_t)(data + at);
		zs.avail_in = (uInt)(size - at);
		int rc;
		do {
			if (r->n == cap) {
				if (cap >= REF_MAX) {
					inflateEnd(&zs);
					r->truncated = true;
					return;
				}
				unsigned char *np = realloc(r->p, cap * 2);
				if (!np) {
					inflateEnd(&zs);
					r->truncated = true;
					return;
				}
				r->p = np;
				cap *= 2;
			}
			zs.next_out = r->p + r->n;
			zs.avail_out = (uInt)(cap - r->n);
			uInt before_in = zs.avail_in, before_out = zs.avail_out;
			rc = inflate(&zs, Z_NO_FLUSH);
			r->n = cap - zs.avail_out;
			if (rc == Z_OK && zs.avail_in == before_in && zs.avail_out == before_out)
				rc = Z_BUF_ERROR;
		} while (rc == Z_OK || (rc == Z_BUF_ERROR && zs.avail_out == 0));
		at = size - zs.avail_in;
		inflateEnd(&zs);
		if (rc != Z_STREAM_END)
			return; /* corrupt or truncated */
		if (at == size || all_nul(data + at, size - at)) {
			r->clean = true;
			return;
		}
		if (size - at < 2 || data[at] != 0x1f || data[at + 1] != 0x8b)
			return; /* trailing garbage */
	}
}

/* The next reference line of content p[0..n) from *at, as §13.1 cuts it. */
static bool ref_next_line(const unsigned char *p, size_t n, size_t *at, const unsigned char **lp, size_t *ln, bool *complete)
{
	if (*at >= n)
		return false;
	const unsigned char *start = p + *at;
	const unsigned char *lf = memchr(start, '\n', n - *at);
	if (lf) {
		size_t len = (size_t)(lf - start);
		if (len && start[len - 1] == '\r')
			len--;
		*lp = start;
		*ln = len;
		*at = (size_t)(lf - p) + 1;
		*complete = true;
	} else {
		*lp = start;
		*ln = n - *at;
		*at = n;
		*complete = false;
	}
	return true;
}

/* Hands the content to the reader through a descriptor.  A pipe only
 * when the writer cannot block: the whole input fits in the pipe. */
static int content_fd(const uint8_t *data, size_t size)
{
	if ((size & 1) && size <= 4096) {
		int fds[2];
		if (pipe(fds) != 0)
			return -1;
		size_t off = 0;
		while (off < size) {
			/* Two writes, so the reader may see a short first read. */
			size_t chunk = off == 0 && size > 3 ? size / 3 : size - off;
			ssize_t w = write(fds[1], data + off, chunk);
			if (w <= 0) {
				close(fds[0]);
				close(fds[1]);
				return -1;
			}
			off += (size_t)w;
		}
		close(fds[1]);
		return fds[0];
	}
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = content_fd(data, size);
	if (fd < 0)
		return 0;
	char err[256];
	ff_input *in = ff_input_open_fd(fd, "fuzz", err, sizeof err);
	if (!in) {
		FUZZ_ASSERT(err[0] != '\0');
		/* Only a compression footfall refuses is a reason not to open
		 * content already in a descriptor. */
		FUZZ_ASSERT(strstr(err, "is not supported") != NULL);
		return 0;
	}

	struct ref ref;
	bool gz = ff_input_compression(in) == FF_COMP_GZIP;
	FUZZ_ASSERT(gz == (size >= 2 && data[0] == 0x1f && data[1] == 0x8b));
	if (gz) {
		ref_gunzip(data, size, &ref);
	} else {
		ref.p = malloc(size ? size : 1);
		FUZZ_ASSERT(ref.p != NULL);
		if (size)
			memcpy(ref.p, data, size);
		ref.n = size;
		ref.clean = true;
		ref.truncated = false;
	}

	ff_line line;
	enum ff_input_status st;
	uint64_t expect_number = 1;
	size_t at = 0;
	bool cut_short = false;
	while ((st = ff_input_next(in, &line)) == FF_INPUT_LINE) {
		if (line.number > LINES_MAX) {
			cut_short = true;
			break;
		}
		FUZZ_ASSERT(line.number == expect_number);
		expect_number++;
		FUZZ_ASSERT(line.n <= FF_LINE_MAX);
		FUZZ_ASSERT(line.n == 0 || line.p != NULL);
		if (line.overlong)
			ref.truncated = true; /* only a prefix: stop comparing */
		if (ref.truncated)
			continue;
		const unsigned char *lp;
		size_t ln;
		bool complete;
		FUZZ_ASSERT(ref_next_line(ref.p, ref.n, &at, &lp, &ln, &complete));
		FUZZ_ASSERT(ln == line.n);
		FUZZ_ASSERT(ln == 0 || memcmp(lp, line.p, ln) == 0);
		FUZZ_ASSERT(!memchr(line.p, '\n', line.n));
	}
	if (cut_short) {
		/* The end was not reached: nothing more to compare. */
	} else if (st == FF_INPUT_ERROR) {
		FUZZ_ASSERT(ff_input_error(in)[0] != '\0');
		/* Once failed, always failed. */
		FUZZ_ASSERT(ff_input_next(in, &line) == FF_INPUT_ERROR);
	} else {
		FUZZ_ASSERT(st == FF_INPUT_EOF);
		FUZZ_ASSERT(ff_input_next(in, &line) == FF_INPUT_EOF);
	}
	if (!ref.truncated && !cut_short) {
		FUZZ_ASSERT((st == FF_INPUT_EOF) == ref.clean);
		if (st == FF_INPUT_EOF) {
			/* Every reference line was handed out. */
			const unsigned char *lp;
			size_t ln;
			bool complete;
			FUZZ_ASSERT(!ref_next_line(ref.p, ref.n, &at, &lp, &ln, &complete));
		}
	}
	if (!gz && !cut_short)
		FUZZ_ASSERT(ff_input_bytes_read(in) == size);
	free(ref.p);
	ff_input_close(in);
	return 0;
}
