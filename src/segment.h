/* segment.h — the expressions of --segment and segments: (SPEC §15): their
 * parsing, their regexes and what each term compares.  The analysis
 * evaluates them on a finished visit (analysis.c), since the facts a term
 * needs (paths, source, goals...) are its own. */
#ifndef FF_SEGMENT_H
#define FF_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "str.h"
#include "vec.h"

enum ff_seg_kind {
	FF_SEG_ENTRY,
	FF_SEG_EXIT,
	FF_SEG_PAGE,
	FF_SEG_SOURCE,    /* value: enum ff_source */
	FF_SEG_CAMPAIGN,
	FF_SEG_GOAL,      /* name: the goal's; value: its index, set by the
			     analysis */
	FF_SEG_DEVICE,    /* value: enum ff_device_type */
	FF_SEG_BROWSER,
	FF_SEG_OS,
	FF_SEG_COUNTRY,   /* name: the two-letter code, upper case */
	FF_SEG_RETURNING, /* value: 1 yes, 0 no */
	FF_SEG_PAGEVIEWS  /* value: the least number of pageviews */
};

typedef struct ff_seg_term {
	enum ff_seg_kind kind;
	const char *text;  /* the expression as given */
	void *re;          /* pcre2_code for the regex terms, else NULL */
	char *name;        /* goal name or country code */
	uint64_t value;
	/* by the id of what the regex looks at (path, browser, os):
	 * 0 not tried yet, 1 no match, 2 match */
	struct vec cache;
} ff_seg_term;

typedef struct ff_segment {
	ff_seg_term *terms;
	size_t n;
	char *text;        /* the expressions joined by ", ", for the note */
	void *md;          /* pcre2_match_data */
} ff_segment;

/* Parses n expressions (all must hold).  NULL with "segment 'EXPR': why"
 * in err when one is invalid or memory ran out. */
ff_segment *ff_segment_new(const char *const *exprs, size_t n, char *err, size_t errsz);
void ff_segment_free(ff_segment *s);

/* Whether term t's regex matches s. */
bool ff_segment_re(ff_segment *seg, const ff_seg_term *t, ff_sv s);
/* The same, remembered by id (a path's, a browser's): the regex runs once
 * per distinct id. */
bool ff_segment_re_cached(ff_segment *seg, ff_seg_term *t, uint32_t id, ff_sv s);

#endif
