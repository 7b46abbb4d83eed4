/* config.h — footfall's configuration: YAML file → ff_config.
 *
 * Lookup order (SPEC §10): the file given with --config, else
 * ./footfall.yaml, else $XDG_CONFIG_HOME/footfall/config.yaml (or
 * ~/.config/footfall/config.yaml), else built-in defaults.  Every key is
 * declared once in a table in config.c; an unknown key, a wrong type, an
 * anchor or alias, or nesting deeper than 64 levels is an error naming the
 * file, line and key.  Command-line flags are applied on top by the caller. */
#ifndef FF_CONFIG_H
#define FF_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "yamltree.h"

/* limits.max_keys and --max-keys: distinct keys kept per report key
 * table (man page, MEMORY).  The maximum keeps the tables' overflow id
 * clear of every id's sentinel. */
#define FF_MAX_KEYS_DEFAULT 100000
#define FF_MAX_KEYS_MAX 1000000000

/* limits.max_memory and --max-memory: bytes of the distinct keys kept
 * over every report key table (man page, MEMORY); 0: no limit. */
#define FF_MAX_MEMORY_DEFAULT (256 * 1024 * 1024)
#define FF_MAX_MEMORY_TEXT "256M"

/* A size in bytes: digits, then optionally K, M, G or T (powers of 1024,
 * either case, an optional B or iB after it): "256M", "1G", "1048576".
 * False when s is not one or is more than max. */
bool ff_parse_size(const char *s, size_t n, uint64_t max, uint64_t *out);

/* A list of owned strings (site.hosts). */
typedef struct ff_strlist {
	char **items;
	size_t count;
} ff_strlist;

typedef struct ff_config {
	char *source;      /* the file read, or NULL for built-in defaults */
	char *log_format;  /* log.format; NULL means "auto" */
	char *log_client;  /* log.client; NULL means "address" */
	char *log_json_fields; /* log.json_fields as "field=key.path,...";
				  NULL: none mapped */
	ff_strlist site_hosts;         /* site.hosts; empty: none configured */
	int64_t visits_timeout;        /* visits.timeout, seconds (1800) */
	int64_t visits_reorder_window; /* visits.reorder_window, seconds (300) */
	char *ua_regexes;  /* ua.regexes; NULL means the built-in default path */
	char *report_tz;   /* report.tz: an IANA zone; NULL: the log's own time */
	char *geoip_database; /* geoip.database; NULL: no geography */
	ff_strlist bot_patterns;      /* classify.bot_patterns; default none */
	bool builtin_bots;            /* classify.builtin_bots (true): the
					 automated agents of SPEC §3 are bots */
	ff_strlist static_extensions; /* classify.static_extensions; empty:
					 the built-in list (SPEC §3) */
	bool anonymize;               /* privacy.anonymize (false) */
	int64_t max_keys;             /* limits.max_keys (FF_MAX_KEYS_DEFAULT);
					 0: no cap */
	int64_t max_memory;           /* limits.max_memory, bytes
					 (FF_MAX_MEMORY_DEFAULT); 0: no cap */
	ff_strlist exclude_ip;        /* filters.exclude_ip: addresses/CIDRs */
	ff_strlist segments;          /* segments: expressions (SPEC §15) */
	bool sources_replace_defaults; /* sources.replace_defaults (false): the
					  configured search engine and social
					  lists replace the built-in ones */
	/* The parsed document, kept for sections that later stages read
	 * themselves (goals, funnels..., sources.search_engines and
	 * sources.social); NULL without a file. */
	ff_ynode *doc;
} ff_config;

/* Fills cfg with the defaults.  Call it once before loading. */
void ff_config_init(ff_config *cfg);

/* Loads the configuration following the lookup order; explicit_path may be
 * NULL.  Returns 0 on success (also when no file exists: cfg then holds the
 * defaults), -1 with a message "FILE:LINE: what is wrong" in err.  A missing
 * explicit file is an error; a missing ./footfall.yaml or XDG file is not.
 * cfg must have been initialised; on failure it is left as it was. */
int ff_config_load(ff_config *cfg, const char *explicit_path, char *err, size_t errsz);

/* Loads one named file (no lookup).  Same return convention. */
int ff_config_load_file(ff_config *cfg, const char *path, char *err, size_t errsz);

/* Loads a document already in memory; name is the file name used in
 * messages and kept as cfg->source.  Same return convention. */
int ff_config_load_text(ff_config *cfg, const char *name, const char *text, size_t len,
			char *err, size_t errsz);

/* A section kept for later stages (goals, funnels, experiments, pixels,
 * sources.search_engines, sources.social: a dotted name reaches into
 * maps): the list node, or NULL when the section is absent or empty.
 * Loading has checked that it is a list; its content is the later stage's
 * to check. */
const ff_ynode *ff_config_section(const ff_config *cfg, const char *name);

/* Readers shared with the stages that check their own sections.  Each
 * checks one value; name is its full dotted path for the message.  They
 * return 0, or -1 with "FILE:LINE: 'NAME' must be ..." in err (FILE is
 * cfg->source).  A quoted scalar is a string, never a number or a bool:
 * '1800' is refused where a number is expected.
 *   string: any scalar without NUL bytes; *out points into the tree.
 *   bool:   true, false, yes or no, in any case.
 *   uint:   decimal digits, no sign, no leading zero, at most max; unit
 *           ("seconds") or NULL words the message. */
int ff_config_read_string(const ff_config *cfg, const ff_ynode *v, const char *name,
			  const char **out, char *err, size_t errsz);
int ff_config_read_bool(const ff_config *cfg, const ff_ynode *v, const char *name,
			bool *out, char *err, size_t errsz);
int ff_config_read_uint(const ff_config *cfg, const ff_ynode *v, const char *name,
			int64_t max, const char *unit, int64_t *out, char *err, size_t errsz);

/* Writes "FILE:LINE: " and the formatted message into err and returns -1,
 * so a later stage can report a problem at node in one line. */
int ff_config_error(const ff_config *cfg, const ff_ynode *node, char *err, size_t errsz,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The i-th key that the file accepts (dotted name) with its one-line
 * description, or NULL past the last: for documentation and its tests. */
const char *ff_config_key(size_t i, const char **description);

void ff_config_free(ff_config *cfg);

#endif
