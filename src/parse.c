/* parse.c — runs a compiled log format over one line.
 *
 * The hot path of footfall: called once per input line, it walks the
 * operations of logformat_ops.h with one cursor and fills an ff_record with
 * views into the line.  It allocates nothing and copies no field. */
#include <stdlib.h>
#include <string.h>

#include "json_line.h"
#include "logformat.h"
#include "logformat_ops.h"

/* What the line gave apart from the record's own fields, and the first
 * value error met; the line must still match to the end for the error to
 * be the verdict. */
struct parse_state {
	enum ff_parse_result bad;
	bool got_target, got_path, got_query;
};

static void value_error(struct parse_state *st, enum ff_parse_result why)
{
	if (st->bad == FF_PARSE_OK)
		st->bad = why;
}

/* Lines of one second repeat the same 26 bytes: one memcmp instead of a
 * parse.  The cache lives in the format, so formats stay independent. */
static bool clf_time_cached(ff_format *fmt, ff_sv v, ff_time *out)
{
	if (v.n != FF_CLF_TIME_LEN)
		return false;
	if (fmt->time_cached && memcmp(v.p, fmt->time_text, FF_CLF_TIME_LEN) == 0) {
		*out = fmt->time_value;
		return true;
	}
	if (!ff_time_parse_clf(v, out))
		return false;
	memcpy(fmt->time_text, v.p, FF_CLF_TIME_LEN);
	fmt->time_value = *out;
	fmt->time_cached = true;
	return true;
}

/* Integer count of units since the epoch, kept to four-digit years. */
static bool epoch_units(ff_sv v, uint64_t per_sec, ff_time *out)
{
	uint64_t n;
	if (!ff_sv_to_u64(v, UINT64_C(253402300799) * per_sec + (per_sec - 1), &n))
		return false;
	out->t = (int64_t)(n / per_sec);
	out->offset = 0;
	out->usec = (int32_t)((n % per_sec) * (1000000 / per_sec));
	return true;
}

static bool parse_time(ff_format *fmt, unsigned slot, ff_sv v, ff_time *out)
{
	switch (slot) {
	case FF_S_TIME_CLF:
		return clf_time_cached(fmt, v, out);
	case FF_S_TIME_ISO:
		return ff_time_parse_iso8601(v, out);
	case FF_S_TIME_EPOCH:
		return ff_time_parse_epoch(v, out);
	case FF_S_TIME_MSEC:
		return epoch_units(v, 1000, out);
	case FF_S_TIME_USEC:
		return epoch_units(v, 1000000, out);
	default: /* FF_S_TIME_ANY */
		if (v.n == FF_CLF_TIME_LEN + 2 && v.p[0] == '[' && v.p[v.n - 1] == ']')
			v = ff_sv_sub(v, 1, v.n - 1);
		return clf_time_cached(fmt, v, out) || ff_time_parse_iso8601(v, out) || ff_time_parse_epoch(v, out);
	}
}

/* "seconds[.fraction]" as microseconds: $request_time, %T. */
static bool seconds_us(ff_sv v, uint64_t *us)
{
	size_t dot = ff_sv_find(v, '.');
	uint64_t sec, frac = 0;
	if (!ff_sv_to_u64(ff_sv_sub(v, 0, dot), UINT64_C(1) << 40, &sec))
		return false;
	if (dot < v.n) {
		ff_sv f = ff_sv_sub(v, dot + 1, v.n);
		if (f.n == 0)
			return false;
		for (size_t i = 0; i < f.n; i++) {
			unsigned d = (unsigned char)f.p[i] - '0';
			if (d > 9)
				return false;
			if (i < 6)
				frac = frac * 10 + d;
		}
		for (size_t i = f.n; i < 6; i++)
			frac *= 10;
	}
	*us = sec * 1000000 + frac;
	return true;
}

/* A duration of "-" or nothing (nothing measured) leaves the field out; any other
 * text that is not a number means the line is not in this format. */
static bool parse_duration(unsigned slot, ff_sv v, ff_record *rec)
{
	uint64_t n;
	bool ok;
	if (v.n == 0 || (v.n == 1 && v.p[0] == '-'))
		return true;
	switch (slot) {
	case FF_S_DURATION_US:
		ok = ff_sv_to_u64(v, UINT64_C(1) << 60, &n);
		break;
	case FF_S_DURATION_MS:
		ok = ff_sv_to_u64(v, UINT64_C(1) << 50, &n);
		n *= 1000;
		break;
	case FF_S_DURATION_S:
		ok = seconds_us(v, &n);
		break;
	default: /* FF_S_DURATION_ANY */
		if (ff_sv_find(v, '.') < v.n)
			ok = seconds_us(v, &n);
		else
			ok = ff_sv_to_u64(v, UINT64_C(1) << 60, &n);
		break;
	}
	if (!ok)
		return false;
	rec->duration_us = n;
	rec->has |= FF_HAS(FF_F_DURATION);
	return true;
}

static bool is_dash(ff_sv v)
{
	return v.n == 1 && v.p[0] == '-';
}

/* Gives one field's bytes their meaning.  False when the bytes cannot be
 * this field at all (the line does not match); value errors the SPEC names
 * (time, status, bytes) are recorded in st instead. */
static bool store(ff_format *fmt, unsigned slot, ff_sv v, ff_record *rec, struct parse_state *st)
{
	switch (slot) {
	case FF_S_SKIP:
		return true;
	case FF_S_CLIENT:
		rec->client = v;
		rec->has |= FF_HAS(FF_F_CLIENT);
		return true;
	case FF_S_IDENT:
		rec->ident = v;
		rec->has |= FF_HAS(FF_F_IDENT);
		return true;
	case FF_S_USER:
		rec->user = v;
		rec->has |= FF_HAS(FF_F_USER);
		return true;
	case FF_S_REQUEST:
		rec->request = v;
		rec->has |= FF_HAS(FF_F_REQUEST);
		return true;
	case FF_S_METHOD:
		rec->method = v;
		rec->has |= FF_HAS(FF_F_METHOD);
		return true;
	case FF_S_TARGET:
		rec->target = v;
		st->got_target = true;
		return true;
	case FF_S_PATH:
		rec->path = v;
		st->got_path = true;
		return true;
	case FF_S_QUERY_Q:
		rec->query = (v.n && v.p[0] == '?') ? ff_sv_sub(v, 1, v.n) : v;
		st->got_query = true;
		return true;
	case FF_S_QUERY:
		/* Nginx writes "-" for an empty variable. */
		rec->query = is_dash(v) ? ff_sv_make(v.p, 0) : v;
		st->got_query = true;
		return true;
	case FF_S_PROTOCOL:
		rec->protocol = v;
		rec->has |= FF_HAS(FF_F_PROTOCOL);
		return true;
	case FF_S_STATUS:
		if (!ff_parse_status(v, &rec->status))
			value_error(st, FF_PARSE_BAD_STATUS);
		rec->has |= FF_HAS(FF_F_STATUS);
		return true;
	case FF_S_BYTES:
		if (!ff_parse_bytes(v, &rec->bytes))
			value_error(st, FF_PARSE_BAD_BYTES);
		rec->has |= FF_HAS(FF_F_BYTES);
		return true;
	case FF_S_BYTES_CHECK: {
		uint64_t ignored;
		if (!ff_parse_bytes(v, &ignored))
			value_error(st, FF_PARSE_BAD_BYTES);
		return true;
	}
	case FF_S_REFERER:
		rec->referer = is_dash(v) ? ff_sv_make(v.p, 0) : v;
		rec->has |= FF_HAS(FF_F_REFERER);
		return true;
	case FF_S_USER_AGENT:
		rec->user_agent = is_dash(v) ? ff_sv_make(v.p, 0) : v;
		rec->has |= FF_HAS(FF_F_USER_AGENT);
		return true;
	case FF_S_VHOST:
		rec->vhost = v;
		rec->has |= FF_HAS(FF_F_VHOST);
		return true;
	case FF_S_FORWARDED:
		rec->forwarded = is_dash(v) ? ff_sv_make(v.p, 0) : v;
		rec->has |= FF_HAS(FF_F_FORWARDED);
		return true;
	case FF_S_DURATION_US:
	case FF_S_DURATION_MS:
	case FF_S_DURATION_S:
	case FF_S_DURATION_ANY:
		return parse_duration(slot, v, rec);
	default: /* the time slots */
		if (!parse_time(fmt, slot, v, &rec->time))
			value_error(st, FF_PARSE_BAD_TIME);
		rec->has |= FF_HAS(FF_F_TIME);
		return true;
	}
}

/* Method, target, path and query: from the whole request line when the
 * format has it, else from the separate directives. */
static void finish_request(ff_record *rec, const struct parse_state *st)
{
	if (rec->has & FF_HAS(FF_F_REQUEST)) {
		rec->has &= ~(FF_HAS(FF_F_METHOD) | FF_HAS(FF_F_TARGET) | FF_HAS(FF_F_PROTOCOL));
		ff_record_split_request(rec);
		return;
	}
	if (st->got_target) {
		/* $request_uri is the target as sent: its path and query win
		 * over the normalised $uri and $args. */
		ff_record_split_target(rec);
		rec->has |= FF_HAS(FF_F_TARGET);
	} else if (st->got_path) {
		/* Path and query arrived apart and cannot be rejoined as one
		 * view: the target is the path alone, the query stays. */
		rec->target = rec->path;
		if (!st->got_query)
			rec->query = ff_sv_make(rec->path.p + rec->path.n, 0);
		rec->has |= FF_HAS(FF_F_TARGET);
	}
}

/* --client forwarded: every later stage (classification, visits, the
 * hosts report, records, filters) sees the forwarded client, and only
 * through rec->client, which now points into the X-Forwarded-For field. */
static void use_forwarded_client(ff_record *rec)
{
	if (!rec->forwarded.n)
		return;
	ff_sv first = ff_forwarded_client(rec->forwarded);
	if (first.n) {
		rec->client = first;
		rec->has |= FF_HAS(FF_F_CLIENT);
	}
}

static enum ff_parse_result parse_regex(ff_format *fmt, const char *line, size_t len, ff_record *rec)
{
	int rc = pcre2_match(fmt->re, (PCRE2_SPTR)line, len, 0, 0, fmt->md, fmt->mctx);
	if (rc < 0) {
		if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
		    rc == PCRE2_ERROR_JIT_STACKLIMIT)
			fmt->limit_hits++;
		return FF_PARSE_INVALID;
	}
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(fmt->md);
	uint32_t npairs = pcre2_get_ovector_count(fmt->md);
	struct parse_state st = { FF_PARSE_OK, false, false, false };
	for (size_t i = 0; i < fmt->ngroups; i++) {
		uint32_t g = fmt->groups[i].number;
		if (g >= npairs || ov[2 * g] == PCRE2_UNSET)
			continue; /* an optional group that did not take part */
		ff_sv v = ff_sv_make(line + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
		if (!store(fmt, fmt->groups[i].slot, v, rec, &st))
			return FF_PARSE_INVALID;
	}
	finish_request(rec, &st);
	if (fmt->client_forwarded)
		use_forwarded_client(rec);
	return st.bad;
}

/* The FF_S_ slot a JSON value slot fills through store(). */
static const uint8_t json_store_slot[FF_J_COUNT] = {
	[FF_J_CLIENT] = FF_S_CLIENT, [FF_J_REQUEST] = FF_S_REQUEST, [FF_J_METHOD] = FF_S_METHOD,
	[FF_J_TARGET] = FF_S_TARGET, [FF_J_PROTOCOL] = FF_S_PROTOCOL, [FF_J_STATUS] = FF_S_STATUS,
	[FF_J_BYTES] = FF_S_BYTES, [FF_J_REFERER] = FF_S_REFERER, [FF_J_USER_AGENT] = FF_S_USER_AGENT,
	[FF_J_VHOST] = FF_S_VHOST, [FF_J_FORWARDED] = FF_S_FORWARDED,
};

/* Room to decode every escaped value of a line: never more than the
 * line, so it only grows when a longer line than any before needs it. */
static bool json_scratch(ff_format *fmt, size_t need)
{
	if (need <= fmt->scratch_cap)
		return true;
	size_t cap = fmt->scratch_cap ? fmt->scratch_cap : 256;
	while (cap < need)
		cap *= 2;
	char *p = realloc(fmt->scratch, cap);
	if (!p)
		return false;
	fmt->scratch = p;
	fmt->scratch_cap = cap;
	return true;
}

static enum ff_parse_result parse_json(ff_format *fmt, const char *line, size_t len, ff_record *rec)
{
	ff_json_value v[FF_J_COUNT];
	if (!ff_json_line_scan(fmt->json, line, len, v, FF_J_COUNT))
		return FF_PARSE_INVALID;
	/* null is the same as a missing member */
	size_t need = 0;
	for (unsigned i = 0; i < FF_J_COUNT; i++) {
		if (v[i].type == FF_JSON_NULL)
			v[i].type = FF_JSON_NONE;
		if (v[i].escaped)
			need += v[i].n;
	}
	if (v[FF_J_TIME].type == FF_JSON_NONE || v[FF_J_STATUS].type == FF_JSON_NONE)
		return FF_PARSE_INVALID;
	if (need && !json_scratch(fmt, need))
		return FF_PARSE_INVALID;
	char *out = fmt->scratch;
	struct parse_state st = { FF_PARSE_OK, false, false, false };
	for (unsigned i = 0; i < FF_J_COUNT; i++) {
		if (v[i].type == FF_JSON_NONE)
			continue;
		ff_sv sv = ff_sv_make(v[i].p, v[i].n);
		if (v[i].escaped) {
			sv = ff_sv_make(out, ff_json_unescape(v[i].p, v[i].n, out));
			out += sv.n;
		}
		uint64_t n;
		switch (i) {
		case FF_J_TIME:
			/* a number is epoch seconds; text may be any time footfall reads */
			if (!(v[i].type == FF_JSON_NUMBER ? ff_time_parse_epoch(sv, &rec->time)
							 : parse_time(fmt, FF_S_TIME_ANY, sv, &rec->time)))
				value_error(&st, FF_PARSE_BAD_TIME);
			rec->has |= FF_HAS(FF_F_TIME);
			break;
		case FF_J_DURATION:
			/* a duration that is no plain number is left out, not
			 * the line: it is not what makes a request */
			if (!(rec->has & FF_HAS(FF_F_DURATION)) && seconds_us(sv, &n)) {
				rec->duration_us = n;
				rec->has |= FF_HAS(FF_F_DURATION);
			}
			break;
		case FF_J_DURATION_NS:
			if (!(rec->has & FF_HAS(FF_F_DURATION)) && ff_sv_to_u64(sv, UINT64_C(1) << 62, &n)) {
				rec->duration_us = n / 1000;
				rec->has |= FF_HAS(FF_F_DURATION);
			}
			break;
		default:
			store(fmt, json_store_slot[i], sv, rec, &st);
			break;
		}
	}
	finish_request(rec, &st);
	if (fmt->client_forwarded)
		use_forwarded_client(rec);
	return st.bad;
}

/* Copied rather than memset: compilers clear a struct this size with
 * `rep stos`, whose start-up cost was a tenth of a line's parse. */
static const ff_record empty_record;

#if defined(__GNUC__)
#define FF_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define FF_ALWAYS_INLINE inline
#endif

/* One body for both entry points; inlined into each, so the per-line one
 * carries no trace of the other's out parameter. */
static FF_ALWAYS_INLINE enum ff_parse_result parse_line(ff_format *fmt, const char *line, size_t len, ff_record *rec,
							size_t *used)
{
	*rec = empty_record;
	if (!line)
		line = ""; /* an empty line given as (NULL, 0): no NULL to memchr */
	if (fmt->re)
		return parse_regex(fmt, line, len, rec);
	if (fmt->json)
		return parse_json(fmt, line, len, rec);

	const char *p = line, *end = line + len;
	struct parse_state st = { FF_PARSE_OK, false, false, false };
	const struct ff_op *op = fmt->ops, *last = fmt->ops + fmt->nops;
	for (; op < last; op++) {
		const char *q;
		switch (op->kind) {
		case FF_OP_LITERAL:
			/* mostly one or two bytes (a space, `" `): no call for those */
			if (op->len && ((size_t)(end - p) < op->len || p[0] != op->lit[0] ||
					(op->len > 1 && memcmp(p + 1, op->lit + 1, op->len - 1) != 0)))
				return FF_PARSE_INVALID;
			p += op->len;
			continue;
		case FF_OP_UNTIL:
			q = ff_find_byte(p, end, (char)op->delim);
			if (!q || (q == p && !op->empty_ok))
				return FF_PARSE_INVALID;
			break;
		case FF_OP_UNTIL_NOSPACE:
			for (q = p; q < end && *q != (char)op->delim; q++)
				if (*q == ' ')
					return FF_PARSE_INVALID;
			if (q == end || (q == p && !op->empty_ok))
				return FF_PARSE_INVALID;
			break;
		case FF_OP_LAST:
			q = ff_find_byte(p, end, ' ');
			if (!q)
				q = end;
			if (q == p && !op->empty_ok)
				return FF_PARSE_INVALID;
			break;
		case FF_OP_LAST_LIST:
			/* a space inside ", " or " : " belongs to the list */
			for (q = p;; q++) {
				q = ff_find_byte(q, end, ' ');
				if (!q) {
					q = end;
					break;
				}
				if (!((q > p && (q[-1] == ',' || q[-1] == ':')) || (q + 1 < end && q[1] == ':')))
					break;
			}
			if (q == p && !op->empty_ok)
				return FF_PARSE_INVALID;
			break;
		case FF_OP_QUOTED:
			/* A quote ends the field unless an odd run of
			 * backslashes (inside the field) precedes it. */
			for (const char *s = p;; s = q + 1) {
				q = ff_find_byte(s, end, '"');
				if (!q)
					return FF_PARSE_INVALID;
				const char *b = q;
				while (b > p && b[-1] == '\\')
					b--;
				if (((q - b) & 1) == 0)
					break;
			}
			break;
		case FF_OP_FIXED:
			if ((size_t)(end - p) < op->len)
				return FF_PARSE_INVALID;
			q = p + op->len;
			break;
		case FF_OP_UNTIL_QUERY:
			for (q = p; q < end && *q != '?' && *q != (char)op->delim && *q != ' '; q++)
				;
			if (q == p)
				return FF_PARSE_INVALID;
			break;
		default: /* FF_OP_OPT_QUERY */
			q = p;
			if (q < end && *q == '?')
				for (q++; q < end && *q != (char)op->delim && *q != ' '; q++)
					;
			break;
		}
		if (!store(fmt, op->slot, ff_sv_make(p, (size_t)(q - p)), rec, &st))
			return FF_PARSE_INVALID;
		p = q;
	}
	if (p != end) {
		if (used)
			*used = (size_t)(p - line);
		return FF_PARSE_TRAILING;
	}
	finish_request(rec, &st);
	if (fmt->client_forwarded)
		use_forwarded_client(rec);
	return st.bad;
}

enum ff_parse_result ff_format_parse(ff_format *fmt, const char *line, size_t len, ff_record *rec)
{
	return parse_line(fmt, line, len, rec, NULL);
}

enum ff_parse_result ff_format_parse_prefix(ff_format *fmt, const char *line, size_t len, ff_record *rec,
					    size_t *used)
{
	return parse_line(fmt, line, len, rec, used);
}
