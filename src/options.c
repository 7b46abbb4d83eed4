/* options.c — the option table, getopt_long over it, and --help made from
 * it.  Adding an option is one row here, a field in ff_options, a line in
 * man/footfall.1 and, when it has a config key, config.example.yaml. */
#include "options.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
	OPT_GEOIP,
};

#define FF_STR_(x) #x
#define FF_STR(x) FF_STR_(x)

struct opt_desc {
	const char *name;
	int id;
	const char *arg; /* NULL: takes no argument */
	const char *help;
};

static const struct opt_desc opt_table[] = {
	{ .name = "log-format", .id = OPT_LOG_FORMAT, .arg = "FORMAT",
	  .help = "auto (default), combined, common, vhost_combined, an Apache\n"
		  "LogFormat or Nginx log_format string, or regex:PATTERN" },
	{ .name = "format", .id = OPT_FORMAT, .arg = "FMT",
	  .help = "reports: text (default), csv, tsv, json or html; records: tsv (default),\n"
		  "csv or jsonl" },
	{ .name = "output", .id = OPT_OUTPUT, .arg = "FILE",
	  .help = "write to FILE (replaced atomically) instead of standard output" },
	{ .name = "report", .id = OPT_REPORT, .arg = "NAMES",
	  .help = "only these reports (comma-separated; see --list-reports)" },
	{ .name = "top", .id = OPT_TOP, .arg = "N",
	  .help = "rows of ranked reports, the rest summed as others (default 10, 0 all)" },
	{ .name = "since", .id = OPT_SINCE, .arg = "TIME",
	  .help = "only requests at or after TIME (YYYY-MM-DD[THH:MM[:SS]][+hh:mm])" },
	{ .name = "until", .id = OPT_UNTIL, .arg = "TIME",
	  .help = "only requests up to TIME (a date alone: to the end of that day)" },
	{ .name = "include", .id = OPT_INCLUDE, .arg = "FIELD=REGEX",
	  .help = "only requests whose FIELD matches (path, status, method, client,\n"
		  "referer, user_agent, vhost); repeatable, all must match" },
	{ .name = "exclude", .id = OPT_EXCLUDE, .arg = "FIELD=REGEX",
	  .help = "leave out requests whose FIELD matches; repeatable" },
	{ .name = "exclude-ip", .id = OPT_EXCLUDE_IP, .arg = "CIDR",
	  .help = "leave out requests from an address or range; repeatable" },
	{ .name = "no-bots", .id = OPT_NO_BOTS, .help = "leave out bots' requests" },
	{ .name = "bots-only", .id = OPT_BOTS_ONLY, .help = "only bots' requests" },
	{ .name = "anonymize", .id = OPT_ANONYMIZE,
	  .help = "show client addresses truncated (IPv4 /24, IPv6 /48)" },
	{ .name = "site", .id = OPT_SITE, .arg = "HOSTS",
	  .help = "the site's own host names, comma-separated (default: inferred)" },
	{ .name = "timeout", .id = OPT_TIMEOUT, .arg = "SECONDS",
	  .help = "inactivity that ends a visit (default 1800)" },
	{ .name = "max-keys", .id = OPT_MAX_KEYS, .arg = "N",
	  .help = "distinct paths, referers... kept per report, the rest summed as\n"
		  "others, to bound memory (default " FF_STR(FF_MAX_KEYS_DEFAULT) ", 0 no limit)" },
	{ .name = "geoip", .id = OPT_GEOIP, .arg = "FILE",
	  .help = "MaxMind DB file (.mmdb) of countries or cities: the countries\n"
		  "and cities reports and the records field country" },
	{ .name = "ua-regexes", .id = OPT_UA_REGEXES, .arg = "FILE",
	  .help = "uap-core regexes.yaml (default " FF_UAP_REGEXES ")" },
	{ .name = "config", .id = OPT_CONFIG, .arg = "FILE",
	  .help = "read FILE instead of ./footfall.yaml or ~/.config/footfall/config.yaml" },
	{ .name = "reorder-window", .id = OPT_REORDER_WINDOW, .arg = "SECONDS",
	  .help = "lines up to this much out of time order are not late (default 300)" },
	{ .name = "fields", .id = OPT_FIELDS, .arg = "LIST",
	  .help = "records: comma-separated columns to print, in order" },
	{ .name = "no-header", .id = OPT_NO_HEADER,
	  .help = "records: no header row in tsv and csv" },
	{ .name = "csv-raw", .id = OPT_CSV_RAW,
	  .help = "csv: do not neutralise cells that start with = + - @" },
	{ .name = "no-separators", .id = OPT_NO_SEPARATORS,
	  .help = "text: no thousands separators in numbers" },
	{ .name = "wide", .id = OPT_WIDE,
	  .help = "text: do not shorten long strings" },
	{ .name = "threads", .id = OPT_THREADS, .arg = "N",
	  .help = "1: read and count on one thread; 2 (the default with two or more\n"
		  "processors): read on one thread while another counts" },
	{ .name = "progress", .id = OPT_PROGRESS,
	  .help = "show progress on standard error even when it is not a terminal" },
	{ .name = "quiet", .id = OPT_QUIET,
	  .help = "no warnings about invalid lines" },
	{ .name = "list-reports", .id = OPT_LIST_REPORTS, .help = "list the report names and exit" },
	{ .name = "help", .id = OPT_HELP, .help = "show this help and exit" },
	{ .name = "version", .id = OPT_VERSION, .help = "show the version and exit" },
};

#define N_OPTS (sizeof opt_table / sizeof *opt_table)

void ff_options_help(FILE *f)
{
	fputs("usage: footfall [OPTIONS] [FILE...]\n"
	      "       footfall records [OPTIONS] [FILE...]\n"
	      "\n"
	      "Analyzes web server access logs (plain or gzip; '-' or no FILE reads\n"
	      "standard input).  Several files are merged by time.  The records command\n"
	      "prints one row per valid request instead of reports.\n"
	      "\n"
	      "options:\n", f);
	for (size_t i = 0; i < N_OPTS; i++) {
		const struct opt_desc *d = &opt_table[i];
		char left[64];
		if (d->id < 256)
			snprintf(left, sizeof left, "-%c, --%s%s%s", d->id, d->name, d->arg ? " " : "", d->arg ? d->arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", d->name, d->arg ? " " : "", d->arg ? d->arg : "");
		const char *h = d->help;
		fprintf(f, "  %-28s ", left);
		for (;;) {
			const char *nl = strchr(h, '\n');
			if (!nl) {
				fprintf(f, "%s\n", h);
				break;
			}
			fprintf(f, "%.*s\n  %-28s ", (int)(nl - h), h, "");
			h = nl + 1;
		}
	}
	fputs("\nExit status: 0 success, 1 input or output failure, 2 usage or configuration error.\n"
	      "See footfall(1) for the reports, the configuration file and every field.\n", f);
}

__attribute__((format(printf, 2, 3)))
static enum ff_options_result usage_error(FILE *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs(FF_PROGRAM ": ", err);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputs("\n" FF_PROGRAM ": try 'footfall --help'\n", err);
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

	/* The command word comes first, so a file named "records" is still
	 * readable as ./records. */
	int first = 1;
	if (argc > 1 && strcmp(argv[1], "records") == 0) {
		o->records = true;
		first = 2;
	}
	optind = first;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG: o->config_path = optarg; break;
		case OPT_FORMAT: o->format = optarg; break;
		case OPT_OUTPUT: o->output = optarg; break;
		case OPT_LOG_FORMAT: o->log_format = optarg; break;
		case OPT_FIELDS: o->fields = optarg; break;
		case OPT_NO_HEADER: o->no_header = true; break;
		case OPT_CSV_RAW: o->csv_raw = true; break;
		case OPT_NO_SEPARATORS: o->no_separators = true; break;
		case OPT_QUIET: o->quiet = true; break;
		case OPT_WIDE: o->wide = true; break;
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
		case OPT_THREADS: {
			uint64_t v;
			if (!ff_sv_to_u64(ff_sv_cstr(optarg), 2, &v) || v == 0)
				return usage_error(err, "--threads takes 1 or 2, not '%s'", optarg);
			o->threads = (int64_t)v;
			break;
		}
		case OPT_SITE: o->site = optarg; break;
		case OPT_SINCE: o->since = optarg; break;
		case OPT_UNTIL: o->until = optarg; break;
		case OPT_INCLUDE:
		case OPT_EXCLUDE:
		case OPT_EXCLUDE_IP: {
			const char **list = c == OPT_INCLUDE ? o->includes : c == OPT_EXCLUDE ? o->excludes : o->exclude_ips;
			int *n = c == OPT_INCLUDE ? &o->n_includes : c == OPT_EXCLUDE ? &o->n_excludes : &o->n_exclude_ips;
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
			fprintf(out, "footfall %s\n", PACKAGE_VERSION);
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
