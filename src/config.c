/* config.c — finds the configuration file (SPEC §10), parses it with
 * yamltree and checks every key against one table, filling ff_config.
 * main applies command-line flags on top; later stages read the sections
 * kept in cfg->doc (goals, funnels...) and check them with the readers here. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "config.h"
#include "diag.h"
#include "json_line.h"
#include "logformat.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum key_type {
	KEY_STRING,   /* char *, NULL until set */
	KEY_BOOL,     /* bool */
	KEY_UINT,     /* int64_t, 0..max */
	KEY_SIZE,     /* int64_t bytes, 0..max, written as ff_parse_size reads */
	KEY_STRLIST,  /* ff_strlist; a lone string is a one-item list */
	KEY_SECTION,  /* a list kept in cfg->doc for a later stage */
	KEY_FIELDMAP, /* log.json_fields: record field -> JSON key path, kept
			 as a char * "field=path,..." */
};

struct key {
	const char *name;      /* dotted path from the top of the file */
	enum key_type type;
	size_t offset;         /* into ff_config; unused for sections */
	int64_t def;           /* KEY_UINT, KEY_BOOL default */
	int64_t max;           /* KEY_UINT upper bound */
	const char *unit;      /* KEY_UINT: how the number is counted */
	const char *what;      /* one line for documentation */
	bool regex;            /* KEY_STRLIST: each item is a PCRE2 regex */
	const char *const *choices; /* KEY_STRING: the values allowed, or NULL */
	const char *choices_text;   /* them, worded for a message */
};

static const char *const client_choices[] = { "address", "forwarded", NULL };

/* Seconds are bounded so that adding one to an instant cannot overflow. */
#define MAX_SECONDS INT32_MAX

/* Every key the file accepts.  Adding one is a row here plus a field in
 * ff_config; config.example.yaml and the man page document it. */
static const struct key keys[] = {
	{ .name = "log.format", .type = KEY_STRING, .offset = offsetof(ff_config, log_format),
	  .what = "log format: auto, a preset name, or an Apache/Nginx format string" },
	{ .name = "log.client", .type = KEY_STRING, .offset = offsetof(ff_config, log_client),
	  .choices = client_choices, .choices_text = "address or forwarded",
	  .what = "the client: address (as logged) or forwarded (first X-Forwarded-For address)" },
	{ .name = "log.json_fields", .type = KEY_FIELDMAP, .offset = offsetof(ff_config, log_json_fields),
	  .what = "JSON logs: record field -> JSON key path (client: remote_addr, time: time_iso8601...)" },
	{ .name = "site.hosts", .type = KEY_STRLIST, .offset = offsetof(ff_config, site_hosts),
	  .what = "host names of the site itself, so its own referers are internal" },
	{ .name = "visits.timeout", .type = KEY_UINT, .offset = offsetof(ff_config, visits_timeout),
	  .def = 1800, .max = MAX_SECONDS, .unit = "seconds",
	  .what = "inactivity after which a visitor's next pageview starts a new visit" },
	{ .name = "visits.reorder_window", .type = KEY_UINT,
	  .offset = offsetof(ff_config, visits_reorder_window),
	  .def = 300, .max = MAX_SECONDS, .unit = "seconds",
	  .what = "how far back in time a line may be and still join its visit" },
	{ .name = "ua.regexes", .type = KEY_STRING, .offset = offsetof(ff_config, ua_regexes),
	  .what = "uap-core regexes.yaml used to name browsers, systems and devices" },
	{ .name = "report.tz", .type = KEY_STRING, .offset = offsetof(ff_config, report_tz),
	  .what = "IANA time zone placing hours, days and weekdays; default the log's own time" },
	{ .name = "geoip.database", .type = KEY_STRING, .offset = offsetof(ff_config, geoip_database),
	  .what = "MaxMind DB file (.mmdb) for the countries and cities reports" },
	{ .name = "classify.bot_patterns", .type = KEY_STRLIST, .regex = true,
	  .offset = offsetof(ff_config, bot_patterns),
	  .what = "PCRE2 regexes: a user agent matching one is a bot (besides uap-core's and the built-in list)" },
	{ .name = "classify.builtin_bots", .type = KEY_BOOL, .offset = offsetof(ff_config, builtin_bots),
	  .def = 1, .what = "the built-in list of automated agents (curl, monitors, empty agent...) counts as bots" },
	{ .name = "classify.static_extensions", .type = KEY_STRLIST,
	  .offset = offsetof(ff_config, static_extensions),
	  .what = "path extensions of static files, which are never pageviews" },
	{ .name = "privacy.anonymize", .type = KEY_BOOL, .offset = offsetof(ff_config, anonymize),
	  .what = "show client addresses truncated (IPv4 /24, IPv6 /48), host names hidden" },
	{ .name = "limits.max_keys", .type = KEY_UINT, .offset = offsetof(ff_config, max_keys),
	  .def = FF_MAX_KEYS_DEFAULT, .max = FF_MAX_KEYS_MAX, .unit = "keys",
	  .what = "distinct keys kept per report table (paths, referers...), the rest summed as others; 0: all" },
	{ .name = "limits.max_memory", .type = KEY_SIZE, .offset = offsetof(ff_config, max_memory),
	  .def = FF_MAX_MEMORY_DEFAULT, .max = INT64_MAX, .unit = "bytes",
	  .what = "bytes of the distinct keys kept over all report tables (256M, 1G...), new keys past it summed as others; 0: no limit" },
	{ .name = "filters.exclude_ip", .type = KEY_STRLIST, .offset = offsetof(ff_config, exclude_ip),
	  .what = "client addresses or CIDR ranges whose requests are left out" },
	{ .name = "segments", .type = KEY_STRLIST, .offset = offsetof(ff_config, segments),
	  .what = "segment expressions (entry=RE, source=NAME, goal=NAME...): visit-based numbers count only the visits where all hold" },
	{ .name = "goals", .type = KEY_SECTION,
	  .what = "goals: a name and a path regex; visits matching one convert" },
	{ .name = "funnels", .type = KEY_SECTION,
	  .what = "funnels: ordered steps of path regexes" },
	{ .name = "experiments", .type = KEY_SECTION,
	  .what = "A/B experiments: variant parameter or path regex, and a goal" },
	{ .name = "pixels", .type = KEY_SECTION,
	  .what = "tracking pixels: a path and the campaign and recipient parameters" },
	{ .name = "sources.search_engines", .type = KEY_SECTION,
	  .what = "search engines: host patterns and keyword parameters, added to the built-in list" },
	{ .name = "sources.social", .type = KEY_SECTION,
	  .what = "social networks: host patterns, added to the built-in list" },
	{ .name = "sources.replace_defaults", .type = KEY_BOOL,
	  .offset = offsetof(ff_config, sources_replace_defaults),
	  .what = "use only the configured search engines and social networks, not the built-in lists" },
};

#define NKEYS (sizeof keys / sizeof keys[0])

const char *ff_config_key(size_t i, const char **description)
{
	if (i >= NKEYS)
		return NULL;
	if (description)
		*description = keys[i].what;
	return keys[i].name;
}

static void *field(ff_config *cfg, const struct key *k)
{
	return (char *)cfg + k->offset;
}

static void strlist_free(ff_strlist *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

void ff_config_init(ff_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		switch (k->type) {
		case KEY_UINT:
		case KEY_SIZE:
			*(int64_t *)field(cfg, k) = k->def;
			break;
		case KEY_BOOL:
			*(bool *)field(cfg, k) = k->def != 0;
			break;
		case KEY_STRING:
		case KEY_STRLIST:
		case KEY_SECTION:
		case KEY_FIELDMAP:
			break; /* zero: unset, empty */
		}
	}
}

void ff_config_free(ff_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		if (k->type == KEY_STRING || k->type == KEY_FIELDMAP)
			free(*(char **)field(cfg, k));
		else if (k->type == KEY_STRLIST)
			strlist_free(field(cfg, k));
	}
	free(cfg->source);
	ff_ynode_free(cfg->doc);
	memset(cfg, 0, sizeof *cfg);
}

static int verror(const char *file, const ff_ynode *node, char *err, size_t errsz,
		  const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static int verror(const char *file, const ff_ynode *node, char *err, size_t errsz,
		  const char *fmt, va_list ap)
{
	if (!err || errsz == 0)
		return -1;
	int n;
	if (node)
		n = snprintf(err, errsz, "%s:%u: ", file, node->line);
	else
		n = snprintf(err, errsz, "%s: ", file);
	if (n >= 0 && (size_t)n < errsz)
		vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
	return -1;
}

static const char *source_name(const ff_config *cfg)
{
	return cfg && cfg->source ? cfg->source : "configuration";
}

int ff_config_error(const ff_config *cfg, const ff_ynode *node, char *err, size_t errsz,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(source_name(cfg), node, err, errsz, fmt, ap);
	va_end(ap);
	return -1;
}

/* "must be X, not Y" with Y from the node itself.  Where a number or a
 * bool is wanted, a quoted scalar says so, since '1800' looks right to the
 * eye and is still a string. */
static int type_error_hint(const ff_config *cfg, const ff_ynode *v, const char *name,
			   const char *want, bool not_string, char *err, size_t errsz)
{
	char got[320];
	ff_ynode_describe(v, got, sizeof got);
	char shown[300];
	ff_yaml_visible(name, strlen(name), shown, sizeof shown);
	if (not_string && v && v->kind == FF_Y_SCALAR && v->quoted)
		return ff_config_error(cfg, v, err, errsz, "'%s' must be %s, not the string %s (write it without quotes)",
				       shown, want, got);
	return ff_config_error(cfg, v, err, errsz, "'%s' must be %s, not %s", shown, want, got);
}


static int type_error(const ff_config *cfg, const ff_ynode *v, const char *name, const char *want,
		      char *err, size_t errsz)
{
	return type_error_hint(cfg, v, name, want, false, err, errsz);
}

int ff_config_read_string(const ff_config *cfg, const ff_ynode *v, const char *name,
			  const char **out, char *err, size_t errsz)
{
	if (!v || v->kind != FF_Y_SCALAR || ff_ynode_is_null(v))
		return type_error(cfg, v, name, "a string", err, errsz);
	if (memchr(v->str, '\0', v->len))
		return type_error(cfg, v, name, "a string without NUL bytes", err, errsz);
	*out = v->str;
	return 0;
}

int ff_config_read_bool(const ff_config *cfg, const ff_ynode *v, const char *name,
			bool *out, char *err, size_t errsz)
{
	static const struct {
		const char *word;
		bool value;
	} words[] = {
		{ "true", true }, { "yes", true }, { "false", false }, { "no", false },
	};
	if (v && v->kind == FF_Y_SCALAR && !v->quoted) {
		for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
			if (v->len == strlen(words[i].word) && strcasecmp(v->str, words[i].word) == 0) {
				*out = words[i].value;
				return 0;
			}
		}
	}
	return type_error_hint(cfg, v, name, "true or false", true, err, errsz);
}

bool ff_parse_size(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0)
		return false;
	unsigned shift = 0;
	if (i < n) {
		const char *units = "KMGT";
		const char *u = strchr(units, s[i] & ~0x20);
		if (!u || !*u)
			return false;
		shift = 10 * (unsigned)(u - units + 1);
		i++;
		if (i + 2 == n && (s[i] == 'i' || s[i] == 'I'))
			i++;
		if (i + 1 == n && (s[i] == 'b' || s[i] == 'B'))
			i++;
	}
	if (i != n || (shift && v > (UINT64_MAX >> shift)) || (v << shift) > max)
		return false;
	*out = v << shift;
	return true;
}

int ff_config_read_uint(const ff_config *cfg, const ff_ynode *v, const char *name,
			int64_t max, const char *unit, int64_t *out, char *err, size_t errsz)
{
	char want[64];
	if (unit)
		snprintf(want, sizeof want, "a whole number of %s", unit);
	else
		snprintf(want, sizeof want, "a whole number");
	/* Digits only: YAML 1.1 would read 010 as octal and 1_800 as 1800,
	 * and other tools reading the same file should not disagree. */
	if (!v || v->kind != FF_Y_SCALAR || v->quoted || v->len == 0 || (v->len > 1 && v->str[0] == '0'))
		return type_error_hint(cfg, v, name, want, true, err, errsz);
	int64_t value = 0;
	bool too_big = false;
	for (size_t i = 0; i < v->len; i++) {
		char c = v->str[i];
		if (c < '0' || c > '9')
			return type_error_hint(cfg, v, name, want, true, err, errsz);
		if (c - '0' > max || value > (max - (c - '0')) / 10)
			too_big = true;
		else
			value = value * 10 + (c - '0');
	}
	if (too_big) {
		char got[320], shown[300];
		ff_ynode_describe(v, got, sizeof got);
		ff_yaml_visible(name, strlen(name), shown, sizeof shown);
		return ff_config_error(cfg, v, err, errsz, "'%s' must be at most %lld%s%s, not %s", shown,
				       (long long)max, unit ? " " : "", unit ? unit : "", got);
	}
	*out = value;
	return 0;
}

static int set_string(char **slot, const char *s, const ff_config *cfg, const ff_ynode *v,
		      char *err, size_t errsz)
{
	char *copy = strdup(s);
	if (!copy)
		return ff_config_error(cfg, v, err, errsz, "out of memory");
	free(*slot);
	*slot = copy;
	return 0;
}

/* A regex that does not compile is a configuration error at its line
 * (SPEC §10); the pattern is shown with its control bytes escaped. */
static int check_regex(const ff_config *cfg, const ff_ynode *node, const char *name, const char *pattern,
		       char *err, size_t errsz)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
	if (re) {
		pcre2_code_free(re);
		return 0;
	}
	PCRE2_UCHAR msg[256];
	char shown[256];
	pcre2_get_error_message(code, msg, sizeof msg);
	return ff_config_error(cfg, node, err, errsz, "'%s': the regex '%s' does not compile at offset %zu: %s", name,
			       ff_visible(ff_sv_cstr(pattern), 64, shown, sizeof shown), (size_t)off, (const char *)msg);
}

static int read_strlist(ff_config *cfg, const struct key *k, const ff_ynode *v, char *err, size_t errsz)
{
	ff_strlist *list = field(cfg, k);
	strlist_free(list);
	if (v->kind == FF_Y_MAP)
		return type_error(cfg, v, k->name, "a list of strings", err, errsz);
	/* One host written alone is the same as a list of one. */
	const ff_ynode *const *items = (const ff_ynode *const *)v->items;
	size_t count = v->count;
	if (v->kind == FF_Y_SCALAR) {
		items = &v;
		count = 1;
	}
	if (count == 0)
		return 0;
	list->items = calloc(count, sizeof *list->items);
	if (!list->items)
		return ff_config_error(cfg, v, err, errsz, "out of memory");
	for (size_t i = 0; i < count; i++) {
		char item_name[256];
		if (v->kind == FF_Y_SEQ)
			snprintf(item_name, sizeof item_name, "%s[%zu]", k->name, i);
		else
			snprintf(item_name, sizeof item_name, "%s", k->name);
		const char *s;
		if (ff_config_read_string(cfg, items[i], item_name, &s, err, errsz) < 0)
			return -1;
		if (k->regex && check_regex(cfg, items[i], item_name, s, err, errsz) < 0)
			return -1;
		list->items[i] = strdup(s);
		if (!list->items[i])
			return ff_config_error(cfg, items[i], err, errsz, "out of memory");
		list->count = i + 1;
	}
	return 0;
}

/* log.json_fields: each key a record field, each value a JSON key path;
 * an error names the line and the key it is about. */
static int read_json_fields(ff_config *cfg, const struct key *k, const ff_ynode *v, char *err, size_t errsz)
{
	if (v->kind != FF_Y_MAP)
		return type_error(cfg, v, k->name, "a map of record fields to JSON key paths", err, errsz);
	size_t total = 1;
	for (size_t i = 0; i < v->count; i++)
		total += v->keys[i]->len + v->items[i]->len + 2;
	char *joined = calloc(1, total);
	if (!joined)
		return ff_config_error(cfg, v, err, errsz, "out of memory");
	size_t o = 0;
	for (size_t i = 0; i < v->count; i++) {
		const ff_ynode *key = v->keys[i], *val = v->items[i];
		char name[320], shown[300], why[160];
		ff_yaml_visible(key->str, key->len, shown, sizeof shown);
		snprintf(name, sizeof name, "%s.%s", k->name, shown);
		if (memchr(key->str, '\0', key->len) || !ff_format_json_field(key->str)) {
			free(joined);
			return ff_config_error(cfg, key, err, errsz, "'%s': '%s' is not a record field a JSON log maps; use %s",
					       name, shown, ff_format_json_fields_text);
		}
		const char *path;
		if (ff_config_read_string(cfg, val, name, &path, err, errsz) < 0) {
			free(joined);
			return -1;
		}
		if (!ff_json_path_check(path, val->len, why, sizeof why) || strpbrk(path, ",=")) {
			char got[320];
			ff_ynode_describe(val, got, sizeof got);
			free(joined);
			return ff_config_error(cfg, val, err, errsz, "'%s': %s is not a JSON key path (%s)", name, got,
					       strpbrk(path, ",=") ? "a key holds ',' or '='" : why);
		}
		o += (size_t)snprintf(joined + o, total - o, "%s%s=%s", o ? "," : "", key->str, path);
	}
	char **slot = field(cfg, k);
	free(*slot);
	*slot = joined[0] ? joined : NULL;
	if (!*slot)
		free(joined);
	return 0;
}

static int apply_key(ff_config *cfg, const struct key *k, const ff_ynode *v, char *err, size_t errsz)
{
	/* "key:" with nothing after it, as left by commenting out an example
	 * value, keeps the default. */
	if (ff_ynode_is_null(v))
		return 0;
	const char *s;
	switch (k->type) {
	case KEY_STRING:
		if (ff_config_read_string(cfg, v, k->name, &s, err, errsz) < 0)
			return -1;
		if (k->choices) {
			size_t i = 0;
			while (k->choices[i] && strcmp(k->choices[i], s) != 0)
				i++;
			if (!k->choices[i])
				return ff_config_error(cfg, v, err, errsz, "'%s' must be %s, not '%.64s'", k->name,
						       k->choices_text, s);
		}
		return set_string(field(cfg, k), s, cfg, v, err, errsz);
	case KEY_BOOL:
		return ff_config_read_bool(cfg, v, k->name, field(cfg, k), err, errsz);
	case KEY_UINT:
		return ff_config_read_uint(cfg, v, k->name, k->max, k->unit, field(cfg, k), err, errsz);
	case KEY_SIZE: {
		uint64_t size;
		if (!v || v->kind != FF_Y_SCALAR || v->quoted || !ff_parse_size(v->str, v->len, (uint64_t)k->max, &size))
			return type_error_hint(cfg, v, k->name, "a size in bytes (256M, 1G, 1048576)", true, err, errsz);
		*(int64_t *)field(cfg, k) = (int64_t)size;
		return 0;
	}
	case KEY_STRLIST:
		return read_strlist(cfg, k, v, err, errsz);
	case KEY_SECTION:
		if (v->kind != FF_Y_SEQ)
			return type_error(cfg, v, k->name, "a list", err, errsz);
		return 0;
	case KEY_FIELDMAP:
		return read_json_fields(cfg, k, v, err, errsz);
	}
	return 0;
}

/* A name in the table, or a group of them (prefix "name."). */
static const struct key *find_key(const char *name, bool *is_group)
{
	size_t n = strlen(name);
	*is_group = false;
	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
		if (strncmp(keys[i].name, name, n) == 0 && keys[i].name[n] == '.')
			*is_group = true;
	}
	return NULL;
}

static int unknown_key(const ff_config *cfg, const ff_ynode *key, const char *prefix, char *err,
		       size_t errsz)
{
	char shown[300];
	ff_yaml_visible(key->str, key->len, shown, sizeof shown);
	return ff_config_error(cfg, key, err, errsz, "unknown key '%s%s'", prefix, shown);
}

/* Checks one map against the table.  Recursion follows the dots of the
 * table's names, so its depth is that of the deepest key, not the file's. */
static int apply_map(ff_config *cfg, const ff_ynode *map, const char *prefix, char *err, size_t errsz)
{
	for (size_t i = 0; i < map->count; i++) {
		const ff_ynode *key = map->keys[i], *v = map->items[i];
		char name[128];
		size_t plen = strlen(prefix);
		/* A dot inside a key would let "log.format:" at the top
		 * pass for the nested key. */
		if (key->len == 0 || memchr(key->str, '.', key->len) || memchr(key->str, '\0', key->len) ||
		    plen + key->len >= sizeof name)
			return unknown_key(cfg, key, prefix, err, errsz);
		memcpy(name, prefix, plen);
		memcpy(name + plen, key->str, key->len + 1);

		bool is_group;
		const struct key *k = find_key(name, &is_group);
		if (k) {
			if (apply_key(cfg, k, v, err, errsz) < 0)
				return -1;
			continue;
		}
		if (!is_group)
			return unknown_key(cfg, key, prefix, err, errsz);
		if (ff_ynode_is_null(v))
			continue;
		if (v->kind != FF_Y_MAP) {
			char got[320];
			ff_ynode_describe(v, got, sizeof got);
			return ff_config_error(cfg, v, err, errsz, "'%s' must be a map of keys (like '%s:' on a line and indented keys below), not %s",
					       name, name, got);
		}
		name[plen + key->len] = '.';
		name[plen + key->len + 1] = '\0';
		if (apply_map(cfg, v, name, err, errsz) < 0)
			return -1;
	}
	return 0;
}

int ff_config_load_text(ff_config *cfg, const char *name, const char *text, size_t len,
			char *err, size_t errsz)
{
	ff_config fresh;
	ff_config_init(&fresh);
	if (name) {
		fresh.source = strdup(name);
		if (!fresh.source)
			return ff_config_error(NULL, NULL, err, errsz, "out of memory");
	}
	char yerr[512];
	fresh.doc = ff_yaml_parse(text, len, yerr, sizeof yerr);
	if (!fresh.doc) {
		/* yamltree says "LINE: reason" */
		if (err && errsz)
			snprintf(err, errsz, "%s:%s", source_name(&fresh), yerr);
		ff_config_free(&fresh);
		return -1;
	}
	if (fresh.doc->kind != FF_Y_MAP) {
		char got[320];
		ff_ynode_describe(fresh.doc, got, sizeof got);
		ff_config_error(&fresh, fresh.doc, err, errsz,
				"the configuration must be a map of keys (like 'log:' and 'visits:'), not %s", got);
		ff_config_free(&fresh);
		return -1;
	}
	if (apply_map(&fresh, fresh.doc, "", err, errsz) < 0) {
		ff_config_free(&fresh);
		return -1;
	}
	ff_config_free(cfg);
	*cfg = fresh;
	return 0;
}

static int file_error(const char *path, const char *what, int e, char *err, size_t errsz)
{
	if (e)
		snprintf(err, errsz, "%s: %s: %s", path, what, strerror(e));
	else
		snprintf(err, errsz, "%s: %s", path, what);
	return -1;
}

/* Reads a whole file, refusing more than yamltree would accept before
 * holding it all.  Returns 0, -1 with a message, or 1 when the file does
 * not exist (so the lookup can go on to the next place). */
static int read_file(const char *path, char **out, size_t *outlen, char *err, size_t errsz)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		return file_error(path, "cannot open", errno, err, errsz);
	}
	size_t cap = 8192, len = 0;
	char *buf = NULL;
	int rc = 0;
	for (;;) {
		if (!buf || len == cap) {
			size_t want = buf ? cap * 2 : cap;
			char *bigger = realloc(buf, want);
			if (!bigger) {
				rc = file_error(path, "out of memory", 0, err, errsz);
				break;
			}
			buf = bigger;
			cap = want;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (len > FF_YAML_MAX_BYTES) {
			char what[64];
			snprintf(what, sizeof what, "larger than %u MiB, too large for a configuration",
				 (unsigned)(FF_YAML_MAX_BYTES >> 20));
			rc = file_error(path, what, 0, err, errsz);
			break;
		}
		if (got == 0) {
			if (ferror(f))
				rc = file_error(path, "cannot read", errno, err, errsz);
			break;
		}
	}
	fclose(f);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* Returns like read_file: 1 when path does not exist. */
static int try_file(ff_config *cfg, const char *path, char *err, size_t errsz)
{
	char *text = NULL;
	size_t len = 0;
	int rc = read_file(path, &text, &len, err, errsz);
	if (rc != 0)
		return rc;
	rc = ff_config_load_text(cfg, path, text, len, err, errsz);
	free(text);
	return rc;
}

int ff_config_load_file(ff_config *cfg, const char *path, char *err, size_t errsz)
{
	int rc = try_file(cfg, path, err, errsz);
	if (rc == 1)
		return file_error(path, "cannot open", ENOENT, err, errsz);
	return rc;
}

/* $XDG_CONFIG_HOME/footfall/config.yaml, or ~/.config/...; NULL when
 * neither variable gives a place.  The XDG spec says a relative
 * XDG_CONFIG_HOME is to be ignored. */
static char *user_config_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *base, *rest;
	if (xdg && xdg[0] == '/') {
		base = xdg;
		rest = "/footfall/config.yaml";
	} else {
		base = getenv("HOME");
		rest = "/.config/footfall/config.yaml";
		if (!base || !base[0])
			return NULL;
	}
	size_t n = strlen(base) + strlen(rest) + 1;
	char *path = malloc(n);
	if (path)
		snprintf(path, n, "%s%s", base, rest);
	return path;
}

int ff_config_load(ff_config *cfg, const char *explicit_path, char *err, size_t errsz)
{
	if (explicit_path)
		return ff_config_load_file(cfg, explicit_path, err, errsz);
	int rc = try_file(cfg, "footfall.yaml", err, errsz);
	if (rc != 1)
		return rc;
	char *user = user_config_path();
	if (user) {
		rc = try_file(cfg, user, err, errsz);
		free(user);
		if (rc != 1)
			return rc;
	}
	ff_config_free(cfg);
	ff_config_init(cfg);
	return 0;
}

const ff_ynode *ff_config_section(const ff_config *cfg, const char *name)
{
	const ff_ynode *v = cfg ? cfg->doc : NULL;
	/* A dotted name walks down the maps: "sources.social". */
	while (v && *name) {
		char part[64];
		size_t n = strcspn(name, ".");
		if (n >= sizeof part)
			return NULL;
		memcpy(part, name, n);
		part[n] = '\0';
		v = ff_ynode_get(v, part);
		name += n + (name[n] == '.');
	}
	if (!v || v->kind != FF_Y_SEQ || v->count == 0)
		return NULL;
	return v;
}
