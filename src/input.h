/* input.h — one input stream (file or standard input) split into lines.
 *
 * The reader owns a large block buffer; plain and gzip content (detected by
 * magic, multi-member) are read in blocks and split with memchr.  A line
 * handed out is a view into that buffer, valid until the next call to
 * ff_input_next on the same reader.  No allocation happens per line. */
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

enum ff_compression { FF_COMP_NONE, FF_COMP_GZIP };

/* Opens path ("-" for standard input).  On failure returns NULL and writes
 * the reason (e.g. "No such file or directory", "is a directory",
 * "bzip2-compressed: pipe it through 'bzcat'") into err. */
ff_input *ff_input_open(const char *path, char *err, size_t errsz);

/* Wraps an already open descriptor; name is used in messages.  The reader
 * closes fd in ff_input_close unless it is 0. */
ff_input *ff_input_open_fd(int fd, const char *name, char *err, size_t errsz);

enum ff_input_status ff_input_next(ff_input *in, ff_line *line);

/* The reason for the last FF_INPUT_ERROR, e.g. "truncated gzip stream". */
const char *ff_input_error(const ff_input *in);
const char *ff_input_name(const ff_input *in);
enum ff_compression ff_input_compression(const ff_input *in);
/* Bytes read from the file so far, and its size (0 when unknown). */
uint64_t ff_input_bytes_read(const ff_input *in);
uint64_t ff_input_size(const ff_input *in);
void ff_input_close(ff_input *in);

#endif
