/* logformat.c — compiles a log format once into parse operations.
 *
 * A preset, an Apache LogFormat string or an Nginx log_format string is read
 * into a list of literal text and directives, then turned into the operation
 * array that parse.c runs over every line (logformat_ops.h).  "regex:"
 * formats compile a PCRE2 pattern instead.  Runs once per run, so clarity
 * wins over speed here. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_line.h"
#include "logformat.h"
#include "logformat_ops.h"

const char *const ff_format_presets[] = { "vhost_combined", "combined", "common", NULL };

static const struct {
	const char *name;
	const char *apache;
} presets[] = {
	{ "combined", "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"" },
	{ "common", "%h %l %u %t \"%r\" %>s %b" },
	{ "vhost_combined", "%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"" },
};

const char *ff_format_preset_apache(const char *name)
{
	for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
		if (name && strcmp(name, presets[i].name) == 0)
			return presets[i].apache;
	return NULL;
}

/* The format read as a sequence of items, before operations are chosen. */
struct item {
	bool is_lit;
	uint8_t slot;      /* what the field fills (FF_S_SKIP when a duplicate) */
	uint8_t written;   /* what the directive writes: decides its extent */
	uint32_t off, len; /* literal: bytes in builder.buf */
	size_t src, srclen; /* directive: where it was written, for messages */
	bool list;         /* an Nginx $upstream_* value: a list after retries */
};

struct builder {
	const char *spec;
	struct item *items;
	size_t n, cap;
	char *buf;
	size_t blen, bcap;
	uint32_t filled; /* record fields some directive already fills */
	char *err;
	size_t errsz;
	bool failed;
};

#if defined(__GNUC__)
static bool fail(struct builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif

static bool fail(struct builder *b, const char *fmt, ...)
{
	if (!b->failed && b->err && b->errsz) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(b->err, b->errsz, fmt, ap);
		va_end(ap);
	}
	b->failed = true;
	return false;
}

static struct item *new_item(struct builder *b)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		struct item *items = realloc(b->items, cap * sizeof *items);
		if (!items) {
			fail(b, "out of memory");
			return NULL;
		}
		b->items = items;
		b->cap = cap;
	}
	struct item *it = &b->items[b->n++];
	memset(it, 0, sizeof *it);
	return it;
}

static bool add_lit(struct builder *b, const char *p, size_t n)
{
	if (n == 0)
		return true;
	if (b->blen + n > b->bcap) {
		size_t cap = b->bcap ? b->bcap : 64;
		while (cap < b->blen + n)
			cap *= 2;
		char *buf = realloc(b->buf, cap);
		if (!buf)
			return fail(b, "out of memory");
		b->buf = buf;
		b->bcap = cap;
	}
	memcpy(b->buf + b->blen, p, n);
	/* Literal bytes are appended in order, so consecutive literal text
	 * always sits at the end of buf and merges into one item. */
	if (b->n && b->items[b->n - 1].is_lit) {
		b->items[b->n - 1].len += (uint32_t)n;
	} else {
		struct item *it = new_item(b);
		if (!it)
			return false;
		it->is_lit = true;
		it->off = (uint32_t)b->blen;
		it->len = (uint32_t)n;
	}
	b->blen += n;
	return true;
}

/* The record field a slot fills, or FF_F_COUNT for none. */
static unsigned slot_field(unsigned slot)
{
	switch (slot) {
	case FF_S_CLIENT: return FF_F_CLIENT;
	case FF_S_IDENT: return FF_F_IDENT;
	case FF_S_USER: return FF_F_USER;
	case FF_S_REQUEST: return FF_F_REQUEST;
	case FF_S_METHOD: return FF_F_METHOD;
	case FF_S_TARGET: return FF_F_TARGET;
	case FF_S_PATH: return FF_F_TARGET;
	case FF_S_QUERY_Q: return FF_F_COUNT;
	case FF_S_QUERY: return FF_F_COUNT;
	case FF_S_PROTOCOL: return FF_F_PROTOCOL;
	case FF_S_STATUS: return FF_F_STATUS;
	case FF_S_BYTES: return FF_F_BYTES;
	case FF_S_REFERER: return FF_F_REFERER;
	case FF_S_USER_AGENT: return FF_F_USER_AGENT;
	case FF_S_VHOST: return FF_F_VHOST;
	case FF_S_FORWARDED: return FF_F_FORWARDED;
	case FF_S_DURATION_US:
	case FF_S_DURATION_MS:
	case FF_S_DURATION_S:
	case FF_S_DURATION_ANY: return FF_F_DURATION;
	case FF_S_TIME_CLF:
	case FF_S_TIME_ISO:
	case FF_S_TIME_EPOCH:
	case FF_S_TIME_MSEC:
	case FF_S_TIME_USEC:
	case FF_S_TIME_ANY: return FF_F_TIME;
	default: return FF_F_COUNT;
	}
}

/* The first directive for a record field fills it; a later one for the
 * same field is only skipped over (a byte count is still checked).  Path
 * and query are keyed apart from the target: $request_uri and $uri may
 * both be given. */
static unsigned first_wins(struct builder *b, unsigned slot)
{
	unsigned f = slot_field(slot);
	if (slot == FF_S_PATH)
		f = FF_F_COUNT + 1;
	if (slot == FF_S_QUERY_Q || slot == FF_S_QUERY)
		f = FF_F_COUNT + 2;
	if (f == FF_F_COUNT)
		return slot;
	if (b->filled & (1u << f))
		return slot == FF_S_BYTES ? FF_S_BYTES_CHECK : FF_S_SKIP;
	b->filled |= 1u << f;
	return slot;
}

static bool add_field(struct builder *b, unsigned slot, size_t src, size_t srclen)
{
	struct item *it = new_item(b);
	if (!it)
		return false;
	it->written = (uint8_t)slot;
	it->slot = (uint8_t)first_wins(b, slot);
	it->src = src;
	it->srclen = srclen;
	return true;
}

/* --- Apache LogFormat --------------------------------------------------- */

/* Directive arguments compare ASCII case-insensitively, as HTTP header
 * names do ("%{User-agent}i"); no locale involved. */
static bool arg_is(const char *arg, size_t n, const char *want)
{
	if (strlen(want) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)arg[i], w = (unsigned char)want[i];
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a + 32);
		if (w >= 'A' && w <= 'Z')
			w = (unsigned char)(w + 32);
		if (a != w)
			return false;
	}
	return true;
}

/* %{...}t: the strftime formats that write a time footfall can read. */
static unsigned apache_time_slot(const char *arg, size_t n)
{
	if (n >= 6 && strncmp(arg, "begin:", 6) == 0)
		arg += 6, n -= 6;
	else if (n >= 4 && strncmp(arg, "end:", 4) == 0)
		arg += 4, n -= 4;
	if (n == 3 && memcmp(arg, "sec", 3) == 0)
		return FF_S_TIME_EPOCH;
	if (n == 4 && memcmp(arg, "msec", 4) == 0)
		return FF_S_TIME_MSEC;
	if (n == 4 && memcmp(arg, "usec", 4) == 0)
		return FF_S_TIME_USEC;
	/* strftime conversions are case-sensitive: compare exactly. */
	if (n == 20 && memcmp(arg, "%d/%b/%Y:%H:%M:%S %z", n) == 0)
		return FF_S_TIME_CLF;
	if (n == 19 && memcmp(arg, "%Y-%m-%dT%H:%M:%S%z", n) == 0)
		return FF_S_TIME_ISO;
	return FF_S_SKIP; /* msec_frac, usec_frac, other strftime text */
}

/* The slot of one Apache directive, or -1 when the letter is unknown.
 * name is the letter ("s") or "^ti" / "^to" / "^FB". */
static int apache_slot(const char *name, size_t nlen, const char *arg, size_t alen, bool has_arg)
{
	if (nlen == 3)
		return (strncmp(name, "^ti", 3) == 0 || strncmp(name, "^to", 3) == 0 || strncmp(name, "^FB", 3) == 0) ? FF_S_SKIP : -1;
	switch (name[0]) {
	case 'a': return (!has_arg || arg_is(arg, alen, "c")) ? FF_S_CLIENT : FF_S_SKIP;
	case 'h': return FF_S_CLIENT;
	case 'l': return FF_S_IDENT;
	case 'u': return FF_S_USER;
	case 't': return has_arg ? (int)apache_time_slot(arg, alen) : FF_S_TIME_CLF;
	case 'r': return FF_S_REQUEST;
	case 'm': return FF_S_METHOD;
	case 'U': return FF_S_PATH;
	case 'q': return FF_S_QUERY_Q;
	case 'H': return FF_S_PROTOCOL;
	case 's': return FF_S_STATUS;
	case 'b':
	case 'B':
	case 'O': return FF_S_BYTES;
	case 'I':
	case 'S': return FF_S_BYTES_CHECK;
	case 'D': return FF_S_DURATION_US;
	case 'T':
		if (!has_arg || arg_is(arg, alen, "s"))
			return FF_S_DURATION_S;
		if (arg_is(arg, alen, "ms"))
			return FF_S_DURATION_MS;
		if (arg_is(arg, alen, "us"))
			return FF_S_DURATION_US;
		return FF_S_SKIP;
	case 'i':
		if (arg_is(arg, alen, "Referer"))
			return FF_S_REFERER;
		if (arg_is(arg, alen, "User-Agent"))
			return FF_S_USER_AGENT;
		if (arg_is(arg, alen, "X-Forwarded-For"))
			return FF_S_FORWARDED;
		return FF_S_SKIP;
	case 'v':
	case 'V': return FF_S_VHOST;
	case 'A': case 'C': case 'c': case 'e': case 'f': case 'k': case 'L':
	case 'n': case 'o': case 'p': case 'P': case 'R': case 'x': case 'X':
		return FF_S_SKIP;
	default: return -1;
	}
}

/* Literal text of a LogFormat as written in httpd.conf may still carry its
 * config escapes (\" \\ \t \n): read them as Apache does. */
static size_t apache_literal(struct builder *b, const char *s, size_t i)
{
	size_t start = i;
	while (s[i] && s[i] != '%' && s[i] != '\\')
		i++;
	add_lit(b, s + start, i - start);
	if (s[i] == '\\') {
		char c = s[i + 1];
		char out = c == 't' ? '\t' : c == 'n' ? '\n' : c;
		if (c == '"' || c == '\\' || c == 't' || c == 'n') {
			add_lit(b, &out, 1);
			return i + 2;
		}
		add_lit(b, s + i, 1);
		return i + 1;
	}
	return i;
}

static bool read_apache(struct builder *b, const char *s)
{
	size_t i = 0;
	while (s[i] && !b->failed) {
		if (s[i] != '%') {
			i = apache_literal(b, s, i);
			continue;
		}
		size_t at = i++;
		if (s[i] == '%') {
			add_lit(b, "%", 1);
			i++;
			continue;
		}
		/* Conditions and modifiers: %>s %<s %!200,304{Referer}i */
		while (s[i] && strchr("<>!,0123456789", s[i]))
			i++;
		const char *arg = NULL;
		size_t alen = 0;
		bool has_arg = false;
		if (s[i] == '{') {
			const char *close = strchr(s + i + 1, '}');
			if (!close)
				return fail(b, "unterminated '%%{' at offset %zu", at);
			arg = s + i + 1;
			alen = (size_t)(close - arg);
			has_arg = true;
			i = (size_t)(close - s) + 1;
		}
		if (!s[i])
			return fail(b, "incomplete directive '%s' at offset %zu", s + at, at);
		size_t nlen = s[i] == '^' && s[i + 1] && s[i + 2] ? 3 : 1;
		int slot = apache_slot(s + i, nlen, arg, alen, has_arg);
		i += nlen;
		if (slot < 0)
			return fail(b, "unknown directive '%.*s' at offset %zu", (int)(i - at), s + at, at);
		/* %t writes its own brackets. */
		bool bracketed = slot == FF_S_TIME_CLF && !has_arg;
		if (bracketed)
			add_lit(b, "[", 1);
		add_field(b, (unsigned)slot, at, i - at);
		if (bracketed)
			add_lit(b, "]", 1);
	}
	return !b->failed;
}

/* --- Nginx log_format --------------------------------------------------- */

static bool is_var_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static unsigned nginx_slot(const char *name, size_t n)
{
	static const struct {
		const char *name;
		uint8_t slot;
	} vars[] = {
		{ "remote_addr", FF_S_CLIENT },
		{ "remote_user", FF_S_USER },
		{ "time_local", FF_S_TIME_CLF },
		{ "time_iso8601", FF_S_TIME_ISO },
		{ "msec", FF_S_TIME_EPOCH },
		{ "request", FF_S_REQUEST },
		{ "request_method", FF_S_METHOD },
		{ "request_uri", FF_S_TARGET },
		{ "uri", FF_S_PATH },
		{ "document_uri", FF_S_PATH },
		{ "args", FF_S_QUERY },
		{ "query_string", FF_S_QUERY },
		{ "server_protocol", FF_S_PROTOCOL },
		{ "status", FF_S_STATUS },
		{ "body_bytes_sent", FF_S_BYTES },
		{ "bytes_sent", FF_S_BYTES },
		{ "http_referer", FF_S_REFERER },
		{ "http_user_agent", FF_S_USER_AGENT },
		{ "host", FF_S_VHOST },
		{ "server_name", FF_S_VHOST },
		{ "http_host", FF_S_VHOST },
		{ "request_time", FF_S_DURATION_S },
		{ "http_x_forwarded_for", FF_S_FORWARDED },
	};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		if (strlen(vars[i].name) == n && memcmp(vars[i].name, name, n) == 0)
			return vars[i].slot;
	return FF_S_SKIP; /* $upstream_response_time, $http_x_real_ip, ... */
}

/* Nginx variables written as a list when a request went to several
 * upstream servers ("0.010, 0.020") or through an internal redirect
 * ("0.010 : 0.020"). */
static bool nginx_list(const char *name, size_t n)
{
	return n > 9 && memcmp(name, "upstream_", 9) == 0;
}

static bool read_nginx(struct builder *b, const char *s)
{
	size_t i = 0;
	while (s[i] && !b->failed) {
		size_t at = i;
		if (s[i] == '$' && s[i + 1] == '{') {
			const char *close = strchr(s + i + 2, '}');
			if (!close)
				return fail(b, "unterminated '${' at offset %zu", at);
			size_t n = (size_t)(close - (s + i + 2));
			i = (size_t)(close - s) + 1;
			if (add_field(b, nginx_slot(s + at + 2, n), at, i - at))
				b->items[b->n - 1].list = nginx_list(s + at + 2, n);
		} else if (s[i] == '$' && is_var_byte(s[i + 1])) {
			i++;
			while (is_var_byte(s[i]))
				i++;
			if (add_field(b, nginx_slot(s + at + 1, i - at - 1), at, i - at))
				b->items[b->n - 1].list = nginx_list(s + at + 1, i - at - 1);
		} else {
			i++;
			while (s[i] && s[i] != '$')
				i++;
			add_lit(b, s + at, i - at);
		}
	}
	return !b->failed;
}

/* --- from items to operations -------------------------------------------- */

/* The first byte of the literal item i, or a space past the end: the
 * last field of a format ends at a space (what follows is trailing). */
static char delim_at(const struct builder *b, size_t i)
{
	return i < b->n && b->items[i].is_lit ? b->buf[b->items[i].off] : ' ';
}

/* Whether what a directive writes can be nothing at all: servers write
 * "-" for an empty user or duration, but hand-made formats and proxies do
 * write nothing.  A client, time, status or byte count never is empty. */
static bool may_be_empty(unsigned written)
{
	switch (written) {
	case FF_S_SKIP:
	case FF_S_IDENT:
	case FF_S_USER:
	case FF_S_QUERY:
	case FF_S_FORWARDED:
	case FF_S_DURATION_US:
	case FF_S_DURATION_MS:
	case FF_S_DURATION_S:
	case FF_S_DURATION_ANY:
		return true;
	default:
		return false;
	}
}

/* How a field finds its end, from the text around it. */
static bool choose_extent(struct builder *b, size_t i, struct ff_op *op)
{
	const struct item *it = &b->items[i];
	const struct item *prev = i > 0 ? &b->items[i - 1] : NULL;
	const struct item *next = i + 1 < b->n ? &b->items[i + 1] : NULL;

	/* "%U%q": the query Apache writes starts with '?' or is empty, so
	 * the path can end where it starts. */
	if (it->written == FF_S_QUERY_Q && !(next && !next->is_lit)) {
		op->kind = FF_OP_OPT_QUERY;
		op->delim = (uint8_t)delim_at(b, i + 1);
		return true;
	}
	if (next && !next->is_lit) {
		if (it->written == FF_S_PATH && next->written == FF_S_QUERY_Q) {
			op->kind = FF_OP_UNTIL_QUERY;
			op->delim = (uint8_t)delim_at(b, i + 2);
			return true;
		}
		return fail(b, "'%.*s' and '%.*s' at offset %zu are not separated by any text, so where one ends is unknown",
			    (int)it->srclen, b->spec + it->src, (int)next->srclen, b->spec + next->src, next->src);
	}
	op->empty_ok = may_be_empty(it->written);
	bool clf_time = it->written == FF_S_TIME_CLF;
	bool after_quote = prev && prev->is_lit && b->buf[prev->off + prev->len - 1] == '"';
	char delim = delim_at(b, i + 1);
	if (after_quote && next && delim == '"') {
		op->kind = FF_OP_QUOTED;
	} else if (clf_time && delim == ' ') {
		/* The time holds a space itself: it is 26 bytes wide. */
		op->kind = FF_OP_FIXED;
		op->len = FF_CLF_TIME_LEN;
	} else if (!next) {
		op->kind = it->list ? FF_OP_LAST_LIST : FF_OP_LAST;
	} else {
		op->kind = (delim == ' ' || clf_time) ? FF_OP_UNTIL : FF_OP_UNTIL_NOSPACE;
		op->delim = (uint8_t)delim;
	}
	return true;
}

static bool build_ops(struct builder *b, ff_format *fmt)
{
	fmt->ops = calloc(b->n ? b->n : 1, sizeof *fmt->ops);
	fmt->lits = malloc(b->blen ? b->blen : 1);
	if (!fmt->ops || !fmt->lits)
		return fail(b, "out of memory");
	if (b->blen)
		memcpy(fmt->lits, b->buf, b->blen);

	bool any_field = false;
	for (size_t i = 0; i < b->n; i++) {
		const struct item *it = &b->items[i];
		struct ff_op *op = &fmt->ops[i];
		if (it->is_lit) {
			op->kind = FF_OP_LITERAL;
			op->lit = fmt->lits + it->off;
			op->len = it->len;
			continue;
		}
		any_field = true;
		op->slot = it->slot;
		if (slot_field(it->slot) < FF_F_COUNT)
			fmt->fields |= FF_HAS(slot_field(it->slot));
		if (!choose_extent(b, i, op))
			return false;
	}
	fmt->nops = b->n;
	if (!any_field)
		return fail(b, "log format '%s' has no fields", b->spec);
	return true;
}

/* Fields the request line gives once split; "has" for the direct ones. */
static uint32_t complete_fields(uint32_t f)
{
	if (f & FF_HAS(FF_F_REQUEST))
		f |= FF_HAS(FF_F_METHOD) | FF_HAS(FF_F_TARGET) | FF_HAS(FF_F_PROTOCOL);
	return f;
}

/* --- regex: -------------------------------------------------------------- */

static const struct {
	const char *name;
	uint8_t slot;
} rx_names[] = {
	{ "client", FF_S_CLIENT },
	{ "ident", FF_S_IDENT },
	{ "user", FF_S_USER },
	{ "time", FF_S_TIME_ANY },
	{ "request", FF_S_REQUEST },
	{ "method", FF_S_METHOD },
	{ "target", FF_S_TARGET },
	{ "path", FF_S_PATH },
	{ "query", FF_S_QUERY },
	{ "protocol", FF_S_PROTOCOL },
	{ "status", FF_S_STATUS },
	{ "bytes", FF_S_BYTES },
	{ "referer", FF_S_REFERER },
	{ "user_agent", FF_S_USER_AGENT },
	{ "vhost", FF_S_VHOST },
	{ "forwarded", FF_S_FORWARDED },
	{ "duration", FF_S_DURATION_ANY },
	{ "duration_us", FF_S_DURATION_US },
	{ "duration_ms", FF_S_DURATION_MS },
	{ "duration_s", FF_S_DURATION_S },
};

static bool compile_regex(ff_format *fmt, const char *pattern, char *err, size_t errsz)
{
	int code;
	PCRE2_SIZE erroff;
	/* Anchored at both ends: like the built-in formats, the pattern
	 * describes the whole line.  No UTF mode: log bytes need not be UTF-8. */
	fmt->re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_ANCHORED | PCRE2_ENDANCHORED, &code, &erroff, NULL);
	if (!fmt->re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof msg);
		snprintf(err, errsz, "regex does not compile at offset %zu: %s", (size_t)erroff, (const char *)msg);
		return false;
	}
	size_t nnames = sizeof rx_names / sizeof rx_names[0];
	fmt->groups = calloc(nnames, sizeof *fmt->groups);
	if (!fmt->groups) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	for (size_t i = 0; i < nnames; i++) {
		int n = pcre2_substring_number_from_name(fmt->re, (PCRE2_SPTR)rx_names[i].name);
		if (n == PCRE2_ERROR_NOUNIQUESUBSTRING) {
			snprintf(err, errsz, "regex group '%s' is defined more than once", rx_names[i].name);
			return false;
		}
		if (n <= 0)
			continue;
		fmt->groups[fmt->ngroups].number = (uint32_t)n;
		fmt->groups[fmt->ngroups].slot = rx_names[i].slot;
		fmt->ngroups++;
		if (slot_field(rx_names[i].slot) < FF_F_COUNT)
			fmt->fields |= FF_HAS(slot_field(rx_names[i].slot));
	}
	if (fmt->ngroups == 0) {
		snprintf(err, errsz, "regex has no named group footfall knows: name groups (?<client>...), "
				     "time, request (or method, target, protocol), status, bytes, referer, user_agent, vhost, duration");
		return false;
	}
	fmt->md = pcre2_match_data_create_from_pattern(fmt->re, NULL);
	fmt->mctx = pcre2_match_context_create(NULL);
	if (!fmt->md || !fmt->mctx) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	pcre2_set_match_limit(fmt->mctx, FF_RX_MATCH_LIMIT);
	pcre2_set_depth_limit(fmt->mctx, FF_RX_DEPTH_LIMIT);
	/* JIT is an optimisation: without it (unsupported CPU, no executable
	 * memory) the interpreter gives the same answers. */
	if (pcre2_jit_compile(fmt->re, PCRE2_JIT_COMPLETE) == 0) {
		fmt->jit_stack = pcre2_jit_stack_create(32 * 1024, FF_RX_JIT_STACK_MAX, NULL);
		if (fmt->jit_stack)
			pcre2_jit_stack_assign(fmt->mctx, NULL, fmt->jit_stack);
	}
	return true;
}

/* --- json ------------------------------------------------------------------ */

/* The record fields log.json_fields maps, and their value slots. */
static const struct {
	const char *name;
	uint8_t slot;
} json_names[] = {
	{ "client", FF_J_CLIENT }, { "time", FF_J_TIME }, { "request", FF_J_REQUEST },
	{ "method", FF_J_METHOD }, { "target", FF_J_TARGET }, { "protocol", FF_J_PROTOCOL },
	{ "status", FF_J_STATUS }, { "bytes", FF_J_BYTES }, { "referer", FF_J_REFERER },
	{ "user_agent", FF_J_USER_AGENT }, { "vhost", FF_J_VHOST }, { "duration", FF_J_DURATION },
	{ "forwarded", FF_J_FORWARDED },
};

const char ff_format_json_fields_text[] =
	"client, time, request, method, target, protocol, status, bytes, referer, user_agent, vhost, duration, "
	"forwarded";

/* Where Caddy's default JSON log and Traefik's JSON access log keep each
 * field, in order of preference. */
static const struct {
	uint8_t slot;
	const char *path;
} json_builtin[] = {
	{ FF_J_CLIENT, "request.remote_ip" }, { FF_J_CLIENT, "request.client_ip" }, { FF_J_CLIENT, "ClientHost" },
	{ FF_J_TIME, "ts" }, { FF_J_TIME, "StartLocal" }, { FF_J_TIME, "StartUTC" },
	{ FF_J_METHOD, "request.method" }, { FF_J_METHOD, "RequestMethod" },
	{ FF_J_TARGET, "request.uri" }, { FF_J_TARGET, "RequestPath" },
	{ FF_J_PROTOCOL, "request.proto" }, { FF_J_PROTOCOL, "RequestProtocol" },
	{ FF_J_STATUS, "status" }, { FF_J_STATUS, "DownstreamStatus" },
	{ FF_J_BYTES, "size" }, { FF_J_BYTES, "DownstreamContentSize" },
	{ FF_J_REFERER, "request.headers.Referer[0]" }, { FF_J_REFERER, "request_Referer" },
	{ FF_J_USER_AGENT, "request.headers.User-Agent[0]" }, { FF_J_USER_AGENT, "request_User-Agent" },
	{ FF_J_VHOST, "request.host" }, { FF_J_VHOST, "RequestHost" },
	{ FF_J_DURATION, "duration" }, { FF_J_DURATION_NS, "Duration" },
	{ FF_J_FORWARDED, "request.headers.X-Forwarded-For[0]" }, { FF_J_FORWARDED, "request_X-Forwarded-For" },
};

bool ff_format_json_field(const char *name)
{
	for (size_t i = 0; i < sizeof json_names / sizeof json_names[0]; i++)
		if (strcmp(json_names[i].name, name) == 0)
			return true;
	return false;
}

static uint32_t jslot_field(unsigned slot)
{
	switch (slot) {
	case FF_J_CLIENT: return FF_HAS(FF_F_CLIENT);
	case FF_J_TIME: return FF_HAS(FF_F_TIME);
	case FF_J_REQUEST: return FF_HAS(FF_F_REQUEST);
	case FF_J_METHOD: return FF_HAS(FF_F_METHOD);
	case FF_J_TARGET: return FF_HAS(FF_F_TARGET);
	case FF_J_PROTOCOL: return FF_HAS(FF_F_PROTOCOL);
	case FF_J_STATUS: return FF_HAS(FF_F_STATUS);
	case FF_J_BYTES: return FF_HAS(FF_F_BYTES);
	case FF_J_REFERER: return FF_HAS(FF_F_REFERER);
	case FF_J_USER_AGENT: return FF_HAS(FF_F_USER_AGENT);
	case FF_J_VHOST: return FF_HAS(FF_F_VHOST);
	case FF_J_FORWARDED: return FF_HAS(FF_F_FORWARDED);
	default: return FF_HAS(FF_F_DURATION);
	}
}

/* "json" or "json:field=path,field=path...": a mapped field is found at
 * its path alone; the others at their Caddy and Traefik names. */
static bool compile_json(ff_format *fmt, const char *map, char *err, size_t errsz)
{
	fmt->json = ff_json_paths_new();
	if (!fmt->json) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	uint32_t mapped = 0;
	char why[160];
	for (const char *p = map; p && *p;) {
		const char *comma = strchr(p, ','), *stop = comma ? comma : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		size_t slot = sizeof json_names / sizeof json_names[0];
		if (eq)
			for (slot = 0; slot < sizeof json_names / sizeof json_names[0]; slot++)
				if (strlen(json_names[slot].name) == (size_t)(eq - p) &&
				    memcmp(json_names[slot].name, p, (size_t)(eq - p)) == 0)
					break;
		if (!eq || slot == sizeof json_names / sizeof json_names[0]) {
			snprintf(err, errsz, "json field mapping '%.*s': write field=key.path, the field one of %s",
				 (int)(stop - p > 64 ? 64 : stop - p), p, ff_format_json_fields_text);
			return false;
		}
		unsigned js = json_names[slot].slot;
		if (mapped & (1u << js)) {
			snprintf(err, errsz, "json field mapping: '%s' is mapped twice", json_names[slot].name);
			return false;
		}
		mapped |= 1u << js;
		if (!ff_json_paths_add(fmt->json, eq + 1, (size_t)(stop - eq - 1), js, 0, why, sizeof why)) {
			snprintf(err, errsz, "json field mapping '%s': %s", json_names[slot].name, why);
			return false;
		}
		fmt->fields |= jslot_field(js);
		p = comma ? comma + 1 : stop;
	}
	if (mapped & (1u << FF_J_DURATION))
		mapped |= 1u << FF_J_DURATION_NS;
	for (size_t i = 0, rank = 1; i < sizeof json_builtin / sizeof json_builtin[0]; i++, rank++) {
		unsigned js = json_builtin[i].slot;
		if (mapped & (1u << js))
			continue;
		if (!ff_json_paths_add(fmt->json, json_builtin[i].path, strlen(json_builtin[i].path), js,
				       (unsigned)rank, why, sizeof why)) {
			snprintf(err, errsz, "json format: %s", why);
			return false;
		}
		fmt->fields |= jslot_field(js);
	}
	return true;
}

bool ff_format_views_transient(const ff_format *fmt)
{
	return fmt->json != NULL;
}

/* --- public ---------------------------------------------------------------- */

static const char *const no_time_note =
	"log format has no time field: reports by time and visits need one";

ff_format *ff_format_compile(const char *spec, char *err, size_t errsz)
{
	char dummy[1];
	if (!err || errsz == 0) {
		err = dummy;
		errsz = sizeof dummy;
	}
	err[0] = '\0';
	if (!spec || !*spec) {
		snprintf(err, errsz, "empty log format");
		return NULL;
	}
	size_t speclen = strlen(spec);
	ff_format *fmt = calloc(1, sizeof *fmt);
	if (fmt && (fmt->spec = malloc(speclen + 1)) != NULL)
		memcpy(fmt->spec, spec, speclen + 1);
	if (!fmt || !fmt->spec) {
		free(fmt);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}

	if (strcmp(spec, "json") == 0 || strncmp(spec, "json:", 5) == 0) {
		fmt->kind = "json";
		if (!compile_json(fmt, spec[4] ? spec + 5 : NULL, err, errsz)) {
			ff_format_free(fmt);
			return NULL;
		}
	} else if (strncmp(spec, "regex:", 6) == 0) {
		fmt->kind = "regex";
		if (!compile_regex(fmt, spec + 6, err, errsz)) {
			ff_format_free(fmt);
			return NULL;
		}
	} else {
		struct builder b = { .spec = spec, .err = err, .errsz = errsz };
		const char *apache = NULL;
		bool nginx = false;
		for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
			if (strcmp(spec, presets[i].name) == 0) {
				fmt->kind = presets[i].name;
				apache = b.spec = presets[i].apache;
			}
		}
		if (!apache) {
			/* A "$name" means an Nginx log_format, where '%' is
			 * plain text; otherwise '%' directives mean Apache. */
			for (const char *p = strchr(spec, '$'); p && !nginx; p = strchr(p + 1, '$'))
				nginx = is_var_byte(p[1]) || p[1] == '{';
			if (!nginx && !strchr(spec, '%')) {
				snprintf(err, errsz, "unknown log format '%s': use combined, common, vhost_combined, json, "
						     "an Apache LogFormat string, an Nginx log_format string or regex:PATTERN", spec);
				ff_format_free(fmt);
				return NULL;
			}
			fmt->kind = nginx ? "nginx" : "apache";
			apache = spec;
		}
		bool ok = nginx ? read_nginx(&b, spec) : read_apache(&b, apache);
		ok = ok && build_ops(&b, fmt);
		free(b.items);
		free(b.buf);
		if (!ok) {
			ff_format_free(fmt);
			return NULL;
		}
	}
	fmt->fields = complete_fields(fmt->fields);
	if (!(fmt->fields & FF_HAS(FF_F_TIME)))
		fmt->note = no_time_note;
	return fmt;
}

void ff_format_free(ff_format *fmt)
{
	if (!fmt)
		return;
	pcre2_jit_stack_free(fmt->jit_stack);
	pcre2_match_context_free(fmt->mctx);
	pcre2_match_data_free(fmt->md);
	pcre2_code_free(fmt->re);
	free(fmt->groups);
	ff_json_paths_free(fmt->json);
	free(fmt->scratch);
	free(fmt->ops);
	free(fmt->lits);
	free(fmt->spec);
	free(fmt);
}

void ff_format_set_client_forwarded(ff_format *fmt, bool on)
{
	fmt->client_forwarded = on;
}

const char *ff_format_kind(const ff_format *fmt)
{
	return fmt->kind;
}

const char *ff_format_spec(const ff_format *fmt)
{
	return fmt->spec;
}

uint32_t ff_format_fields(const ff_format *fmt)
{
	return fmt->fields;
}

const char *ff_format_note(const ff_format *fmt)
{
	return fmt->note;
}

uint64_t ff_format_limit_hits(const ff_format *fmt)
{
	return fmt->limit_hits;
}
