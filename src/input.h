/* input.h — one input stream (file or standard input) split into lines.
 *
 * The reader owns a large block buffer, allocated once at open; plain and
 * gzip content (detected by magic, never by name; multi-member) are read in
 * blocks and split with memchr.  A line handed out is a view into that
 * buffer, valid until the next call to ff_input_next or ff_input_close on
 * the same reader.  No allocation happens per line.
 *
 * Lines follow SPEC §13.1: only LF ends a line, one CR right before it is
 * dropped, other CRs and NULs are ordinary bytes, a final LF does not start
 * an empty line, a last line without LF counts. */
#ifndef FF_INPUT_H
#define FF_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ff_input ff_input;

/* Lines longer than this are not held whole: they are handed out as one
 * line with `overlong` set and a view of their first bytes only (SPEC
 * §13.2). */
#define FF_LINE_MAX (1u << 20)

typedef struct ff_line {
	const char *p;   /* the line without LF (and without a CR before it) */
	size_t n;
	uint64_t number; /* 1-based line number in this input */
	bool overlong;   /* longer than FF_LINE_MAX: p/n hold only a prefix */
} ff_line;

enum ff_input_status {
	FF_INPUT_LINE = 1,
	FF_INPUT_EOF = 0,
	FF_INPUT_ERROR = -1 /* read error or corrupt/truncated stream: see
			       ff_input_error(); no more lines follow */
};

/* Faults while reading: every complete line (ended by LF) read before the
 * fault is handed out first, then FF_INPUT_ERROR.  The partial line the
 * fault cut off is not handed out.  Once FF_INPUT_ERROR is returned every
 * further call returns it again; likewise FF_INPUT_EOF once at the end. */

enum ff_compression { FF_COMP_NONE, FF_COMP_GZIP };

/* Opens path ("-" for standard input, named "(standard input)").  Reads
 * the first bytes at once to tell the compression.  On failure returns
 * NULL and writes the reason, without the file name (e.g. "No such file or
 * directory", "is a directory", "bzip2-compressed input is not supported:
 * pipe it through 'bzcat'", likewise xz and zstd), into err. */
ff_input *ff_input_open(const char *path, char *err, size_t errsz);

/* Wraps an already open descriptor; name (copied) is used in messages.
 * The reader owns fd from this call on, even when it fails: it closes fd
 * (in ff_input_close, or before returning NULL) unless fd is 0. */
ff_input *ff_input_open_fd(int fd, const char *name, char *err, size_t errsz);

enum ff_input_status ff_input_next(ff_input *in, ff_line *line);

/* Lines kept past the next call, for a consumer on another thread.  The
 * keeper tells the reader where the consumer is: `now` is a mark covering
 * every line handed out so far, and `release` returns once the consumer
 * is done with every line handed out up to `mark`. */
typedef struct ff_line_keeper {
	uint64_t (*now)(void *ctx);
	void (*release)(void *ctx, uint64_t mark);
	void *ctx;
} ff_line_keeper;

/* From this call on, a line handed out stays valid until the keeper
 * releases its mark: the reader fills a ring of buffers and waits for a
 * buffer's lines to be released before reading into it again (buffers
 * are allocated as needed; keeper is copied). */
void ff_input_keep_lines(ff_input *in, const ff_line_keeper *keeper);

/* The reason for FF_INPUT_ERROR, without the file name: "truncated gzip
 * stream", "corrupt gzip data: incorrect data check", "trailing garbage
 * after gzip data" or strerror text; "" before any error. */
const char *ff_input_error(const ff_input *in);
const char *ff_input_name(const ff_input *in);
enum ff_compression ff_input_compression(const ff_input *in);
/* Bytes read from the file so far (compressed bytes for gzip) and its
 * size (st_size for a regular file, 0 when unknown): for progress. */
uint64_t ff_input_bytes_read(const ff_input *in);
uint64_t ff_input_size(const ff_input *in);
void ff_input_close(ff_input *in);

/* Bounds the open descriptors of many regular files read side by side
 * (SPEC §1): ff_input_park closes a regular file's descriptor until its
 * next read, which opens the file again where the reading stopped (the
 * same file: a file replaced meanwhile makes the input fail).  Once max
 * parked-and-reopened files are open (0: no bound), opening one more
 * parks the one read least recently.  Standard input, pipes and files
 * read whole are never parked. */
void ff_input_limit_open(size_t max);
void ff_input_park(ff_input *in);

/* From this call on, every content byte the reader reads (decompressed
 * for gzip), including those it read at open, is also written to fd, one
 * write per block on the thread that reads.  Call it before the first
 * ff_input_next.  A write that fails stops the copy (the reading goes on);
 * ff_input_tee_error then returns its errno (0 while the copy is whole),
 * and may be asked from another thread. */
void ff_input_tee(ff_input *in, int fd);
int ff_input_tee_error(const ff_input *in);

/* A part of a plain file: bytes [start, end), whose first line is line
 * first_line of the original input.  A range starts at the start of a
 * line and ends after an LF, or at the end of the original input. */
typedef struct ff_range {
	uint64_t start, end;
	uint64_t first_line;
} ff_range;

/* A reader of the ranges of fd, in the order given, as one input whose
 * lines keep their original numbers (read with pread; fd is borrowed and
 * must outlive the reader; ranges is copied).  NULL when out of memory. */
ff_input *ff_input_open_ranges(int fd, const char *name, const ff_range *ranges, size_t n, char *err, size_t errsz);

#endif
