/* fuzz_state.c — the state file reader (state.h) over any bytes.
 *
 * A refusal is one of the documented messages.  Whatever is accepted
 * decodes to sections that, written again, give the same payload bytes
 * (every value has one encoding), and a state rebuilt from them parses
 * again.  The input is also tried with its header and checksums repaired,
 * so that the section decoders see more than checksum failures. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "analysis.h"
#include "config.h"
#include "fuzz.h"
#include "state.h"
#include "useragent.h"

/* The configuration the seeds' states were made with (site, goal,
 * funnel, experiment, pixel), so that the readers get past the
 * fingerprint-free parts to every table. */
static const char config_text[] =
	"site:\n"
	"  hosts: [www.example.com]\n"
	"goals:\n"
	"  - name: purchase\n"
	"    path: '^/order/complete$'\n"
	"funnels:\n"
	"  - name: checkout\n"
	"    steps: ['^/products/', '^/cart$', '^/order/complete$']\n"
	"experiments:\n"
	"  - name: spring\n"
	"    param: variant\n"
	"    goal: purchase\n"
	"pixels:\n"
	"  - path: /px.gif\n"
	"    campaign: c\n";

/* An analysis as footfall merge makes it; segment: with a segment, whose
 * open visits hold their pageviews. */
static ff_analysis *new_analysis(ff_config *cfg, ff_ua *ua, bool segment)
{
	static const char *const seg[] = { "pageviews>=1" };
	ff_analysis_options o = {
		.timeout = 1800, .reorder_window = 300, .site_hosts = &cfg->site_hosts, .seed = 7,
		.segments = segment ? seg : NULL, .n_segments = segment ? 1 : 0,
	};
	char err[256];
	ff_analysis *a = ff_analysis_new(&o, ua, cfg, err, sizeof err);
	FUZZ_ASSERT(a);
	return a;
}

/* The analysis sections through every reader: added (footfall merge),
 * settled, written again and reported; continued (--state-in) and run to
 * its end.  Refusals are fine; crashes, leaks and a state accepted that
 * cannot be written again are not. */
static void check_analysis(const ff_state_view *v)
{
	if (!v->has[FF_STATE_TABLES] || !v->has[FF_STATE_VISITORS] || !v->has[FF_STATE_MARKETING] ||
	    !v->has[FF_STATE_OPEN])
		return;
	ff_config cfg;
	char err[256];
	ff_config_init(&cfg);
	FUZZ_ASSERT(ff_config_load_text(&cfg, "fuzz.yaml", config_text, sizeof config_text - 1, err, sizeof err) == 0);
	ff_ua *ua = ff_ua_empty();
	FUZZ_ASSERT(ua);
	for (int segment = 0; segment < 2; segment++) {
		ff_analysis *a = new_analysis(&cfg, ua, segment);
		char msg[512];
		if (ff_analysis_absorb(a, v, msg, sizeof msg) == 0 && ff_analysis_settle(a, msg, sizeof msg) == 0) {
			ff_sbuf out[4] = { { 0 } };
			FUZZ_ASSERT(ff_analysis_drain(a) == 0);
			FUZZ_ASSERT(ff_analysis_save(a, out) == 0);
			for (int i = 0; i < 4; i++)
				ff_sbuf_free(&out[i]);
			if (ff_analysis_finish(a) == 0) {
				ff_summary sum;
				ff_summary_init(&sum, 300);
				ff_report rep = { 0 };
				ff_report_options ro = { .top = 0, .machine = true };
				(void)ff_analysis_report(a, &sum, "combined", &ro, &rep);
				ff_report_free(&rep);
			}
		}
		ff_analysis_free(a);
		a = new_analysis(&cfg, ua, segment);
		if (ff_analysis_continue(a, v, 0, 0, msg, sizeof msg) == 0)
			(void)ff_analysis_finish(a);
		ff_analysis_free(a);
	}
	ff_ua_free(ua);
	ff_config_free(&cfg);
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void check_sections(const ff_state_view *v)
{
	ff_summary s;
	if (v->has[FF_STATE_SUMMARY] &&
	    ff_summary_decode(v->section[FF_STATE_SUMMARY], v->section_len[FF_STATE_SUMMARY],
			      &s) == 0) {
		FUZZ_ASSERT(s.lines == s.valid + s.invalid);
		ff_sbuf b = {0};
		ff_summary_encode(&s, &b);
		FUZZ_ASSERT(!b.oom);
		FUZZ_ASSERT(b.n == v->section_len[FF_STATE_SUMMARY]);
		FUZZ_ASSERT(memcmp(b.p, v->section[FF_STATE_SUMMARY], b.n) == 0);
		ff_sbuf_free(&b);
	}
	ff_fingerprint fp;
	if (v->has[FF_STATE_FINGERPRINT] &&
	    ff_fingerprint_decode(v->section[FF_STATE_FINGERPRINT],
				  v->section_len[FF_STATE_FINGERPRINT], &fp) == 0) {
		ff_sbuf b = {0};
		ff_fingerprint_encode(&fp, &b);
		FUZZ_ASSERT(b.n == v->section_len[FF_STATE_FINGERPRINT]);
		FUZZ_ASSERT(b.n == 0 || memcmp(b.p, v->section[FF_STATE_FINGERPRINT], b.n) == 0);
		char msg[256];
		FUZZ_ASSERT(ff_fingerprint_compare(&fp, &fp, msg, sizeof msg) == 0);
		ff_sbuf_free(&b);
		ff_fingerprint_free(&fp);
	}
	/* The sections written into a new state parse back the same. */
	ff_sbuf st;
	ff_state_begin(&st);
	for (uint32_t t = 1; t < FF_STATE_TAG_COUNT; t++)
		if (v->has[t]) {
			ff_state_section_bytes(&st, t, v->section[t], v->section_len[t]);
		}
	FUZZ_ASSERT(ff_state_finish(&st) == 0);
	ff_state_view w;
	char msg[256];
	FUZZ_ASSERT(ff_state_parse(st.p, st.n, &w, msg, sizeof msg) == 0);
	for (uint32_t t = 1; t < FF_STATE_TAG_COUNT; t++) {
		FUZZ_ASSERT(w.has[t] == v->has[t]);
		FUZZ_ASSERT(w.section_len[t] == v->section_len[t]);
		FUZZ_ASSERT(!w.has[t] || w.section_len[t] == 0 ||
			    memcmp(w.section[t], v->section[t], w.section_len[t]) == 0);
	}
	ff_sbuf_free(&st);
}

static void parse(const unsigned char *p, size_t n)
{
	ff_state_view v;
	char msg[256] = "";
	if (ff_state_parse(p, n, &v, msg, sizeof msg) != 0) {
		FUZZ_ASSERT(strcmp(msg, "not a footfall state file") == 0 ||
			    strcmp(msg, "truncated state file") == 0 ||
			    starts(msg, "corrupt state file (") ||
			    (starts(msg, "state file version ") &&
			     strstr(msg, " is newer than this footfall reads (1)")));
		return;
	}
	FUZZ_ASSERT(v.has[FF_STATE_END]);
	check_sections(&v);
	check_analysis(&v);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* The input rewritten with correct lengths and checksums.  A state file
 * keeps its sections (a length past the end is cut); other bytes are read
 * as (tag byte, 4-byte length, payload) runs. */
static void repaired(const uint8_t *data, size_t size)
{
	ff_sbuf st;
	ff_state_begin(&st);
	if (size >= FF_STATE_HEADER_LEN && memcmp(data, FF_STATE_MAGIC, FF_STATE_MAGIC_LEN) == 0) {
		size_t at = FF_STATE_HEADER_LEN;
		while (size - at >= FF_STATE_SECTION_HEAD_LEN) {
			uint32_t tag = get32(data + at);
			uint64_t len = get64(data + at + 4);
			at += FF_STATE_SECTION_HEAD_LEN;
			if (len > size - at)
				len = size - at;
			if (tag != FF_STATE_END) {
				ff_state_section_bytes(&st, tag, data + at, (size_t)len);
			}
			at += (size_t)len;
			at += size - at < 4 ? size - at : 4;
		}
	} else {
		size_t at = 0;
		while (size - at >= 5) {
			uint32_t tag = data[at] % FF_STATE_TAG_COUNT;
			size_t len = get32(data + at + 1) % 512;
			at += 5;
			if (len > size - at)
				len = size - at;
			if (tag != FF_STATE_END) {
				ff_state_section_bytes(&st, tag, data + at, len);
			}
			at += len;
		}
	}
	if (ff_state_finish(&st) == 0) {
		parse(st.p, st.n);
		/* And the same file claiming a newer version. */
		put32(st.p + 16, FF_STATE_VERSION + 1 + (data[0] & 1));
		put32(st.p + 28, (uint32_t)crc32(0, st.p, 28));
		ff_state_view v;
		char msg[256];
		FUZZ_ASSERT(ff_state_parse(st.p, st.n, &v, msg, sizeof msg) != 0);
		FUZZ_ASSERT(starts(msg, "state file version "));
	}
	ff_sbuf_free(&st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: a read past the end is caught. */
	unsigned char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	parse(copy, size);
	free(copy);
	repaired(data, size);
	return 0;
}
