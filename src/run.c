/* run.c — the pipeline driver.  It wires the stages together in the one
 * direction data flows (inputs → merge → summary/records → renderer) and
 * turns their statuses into messages and an exit status. */
#include "run.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis.h"
#include "autoconf.h"
#include "detect.h"
#include "diag.h"
#include "filter.h"
#include "handoff.h"
#include "humanize.h"
#include "privacy.h"
#include "rowqueue.h"
#include "input.h"
#include "logformat.h"
#include "merge.h"
#include "output.h"
#include "records.h"
#include "render.h"
#include "spool.h"
#include "term.h"
#include "outdir.h"
#include "summary.h"
#include "tz.h"
#include "useragent.h"
#include "state.h"
#include "vkey.h"

#include <sys/random.h>
#include <sys/resource.h>
#include <time.h>

#include "run_internal.h"

int run_pick_out_format(struct run *r, char *err, size_t errsz)
{
	const char *name = r->o->format;
	if (r->o->output && ff_outdir_wanted(r->o->output)) {
		/* a directory takes one table per file: csv (default) or tsv */
		r->outdir = true;
		if (r->o->records) {
			snprintf(err, errsz, "records are written to one file, not to the directory '%s'", r->o->output);
			return -1;
		}
		if (name && strcmp(name, "csv") != 0 && strcmp(name, "tsv") != 0) {
			snprintf(err, errsz, "-o DIR/ writes one csv or tsv file per report, not %s", name);
			return -1;
		}
		r->out_format = name && strcmp(name, "tsv") == 0 ? OUT_TSV : OUT_CSV;
		return 0;
	}
	if (!name && r->o->output) {
		/* report.HTML is as much html as report.html */
		const char *dot = strrchr(r->o->output, '.');
		if (dot && strcasecmp(dot, ".json") == 0)
			name = r->o->records ? "jsonl" : "json";
		else if (dot && strcasecmp(dot, ".csv") == 0)
			name = "csv";
		else if (dot && strcasecmp(dot, ".tsv") == 0)
			name = "tsv";
		else if (dot && strcasecmp(dot, ".jsonl") == 0)
			name = "jsonl";
		else if (dot && (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0))
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

void run_on_invalid(struct run *r, const struct bad_line *bad, ff_input_facts *facts)
{
	ff_summary_add_invalid(&r->summary);
	facts->invalid++;
	r->invalid_seen++;
	/* reduce: map said where the invalid lines are */
	if (r->o->quiet || r->invalid_shown >= INVALID_SHOWN || bad->number < r->restart_line ||
	    r->o->command == FF_CMD_REDUCE)
		return;
	r->invalid_shown++;
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

/* The records field country: the client's, looked up once per client. */
static ff_sv records_country(struct run *r, const ff_record *rec)
{
	if (!r->geoip || !ff_records_has_field(&r->rspec, FF_R_COUNTRY))
		return FF_SV_NULL;
	return ff_analysis_country(r->analysis, rec->client);
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
			cls.country = records_country(r, &rec);
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

/* A file argument as messages name it. */
const char *run_shown_name(const char *arg)
{
	return strcmp(arg, "-") == 0 ? "(standard input)" : arg;
}

static void out_of_memory(struct run *r, uint64_t number, const ff_input_facts *facts)
{
	ff_diag(r->err, "out of memory: the reports stop at line %" PRIu64 " of %s", number, run_shown_name(facts->name));
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
	if (r->may_restart && ff_summary_would_be_late(&r->summary, rec) &&
	    ff_spool_restart(r->spool, number, &r->summary.oldest_read, &r->summary.newest_read, &rec->time)) {
		r->rescan = true;
		r->may_restart = false;
		r->restart_line = number;
		return;
	}
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
	cls.country = records_country(r, rec);
	ff_records_row(r->out, &r->rspec, facts->name, number, rec, &cls);
}

/* Whether some line read ahead is a record: valid JSON objects none of
 * which is one have their keys where footfall does not look (Nginx). */
static bool json_sample_reads(ff_format *fmt, const ff_replay *replay)
{
	for (size_t i = 0; i < replay->count; i++) {
		ff_record rec;
		const char *p = replay->bytes + replay->offsets[i];
		if (replay->overlong[i])
			continue;
		if (ff_format_parse(fmt, p, replay->offsets[i + 1] - replay->offsets[i], &rec) == FF_PARSE_OK)
			return true;
	}
	return false;
}

/* "json" with log.json_fields compiles as "json:field=path,...". */
static ff_format *compile_format(const char *spec, const ff_config *cfg, char *err, size_t errsz)
{
	if (strcmp(spec, "json") != 0 || !cfg->log_json_fields)
		return ff_format_compile(spec, err, errsz);
	size_t n = strlen(cfg->log_json_fields) + 6;
	char *full = malloc(n);
	if (!full) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	snprintf(full, n, "json:%s", cfg->log_json_fields);
	ff_format *fmt = ff_format_compile(full, err, errsz);
	free(full);
	return fmt;
}

static int choose_format(struct run *r, const ff_config *cfg, ff_input *first, ff_replay *replay, const char *first_name)
{
	const char *spec = r->o->log_format ? r->o->log_format : cfg->log_format;
	char err[512];
	if (spec && strcmp(spec, "auto") != 0) {
		r->fmt = compile_format(spec, cfg, err, sizeof err);
		if (!r->fmt) {
			ff_diag(r->err, "%s: %s", r->o->log_format ? "--log-format" : "log.format", err);
			return -1;
		}
		if (ff_format_note(r->fmt))
			ff_diag(r->err, "%s: %s", r->o->log_format ? "--log-format" : "log.format", ff_format_note(r->fmt));
		r->format_label = strdup(spec);
		r->format_origin = r->o->log_format ? "--log-format" : "log.format";
		return r->format_label ? 0 : -1;
	}
	ff_detection d;
	const char *detected = "combined";
	if (first) {
		if (ff_detect_input(first, replay, &d, err, sizeof err) != 0 ||
		    (r->o->command == FF_CMD_REDUCE && run_detect_records(replay, &d, err, sizeof err) != 0)) {
			ff_diag(r->err, "format detection failed: %s", err);
			return -1;
		}
		detected = d.spec;
		/* Lines that all turn out invalid must not pass for an empty
		 * site: the hint comes first on stderr, a note in the report. */
		if (d.prefix_preset)
			ff_diag_at(r->err, first_name, 0,
				   "most lines match the %s format followed by more fields that differ from line to line; "
				   "give the format with --log-format",
				   d.prefix_preset);
		else if (d.sampled && d.matched == 0 && strcmp(d.preset, "json") == 0)
			ff_diag_at(r->err, first_name, 0,
				   "the first %zu lines start with '{' but none is one valid JSON object; they are invalid",
				   d.sampled);
		else if (d.sampled && d.matched == 0)
			ff_diag_at(r->err, first_name, 0,
				   "no built-in format matches the first %zu lines; give the format with --log-format",
				   d.sampled);
		else if (d.sampled && 2 * d.matched < d.sampled)
			ff_diag_at(r->err, first_name, 0,
				   "only %zu of the first %zu lines match the %s format; the others are invalid",
				   d.matched, d.sampled, d.preset);
		else if (d.sampled && r->err_tty && !r->o->quiet)
			ff_diag(r->err, "log format: %s (detected: %zu of %zu sample lines match)", detected, d.matched,
				d.sampled);
		if (d.note[0] && !(r->format_note = strdup(d.note)))
			return -1;
	}
	r->fmt = compile_format(detected, cfg, err, sizeof err);
	if (!r->fmt) {
		ff_diag(r->err, "%s", err);
		return -1;
	}
	if (first && strcmp(detected, "json") == 0 && d.matched && !json_sample_reads(r->fmt, replay))
		ff_diag_at(r->err, first_name, 0,
			   "the JSON lines have no time or no status at the key paths footfall knows; "
			   "map their keys with log.json_fields");
	r->format_label = strdup(detected);
	r->format_detected = true;
	return r->format_label ? 0 : -1;
}

/* --client (log.client): which address is the client (SPEC §4). */
int run_choose_client(struct run *r, const ff_config *cfg)
{
	/* log.client was checked when the configuration was read */
	const char *mode = r->o->client ? r->o->client : cfg->log_client;
	if (!mode || strcmp(mode, "address") == 0)
		return 0;
	if (strcmp(mode, "forwarded") != 0) {
		ff_diag(r->err, "--client: '%s' is not address or forwarded", mode);
		return -1;
	}
	r->client_forwarded = true;
	if (!r->fmt) /* footfall merge: the states' lines were read already */
		return 0;
	ff_format_set_client_forwarded(r->fmt, true);
	if (!(ff_format_fields(r->fmt) & FF_HAS(FF_F_FORWARDED)))
		ff_diag(r->err, "--client forwarded: the log format has no X-Forwarded-For field, so the logged client is used");
	return 0;
}

/* Whether standard input is among the inputs: it can be read once. */
bool run_reads_stdin(const ff_options *o)
{
	if (o->n_files == 0)
		return true;
	for (int i = 0; i < o->n_files; i++)
		if (strcmp(o->files[i], "-") == 0)
			return true;
	return false;
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

int run_check_reports(struct run *r)
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

/* Whether --report names a report. */
static bool report_asked(const struct run *r, const char *name)
{
	ff_sv rest = ff_sv_cstr(r->o->reports ? r->o->reports : "");
	while (rest.n)
		if (ff_sv_eq_cstr(ff_sv_next_item(&rest, ','), name))
			return true;
	return false;
}

/* The GeoIP database (SPEC §14), and the reports and records field that
 * cannot do without it.  Every fault here is one of usage or
 * configuration: exit 2. */
int run_setup_geoip(struct run *r, const ff_config *cfg)
{
	const char *path = r->o->geoip ? r->o->geoip : cfg->geoip_database;
	char what[320], err[512];
	if (r->o->geoip)
		snprintf(what, sizeof what, "--geoip");
	else
		snprintf(what, sizeof what, "%s: geoip.database", cfg->source ? cfg->source : "configuration");
	/* A records column is asked for by name and has nothing to show
	 * without a database; the countries and cities reports, asked for
	 * with --report, are absent with a note (scripts pass every name of
	 * --list-reports). */
	if (!path || !*path) {
		if (r->o->records && ff_records_has_field(&r->rspec, FF_R_COUNTRY)) {
			ff_diag(r->err, "the records field country needs a GeoIP database (--geoip FILE or geoip.database)");
			return FF_EXIT_USAGE;
		}
		return FF_EXIT_OK;
	}
	r->geoip = ff_geoip_open(path, err, sizeof err);
	if (!r->geoip) {
		if (ff_geoip_built_in)
			ff_diag(r->err, "%s: cannot open the GeoIP database '%s': %s", what, path, err);
		else
			ff_diag(r->err, "%s: %s", what, err);
		return FF_EXIT_USAGE;
	}
	return FF_EXIT_OK;
}

int run_setup_filter(struct run *r, const ff_config *cfg)
{
	char err[512];
	const ff_options *o = r->o;
	if (!(r->filter = ff_filter_new())) {
		ff_diag(r->err, "out of memory");
		return FF_EXIT_IO;
	}
	if (r->tz)
		ff_filter_tz(r->filter, r->tz);
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
	/* a state holds every report's counts */
	if (r->o->records || !r->o->reports || r->o->state_out || r->o->command != FF_CMD_RUN || r->state_sink)
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

static int new_analysis(struct run *r, const ff_config *cfg);

int run_setup_analysis(struct run *r, const ff_config *cfg)
{
	/* Records need the analysis only for classification, visits or a bot
	 * filter. */
	if (r->o->records && !r->need_class && !r->need_visits && !r->o->no_bots && !r->o->bots_only)
		return FF_EXIT_OK;
	if (!r->ua && run_load_ua(r, cfg) != FF_EXIT_OK)
		return FF_EXIT_IO;
	if (r->o->site && split_list(r->o->site, &r->site_hosts) != 0) {
		ff_diag(r->err, "out of memory");
		return FF_EXIT_IO;
	}
	return new_analysis(r, cfg);
}

/* The uap-core rules; loaded before the inputs are opened when reports
 * need them, so that thousands of inputs cannot leave them no descriptor
 * (and a misleading message). */
int run_load_ua(struct run *r, const ff_config *cfg)
{
	char err[512];
	const char *path = r->o->ua_regexes ? r->o->ua_regexes : cfg->ua_regexes ? cfg->ua_regexes : FF_UAP_REGEXES;
	r->ua = ff_ua_load(path, err, sizeof err);
	if (!r->ua) {
		ff_diag(r->err, "%s; browsers, systems and devices show as Other and bots come only from the built-in list of automated agents and classify.bot_patterns", err);
		r->ua_failed = true;
		r->ua_error = strdup(err);
		r->ua = ff_ua_empty();
		if (!r->ua) {
			ff_diag(r->err, "out of memory");
			return FF_EXIT_IO;
		}
	}
	return FF_EXIT_OK;
}

/* The analysis proper, made again when standard input is counted a
 * second time. */
static int new_analysis(struct run *r, const ff_config *cfg)
{
	char err[512];
	uint64_t seed = 0;
	if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed)
		seed = (uint64_t)getpid() * 0x9e3779b97f4a7c15u ^ (uint64_t)(uintptr_t)&seed;
	ff_analysis_options ao = {
		.timeout = r->o->timeout_set ? r->o->timeout : cfg->visits_timeout,
		.reorder_window = r->summary.reorder_window,
		.site_hosts = r->o->site ? &r->site_hosts : &cfg->site_hosts,
		.seed = seed,
		.anonymize = r->anonymize,
		.tz = r->tz,
		.max_keys = (size_t)(r->o->max_keys_set ? r->o->max_keys : cfg->max_keys),
		.max_memory = (size_t)(r->o->max_memory_set ? r->o->max_memory : cfg->max_memory),
		.skip = uncounted_groups(r),
		.on_assign = r->rows ? on_assign : NULL,
		.assign_ctx = r,
		.geoip = r->geoip,
		/* SPEC §15: --segment replaces segments: */
		.segments = r->o->records ? NULL
			    : r->o->n_segments ? r->o->segments : (const char *const *)cfg->segments.items,
		.n_segments = r->o->records ? 0 : r->o->n_segments ? (size_t)r->o->n_segments : cfg->segments.count,
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

/* --tz, else report.tz: a zone the system's tzdata knows. */
int run_setup_tz(struct run *r, const ff_config *cfg)
{
	const char *name = r->o->tz ? r->o->tz : cfg->report_tz;
	if (!name)
		return 0;
	char err[512];
	if (!(r->tz = ff_tz_load(name, err, sizeof err))) {
		ff_diag(r->err, "%s: %s", r->o->tz ? "--tz" : "report.tz", err);
		return -1;
	}
	return 0;
}

/* Standard input alone, for reports: keep it in case it comes in pieces. */
static void start_spool(struct run *r, ff_input *in)
{
	char err[512];
	r->spool = ff_spool_start(in, r->summary.reorder_window, err, sizeof err);
	r->may_restart = r->spool != NULL;
	if (!r->spool)
		r->spool_error = strdup(err);
}

int run_setup(struct run *r, const ff_config *cfg)
{
	char err[512];
	if (run_pick_out_format(r, err, sizeof err) != 0) {
		ff_diag(r->err, "%s", err);
		return FF_EXIT_USAGE;
	}
	if (run_check_reports(r) != 0)
		return FF_EXIT_USAGE;
	if (run_setup_tz(r, cfg) != 0)
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
	int geo = run_setup_geoip(r, cfg);
	if (geo != FF_EXIT_OK)
		return geo;

	/* Records decide whether they need the rules once the format is
	 * known; reports always do. */
	if (!r->o->records && run_load_ua(r, cfg) != FF_EXIT_OK)
		return FF_EXIT_IO;

	static char *const stdin_only[] = { "-" };
	char *const *files = r->o->n_files ? r->o->files : stdin_only;
	size_t n_files = r->o->n_files ? (size_t)r->o->n_files : 1;
	if (r->o->output && ff_output_check_inputs(r->o->output, files, n_files, r->err) != 0)
		return FF_EXIT_USAGE;
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

	/* Many files side by side: each is closed after its first read and
	 * opened again when the merge reaches it, at most 64 at once and
	 * fewer under a low limit on open files (SPEC §1). */
	struct rlimit nofile;
	size_t max_open = 64;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY)
		max_open = nofile.rlim_cur > 32 + max_open ? max_open : nofile.rlim_cur > 40 ? nofile.rlim_cur - 32 : 1;
	ff_input_limit_open(max_open);
	ff_input *first = NULL;
	for (size_t i = 0; i < n_files; i++) {
		r->facts[i].name = files[i];
		r->facts[i].compression = "none";
		inputs[i] = ff_input_open(files[i], err, sizeof err);
		if (!inputs[i]) {
			ff_diag_at(r->err, run_shown_name(files[i]), 0, "%s", err);
			r->facts[i].error = strdup(err);
			r->status = FF_EXIT_IO;
			continue;
		}
		if (!first)
			first = inputs[i];
		if (n_files > 1)
			ff_input_park(inputs[i]);
		if (n_files == 1 && strcmp(files[i], "-") == 0 && !r->o->records && r->o->command == FF_CMD_RUN)
			start_spool(r, inputs[i]);
	}

	ff_replay replay = { 0 };
	int rc = choose_format(r, cfg, first, &replay, first ? ff_input_name(first) : NULL) == 0 ? FF_EXIT_OK
													: FF_EXIT_USAGE;
	if (rc == FF_EXIT_OK && run_choose_client(r, cfg) != 0)
		rc = FF_EXIT_USAGE;
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
	if (r->o->records && !r->o->fields) {
		ff_records_default_fields(ff_format_fields(r->fmt), &r->rspec);
		/* a database given is a column wanted */
		if (r->geoip && r->rspec.n_fields < FF_RECORDS_MAX_FIELDS)
			r->rspec.fields[r->rspec.n_fields++] = FF_R_COUNTRY;
	}
	r->need_class = r->o->records && ff_records_need_class(&r->rspec);
	r->need_visits = r->o->records && ff_records_need_visits(&r->rspec);
	r->anonymize = r->o->anonymize || cfg->anonymize;
	r->rspec.anonymize = r->anonymize;
	if (r->need_visits && !(r->rows = ff_rowqueue_new())) {
		ff_diag(r->err, "out of memory");
		return FF_EXIT_IO;
	}
	rc = run_setup_filter(r, cfg);
	if (rc != FF_EXIT_OK)
		return rc;
	return run_setup_analysis(r, cfg);
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

void run_on_input_error(struct run *r, size_t source, const char *message)
{
	ff_input_facts *facts = &r->facts[r->fact_of_source[source]];
	const ff_input *in = ff_merge_input(r->merge, source);
	ff_diag_at(r->err, ff_input_name(in), 0, "%s (after %" PRIu64 " complete %s)", message, facts->lines,
		   facts->lines == 1 ? "line" : "lines");
	free((char *)facts->error);
	facts->error = strdup(message);
	r->status = FF_EXIT_IO;
}

/* --shard K/N: whether the line is this shard's.  A valid line of
 * another shard still moves the clocks, so that `late` and the visits'
 * timeouts are those of the whole run; invalid lines are shard 0's. */
static bool in_shard(struct run *r, enum ff_parse_result result, const ff_record *rec)
{
	if (result != FF_PARSE_OK)
		return r->o->shard_k == 0;
	if (ff_vkey_of(rec->client, rec->user_agent).hi % r->o->shard_n == r->o->shard_k)
		return true;
	ff_summary_tick(&r->summary, rec);
	if (r->analysis && !r->analysis_failed && ff_analysis_tick(r->analysis, rec) != 0) {
		ff_diag(r->err, "out of memory");
		r->analysis_failed = true;
		r->status = FF_EXIT_IO;
	}
	return false;
}

/* One line of the merged input, from either read path: text is the line
 * (for an invalid line, possibly only its first bytes). */
void run_on_line(struct run *r, size_t source, enum ff_parse_result result, const ff_record *rec,
		    const ff_key_hashes *hashes, ff_sv text, uint64_t number, bool overlong)
{
	size_t fact_idx = r->fact_of_source[source];
	r->facts[fact_idx].lines++;
	if (r->rescan) {
		if (result == FF_PARSE_OK)
			ff_spool_note(r->spool, number, &rec->time);
		return;
	}
	r->seq++;
	if (r->o->command == FF_CMD_MAP) {
		run_map_record(r, result, rec, text);
		if (result != FF_PARSE_OK) {
			struct bad_line bad = { result, overlong, source, number, text };
			run_on_invalid(r, &bad, &r->facts[fact_idx]);
		}
		return;
	}
	if (r->o->shard_n && !in_shard(r, result, rec)) {
		r->facts[fact_idx].lines--;
		return;
	}
	if (result == FF_PARSE_OK) {
		on_valid(r, rec, hashes, text, number, fact_idx);
	} else {
		struct bad_line bad = { result, overlong, source, number, text };
		run_on_invalid(r, &bad, &r->facts[fact_idx]);
	}
}

/* Every line on this thread, in merged order. */
static void read_serial(struct run *r)
{
	ff_event ev;
	ff_record rec;
	while (ff_merge_next(r->merge, &ev)) {
		/* an overlong line may stand for megabytes skipped */
		if (r->progress && ((r->seq & 0x3fff) == 0 || (ev.kind == FF_EV_LINE && ev.line->overlong)))
			progress(r, bytes_read(r->merge), false);
		/* a shard of --threads whose tables are capped: the run will
		 * be made again on one counting thread, so all shards stop */
		if (r->split_capped && (r->seq & 0xffff) == 0 &&
		    (atomic_load(r->split_capped) || (r->analysis && ff_analysis_capped(r->analysis)))) {
			atomic_store(r->split_capped, true);
			break;
		}
		if (ev.kind == FF_EV_INPUT_ERROR) {
			run_on_input_error(r, ev.source, ff_input_error(ff_merge_input(r->merge, ev.source)));
			continue;
		}
		if (r->o->command == FF_CMD_REDUCE) {
			run_reduce_record(r, &ev, &rec);
			continue;
		}
		if (!ev.parsed) { /* the second thread could not be started */
			ev.result = ff_format_parse(r->fmt, ev.line->p, ev.line->n, &rec);
			ev.rec = &rec;
		}
		run_on_line(r, ev.source, ev.result, ev.rec, NULL, ff_sv_make(ev.line->p, ev.line->n), ev.line->number,
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
	bool transient;   /* ff_format_views_transient */
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
		if (job.progress && ((++lines & 0x3fff) == 0 || (ev.kind == FF_EV_LINE && ev.line->overlong)))
			ff_handoff_note_read(h, bytes_read(job.merge));
		/* Parsing goes to whichever thread has time for it: when the
		 * counting thread has nothing queued, it parses the line
		 * itself.  Either way the line is parsed the same. */
		/* A json format's records may point into its own buffer,
		 * which the next line reuses: the counting thread parses. */
		if (ev.kind == FF_EV_LINE && ev.parsed && ev.result == FF_PARSE_OK && job.transient)
			ev.parsed = false;
		if (ev.kind == FF_EV_LINE && !ev.parsed && !job.transient && !ff_handoff_consumer_idle(h)) {
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
				run_on_input_error(r, it->source, it->text.p);
				continue;
			}
			if (!it->parsed) {
				enum ff_parse_result result = ff_format_parse(r->count_fmt, it->text.p, it->text.n, &rec);
				run_on_line(r, it->source, result, &rec, NULL, it->text, it->number, it->overlong);
				continue;
			}
			run_on_line(r, it->source, it->result, &it->rec, it->hashed ? &it->hashes : NULL, it->text, it->number,
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
	if (r->o->records || r->o->threads == 1 || r->o->command != FF_CMD_RUN)
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
		bool transient = ff_format_views_transient(r->fmt);
		if ((ff_merge_count(r->merge) == 1 || transient) &&
		    (r->count_fmt || (r->count_fmt = ff_format_compile(ff_format_spec(r->fmt), err, sizeof err)))) {
			ff_format_set_client_forwarded(r->count_fmt, r->client_forwarded);
			ff_merge_defer_parse(r->merge);
		} else if (transient) {
			ff_handoff_free(r->handoff);
			r->handoff = NULL;
		}
	}
	struct reader_job job = {
		.merge = r->merge, .fmt = r->fmt, .handoff = r->handoff,
		.progress = r->progress, .hash_keys = r->analysis != NULL,
		.transient = ff_format_views_transient(r->fmt),
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

/* Standard input was read to its end after its first late line: the
 * counts start again from its time-ordered pieces, merged like files.
 * Invalid lines shown in the first pass are not shown again. */
static void second_pass(struct run *r)
{
	char err[512];
	ff_merge *pieces = NULL;
	size_t *map = NULL;
	r->rescan = false;
	if (ff_spool_merge(r->spool, r->facts[0].lines, r->fmt, &pieces, err, sizeof err) != 0 ||
	    !(map = calloc(ff_merge_count(pieces), sizeof *map))) {
		ff_diag(r->err, "%s: the reports stop at line %" PRIu64 " of standard input", pieces ? "out of memory" : err,
			r->restart_line - 1);
		ff_merge_free(pieces);
		r->facts[0].lines = r->summary.lines;
		r->facts[0].invalid = r->summary.invalid;
		ff_spool_free(r->spool);
		r->spool = NULL;
		r->status = FF_EXIT_IO;
		return;
	}
	ff_input_facts kept = r->facts[0];
	r->limit_hits_before = ff_format_limit_hits(r->fmt) + (r->count_fmt ? ff_format_limit_hits(r->count_fmt) : 0);
	r->filter_hits_before = r->filter ? ff_filter_limit_hits(r->filter) : 0;
	ff_merge_free(r->merge);
	r->merge = pieces;
	free(r->fact_of_source);
	r->fact_of_source = map;
	r->facts[0].lines = r->facts[0].invalid = 0;
	ff_summary_init(&r->summary, r->summary.reorder_window);
	r->seq = 0;
	r->invalid_seen = 0;
	if (r->analysis) {
		ff_analysis_free(r->analysis);
		r->analysis = NULL;
		if (new_analysis(r, r->cfg) != FF_EXIT_OK)
			r->analysis_failed = true;
	}
	if (want_threads(r))
		read_threaded(r);
	else
		read_serial(r);
	r->facts[0].compression = kept.compression;
	r->facts[0].bytes_read = kept.bytes_read;
}

/* "N late lines (X% of valid lines): ...", for stderr and the report. */
void run_late_lines(const struct run *r, char *buf, size_t bufsz)
{
	const ff_summary *s = &r->summary;
	double share = s->valid ? 100.0 * (double)s->late / (double)s->valid : 0;
	char pct[32];
	if (share < 0.01)
		snprintf(pct, sizeof pct, "<0.01");
	else
		snprintf(pct, sizeof pct, "%.*f", share < 1 ? 2 : 1, share);
	char count[FF_NUM_BUF];
	ff_fmt_u64(s->late, true, count);
	snprintf(buf, bufsz,
		 "%s late %s (%s%% of valid lines) more than reorder_window (%" PRId64
		 " s) behind a line before them; their visits may differ from those of time-sorted input",
		 count, s->late == 1 ? "line" : "lines", pct, s->reorder_window);
}

void run_read_all(struct run *r)
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
		/* the shards read the same bytes: shard 0 counts them, so
		 * that merged shards count them once */
		facts->bytes_read = r->o->shard_k ? 0 : ff_input_bytes_read(in);
	}
	r->may_restart = false;
	if (r->rescan)
		second_pass(r);
	if (r->state_sink && r->analysis && !r->analysis_failed && run_state_bytes(r, r->state_sink) != 0)
		r->status = FF_EXIT_IO;
	else if ((r->o->state_out || r->o->command == FF_CMD_REDUCE) && !r->state_sink && r->analysis &&
		 !r->analysis_failed && run_write_state(r) != FF_EXIT_OK)
		r->status = FF_EXIT_IO;
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
	if (r->filter && ff_filter_limit_hits(r->filter) > r->filter_hits_before) {
		unsigned long n = ff_filter_limit_hits(r->filter) - (unsigned long)r->filter_hits_before;
		ff_diag(r->err, "%lu %s the regex match limit in a filter and counted as not matching", n,
			n == 1 ? "line reached" : "lines reached");
	}
	uint64_t limit_hits = ff_format_limit_hits(r->fmt) + (r->count_fmt ? ff_format_limit_hits(r->count_fmt) : 0) -
			      r->limit_hits_before;
	if (limit_hits)
		ff_diag(r->err, "%" PRIu64 " %s the regex match limit and counted as invalid", limit_hits,
			limit_hits == 1 ? "line reached" : "lines reached");
	if (!r->o->quiet && r->invalid_seen > INVALID_SHOWN && r->o->command != FF_CMD_REDUCE)
		ff_diag(r->err, "%" PRIu64 " invalid lines in all (the first %d shown)", r->invalid_seen, INVALID_SHOWN);
	/* Records keep input order; only their visit columns depend on it.
	 * A shard of --threads has part of the late lines: the run says
	 * how many once the shards are added up. */
	if (r->summary.late && (!r->o->records || r->need_visits) && !r->state_sink) {
		char what[512];
		run_late_lines(r, what, sizeof what);
		ff_diag(r->err, "%s", what);
		if (r->spool_error || (r->spool && ff_spool_failed(r->spool, what, sizeof what)))
			ff_diag(r->err, "standard input was not kept for a time-sorted pass: %s",
				r->spool_error ? r->spool_error : what);
	}
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

/* The reports whose every number is hit-based: a filter that cuts visits
 * changes nothing in them. */
static bool shows_visits(const struct run *r)
{
	static const char *const hit_only[] = { "status", "not_found", "bots", "methods", "protocols", "bandwidth" };
	if (!r->o->reports)
		return true;
	ff_sv rest = ff_sv_cstr(r->o->reports);
	while (rest.n) {
		ff_sv name = ff_sv_next_item(&rest, ',');
		bool hit_based = false;
		for (size_t i = 0; i < sizeof hit_only / sizeof *hit_only; i++)
			hit_based = hit_based || ff_sv_eq_cstr(name, hit_only[i]);
		if (name.n && !hit_based)
			return true;
	}
	return false;
}

/* When the report was made: SOURCE_DATE_EPOCH (reproducible builds) when
 * it holds a whole number of seconds, else the clock; -1 when unknown. */
static int64_t generation_time(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	if (e && *e) {
		char *end;
		errno = 0;
		long long v = strtoll(e, &end, 10);
		if (!*end && errno == 0 && v >= 0)
			return (int64_t)v;
	}
	time_t now = time(NULL);
	return now == (time_t)-1 ? -1 : (int64_t)now;
}

/* The notes the run itself knows of (SPEC §9 "Notes"); the analysis adds
 * its own (inferred site host, caps, goals).  -1 when memory ran out. */
static int add_run_notes(struct run *r, ff_report *rep)
{
	int rc = 0;
	/* a note on trailing fields names the format itself */
	if (r->format_detected && !(r->format_note && strstr(r->format_note, "(detected)")))
		rc |= ff_report_add_note(rep, "log format: %s (detected)", r->format_label);
	else if (!r->format_detected && r->format_label && r->format_origin)
		rc |= ff_report_add_note(rep, "log format: %s (%s)", r->format_label, r->format_origin);
	if (r->format_note)
		rc |= ff_report_add_note(rep, "%s", r->format_note);
	else if (r->summary.lines && !r->summary.valid)
		rc |= ff_report_add_note(rep, "no line matches the log format %s: every line is invalid", r->format_label);
	if (r->client_forwarded)
		rc |= ff_report_add_note(rep, "clients: the first address of X-Forwarded-For when it is an IP address");
	for (size_t i = 0; i < r->n_facts; i++) {
		const ff_input_facts *f = &r->facts[i];
		if (!f->error)
			continue;
		char n[FF_NUM_BUF];
		ff_fmt_u64(f->lines, true, n);
		const char *name = run_shown_name(f->name);
		if (f->lines)
			rc |= ff_report_add_note(rep, "input failed: %s: %s (the %s complete %s read before it are counted)",
						 name, f->error, n, f->lines == 1 ? "line" : "lines");
		else
			rc |= ff_report_add_note(rep, "input failed: %s: %s (nothing read from it)", name, f->error);
	}
	if (r->ua_failed)
		rc |= ff_report_add_note(rep, "user-agent rules not loaded (%s): every browser, system and device is "
					 "Other, and only the built-in list of automated agents and classify.bot_patterns find bots",
					 r->ua_error ? r->ua_error : "out of memory");
	if (r->tz)
		rc |= ff_report_add_note(rep, "hours, days and weekdays in time zone %s (--tz)", ff_tz_name(r->tz));
	if (r->filter) {
		char desc[1024];
		ff_filter_describe(r->filter, desc, sizeof desc);
		rc |= ff_report_add_note(rep, "filters: %s", desc);
		if (ff_filter_cuts_visits(r->filter) && shows_visits(r))
			rc |= ff_report_add_note(rep, "visits are made of the hits that pass the path, status or method "
						 "filters only (their entry and exit pages, bounces and durations too); "
						 "to count whole visits, select them with --segment instead");
	}
	if (r->anonymize)
		rc |= ff_report_add_note(rep, "client addresses anonymized (IPv4 /24, IPv6 /48)");
	if (!r->geoip && (report_asked(r, "countries") || report_asked(r, "cities")))
		rc |= ff_report_add_note(rep, "countries and cities not shown: they need a GeoIP database (--geoip FILE)");
	else if (r->geoip && report_asked(r, "cities") && !ff_geoip_has_cities(r->geoip))
		rc |= ff_report_add_note(rep, "cities not shown: the %s database has countries only", ff_geoip_type(r->geoip));
	return rc ? -1 : 0;
}

void run_render(struct run *r)
{
	if (r->o->records)
		return;
	ff_report rep = { 0 };
	/* people read ten rows; scripts get every row unless they ask */
	bool for_people = r->out_format == OUT_TEXT || r->out_format == OUT_HTML;
	ff_report_options ro = { .top = r->o->top_set ? (size_t)r->o->top : for_people ? 10 : 0 };
	ro.machine = r->out_format == OUT_CSV || r->out_format == OUT_TSV || r->out_format == OUT_JSON;
	int rc = r->analysis_failed ? -1 : 0;
	if (rc == 0)
		rc = ff_analysis_report(r->analysis, &r->summary, r->format_label, &ro, &rep);
	if (rc == 0)
		rc = select_reports(r, &rep);
	if (rc != 0) {
		ff_diag(r->err, "out of memory while building the reports");
		r->status = FF_EXIT_IO;
		ff_report_free(&rep);
		return;
	}
	if (add_run_notes(r, &rep) != 0) {
		ff_diag(r->err, "out of memory while building the reports");
		r->status = FF_EXIT_IO;
		ff_report_free(&rep);
		return;
	}
	if (r->summary.late) {
		char what[256];
		run_late_lines(r, what, sizeof what);
		ff_report_add_note(&rep, "%s", what);
	}
	rep.inputs = r->facts;
	rep.n_inputs = r->n_facts;
	const ff_strlist *hosts = r->o->site ? &r->site_hosts : &r->cfg->site_hosts;
	if (hosts->count)
		rep.site = ff_sv_cstr(hosts->items[0]);
	rep.generated = generation_time();
	rep.version = PACKAGE_VERSION;
	ff_term term;
	if (r->outdir) {
		ff_term_probe(-1, &term);
	} else {
		/* the file is created only now, with the report ready to write */
		if (!(r->output = ff_output_open(r->o->output, r->err))) {
			r->status = FF_EXIT_IO;
			ff_report_free(&rep);
			return;
		}
		r->out = ff_output_stream(r->output);
		ff_term_probe(ff_output_is_terminal(r->output) ? fileno(r->out) : -1, &term);
	}
	ff_render_opts opts = {
		.separators = !r->o->no_separators,
		.color = term.color,
		.bars = term.tty,
		.ascii = term.ascii,
		.wide = r->o->wide,
		.csv_raw = r->o->csv_raw,
		.width = r->o->width_set ? (unsigned)r->o->width : term.width,
	};
	if (r->outdir) {
		if (ff_outdir_write(r->o->output, &rep, &opts, r->out_format == OUT_TSV ? '\t' : ',', r->err) != 0)
			r->status = FF_EXIT_IO;
		ff_report_free(&rep);
		return;
	}
	switch (r->out_format) {
	case OUT_JSON: ff_render_json(r->out, &rep, &opts); break;
	case OUT_CSV: ff_render_csv(r->out, &rep, &opts, ','); break;
	case OUT_TSV: ff_render_csv(r->out, &rep, &opts, '\t'); break;
	case OUT_HTML: ff_render_html(r->out, &rep, &opts); break;
	default: ff_render_text(r->out, &rep, &opts); break;
	}
	ff_report_free(&rep);
}

void run_cleanup(struct run *r)
{
	ff_output_abort(r->output);
	ff_merge_free(r->merge);
	ff_spool_free(r->spool);
	free(r->spool_error);
	ff_format_free(r->fmt);
	ff_format_free(r->count_fmt);
	ff_analysis_free(r->analysis);
	ff_geoip_close(r->geoip);
	ff_ua_free(r->ua);
	free(r->ua_error);
	ff_tz_free(r->tz);
	ff_filter_free(r->filter);
	ff_rowqueue_free(r->rows);
	for (size_t i = 0; i < r->site_hosts.count; i++)
		free(r->site_hosts.items[i]);
	free(r->site_hosts.items);
	free(r->format_label);
	free(r->format_note);
	for (size_t i = 0; i < r->n_facts; i++)
		free((char *)r->facts[i].error);
	free(r->facts);
	free(r->fact_of_source);
	ff_fingerprint_free(&r->fingerprint);
	for (size_t i = 0; i < r->n_owned; i++)
		free(r->owned[i]);
	free(r->owned);
}

int ff_list_reports(FILE *out)
{
	for (const ff_report_info *ri = ff_report_list; ri->name; ri++)
		fprintf(out, "%-20s %s\n", ri->name, ri->description);
	return fflush(out) == 0 ? FF_EXIT_OK : FF_EXIT_IO;
}

/* When not one input could be opened there is nothing to report: a cron
 * job's last good report must stay (SPEC §9). */
bool run_no_input_opened(struct run *r)
{
	for (size_t i = 0; i < r->n_facts; i++)
		if (!r->facts[i].error)
			return false;
	ff_diag(r->err, "no input could be opened; no report was written");
	return true;
}

int ff_run(const ff_options *o, const ff_config *cfg, FILE *err)
{
	struct run r = { .o = o, .cfg = cfg, .err = err, .err_tty = isatty(fileno(err)) };
	int64_t window = o->reorder_window_set ? o->reorder_window : cfg->visits_reorder_window;
	ff_summary_init(&r.summary, window);
	/* options that go with another command */
	if (o->records && (o->state_in || o->state_out || o->shard_n)) {
		ff_diag(err, "--state-in, --state-out and --shard go with reports, not footfall records");
		return FF_EXIT_USAGE;
	}
	if (o->command == FF_CMD_MERGE && (o->state_in || o->shard_n)) {
		ff_diag(err, "footfall merge adds states: --state-in and --shard go with runs over logs");
		return FF_EXIT_USAGE;
	}
	if (o->command == FF_CMD_MAP && (o->state_in || o->state_out || o->shard_n)) {
		ff_diag(err, "footfall map writes records: the state comes from footfall reduce");
		return FF_EXIT_USAGE;
	}
	if (o->command == FF_CMD_REDUCE && (o->state_in || o->shard_n)) {
		ff_diag(err, "footfall reduce takes map's records: --state-in and --shard go with runs over logs");
		return FF_EXIT_USAGE;
	}
	if (o->command == FF_CMD_MERGE)
		return run_merge(&r, cfg);
	if (run_split_by_visitor(o)) {
		int rc = run_split(&r, cfg);
		if (rc != RUN_SPLIT_AGAIN)
			return rc;
		/* a table was capped: one run keeps the keys seen first */
		ff_options one = *o;
		one.threads = 2;
		return ff_run(&one, cfg, err);
	}
	if ((o->command == FF_CMD_MAP || o->command == FF_CMD_REDUCE) && !o->site && !cfg->site_hosts.count) {
		ff_diag(err, "map and reduce need the site's hosts (--site or site.hosts): inference needs the whole log");
		return FF_EXIT_USAGE;
	}

	if (o->shard_n && run_reads_stdin(o)) {
		/* a second pass over standard input would count it again */
		ff_diag(err, "--shard reads files, not standard input");
		return FF_EXIT_USAGE;
	}

	r.progress = !o->quiet && (o->progress || r.err_tty);
	int rc = run_setup(&r, cfg);
	if (rc == FF_EXIT_OK && o->state_in && !o->records)
		rc = run_continue_state(&r);
	if (rc == FF_EXIT_OK && run_no_input_opened(&r))
		rc = FF_EXIT_IO;
	if (rc != FF_EXIT_OK) {
		run_cleanup(&r);
		return rc;
	}
	if (r.outdir && ff_outdir_prepare(o->output, err) != 0) {
		run_cleanup(&r);
		return FF_EXIT_IO;
	}
	if (o->records) {
		if (!(r.output = ff_output_open(o->output, err))) {
			run_cleanup(&r);
			return FF_EXIT_IO;
		}
		r.out = ff_output_stream(r.output);
		ff_records_header(r.out, &r.rspec);
	}
	run_read_all(&r);
	if (o->command == FF_CMD_MAP) {
		run_map_facts(&r);
		if (fflush(stdout) != 0) {
			ff_diag(err, "standard output: %s", strerror(errno));
			r.status = FF_EXIT_IO;
		}
	} else if (o->command == FF_CMD_RUN) {
		run_render(&r);
	}
	if (r.output && ff_output_commit(r.output, err) != 0)
		r.status = FF_EXIT_IO;
	r.output = NULL;
	run_cleanup(&r);
	return r.status;
}
