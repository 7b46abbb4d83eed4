/* options.c — the option table, getopt_long over it, and --help made from
 * it.  Adding an option is one row here, a field in ff_options, a line in
 * man/footfall.1 and, when it has a config key, config.example.yaml. */
#include "options.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "autoconf.h"
#include "config.h"
#include "diag.h"
#include "str.h"

enum opt_id {
	OPT_CONFIG = 'c',
	OPT_FORMAT = 'f',
	OPT_HELP = 'h',
	OPT_OUTPUT = 'o',
	OPT_QUIET = 'q',
	OPT_VERSION = 'V',
	OPT_LOG_FORMAT = 256,
	OPT_STATE_IN,
	OPT_STATE_OUT,
	OPT_SHARD,
	OPT_FIELDS,
	OPT_NO_HEADER,
	OPT_CSV_RAW,
	OPT_NO_SEPARATORS,
	OPT_REORDER_WINDOW,
	OPT_TIMEOUT,
	OPT_SITE,
	OPT_UA_REGEXES,
	OPT_TOP,
	OPT_REPORT,
	OPT_LIST_REPORTS,
	OPT_WIDE,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_INCLUDE,
	OPT_EXCLUDE,
	OPT_EXCLUDE_IP,
	OPT_NO_BOTS,
	OPT_BOTS_ONLY,
	OPT_ANONYMIZE,
	OPT_PROGRESS,
	OPT_THREADS,
	OPT_MAX_KEYS,
	OPT_MAX_MEMORY,
	OPT_TZ,
	OPT_WIDTH,
	OPT_CLIENT,
	OPT_GEOIP,
	OPT_SEGMENT,
};

#define FF_STR_(x) #x
#define FF_STR(x) FF_STR_(x)

/* --help shows the options under these headings, in this order. */
enum opt_group { G_INPUT, G_REPORTS, G_OUTPUT, G_MARKETING, G_STATE, G_GENERAL, N_GROUPS };
static const char *const group_title[N_GROUPS] = {
	[G_INPUT] = "input",
	[G_REPORTS] = "reports",
	[G_OUTPUT] = "output",
	[G_MARKETING] = "marketing",
	[G_STATE] = "state",
	[G_GENERAL] = "general",
};

struct opt_desc {
	const char *name;
	int id;
	enum opt_group group;
	const char *arg; /* NULL: takes no argument */
	const char *help; /* one paragraph; --help wraps it */
};

static const struct opt_desc opt_table[] = {
	{ .name = "log-format", .id = OPT_LOG_FORMAT, .group = G_INPUT, .arg = "FORMAT",
	  .help = "auto (default), combined, common, vhost_combined, an Apache LogFormat or Nginx "
		  "log_format string, regex:PATTERN, or json (one JSON object a line: Caddy, Traefik, "
		  "Nginx escape=json with log.json_fields)" },
	{ .name = "client", .id = OPT_CLIENT, .group = G_INPUT, .arg = "WHICH",
	  .help = "address (default): the logged client; forwarded: the first address of "
		  "X-Forwarded-For when it is an IP address (behind a proxy or CDN)" },
	{ .name = "since", .id = OPT_SINCE, .group = G_INPUT, .arg = "TIME",
	  .help = "only requests at or after TIME (YYYY-MM-DD[THH:MM[:SS]][+hh:mm])" },
	{ .name = "until", .id = OPT_UNTIL, .group = G_INPUT, .arg = "TIME",
	  .help = "only requests up to TIME (a date alone: to the end of that day)" },
	{ .name = "include", .id = OPT_INCLUDE, .group = G_INPUT, .arg = "FIELD=REGEX",
	  .help = "only requests whose FIELD matches (path, status, method, client, referer, "
		  "user_agent, vhost); repeatable, all must match" },
	{ .name = "exclude", .id = OPT_EXCLUDE, .group = G_INPUT, .arg = "FIELD=REGEX",
	  .help = "leave out requests whose FIELD matches; repeatable" },
	{ .name = "exclude-ip", .id = OPT_EXCLUDE_IP, .group = G_INPUT, .arg = "CIDR",
	  .help = "leave out requests from an address or range; repeatable" },
	{ .name = "no-bots", .id = OPT_NO_BOTS, .group = G_INPUT, .help = "leave out bots' requests" },
	{ .name = "bots-only", .id = OPT_BOTS_ONLY, .group = G_INPUT, .help = "only bots' requests" },
	{ .name = "reorder-window", .id = OPT_REORDER_WINDOW, .group = G_INPUT, .arg = "SECONDS",
	  .help = "lines up to this much out of time order are not late (default 300)" },
	{ .name = "ua-regexes", .id = OPT_UA_REGEXES, .group = G_INPUT, .arg = "FILE",
	  .help = "uap-core regexes.yaml (default " FF_UAP_REGEXES ")" },
	{ .name = "threads", .id = OPT_THREADS, .group = G_INPUT, .arg = "N",
	  .help = "threads (default: the processors): 1 reads and counts on one; 2 reads on one while "
		  "another counts; above 2 the counting is split by visitor" },
	{ .name = "state-in", .id = OPT_STATE_IN, .group = G_INPUT, .arg = "FILE",
	  .help = "continue from the state of the run before (yesterday's): its open visits go on" },
	{ .name = "state-out", .id = OPT_STATE_OUT, .group = G_INPUT, .arg = "FILE",
	  .help = "write this run's state (every count, for footfall merge and the next --state-in)" },
	{ .name = "shard", .id = OPT_SHARD, .group = G_INPUT, .arg = "K/N",
	  .help = "only the visitors whose key hashes to K modulo N (merge the N states)" },
	{ .name = "report", .id = OPT_REPORT, .group = G_REPORTS, .arg = "NAMES",
	  .help = "only these reports (comma-separated; see --list-reports)" },
	{ .name = "list-reports", .id = OPT_LIST_REPORTS, .group = G_REPORTS,
	  .help = "list the report names and exit" },
	{ .name = "top", .id = OPT_TOP, .group = G_REPORTS, .arg = "N",
	  .help = "rows of ranked reports, the rest summed as others (default: 10 in text and "
		  "html, all in csv, tsv and json; 0 all)" },
	{ .name = "max-keys", .id = OPT_MAX_KEYS, .group = G_REPORTS, .arg = "N",
	  .help = "distinct paths, referers... kept per report, the rest summed as others, to "
		  "bound memory (default " FF_STR(FF_MAX_KEYS_DEFAULT) ", 0 no limit)" },
	{ .name = "max-memory", .id = OPT_MAX_MEMORY, .group = G_REPORTS, .arg = "SIZE",
	  .help = "bytes of those keys kept over all reports (256M, 1G, bytes), new keys past it "
		  "summed as others (default " FF_MAX_MEMORY_TEXT ", 0 no limit)" },
	{ .name = "timeout", .id = OPT_TIMEOUT, .group = G_REPORTS, .arg = "SECONDS",
	  .help = "inactivity that ends a visit (default 1800)" },
	{ .name = "anonymize", .id = OPT_ANONYMIZE, .group = G_REPORTS,
	  .help = "show client addresses truncated (IPv4 /24, IPv6 /48)" },
	{ .name = "geoip", .id = OPT_GEOIP, .group = G_REPORTS, .arg = "FILE",
	  .help = "MaxMind DB file (.mmdb) of countries or cities: the countries and cities "
		  "reports and the records field country" },
	{ .name = "tz", .id = OPT_TZ, .group = G_REPORTS, .arg = "ZONE",
	  .help = "place hours, days and weekdays in this IANA zone (Europe/Berlin, UTC) "
		  "instead of the time written in the log" },
	{ .name = "format", .id = OPT_FORMAT, .group = G_OUTPUT, .arg = "FMT",
	  .help = "reports: text (default), csv, tsv, json or html; records: tsv (default), "
		  "csv or jsonl" },
	{ .name = "output", .id = OPT_OUTPUT, .group = G_OUTPUT, .arg = "FILE",
	  .help = "write to FILE (replaced atomically; the format follows its extension) "
		  "instead of standard output; a directory (DIR/) gets one csv or tsv file per "
		  "report" },
	{ .name = "width", .id = OPT_WIDTH, .group = G_OUTPUT, .arg = "N",
	  .help = "text: fit N columns (default: the terminal's; no cutting when not a "
		  "terminal; 0 never cut)" },
	{ .name = "wide", .id = OPT_WIDE, .group = G_OUTPUT,
	  .help = "text: never shorten long strings" },
	{ .name = "no-separators", .id = OPT_NO_SEPARATORS, .group = G_OUTPUT,
	  .help = "text: no thousands separators in numbers" },
	{ .name = "csv-raw", .id = OPT_CSV_RAW, .group = G_OUTPUT,
	  .help = "csv: do not neutralise cells that start with = + - @" },
	{ .name = "fields", .id = OPT_FIELDS, .group = G_OUTPUT, .arg = "LIST",
	  .help = "records: comma-separated columns to print, in order" },
	{ .name = "no-header", .id = OPT_NO_HEADER, .group = G_OUTPUT,
	  .help = "records: no header row in tsv and csv" },
	{ .name = "quiet", .id = OPT_QUIET, .group = G_OUTPUT,
	  .help = "no warnings about invalid lines" },
	{ .name = "progress", .id = OPT_PROGRESS, .group = G_OUTPUT,
	  .help = "show progress on standard error even when it is not a terminal" },
	{ .name = "site", .id = OPT_SITE, .group = G_MARKETING, .arg = "HOSTS",
	  .help = "the site's own host names, comma-separated (default: inferred)" },
	{ .name = "segment", .id = OPT_SEGMENT, .group = G_MARKETING, .arg = "EXPR",
	  .help = "visit-based numbers count only the visits where EXPR holds: entry=RE, exit=RE, "
		  "page=RE, source=NAME, campaign=RE, goal=NAME, device=TYPE, browser=RE, os=RE, "
		  "country=CC, returning=yes|no, pageviews>=N; repeatable, all must hold (replaces "
		  "segments: of the configuration)" },
	{ .name = "config", .id = OPT_CONFIG, .group = G_GENERAL, .arg = "FILE",
	  .help = "read FILE instead of ./footfall.yaml or ~/.config/footfall/config.yaml" },
	{ .name = "help", .id = OPT_HELP, .group = G_GENERAL, .help = "show this help and exit" },
	{ .name = "version", .id = OPT_VERSION, .group = G_GENERAL,
	  .help = "show the version, the user-agent rules and the optional features, and exit" },
};

#define N_OPTS (sizeof opt_table / sizeof *opt_table)

enum { HELP_WIDTH = 80, HELP_LEFT = 28 };

/* text word-wrapped into the columns from HELP_LEFT to HELP_WIDTH; the
 * first line goes on after what is already printed (at HELP_LEFT) */
static void help_text(FILE *f, const char *h)
{
	size_t room = HELP_WIDTH - HELP_LEFT;
	while (*h) {
		size_t n = strlen(h);
		if (n > room) {
			n = room;
			while (n > 0 && h[n] != ' ')
				n--;
			if (n == 0)
				n = room;
		}
		fprintf(f, "%.*s\n", (int)n, h);
		h += n;
		while (*h == ' ')
			h++;
		if (*h)
			fprintf(f, "%*s", HELP_LEFT, "");
	}
}

void ff_options_help(FILE *f)
{
	fputs("usage: footfall [OPTIONS] [FILE...]\n"
	      "       footfall records [OPTIONS] [FILE...]\n"
	      "       footfall merge [OPTIONS] STATE...\n"
	      "       footfall map [OPTIONS] [FILE...]\n"
	      "       footfall reduce [OPTIONS] [FILE...]\n"
	      "\n"
	      "Analyzes web server access logs (plain or gzip; '-' or no FILE reads\n"
	      "standard input).  Several files are merged by time.  The records command\n"
	      "prints one row per valid request instead of reports.  merge adds states\n"
	      "written by --state-out and prints their report (or, with --state-out,\n"
	      "the merged state).  map and reduce run footfall on a map/reduce engine:\n"
	      "map writes each line keyed by visitor, reduce turns a partition of those\n"
	      "records into a state.  Options go before or after the command.\n", f);
	for (int g = 0; g < N_GROUPS; g++) {
		bool heading = false;
		for (size_t i = 0; i < N_OPTS; i++) {
			const struct opt_desc *d = &opt_table[i];
			if ((int)d->group != g)
				continue;
			if (!heading)
				fprintf(f, "\n%s:\n", group_title[g]);
			heading = true;
			char left[64];
			if (d->id < 256)
				snprintf(left, sizeof left, "  -%c, --%s%s%s", d->id, d->name, d->arg ? " " : "",
					 d->arg ? d->arg : "");
			else
				snprintf(left, sizeof left, "      --%s%s%s", d->name, d->arg ? " " : "", d->arg ? d->arg : "");
			if (strlen(left) + 2 > HELP_LEFT)
				fprintf(f, "%s\n%*s", left, HELP_LEFT, "");
			else
				fprintf(f, "%-*s", HELP_LEFT, left);
			help_text(f, d->help);
		}
	}
	fputs("\nExit status: 0 success, 1 input or output failure, 2 usage or\n"
	      "configuration error.  See footfall(1) for the reports, the configuration\n"
	      "file and every field.\n", f);
}

/* The version, where the user-agent rules come from and how old they
 * are (they decide every browser and bot count), and what was built in. */
static void print_version(FILE *out, const char *ua_path)
{
	struct stat st;
	const char *path = ua_path ? ua_path : FF_UAP_REGEXES;
	fprintf(out, "footfall %s\n", PACKAGE_VERSION);
	if (stat(path, &st) == 0) {
		char date[32];
		struct tm tm;
		time_t t = st.st_mtime;
		if (gmtime_r(&t, &tm) && strftime(date, sizeof date, "%Y-%m-%d", &tm))
			fprintf(out, "uap-core rules: %s (%s)\n", path, date);
		else
			fprintf(out, "uap-core rules: %s\n", path);
	} else {
		fprintf(out, "uap-core rules: %s (missing: every agent is Other)\n", path);
	}
#if defined(HAVE_LIBMAXMINDDB) || defined(HAVE_MAXMINDDB)
	fputs("libmaxminddb: yes\n", out);
#else
	fputs("libmaxminddb: no\n", out);
#endif
}

/* The index of the command word ("records") in argv, or 0.  It is the
 * first argument that is neither an option nor an option's value, before
 * any "--", so `footfall -q records log` works and a file named records
 * is read as ./records or after --. */
static int find_command(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			return 0;
		if (a[0] != '-' || a[1] == 0)
			return strcmp(a, "records") == 0 || strcmp(a, "merge") == 0 || strcmp(a, "map") == 0 ||
					       strcmp(a, "reduce") == 0
				       ? i
				       : 0;
		if (a[1] == '-') {
			/* --name VALUE, unless --name=VALUE; a prefix names an
			 * option as getopt_long takes it */
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			const struct opt_desc *hit = NULL;
			for (size_t k = 0; k < N_OPTS; k++)
				if (strlen(opt_table[k].name) >= n && memcmp(opt_table[k].name, a + 2, n) == 0) {
					hit = &opt_table[k];
					if (strlen(opt_table[k].name) == n)
						break;
				}
			if (hit && hit->arg && !eq)
				i++;
			continue;
		}
		/* -qo FILE: the value is the rest of the word, or the next */
		for (const char *c = a + 1; *c; c++) {
			const struct opt_desc *hit = NULL;
			for (size_t k = 0; k < N_OPTS; k++)
				if (opt_table[k].id == (unsigned char)*c)
					hit = &opt_table[k];
			if (hit && hit->arg) {
				if (c[1] == 0)
					i++;
				break;
			}
		}
	}
	return 0;
}

__attribute__((format(printf, 2, 3)))
static enum ff_options_result usage_error(FILE *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ff_diag_v(err, fmt, ap); /* the arguments shown are made visible */
	va_end(ap);
	fputs(FF_PROGRAM ": try 'footfall --help'\n", err);
	return FF_OPTIONS_USAGE;
}

enum ff_options_result ff_options_parse(int argc, char **argv, ff_options *o, FILE *out, FILE *err)
{
	struct option longopts[N_OPTS + 1];
	char shortopts[2 * N_OPTS + 2];
	size_t ns = 0;

	memset(o, 0, sizeof *o);
	shortopts[ns++] = ':';
	for (size_t i = 0; i < N_OPTS; i++) {
		longopts[i] = (struct option){ opt_table[i].name, opt_table[i].arg ? required_argument : no_argument, NULL, opt_table[i].id };
		if (opt_table[i].id < 256) {
			shortopts[ns++] = (char)opt_table[i].id;
			if (opt_table[i].arg)
				shortopts[ns++] = ':';
		}
	}
	longopts[N_OPTS] = (struct option){ 0, 0, 0, 0 };
	shortopts[ns] = 0;

	int cmd = find_command(argc, argv);
	if (cmd) {
		/* take the word out; getopt_long permutes argv anyway */
		const char *word = argv[cmd];
		o->records = strcmp(word, "records") == 0;
		o->command = strcmp(word, "merge") == 0	 ? FF_CMD_MERGE
			     : strcmp(word, "map") == 0	 ? FF_CMD_MAP
			     : strcmp(word, "reduce") == 0 ? FF_CMD_REDUCE
							   : FF_CMD_RUN;
		for (int i = cmd; i + 1 < argc; i++)
			argv[i] = argv[i + 1];
		argc--;
	}
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG: o->config_path = optarg; break;
		case OPT_FORMAT: o->format = optarg; break;
		case OPT_OUTPUT: o->output = optarg; break;
		case OPT_LOG_FORMAT: o->log_format = optarg; break;
		case OPT_CLIENT: o->client = optarg; break;
		case OPT_FIELDS: o->fields = optarg; break;
		case OPT_NO_HEADER: o->no_header = true; break;
		case OPT_CSV_RAW: o->csv_raw = true; break;
		case OPT_NO_SEPARATORS: o->no_separators = true; break;
		case OPT_QUIET: o->quiet = true; break;
		case OPT_WIDE: o->wide = true; break;
		case OPT_WIDTH: {
			uint64_t v;
			if (!ff_sv_to_u64(ff_sv_cstr(optarg), 100000, &v))
				return usage_error(err, "--width takes a whole number of columns, not '%s'", optarg);
			o->width = (int64_t)v;
			o->width_set = true;
			break;
		}
		case OPT_REORDER_WINDOW: {
			uint64_t v;
			if (!ff_sv_to_u64(ff_sv_cstr(optarg), 100000000, &v))
				return usage_error(err, "--reorder-window takes a whole number of seconds, not '%s'", optarg);
			o->reorder_window = (int64_t)v;
			o->reorder_window_set = true;
			break;
		}
		case OPT_TIMEOUT: {
			uint64_t v;
			if (!ff_sv_to_u64(ff_sv_cstr(optarg), INT32_MAX, &v))
				return usage_error(err, "--timeout takes a whole number of seconds, not '%s'", optarg);
			o->timeout = (int64_t)v;
			o->timeout_set = true;
			break;
		}
		case OPT_TOP: {
			uint64_t v;
			if (!ff_sv_to_u64(ff_sv_cstr(optarg), INT32_MAX, &v))
				return usage_error(err, "--top takes a whole number of rows, not '%s'", optarg);
			o->top = (int64_t)v;
			o->top_set = true;
			break;
		}
		case OPT_MAX_KEYS: {
			uint64_t v;
			if (!ff_sv_to_u64(ff_sv_cstr(optarg), FF_MAX_KEYS_MAX, &v))
				return usage_error(err, "--max-keys takes a whole number of keys up to %d, not '%s'",
						   FF_MAX_KEYS_MAX, optarg);
			o->max_keys = (int64_t)v;
			o->max_keys_set = true;
			break;
		}
		case OPT_MAX_MEMORY: {
			uint64_t v;
			if (!ff_parse_size(optarg, strlen(optarg), INT64_MAX, &v))
				return usage_error(err, "--max-memory takes a size in bytes (256M, 1G, 1048576), not '%s'",
						   optarg);
			o->max_memory = (int64_t)v;
			o->max_memory_set = true;
			break;
		}
		case OPT_THREADS: {
			uint64_t v;
			if (!ff_sv_to_u64(ff_sv_cstr(optarg), FF_THREADS_MAX, &v) || v == 0)
				return usage_error(err, "--threads takes a number from 1 to %d, not '%s'", FF_THREADS_MAX,
						   optarg);
			o->threads = (int64_t)v;
			break;
		}
		case OPT_STATE_IN: o->state_in = optarg; break;
		case OPT_STATE_OUT: o->state_out = optarg; break;
		case OPT_SHARD: {
			const char *slash = strchr(optarg, '/');
			uint64_t k, n;
			if (!slash || !ff_sv_to_u64(ff_sv_make(optarg, (size_t)(slash - optarg)), UINT32_MAX, &k) ||
			    !ff_sv_to_u64(ff_sv_cstr(slash + 1), UINT32_MAX, &n) || n == 0 || k >= n)
				return usage_error(err, "--shard takes K/N with 0 <= K < N, not '%s'", optarg);
			o->shard_k = k;
			o->shard_n = n;
			break;
		}
		case OPT_SITE: o->site = optarg; break;
		case OPT_TZ: o->tz = optarg; break;
		case OPT_SINCE: o->since = optarg; break;
		case OPT_UNTIL: o->until = optarg; break;
		case OPT_INCLUDE:
		case OPT_EXCLUDE:
		case OPT_EXCLUDE_IP:
		case OPT_SEGMENT: {
			const char **list = c == OPT_INCLUDE ? o->includes : c == OPT_EXCLUDE ? o->excludes
									      : c == OPT_SEGMENT ? o->segments : o->exclude_ips;
			int *n = c == OPT_INCLUDE ? &o->n_includes : c == OPT_EXCLUDE ? &o->n_excludes
						 : c == OPT_SEGMENT ? &o->n_segments : &o->n_exclude_ips;
			if (*n == FF_MAX_REPEAT)
				return usage_error(err, "at most %d of '%s'", FF_MAX_REPEAT, argv[optind - 2]);
			list[(*n)++] = optarg;
			break;
		}
		case OPT_NO_BOTS: o->no_bots = true; break;
		case OPT_BOTS_ONLY: o->bots_only = true; break;
		case OPT_ANONYMIZE: o->anonymize = true; break;
		case OPT_PROGRESS: o->progress = true; break;
		case OPT_UA_REGEXES: o->ua_regexes = optarg; break;
		case OPT_GEOIP: o->geoip = optarg; break;
		case OPT_REPORT: o->reports = optarg; break;
		case OPT_LIST_REPORTS:
			o->list_reports = true;
			return FF_OPTIONS_RUN;
		case OPT_HELP:
			ff_options_help(out);
			return FF_OPTIONS_DONE;
		case OPT_VERSION:
			print_version(out, o->ua_regexes);
			return FF_OPTIONS_DONE;
		case ':':
			return usage_error(err, "option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error(err, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (o->no_bots && o->bots_only)
		return usage_error(err, "%s", "--no-bots and --bots-only exclude each other");
	o->files = argv + optind;
	o->n_files = argc - optind;
	return FF_OPTIONS_RUN;
}
