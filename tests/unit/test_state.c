/* test_state.c — the state file (state.h): values encoded in a fixed byte
 * order, the summary and the fingerprint read back exactly, and every
 * damaged, truncated, foreign or newer file refused with its own message.
 * With FF_STATE_SEEDS=DIR it also writes the fuzz seeds there. */
#include "check.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "state.h"

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool bytes_are(const ff_sbuf *b, const char *hex)
{
	char got[256] = "";
	for (size_t i = 0; i < b->n && 2 * i + 3 < sizeof got; i++)
		snprintf(got + 2 * i, 3, "%02x", b->p[i]);
	if (strcmp(got, hex) != 0)
		fprintf(stderr, "bytes %s, want %s\n", got, hex);
	return strcmp(got, hex) == 0;
}

static void test_values(void)
{
	/* The encodings are spelled out byte by byte: a host-order write
	 * would fail here on one of the two byte orders. */
	ff_sbuf b = {0};
	ff_sbuf_uv(&b, 300);
	CHECK(bytes_are(&b, "ac02"));
	b.n = 0;
	ff_sbuf_sv(&b, -1);
	ff_sbuf_sv(&b, 1);
	ff_sbuf_sv(&b, -64);
	CHECK(bytes_are(&b, "01027f"));
	b.n = 0;
	ff_sbuf_u32be(&b, 0x01020304);
	ff_sbuf_f64(&b, 1.0);
	CHECK(bytes_are(&b, "010203043ff0000000000000"));
	b.n = 0;
	ff_sbuf_uv(&b, UINT64_MAX);
	CHECK(bytes_are(&b, "ffffffffffffffffff01"));

	uint64_t us[] = {0, 1, 127, 128, 16383, 16384, UINT32_MAX, UINT64_MAX - 1, UINT64_MAX};
	int64_t ss[] = {0, -1, 1, INT64_MIN, INT64_MAX, -1800, 86399, INT32_MIN};
	double ds[] = {0.0, -0.0, 1.5, -1e300, INFINITY, 5e-324};
	b.n = 0;
	for (size_t i = 0; i < sizeof us / sizeof *us; i++)
		ff_sbuf_uv(&b, us[i]);
	for (size_t i = 0; i < sizeof ss / sizeof *ss; i++)
		ff_sbuf_sv(&b, ss[i]);
	for (size_t i = 0; i < sizeof ds / sizeof *ds; i++)
		ff_sbuf_f64(&b, ds[i]);
	ff_sbuf_f64(&b, NAN);
	ff_sbuf_str(&b, "abc", 3);
	CHECK(!b.oom);
	ff_scur c = {b.p, b.n, false};
	for (size_t i = 0; i < sizeof us / sizeof *us; i++) {
		uint64_t v;
		CHECK(ff_scur_uv(&c, &v) && v == us[i]);
	}
	for (size_t i = 0; i < sizeof ss / sizeof *ss; i++) {
		int64_t v;
		CHECK(ff_scur_sv(&c, &v) && v == ss[i]);
	}
	for (size_t i = 0; i < sizeof ds / sizeof *ds; i++) {
		double v;
		CHECK(ff_scur_f64(&c, &v) && memcmp(&v, &ds[i], sizeof v) == 0);
	}
	double nan;
	CHECK(ff_scur_f64(&c, &nan) && isnan(nan));
	const unsigned char *sp;
	size_t sn;
	CHECK(ff_scur_str(&c, &sp, &sn) && sn == 3 && memcmp(sp, "abc", 3) == 0);
	CHECK(c.n == 0 && !c.bad);
	uint64_t v;
	CHECK(!ff_scur_uv(&c, &v) && c.bad && v == 0);
	ff_sbuf_free(&b);

	/* Malformed varints: overlong, past 64 bits, cut short. */
	static const unsigned char overlong[] = {0x80, 0x00};
	static const unsigned char wide[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
	static const unsigned char cut[] = {0x80, 0x80};
	ff_scur c1 = {overlong, sizeof overlong, false};
	ff_scur c2 = {wide, sizeof wide, false};
	ff_scur c3 = {cut, sizeof cut, false};
	CHECK(!ff_scur_uv(&c1, &v));
	CHECK(!ff_scur_uv(&c2, &v));
	CHECK(!ff_scur_uv(&c3, &v));
	/* A count is bounded by the bytes left and by its cap. */
	static const unsigned char count5[] = {4, 1, 2, 3, 4};
	static const unsigned char huge[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
	size_t k;
	ff_scur c4 = {count5, sizeof count5, false};
	CHECK(ff_scur_count(&c4, 1, 100, &k) && k == 4);
	ff_scur c5 = {count5, sizeof count5, false};
	CHECK(!ff_scur_count(&c5, 2, 100, &k) && k == 0);
	ff_scur c6 = {huge, sizeof huge, false};
	CHECK(!ff_scur_count(&c6, 0, 1000, &k));
	/* A string longer than what is left. */
	static const unsigned char longstr[] = {10, 'a', 'b'};
	ff_scur c7 = {longstr, sizeof longstr, false};
	CHECK(!ff_scur_str(&c7, &sp, &sn) && sp == NULL);
}

static void sample_summary(ff_summary *s)
{
	ff_summary_init(s, 300);
	s->lines = 1000;
	s->valid = 990;
	s->invalid = 10;
	s->late = 3;
	s->hits = 900;
	s->bytes = UINT64_MAX;
	s->status[200] = 850;
	s->status[304] = 40;
	s->status[0] = 1;
	s->status[599] = 9;
	s->has_time = true;
	s->first = (ff_time){-86400 * 365, -36000, 0};
	s->last = (ff_time){1700000000, 3600, 999999};
	s->has_read = true;
	s->newest_read = (ff_time){1700000100, 19800, 5};
	s->oldest_read = (ff_time){-86400 * 366, -43200, 0};
}

static bool same_time(ff_time a, ff_time b)
{
	return a.t == b.t && a.offset == b.offset && a.usec == b.usec;
}

static bool same_summary(const ff_summary *a, const ff_summary *b)
{
	return a->lines == b->lines && a->valid == b->valid && a->invalid == b->invalid &&
	       a->late == b->late && a->hits == b->hits && a->bytes == b->bytes &&
	       memcmp(a->status, b->status, sizeof a->status) == 0 && a->has_time == b->has_time &&
	       same_time(a->first, b->first) && same_time(a->last, b->last) &&
	       a->has_read == b->has_read && same_time(a->newest_read, b->newest_read) &&
	       same_time(a->oldest_read, b->oldest_read) && a->reorder_window == b->reorder_window;
}

static void load_config(ff_config *cfg, const char *text)
{
	char err[256];
	ff_config_init(cfg);
	int rc = ff_config_load_text(cfg, "footfall.yaml", text, strlen(text), err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "config: %s\n", err);
	CHECK_INT(rc, 0);
}

static const char config_text[] =
	"site:\n  hosts: [www.example.com, example.com]\n"
	"visits:\n  timeout: 1800\n"
	"goals:\n  - name: signup\n    path: /signup/done\n";

/* A state with a fingerprint and a summary; the caller frees out. */
static void make_state(ff_sbuf *out, const ff_fingerprint *fp, const ff_summary *s)
{
	ff_sbuf a = {0}, b = {0};
	ff_fingerprint_encode(fp, &a);
	ff_summary_encode(s, &b);
	ff_state_begin(out);
	ff_state_section(out, FF_STATE_FINGERPRINT, &a);
	ff_state_section(out, FF_STATE_SUMMARY, &b);
	CHECK_INT(ff_state_finish(out), 0);
	ff_sbuf_free(&a);
	ff_sbuf_free(&b);
}

static void write_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		CHECK(fwrite(p, 1, n, f) == n);
		fclose(f);
	}
}

static void test_state(void)
{
	ff_config cfg;
	load_config(&cfg, config_text);
	ff_options o;
	memset(&o, 0, sizeof o);
	o.timeout_set = true;
	o.timeout = 900;
	o.includes[o.n_includes++] = "path=^/shop";
	ff_fingerprint fp = {0};
	CHECK_INT(ff_fingerprint_build(&fp, &o, &cfg, ff_state_digest("rules", 5)), 0);
	ff_summary s;
	sample_summary(&s);

	ff_sbuf st;
	make_state(&st, &fp, &s);

	/* Through a file, written like -o. */
	char dir[] = "/tmp/footfall-test-state.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char path[512];
	snprintf(path, sizeof path, "%s/day.state", dir);
	CHECK_INT(ff_state_save(path, st.p, st.n, stderr), 0);
	unsigned char *data;
	size_t n;
	char msg[256] = "";
	CHECK_INT(ff_state_load(path, &data, &n, msg, sizeof msg), 0);
	CHECK(n == st.n && memcmp(data, st.p, n) == 0);
	CHECK(memcmp(data, "footfall-state\n\0\0\0\0\1", 20) == 0);

	ff_state_view v;
	CHECK_INT(ff_state_parse(data, n, &v, msg, sizeof msg), 0);
	CHECK_INT(v.version, 1);
	CHECK(v.has[FF_STATE_FINGERPRINT] && v.has[FF_STATE_SUMMARY] && v.has[FF_STATE_END]);
	ff_summary back;
	memset(&back, 0xa5, sizeof back);
	CHECK_INT(ff_summary_decode(v.section[FF_STATE_SUMMARY], v.section_len[FF_STATE_SUMMARY],
				    &back), 0);
	CHECK(same_summary(&s, &back));
	ff_fingerprint fp2;
	CHECK_INT(ff_fingerprint_decode(v.section[FF_STATE_FINGERPRINT],
					v.section_len[FF_STATE_FINGERPRINT], &fp2), 0);
	CHECK_INT(ff_fingerprint_compare(&fp, &fp2, msg, sizeof msg), 0);
	CHECK_INT(fp2.count, fp.count);
	/* What the fingerprint holds: options over the configuration. */
	bool saw_timeout = false, saw_goals = false, saw_hosts = false, saw_include = false;
	for (size_t i = 0; i < fp2.count; i++) {
		if (strcmp(fp2.names[i], "visits.timeout") == 0)
			saw_timeout = strcmp(fp2.values[i], "900") == 0;
		if (strcmp(fp2.names[i], "goals") == 0)
			saw_goals = strcmp(fp2.values[i],
					   "[{name: signup, path: /signup/done}]") == 0;
		if (strcmp(fp2.names[i], "site.hosts") == 0)
			saw_hosts = strcmp(fp2.values[i], "www.example.com,example.com") == 0;
		if (strcmp(fp2.names[i], "--include") == 0)
			saw_include = strcmp(fp2.values[i], "path=^/shop") == 0;
	}
	CHECK(saw_timeout && saw_goals && saw_hosts && saw_include);
	ff_fingerprint_free(&fp2);

	/* An empty summary round-trips too (no times). */
	ff_summary empty, empty_back;
	ff_summary_init(&empty, 0);
	ff_sbuf eb = {0};
	ff_summary_encode(&empty, &eb);
	CHECK_INT(ff_summary_decode(eb.p, eb.n, &empty_back), 0);
	CHECK(same_summary(&empty, &empty_back));
	ff_sbuf_free(&eb);

	/* Every cut at a sixteenth of the length is a truncated file. */
	for (unsigned k = 1; k < 16; k++) {
		size_t cut = n * k / 16;
		msg[0] = 0;
		CHECK_INT(ff_state_parse(data, cut, &v, msg, sizeof msg), -1);
		CHECK_STR(msg, "truncated state file");
	}
	/* And every cut at all, down to one byte. */
	unsigned bad_cuts = 0;
	for (size_t cut = 1; cut < n; cut++)
		if (ff_state_parse(data, cut, &v, msg, sizeof msg) != -1 ||
		    strcmp(msg, "truncated state file") != 0)
			bad_cuts++;
	CHECK_INT(bad_cuts, 0);
	CHECK_INT(ff_state_parse(data, 0, &v, msg, sizeof msg), -1);
	CHECK_STR(msg, "not a footfall state file");

	/* One flipped byte anywhere is refused, naming where. */
	unsigned accepted = 0, unnamed = 0;
	for (size_t i = 0; i < n; i++) {
		for (unsigned x = 1; x < 256; x <<= 3) {
			data[i] ^= (unsigned char)x;
			int rc = ff_state_parse(data, n, &v, msg, sizeof msg);
			data[i] ^= (unsigned char)x;
			if (rc == 0)
				accepted++;
			else if (i < FF_STATE_MAGIC_LEN ? strcmp(msg, "not a footfall state file") != 0
							: !starts(msg, "corrupt state file (checksum mismatch in "))
				unnamed++, fprintf(stderr, "byte %zu: %s\n", i, msg);
		}
	}
	CHECK_INT(accepted, 0);
	CHECK_INT(unnamed, 0);
	/* A byte of the summary's payload: the message names the section. */
	CHECK_INT(ff_state_parse(data, n, &v, msg, sizeof msg), 0);
	size_t at = (size_t)(v.section[FF_STATE_SUMMARY] - data) + 3;
	data[at] ^= 0x40;
	CHECK_INT(ff_state_parse(data, n, &v, msg, sizeof msg), -1);
	CHECK_STR(msg, "corrupt state file (checksum mismatch in section summary)");
	data[at] ^= 0x40;
	/* A byte of the end section's checksum of the whole file. */
	data[n - 5] ^= 1;
	CHECK_INT(ff_state_parse(data, n, &v, msg, sizeof msg), -1);
	CHECK_STR(msg, "corrupt state file (checksum mismatch in section end)");
	data[n - 5] ^= 1;
	/* Bytes after the end. */
	unsigned char *longer = malloc(n + 1);
	memcpy(longer, data, n);
	longer[n] = '\n';
	CHECK_INT(ff_state_parse(longer, n + 1, &v, msg, sizeof msg), -1);
	CHECK(starts(msg, "corrupt state file"));
	free(longer);

	/* A newer version: its header checks out, its version is too high. */
	unsigned char *newer = malloc(n);
	memcpy(newer, data, n);
	newer[19] = 2;
	ff_sbuf hb = {0};
	ff_sbuf_u32be(&hb, (uint32_t)crc32(0, newer, 28));
	memcpy(newer + 28, hb.p, 4);
	ff_sbuf_free(&hb);
	CHECK_INT(ff_state_parse(newer, n, &v, msg, sizeof msg), -1);
	CHECK_STR(msg, "state file version 2 is newer than this footfall reads (1)");
	/* ... and only the first 32 bytes are read to say so. */
	CHECK_INT(ff_state_parse(newer, FF_STATE_HEADER_LEN, &v, msg, sizeof msg), -1);
	CHECK_STR(msg, "state file version 2 is newer than this footfall reads (1)");
	free(newer);

	/* Other programs' files. */
	static const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
	static const char text[] = "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 2326\n";
	CHECK_INT(ff_state_parse(gz, sizeof gz, &v, msg, sizeof msg), -1);
	CHECK_STR(msg, "not a footfall state file");
	CHECK_INT(ff_state_parse(png, sizeof png, &v, msg, sizeof msg), -1);
	CHECK_STR(msg, "not a footfall state file");
	CHECK_INT(ff_state_parse(text, strlen(text), &v, msg, sizeof msg), -1);
	CHECK_STR(msg, "not a footfall state file");
	CHECK_INT(ff_state_parse("footfall", 8, &v, msg, sizeof msg), -1);
	CHECK_STR(msg, "truncated state file");
	CHECK_INT(ff_state_parse("footfall-statf\n", 16, &v, msg, sizeof msg), -1);
	CHECK_STR(msg, "not a footfall state file");

	/* A missing file names itself. */
	free(data);
	char missing[600];
	snprintf(missing, sizeof missing, "%s/none.state", dir);
	CHECK_INT(ff_state_load(missing, &data, &n, msg, sizeof msg), -1);
	CHECK(data == NULL);
	CHECK(strstr(msg, "none.state: No such file or directory") != NULL);

	const char *seeds = getenv("FF_STATE_SEEDS");
	if (seeds) {
		write_file(seeds, "seed-state", st.p, st.n);
		ff_summary_init(&empty, 300);
		ff_fingerprint none = {0};
		ff_sbuf small;
		make_state(&small, &none, &empty);
		write_file(seeds, "seed-empty", small.p, small.n);
		write_file(seeds, "seed-cut", small.p, small.n / 2);
		ff_sbuf_free(&small);
	}

	unlink(path);
	rmdir(dir);
	ff_sbuf_free(&st);
	ff_fingerprint_free(&fp);
	ff_config_free(&cfg);
}

static void test_fingerprint(void)
{
	ff_config cfg;
	load_config(&cfg, config_text);
	ff_options o;
	memset(&o, 0, sizeof o);
	ff_fingerprint a = {0}, b = {0};
	char msg[256] = "";
	CHECK_INT(ff_fingerprint_build(&a, &o, &cfg, 7), 0);
	CHECK_INT(ff_fingerprint_build(&b, &o, &cfg, 7), 0);
	CHECK_INT(ff_fingerprint_compare(&a, &b, msg, sizeof msg), 0);
	ff_fingerprint_free(&b);

	/* One option apart: that option is named, with both values. */
	o.timeout_set = true;
	o.timeout = 900;
	CHECK_INT(ff_fingerprint_build(&b, &o, &cfg, 7), 0);
	CHECK_INT(ff_fingerprint_compare(&a, &b, msg, sizeof msg), 1);
	CHECK_STR(msg, "states differ in visits.timeout: 1800 and 900");
	ff_fingerprint_free(&b);
	o.timeout_set = false;

	o.tz = "Europe/Paris";
	CHECK_INT(ff_fingerprint_build(&b, &o, &cfg, 7), 0);
	CHECK_INT(ff_fingerprint_compare(&a, &b, msg, sizeof msg), 1);
	CHECK_STR(msg, "states differ in report.tz: (none) and Europe/Paris");
	ff_fingerprint_free(&b);
	o.tz = NULL;

	CHECK_INT(ff_fingerprint_build(&b, &o, &cfg, 8), 0);
	CHECK_INT(ff_fingerprint_compare(&a, &b, msg, sizeof msg), 1);
	CHECK_STR(msg, "states differ in ua.regexes: 0000000000000007 and 0000000000000008");
	ff_fingerprint_free(&b);

	/* A configuration apart in its goals. */
	ff_config other;
	load_config(&other, "site:\n  hosts: [www.example.com, example.com]\n"
			    "goals:\n  - name: signup\n    path: /signup/ok\n");
	CHECK_INT(ff_fingerprint_build(&b, &o, &other, 7), 0);
	CHECK_INT(ff_fingerprint_compare(&a, &b, msg, sizeof msg), 1);
	CHECK_STR(msg, "states differ in goals: [{name: signup, path: /signup/done}] and "
		       "[{name: signup, path: /signup/ok}]");
	ff_fingerprint_free(&b);
	ff_config_free(&other);

	/* An entry one side lacks (an older writer) is named itself. */
	CHECK_INT(ff_fingerprint_add(&b, "visits.timeout", "1800"), 0);
	CHECK_INT(ff_fingerprint_compare(&b, &a, msg, sizeof msg), 1);
	CHECK_STR(msg, "states differ in log.client: (absent) and address");
	ff_fingerprint_free(&b);
	ff_fingerprint_free(&a);
	ff_config_free(&cfg);

	/* Malformed payloads: a NUL in a name, a count past the bytes. */
	static const unsigned char nul[] = {1, 2, 'a', 0, 0};
	static const unsigned char many[] = {100, 1, 'a', 0};
	static const unsigned char extra[] = {1, 1, 'a', 0, 9};
	CHECK_INT(ff_fingerprint_decode(nul, sizeof nul, &a), -1);
	CHECK_INT(ff_fingerprint_decode(many, sizeof many, &a), -1);
	CHECK_INT(ff_fingerprint_decode(extra, sizeof extra, &a), -1);
	/* A name twice: which value counts would be ambiguous. */
	static const unsigned char twice[] = {2, 1, 'a', 1, 'x', 1, 'a', 1, 'y'};
	CHECK_INT(ff_fingerprint_decode(twice, sizeof twice, &a), -1);
	CHECK_INT(ff_fingerprint_decode(twice, 5, &a), -1);
	static const unsigned char once[] = {2, 1, 'a', 1, 'x', 1, 'b', 1, 'y'};
	CHECK_INT(ff_fingerprint_decode(once, sizeof once, &a), 0);
	CHECK(a.count == 2 && strcmp(a.values[1], "y") == 0);
	ff_fingerprint_free(&a);
	CHECK(a.count == 0 && a.names == NULL);
}

static void test_summary_refusals(void)
{
	ff_summary s, back;
	sample_summary(&s);
	ff_sbuf b = {0};
	/* Counts that contradict each other. */
	s.lines = 5;
	ff_summary_encode(&s, &b);
	CHECK_INT(ff_summary_decode(b.p, b.n, &back), -1);
	/* Every strict prefix of a good payload is refused. */
	sample_summary(&s);
	b.n = 0;
	ff_summary_encode(&s, &b);
	unsigned accepted = 0;
	for (size_t cut = 0; cut < b.n; cut++)
		accepted += ff_summary_decode(b.p, cut, &back) == 0;
	CHECK_INT(accepted, 0);
	CHECK_INT(ff_summary_decode(b.p, b.n, &back), 0);
	ff_sbuf_free(&b);
}

/* Two days' summaries through their states, merged, equal the two merged
 * in memory: what a state holds is all that merging needs. */
static void test_summary_merge(void)
{
	ff_summary a, b, direct, ra, rb;
	sample_summary(&a);
	ff_summary_init(&b, 300);
	b.lines = b.valid = b.hits = 2;
	b.bytes = 10;
	b.status[404] = 2;
	b.has_time = b.has_read = true;
	b.first = b.oldest_read = (ff_time){1700003600, 0, 0};
	b.last = b.newest_read = (ff_time){1800000000, -3600, 1};
	direct = a;
	ff_summary_merge(&direct, &b);
	ff_sbuf ea = {0}, eb = {0};
	ff_summary_encode(&a, &ea);
	ff_summary_encode(&b, &eb);
	CHECK_INT(ff_summary_decode(ea.p, ea.n, &ra), 0);
	CHECK_INT(ff_summary_decode(eb.p, eb.n, &rb), 0);
	ff_summary_merge(&ra, &rb);
	CHECK(same_summary(&ra, &direct));
	CHECK(ra.status[404] == 2 && ra.bytes == UINT64_MAX && ra.last.t == 1800000000);
	ff_sbuf_free(&ea);
	ff_sbuf_free(&eb);
}

int main(void)
{
	test_values();
	test_state();
	test_fingerprint();
	test_summary_refusals();
	test_summary_merge();
	return CHECK_DONE("test_state");
}
