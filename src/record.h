/* record.h — one parsed request: views into the line it came from.
 *
 * A record owns nothing: every ff_sv points into the input block that held
 * the line and is valid until the reader moves to its next line.  Whatever
 * outlives the line (report keys) must be copied or interned by its owner. */
#ifndef FF_RECORD_H
#define FF_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "fftime.h"
#include "str.h"

/* The fields a log format can carry; names as in SPEC §12. */
enum ff_field {
	FF_F_CLIENT,
	FF_F_IDENT,
	FF_F_USER,
	FF_F_TIME,
	FF_F_REQUEST, /* the whole "METHOD TARGET PROTOCOL" field */
	FF_F_METHOD,
	FF_F_TARGET,
	FF_F_PROTOCOL,
	FF_F_STATUS,
	FF_F_BYTES,
	FF_F_REFERER,
	FF_F_USER_AGENT,
	FF_F_VHOST,
	FF_F_DURATION,
	FF_F_FORWARDED, /* X-Forwarded-For as logged */
	FF_F_COUNT
};

#define FF_HAS(f) (1u << (f))

typedef struct ff_record {
	ff_sv client;
	ff_sv ident;
	ff_sv user;
	ff_sv request;
	ff_sv method;
	ff_sv target;
	ff_sv path;     /* target up to the first '?' or '#' */
	ff_sv query;    /* after the first '?' up to '#', empty when none */
	ff_sv protocol;
	ff_sv referer;  /* empty for "-" */
	ff_sv user_agent; /* empty for "-" */
	ff_sv vhost;
	ff_sv forwarded;  /* X-Forwarded-For; empty for "-" */
	ff_time time;
	uint64_t bytes;       /* 0 for "-" */
	uint64_t duration_us; /* request duration, microseconds */
	uint16_t status;
	uint32_t has;         /* FF_HAS(field) for each field the format gave */
} ff_record;

/* Splits rec->request into method, target and protocol (SPEC §13.8) and the
 * target into path and query (§13.9).  Sets FF_HAS for what it found. */
void ff_record_split_request(ff_record *rec);

/* The first address of an X-Forwarded-For value ("a, b, c"), spaces
 * trimmed, when it is an IPv4 or IPv6 address; else an empty view.  The
 * result points into xff. */
ff_sv ff_forwarded_client(ff_sv xff);

/* Splits rec->target into path and query. */
void ff_record_split_target(ff_record *rec);

/* Status: exactly three digits 100-599 (SPEC §13.7). */
bool ff_parse_status(ff_sv s, uint16_t *out);

/* Bytes: "-" (0) or decimal digits below 2^63 (SPEC §13.7). */
bool ff_parse_bytes(ff_sv s, uint64_t *out);

#endif
