/* fuzz_jsonline.c — JSON log lines through the json format's parser.
 *
 * The first byte picks the built-in key names or a mapping of nested and
 * array paths; the rest is split at the first LF into two lines parsed in
 * turn with one format (its decoding buffer reused), then the second again
 * with a fresh format: both must agree byte for byte.  Every view lies in
 * its line or in the format's buffer, and a line the parser takes is one
 * the scanner alone takes too. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json_line.h"
#include "logformat.h"
#include "logformat_ops.h"

static void check_view(ff_sv v, const char *line, size_t len, const ff_format *fmt)
{
	if (v.n == 0)
		return;
	if (fmt->scratch && v.p >= fmt->scratch && v.p < fmt->scratch + fmt->scratch_cap) {
		FUZZ_ASSERT(v.n <= (size_t)(fmt->scratch + fmt->scratch_cap - v.p));
		FUZZ_ASSERT(v.n <= len);
		return;
	}
	fuzz_check_view(v, line, len);
}

#define NVIEWS 11

static void views_of(const ff_record *rec, ff_sv *v)
{
	const ff_sv all[NVIEWS] = { rec->client, rec->request, rec->method, rec->target, rec->path, rec->query,
				    rec->protocol, rec->referer, rec->user_agent, rec->vhost, rec->forwarded };
	memcpy(v, all, sizeof all);
}

static void check_record(enum ff_parse_result res, const ff_record *rec, const char *line, size_t len,
			 const ff_format *fmt)
{
	FUZZ_ASSERT(res >= FF_PARSE_OK && res <= FF_PARSE_BAD_BYTES);
	FUZZ_ASSERT(res != FF_PARSE_TRAILING);
	if (res == FF_PARSE_INVALID)
		return;
	FUZZ_ASSERT(ff_json_line_scan(NULL, line, len, NULL, 0));
	if (res != FF_PARSE_OK)
		return;
	ff_sv v[NVIEWS];
	views_of(rec, v);
	for (size_t i = 0; i < NVIEWS; i++)
		check_view(v[i], line, len, fmt);
	FUZZ_ASSERT(rec->has & FF_HAS(FF_F_TIME));
	FUZZ_ASSERT(rec->status >= 100 && rec->status <= 599);
	FUZZ_ASSERT(rec->bytes < (UINT64_C(1) << 63));
}

/* Copies a record's views out, since the next parse reuses the buffer. */
static size_t flatten(const ff_record *rec, char *out)
{
	ff_sv v[NVIEWS];
	views_of(rec, v);
	size_t o = 0;
	for (size_t i = 0; i < NVIEWS; i++) {
		memcpy(out + o, &v[i].n, sizeof v[i].n);
		o += sizeof v[i].n;
		if (v[i].n)
			memcpy(out + o, v[i].p, v[i].n);
		o += v[i].n;
	}
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const specs[] = {
		"json",
		"json:client=a.b[0],time=t,request=r,status=s,bytes=n[1][0],user_agent=h.User-Agent[0],duration=d",
	};
	if (size < 1)
		return 0;
	const char *spec = specs[data[0] % 2];
	data++;
	size--;
	const uint8_t *lf = memchr(data, '\n', size);
	size_t n1 = lf ? (size_t)(lf - data) : size;
	size_t n2 = lf ? size - n1 - 1 : 0;
	char *l1 = malloc(n1 ? n1 : 1), *l2 = malloc(n2 ? n2 : 1);
	size_t cap = 4 * (n2 + 1) + NVIEWS * sizeof(size_t);
	char *flat2 = malloc(cap), *flat2b = malloc(cap);
	char err[256];
	ff_format *fmt = ff_format_compile(spec, err, sizeof err);
	ff_format *fresh = ff_format_compile(spec, err, sizeof err);
	FUZZ_ASSERT(fmt && fresh);
	if (!l1 || !l2 || !flat2 || !flat2b)
		goto out;
	memcpy(l1, data, n1);
	if (n2)
		memcpy(l2, lf + 1, n2);

	ff_record r1, r2, r2b;
	enum ff_parse_result res1 = ff_format_parse(fmt, l1, n1, &r1);
	check_record(res1, &r1, l1, n1, fmt);
	enum ff_parse_result res2 = ff_format_parse(fmt, l2, n2, &r2);
	check_record(res2, &r2, l2, n2, fmt);
	size_t f2 = res2 == FF_PARSE_OK ? flatten(&r2, flat2) : 0;
	enum ff_parse_result res2b = ff_format_parse(fresh, l2, n2, &r2b);
	FUZZ_ASSERT(res2 == res2b);
	if (res2 == FF_PARSE_OK) {
		FUZZ_ASSERT(flatten(&r2b, flat2b) == f2 && memcmp(flat2, flat2b, f2) == 0);
		FUZZ_ASSERT(r2.time.t == r2b.time.t && r2.time.offset == r2b.time.offset);
		FUZZ_ASSERT(r2.status == r2b.status && r2.bytes == r2b.bytes && r2.has == r2b.has);
		FUZZ_ASSERT(r2.duration_us == r2b.duration_us);
	}
out:
	ff_format_free(fmt);
	ff_format_free(fresh);
	free(l1);
	free(l2);
	free(flat2);
	free(flat2b);
	return 0;
}
