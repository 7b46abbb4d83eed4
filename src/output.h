/* output.h — where a report goes: standard output, or a file written so
 * that no reader ever sees half of it and nothing the admin set is lost.
 *
 * A file report is written to a temporary file beside its target (a
 * symlink named by path is followed, so the file it points to is
 * replaced and the link keeps working), then committed: flushed, given
 * the old file's owner, group and mode (or 0666 less the umask for a new
 * file), fsync'ed, renamed over the target, and the directory fsync'ed.
 * Until then the temporary file has mode 0600 and is removed on abort and
 * on SIGINT, SIGTERM and SIGHUP.  A device or a pipe (-o /dev/stdout, a
 * fifo) is written directly: renaming over it would replace it.
 *
 * Usage, once per report file:  ff_output_open -> write to
 * ff_output_stream -> ff_output_commit (or ff_output_abort).  One file
 * report is open at a time.  Messages are written to err, naming path;
 * both calls free the ff_output. */
#ifndef FF_OUTPUT_H
#define FF_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct ff_output ff_output;

/* Opens the report at path (NULL: standard output).  NULL after saying
 * why on err (the directory that refused the temporary file, or out of
 * memory). */
ff_output *ff_output_open(const char *path, FILE *err);

FILE *ff_output_stream(const ff_output *out);

/* True when the report goes to a terminal (standard output only). */
bool ff_output_is_terminal(const ff_output *out);

/* Makes the report written so far the file at path: 0, or -1 after a
 * message (the target is then left as it was). */
int ff_output_commit(ff_output *out, FILE *err);

/* Drops the report: the temporary file is removed and the target left as
 * it was.  NULL is accepted. */
void ff_output_abort(ff_output *out);

/* 0 when path (followed through symlinks) is not the same file as any of
 * the n inputs ("-": standard input); else -1 after a message on err, to
 * be called before any input is read. */
int ff_output_check_inputs(const char *path, char *const *inputs, size_t n, FILE *err);

#endif
