/* spool.h — standard input kept for a second, time-sorted pass (SPEC §1).
 *
 * Standard input is one stream, but it may be several time-ordered pieces
 * joined in any order (`zcat access.log.*.gz | footfall`, the logs of two
 * servers catenated).  While it is read and counted, a spool keeps its
 * content: a copy in an unlinked file under $TMPDIR, or nothing when
 * standard input is a plain regular file, which can be read again.  When a
 * line comes late, the caller stops counting and tells the spool the time
 * of every valid line to the end; the spool cuts the input into pieces
 * that are each in time order, chains the pieces that follow one another,
 * and hands out a merge with one source per chain, read like files given
 * as arguments.  Memory is bounded: at most FF_SPOOL_PIECES pieces and
 * FF_SPOOL_CHAINS chains; past those, lines simply stay late. */
#ifndef FF_SPOOL_H
#define FF_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fftime.h"
#include "input.h"
#include "logformat.h"
#include "merge.h"

#define FF_SPOOL_PIECES 65536
#define FF_SPOOL_CHAINS 32

typedef struct ff_spool ff_spool;

/* Starts keeping what in reads.  in is standard input, just opened, with
 * no line read yet; it must stay open until ff_spool_merge.  Returns NULL
 * when nothing can be kept (err says why, e.g. "cannot create a file in
 * '/tmp': No space left on device"); standard input is then read as
 * before, in one pass. */
ff_spool *ff_spool_start(ff_input *in, int64_t reorder_window, char *err, size_t errsz);

/* The first late line, number, at instant t: lines 1 to number - 1 are
 * one piece whose valid lines span [min, max].  False when the copy has
 * already failed: the caller goes on counting in one pass. */
bool ff_spool_restart(ff_spool *sp, uint64_t number, const ff_time *min, const ff_time *max, const ff_time *t);

/* A valid line after the restart, in input order. */
void ff_spool_note(ff_spool *sp, uint64_t number, const ff_time *t);

/* Once standard input was read to its end (lines in all): a merge by time
 * of the chains of pieces, each source named like in and numbering its
 * lines as in did.  The spool must outlive the merge.  Returns -1 with err
 * set when the copy failed or memory ran out. */
int ff_spool_merge(ff_spool *sp, uint64_t lines, ff_format *fmt, ff_merge **out, char *err, size_t errsz);

/* Whether the copy failed before ff_spool_merge (err says why). */
bool ff_spool_failed(const ff_spool *sp, char *err, size_t errsz);

void ff_spool_free(ff_spool *sp);

#endif
