/* logformat_ops.h — the compiled form of a log format, shared by the
 * compiler (logformat.c) and the line parser (parse.c); nothing else sees it.
 *
 * A format is an array of operations run left to right over a line with one
 * cursor.  Each operation either matches literal bytes or cuts one field out
 * of the line (its *extent*) and hands the view to a *slot* that says what
 * the bytes mean.  The compiler chooses the extent from the literal text
 * around the field, so the parser never looks ahead. */
#ifndef FF_LOGFORMAT_OPS_H
#define FF_LOGFORMAT_OPS_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdbool.h>
#include <stdint.h>

#include "logformat.h"

/* How an operation finds the end of its bytes. */
enum ff_op_kind {
	FF_OP_LITERAL,       /* lit[0..len) must be next on the line */
	FF_OP_UNTIL,         /* a non-empty field ending at the byte delim */
	FF_OP_UNTIL_NOSPACE, /* same, but a space before delim fails the line */
	FF_OP_LAST,          /* the last field: non-empty, up to a space or the
				end; what follows is trailing */
	FF_OP_LAST_LIST,     /* the last field, a list nginx may write with
				spaces ("0.010, 0.020", "0.1 : 0.2"): up to a
				space not next to ',' or ':' */
	FF_OP_QUOTED,        /* between quotes: ends at the first '"' not
				escaped by a backslash; may be empty */
	FF_OP_FIXED,         /* exactly len bytes (a CLF time before a space) */
	FF_OP_UNTIL_QUERY,   /* Apache %U before %q: non-empty, ends at '?',
				delim or a space */
	FF_OP_OPT_QUERY      /* Apache %q: empty, or '?' and bytes up to delim
				or a space */
};

/* What the bytes of a field become in the record. */
enum ff_slot {
	FF_S_SKIP,         /* present on the line, not used */
	FF_S_CLIENT,
	FF_S_IDENT,
	FF_S_USER,
	FF_S_REQUEST,      /* "METHOD TARGET PROTOCOL", split afterwards */
	FF_S_METHOD,
	FF_S_TARGET,       /* path and query as sent ($request_uri) */
	FF_S_PATH,         /* path only (%U, $uri) */
	FF_S_QUERY_Q,      /* Apache %q: "?query" or empty */
	FF_S_QUERY,        /* Nginx $args: "query", "-" when none */
	FF_S_PROTOCOL,
	FF_S_STATUS,
	FF_S_BYTES,
	FF_S_BYTES_CHECK,  /* a second byte count: checked (SPEC §13.7), not kept */
	FF_S_REFERER,
	FF_S_USER_AGENT,
	FF_S_VHOST,
	FF_S_FORWARDED,    /* X-Forwarded-For: "-" when none */
	FF_S_DURATION_US,  /* %D, %{us}T */
	FF_S_DURATION_MS,  /* %{ms}T */
	FF_S_DURATION_S,   /* %T, $request_time: seconds, optional fraction */
	FF_S_DURATION_ANY, /* regex "duration": seconds with a '.', else µs */
	FF_S_TIME_CLF,     /* "dd/Mon/yyyy:HH:MM:SS +hhmm" */
	FF_S_TIME_ISO,     /* $time_iso8601 */
	FF_S_TIME_EPOCH,   /* %{sec}t, $msec: seconds, optional fraction */
	FF_S_TIME_MSEC,    /* %{msec}t: integer milliseconds */
	FF_S_TIME_USEC,    /* %{usec}t: integer microseconds */
	FF_S_TIME_ANY,     /* regex "time": CLF (brackets optional), ISO, epoch */
	FF_S_COUNT
};

struct ff_op {
	uint8_t kind;     /* enum ff_op_kind */
	uint8_t slot;     /* enum ff_slot; FF_S_SKIP for literals */
	uint8_t delim;    /* FF_OP_UNTIL*: the byte that ends the field */
	bool empty_ok;    /* FF_OP_UNTIL, FF_OP_LAST: the field may be empty
			     (a user, a duration, a skipped field) */
	uint32_t len;     /* FF_OP_LITERAL / FF_OP_FIXED: byte count */
	const char *lit;  /* FF_OP_LITERAL: into ff_format.lits */
};

/* A regex named group footfall knows, and the slot its text fills. */
struct ff_rx_group {
	uint32_t number;  /* capture group number (> 0) */
	uint8_t slot;
};

#define FF_CLF_TIME_LEN 26

/* JSON formats: the value slots of json_line.h and what each fills. */
enum ff_jslot {
	FF_J_CLIENT,
	FF_J_TIME,        /* ISO 8601 / RFC 3339, epoch seconds, or CLF */
	FF_J_REQUEST,
	FF_J_METHOD,
	FF_J_TARGET,
	FF_J_PROTOCOL,
	FF_J_STATUS,
	FF_J_BYTES,
	FF_J_REFERER,
	FF_J_USER_AGENT,
	FF_J_VHOST,
	FF_J_DURATION,    /* seconds, fraction optional */
	FF_J_DURATION_NS, /* Traefik's Duration: integer nanoseconds */
	FF_J_FORWARDED,
	FF_J_COUNT
};

struct ff_json_paths;

struct ff_format {
	char *spec;           /* what the user wrote (or the preset name) */
	const char *kind;     /* ff_format_kind() */
	const char *note;     /* ff_format_note(), or NULL */
	uint32_t fields;      /* ff_format_fields() */
	bool client_forwarded; /* ff_format_set_client_forwarded() */

	struct ff_op *ops;
	size_t nops;
	char *lits;           /* the literal bytes every FF_OP_LITERAL points into */

	/* The last CLF time text parsed successfully and its value: lines
	 * of one second share it, so they cost one memcmp. */
	bool time_cached;
	char time_text[FF_CLF_TIME_LEN];
	ff_time time_value;

	/* regex: formats only. */
	pcre2_code *re;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit_stack;
	struct ff_rx_group *groups;
	size_t ngroups;
	uint64_t limit_hits;

	/* json formats only: the wanted key paths, and where string values
	 * holding escapes are decoded (reused line after line, so a record
	 * from a json format is good until the format parses again: see
	 * ff_format_views_transient). */
	struct ff_json_paths *json;
	char *scratch;
	size_t scratch_cap;
};

/* Regex match limits: a line needs far fewer steps than this; a pattern
 * that backtracks catastrophically gives up instead of stalling the run. */
#define FF_RX_MATCH_LIMIT 1000000u
#define FF_RX_DEPTH_LIMIT 100000u
#define FF_RX_JIT_STACK_MAX (4u << 20)

#endif
