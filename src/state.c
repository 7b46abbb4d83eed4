/* state.c — the state file's container, its options fingerprint and its
 * summary section (state.h, doc/state.md).  Everything read from a file is
 * bounded against the bytes that remain before it is used. */
#include "state.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "output.h"

static const char *const tag_names[FF_STATE_TAG_COUNT] = {
	[FF_STATE_END] = "end",
	[FF_STATE_FINGERPRINT] = "fingerprint",
	[FF_STATE_SUMMARY] = "summary",
	[FF_STATE_RUN] = "run",
	[FF_STATE_TABLES] = "tables",
	[FF_STATE_VISITORS] = "visitors",
	[FF_STATE_MARKETING] = "marketing",
	[FF_STATE_OPEN] = "open visits",
};

const char *ff_state_tag_name(uint32_t tag)
{
	return tag < FF_STATE_TAG_COUNT ? tag_names[tag] : NULL;
}

static uint32_t crc(uint32_t prev, const unsigned char *p, size_t n)
{
	/* zlib's crc32 takes a uInt length: feed it in slices. */
	uLong c = prev;
	while (n > 0) {
		uInt k = n > 0x40000000u ? 0x40000000u : (uInt)n;
		c = crc32(c, p, k);
		p += k;
		n -= k;
	}
	return (uint32_t)c;
}

/* ---- writing ---- */

void ff_sbuf_free(ff_sbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

static bool reserve(ff_sbuf *b, size_t more)
{
	if (b->oom)
		return false;
	if (more <= b->cap - b->n)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->n < more) {
		if (cap > SIZE_MAX / 2) {
			b->oom = true;
			return false;
		}
		cap *= 2;
	}
	unsigned char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void ff_sbuf_raw(ff_sbuf *b, const void *p, size_t n)
{
	if (n == 0 || !reserve(b, n))
		return;
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void put_be(unsigned char *out, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--) {
		out[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static uint64_t get_be(const unsigned char *in, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v = v << 8 | in[i];
	return v;
}

void ff_sbuf_u32be(ff_sbuf *b, uint32_t v)
{
	unsigned char t[4];
	put_be(t, v, 4);
	ff_sbuf_raw(b, t, 4);
}

void ff_sbuf_u64be(ff_sbuf *b, uint64_t v)
{
	unsigned char t[8];
	put_be(t, v, 8);
	ff_sbuf_raw(b, t, 8);
}

void ff_sbuf_uv(ff_sbuf *b, uint64_t v)
{
	unsigned char t[10];
	size_t n = 0;
	do {
		unsigned char byte = v & 0x7f;
		v >>= 7;
		t[n++] = byte | (v ? 0x80 : 0);
	} while (v);
	ff_sbuf_raw(b, t, n);
}

void ff_sbuf_sv(ff_sbuf *b, int64_t v)
{
	/* Zigzag: small magnitudes of either sign stay short. */
	uint64_t u = (uint64_t)v;
	ff_sbuf_uv(b, (u << 1) ^ (v < 0 ? UINT64_MAX : 0));
}

void ff_sbuf_f64(ff_sbuf *b, double v)
{
	uint64_t bits;
	memcpy(&bits, &v, sizeof bits);
	ff_sbuf_u64be(b, bits);
}

void ff_sbuf_str(ff_sbuf *b, const void *p, size_t n)
{
	ff_sbuf_uv(b, n);
	ff_sbuf_raw(b, p, n);
}

void ff_state_begin(ff_sbuf *out)
{
	memset(out, 0, sizeof *out);
	ff_sbuf_raw(out, FF_STATE_MAGIC, FF_STATE_MAGIC_LEN);
	ff_sbuf_u32be(out, FF_STATE_VERSION);
	ff_sbuf_u64be(out, 0); /* the length, once known */
	ff_sbuf_u32be(out, 0); /* the header's checksum, likewise */
}

static void section_raw(ff_sbuf *out, uint32_t tag, const unsigned char *p, size_t n)
{
	unsigned char head[12];
	put_be(head, tag, 4);
	put_be(head + 4, n, 8);
	ff_sbuf_raw(out, head, 12);
	ff_sbuf_u32be(out, crc(0, head, 12));
	ff_sbuf_raw(out, p, n);
	ff_sbuf_u32be(out, crc(0, p, n));
}

void ff_state_section(ff_sbuf *out, uint32_t tag, const ff_sbuf *payload)
{
	if (payload->oom) {
		out->oom = true;
		return;
	}
	section_raw(out, tag, payload->p, payload->n);
}

void ff_state_section_bytes(ff_sbuf *out, uint32_t tag, const void *p, size_t n)
{
	section_raw(out, tag, p, n);
}

int ff_state_finish(ff_sbuf *out)
{
	if (out->oom)
		return -1;
	/* The header is final before the whole-file checksum is taken. */
	size_t total = out->n + FF_STATE_SECTION_HEAD_LEN + 4 + 4;
	put_be(out->p + FF_STATE_MAGIC_LEN + 4, total, 8);
	put_be(out->p + 28, crc(0, out->p, 28), 4);
	unsigned char sum[4];
	put_be(sum, crc(0, out->p, out->n), 4);
	section_raw(out, FF_STATE_END, sum, 4);
	return out->oom ? -1 : 0;
}

int ff_state_save(const char *path, const void *p, size_t n, FILE *err)
{
	ff_output *out = ff_output_open(path, err);
	if (!out)
		return -1;
	FILE *f = ff_output_stream(out);
	if (n > 0 && fwrite(p, 1, n, f) != n) {
		fprintf(err, "footfall: %s: %s\n", path, strerror(errno));
		ff_output_abort(out);
		return -1;
	}
	return ff_output_commit(out, err);
}

/* ---- reading ---- */

static bool fail(ff_scur *c)
{
	c->bad = true;
	c->n = 0;
	return false;
}

bool ff_scur_uv(ff_scur *c, uint64_t *v)
{
	*v = 0;
	if (c->bad)
		return false;
	uint64_t r = 0;
	for (unsigned i = 0; i < 10; i++) {
		if (i >= c->n)
			return fail(c);
		unsigned char byte = c->p[i];
		/* The tenth byte holds bit 63 alone; a redundant zero byte
		 * at the end is refused, so each value has one encoding. */
		if (i == 9 && byte > 1)
			return fail(c);
		r |= (uint64_t)(byte & 0x7f) << (7 * i);
		if (!(byte & 0x80)) {
			if (byte == 0 && i > 0)
				return fail(c);
			c->p += i + 1;
			c->n -= i + 1;
			*v = r;
			return true;
		}
	}
	return fail(c);
}

bool ff_scur_sv(ff_scur *c, int64_t *v)
{
	uint64_t u;
	*v = 0;
	if (!ff_scur_uv(c, &u))
		return false;
	*v = (int64_t)((u >> 1) ^ (0 - (u & 1)));
	return true;
}

bool ff_scur_f64(ff_scur *c, double *v)
{
	*v = 0;
	if (c->bad || c->n < 8)
		return fail(c);
	uint64_t bits = get_be(c->p, 8);
	memcpy(v, &bits, sizeof *v);
	c->p += 8;
	c->n -= 8;
	return true;
}

bool ff_scur_u8(ff_scur *c, bool *v)
{
	*v = false;
	if (c->bad || c->n < 1 || c->p[0] > 1)
		return fail(c);
	*v = c->p[0] == 1;
	c->p++;
	c->n--;
	return true;
}

bool ff_scur_str(ff_scur *c, const unsigned char **p, size_t *n)
{
	uint64_t len;
	*p = NULL;
	*n = 0;
	if (!ff_scur_uv(c, &len))
		return false;
	if (len > c->n)
		return fail(c);
	*p = c->p;
	*n = (size_t)len;
	c->p += len;
	c->n -= len;
	return true;
}

bool ff_scur_count(ff_scur *c, size_t min_bytes, uint64_t max, size_t *count)
{
	uint64_t k;
	*count = 0;
	if (!ff_scur_uv(c, &k))
		return false;
	if (k > max || (min_bytes > 0 && k > c->n / min_bytes))
		return fail(c);
	*count = (size_t)k;
	return true;
}

static int say(char *msg, size_t msgsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int say(char *msg, size_t msgsz, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, msgsz, fmt, ap);
	va_end(ap);
	return -1;
}

static int checksum_error(char *msg, size_t msgsz, uint32_t tag)
{
	const char *name = ff_state_tag_name(tag);
	if (name)
		return say(msg, msgsz, "corrupt state file (checksum mismatch in section %s)",
			   name);
	return say(msg, msgsz, "corrupt state file (checksum mismatch in section %" PRIu32 ")",
		   tag);
}

int ff_state_parse(const void *data, size_t n, ff_state_view *v, char *msg, size_t msgsz)
{
	const unsigned char *p = data;
	memset(v, 0, sizeof *v);
	/* A file that stops inside the magic is a truncated state file only
	 * when what there is matches it; an empty file is nobody's. */
	size_t m = n < FF_STATE_MAGIC_LEN ? n : FF_STATE_MAGIC_LEN;
	if (n == 0 || memcmp(p, FF_STATE_MAGIC, m) != 0)
		return say(msg, msgsz, "not a footfall state file");
	if (n < FF_STATE_HEADER_LEN)
		return say(msg, msgsz, "truncated state file");
	/* The header's checksum is checked before its version is believed:
	 * a flipped bit there is corruption, not a newer file. */
	if (get_be(p + 28, 4) != crc(0, p, 28))
		return say(msg, msgsz, "corrupt state file (checksum mismatch in the header)");
	uint32_t version = (uint32_t)get_be(p + FF_STATE_MAGIC_LEN, 4);
	if (version > FF_STATE_VERSION)
		return say(msg, msgsz,
			   "state file version %" PRIu32 " is newer than this footfall reads (%u)",
			   version, FF_STATE_VERSION);
	if (version == 0)
		return say(msg, msgsz, "corrupt state file (version 0)");
	uint64_t total = get_be(p + FF_STATE_MAGIC_LEN + 4, 8);
	if (total > n)
		return say(msg, msgsz, "truncated state file");
	if (total < n)
		return say(msg, msgsz, "corrupt state file (%" PRIu64 " bytes after its end)",
			   (uint64_t)(n - total));
	v->version = version;

	size_t at = FF_STATE_HEADER_LEN;
	for (;;) {
		/* Past a verified header, too few bytes is corruption: the
		 * file has its full declared length. */
		if (n - at < FF_STATE_SECTION_HEAD_LEN)
			return say(msg, msgsz, "corrupt state file (no end section)");
		const unsigned char *h = p + at;
		uint32_t tag = (uint32_t)get_be(h, 4);
		uint64_t len = get_be(h + 4, 8);
		if (get_be(h + 12, 4) != crc(0, h, 12))
			return say(msg, msgsz,
				   "corrupt state file (checksum mismatch in a section header "
				   "at byte %zu)", at);
		at += FF_STATE_SECTION_HEAD_LEN;
		if (len > n - at || n - at - len < 4)
			return say(msg, msgsz, "corrupt state file (section %s runs past the end)",
				   ff_state_tag_name(tag) ? ff_state_tag_name(tag) : "unknown");
		const unsigned char *payload = p + at;
		if (get_be(payload + len, 4) != crc(0, payload, (size_t)len))
			return checksum_error(msg, msgsz, tag);
		if (tag >= FF_STATE_TAG_COUNT)
			return say(msg, msgsz, "corrupt state file (unknown section %" PRIu32 ")",
				   tag);
		if (v->has[tag])
			return say(msg, msgsz, "corrupt state file (section %s twice)",
				   tag_names[tag]);
		v->has[tag] = true;
		v->section[tag] = payload;
		v->section_len[tag] = (size_t)len;
		if (tag == FF_STATE_END) {
			size_t before = at - FF_STATE_SECTION_HEAD_LEN;
			if (len != 4 || get_be(payload, 4) != crc(0, p, before))
				return say(msg, msgsz,
					   "corrupt state file (checksum mismatch in the whole file)");
			if (at + len + 4 != n)
				return say(msg, msgsz, "corrupt state file (bytes after the end section)");
			return 0;
		}
		at += (size_t)len + 4;
	}
}

int ff_state_load(const char *path, unsigned char **data, size_t *n, char *msg, size_t msgsz)
{
	*data = NULL;
	*n = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return say(msg, msgsz, "%s: %s", path, strerror(errno));
	size_t cap = 1 << 16, len = 0;
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size < SIZE_MAX - 1)
		cap = (size_t)st.st_size + 1;
	unsigned char *buf = malloc(cap);
	if (!buf) {
		fclose(f);
		return say(msg, msgsz, "%s: out of memory", path);
	}
	for (;;) {
		if (len == cap) {
			unsigned char *more = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
			if (!more) {
				free(buf);
				fclose(f);
				return say(msg, msgsz, "%s: out of memory", path);
			}
			buf = more;
			cap *= 2;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;
		free(buf);
		fclose(f);
		return say(msg, msgsz, "%s: %s", path, strerror(e));
	}
	fclose(f);
	*data = buf;
	*n = len;
	return 0;
}

/* ---- the fingerprint ---- */

/* Entries a fingerprint may hold: far above what a run writes, low enough
 * that a hostile count allocates little. */
#define FP_MAX_ENTRIES 4096

void ff_fingerprint_free(ff_fingerprint *fp)
{
	for (size_t i = 0; i < fp->count; i++) {
		free(fp->names[i]);
		free(fp->values[i]);
	}
	free(fp->names);
	free(fp->values);
	memset(fp, 0, sizeof *fp);
}

static int add_n(ff_fingerprint *fp, const char *name, size_t nn, const char *value, size_t vn)
{
	if (fp->count == fp->cap) {
		size_t cap = fp->cap ? fp->cap * 2 : 32;
		char **names = realloc(fp->names, cap * sizeof *names);
		if (!names)
			return -1;
		fp->names = names;
		char **values = realloc(fp->values, cap * sizeof *values);
		if (!values)
			return -1;
		fp->values = values;
		fp->cap = cap;
	}
	char *a = malloc(nn + 1), *b = malloc(vn + 1);
	if (!a || !b) {
		free(a);
		free(b);
		return -1;
	}
	memcpy(a, name, nn);
	a[nn] = '\0';
	if (vn)
		memcpy(b, value, vn);
	b[vn] = '\0';
	fp->names[fp->count] = a;
	fp->values[fp->count] = b;
	fp->count++;
	return 0;
}

int ff_fingerprint_add(ff_fingerprint *fp, const char *name, const char *value)
{
	return add_n(fp, name, strlen(name), value, strlen(value));
}

static int add_int(ff_fingerprint *fp, const char *name, int64_t v)
{
	char t[32];
	snprintf(t, sizeof t, "%" PRId64, v);
	return ff_fingerprint_add(fp, name, t);
}

/* A YAML subtree as one canonical line: flow style, every scalar quoted
 * when it is a string by YAML's rules, so that two documents that the
 * loader reads alike give the same text whatever their layout. */
static void canon(ff_sbuf *b, const ff_ynode *n, unsigned depth)
{
	if (!n || depth > 64) {
		ff_sbuf_raw(b, "~", 1);
		return;
	}
	if (n->str) {
		if (n->quoted)
			ff_sbuf_raw(b, "\"", 1);
		for (size_t i = 0; i < n->len; i++) {
			if (n->quoted && (n->str[i] == '"' || n->str[i] == '\\'))
				ff_sbuf_raw(b, "\\", 1);
			ff_sbuf_raw(b, n->str + i, 1);
		}
		if (n->quoted)
			ff_sbuf_raw(b, "\"", 1);
		return;
	}
	bool map = n->keys != NULL;
	ff_sbuf_raw(b, map ? "{" : "[", 1);
	for (size_t i = 0; i < n->count; i++) {
		if (i)
			ff_sbuf_raw(b, ", ", 2);
		if (map) {
			canon(b, n->keys[i], depth + 1);
			ff_sbuf_raw(b, ": ", 2);
		}
		canon(b, n->items[i], depth + 1);
	}
	ff_sbuf_raw(b, map ? "}" : "]", 1);
}

static int add_section(ff_fingerprint *fp, const ff_config *cfg, const char *name)
{
	ff_sbuf b = {0};
	const ff_ynode *n = ff_config_section(cfg, name);
	if (n)
		canon(&b, n, 0);
	int rc = b.oom ? -1 : add_n(fp, name, strlen(name), b.p ? (char *)b.p : "", b.n);
	ff_sbuf_free(&b);
	return rc;
}

/* A list as its items joined by commas; items come from the
 * configuration (char **) or the command line (const char *[]). */
static int add_joined(ff_fingerprint *fp, const char *name, char *const *items,
		      const char *const *opts, size_t n)
{
	ff_sbuf b = {0};
	for (size_t i = 0; i < n; i++) {
		const char *item = items ? items[i] : opts ? opts[i] : "";
		if (i)
			ff_sbuf_raw(&b, ",", 1);
		ff_sbuf_raw(&b, item, strlen(item));
	}
	int rc = b.oom ? -1 : add_n(fp, name, strlen(name), b.p ? (char *)b.p : "", b.n);
	ff_sbuf_free(&b);
	return rc;
}

static int add_list(ff_fingerprint *fp, const char *name, const ff_strlist *l)
{
	return add_joined(fp, name, l->items, NULL, l->count);
}

static int add_opts(ff_fingerprint *fp, const char *name, const char *const *opts, int n)
{
	return add_joined(fp, name, NULL, opts, n > 0 ? (size_t)n : 0);
}

int ff_fingerprint_build(ff_fingerprint *fp, const ff_options *o, const ff_config *cfg,
			 uint64_t ua_digest)
{
	int rc = 0;
	char t[32];
	const char *client = o->client ? o->client : cfg->log_client ? cfg->log_client : "address";
	const char *tz = o->tz ? o->tz : cfg->report_tz ? cfg->report_tz : "";
	rc |= ff_fingerprint_add(fp, "log.client", client);
	rc |= add_int(fp, "visits.timeout", o->timeout_set ? o->timeout : cfg->visits_timeout);
	rc |= add_int(fp, "visits.reorder_window",
		      o->reorder_window_set ? o->reorder_window : cfg->visits_reorder_window);
	if (o->site)
		rc |= ff_fingerprint_add(fp, "site.hosts", o->site);
	else
		rc |= add_list(fp, "site.hosts", &cfg->site_hosts);
	rc |= ff_fingerprint_add(fp, "report.tz", tz);
	rc |= add_int(fp, "limits.max_keys", o->max_keys_set ? o->max_keys : cfg->max_keys);
	rc |= ff_fingerprint_add(fp, "privacy.anonymize",
				 o->anonymize || cfg->anonymize ? "true" : "false");
	rc |= ff_fingerprint_add(fp, "classify.builtin_bots", cfg->builtin_bots ? "true" : "false");
	rc |= add_list(fp, "classify.bot_patterns", &cfg->bot_patterns);
	rc |= add_list(fp, "classify.static_extensions", &cfg->static_extensions);
	snprintf(t, sizeof t, "%016" PRIx64, ua_digest);
	rc |= ff_fingerprint_add(fp, "ua.regexes", ua_digest ? t : "none");
	rc |= ff_fingerprint_add(fp, "sources.replace_defaults",
				 cfg->sources_replace_defaults ? "true" : "false");
	static const char *const sections[] = {
		"goals", "funnels", "experiments", "pixels", "segments",
		"sources.search_engines", "sources.social",
	};
	for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
		rc |= add_section(fp, cfg, sections[i]);
	rc |= add_list(fp, "filters.exclude_ip", &cfg->exclude_ip);
	rc |= add_opts(fp, "--exclude-ip", o->exclude_ips, o->n_exclude_ips);
	rc |= add_opts(fp, "--include", o->includes, o->n_includes);
	rc |= add_opts(fp, "--exclude", o->excludes, o->n_excludes);
	rc |= ff_fingerprint_add(fp, "--since", o->since ? o->since : "");
	rc |= ff_fingerprint_add(fp, "--until", o->until ? o->until : "");
	rc |= ff_fingerprint_add(fp, "bots",
				 o->no_bots ? "none" : o->bots_only ? "only" : "all");
	return rc ? -1 : 0;
}

static void shorten(char *out, size_t outsz, const char *s)
{
	/* Long values (a goals section) are cut for the message. */
	size_t n = strlen(s);
	if (n < outsz) {
		memcpy(out, s, n + 1);
		return;
	}
	snprintf(out, outsz, "%.*s...", (int)(outsz - 4), s);
}

static const char *lookup(const ff_fingerprint *fp, const char *name)
{
	for (size_t i = 0; i < fp->count; i++)
		if (strcmp(fp->names[i], name) == 0)
			return fp->values[i];
	return NULL;
}

static int differ(char *msg, size_t msgsz, const char *name, const char *av, const char *bv)
{
	char sa[120], sb[120];
	shorten(sa, sizeof sa, !av ? "(absent)" : *av ? av : "(none)");
	shorten(sb, sizeof sb, !bv ? "(absent)" : *bv ? bv : "(none)");
	snprintf(msg, msgsz, "states differ in %s: %s and %s", name, sa, sb);
	return 1;
}

int ff_fingerprint_compare(const ff_fingerprint *a, const ff_fingerprint *b, char *msg,
			   size_t msgsz)
{
	/* Names are looked up rather than paired by index, so that an entry
	 * one side lacks is named itself, not the ones after it. */
	for (size_t i = 0; i < a->count; i++) {
		const char *bv = lookup(b, a->names[i]);
		if (!bv || strcmp(a->values[i], bv) != 0)
			return differ(msg, msgsz, a->names[i], a->values[i], bv);
	}
	for (size_t i = 0; i < b->count; i++)
		if (!lookup(a, b->names[i]))
			return differ(msg, msgsz, b->names[i], NULL, b->values[i]);
	return 0;
}

void ff_fingerprint_encode(const ff_fingerprint *fp, ff_sbuf *b)
{
	ff_sbuf_uv(b, fp->count);
	for (size_t i = 0; i < fp->count; i++) {
		ff_sbuf_str(b, fp->names[i], strlen(fp->names[i]));
		ff_sbuf_str(b, fp->values[i], strlen(fp->values[i]));
	}
}

int ff_fingerprint_decode(const unsigned char *p, size_t n, ff_fingerprint *fp)
{
	memset(fp, 0, sizeof *fp);
	ff_scur c = {p, n, false};
	size_t count;
	/* Each entry is two lengths at least. */
	if (!ff_scur_count(&c, 2, FP_MAX_ENTRIES, &count))
		return -1;
	for (size_t i = 0; i < count; i++) {
		const unsigned char *np, *vp;
		size_t nn, vn;
		if (!ff_scur_str(&c, &np, &nn) || !ff_scur_str(&c, &vp, &vn))
			break;
		/* Names and values are text: no NUL inside. */
		if (nn == 0 || memchr(np, 0, nn) || (vn && memchr(vp, 0, vn))) {
			c.bad = true;
			break;
		}
		if (add_n(fp, (const char *)np, nn, (const char *)vp, vn) != 0 ||
		    lookup(fp, fp->names[fp->count - 1]) != fp->values[fp->count - 1]) {
			/* Out of memory, or a name twice: which value would
			 * count is ambiguous. */
			c.bad = true;
			break;
		}
	}
	if (c.bad || c.n != 0) {
		ff_fingerprint_free(fp);
		return -1;
	}
	return 0;
}

uint64_t ff_state_digest(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3u;
	}
	return h;
}

/* ---- the summary ---- */

/* A flag as one byte, 0 or 1. */
static void put_byte(ff_sbuf *b, bool flag)
{
	unsigned char c = flag ? 1 : 0;
	ff_sbuf_raw(b, &c, 1);
}

static void put_time(ff_sbuf *b, const ff_time *t)
{
	ff_sbuf_sv(b, t->t);
	ff_sbuf_sv(b, t->offset);
	ff_sbuf_sv(b, t->usec);
}

static bool get_time(ff_scur *c, ff_time *t)
{
	int64_t s, off, usec;
	ff_scur_sv(c, &s);
	ff_scur_sv(c, &off);
	if (!ff_scur_sv(c, &usec))
		return false;
	/* The ranges fftime.h promises: a decoded time is one a parser
	 * could have made. */
	if (off <= -86400 || off >= 86400 || usec < 0 || usec >= 1000000) {
		c->bad = true;
		return false;
	}
	t->t = s;
	t->offset = (int32_t)off;
	t->usec = (int32_t)usec;
	return true;
}

void ff_summary_encode(const ff_summary *s, ff_sbuf *b)
{
	ff_sbuf_uv(b, s->lines);
	ff_sbuf_uv(b, s->valid);
	ff_sbuf_uv(b, s->invalid);
	ff_sbuf_uv(b, s->late);
	ff_sbuf_uv(b, s->hits);
	ff_sbuf_uv(b, s->bytes);
	ff_sbuf_sv(b, s->reorder_window);
	/* Status codes as (code, count) pairs: a few of 600 are ever seen. */
	size_t k = 0;
	for (size_t i = 0; i < FF_STATUS_MAX; i++)
		k += s->status[i] != 0;
	ff_sbuf_uv(b, k);
	for (size_t i = 0; i < FF_STATUS_MAX; i++)
		if (s->status[i]) {
			ff_sbuf_uv(b, i);
			ff_sbuf_uv(b, s->status[i]);
		}
	put_byte(b, s->has_time);
	if (s->has_time) {
		put_time(b, &s->first);
		put_time(b, &s->last);
	}
	put_byte(b, s->has_read);
	if (s->has_read) {
		put_time(b, &s->newest_read);
		put_time(b, &s->oldest_read);
	}
}

int ff_summary_decode(const unsigned char *p, size_t n, ff_summary *out)
{
	ff_summary s;
	memset(&s, 0, sizeof s);
	ff_scur c = {p, n, false};
	ff_scur_uv(&c, &s.lines);
	ff_scur_uv(&c, &s.valid);
	ff_scur_uv(&c, &s.invalid);
	ff_scur_uv(&c, &s.late);
	ff_scur_uv(&c, &s.hits);
	ff_scur_uv(&c, &s.bytes);
	ff_scur_sv(&c, &s.reorder_window);
	size_t k;
	ff_scur_count(&c, 2, FF_STATUS_MAX, &k);
	uint64_t prev = 0;
	for (size_t i = 0; i < k && !c.bad; i++) {
		uint64_t code, count;
		ff_scur_uv(&c, &code);
		ff_scur_uv(&c, &count);
		/* Strictly increasing codes: one encoding, no code twice. */
		if (c.bad || code >= FF_STATUS_MAX || (i > 0 && code <= prev) || count == 0) {
			c.bad = true;
			break;
		}
		s.status[code] = count;
		prev = code;
	}
	ff_scur_u8(&c, &s.has_time);
	if (s.has_time) {
		get_time(&c, &s.first);
		get_time(&c, &s.last);
	}
	ff_scur_u8(&c, &s.has_read);
	if (s.has_read) {
		get_time(&c, &s.newest_read);
		get_time(&c, &s.oldest_read);
	}
	if (c.bad || c.n != 0)
		return -1;
	/* The counts that the run keeps consistent; a state that breaks
	 * them would give a wrong report, never a crash, but it is refused
	 * all the same. */
	if (s.lines != s.valid + s.invalid || s.hits > s.valid ||
	    s.late > s.valid || s.reorder_window < 0)
		return -1;
	*out = s;
	return 0;
}

/* ---- armored states: text lines for engines that carry lines ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void ff_state_armor(const void *data, size_t n, ff_sbuf *out)
{
	const unsigned char *p = data;
	ff_sbuf_raw(out, FF_STATE_ARMOR, sizeof FF_STATE_ARMOR - 1);
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		char q[4] = { b64[v >> 18], b64[(v >> 12) & 63], i + 1 < n ? b64[(v >> 6) & 63] : '=',
			      i + 2 < n ? b64[v & 63] : '=' };
		ff_sbuf_raw(out, q, 4);
	}
	ff_sbuf_raw(out, "\n", 1);
}

static int b64_value(unsigned char c)
{
	const char *hit = c ? strchr(b64, c) : NULL;
	return hit ? (int)(hit - b64) : -1;
}

int ff_state_unarmor(const unsigned char *line, size_t n, ff_sbuf *out)
{
	size_t head = sizeof FF_STATE_ARMOR - 1;
	if (n < head || memcmp(line, FF_STATE_ARMOR, head) != 0)
		return -1;
	line += head;
	n -= head;
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if (n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		for (int k = 0; k < 4; k++)
			v[k] = line[i + k] == '=' && i + 4 == n && k >= 2 ? 0 : b64_value(line[i + k]);
		if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0 || (line[i + 2] == '=' && line[i + 3] != '='))
			return -1;
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		unsigned char b[3] = { (unsigned char)(w >> 16), (unsigned char)(w >> 8), (unsigned char)w };
		size_t k = line[i + 2] == '=' ? 1 : line[i + 3] == '=' ? 2 : 3;
		ff_sbuf_raw(out, b, k);
	}
	return out->oom ? -1 : 0;
}
