/* input.c — the first stage of the flow: one file or standard input, plain
 * or gzip (told by content), read in large blocks into one buffer and cut
 * into lines with memchr.  Everything downstream sees only ff_line views
 * into that buffer; nothing here allocates after open. */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* One read() or one inflate() output chunk.  Large enough that syscalls
 * and call overhead vanish, small enough to stay in the L2 cache while
 * the lines in it are parsed. */
#define FF_BLOCK (256u * 1024u)

/* The line buffer holds the longest line we ever keep whole (FF_LINE_MAX,
 * plus the CR that may precede its LF, plus one byte that proves it is
 * longer) and still has a whole block of room to read into after it. */
#define FF_BUF_CAP (FF_LINE_MAX + 2u + FF_BLOCK)

/* Buffers a reader that keeps its lines cycles through: one being read
 * into while the consumer works through the others. */
#define FF_RING 4

/* A run of bytes that is certainly longer than FF_LINE_MAX once a CR
 * before the LF is discounted. */
#define FF_OVERLONG_AT ((size_t)FF_LINE_MAX + 2u)

enum source_state {
	SRC_MORE,   /* more bytes may come */
	SRC_END,    /* clean end of the content */
	SRC_FAILED, /* read error or bad compressed data: see err */
};

enum gz_state {
	GZ_MEMBER,  /* inside a gzip member */
	GZ_BETWEEN, /* a member ended; another one, padding or the end follows */
	GZ_PADDING, /* NUL bytes after the last member: only more NULs may follow */
};

struct ff_input {
	int fd;
	char *name;
	enum ff_compression comp;
	enum source_state src;
	bool skipping;     /* inside an overlong line, after its prefix */

	char *buf;   /* FF_BUF_CAP bytes of decompressed content */
	/* Keeping lines (ff_input_keep_lines): buf is ring[cur]; marks[i]
	 * covers the lines handed out of ring[i] (0: none yet). */
	bool keeping;
	ff_line_keeper keeper;
	char *ring[FF_RING];
	uint64_t marks[FF_RING];
	unsigned cur;
	size_t start; /* first byte not yet handed out */
	size_t scan;  /* bytes in [start, scan) are known to hold no LF */
	size_t end;   /* end of the bytes read */
	uint64_t lineno;

	/* gzip only: compressed bytes waiting for inflate */
	unsigned char *zin;
	bool raw_eof;
	bool z_ready;
	enum gz_state gz;
	z_stream zs;

	uint64_t bytes_read;
	uint64_t size;
	bool regular; /* a regular file: its size can be checked */
	char err[256];

	/* Teeing (ff_input_tee): content bytes are also written to tee_fd;
	 * tee_err is set once a write fails, read by another thread. */
	bool teeing;
	int tee_fd;
	atomic_int tee_err;

	/* A reader of byte ranges (ff_input_open_ranges): fd is borrowed. */
	bool borrowed;
	ff_range *ranges;
	size_t n_ranges, range;
	uint64_t pos;       /* next offset to read in ranges[range] */
	bool ends_in_lf;    /* the last byte given out was an LF */
	/* Parking (ff_input_park): a regular file's descriptor closed
	 * between reads and opened again, at bytes_read, when more is read. */
	bool parked;
	bool in_lru;       /* open and parkable: in the list below */
	dev_t dev;
	ino_t ino;
	ff_input *lru_prev, *lru_next;
};

/* The parkable inputs open now, most recently read first; opening one
 * more than max parks the least recently read.  Inputs are read on one
 * thread at a time, so this needs no lock. */
static struct {
	ff_input *head, *tail;
	size_t open, max;
} lru;

static void lru_remove(ff_input *in)
{
	if (!in->in_lru)
		return;
	*(in->lru_prev ? &in->lru_prev->lru_next : &lru.head) = in->lru_next;
	*(in->lru_next ? &in->lru_next->lru_prev : &lru.tail) = in->lru_prev;
	in->lru_prev = in->lru_next = NULL;
	in->in_lru = false;
	lru.open--;
}

/* A file opened again and read to its end needs its descriptor no more. */
static void give_back(ff_input *in)
{
	if (!in->in_lru)
		return;
	lru_remove(in);
	close(in->fd);
	in->fd = -1;
}

static void lru_front(ff_input *in)
{
	if (in->in_lru && lru.head == in)
		return;
	lru_remove(in);
	in->lru_next = lru.head;
	*(lru.head ? &lru.head->lru_prev : &lru.tail) = in;
	lru.head = in;
	in->in_lru = true;
	lru.open++;
}

/* Messages are a fixed head and an optional detail (strerror, zlib's
 * message), so no format string is ever built at run time. */
static void set_err(char *err, size_t errsz, const char *head, const char *detail)
{
	if (err && errsz)
		snprintf(err, errsz, "%s%s", head, detail ? detail : "");
}

static void fail(ff_input *in, const char *head, const char *detail)
{
	set_err(in->err, sizeof in->err, head, detail);
	in->src = SRC_FAILED;
}

/* A regular file that is now shorter than what was read of it was
 * truncated under footfall (logrotate's copytruncate): what follows in
 * the buffer is not the file any more.  Checked when a read comes back
 * short, which is also how the end shows. */
static bool shrank(ff_input *in)
{
	struct stat st;
	if (!in->regular || fstat(in->fd, &st) != 0 || (uint64_t)st.st_size >= in->bytes_read)
		return false;
	fail(in, "the file shrank while it was read (truncated, as by logrotate's copytruncate)", NULL);
	return true;
}

/* read() that retries on EINTR; -1 leaves errno set. */
static ssize_t read_some(int fd, void *p, size_t n)
{
	for (;;) {
		ssize_t got = read(fd, p, n);
		if (got >= 0 || errno != EINTR)
			return got;
	}
}

/* What the first bytes of the content say.  NEED_MORE while the bytes so
 * far could still be the start of a magic number we know. */
enum sniff {
	SNIFF_PLAIN,
	SNIFF_GZIP,
	SNIFF_BZIP2,
	SNIFF_XZ,
	SNIFF_ZSTD,
	SNIFF_UTF16, /* a byte order mark */
	SNIFF_NEED_MORE,
};

/* A magic number to compare with, and how to say what it is. */
struct magic {
	const char *bytes;
	size_t n;
	enum sniff kind;
};

/* bzip2 is "BZh", a block size digit, then either a block header or the
 * end-of-stream marker.  Checking all ten bytes keeps a text line that
 * happens to start with "BZh" from being refused. */
static const struct magic magics[] = {
	{ "\x1f\x8b", 2, SNIFF_GZIP },
	{ "\xfd" "7zXZ\0", 6, SNIFF_XZ },
	{ "\x28\xb5\x2f\xfd", 4, SNIFF_ZSTD },
	{ "BZh?1AY&SY", 10, SNIFF_BZIP2 },
	{ "BZh?\x17\x72\x45\x38\x50\x90", 10, SNIFF_BZIP2 },
	{ "\xff\xfe", 2, SNIFF_UTF16 },
	{ "\xfe\xff", 2, SNIFF_UTF16 },
};

/* UTF-16 without a byte order mark: in the first bytes of a log (ASCII
 * text), every other byte is NUL.  0: not UTF-16, 1: little-endian, 2:
 * big-endian. */
static int utf16_without_bom(const unsigned char *p, size_t n)
{
	if (n > 64)
		n = 64;
	n &= ~(size_t)1;
	if (n < 8)
		return 0;
	bool le = true, be = true;
	for (size_t i = 0; i < n; i += 2) {
		le = le && p[i] != 0 && p[i + 1] == 0;
		be = be && p[i] == 0 && p[i + 1] != 0;
	}
	return le ? 1 : be ? 2 : 0;
}

static bool magic_byte_matches(const struct magic *m, size_t i, unsigned char c)
{
	if (m->kind == SNIFF_BZIP2 && i == 3)
		return c >= '1' && c <= '9';
	return (unsigned char)m->bytes[i] == c;
}

static enum sniff sniff(const unsigned char *p, size_t n, bool at_eof)
{
	bool may_grow = false;
	for (size_t k = 0; k < sizeof magics / sizeof magics[0]; k++) {
		const struct magic *m = &magics[k];
		size_t i = 0;
		while (i < m->n && i < n && magic_byte_matches(m, i, p[i]))
			i++;
		if (i == m->n)
			return m->kind;
		if (i == n)
			may_grow = true;
	}
	return may_grow && !at_eof ? SNIFF_NEED_MORE : SNIFF_PLAIN;
}

/* Reads the first bytes into buf until their kind is known, without
 * seeking, so standard input and pipes work like files. */
static bool read_head(ff_input *in, enum sniff *kind, char *err, size_t errsz)
{
	for (;;) {
		*kind = sniff((const unsigned char *)in->buf, in->end, in->src == SRC_END);
		if (*kind != SNIFF_NEED_MORE)
			return true;
		ssize_t got = read_some(in->fd, in->buf + in->end, FF_BLOCK - in->end);
		if (got < 0) {
			set_err(err, errsz, strerror(errno), NULL);
			return false;
		}
		if (got == 0)
			in->src = SRC_END;
		in->end += (size_t)got;
		in->bytes_read += (uint64_t)got;
	}
}

/* A regular file whose whole content is in memory (a small rotated log)
 * needs its descriptor no more: closed now, so that thousands of such
 * inputs given at once do not run into the limit on open files (SPEC §1:
 * files that do not overlap in time need not be open at once). */
static void close_if_read(ff_input *in)
{
	if (!in->regular || in->fd <= 0 || in->borrowed || in->teeing || in->bytes_read < in->size ||
	    in->end >= FF_BLOCK)
		return;
	if (in->src != SRC_END) {
		ssize_t got = read_some(in->fd, in->buf + in->end, FF_BLOCK - in->end);
		if (got != 0) {
			if (got > 0)
				in->end += (size_t)got, in->bytes_read += (uint64_t)got;
			return; /* it grew, or the error shows at the next read */
		}
		in->src = SRC_END;
	}
	close(in->fd);
	in->fd = -1;
}

void ff_input_limit_open(size_t max)
{
	lru.max = max;
}

void ff_input_park(ff_input *in)
{
	if (!in || in->parked || !in->regular || in->fd <= 0 || in->borrowed || in->teeing)
		return;
	lru_remove(in);
	close(in->fd);
	in->fd = -1;
	in->parked = true;
}

/* Opens a parked file again where its reading stopped; false (the input
 * failed) when that is not possible or the file is another one now. */
static bool unpark(ff_input *in)
{
	while (lru.max && lru.open >= lru.max && lru.tail)
		ff_input_park(lru.tail);
	in->parked = false;
	int fd = open(in->name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE)
			fail(in, "too many open files: raise 'ulimit -n' or give fewer files at once (",
			     errno == EMFILE ? "the process's limit)" : "the system's limit)");
		else
			fail(in, strerror(errno), NULL);
		return false;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_dev != in->dev || st.st_ino != in->ino ||
	    lseek(fd, (off_t)in->bytes_read, SEEK_SET) != (off_t)in->bytes_read) {
		close(fd);
		fail(in, "the file was replaced or shrank while it was read (renamed by log rotation?)", NULL);
		return false;
	}
	in->fd = fd;
	lru_front(in);
	return true;
}

static bool start_gzip(ff_input *in, char *err, size_t errsz)
{
	in->zin = malloc(FF_BLOCK);
	if (!in->zin) {
		set_err(err, errsz, "out of memory", NULL);
		return false;
	}
	/* 16 + MAX_WBITS: gzip wrapper only; the magic was seen already. */
	if (inflateInit2(&in->zs, 16 + MAX_WBITS) != Z_OK) {
		set_err(err, errsz, "cannot start gzip decoding: ", in->zs.msg ? in->zs.msg : "zlib error");
		return false;
	}
	in->z_ready = true;
	memcpy(in->zin, in->buf, in->end);
	in->zs.next_in = in->zin;
	in->zs.avail_in = (uInt)in->end;
	in->raw_eof = in->src == SRC_END;
	in->src = SRC_MORE;
	in->gz = GZ_MEMBER;
	in->comp = FF_COMP_GZIP;
	in->start = in->scan = in->end = 0;
	return true;
}

ff_input *ff_input_open_fd(int fd, const char *name, char *err, size_t errsz)
{
	ff_input *in = calloc(1, sizeof *in);
	if (!in) {
		set_err(err, errsz, "out of memory", NULL);
		if (fd != 0)
			close(fd);
		return NULL;
	}
	in->fd = fd;
	in->name = strdup(name ? name : "");
	in->buf = malloc(FF_BUF_CAP);
	if (!in->name || !in->buf) {
		set_err(err, errsz, "out of memory", NULL);
		goto fail;
	}

	struct stat st;
	if (fstat(fd, &st) != 0) {
		set_err(err, errsz, strerror(errno), NULL);
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		set_err(err, errsz, "is a directory", NULL);
		goto fail;
	}
	if (S_ISREG(st.st_mode)) {
		in->regular = true;
		in->size = (uint64_t)st.st_size;
		in->dev = st.st_dev;
		in->ino = st.st_ino;
		/* Only a hint: failing to give it changes nothing. */
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}

	enum sniff kind;
	if (!read_head(in, &kind, err, errsz))
		goto fail;
	close_if_read(in);
	switch (kind) {
	case SNIFF_GZIP:
		if (!start_gzip(in, err, errsz))
			goto fail;
		break;
	case SNIFF_BZIP2:
		set_err(err, errsz, "bzip2-compressed input is not supported: pipe it through 'bzcat'", NULL);
		goto fail;
	case SNIFF_XZ:
		set_err(err, errsz, "xz-compressed input is not supported: pipe it through 'xzcat'", NULL);
		goto fail;
	case SNIFF_ZSTD:
		set_err(err, errsz, "zstd-compressed input is not supported: pipe it through 'zstdcat'", NULL);
		goto fail;
	case SNIFF_UTF16:
		set_err(err, errsz, "UTF-16 text: convert it with 'iconv -f UTF-16 -t UTF-8'", NULL);
		goto fail;
	case SNIFF_PLAIN:
	case SNIFF_NEED_MORE:
		switch (utf16_without_bom((const unsigned char *)in->buf, in->end)) {
		case 1:
			set_err(err, errsz, "UTF-16 text: convert it with 'iconv -f UTF-16LE -t UTF-8'", NULL);
			goto fail;
		case 2:
			set_err(err, errsz, "UTF-16 text: convert it with 'iconv -f UTF-16BE -t UTF-8'", NULL);
			goto fail;
		}
		in->comp = FF_COMP_NONE;
		break;
	}
	return in;

fail:
	ff_input_close(in);
	return NULL;
}

ff_input *ff_input_open(const char *path, char *err, size_t errsz)
{
	if (strcmp(path, "-") == 0)
		return ff_input_open_fd(0, "(standard input)", err, errsz);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		/* The system's words would blame the file; the cause is the
		 * process's or the system's limit. */
		if (errno == EMFILE || errno == ENFILE)
			set_err(err, errsz, "too many open files: raise 'ulimit -n' or give fewer files at once (",
				errno == EMFILE ? "the process's limit)" : "the system's limit)");
		else
			set_err(err, errsz, strerror(errno), NULL);
		return NULL;
	}
	return ff_input_open_fd(fd, path, err, errsz);
}

/* Moves the compressed bytes not yet inflated (fewer than two: callers
 * refill only a nearly empty zin) to its front and reads more after them,
 * so a read of 0 bytes always means the end of the file. */
static bool refill_raw(ff_input *in)
{
	z_stream *zs = &in->zs;
	if (zs->avail_in && zs->next_in != in->zin)
		memmove(in->zin, zs->next_in, zs->avail_in);
	zs->next_in = in->zin;
	if (in->parked && !unpark(in))
		return false;
	if (in->in_lru)
		lru_front(in);
	size_t room = FF_BLOCK - zs->avail_in;
	ssize_t got = in->fd < 0 ? 0 : read_some(in->fd, in->zin + zs->avail_in, room);
	if (got < 0) {
		fail(in, strerror(errno), NULL);
		return false;
	}
	zs->avail_in += (uInt)got;
	in->bytes_read += (uint64_t)got;
	if ((size_t)got < room && shrank(in))
		return false;
	if (got == 0) {
		in->raw_eof = true;
		give_back(in);
	}
	return true;
}

/* After a member: NUL padding to the end, another member, or garbage.
 * Returns true when inflate should run on a new member. */
static bool next_member(ff_input *in)
{
	z_stream *zs = &in->zs;
	for (;;) {
		while (zs->avail_in && *zs->next_in == 0) {
			in->gz = GZ_PADDING;
			zs->next_in++;
			zs->avail_in--;
		}
		if (zs->avail_in >= 2 || (zs->avail_in && in->raw_eof))
			break;
		if (zs->avail_in == 0 && in->raw_eof) {
			in->src = SRC_END;
			return false;
		}
		if (!refill_raw(in))
			return false;
	}
	if (in->gz == GZ_PADDING || zs->next_in[0] != 0x1f || zs->avail_in < 2 || zs->next_in[1] != 0x8b) {
		fail(in, "trailing garbage after gzip data", NULL);
		return false;
	}
	if (inflateReset(zs) != Z_OK) {
		fail(in, "cannot restart gzip decoding", NULL);
		return false;
	}
	in->gz = GZ_MEMBER;
	return true;
}

/* Inflates into dst until some output exists or the content ends or
 * fails.  A fault found after some output waits in in->src until that
 * output has been handed out. */
static size_t fill_gzip(ff_input *in, char *dst, size_t room)
{
	z_stream *zs = &in->zs;
	zs->next_out = (unsigned char *)dst;
	zs->avail_out = (uInt)room;
	while (zs->avail_out == room && in->src == SRC_MORE) {
		if (in->gz != GZ_MEMBER) {
			if (!next_member(in))
				break;
		}
		uInt before_in = zs->avail_in, before_out = zs->avail_out;
		/* inflate runs even without new input: it may still hold
		 * output that did not fit last time. */
		int rc = inflate(zs, Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			in->gz = GZ_BETWEEN;
		} else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
			fail(in, "corrupt gzip data: ", zs->msg ? zs->msg : "invalid data");
		} else if (rc == Z_MEM_ERROR) {
			fail(in, "out of memory while decoding gzip", NULL);
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			fail(in, "gzip decoding failed: ", zs->msg ? zs->msg : "zlib error");
		} else if (zs->avail_in == before_in && zs->avail_out == before_out) {
			if (zs->avail_in == 0 && in->raw_eof)
				fail(in, "truncated gzip stream", NULL);
			else if (zs->avail_in == 0)
				(void)refill_raw(in);
			else /* never expected from zlib; looping would hang */
				fail(in, "corrupt gzip data: decoder made no progress", NULL);
		}
	}
	return room - zs->avail_out;
}

static bool unpark(ff_input *in);

static size_t fill_plain(ff_input *in, char *dst, size_t room)
{
	if (in->parked && !unpark(in))
		return 0;
	if (in->in_lru)
		lru_front(in);
	ssize_t got = in->fd < 0 ? 0 : read_some(in->fd, dst, room); /* < 0: read whole at open */
	if (got < 0) {
		fail(in, strerror(errno), NULL);
		return 0;
	}
	in->bytes_read += (uint64_t)got;
	/* bytes read after a truncation are not the file footfall was
	 * reading: dropped */
	if ((size_t)got < room && shrank(in))
		return 0;
	if (got == 0) {
		in->src = SRC_END;
		give_back(in);
	}
	return (size_t)got;
}

/* One write per block read, on the thread that reads: a failed write
 * stops the copy and is remembered, the reading goes on. */
static void copy_out(ff_input *in, const char *p, size_t n)
{
	while (n) {
		ssize_t put = write(in->tee_fd, p, n);
		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0) {
			atomic_store(&in->tee_err, put < 0 ? errno : ENOSPC);
			in->teeing = false;
			return;
		}
		p += put;
		n -= (size_t)put;
	}
}

void ff_input_tee(ff_input *in, int fd)
{
	in->tee_fd = fd;
	in->teeing = true;
	if (in->end > in->start)
		copy_out(in, in->buf + in->start, in->end - in->start);
}

int ff_input_tee_error(const ff_input *in)
{
	return atomic_load(&((ff_input *)in)->tee_err);
}

/* The next bytes of the ranges, never crossing from one range into the
 * next in one call.  A range that does not end with LF (the last line of
 * the original input) gets one, so that it does not run into the next. */
static size_t fill_ranges(ff_input *in, char *dst, size_t room)
{
	while (in->range < in->n_ranges) {
		const ff_range *r = &in->ranges[in->range];
		if (in->pos >= r->end) {
			in->range++;
			if (in->range < in->n_ranges) {
				in->pos = in->ranges[in->range].start;
				if (!in->ends_in_lf) {
					in->ends_in_lf = true;
					*dst = '\n';
					return 1;
				}
			}
			continue;
		}
		if (in->pos == r->start) {
			/* Every line before this range was handed out: the
			 * reader asks for bytes only when none is left whole. */
			in->lineno = r->first_line - 1;
		}
		uint64_t left = r->end - in->pos;
		size_t want = left < room ? (size_t)left : room;
		ssize_t got;
		do
			got = pread(in->fd, dst, want, (off_t)in->pos);
		while (got < 0 && errno == EINTR);
		if (got < 0) {
			fail(in, strerror(errno), NULL);
			return 0;
		}
		if (got == 0) { /* shorter than it was: the range ends here */
			in->pos = r->end;
			continue;
		}
		in->pos += (uint64_t)got;
		in->bytes_read += (uint64_t)got;
		in->ends_in_lf = dst[got - 1] == '\n';
		return (size_t)got;
	}
	in->src = SRC_END;
	return 0;
}

ff_input *ff_input_open_ranges(int fd, const char *name, const ff_range *ranges, size_t n, char *err, size_t errsz)
{
	ff_input *in = calloc(1, sizeof *in);
	if (!in) {
		set_err(err, errsz, "out of memory", NULL);
		return NULL;
	}
	in->fd = fd;
	in->borrowed = true;
	in->comp = FF_COMP_NONE;
	in->ends_in_lf = true;
	in->name = strdup(name ? name : "");
	in->buf = malloc(FF_BUF_CAP);
	in->ranges = malloc((n ? n : 1) * sizeof *ranges);
	if (!in->name || !in->buf || !in->ranges) {
		set_err(err, errsz, "out of memory", NULL);
		ff_input_close(in);
		return NULL;
	}
	memcpy(in->ranges, ranges, n * sizeof *ranges);
	in->n_ranges = n;
	in->pos = n ? ranges[0].start : 0;
	return in;
}

void ff_input_keep_lines(ff_input *in, const ff_line_keeper *keeper)
{
	in->keeper = *keeper;
	if (!in->keeping) {
		in->ring[0] = in->buf;
		in->cur = 0;
		in->keeping = true;
	}
}

/* Keeping lines: moves the pending partial line to the next buffer of the
 * ring once its lines are released, leaving the lines handed out of this
 * one in place.  False when the reader failed. */
static bool next_buffer(ff_input *in)
{
	unsigned next = (in->cur + 1) % FF_RING;
	in->marks[in->cur] = in->keeper.now(in->keeper.ctx);
	if (!in->ring[next] && !(in->ring[next] = malloc(FF_BUF_CAP))) {
		fail(in, "out of memory", NULL);
		return false;
	}
	if (in->marks[next])
		in->keeper.release(in->keeper.ctx, in->marks[next]);
	size_t keep = in->end - in->start;
	if (keep)
		memcpy(in->ring[next], in->buf + in->start, keep);
	in->buf = in->ring[next];
	in->cur = next;
	in->scan -= in->start;
	in->end = keep;
	in->start = 0;
	return true;
}

/* Makes room after the pending partial line and reads one more block. */
static void fill(ff_input *in)
{
	if (in->keeping) {
		/* Bytes after end were never handed out, so reading there
		 * is safe while a whole block fits. */
		if (FF_BUF_CAP - in->end < FF_BLOCK && !next_buffer(in))
			return;
	} else if (in->start > 0) {
		size_t keep = in->end - in->start;
		if (keep)
			memmove(in->buf, in->buf + in->start, keep);
		in->scan -= in->start;
		in->end = keep;
		in->start = 0;
	}
	size_t room = FF_BUF_CAP - in->end;
	if (room > FF_BLOCK)
		room = FF_BLOCK;
	char *dst = in->buf + in->end;
	size_t got = in->ranges ? fill_ranges(in, dst, room)
		     : in->comp == FF_COMP_GZIP ? fill_gzip(in, dst, room) : fill_plain(in, dst, room);
	if (in->teeing && got)
		copy_out(in, dst, got);
	in->end += got;
}

static enum ff_input_status hand_out(ff_input *in, ff_line *line, size_t n, bool overlong)
{
	if (n > FF_LINE_MAX) {
		n = FF_LINE_MAX;
		overlong = true;
	}
	line->p = in->buf + in->start;
	line->n = n;
	line->number = ++in->lineno;
	line->overlong = overlong;
	return FF_INPUT_LINE;
}

enum ff_input_status ff_input_next(ff_input *in, ff_line *line)
{
	for (;;) {
		if (in->skipping) {
			char *lf = memchr(in->buf + in->start, '\n', in->end - in->start);
			if (lf) {
				in->start = in->scan = (size_t)(lf - in->buf) + 1;
				in->skipping = false;
			} else {
				in->start = in->scan = in->end;
			}
		}
		if (!in->skipping) {
			char *lf = memchr(in->buf + in->scan, '\n', in->end - in->scan);
			if (lf) {
				size_t n = (size_t)(lf - in->buf) - in->start;
				if (n && lf[-1] == '\r')
					n--;
				enum ff_input_status st = hand_out(in, line, n, false);
				in->start = in->scan = (size_t)(lf - in->buf) + 1;
				return st;
			}
			in->scan = in->end;
			if (in->end - in->start >= FF_OVERLONG_AT) {
				/* Everything buffered belongs to this line: give
				 * out its head and drop the rest as it arrives. */
				enum ff_input_status st = hand_out(in, line, FF_LINE_MAX, true);
				in->start = in->scan = in->end;
				in->skipping = true;
				return st;
			}
		}
		switch (in->src) {
		case SRC_MORE:
			fill(in);
			break;
		case SRC_FAILED:
			/* A partial line cut by the fault is not a line. */
			in->start = in->scan = in->end;
			return FF_INPUT_ERROR;
		case SRC_END:
			in->skipping = false;
			if (in->start < in->end) {
				/* The last line, without LF. */
				enum ff_input_status st = hand_out(in, line, in->end - in->start, false);
				in->start = in->scan = in->end;
				return st;
			}
			return FF_INPUT_EOF;
		}
	}
}

const char *ff_input_error(const ff_input *in)
{
	return in->src == SRC_FAILED ? in->err : "";
}

const char *ff_input_name(const ff_input *in)
{
	return in->name;
}

enum ff_compression ff_input_compression(const ff_input *in)
{
	return in->comp;
}

uint64_t ff_input_bytes_read(const ff_input *in)
{
	return in->bytes_read;
}

uint64_t ff_input_size(const ff_input *in)
{
	return in->size;
}

void ff_input_close(ff_input *in)
{
	if (!in)
		return;
	if (in->z_ready)
		inflateEnd(&in->zs);
	lru_remove(in);
	if (in->fd > 0 && !in->borrowed)
		close(in->fd);
	free(in->ranges);
	free(in->zin);
	if (in->keeping) {
		for (unsigned i = 0; i < FF_RING; i++)
			free(in->ring[i]);
	} else {
		free(in->buf);
	}
	free(in->name);
	free(in);
}
