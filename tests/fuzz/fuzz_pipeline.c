/* fuzz_pipeline.c — bytes in, every renderer out: the whole program in
 * process, as main.c runs it (ff_run with options and a configuration).
 *
 * The first byte picks the log format, reports or records, one input or
 * two (the content cut at its middle line, so the merge runs), whether
 * user agents are classified, and a few options; the rest is the log,
 * held in memfds named /dev/fd/N.  Reports are rendered as text, json,
 * csv, tsv and html, records as tsv, csv and jsonl, each to a file in a
 * private directory that is then read back and checked: no raw control
 * byte in text or on stderr, JSON valid UTF-8 with lines = valid +
 * invalid, TSV rows as wide as their header, HTML with no markup from the
 * log. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"
#include "options.h"
#include "run.h"

/* A few uap-core rules, so agents are classified without the cost of
 * loading the real 300 kB file on every run. */
static const char uap_rules[] =
	"user_agent_parsers:\n"
	"  - regex: '(Chrome)/(\\d+)\\.(\\d+)'\n"
	"  - regex: '(Firefox)/(\\d+)\\.(\\d+)'\n"
	"  - regex: '(Googlebot)/(\\d+)\\.(\\d+)'\n"
	"    family_replacement: 'Googlebot'\n"
	"os_parsers:\n"
	"  - regex: '(Windows NT) (\\d+)\\.(\\d+)'\n"
	"    os_replacement: 'Windows'\n"
	"  - regex: '(Linux)'\n"
	"device_parsers:\n"
	"  - regex: '(?:Googlebot|[Bb]ot|[Ss]pider)'\n"
	"    device_replacement: 'Spider'\n"
	"  - regex: '(iPhone)'\n"
	"    device_replacement: 'iPhone'\n"
	"    brand_replacement: 'Apple'\n";

static const char config_text[] =
	"site:\n"
	"  hosts: [www.example.com]\n"
	"classify:\n"
	"  bot_patterns: ['^curl/', '^$']\n"
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

static const char *const log_formats[] = {
	NULL, /* auto */
	"combined",
	"common",
	"vhost_combined",
	"%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D",
	"$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_time",
	"regex:(?<client>\\S+) \\S+ \\S+ \\[(?<time>[^]]+)\\] \"(?<request>[^\"]*)\" (?<status>\\d+) (?<bytes>\\S+)(?: \"(?<referer>[^\"]*)\" \"(?<user_agent>[^\"]*)\")?",
	"$time_iso8601 $host $remote_addr \"$request\" $status $bytes_sent $msec",
};

/* The private directory: made once, emptied and removed at exit. */
static char dir[64];
static char uap_path[96];
static char out_path[96];

static void remove_dir(void)
{
	unlink(uap_path);
	unlink(out_path);
	rmdir(dir);
}

static void setup_once(void)
{
	if (dir[0])
		return;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/ff-fuzz.XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	FUZZ_ASSERT(mkdtemp(dir) != NULL);
	snprintf(uap_path, sizeof uap_path, "%s/regexes.yaml", dir);
	snprintf(out_path, sizeof out_path, "%s/out", dir);
	FILE *f = fopen(uap_path, "w");
	FUZZ_ASSERT(f != NULL);
	fputs(uap_rules, f);
	FUZZ_ASSERT(fclose(f) == 0);
	atexit(remove_dir);
}

static int memfd_with(const uint8_t *p, size_t n)
{
	int fd = memfd_create("fuzz-log", MFD_CLOEXEC);
	FUZZ_ASSERT(fd >= 0);
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, p + off, n - off);
		FUZZ_ASSERT(w > 0);
		off += (size_t)w;
	}
	return fd;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*n = 0;
		return NULL;
	}
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap + 1);
	FUZZ_ASSERT(buf != NULL);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			cap *= 2;
			char *bigger = realloc(buf, cap + 1);
			FUZZ_ASSERT(bigger != NULL);
			buf = bigger;
		}
	}
	fclose(f);
	buf[len] = '\0';
	*n = len;
	return buf;
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
static bool valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned min, cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2, min = 0x80, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, min = 0x800, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, min = 0x10000, cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* Nothing below 0x20 but the line feed; DEL too unless del_ok (JSON may
 * hold it raw: only bytes below 0x20 must be escaped there). */
static void check_no_controls(const char *s, size_t n, bool del_ok)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			continue;
		FUZZ_ASSERT(c >= 0x20 && (del_ok || c != 0x7f));
	}
}

static uint64_t json_number(const char *doc, const char *key)
{
	const char *p = strstr(doc, key);
	FUZZ_ASSERT(p != NULL);
	p += strlen(key);
	return strtoull(p, NULL, 10);
}

static void check_output(const char *format, bool records, const char *out, size_t n)
{
	if (!strcmp(format, "json")) {
		FUZZ_ASSERT(valid_utf8((const unsigned char *)out, n));
		check_no_controls(out, n, true);
		uint64_t lines = json_number(out, "\"lines\": ");
		uint64_t valid = json_number(out, "\"valid\": ");
		uint64_t invalid = json_number(out, "\"invalid\": ");
		FUZZ_ASSERT(lines == valid + invalid);
	} else if (!strcmp(format, "jsonl")) {
		FUZZ_ASSERT(valid_utf8((const unsigned char *)out, n));
		check_no_controls(out, n, true);
	} else if (!strcmp(format, "text")) {
		check_no_controls(out, n, false);
	} else if (!strcmp(format, "html")) {
		/* Whatever the log holds, the page keeps its one script and
		 * gains no element. */
		FUZZ_ASSERT(valid_utf8((const unsigned char *)out, n));
		for (size_t i = 0; i < n; i++)
			FUZZ_ASSERT((unsigned char)out[i] >= 0x20 || out[i] == '\n' || out[i] == '\t');
		size_t scripts = 0;
		for (const char *p = out; (p = strstr(p, "<script")) != NULL; p++)
			scripts++;
		FUZZ_ASSERT(scripts <= 1);
		FUZZ_ASSERT(strstr(out, "<img") == NULL && strstr(out, "<iframe") == NULL);
	} else if (!strcmp(format, "tsv") && records) {
		/* Each row has the header's number of columns: a tab or line
		 * feed from the log never passes raw. */
		size_t tabs_header = 0, tabs = 0;
		bool first = true;
		for (size_t i = 0; i < n; i++) {
			if (out[i] == '\t') {
				tabs++;
			} else if (out[i] == '\n') {
				if (first)
					tabs_header = tabs;
				else
					FUZZ_ASSERT(tabs == tabs_header);
				first = false;
				tabs = 0;
			}
		}
		FUZZ_ASSERT(n == 0 || out[n - 1] == '\n');
	}
}

static void run_one(ff_options *o, const char *format, bool records, const ff_config *cfg)
{
	o->format = format;
	o->records = records;
	o->output = out_path;
	char *errtext = NULL;
	size_t errlen = 0;
	FILE *err = open_memstream(&errtext, &errlen);
	FUZZ_ASSERT(err != NULL);
	int status = ff_run(o, cfg, err);
	FUZZ_ASSERT(fclose(err) == 0);
	/* The options and configuration are good, so never a usage error;
	 * 1 only for input that cannot be read (a compression refused). */
	FUZZ_ASSERT(status == FF_EXIT_OK || status == FF_EXIT_IO);
	check_no_controls(errtext, errlen, false);
	size_t n;
	char *out = slurp(out_path, &n);
	/* No report at all only when no input could be opened (SPEC §9) */
	FUZZ_ASSERT(out != NULL || status == FF_EXIT_IO);
	if (!out) {
		free(errtext);
		return;
	}
	check_output(format, records, out, n);
	free(out);
	free(errtext);
	unlink(out_path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	setup_once();
	unsigned sel = data[0];
	data++;
	size--;

	ff_config cfg;
	char err[512];
	ff_config_init(&cfg);
	FUZZ_ASSERT(ff_config_load_text(&cfg, "fuzz.yaml", config_text, sizeof config_text - 1, err, sizeof err) == 0);

	/* One input, or two: the content cut after its middle line. */
	int fds[2] = { -1, -1 };
	char names[2][32];
	char *files[2] = { names[0], names[1] };
	int n_files = 1;
	size_t cut = size;
	if (sel & 0x10) {
		const uint8_t *lf = size ? memchr(data + size / 2, '\n', size - size / 2) : NULL;
		if (lf) {
			cut = (size_t)(lf - data) + 1;
			n_files = 2;
		}
	}
	fds[0] = memfd_with(data, cut);
	snprintf(names[0], sizeof names[0], "/dev/fd/%d", fds[0]);
	if (n_files == 2) {
		fds[1] = memfd_with(data + cut, size - cut);
		snprintf(names[1], sizeof names[1], "/dev/fd/%d", fds[1]);
	}

	ff_options o;
	memset(&o, 0, sizeof o);
	o.log_format = log_formats[sel & 7];
	/* Loading even a small rules file costs more than the rest of a
	 * run, so half the inputs go without (a warning, then "Other"). */
	o.ua_regexes = (sel & 0x40) ? uap_path : "/nonexistent/regexes.yaml";
	o.files = files;
	o.n_files = n_files;
	if (sel & 0x20) {
		o.reorder_window_set = true;
		o.reorder_window = 0;
		o.timeout_set = true;
		o.timeout = 60;
		o.top_set = true;
		o.top = 1;
	}

	if (sel & 0x08) {
		o.fields = (sel & 0x80) ? "file,line,client,time,method,target,path,query,protocol,status,bytes,"
					  "referer,user_agent,vhost,duration,bot,static,pageview,browser,"
					  "browser_major,browser_minor,os,os_major,device,device_type"
					: NULL;
		run_one(&o, "tsv", true, &cfg);
		run_one(&o, "csv", true, &cfg);
		run_one(&o, "jsonl", true, &cfg);
	} else {
		o.csv_raw = (sel & 0x80) != 0;
		run_one(&o, "text", false, &cfg);
		run_one(&o, "json", false, &cfg);
		run_one(&o, "csv", false, &cfg);
		run_one(&o, "tsv", false, &cfg);
		run_one(&o, "html", false, &cfg);
	}

	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	ff_config_free(&cfg);
	return 0;
}
