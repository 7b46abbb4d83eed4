/* run.c — the pipeline driver.  It wires the stages together in the one
 * direction data flows (inputs → merge → summary/records → renderer) and
 * turns their statuses into messages and an exit status. */
#include "run.h"

#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis.h"
#include "autoconf.h"
#include "detect.h"
#include "diag.h"
#include "filter.h"
#include "handoff.h"
#include "privacy.h"
#include "rowqueue.h"
#include "input.h"
#include "logformat.h"
#include "merge.h"
#include "records.h"
#include "render.h"
#include "summary.h"
#include "useragent.h"

#include <sys/random.h>
#include <time.h>

#define INVALID_SHOWN 5

enum out_format { OUT_TEXT, OUT_JSON, OUT_TSV, OUT_CSV, OUT_JSONL, OUT_HTML };

struct run {
	const ff_options *o;
	FILE *err;
	bool err_tty;
	int status;
	enum out_format out_format;
	ff_records_spec rspec;
	ff_format *fmt;
	char *format_label;
	bool format_detected;
	ff_merge *merge;
	ff_input_facts *facts;   /* one per file argument */
	size_t n_facts;
	size_t *fact_of_source;  /* merge source index -> facts index */
	ff_summary summary;
	uint64_t invalid_seen;
	uint64_t seq;            /* position of a line in the merged input */
	ff_ua *ua;
	ff_analysis *analysis;
	bool analysis_failed;
	ff_strlist site_hosts;   /* --site split, when given */
	bool need_class;         /* records: classification columns asked */
	bool need_visits;        /* records: visit columns asked */
	ff_filter *filter;       /* NULL when no filter is active */
	ff_rowqueue *rows;       /* records waiting for their visit */
	ff_handoff *handoff;     /* between the reading and counting threads */
	ff_format *count_fmt;    /* the counting thread's copy of fmt, for the
				    lines the reading thread left unparsed */
	bool anonymize;
	/* progress on standard error */
	bool progress;
	uint64_t total_bytes;    /* sum of the input sizes, 0 when unknown */
	struct timespec started, last_progress;
	/* output */
	FILE *out;
	char *tmp_path;
	bool direct; /* -o names a device or pipe: no temporary file */
	bool no_report; /* nothing was rendered: -o keeps its old file */
};

static int pick_out_format(struct run *r, char *err, size_t errsz)
{
	const char *name = r->o->format;
	if (!name && r->o->output) {
		const char *dot = strrchr(r->o->output, '.');
		if (dot && strcmp(dot, ".json") == 0)
			name = r->o->records ? "jsonl" : "json";
		else if (dot && strcmp(dot, ".csv") == 0)
			name = "csv";
		else if (dot && strcmp(dot, ".tsv") == 0)
			name = "tsv";
		else if (dot && strcmp(dot, ".jsonl") == 0)
			name = "jsonl";
		else if (dot && (strcmp(dot, ".html") == 0 || strcmp(dot, ".htm") == 0))
			name = "html";
	}
	if (r->o->records) {
		if (!name || strcmp(name, "tsv") == 0)
			r->out_format = OUT_TSV;
		else if (strcmp(name, "csv") == 0)
			r->out_format = OUT_CSV;
		else if (strcmp(name, "jsonl") == 0)
			r->out_format = OUT_JSONL;
		else {
			snprintf(err, errsz, "records are written as tsv, csv or jsonl, not '%s'", name);
			return -1;
		}
		return 0;
	}
	if (!name || strcmp(name, "text") == 0)
		r->out_format = OUT_TEXT;
	else if (strcmp(name, "json") == 0)
		r->out_format = OUT_JSON;
	else if (strcmp(name, "csv") == 0)
		r->out_format = OUT_CSV;
	else if (strcmp(name, "tsv") == 0)
		r->out_format = OUT_TSV;
	else if (strcmp(name, "html") == 0)
		r->out_format = OUT_HTML;
	else {
		snprintf(err, errsz, "unknown output format '%s' (text, csv, tsv, json or html)", name);
		return -1;
	}
	return 0;
}

/* Output goes to a temporary file beside the target and is renamed into
 * place at the end, so a reader never sees half a report. */
static int open_output(struct run *r)
{
	if (!r->o->output) {
		r->out = stdout;
		return 0;
	}
	/* A device or a pipe (-o /dev/stdout, a fifo) is written directly:
	 * renaming over it would replace it. */
	struct stat st;
	if (stat(r->o->output, &st) == 0 && !S_ISREG(st.st_mode)) {
		r->out = fopen(r->o->output, "w");
		if (!r->out) {
			ff_diag(r->err, "cannot write '%s': %s", r->o->output, strerror(errno));
			return -1;
		}
		r->direct = true;
		return 0;
	}
	char *copy = strdup(r->o->output);
	if (copy) {
		const char *dir = dirname(copy);
		size_t len = strlen(dir) + sizeof "/.footfall-XXXXXX";
		if ((r->tmp_path = malloc(len)))
			snprintf(r->tmp_path, len, "%s/.footfall-XXXXXX", dir);
		free(copy);
	}
	if (!r->tmp_path) {
		ff_diag(r->err, "out of memory");
		return -1;
	}
	int fd = mkstemp(r->tmp_path);
	if (fd < 0) {
		/* the report goes to a temporary file beside the target first:
		 * say which directory refused it */
		char *dcopy = strdup(r->o->output);
		ff_diag(r->err, "cannot write '%s': cannot create a file in '%s': %s", r->o->output,
			dcopy ? dirname(dcopy) : ".", strerror(errno));
		free(dcopy);
		free(r->tmp_path);
		r->tmp_path = NULL;
		return -1;
	}
	mode_t mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
	r->out = fdopen(fd, "w");
	if (!r->out) {
		ff_diag(r->err, "cannot write '%s': %s", r->o->output, strerror(errno));
		close(fd);
		unlink(r->tmp_path);
		free(r->tmp_path);
		r->tmp_path = NULL;
		return -1;
	}
	return 0;
}

static int close_output(struct run *r)
{
	if (r->direct) {
		int failed = fflush(r->out) != 0 || ferror(r->out);
		int saved = errno;
		if (fclose(r->out) != 0 && !failed)
			failed = 1, saved = errno;
		r->out = NULL;
		if (failed)
			ff_diag(r->err, "cannot write '%s': %s", r->o->output, strerror(saved));
		return failed ? -1 : 0;
	}
	if (!r->tmp_path) {
		if (fflush(stdout) != 0 || ferror(stdout)) {
			ff_diag(r->err, "error writing standard output: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	int failed = fflush(r->out) != 0 || ferror(r->out);
	int saved = errno;
	if (fclose(r->out) != 0 && !failed)
		failed = 1, saved = errno;
	r->out = NULL;
	if (r->no_report) {
		/* an empty file must not replace the last good report */
		unlink(r->tmp_path);
		free(r->tmp_path);
		r->tmp_path = NULL;
		return 0;
	}
	if (!failed && rename(r->tmp_path, r->o->output) != 0)
		failed = 1, saved = errno;
	if (failed) {
		ff_diag(r->err, "cannot write '%s': %s", r->o->output, strerror(saved));
		unlink(r->tmp_path);
	}
	free(r->tmp_path);
	r->tmp_path = NULL;
	return failed ? -1 : 0;
}

/* A line that did not parse, as both read paths hand it over: text is the
 * line, or its first bytes. */
struct bad_line {
	enum ff_parse_result result;
	bool overlong;
	size_t source;
	uint64_t number;
	ff_sv text;
};

static const char *invalid_reason(const struct bad_line *bad, const char *fmt_name, char *buf, size_t bufsz)
{
	if (bad->overlong) {
		snprintf(buf, bufsz, "line longer than %u bytes", FF_LINE_MAX);
		return buf;
	}
	switch (bad->result) {
	case FF_PARSE_TRAILING:
		snprintf(buf, bufsz, "extra fields after the %s format", fmt_name);
		break;
	case FF_PARSE_BAD_TIME:
		snprintf(buf, bufsz, "time is not a real calendar time");
		break;
	case FF_PARSE_BAD_STATUS:
		snprintf(buf, bufsz, "status is not a number from 100 to 599");
		break;
	case FF_PARSE_BAD_BYTES:
		snprintf(buf, bufsz, "byte count is not a number below 2^63");
		break;
	default:
		snprintf(buf, bufsz, "does not match the %s format", fmt_name);
		break;
	}
	return buf;
}

static void on_invalid(struct run *r, const struct bad_line *bad, ff_input_facts *facts)
{
	ff_summary_add_invalid(&r->summary);
	facts->invalid++;
	if (r->o->quiet || ++r->invalid_seen > INVALID_SHOWN)
		return;
	char reason[128], shown[400];
	const char *name = ff_input_name(ff_merge_input(r->merge, bad->source));
	invalid_reason(bad, ff_format_kind(r->fmt), reason, sizeof reason);
	if (r->anonymize) /* the line holds a client address */
		ff_diag_at(r->err, name, bad->number, "invalid line (%s)", reason);
	else
		ff_diag_at(r->err, name, bad->number, "invalid line (%s): %s", reason,
			   ff_visible(bad->text, 120, shown, sizeof shown));
}

static void records_class(struct run *r, const ff_hit_class *hc, ff_records_class *cls)
{
	const ff_agent *ag = hc->agent;
	*cls = (ff_records_class){
		.bot = hc->bot,
		.is_static = hc->is_static,
		.pageview = hc->pageview,
		.browser = ff_analysis_name(r->analysis, ag->browser),
		.browser_major = ff_analysis_name(r->analysis, ag->browser_major),
		.browser_minor = ff_analysis_name(r->analysis, ag->browser_minor),
		.os = ff_analysis_name(r->analysis, ag->os),
		.os_major = ff_analysis_name(r->analysis, ag->os_major),
		.device = ff_analysis_name(r->analysis, ag->device),
		.device_type = ff_device_type_name(ag->device_type),
	};
}

/* Prints the held rows that are complete (all of them with flush). */
static void print_rows(struct run *r, bool flush)
{
	const ff_row *row;
	while ((row = ff_rowqueue_peek(r->rows, flush))) {
		ff_record rec;
		if (ff_format_parse(r->fmt, row->line.p, row->line.n, &rec) == FF_PARSE_OK) {
			ff_hit_class hc = {
				.bot = row->bot, .is_static = row->is_static, .pageview = row->pageview,
				.agent = &row->agent,
			};
			ff_records_class cls;
			records_class(r, &hc, &cls);
			cls.has_visit = row->pageview && row->assigned;
			cls.visit_id = row->visit_id;
			cls.visit_start = row->visit_start;
			cls.source = row->visit_source;
			ff_records_row(r->out, &r->rspec, r->facts[row->source].name, row->line_number, &rec, &cls);
		}
		ff_rowqueue_pop(r->rows);
	}
}

static void on_assign(void *ctx, uint64_t seq, uint64_t visit_id, bool visit_start, const char *source)
{
	struct run *r = ctx;
	if (r->rows)
		ff_rowqueue_assign_source(r->rows, seq, visit_id, visit_start, source);
}

static void out_of_memory(struct run *r, uint64_t number, const ff_input_facts *facts)
{
	ff_diag(r->err, "out of memory: the reports stop at line %" PRIu64 " of %s", number, facts->name);
	r->analysis_failed = true;
	r->status = FF_EXIT_IO;
}

/* What a valid line is: its class and whether the filters let it
 * through. */
struct verdict {
	bool classified, class_failed, passed;
	ff_hit_class hc;
};

static void judge(struct run *r, const ff_record *rec, const ff_key_hashes *hashes, struct verdict *v)
{
	*v = (struct verdict){ .passed = true };
	if (r->analysis && !r->analysis_failed) {
		if (ff_analysis_classify(r->analysis, rec, hashes, &v->hc) == 0)
			v->classified = true;
		else
			v->class_failed = true;
	}
	if (r->filter)
		v->passed = ff_filter_pass(r->filter, rec, v->classified && v->hc.bot);
}

/* A valid line.  line is the whole line (records that wait for their
 * visit keep a copy). */
static void on_valid(struct run *r, const ff_record *rec, const ff_key_hashes *hashes, ff_sv line, uint64_t number,
		     size_t fact_idx)
{
	ff_input_facts *facts = &r->facts[fact_idx];
	ff_summary_add_valid(&r->summary, rec);
	struct verdict v;
	judge(r, rec, hashes, &v);
	if (v.class_failed)
		out_of_memory(r, number, facts);
	bool classified = v.classified;
	const ff_hit_class *hc = &v.hc;
	if (!v.passed) {
		if (classified && ff_analysis_tick(r->analysis, rec) != 0)
			out_of_memory(r, number, facts);
		return;
	}
	ff_summary_add_hit(&r->summary, rec);
	if (r->rows) {
		ff_row row = {
			.seq = r->seq, .line_number = number, .source = fact_idx,
			.bot = hc->bot, .is_static = hc->is_static,
			.pageview = classified && hc->pageview,
		};
		if (classified)
			row.agent = *hc->agent;
		if (ff_rowqueue_push(r->rows, &row, line) != 0)
			out_of_memory(r, number, facts);
	}
	if (classified && ff_analysis_count(r->analysis, rec, r->seq, hc) != 0)
		out_of_memory(r, number, facts);
	if (!r->o->records)
		return;
	if (r->rows) {
		print_rows(r, false);
		return;
	}
	if (!r->need_class || !classified) {
		ff_records_row(r->out, &r->rspec, facts->name, number, rec, NULL);
		return;
	}
	ff_records_class cls;
	records_class(r, hc, &cls);
	ff_records_row(r->out, &r->rspec, facts->name, number, rec, &cls);
}

static int choose_format(struct run *r, const ff_config *cfg, ff_input *first, ff_replay *replay, const char *first_name)
{
	const char *spec = r->o->log_format ? r->o->log_format : cfg->log_format;
	char err[512];
	if (spec && strcmp(spec, "auto") != 0) {
		r->fmt = ff_format_compile(spec, err, sizeof err);
		if (!r->fmt) {
			ff_diag(r->err, "%s: %s", r->o->log_format ? "--log-format" : "log.format", err);
			return -1;
		}
		if (ff_format_note(r->fmt))
			ff_diag(r->err, "%s: %s", r->o->log_format ? "--log-format" : "log.format", ff_format_note(r->fmt));
		r->format_label = strdup(spec);
		return r->format_label ? 0 : -1;
	}
	ff_detection d;
	const char *preset = "combined";
	if (first) {
		if (ff_detect_input(first, replay, &d, err, sizeof err) != 0) {
			ff_diag(r->err, "format detection failed: %s", err);
			return -1;
		}
		preset = d.preset;
		if (d.prefix_preset && d.suggestion[0])
			ff_diag_at(r->err, first_name, 0,
				   "most lines match the %s format followed by more fields; to read them use --log-format '%s'",
				   d.prefix_preset, d.suggestion);
		else if (d.sampled && d.matched == 0)
			ff_diag_at(r->err, first_name, 0,
				   "no built-in format matches the first %zu lines; give the format with --log-format",
				   d.sampled);
		else if (d.sampled && r->err_tty && !r->o->quiet)
			ff_diag(r->err, "log format: %s (detected: %zu of %zu sample lines match)", preset, d.matched, d.sampled);
	}
	r->fmt = ff_format_compile(preset, err, sizeof err);
	if (!r->fmt) {
		ff_diag(r->err, "%s", err);
		return -1;
	}
	r->format_label = strdup(preset);
	r->format_detected = true;
	return r->format_label ? 0 : -1;
}

/* Splits "a,b" into an owned list. */
static int split_list(const char *text, ff_strlist *out)
{
	ff_sv rest = ff_sv_cstr(text);
	while (rest.n) {
		ff_sv item = ff_sv_next_item(&rest, ',');
		if (!item.n)
			continue;
		char **items = realloc(out->items, (out->count + 1) * sizeof *items);
		if (!items)
			return -1;
		out->items = items;
		if (!(items[out->count] = strndup(item.p, item.n)))
			return -1;
		out->count++;
	}
	return 0;
}

static int check_reports(struct run *r)
{
	if (!r->o->reports)
		return 0;
	ff_sv rest = ff_sv_cstr(r->o->reports);
	while (rest.n) {
		ff_sv name = ff_sv_next_item(&rest, ',');
		const ff_report_info *ri;
		for (ri = ff_report_list; ri->name; ri++)
			if (ff_sv_eq_cstr(name, ri->name))
				break;
		if (!ri->name) {
			char shown[200];
			ff_diag(r->err, "--report: unknown report '%s' (see footfall --list-reports)",
				ff_visible(name, 64, shown, sizeof shown));
			return -1;
		}
	}
	return 0;
}

static int setup_filter(struct run *r, const ff_config *cfg)
{
	char err[512];
	const ff_options *o = r->o;
	if (!(r->filter = ff_filter_new())) {
		ff_diag(r->err, "out of memory");
		return FF_EXIT_IO;
	}
	if (o->since && ff_filter_since(r->filter, o->since, err, sizeof err) != 0)
		return ff_diag(r->err, "--since: %s", err), FF_EXIT_USAGE;
	if (o->until && ff_filter_until(r->filter, o->until, err, sizeof err) != 0)
		return ff_diag(r->err, "--until: %s", err), FF_EXIT_USAGE;
	for (int i = 0; i < o->n_includes; i++)
		if (ff_filter_match(r->filter, o->includes[i], false, err, sizeof err) != 0)
			return ff_diag(r->err, "--include: %s", err), FF_EXIT_USAGE;
	for (int i = 0; i < o->n_excludes; i++)
		if (ff_filter_match(r->filter, o->excludes[i], true, err, sizeof err) != 0)
			return ff_diag(r->err, "--exclude: %s", err), FF_EXIT_USAGE;
	for (int i = 0; i < o->n_exclude_ips; i++)
		if (ff_filter_exclude_ip(r->filter, o->exclude_ips[i], err, sizeof err) != 0)
			return ff_diag(r->err, "--exclude-ip: %s", err), FF_EXIT_USAGE;
	for (size_t i = 0; i < cfg->exclude_ip.count; i++)
		if (ff_filter_exclude_ip(r->filter, cfg->exclude_ip.items[i], err, sizeof err) != 0)
			return ff_diag(r->err, "%s: filters.exclude_ip: %s", cfg->source ? cfg->source : "configuration", err),
			       FF_EXIT_USAGE;
	ff_filter_bots(r->filter, o->no_bots ? FF_BOTS_NONE : o->bots_only ? FF_BOTS_ONLY : FF_BOTS_ALL);
	if (!ff_filter_active(r->filter)) {
		ff_filter_free(r->filter);
		r->filter = NULL;
	}
	return FF_EXIT_OK;
}

/* The groups of counts no report shown needs: with --report, a run
 * counts only what those reports are built from. */
static unsigned uncounted_groups(const struct run *r)
{
	if (r->o->records || !r->o->reports)
		return 0;
	unsigned needed = 0;
	ff_sv rest = ff_sv_cstr(r->o->reports);
	while (rest.n) {
		ff_sv name = ff_sv_next_item(&rest, ',');
		for (const ff_report_info *ri = ff_report_list; ri->name; ri++)
			if (ff_sv_eq_cstr(name, ri->name))
				needed |= ri->groups;
	}
	return FF_G_ALL & ~needed;
}

static int setup_analysis(struct run *r, const ff_config *cfg)
{
	char err[512];
	/* Records need the analysis only for classification, visits or a bot
	 * filter. */
	if (r->o->records && !r->need_class && !r->need_visits && !r->o->no_bots && !r->o->bots_only)
		return FF_EXIT_OK;
	const char *path = r->o->ua_regexes ? r->o->ua_regexes : cfg->ua_regexes ? cfg->ua_regexes : FF_UAP_REGEXES;
	r->ua = ff_ua_load(path, err, sizeof err);
	if (!r->ua) {
		ff_diag(r->err, "%s; browsers, systems and devices show as Other and bots come only from classify.bot_patterns", err);
		r->ua = ff_ua_empty();
		if (!r->ua) {
			ff_diag(r->err, "out of memory");
			return FF_EXIT_IO;
		}
	}
	if (r->o->site && split_list(r->o->site, &r->site_hosts) != 0) {
		ff_diag(r->err, "out of memory");
		return FF_EXIT_IO;
	}
	uint64_t seed = 0;
	if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed)
		seed = (uint64_t)getpid() * 0x9e3779b97f4a7c15u ^ (uint64_t)(uintptr_t)&seed;
	ff_analysis_options ao = {
		.timeout = r->o->timeout_set ? r->o->timeout : cfg->visits_timeout,
		.reorder_window = r->summary.reorder_window,
		.site_hosts = r->o->site ? &r->site_hosts : &cfg->site_hosts,
		.seed = seed,
		.anonymize = r->anonymize,
		.max_keys = (size_t)(r->o->max_keys_set ? r->o->max_keys : cfg->max_keys),
		.skip = uncounted_groups(r),
		.on_assign = r->rows ? on_assign : NULL,
		.assign_ctx = r,
	};
	r->analysis = ff_analysis_new(&ao, r->ua, cfg, err, sizeof err);
	if (!r->analysis) {
		ff_diag(r->err, "%s", err);
		return FF_EXIT_USAGE;
	}
	if (r->o->records && ff_records_has_field(&r->rspec, FF_R_SOURCE) && !ao.site_hosts->count)
		ff_diag(r->err, "the source column is empty: telling referral from direct visits needs the site's own "
				"host names (--site or site.hosts)");
	return FF_EXIT_OK;
}

static int setup(struct run *r, const ff_config *cfg)
{
	char err[512];
	if (pick_out_format(r, err, sizeof err) != 0) {
		ff_diag(r->err, "%s", err);
		return FF_EXIT_USAGE;
	}
	if (check_reports(r) != 0)
		return FF_EXIT_USAGE;
	if (r->o->records) {
		r->rspec.format = r->out_format == OUT_CSV ? FF_RECORDS_CSV : r->out_format == OUT_JSONL ? FF_RECORDS_JSONL : FF_RECORDS_TSV;
		r->rspec.header = !r->o->no_header;
		r->rspec.csv_raw = r->o->csv_raw;
		if (r->o->fields && ff_records_parse_fields(r->o->fields, &r->rspec, err, sizeof err) != 0) {
			ff_diag(r->err, "--fields: %s", err);
			return FF_EXIT_USAGE;
		}
	}

	static char *const stdin_only[] = { "-" };
	char *const *files = r->o->n_files ? r->o->files : stdin_only;
	size_t n_files = r->o->n_files ? (size_t)r->o->n_files : 1;
	r->facts = calloc(n_files, sizeof *r->facts);
	r->fact_of_source = calloc(n_files, sizeof *r->fact_of_source);
	ff_input **inputs = calloc(n_files, sizeof *inputs);
	if (!r->facts || !r->fact_of_source || !inputs) {
		free(inputs);
		ff_diag(r->err, "out of memory");
		return FF_EXIT_IO;
	}
	r->n_facts = n_files;
	if (!r->o->n_files && isatty(STDIN_FILENO) && r->err_tty)
		ff_diag(r->err, "reading standard input from the terminal (give log files as arguments; see --help)");

	ff_input *first = NULL;
	for (size_t i = 0; i < n_files; i++) {
		r->facts[i].name = files[i];
		r->facts[i].compression = "none";
		inputs[i] = ff_input_open(files[i], err, sizeof err);
		if (!inputs[i]) {
			ff_diag_at(r->err, strcmp(files[i], "-") == 0 ? "(standard input)" : files[i], 0, "%s", err);
			r->facts[i].error = strdup(err);
			r->status = FF_EXIT_IO;
			continue;
		}
		if (!first)
			first = inputs[i];
	}

	ff_replay replay = { 0 };
	int rc = choose_format(r, cfg, first, &replay, first ? ff_input_name(first) : NULL) == 0 ? FF_EXIT_OK
													: FF_EXIT_USAGE;
	if (rc == FF_EXIT_OK && !(r->merge = ff_merge_new(r->fmt)))
		rc = FF_EXIT_IO;
	for (size_t i = 0; i < n_files; i++) {
		if (!inputs[i])
			continue;
		if (rc != FF_EXIT_OK) {
			ff_input_close(inputs[i]);
			continue;
		}
		long src = ff_merge_add(r->merge, inputs[i], inputs[i] == first ? &replay : NULL);
		if (src < 0) {
			ff_input_close(inputs[i]);
			rc = FF_EXIT_IO;
			continue;
		}
		r->fact_of_source[src] = i;
	}
	ff_replay_free(&replay);
	free(inputs);
	if (rc == FF_EXIT_IO)
		ff_diag(r->err, "out of memory");
	if (rc != FF_EXIT_OK)
		return rc;
	if (r->o->records && !r->o->fields)
		ff_records_default_fields(ff_format_fields(r->fmt), &r->rspec);
	r->need_class = r->o->records && ff_records_need_class(&r->rspec);
	r->need_visits = r->o->records && ff_records_need_visits(&r->rspec);
	r->anonymize = r->o->anonymize || cfg->anonymize;
	r->rspec.anonymize = r->anonymize;
	if (r->need_visits && !(r->rows = ff_rowqueue_new())) {
		ff_diag(r->err, "out of memory");
		return FF_EXIT_IO;
	}
	rc = setup_filter(r, cfg);
	if (rc != FF_EXIT_OK)
		return rc;
	return setup_analysis(r, cfg);
}

static double seconds_since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* One line on standard error, redrawn in place at most four times a
 * second: bytes read of the total when sizes are known, lines per second,
 * elapsed time.  done erases it. */
static void progress(struct run *r, uint64_t read, bool done)
{
	if (done) {
		fputs("\r\033[K", r->err);
		fflush(r->err);
		return;
	}
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (seconds_since(&r->last_progress, &now) < 0.25)
		return;
	r->last_progress = now;
	double elapsed = seconds_since(&r->started, &now);
	char part[64] = "";
	if (r->total_bytes)
		snprintf(part, sizeof part, " (%.0f%% of %.1f MB)", 100.0 * (double)read / (double)r->total_bytes,
			 (double)r->total_bytes / 1e6);
	fprintf(r->err, "\r\033[K" FF_PROGRAM ": %.1f MB read%s, %" PRIu64 " lines, %.2f M lines/s, %.1f s",
		(double)read / 1e6, part, r->summary.lines, elapsed > 0 ? (double)r->summary.lines / elapsed / 1e6 : 0.0,
		elapsed);
	fflush(r->err);
}

static uint64_t bytes_read(const ff_merge *merge)
{
	uint64_t read = 0;
	for (size_t i = 0; i < ff_merge_count(merge); i++)
		read += ff_input_bytes_read(ff_merge_input(merge, i));
	return read;
}

static void on_input_error(struct run *r, size_t source, const char *message)
{
	ff_input_facts *facts = &r->facts[r->fact_of_source[source]];
	const ff_input *in = ff_merge_input(r->merge, source);
	ff_diag_at(r->err, ff_input_name(in), 0, "%s (after %" PRIu64 " complete %s)", message, facts->lines,
		   facts->lines == 1 ? "line" : "lines");
	free((char *)facts->error);
	facts->error = strdup(message);
	r->status = FF_EXIT_IO;
}

/* One line of the merged input, from either read path: text is the line
 * (for an invalid line, possibly only its first bytes). */
static void on_line(struct run *r, size_t source, enum ff_parse_result result, const ff_record *rec,
		    const ff_key_hashes *hashes, ff_sv text, uint64_t number, bool overlong)
{
	size_t fact_idx = r->fact_of_source[source];
	r->facts[fact_idx].lines++;
	r->seq++;
	if (result == FF_PARSE_OK) {
		on_valid(r, rec, hashes, text, number, fact_idx);
	} else {
		struct bad_line bad = { result, overlong, source, number, text };
		on_invalid(r, &bad, &r->facts[fact_idx]);
	}
}

/* Every line on this thread, in merged order. */
static void read_serial(struct run *r)
{
	ff_event ev;
	ff_record rec;
	while (ff_merge_next(r->merge, &ev)) {
		if (r->progress && (r->seq & 0x3fff) == 0)
			progress(r, bytes_read(r->merge), false);
		if (ev.kind == FF_EV_INPUT_ERROR) {
			on_input_error(r, ev.source, ff_input_error(ff_merge_input(r->merge, ev.source)));
			continue;
		}
		if (!ev.parsed) { /* the second thread could not be started */
			ev.result = ff_format_parse(r->fmt, ev.line->p, ev.line->n, &rec);
			ev.rec = &rec;
		}
		on_line(r, ev.source, ev.result, ev.rec, NULL, ff_sv_make(ev.line->p, ev.line->n), ev.line->number,
			ev.line->overlong);
	}
}

/* What the reading thread works with.  It gets a copy and never the run:
 * the counting thread writes the run's counts on every line, and a field
 * read beside them would cross between the processors' caches twice a
 * line (on some placements of the two processors that doubled both
 * threads' time). */
struct reader_job {
	ff_merge *merge;
	ff_format *fmt;
	ff_handoff *handoff;
	bool progress;
	/* A parsed line's keys are hashed by the reading thread, while its
	 * bytes are in this thread's cache; the counting thread only looks
	 * them up. */
	bool hash_keys;
	ff_key_hashers hashers;
};

/* The reading thread: input, decompression, merge and parsing, a batch of
 * lines at a time. */
static void *reader_main(void *arg)
{
	const struct reader_job job = *(const struct reader_job *)arg;
	ff_handoff *h = job.handoff;
	ff_event ev;
	uint64_t lines = 0;
	ff_record rec;
	ff_key_hashes hashes;
	while (ff_merge_next(job.merge, &ev)) {
		if (job.progress && (++lines & 0x3fff) == 0)
			ff_handoff_note_read(h, bytes_read(job.merge));
		/* Parsing goes to whichever thread has time for it: when the
		 * counting thread has nothing queued, it parses the line
		 * itself.  Either way the line is parsed the same. */
		if (ev.kind == FF_EV_LINE && !ev.parsed && !ff_handoff_consumer_idle(h)) {
			ev.result = ff_format_parse(job.fmt, ev.line->p, ev.line->n, &rec);
			ev.rec = ev.result == FF_PARSE_OK ? &rec : NULL;
			ev.parsed = true;
		}
		const char *error = NULL;
		bool hashed = false;
		if (ev.kind == FF_EV_INPUT_ERROR) {
			error = ff_input_error(ff_merge_input(job.merge, ev.source));
		} else if (ev.parsed && ev.result == FF_PARSE_OK && job.hash_keys) {
			ff_key_hashes_of(&job.hashers, ev.rec, &hashes);
			hashed = true;
		}
		ff_handoff_add(h, &ev, error, hashed ? &hashes : NULL);
	}
	ff_handoff_note_read(h, bytes_read(job.merge));
	ff_handoff_close(h);
	return NULL;
}

/* Lines ahead of the one being counted whose table slots are being
 * loaded: far enough for memory to answer, near enough to stay cached. */
#define PREFETCH_AHEAD 4

/* The counting side of the two threads: the batches in order. */
static void count_batches(struct run *r)
{
	ff_batch *b;
	ff_record rec;
	while ((b = ff_handoff_take(r->handoff))) {
		for (size_t i = 0; i < b->n; i++) {
			const ff_item *it = &b->items[i];
			if (i + PREFETCH_AHEAD < b->n && b->items[i + PREFETCH_AHEAD].hashed)
				ff_analysis_prefetch(r->analysis, &b->items[i + PREFETCH_AHEAD].hashes);
			if (it->kind == FF_EV_INPUT_ERROR) {
				on_input_error(r, it->source, it->text.p);
				continue;
			}
			if (!it->parsed) {
				enum ff_parse_result result = ff_format_parse(r->count_fmt, it->text.p, it->text.n, &rec);
				on_line(r, it->source, result, &rec, NULL, it->text, it->number, it->overlong);
				continue;
			}
			on_line(r, it->source, it->result, &it->rec, it->hashed ? &it->hashes : NULL, it->text, it->number,
				it->overlong);
		}
		uint64_t read = b->bytes_read;
		ff_handoff_recycle(r->handoff, b);
		if (r->progress)
			progress(r, read, false);
	}
}

/* Two threads when the reports are wanted and another processor can take
 * the reading; records print as they go and keep to one. */
static bool want_threads(const struct run *r)
{
	if (r->o->records || r->o->threads == 1)
		return false;
	if (r->o->threads == 2)
		return true;
	return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

static uint64_t no_mark(void *ctx)
{
	(void)ctx;
	return 0;
}

static void released_at_once(void *ctx, uint64_t mark)
{
	(void)ctx, (void)mark;
}

static void read_threaded(struct run *r)
{
	pthread_t reader;
	if ((r->handoff = ff_handoff_new())) {
		ff_line_keeper keeper = ff_handoff_keeper(r->handoff);
		ff_merge_keep_lines(r->merge, &keeper);
		/* A format keeps per-line caches, so each thread parses with
		 * its own; without a copy the reading thread parses all. */
		char err[512];
		if (ff_merge_count(r->merge) == 1 && (r->count_fmt = ff_format_compile(ff_format_spec(r->fmt), err, sizeof err)))
			ff_merge_defer_parse(r->merge);
	}
	struct reader_job job = {
		.merge = r->merge, .fmt = r->fmt, .handoff = r->handoff,
		.progress = r->progress, .hash_keys = r->analysis != NULL,
	};
	if (r->analysis)
		ff_analysis_hashers(r->analysis, &job.hashers);
	if (!r->handoff || pthread_create(&reader, NULL, reader_main, &job) != 0) {
		/* One thread after all: a line is done with before the next. */
		ff_line_keeper serial = { .now = no_mark, .release = released_at_once };
		ff_merge_keep_lines(r->merge, &serial);
		ff_handoff_free(r->handoff);
		r->handoff = NULL;
		read_serial(r);
		return;
	}
	count_batches(r);
	pthread_join(reader, NULL);
	ff_handoff_free(r->handoff);
	r->handoff = NULL;
}

static void read_all(struct run *r)
{
	if (r->progress) {
		clock_gettime(CLOCK_MONOTONIC, &r->started);
		r->last_progress = r->started;
		for (size_t i = 0; i < ff_merge_count(r->merge); i++) {
			uint64_t size = ff_input_size(ff_merge_input(r->merge, i));
			if (!size) {
				r->total_bytes = 0;
				break;
			}
			r->total_bytes += size;
		}
	}
	if (want_threads(r))
		read_threaded(r);
	else
		read_serial(r);
	for (size_t s = 0; s < ff_merge_count(r->merge); s++) {
		const ff_input *in = ff_merge_input(r->merge, s);
		ff_input_facts *facts = &r->facts[r->fact_of_source[s]];
		facts->compression = ff_input_compression(in) == FF_COMP_GZIP ? "gzip" : "none";
		facts->bytes_read = ff_input_bytes_read(in);
	}
	if (r->analysis && !r->analysis_failed && ff_analysis_finish(r->analysis) != 0) {
		ff_diag(r->err, "out of memory while finishing the visits");
		r->analysis_failed = true;
		r->status = FF_EXIT_IO;
	}
	if (r->progress)
		progress(r, 0, true);
	if (r->rows)
		print_rows(r, true);
	if (r->analysis && ff_analysis_regex_limit_hits(r->analysis))
		ff_diag(r->err, "%" PRIu64 " paths reached the regex match limit in goals or funnels and counted as not matching",
			(uint64_t)ff_analysis_regex_limit_hits(r->analysis));
	if (r->filter && ff_filter_limit_hits(r->filter))
		ff_diag(r->err, "%lu filter matches reached the regex match limit and counted as not matching",
			ff_filter_limit_hits(r->filter));
	uint64_t limit_hits = ff_format_limit_hits(r->fmt) + (r->count_fmt ? ff_format_limit_hits(r->count_fmt) : 0);
	if (limit_hits)
		ff_diag(r->err, "%" PRIu64 " %s the regex match limit and counted as invalid", limit_hits,
			limit_hits == 1 ? "line reached" : "lines reached");
	if (!r->o->quiet && r->invalid_seen > INVALID_SHOWN)
		ff_diag(r->err, "%" PRIu64 " invalid lines in all (the first %d shown)", r->invalid_seen, INVALID_SHOWN);
}

/* Keeps only the tables --report names, in the order given. */
static int select_reports(struct run *r, ff_report *rep)
{
	if (!r->o->reports)
		return 0;
	ff_table *kept = calloc(rep->n_tables ? rep->n_tables : 1, sizeof *kept);
	bool *used = calloc(rep->n_tables ? rep->n_tables : 1, sizeof *used);
	if (!kept || !used) {
		free(kept), free(used);
		return -1;
	}
	size_t n = 0;
	rep->with_summary = false;
	ff_sv rest = ff_sv_cstr(r->o->reports);
	while (rest.n) {
		ff_sv name = ff_sv_next_item(&rest, ',');
		if (ff_sv_eq_cstr(name, "summary")) {
			rep->with_summary = true;
			continue;
		}
		for (size_t i = 0; i < rep->n_tables; i++) {
			if (!used[i] && ff_sv_eq_cstr(name, rep->tables[i].name)) {
				kept[n++] = rep->tables[i];
				used[i] = true;
			}
		}
	}
	for (size_t i = 0; i < rep->n_tables; i++)
		if (!used[i])
			ff_table_free(&rep->tables[i]);
	memcpy(rep->tables, kept, n * sizeof *kept);
	rep->n_tables = n;
	free(kept), free(used);
	return 0;
}

static void render(struct run *r)
{
	if (r->o->records)
		return;
	ff_report rep = { 0 };
	ff_report_options ro = { .top = r->o->top_set ? (size_t)r->o->top : 10 };
	ro.machine = r->out_format == OUT_CSV || r->out_format == OUT_TSV || r->out_format == OUT_JSON;
	int rc = r->analysis_failed ? -1 : 0;
	if (rc == 0)
		rc = ff_analysis_report(r->analysis, &r->summary, r->format_label, &ro, &rep);
	if (rc == 0)
		rc = select_reports(r, &rep);
	if (rc != 0) {
		ff_diag(r->err, "out of memory while building the reports");
		r->status = FF_EXIT_IO;
		r->no_report = true;
		ff_report_free(&rep);
		return;
	}
	if (r->format_detected)
		ff_report_add_note(&rep, "log format: %s (detected)", r->format_label);
	if (r->filter) {
		char desc[1024];
		ff_filter_describe(r->filter, desc, sizeof desc);
		ff_report_add_note(&rep, "filters: %s", desc);
	}
	if (r->anonymize)
		ff_report_add_note(&rep, "client addresses anonymized (IPv4 /24, IPv6 /48)");
	rep.inputs = r->facts;
	rep.n_inputs = r->n_facts;
	bool tty = !r->tmp_path && !r->direct && isatty(fileno(r->out));
	ff_render_opts opts = {
		.separators = !r->o->no_separators,
		.color = tty && !getenv("NO_COLOR"),
		.bars = tty,
		.wide = r->o->wide,
		.csv_raw = r->o->csv_raw,
	};
	switch (r->out_format) {
	case OUT_JSON: ff_render_json(r->out, &rep, &opts); break;
	case OUT_CSV: ff_render_csv(r->out, &rep, &opts, ','); break;
	case OUT_TSV: ff_render_csv(r->out, &rep, &opts, '\t'); break;
	case OUT_HTML: ff_render_html(r->out, &rep, &opts); break;
	default: ff_render_text(r->out, &rep, &opts); break;
	}
	ff_report_free(&rep);
}

static void cleanup(struct run *r)
{
	if (r->direct && r->out)
		fclose(r->out);
	if (r->tmp_path) {
		if (r->out)
			fclose(r->out);
		unlink(r->tmp_path);
		free(r->tmp_path);
	}
	ff_merge_free(r->merge);
	ff_format_free(r->fmt);
	ff_format_free(r->count_fmt);
	ff_analysis_free(r->analysis);
	ff_ua_free(r->ua);
	ff_filter_free(r->filter);
	ff_rowqueue_free(r->rows);
	for (size_t i = 0; i < r->site_hosts.count; i++)
		free(r->site_hosts.items[i]);
	free(r->site_hosts.items);
	free(r->format_label);
	for (size_t i = 0; i < r->n_facts; i++)
		free((char *)r->facts[i].error);
	free(r->facts);
	free(r->fact_of_source);
}

int ff_list_reports(FILE *out)
{
	for (const ff_report_info *ri = ff_report_list; ri->name; ri++)
		fprintf(out, "%-20s %s\n", ri->name, ri->description);
	return fflush(out) == 0 ? FF_EXIT_OK : FF_EXIT_IO;
}

int ff_run(const ff_options *o, const ff_config *cfg, FILE *err)
{
	struct run r = { .o = o, .err = err, .err_tty = isatty(fileno(err)) };
	int64_t window = o->reorder_window_set ? o->reorder_window : cfg->visits_reorder_window;
	ff_summary_init(&r.summary, window);

	r.progress = !o->quiet && (o->progress || r.err_tty);
	int rc = setup(&r, cfg);
	if (rc != FF_EXIT_OK) {
		cleanup(&r);
		return rc;
	}
	if (open_output(&r) != 0) {
		cleanup(&r);
		return FF_EXIT_IO;
	}
	if (o->records)
		ff_records_header(r.out, &r.rspec);
	read_all(&r);
	render(&r);
	if (close_output(&r) != 0)
		r.status = FF_EXIT_IO;
	cleanup(&r);
	return r.status;
}
