/* run_internal.h — what the run's files share: the run itself and the
 * steps of run.c (setup, reading, rendering) that the state commands
 * (run_state.c: --state-in, --state-out, merge, --threads above 2) and the
 * map/reduce commands (run_mapreduce.c) reuse.  Nothing else includes it. */
#ifndef FF_RUN_INTERNAL_H
#define FF_RUN_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "analysis.h"
#include "detect.h"
#include "filter.h"
#include "geoip.h"
#include "handoff.h"
#include "input.h"
#include "logformat.h"
#include "merge.h"
#include "options.h"
#include "output.h"
#include "records.h"
#include "report.h"
#include "rowqueue.h"
#include "spool.h"
#include "state.h"
#include "summary.h"
#include "tz.h"
#include "useragent.h"

#define INVALID_SHOWN 5

enum out_format { OUT_TEXT, OUT_JSON, OUT_TSV, OUT_CSV, OUT_JSONL, OUT_HTML };

struct run {
	const ff_options *o;
	FILE *err;
	bool err_tty;
	int status;
	enum out_format out_format;
	ff_records_spec rspec;
	ff_format *fmt;
	char *format_label;
	bool format_detected;
	const char *format_origin; /* the option or key that gave the format */
	char *format_note;       /* detection's note for the report, or NULL */
	bool client_forwarded;   /* --client forwarded */
	ff_merge *merge;
	ff_input_facts *facts;   /* one per file argument */
	size_t n_facts;
	size_t *fact_of_source;  /* merge source index -> facts index */
	ff_summary summary;
	uint64_t invalid_seen;
	uint64_t seq;            /* position of a line in the merged input */
	ff_ua *ua;
	bool ua_failed;          /* the uap-core rules did not load ... */
	char *ua_error;          /* ... and why (NULL if memory ran out) */
	ff_tz *tz;               /* --tz, report.tz; NULL: the log's own time */
	ff_analysis *analysis;
	bool analysis_failed;
	ff_geoip *geoip;         /* --geoip / geoip.database, when given */
	ff_strlist site_hosts;   /* --site split, when given */
	bool need_class;         /* records: classification columns asked */
	bool need_visits;        /* records: visit columns asked */
	ff_filter *filter;       /* NULL when no filter is active */
	ff_rowqueue *rows;       /* records waiting for their visit */
	ff_handoff *handoff;     /* between the reading and counting threads */
	ff_format *count_fmt;    /* the counting thread's copy of fmt, for the
				    lines the reading thread left unparsed */
	bool anonymize;
	const ff_config *cfg;
	/* Standard input in time-ordered pieces (spool.h): the first late
	 * line stops the counting (rescan) and the counts start again from
	 * the pieces merged by time. */
	ff_spool *spool;
	bool may_restart;        /* the first pass over standard input */
	bool rescan;             /* past the first late line: only cut pieces */
	uint64_t restart_line;   /* invalid lines before it were shown already */
	uint64_t invalid_shown;
	uint64_t limit_hits_before, filter_hits_before; /* counted again */
	char *spool_error;       /* why standard input could not be kept */
	/* progress on standard error */
	bool progress;
	uint64_t total_bytes;    /* sum of the input sizes, 0 when unknown */
	struct timespec started, last_progress;
	/* output: records open it before reading, reports once built */
	ff_output *output;
	FILE *out;
	bool outdir;    /* -o DIR/: one file per report (outdir.c) */
	/* states (SPEC §16): the options that decide counts, and strings
	 * taken from states read (freed at the end) */
	ff_fingerprint fingerprint;
	char **owned;
	size_t n_owned;
	ff_sbuf *state_sink;     /* --threads above 2: a worker's state goes here */
	atomic_bool *split_capped; /* ... and whether a shard's table is capped */
	char reduce_key[16];     /* footfall reduce: the partition being read */
	ff_sv reduce_part;
};

/* A line that did not parse, as both read paths hand it over: text is the
 * line, or its first bytes. */
struct bad_line {
	enum ff_parse_result result;
	bool overlong;
	size_t source;
	uint64_t number;
	ff_sv text;
};

/* run.c */
int run_pick_out_format(struct run *r, char *err, size_t errsz);
void run_on_invalid(struct run *r, const struct bad_line *bad, ff_input_facts *facts);
const char *run_shown_name(const char *arg);
int run_check_reports(struct run *r);
int run_choose_client(struct run *r, const ff_config *cfg);
bool run_reads_stdin(const ff_options *o);
int run_setup_geoip(struct run *r, const ff_config *cfg);
int run_setup_filter(struct run *r, const ff_config *cfg);
int run_setup_analysis(struct run *r, const ff_config *cfg);
int run_load_ua(struct run *r, const ff_config *cfg);
int run_setup_tz(struct run *r, const ff_config *cfg);
int run_setup(struct run *r, const ff_config *cfg);
void run_on_input_error(struct run *r, size_t source, const char *message);
void run_on_line(struct run *r, size_t source, enum ff_parse_result result, const ff_record *rec, const ff_key_hashes *hashes, ff_sv text, uint64_t number, bool overlong);
void run_late_lines(const struct run *r, char *buf, size_t bufsz);
void run_read_all(struct run *r);
void run_render(struct run *r);
void run_cleanup(struct run *r);
bool run_no_input_opened(struct run *r);

/* run_state.c */
char *run_keep_string(struct run *r, const unsigned char *p, size_t n);
int run_state_bytes(struct run *r, ff_sbuf *out);
int run_write_state(struct run *r);
int run_continue_state(struct run *r);
int run_merge(struct run *r, const ff_config *cfg);
bool run_split_by_visitor(const ff_options *o);
/* The exit status, or RUN_SPLIT_AGAIN (nothing said or written yet) when
 * a key table was capped: the run is then made on one counting thread. */
#define RUN_SPLIT_AGAIN (-1)
int run_split(struct run *r, const ff_config *cfg);

/* run_mapreduce.c */
int run_detect_records(const ff_replay *replay, ff_detection *d, char *err, size_t errsz);
void run_map_record(struct run *r, enum ff_parse_result result, const ff_record *rec, ff_sv text);
void run_map_facts(struct run *r);
void run_reduce_record(struct run *r, const ff_event *ev, ff_record *rec);

#endif
