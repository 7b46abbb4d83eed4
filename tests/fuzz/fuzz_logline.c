/* fuzz_logline.c — one log line through a built-in format's parser.
 *
 * The first byte picks combined, common or vhost_combined; the rest is
 * split at the first LF into two lines that go through one compiled format
 * in turn (so the scratch state a format keeps between lines, such as its
 * last time text, is exercised), then the second line again through a
 * freshly compiled format: both must agree. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "logformat.h"

static void check_record(enum ff_parse_result res, const ff_record *rec, const char *line, size_t len)
{
	FUZZ_ASSERT(res >= FF_PARSE_OK && res <= FF_PARSE_BAD_BYTES);
	if (res != FF_PARSE_OK)
		return;
	const ff_sv views[] = { rec->client, rec->ident, rec->user, rec->request, rec->method,
				rec->target, rec->path, rec->query, rec->protocol, rec->referer,
				rec->user_agent, rec->vhost, rec->forwarded };
	for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
		fuzz_check_view(views[i], line, len);
	if (rec->has & FF_HAS(FF_F_STATUS))
		FUZZ_ASSERT(rec->status >= 100 && rec->status <= 599);
	FUZZ_ASSERT(rec->bytes < (UINT64_C(1) << 63));
}

/* Offsets of a view in its line, so records of two copies compare. */
static int same_view(ff_sv a, const char *la, ff_sv b, const char *lb)
{
	if (a.n != b.n)
		return 0;
	if (a.n == 0)
		return 1;
	return a.p - la == b.p - lb;
}

static void check_same(const ff_record *a, const char *la, const ff_record *b, const char *lb)
{
	FUZZ_ASSERT(same_view(a->client, la, b->client, lb));
	FUZZ_ASSERT(same_view(a->request, la, b->request, lb));
	FUZZ_ASSERT(same_view(a->path, la, b->path, lb));
	FUZZ_ASSERT(same_view(a->query, la, b->query, lb));
	FUZZ_ASSERT(same_view(a->user_agent, la, b->user_agent, lb));
	FUZZ_ASSERT(same_view(a->referer, la, b->referer, lb));
	FUZZ_ASSERT(same_view(a->vhost, la, b->vhost, lb));
	FUZZ_ASSERT(a->time.t == b->time.t && a->time.offset == b->time.offset);
	FUZZ_ASSERT(a->status == b->status && a->bytes == b->bytes && a->has == b->has);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const presets[] = { "combined", "common", "vhost_combined" };
	if (size < 1)
		return 0;
	const char *preset = presets[data[0] % 3];
	data++;
	size--;

	/* Exact-size heap copies, so a read past either line's end is caught
	 * by AddressSanitizer. */
	const uint8_t *lf = memchr(data, '\n', size);
	size_t n1 = lf ? (size_t)(lf - data) : size;
	size_t n2 = lf ? size - n1 - 1 : 0;
	char *l1 = malloc(n1 ? n1 : 1);
	char *l2 = malloc(n2 ? n2 : 1);
	char *l2b = malloc(n2 ? n2 : 1);
	char err[256];
	ff_format *fmt = ff_format_compile(preset, err, sizeof err);
	ff_format *fresh = ff_format_compile(preset, err, sizeof err);
	FUZZ_ASSERT(fmt && fresh);
	if (!l1 || !l2 || !l2b)
		goto out;
	memcpy(l1, data, n1);
	if (n2) {
		memcpy(l2, lf + 1, n2);
		memcpy(l2b, lf + 1, n2);
	}

	ff_record r1, r2, r2b;
	enum ff_parse_result res1 = ff_format_parse(fmt, l1, n1, &r1);
	check_record(res1, &r1, l1, n1);
	enum ff_parse_result res2 = ff_format_parse(fmt, l2, n2, &r2);
	check_record(res2, &r2, l2, n2);
	enum ff_parse_result res2b = ff_format_parse(fresh, l2b, n2, &r2b);
	FUZZ_ASSERT(res2 == res2b);
	if (res2 == FF_PARSE_OK)
		check_same(&r2, l2, &r2b, l2b);
	FUZZ_ASSERT(ff_format_limit_hits(fmt) == 0);
out:
	ff_format_free(fmt);
	ff_format_free(fresh);
	free(l1);
	free(l2);
	free(l2b);
	return 0;
}
