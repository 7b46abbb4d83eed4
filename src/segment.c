/* segment.c — parsing the segment expressions of SPEC §15 and matching
 * their regexes.  Which visit a segment selects is decided in analysis.c,
 * where the visit's facts are. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "segment.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "marketing.h"

static const struct {
	const char *name;
	enum ff_seg_kind kind;
	bool re;
} fields[] = {
	{ "entry", FF_SEG_ENTRY, true },     { "exit", FF_SEG_EXIT, true },
	{ "page", FF_SEG_PAGE, true },       { "source", FF_SEG_SOURCE, false },
	{ "campaign", FF_SEG_CAMPAIGN, true }, { "goal", FF_SEG_GOAL, false },
	{ "device", FF_SEG_DEVICE, false },  { "browser", FF_SEG_BROWSER, true },
	{ "os", FF_SEG_OS, true },           { "country", FF_SEG_COUNTRY, false },
	{ "returning", FF_SEG_RETURNING, false },
};

static int fail(char *err, size_t errsz, const char *expr, const char *why)
{
	snprintf(err, errsz, "segment '%s': %s", expr, why);
	return -1;
}

static int parse_term(ff_seg_term *t, const char *expr, char *err, size_t errsz)
{
	t->text = expr;
	const char *value;
	static const char ge[] = "pageviews>=";
	if (strncmp(expr, ge, sizeof ge - 1) == 0) {
		uint64_t n;
		value = expr + sizeof ge - 1;
		if (!ff_sv_to_u64(ff_sv_cstr(value), UINT32_MAX, &n))
			return fail(err, errsz, expr, "pageviews>= takes a whole number");
		t->kind = FF_SEG_PAGEVIEWS;
		t->value = n;
		return 0;
	}
	const char *eq = strchr(expr, '=');
	size_t i, fn = eq ? (size_t)(eq - expr) : 0;
	for (i = 0; i < sizeof fields / sizeof *fields; i++)
		if (eq && strlen(fields[i].name) == fn && memcmp(fields[i].name, expr, fn) == 0)
			break;
	if (!eq || i == sizeof fields / sizeof *fields)
		return fail(err, errsz, expr,
			    "not FIELD=VALUE with FIELD one of entry, exit, page, source, campaign, goal, device, "
			    "browser, os, country, returning, or pageviews>=N");
	t->kind = fields[i].kind;
	value = eq + 1;
	if (fields[i].re) {
		int code;
		PCRE2_SIZE off;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)value, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
		if (!re) {
			PCRE2_UCHAR msg[256];
			char why[400];
			pcre2_get_error_message(code, msg, sizeof msg);
			snprintf(why, sizeof why, "the regex does not compile at offset %zu: %s", (size_t)off,
				 (const char *)msg);
			return fail(err, errsz, expr, why);
		}
		pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
		t->re = re;
		return 0;
	}
	switch (t->kind) {
	case FF_SEG_SOURCE:
		for (unsigned s = 0; s < FF_SRC_COUNT; s++)
			if (strcmp(value, ff_source_name((enum ff_source)s)) == 0) {
				t->value = s;
				return 0;
			}
		return fail(err, errsz, expr, "source is one of campaign, search, social, referral, direct");
	case FF_SEG_DEVICE:
		for (unsigned d = 0; d < FF_DEV_COUNT; d++)
			if (strcmp(value, ff_device_type_name((enum ff_device_type)d)) == 0) {
				t->value = d;
				return 0;
			}
		return fail(err, errsz, expr, "device is one of desktop, mobile, tablet, bot, other");
	case FF_SEG_RETURNING:
		if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
			return fail(err, errsz, expr, "returning is yes or no");
		t->value = strcmp(value, "yes") == 0;
		return 0;
	case FF_SEG_COUNTRY:
		if (strlen(value) != 2 || !isalpha((unsigned char)value[0]) || !isalpha((unsigned char)value[1]))
			return fail(err, errsz, expr, "country is a two-letter code (DE, US)");
		break;
	case FF_SEG_GOAL:
		if (!*value)
			return fail(err, errsz, expr, "goal needs the name of a configured goal");
		break;
	default:
		break;
	}
	if (!(t->name = strdup(value)))
		return fail(err, errsz, expr, "out of memory");
	if (t->kind == FF_SEG_COUNTRY)
		for (char *p = t->name; *p; p++)
			*p = (char)toupper((unsigned char)*p);
	return 0;
}

ff_segment *ff_segment_new(const char *const *exprs, size_t n, char *err, size_t errsz)
{
	ff_segment *s = calloc(1, sizeof *s);
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(exprs[i]) + 2;
	if (!s || !(s->terms = calloc(n ? n : 1, sizeof *s->terms)) || !(s->text = malloc(len)) ||
	    !(s->md = pcre2_match_data_create(1, NULL))) {
		snprintf(err, errsz, "out of memory");
		ff_segment_free(s);
		return NULL;
	}
	s->text[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (parse_term(&s->terms[i], exprs[i], err, errsz) != 0) {
			s->n = i + 1;
			ff_segment_free(s);
			return NULL;
		}
		s->n = i + 1;
		if (i)
			strcat(s->text, ", ");
		strcat(s->text, exprs[i]);
	}
	return s;
}

void ff_segment_free(ff_segment *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n && s->terms; i++) {
		pcre2_code_free(s->terms[i].re);
		free(s->terms[i].name);
		ff_vec_free(&s->terms[i].cache);
	}
	free(s->terms);
	free(s->text);
	pcre2_match_data_free(s->md);
	free(s);
}

bool ff_segment_re(ff_segment *seg, const ff_seg_term *t, ff_sv s)
{
	return pcre2_match(t->re, (PCRE2_SPTR)(s.p ? s.p : ""), s.n, 0, 0, seg->md, NULL) >= 0;
}

bool ff_segment_re_cached(ff_segment *seg, ff_seg_term *t, uint32_t id, ff_sv s)
{
	uint8_t *c = ff_vec_at(&t->cache, id, 1);
	if (!c)
		return ff_segment_re(seg, t, s);
	if (!*c)
		*c = ff_segment_re(seg, t, s) ? 2 : 1;
	return *c == 2;
}
