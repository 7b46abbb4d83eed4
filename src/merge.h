/* merge.h — several inputs read side by side, merged by time (SPEC §1).
 *
 * Each source is an ff_input, optionally preceded by lines already read from
 * it (format detection reads ahead).  The merge parses each source's next
 * line and hands out the earliest; lines that do not parse carry no time and
 * are handed out as soon as they come up, so every line is handed out
 * exactly once.  Ties go to the source added first.  An event's views are
 * valid until the next call to ff_merge_next. */
#ifndef FF_MERGE_H
#define FF_MERGE_H

#include <stddef.h>

#include "input.h"
#include "logformat.h"
#include "record.h"

typedef struct ff_merge ff_merge;

/* Lines read ahead from a source, copied; handed out before the rest of
 * that source. */
typedef struct ff_replay {
	char *bytes;      /* concatenated line bytes */
	size_t *offsets;  /* count + 1 offsets into bytes */
	uint64_t *numbers;
	unsigned char *overlong;
	size_t count, cap, bytes_len, bytes_cap;
} ff_replay;

/* Appends a copy of line; returns -1 when out of memory. */
int ff_replay_push(ff_replay *r, const ff_line *line);
void ff_replay_free(ff_replay *r);

enum ff_event_kind { FF_EV_LINE, FF_EV_INPUT_ERROR };

typedef struct ff_event {
	enum ff_event_kind kind;
	size_t source;                /* index in the order sources were added */
	const ff_line *line;          /* FF_EV_LINE */
	bool parsed;                  /* FF_EV_LINE: false when the line was
					 left for the caller to parse (see
					 ff_merge_defer_parse); then result
					 and rec mean nothing */
	enum ff_parse_result result;  /* FF_EV_LINE: FF_PARSE_OK when valid */
	const ff_record *rec;         /* FF_EV_LINE and FF_PARSE_OK */
} ff_event;

/* fmt is borrowed and must outlive the merge. */
ff_merge *ff_merge_new(ff_format *fmt);

/* Adds a source; the merge takes ownership of in and of *replay (which is
 * emptied).  replay may be NULL.  Returns the source index, or -1. */
long ff_merge_add(ff_merge *m, ff_input *in, ff_replay *replay);

/* 1 with *ev filled, 0 when every source is exhausted. */
int ff_merge_next(ff_merge *m, ff_event *ev);

/* With a single source there is no order to work out, so its lines may
 * be handed out unparsed, for the caller to parse where it suits it (an
 * overlong line is still handed out parsed, as invalid).  Several sources
 * are always parsed: their times decide the order. */
void ff_merge_defer_parse(ff_merge *m);

/* Every source keeps its lines until keeper releases them (see
 * ff_input_keep_lines), and lines read ahead stay until ff_merge_free, so
 * events stay valid past the next call. */
void ff_merge_keep_lines(ff_merge *m, const ff_line_keeper *keeper);

const ff_input *ff_merge_input(const ff_merge *m, size_t source);
size_t ff_merge_count(const ff_merge *m);

void ff_merge_free(ff_merge *m);

#endif
