/* options.h — the command line.
 *
 * One table in options.c describes every option once; getopt_long's table
 * and --help are both made from it, so they cannot drift apart.  Parsing
 * only records what was asked: values are checked by the run. */
#ifndef FF_OPTIONS_H
#define FF_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct ff_options {
	bool records;              /* `footfall records ...` */
	enum ff_command {
		FF_CMD_RUN, FF_CMD_MERGE, FF_CMD_MAP, FF_CMD_REDUCE
	} command;                 /* `footfall merge|map|reduce ...` */
	const char *state_in;      /* --state-in */
	const char *state_out;     /* --state-out */
	uint64_t shard_k, shard_n; /* --shard K/N; shard_n 0: none */
	const char *config_path;   /* --config */
	const char *log_format;    /* --log-format */
	const char *client;        /* --client: address or forwarded */
	const char *format;        /* --format */
	const char *output;        /* --output */
	const char *fields;        /* --fields */
	bool no_header;            /* --no-header */
	bool csv_raw;              /* --csv-raw */
	bool no_separators;        /* --no-separators */
	bool wide;                 /* --wide */
	bool width_set;
	int64_t width;             /* --width: text columns, 0 no cutting */
	bool quiet;                /* --quiet */
	bool reorder_window_set;
	int64_t reorder_window;    /* --reorder-window */
	bool timeout_set;
	int64_t timeout;           /* --timeout */
	const char *site;          /* --site, comma-separated */
	const char *tz;            /* --tz, an IANA zone name */
	const char *ua_regexes;    /* --ua-regexes */
	const char *geoip;         /* --geoip */
	bool top_set;
	int64_t top;               /* --top */
	bool max_keys_set;
	int64_t max_keys;          /* --max-keys */
	bool max_memory_set;
	int64_t max_memory;        /* --max-memory, bytes */
	const char *reports;       /* --report, comma-separated */
	const char *since, *until; /* --since, --until */
#define FF_MAX_REPEAT 32
/* --threads at most */
#define FF_THREADS_MAX 256
	const char *includes[FF_MAX_REPEAT]; /* --include FIELD=REGEX */
	int n_includes;
	const char *excludes[FF_MAX_REPEAT]; /* --exclude FIELD=REGEX */
	int n_excludes;
	const char *exclude_ips[FF_MAX_REPEAT]; /* --exclude-ip CIDR */
	int n_exclude_ips;
	const char *segments[FF_MAX_REPEAT]; /* --segment EXPR */
	int n_segments;
	bool no_bots, bots_only;   /* --no-bots, --bots-only */
	bool anonymize;            /* --anonymize */
	bool progress;             /* --progress */
	int64_t threads;           /* --threads: 0 means as many as help */
	bool list_reports;         /* --list-reports */
	char **files;              /* file arguments; none means stdin */
	int n_files;
} ff_options;

enum ff_options_result {
	FF_OPTIONS_RUN,      /* go on and run */
	FF_OPTIONS_DONE,     /* --help or --version printed: exit 0 */
	FF_OPTIONS_USAGE     /* message printed: exit 2 */
};

enum ff_options_result ff_options_parse(int argc, char **argv, ff_options *o, FILE *out, FILE *err);
void ff_options_help(FILE *f);

#endif
