/* test_config.c — configuration keys, types, messages with file, line and
 * dotted key, the file lookup order, and config.example.yaml itself. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "config.h"

static char err[1024];

/* Loads text as "footfall.yaml"; returns the status, message in err. */
static int load(ff_config *cfg, const char *text)
{
	err[0] = '\0';
	return ff_config_load_text(cfg, "footfall.yaml", text, strlen(text), err, sizeof err);
}

static void refused(const char *text, const char *want)
{
	ff_config cfg;
	ff_config_init(&cfg);
	CHECK_INT(load(&cfg, text), -1);
	CHECK_STR(err, want);
	/* A failed load leaves the defaults in place. */
	CHECK(cfg.source == NULL && cfg.doc == NULL);
	CHECK_INT(cfg.visits_timeout, 1800);
	ff_config_free(&cfg);
}

static void test_defaults(void)
{
	ff_config cfg;
	ff_config_init(&cfg);
	CHECK(cfg.source == NULL);
	CHECK(cfg.log_format == NULL);
	CHECK_INT(cfg.site_hosts.count, 0);
	CHECK_INT(cfg.visits_timeout, 1800);
	CHECK_INT(cfg.visits_reorder_window, 300);
	CHECK(cfg.ua_regexes == NULL);
	CHECK(cfg.doc == NULL);
	CHECK(ff_config_section(&cfg, "goals") == NULL);
	ff_config_free(&cfg);
	ff_config_free(&cfg); /* freeing twice is harmless */
	ff_config_free(NULL);

	/* An empty file, or keys left empty, keep the defaults. */
	ff_config_init(&cfg);
	CHECK_INT(load(&cfg, ""), 0);
	CHECK_STR(cfg.source, "footfall.yaml");
	CHECK_INT(cfg.visits_timeout, 1800);
	CHECK_INT(load(&cfg, "log:\nsite:\n  hosts:\nvisits:\n  timeout: ~\nua:\n  regexes: null\ngoals:\n"), 0);
	CHECK(cfg.log_format == NULL);
	CHECK_INT(cfg.site_hosts.count, 0);
	CHECK_INT(cfg.visits_timeout, 1800);
	CHECK(cfg.ua_regexes == NULL);
	CHECK(ff_config_section(&cfg, "goals") == NULL);
	ff_config_free(&cfg);
}

static void test_values(void)
{
	ff_config cfg;
	ff_config_init(&cfg);
	const char *text = "log:\n"
			   "  format: '%h %l %u %t \"%r\" %>s %b'\n"
			   "site:\n"
			   "  hosts: [www.example.com, example.com]\n"
			   "visits:\n"
			   "  timeout: 600\n"
			   "  reorder_window: 0\n"
			   "ua:\n"
			   "  regexes: /tmp/regexes.yaml\n"
			   "goals:\n"
			   "  - name: purchase\n"
			   "    path: '^/order/complete$'\n"
			   "funnels: []\n"
			   "experiments:\n"
			   "  - name: spring\n"
			   "pixels:\n"
			   "  - path: /px.gif\n"
			   "    campaign: c\n";
	CHECK_INT(load(&cfg, text), 0);
	CHECK_STR(cfg.log_format, "%h %l %u %t \"%r\" %>s %b");
	CHECK_INT(cfg.site_hosts.count, 2);
	if (cfg.site_hosts.count == 2) {
		CHECK_STR(cfg.site_hosts.items[0], "www.example.com");
		CHECK_STR(cfg.site_hosts.items[1], "example.com");
	}
	CHECK_INT(cfg.visits_timeout, 600);
	CHECK_INT(cfg.visits_reorder_window, 0);
	CHECK_STR(cfg.ua_regexes, "/tmp/regexes.yaml");
	CHECK(cfg.geoip_database == NULL);
	const ff_ynode *goals = ff_config_section(&cfg, "goals");
	CHECK(goals && goals->count == 1 && goals->line == 11);
	CHECK(ff_config_section(&cfg, "funnels") == NULL);
	CHECK(ff_config_section(&cfg, "experiments") != NULL);
	CHECK(ff_config_section(&cfg, "pixels") != NULL);
	CHECK(ff_config_section(&cfg, "nothing") == NULL);

	/* A second load replaces the first entirely. */
	CHECK_INT(load(&cfg, "log: {format: combined}\nsite: {hosts: one.example}\n"), 0);
	CHECK_STR(cfg.log_format, "combined");
	CHECK_INT(cfg.visits_timeout, 1800);
	CHECK(cfg.ua_regexes == NULL);
	CHECK(ff_config_section(&cfg, "goals") == NULL);
	/* One host alone is a list of one. */
	CHECK_INT(cfg.site_hosts.count, 1);
	CHECK_STR(cfg.site_hosts.count ? cfg.site_hosts.items[0] : NULL, "one.example");

	/* geoip.database: a path, kept as written */
	ff_config geo;
	ff_config_init(&geo);
	CHECK_INT(load(&geo, "geoip:\n  database: GeoLite2-City.mmdb\n"), 0);
	CHECK_STR(geo.geoip_database, "GeoLite2-City.mmdb");
	ff_config_free(&geo);

	/* A failed load keeps what was there. */
	CHECK_INT(load(&cfg, "log: {format: [x]}\n"), -1);
	CHECK_STR(cfg.log_format, "combined");
	CHECK_STR(cfg.source, "footfall.yaml");

	CHECK_INT(cfg.max_keys, FF_MAX_KEYS_DEFAULT);
	CHECK_INT(load(&cfg, "limits:\n  max_keys: 0\n"), 0);
	CHECK_INT(cfg.max_keys, 0);
	CHECK_INT(load(&cfg, "limits:\n  max_keys: 1000000000\n"), 0);
	CHECK_INT(cfg.max_keys, 1000000000);
	CHECK_INT(load(&cfg, "site:\n  hosts: []\nvisits:\n  timeout: 2147483647\n"), 0);
	CHECK_INT(cfg.site_hosts.count, 0);
	CHECK_INT(cfg.visits_timeout, 2147483647);
	/* Numbers and words are strings where a string is wanted. */
	CHECK_INT(load(&cfg, "site:\n  hosts: [1, true, 'x']\nlog:\n  format: 123\n"), 0);
	CHECK_INT(cfg.site_hosts.count, 3);
	CHECK_STR(cfg.log_format, "123");
	/* The built-in bot list is on unless turned off; a new load starts
	 * from the default again. */
	CHECK(cfg.builtin_bots);
	CHECK_INT(load(&cfg, "classify:\n  builtin_bots: false\n"), 0);
	CHECK(!cfg.builtin_bots);
	CHECK_INT(load(&cfg, "classify:\n  bot_patterns: [x]\n"), 0);
	CHECK(cfg.builtin_bots);
	CHECK_INT(load(&cfg, "classify:\n  builtin_bots: maybe\n"), -1);
	ff_config_free(&cfg);
}

static void test_errors(void)
{
	refused("log:\n  format: auto\n  fromat: x\n", "footfall.yaml:3: unknown key 'log.fromat'");
	refused("lgo:\n  format: auto\n", "footfall.yaml:1: unknown key 'lgo'");
	refused("log:\n  client: proxy\n", "footfall.yaml:2: 'log.client' must be address or forwarded, not 'proxy'");
	refused("log:\n  client: [forwarded]\n", "footfall.yaml:2: 'log.client' must be a string, not a list");
	refused("visits:\n  timout: 5\n", "footfall.yaml:2: unknown key 'visits.timout'");
	refused("goal: []\n", "footfall.yaml:1: unknown key 'goal'");
	/* Dotted names are not keys: the file is nested. */
	refused("log.format: auto\n", "footfall.yaml:1: unknown key 'log.format'");
	refused("log:\n  format:\n    x: 1\n", "footfall.yaml:3: 'log.format' must be a string, not a map");
	refused("log:\n  goals: []\n", "footfall.yaml:2: unknown key 'log.goals'");
	refused("'': 1\n", "footfall.yaml:1: unknown key ''");
	refused("\"a\\tb\": 1\n", "footfall.yaml:1: unknown key 'a\\x09b'");

	refused("# settings\n\nlog:\n  format: auto\n\nvisits:\n  timeout: abc\n",
		"footfall.yaml:7: 'visits.timeout' must be a whole number of seconds, not 'abc'");
	refused("visits:\n  timeout: \"1800\"\n",
		"footfall.yaml:2: 'visits.timeout' must be a whole number of seconds, not the string '1800' "
		"(write it without quotes)");
	refused("visits:\n  timeout: -5\n",
		"footfall.yaml:2: 'visits.timeout' must be a whole number of seconds, not '-5'");
	refused("visits:\n  reorder_window: 1.5\n",
		"footfall.yaml:2: 'visits.reorder_window' must be a whole number of seconds, not '1.5'");
	refused("visits:\n  reorder_window: 0300\n",
		"footfall.yaml:2: 'visits.reorder_window' must be a whole number of seconds, not '0300'");
	refused("visits:\n  timeout: +5\n",
		"footfall.yaml:2: 'visits.timeout' must be a whole number of seconds, not '+5'");
	refused("visits:\n  timeout: 2147483648\n",
		"footfall.yaml:2: 'visits.timeout' must be at most 2147483647 seconds, not '2147483648'");
	refused("visits:\n  timeout: 99999999999999999999999999\n",
		"footfall.yaml:2: 'visits.timeout' must be at most 2147483647 seconds, "
		"not '99999999999999999999999999'");
	refused("limits:\n  max_keys: 1000000001\n",
		"footfall.yaml:2: 'limits.max_keys' must be at most 1000000000 keys, not '1000000001'");
	refused("limits:\n  max_keys: many\n",
		"footfall.yaml:2: 'limits.max_keys' must be a whole number of keys, not 'many'");
	refused("visits:\n  timeout: [1800]\n",
		"footfall.yaml:2: 'visits.timeout' must be a whole number of seconds, not a list");
	refused("visits: 1800\n",
		"footfall.yaml:1: 'visits' must be a map of keys (like 'visits:' on a line and indented keys "
		"below), not '1800'");

	refused("log:\n  format: [a, b]\n", "footfall.yaml:2: 'log.format' must be a string, not a list");
	refused("ua:\n  regexes: \"a\\0b\"\n",
		"footfall.yaml:2: 'ua.regexes' must be a string without NUL bytes, not 'a\\x00b'");
	refused("site:\n  hosts:\n    a: b\n", "footfall.yaml:3: 'site.hosts' must be a list of strings, not a map");
	refused("site:\n  hosts:\n    - a\n    - [b]\n",
		"footfall.yaml:4: 'site.hosts[1]' must be a string, not a list");
	refused("site:\n  hosts:\n    - a\n    -\n", "footfall.yaml:4: 'site.hosts[1]' must be a string, not an empty value");

	refused("goals:\n  name: x\n", "footfall.yaml:2: 'goals' must be a list, not a map");
	refused("pixels: /px.gif\n", "footfall.yaml:1: 'pixels' must be a list, not '/px.gif'");

	refused("- log\n", "footfall.yaml:1: the configuration must be a map of keys (like 'log:' and "
			   "'visits:'), not a list");
	refused("hello\n", "footfall.yaml:1: the configuration must be a map of keys (like 'log:' and "
			   "'visits:'), not 'hello'");

	/* What yamltree refuses, with the file name in front. */
	refused("log:\n  format: &f auto\nua:\n  regexes: *f\n",
		"footfall.yaml:2: YAML anchors and aliases are not allowed");
	refused("visits:\n  timeout: 1\n  timeout: 2\n", "footfall.yaml:3: duplicate key 'timeout'");
	refused("log: {format: auto}\n---\nlog: {format: auto}\n",
		"footfall.yaml:2: more than one YAML document; put everything in one");
	refused("log:\n  format: auto\n bad: 1\n",
		"footfall.yaml:3: did not find expected key while parsing a block mapping");
}

static void test_sizes(void)
{
	uint64_t v = 7;
#define SIZE_OK(s, want) (ff_parse_size(s, strlen(s), UINT64_MAX, &v) && v == (uint64_t)(want))
	CHECK(SIZE_OK("0", 0));
	CHECK(SIZE_OK("1048576", 1048576));
	CHECK(SIZE_OK("64k", 65536));
	CHECK(SIZE_OK("256M", 256u << 20));
	CHECK(SIZE_OK("1MB", 1u << 20));
	CHECK(SIZE_OK("1MiB", 1u << 20));
	CHECK(SIZE_OK("2g", 2ull << 30));
	CHECK(SIZE_OK("1T", 1ull << 40));
	v = 7;
	const char *bad[] = { "", "M", "-1", "1X", "1 M", "1MBB", "1iB", "1Mi", "99999999999999999999",
			      "16777216T" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		CHECK(!ff_parse_size(bad[i], strlen(bad[i]), UINT64_MAX, &v));
	CHECK_INT(v, 7);
	CHECK(!ff_parse_size("2K", 2, 2047, &v));
	CHECK(ff_parse_size("2K", 2, 2048, &v) && v == 2048);
#undef SIZE_OK
}

static void test_readers(void)
{
	ff_config cfg;
	ff_config_init(&cfg);
	CHECK_INT(load(&cfg, "a: true\nb: YES\nc: No\nd: false\ne: on\nf: 'true'\ng: 1\nh: [x]\n"), -1);
	ff_ynode *doc = ff_yaml_parse("a: true\nb: YES\nc: No\nd: false\ne: on\nf: 'true'\ng: 1\nh: [x]\n",
				      strlen("a: true\nb: YES\nc: No\nd: false\ne: on\nf: 'true'\ng: 1\nh: [x]\n"),
				      err, sizeof err);
	CHECK(doc != NULL);
	cfg.source = strdup("t.yaml");
	bool b = false;
	CHECK_INT(ff_config_read_bool(&cfg, ff_ynode_get(doc, "a"), "x.a", &b, err, sizeof err), 0);
	CHECK(b);
	CHECK_INT(ff_config_read_bool(&cfg, ff_ynode_get(doc, "b"), "x.b", &b, err, sizeof err), 0);
	CHECK(b);
	CHECK_INT(ff_config_read_bool(&cfg, ff_ynode_get(doc, "c"), "x.c", &b, err, sizeof err), 0);
	CHECK(!b);
	b = true;
	CHECK_INT(ff_config_read_bool(&cfg, ff_ynode_get(doc, "d"), "x.d", &b, err, sizeof err), 0);
	CHECK(!b);
	CHECK_INT(ff_config_read_bool(&cfg, ff_ynode_get(doc, "e"), "x.e", &b, err, sizeof err), -1);
	CHECK_STR(err, "t.yaml:5: 'x.e' must be true or false, not 'on'");
	CHECK_INT(ff_config_read_bool(&cfg, ff_ynode_get(doc, "f"), "x.f", &b, err, sizeof err), -1);
	CHECK_STR(err, "t.yaml:6: 'x.f' must be true or false, not the string 'true' (write it without quotes)");
	CHECK_INT(ff_config_read_bool(&cfg, ff_ynode_get(doc, "g"), "x.g", &b, err, sizeof err), -1);
	CHECK_STR(err, "t.yaml:7: 'x.g' must be true or false, not '1'");
	CHECK_INT(ff_config_read_bool(&cfg, ff_ynode_get(doc, "h"), "x.h", &b, err, sizeof err), -1);
	CHECK_STR(err, "t.yaml:8: 'x.h' must be true or false, not a list");

	int64_t v = -1;
	CHECK_INT(ff_config_read_uint(&cfg, ff_ynode_get(doc, "g"), "x.g", 10, NULL, &v, err, sizeof err), 0);
	CHECK_INT(v, 1);
	CHECK_INT(ff_config_read_uint(&cfg, ff_ynode_get(doc, "a"), "x.a", 10, NULL, &v, err, sizeof err), -1);
	CHECK_STR(err, "t.yaml:1: 'x.a' must be a whole number, not 'true'");
	CHECK_INT(ff_config_read_uint(&cfg, ff_ynode_get(doc, "g"), "x.g", 0, "steps", &v, err, sizeof err), -1);
	CHECK_STR(err, "t.yaml:7: 'x.g' must be at most 0 steps, not '1'");
	const char *s = NULL;
	CHECK_INT(ff_config_read_string(&cfg, ff_ynode_get(doc, "f"), "x.f", &s, err, sizeof err), 0);
	CHECK_STR(s, "true");
	CHECK_INT(ff_config_read_string(&cfg, NULL, "goals[0].path", &s, err, sizeof err), -1);
	CHECK_STR(err, "t.yaml: 'goals[0].path' must be a string, not an empty value");

	CHECK_INT(ff_config_error(&cfg, ff_ynode_get(doc, "h"), err, sizeof err, "bad %s", "thing"), -1);
	CHECK_STR(err, "t.yaml:8: bad thing");
	/* A tiny buffer is never overrun. */
	char small[8];
	CHECK_INT(ff_config_error(&cfg, ff_ynode_get(doc, "h"), small, sizeof small, "bad %s", "thing"), -1);
	CHECK_STR(small, "t.yaml:");
	ff_ynode_free(doc);
	ff_config_free(&cfg);
}

static void test_long_document(void)
{
	/* 100,000 hosts, and a wrong one at the very end. */
	size_t n = 100000, cap = n * 32 + 64, o = 0;
	char *s = malloc(cap);
	o += (size_t)snprintf(s + o, cap - o, "site:\n  hosts:\n");
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(s + o, cap - o, "    - host%zu.example.com\n", i);
	ff_config cfg;
	ff_config_init(&cfg);
	CHECK_INT(ff_config_load_text(&cfg, "big.yaml", s, o, err, sizeof err), 0);
	CHECK_INT(cfg.site_hosts.count, n);
	CHECK_STR(cfg.site_hosts.count == n ? cfg.site_hosts.items[n - 1] : NULL, "host99999.example.com");
	o += (size_t)snprintf(s + o, cap - o, "    - {x: 1}\n");
	CHECK_INT(ff_config_load_text(&cfg, "big.yaml", s, o, err, sizeof err), -1);
	CHECK_STR(err, "big.yaml:100003: 'site.hosts[100000]' must be a string, not a map");
	CHECK_INT(cfg.site_hosts.count, n);
	ff_config_free(&cfg);
	free(s);
}

/* Test files live under one mkdtemp() directory, removed at the end. */
struct tmp {
	const char *dir;
	char paths[16][600];
	size_t npaths;
	char dirs[8][600];
	size_t ndirs;
};

static const char *tmp_mkdir(struct tmp *t, const char *rel)
{
	char *p = t->dirs[t->ndirs++];
	snprintf(p, 600, "%s/%s", t->dir, rel);
	CHECK_INT(mkdir(p, 0700), 0);
	return p;
}

static const char *tmp_write(struct tmp *t, const char *rel, const char *text, size_t len)
{
	char *p = t->paths[t->npaths++];
	snprintf(p, 600, "%s/%s", t->dir, rel);
	FILE *f = fopen(p, "wb");
	CHECK(f != NULL);
	if (f) {
		CHECK_INT(fwrite(text, 1, len, f), len);
		fclose(f);
	}
	return p;
}

static void tmp_cleanup(struct tmp *t)
{
	for (size_t i = 0; i < t->npaths; i++)
		unlink(t->paths[i]);
	for (size_t i = t->ndirs; i-- > 0;)
		rmdir(t->dirs[i]);
	rmdir(t->dir);
}

static char *save_env(const char *name)
{
	const char *v = getenv(name);
	return v ? strdup(v) : NULL;
}

static void restore_env(const char *name, char *value)
{
	if (value)
		setenv(name, value, 1);
	else
		unsetenv(name);
	free(value);
}

static void test_lookup(void)
{
	static char dir[512];
	struct tmp t = { .dir = dir };
	const char *tmpdir = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/footfall-config-XXXXXX", tmpdir && tmpdir[0] ? tmpdir : "/tmp");
	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	char cwd[4096];
	CHECK(getcwd(cwd, sizeof cwd) != NULL);
	char *old_xdg = save_env("XDG_CONFIG_HOME"), *old_home = save_env("HOME");

	const char *work = tmp_mkdir(&t, "work");
	const char *xdg = tmp_mkdir(&t, "xdg");
	tmp_mkdir(&t, "xdg/footfall");
	const char *home = tmp_mkdir(&t, "home");
	tmp_mkdir(&t, "home/.config");
	tmp_mkdir(&t, "home/.config/footfall");
	CHECK_INT(chdir(work), 0);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	setenv("HOME", home, 1);

	ff_config cfg;
	ff_config_init(&cfg);

	/* Nothing anywhere: the defaults, and no source. */
	CHECK_INT(ff_config_load(&cfg, NULL, err, sizeof err), 0);
	CHECK(cfg.source == NULL && cfg.doc == NULL);
	CHECK_INT(cfg.visits_timeout, 1800);

	/* ~/.config is used only without XDG_CONFIG_HOME. */
	char home_file[700];
	snprintf(home_file, sizeof home_file, "%s/.config/footfall/config.yaml", home);
	tmp_write(&t, "home/.config/footfall/config.yaml", "visits:\n  timeout: 50\n", 22);
	CHECK_INT(ff_config_load(&cfg, NULL, err, sizeof err), 0);
	CHECK(cfg.source == NULL);
	unsetenv("XDG_CONFIG_HOME");
	CHECK_INT(ff_config_load(&cfg, NULL, err, sizeof err), 0);
	CHECK_STR(cfg.source, home_file);
	CHECK_INT(cfg.visits_timeout, 50);
	/* A relative XDG_CONFIG_HOME is ignored, as the XDG spec says. */
	setenv("XDG_CONFIG_HOME", "relative", 1);
	CHECK_INT(ff_config_load(&cfg, NULL, err, sizeof err), 0);
	CHECK_STR(cfg.source, home_file);
	setenv("XDG_CONFIG_HOME", xdg, 1);

	/* $XDG_CONFIG_HOME/footfall/config.yaml */
	char xdg_file[700];
	snprintf(xdg_file, sizeof xdg_file, "%s/footfall/config.yaml", xdg);
	tmp_write(&t, "xdg/footfall/config.yaml", "visits:\n  timeout: 100\n", 23);
	CHECK_INT(ff_config_load(&cfg, NULL, err, sizeof err), 0);
	CHECK_STR(cfg.source, xdg_file);
	CHECK_INT(cfg.visits_timeout, 100);

	/* ./footfall.yaml wins over it. */
	tmp_write(&t, "work/footfall.yaml", "visits:\n  timeout: 200\n", 23);
	CHECK_INT(ff_config_load(&cfg, NULL, err, sizeof err), 0);
	CHECK_STR(cfg.source, "footfall.yaml");
	CHECK_INT(cfg.visits_timeout, 200);

	/* --config wins over both. */
	const char *explicit = tmp_write(&t, "other.yaml", "visits:\n  timeout: 300\n", 23);
	CHECK_INT(ff_config_load(&cfg, explicit, err, sizeof err), 0);
	CHECK_STR(cfg.source, explicit);
	CHECK_INT(cfg.visits_timeout, 300);

	/* A missing --config file is an error, not a fall-back. */
	CHECK_INT(ff_config_load(&cfg, "missing.yaml", err, sizeof err), -1);
	CHECK_STR(err, "missing.yaml: cannot open: No such file or directory");
	CHECK_STR(cfg.source, explicit);
	CHECK_INT(ff_config_load(&cfg, work, err, sizeof err), -1);
	CHECK(strstr(err, ": cannot read: Is a directory") != NULL);

	/* A broken ./footfall.yaml is an error too: never skipped. */
	tmp_write(&t, "work/footfall.yaml", "visits:\n  timeout: 200\n  bogus: 1\n", 34);
	CHECK_INT(ff_config_load(&cfg, NULL, err, sizeof err), -1);
	CHECK_STR(err, "footfall.yaml:3: unknown key 'visits.bogus'");
	CHECK_INT(cfg.visits_timeout, 300);

	/* A NUL byte, and bytes that are not UTF-8, name their line. */
	const char nul[] = "log:\n  format: auto\nvisits:\n  timeout: 1\0\n";
	const char *nul_file = tmp_write(&t, "nul.yaml", nul, sizeof nul - 1);
	CHECK_INT(ff_config_load_file(&cfg, nul_file, err, sizeof err), -1);
	CHECK(strstr(err, "nul.yaml:4: control characters are not allowed (byte 0x00)") != NULL);
	const char *bad_utf8 = tmp_write(&t, "utf8.yaml", "log:\n  format: \"\xe9t\xe9\"\n", 21);
	CHECK_INT(ff_config_load_file(&cfg, bad_utf8, err, sizeof err), -1);
	CHECK(strstr(err, "utf8.yaml:2: invalid") != NULL);

	/* A file larger than 16 MiB is refused without parsing. */
	size_t big = (size_t)FF_YAML_MAX_BYTES + 10;
	char *text = malloc(big);
	memset(text, '#', big);
	const char *big_file = tmp_write(&t, "big.yaml", text, big);
	free(text);
	CHECK_INT(ff_config_load_file(&cfg, big_file, err, sizeof err), -1);
	CHECK(strstr(err, "big.yaml: larger than 16 MiB") != NULL);

	/* Without HOME nor XDG_CONFIG_HOME and no local file: defaults. */
	unlink(t.paths[2]); /* work/footfall.yaml */
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	CHECK_INT(ff_config_load(&cfg, NULL, err, sizeof err), 0);
	CHECK(cfg.source == NULL);
	CHECK_INT(cfg.visits_timeout, 1800);

	ff_config_free(&cfg);
	CHECK_INT(chdir(cwd), 0);
	restore_env("XDG_CONFIG_HOME", old_xdg);
	restore_env("HOME", old_home);
	tmp_cleanup(&t);
}

/* config.example.yaml loads, holds the defaults, and names every key. */
static void test_example(void)
{
	const char *srcdir = getenv("SRCDIR");
	if (!srcdir || !srcdir[0]) {
		printf("test_config: SRCDIR unset, config.example.yaml not checked\n");
		return;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/config.example.yaml", srcdir);
	ff_config cfg;
	ff_config_init(&cfg);
	int rc = ff_config_load_file(&cfg, path, err, sizeof err);
	CHECK_INT(rc, 0);
	if (rc != 0)
		fprintf(stderr, "%s\n", err);
	CHECK_STR(cfg.log_format, "auto");
	CHECK_STR(cfg.log_client, "address");
	CHECK_INT(cfg.site_hosts.count, 0);
	CHECK_INT(cfg.visits_timeout, 1800);
	CHECK_INT(cfg.visits_reorder_window, 300);
	CHECK(cfg.ua_regexes == NULL);
	CHECK_INT(cfg.max_keys, FF_MAX_KEYS_DEFAULT);
	ff_config_free(&cfg);

	/* Every key appears as "leaf:" (commented out for sections). */
	FILE *f = fopen(path, "rb");
	CHECK(f != NULL);
	if (!f)
		return;
	static char text[65536];
	size_t n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	const char *name, *what;
	size_t count = 0;
	for (size_t i = 0; (name = ff_config_key(i, &what)); i++) {
		count++;
		const char *leaf = strrchr(name, '.');
		leaf = leaf ? leaf + 1 : name;
		char want[128];
		snprintf(want, sizeof want, "%s:", leaf);
		if (!strstr(text, want))
			fprintf(stderr, "config.example.yaml does not document '%s'\n", name);
		CHECK(strstr(text, want) != NULL);
		CHECK(what && what[0]);
	}
	CHECK_INT(count, 24);
	/* The command-line flag of each key is named beside it. */
	const char *flags[] = { "--log-format", "--client", "--site", "--timeout", "--reorder-window", "--ua-regexes",
				"--max-keys", "--max-memory", "--tz", "--geoip", "--segment" };
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		CHECK(strstr(text, flags[i]) != NULL);

	/* The commented-out sections, uncommented, load too. */
	static char uncommented[65536];
	size_t o = 0;
	const char *sections[] = { "# goals:", "# funnels:", "# experiments:", "# pixels:" };
	for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
		const char *p = strstr(text, sections[i]);
		CHECK(p != NULL);
		while (p && strncmp(p, "# ", 2) == 0) {
			const char *eol = strchr(p, '\n');
			size_t len = eol ? (size_t)(eol - p) + 1 : strlen(p);
			memcpy(uncommented + o, p + 2, len - 2);
			o += len - 2;
			p = eol ? eol + 1 : NULL;
		}
	}
	uncommented[o] = '\0';
	ff_config_init(&cfg);
	rc = ff_config_load_text(&cfg, "sections", uncommented, o, err, sizeof err);
	CHECK_INT(rc, 0);
	if (rc != 0)
		fprintf(stderr, "%s\n", err);
	const ff_ynode *goal = ff_config_section(&cfg, "goals");
	CHECK(goal && goal->count == 1);
	CHECK_STR(goal ? ff_ynode_get(goal->items[0], "path")->str : NULL, "^/order/complete$");
	const ff_ynode *funnel = ff_config_section(&cfg, "funnels");
	CHECK(funnel && ff_ynode_get(funnel->items[0], "steps")->count == 4);
	CHECK(ff_config_section(&cfg, "experiments") != NULL);
	const ff_ynode *pixel = ff_config_section(&cfg, "pixels");
	CHECK_STR(pixel ? ff_ynode_get(pixel->items[0], "recipient")->str : NULL, "u");
	ff_config_free(&cfg);
}

/* log.json_fields: a map of record fields to key paths, kept joined for
 * the json format; errors name the line and the key. */
static void test_json_fields(void)
{
	ff_config cfg;
	ff_config_init(&cfg);
	CHECK(cfg.log_json_fields == NULL);
	CHECK_INT(load(&cfg, "log:\n  json_fields:\n    client: remote_addr\n    user_agent: \"h.User-Agent[0]\"\n"), 0);
	CHECK_STR(cfg.log_json_fields, "client=remote_addr,user_agent=h.User-Agent[0]");
	ff_config_free(&cfg);
	refused("log:\n  json_fields:\n    client: a\n    path: b\n",
		"footfall.yaml:4: 'log.json_fields.path': 'path' is not a record field a JSON log maps; use client, "
		"time, request, method, target, protocol, status, bytes, referer, user_agent, vhost, duration, forwarded");
	refused("log:\n  json_fields:\n    time: a=b\n",
		"footfall.yaml:3: 'log.json_fields.time': 'a=b' is not a JSON key path (a key holds ',' or '=')");
	refused("log:\n  json_fields:\n    time: [a]\n",
		"footfall.yaml:3: 'log.json_fields.time' must be a string, not a list");
	refused("log:\n  json_fields: [a]\n",
		"footfall.yaml:2: 'log.json_fields' must be a map of record fields to JSON key paths, not a list");
}

int main(void)
{
	test_sizes();
	test_defaults();
	test_json_fields();
	test_values();
	test_errors();
	test_readers();
	test_long_document();
	test_lookup();
	test_example();
	return CHECK_DONE("test_config");
}
