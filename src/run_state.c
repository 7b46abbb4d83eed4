/* run_state.c — states in a run (SPEC §16): --state-out and --state-in,
 * footfall merge, and --threads above 2, which runs the visitors' shards
 * side by side and adds their states up in memory. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autoconf.h"
#include "diag.h"
#include "outdir.h"
#include "run.h"
#include "run_internal.h"
#include "vkey.h"

char *run_keep_string(struct run *r, const unsigned char *p, size_t n)
{
	char **grown = realloc(r->owned, (r->n_owned + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	r->owned = grown;
	char *copy = malloc(n + 1);
	if (!copy)
		return NULL;
	memcpy(copy, p, n);
	copy[n] = 0;
	r->owned[r->n_owned++] = copy;
	return copy;
}

/* The user-agent rules' identity: a digest of the file's bytes, 0 when
 * none could be read. */
static uint64_t ua_digest(const struct run *r)
{
	const char *path = r->o->ua_regexes ? r->o->ua_regexes : r->cfg->ua_regexes ? r->cfg->ua_regexes : FF_UAP_REGEXES;
	if (r->ua_failed)
		return 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	ff_sbuf b = { 0 };
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		ff_sbuf_raw(&b, buf, n);
	fclose(f);
	uint64_t d = b.oom ? 0 : ff_state_digest(b.p, b.n);
	ff_sbuf_free(&b);
	return d;
}

static int build_fingerprint(struct run *r)
{
	if (r->fingerprint.count)
		return 0;
	if (ff_fingerprint_build(&r->fingerprint, r->o, r->cfg, ua_digest(r)) != 0) {
		ff_diag(r->err, "out of memory");
		return -1;
	}
	return 0;
}

static void put_str(ff_sbuf *b, const char *s)
{
	ff_sbuf_str(b, s ? s : "", s ? strlen(s) : 0);
}

/* The run section: how the lines were read, for the report of a merge. */
static void put_run(const struct run *r, ff_sbuf *b)
{
	put_str(b, r->format_label);
	ff_sbuf_uv(b, r->format_detected ? 1 : 0);
	put_str(b, r->format_origin);
	put_str(b, r->format_note);
	/* reduce: the inputs are map's, not its own standard input */
	size_t skip = r->o->command == FF_CMD_REDUCE ? 1 : 0;
	ff_sbuf_uv(b, r->n_facts - skip);
	for (size_t i = skip; i < r->n_facts; i++) {
		const ff_input_facts *f = &r->facts[i];
		put_str(b, f->name);
		put_str(b, f->compression);
		ff_sbuf_uv(b, f->lines);
		ff_sbuf_uv(b, f->invalid);
		ff_sbuf_uv(b, f->bytes_read);
		put_str(b, f->error);
	}
}

/* The state of the run (or of the merge) as bytes. */
int run_state_bytes(struct run *r, ff_sbuf *out)
{
	ff_sbuf fp = { 0 }, sum = { 0 }, run = { 0 }, sec[4] = { { 0 } };
	int rc = 0;
	if (build_fingerprint(r) != 0 || ff_analysis_drain(r->analysis) != 0 ||
	    ff_analysis_save(r->analysis, sec) != 0)
		rc = -1;
	ff_fingerprint_encode(&r->fingerprint, &fp);
	ff_summary_encode(&r->summary, &sum);
	put_run(r, &run);
	ff_state_begin(out);
	ff_state_section(out, FF_STATE_FINGERPRINT, &fp);
	ff_state_section(out, FF_STATE_SUMMARY, &sum);
	ff_state_section(out, FF_STATE_RUN, &run);
	static const uint32_t tags[4] = { FF_STATE_TABLES, FF_STATE_VISITORS, FF_STATE_MARKETING, FF_STATE_OPEN };
	for (int i = 0; i < 4; i++)
		ff_state_section(out, tags[i], &sec[i]);
	if (ff_state_finish(out) != 0 || fp.oom || sum.oom || run.oom)
		rc = -1;
	ff_sbuf_free(&fp);
	ff_sbuf_free(&sum);
	ff_sbuf_free(&run);
	for (int i = 0; i < 4; i++)
		ff_sbuf_free(&sec[i]);
	return rc;
}

/* --state-out FILE, written atomically; "-" (footfall reduce): the
 * armored line on standard output. */
int run_write_state(struct run *r)
{
	ff_sbuf out = { 0 };
	int rc = FF_EXIT_OK;
	if (run_state_bytes(r, &out) != 0) {
		ff_diag(r->err, "out of memory while writing the state");
		rc = FF_EXIT_IO;
	} else if (!r->o->state_out || strcmp(r->o->state_out, "-") == 0) {
		ff_sbuf line = { 0 };
		ff_state_armor(out.p, out.n, &line);
		if (line.oom || fwrite(line.p, 1, line.n, stdout) != line.n || fflush(stdout) != 0) {
			ff_diag(r->err, "standard output: %s", line.oom ? "out of memory" : strerror(errno));
			rc = FF_EXIT_IO;
		}
		ff_sbuf_free(&line);
	} else if (ff_state_save(r->o->state_out, out.p, out.n, r->err) != 0) {
		rc = FF_EXIT_IO;
	}
	ff_sbuf_free(&out);
	return rc;
}

struct loaded {
	unsigned char *data;   /* the file */
	ff_sbuf *states;       /* its states: one, or one per armored line */
	size_t n;
};

static void loaded_free(struct loaded *l)
{
	free(l->data);
	for (size_t i = 0; i < l->n; i++)
		ff_sbuf_free(&l->states[i]);
	free(l->states);
}

/* Reads a state file, raw or armored lines.  FF_EXIT_OK, or FF_EXIT_IO
 * after a message naming the file. */
static int load_states(struct run *r, const char *path, struct loaded *l)
{
	char msg[1024];
	size_t n;
	memset(l, 0, sizeof *l);
	if (ff_state_load(path, &l->data, &n, msg, sizeof msg) != 0) {
		ff_diag(r->err, "%s", msg);
		return FF_EXIT_IO;
	}
	size_t head = sizeof FF_STATE_ARMOR - 1;
	if (n < head || memcmp(l->data, FF_STATE_ARMOR, head) != 0) {
		l->states = calloc(1, sizeof *l->states);
		if (!l->states)
			goto oom;
		ff_sbuf_raw(&l->states[0], l->data, n);
		l->n = 1;
		return l->states[0].oom ? FF_EXIT_IO : FF_EXIT_OK;
	}
	size_t at = 0, line_no = 0;
	while (at < n) {
		const unsigned char *p = l->data + at;
		const unsigned char *nl = memchr(p, '\n', n - at);
		size_t len = nl ? (size_t)(nl - p) : n - at;
		at += len + (nl ? 1 : 0);
		line_no++;
		if (!len)
			continue;
		ff_sbuf *grown = realloc(l->states, (l->n + 1) * sizeof *grown);
		if (!grown)
			goto oom;
		l->states = grown;
		l->states[l->n] = (ff_sbuf){ 0 };
		if (ff_state_unarmor(p, len, &l->states[l->n++]) != 0) {
			ff_diag_at(r->err, path, line_no, "not a footfall state (a line of an armored state file is "
							  "\"footfall-state:\" and base64)");
			return FF_EXIT_IO;
		}
	}
	return FF_EXIT_OK;
oom:
	ff_diag(r->err, "out of memory");
	return FF_EXIT_IO;
}

/* Checks one state and splits it; its fingerprint must be the run's. */
static int check_state(struct run *r, const char *path, const ff_sbuf *b, ff_state_view *v)
{
	char msg[1024];
	if (ff_state_parse(b->p, b->n, v, msg, sizeof msg) != 0) {
		ff_diag(r->err, "%s: %s", path, msg);
		return FF_EXIT_IO;
	}
	ff_fingerprint fp = { 0 };
	if (!v->has[FF_STATE_FINGERPRINT] || !v->has[FF_STATE_SUMMARY] || !v->has[FF_STATE_RUN] ||
	    ff_fingerprint_decode(v->section[FF_STATE_FINGERPRINT], v->section_len[FF_STATE_FINGERPRINT], &fp) != 0) {
		ff_fingerprint_free(&fp);
		ff_diag(r->err, "%s: corrupt state file (malformed section fingerprint)", path);
		return FF_EXIT_IO;
	}
	if (build_fingerprint(r) != 0) {
		ff_fingerprint_free(&fp);
		return FF_EXIT_IO;
	}
	int differs = ff_fingerprint_compare(&r->fingerprint, &fp, msg, sizeof msg);
	ff_fingerprint_free(&fp);
	if (differs) {
		ff_diag(r->err, "%s: %s", path, msg);
		return FF_EXIT_USAGE;
	}
	return FF_EXIT_OK;
}

static int facts_by_name(const void *x, const void *y)
{
	const ff_input_facts *a = x, *b = y;
	return strcmp(a->name, b->name);
}

/* A state's run section into the merge: the format from the first, the
 * inputs added by name. */
static int absorb_run(struct run *r, const ff_state_view *v, bool first)
{
	ff_scur c = { .p = v->section[FF_STATE_RUN], .n = v->section_len[FF_STATE_RUN] };
	const unsigned char *s[3];
	size_t sn[3];
	uint64_t detected = 0;
	ff_scur_str(&c, &s[0], &sn[0]);
	ff_scur_uv(&c, &detected);
	ff_scur_str(&c, &s[1], &sn[1]);
	ff_scur_str(&c, &s[2], &sn[2]);
	if (first && !c.bad) {
		free(r->format_label);
		r->format_label = strndup((const char *)s[0], sn[0]);
		r->format_detected = detected == 1;
		r->format_origin = sn[1] ? run_keep_string(r, s[1], sn[1]) : NULL;
		free(r->format_note);
		r->format_note = sn[2] ? strndup((const char *)s[2], sn[2]) : NULL;
		if (!r->format_label || (sn[1] && !r->format_origin) || (sn[2] && !r->format_note))
			return -1;
	}
	size_t n;
	ff_scur_count(&c, 6, 1u << 24, &n);
	for (size_t i = 0; i < n && !c.bad; i++) {
		const unsigned char *name, *comp, *error;
		size_t nn, cn, en;
		uint64_t lines = 0, invalid = 0, bytes = 0;
		ff_scur_str(&c, &name, &nn);
		ff_scur_str(&c, &comp, &cn);
		ff_scur_uv(&c, &lines);
		ff_scur_uv(&c, &invalid);
		ff_scur_uv(&c, &bytes);
		ff_scur_str(&c, &error, &en);
		if (c.bad)
			break;
		ff_input_facts *f = NULL;
		for (size_t k = 0; k < r->n_facts && !f; k++)
			if (strlen(r->facts[k].name) == nn && memcmp(r->facts[k].name, name, nn) == 0)
				f = &r->facts[k];
		if (!f) {
			ff_input_facts *grown = realloc(r->facts, (r->n_facts + 1) * sizeof *grown);
			if (!grown)
				return -1;
			r->facts = grown;
			f = &r->facts[r->n_facts++];
			*f = (ff_input_facts){ .name = run_keep_string(r, name, nn), .compression = run_keep_string(r, comp, cn) };
			if (!f->name || !f->compression)
				return -1;
		}
		f->lines += lines;
		f->invalid += invalid;
		f->bytes_read += bytes;
		if (en && !f->error && !(f->error = strndup((const char *)error, en)))
			return -1;
	}
	return c.bad || c.n ? 1 : 0;
}

/* --state-in FILE: before the first line. */
int run_continue_state(struct run *r)
{
	struct loaded l;
	int rc = load_states(r, r->o->state_in, &l);
	if (rc == FF_EXIT_OK && l.n != 1) {
		ff_diag(r->err, "%s: --state-in takes one state (this file holds %zu); merge them first", r->o->state_in,
			l.n);
		rc = FF_EXIT_USAGE;
	}
	ff_state_view v;
	if (rc == FF_EXIT_OK)
		rc = check_state(r, r->o->state_in, &l.states[0], &v);
	char msg[512];
	if (rc == FF_EXIT_OK && ff_analysis_continue(r->analysis, &v, r->o->shard_k, r->o->shard_n, msg, sizeof msg) != 0) {
		ff_diag(r->err, "%s: %s", r->o->state_in, msg);
		rc = FF_EXIT_IO;
	}
	loaded_free(&l);
	return rc;
}

/* One state's counts into the run's: summary, inputs, analysis. */
static int absorb_state(struct run *r, const char *path, const ff_sbuf *b, bool *first)
{
	ff_state_view v;
	char msg[512];
	ff_summary sum;
	int rc = check_state(r, path, b, &v);
	if (rc != FF_EXIT_OK)
		return rc;
	if (ff_summary_decode(v.section[FF_STATE_SUMMARY], v.section_len[FF_STATE_SUMMARY], &sum) != 0) {
		ff_diag(r->err, "%s: corrupt state file (malformed section summary)", path);
		return FF_EXIT_IO;
	}
	sum.reorder_window = r->summary.reorder_window;
	ff_summary_merge(&r->summary, &sum);
	int run_rc = absorb_run(r, &v, *first);
	if (run_rc != 0) {
		ff_diag(r->err, "%s: %s", path, run_rc < 0 ? "out of memory" : "corrupt state file (malformed section run)");
		return FF_EXIT_IO;
	}
	*first = false;
	if (ff_analysis_absorb(r->analysis, &v, msg, sizeof msg) != 0) {
		ff_diag(r->err, "%s: %s", path, msg);
		return FF_EXIT_IO;
	}
	return FF_EXIT_OK;
}

/* After the last state: open visits settled, --state-out written. */
static int settle_states(struct run *r)
{
	char msg[512];
	if (ff_analysis_settle(r->analysis, msg, sizeof msg) != 0) {
		ff_diag(r->err, "%s", msg);
		return FF_EXIT_USAGE;
	}
	if (r->o->state_out && run_write_state(r) != FF_EXIT_OK)
		return FF_EXIT_IO;
	return FF_EXIT_OK;
}

/* footfall merge STATE...: the states' counts added, then reported (or
 * written as one state). */
static int merge_states(struct run *r)
{
	if (!r->o->n_files) {
		ff_diag(r->err, "merge needs at least one state file");
		return FF_EXIT_USAGE;
	}
	free(r->facts);
	r->facts = NULL;
	r->n_facts = 0;
	bool first = true;
	for (int i = 0; i < r->o->n_files; i++) {
		const char *path = r->o->files[i];
		struct loaded l;
		int rc = load_states(r, path, &l);
		for (size_t k = 0; rc == FF_EXIT_OK && k < l.n; k++)
			rc = absorb_state(r, path, &l.states[k], &first);
		loaded_free(&l);
		if (rc != FF_EXIT_OK)
			return rc;
	}
	if (ff_analysis_capped(r->analysis) && !r->o->quiet)
		ff_diag(r->err, "the states kept only part of some tables' keys (--max-keys, --max-memory): their "
				"(others) rows add up, but which keys are kept may differ from one run over all the lines");
	/* the same inputs whatever order the states come in */
	if (r->n_facts > 1)
		qsort(r->facts, r->n_facts, sizeof *r->facts, facts_by_name);
	return settle_states(r);
}

/* footfall merge: what a run sets up, without inputs. */
static int setup_merge(struct run *r, const ff_config *cfg)
{
	char err[512];
	if (run_pick_out_format(r, err, sizeof err) != 0) {
		ff_diag(r->err, "%s", err);
		return FF_EXIT_USAGE;
	}
	if (run_check_reports(r) != 0 || run_setup_tz(r, cfg) != 0)
		return FF_EXIT_USAGE;
	int rc = run_setup_geoip(r, cfg);
	if (rc != FF_EXIT_OK)
		return rc;
	if (run_load_ua(r, cfg) != FF_EXIT_OK)
		return FF_EXIT_IO;
	if (r->o->output && ff_output_check_inputs(r->o->output, r->o->files, (size_t)r->o->n_files, r->err) != 0)
		return FF_EXIT_USAGE;
	r->anonymize = r->o->anonymize || cfg->anonymize;
	if (run_choose_client(r, cfg) != 0)
		return FF_EXIT_USAGE;
	rc = run_setup_filter(r, cfg);
	if (rc != FF_EXIT_OK)
		return rc;
	return run_setup_analysis(r, cfg);
}

/* The report of states added up (or nothing but --state-out). */
static int report_merged(struct run *r)
{
	/* footfall merge --state-out prints no report unless -o asks */
	if (r->o->command == FF_CMD_MERGE && r->o->state_out && !r->o->output)
		return FF_EXIT_OK;
	if (r->outdir && ff_outdir_prepare(r->o->output, r->err) != 0)
		return FF_EXIT_IO;
	if (ff_analysis_finish(r->analysis) != 0) {
		ff_diag(r->err, "out of memory while finishing the visits");
		r->analysis_failed = true;
		r->status = FF_EXIT_IO;
	}
	run_render(r);
	if (r->output && ff_output_commit(r->output, r->err) != 0)
		r->status = FF_EXIT_IO;
	r->output = NULL;
	return r->status;
}

int run_merge(struct run *r, const ff_config *cfg)
{
	int rc = setup_merge(r, cfg);
	if (rc == FF_EXIT_OK)
		rc = merge_states(r);
	if (rc == FF_EXIT_OK)
		rc = report_merged(r);
	run_cleanup(r);
	return rc;
}

/* --threads N above 2 (SPEC §16): N shards of the visitors counted side
 * by side, each on its own thread with its own tables (no lock on the hot
 * path), then added up as footfall merge adds states.  Every shard reads
 * and parses the whole input, so the parsing is done N times: the counting
 * is what the threads share out. */
struct split_job {
	atomic_bool *capped;
	ff_options o;
	const ff_config *cfg;
	FILE *err;
	ff_sbuf state;
	int status;
};

static void *split_worker(void *arg)
{
	struct split_job *j = arg;
	struct run r = { .o = &j->o, .cfg = j->cfg, .err = j->err, .state_sink = &j->state, .split_capped = j->capped };
	ff_summary_init(&r.summary, j->o.reorder_window_set ? j->o.reorder_window : j->cfg->visits_reorder_window);
	int rc = run_setup(&r, j->cfg);
	if (rc == FF_EXIT_OK && run_no_input_opened(&r))
		rc = FF_EXIT_IO;
	if (rc == FF_EXIT_OK && j->o.state_in)
		rc = run_continue_state(&r);
	if (rc == FF_EXIT_OK) {
		run_read_all(&r);
		rc = r.status;
		if (!j->state.n && rc == FF_EXIT_OK && !atomic_load(j->capped))
			rc = FF_EXIT_IO;
	}
	j->status = rc;
	run_cleanup(&r);
	return NULL;
}

/* --threads, or by default the processors online. */
static size_t thread_count(const ff_options *o)
{
	if (o->threads)
		return (size_t)o->threads;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > FF_THREADS_MAX ? FF_THREADS_MAX : (size_t)n;
}

bool run_split_by_visitor(const ff_options *o)
{
	return thread_count(o) > 2 && !o->records && o->command == FF_CMD_RUN && !run_reads_stdin(o) &&
	       !o->shard_n;
}

int run_split(struct run *r, const ff_config *cfg)
{
	const ff_options *o = r->o;
	size_t n = thread_count(o);
	struct split_job *jobs = calloc(n, sizeof *jobs);
	pthread_t *threads = calloc(n, sizeof *threads);
	bool *started = calloc(n, sizeof *started);
	FILE *null = fopen("/dev/null", "w");
	/* shard 0's messages wait: the run may be made again on one
	 * counting thread, which says them itself */
	char *said = NULL;
	size_t said_n = 0;
	FILE *said_f = open_memstream(&said, &said_n);
	atomic_bool capped = false;
	int rc = FF_EXIT_OK;
	if (!jobs || !threads || !started || !null || !said_f) {
		ff_diag(r->err, "out of memory");
		rc = FF_EXIT_IO;
		goto out;
	}
	for (size_t k = 0; k < n; k++) {
		struct split_job *j = &jobs[k];
		j->capped = &capped;
		j->o = *o;
		j->o.threads = 1;
		j->o.shard_k = k;
		j->o.shard_n = n;
		j->o.state_out = NULL;
		j->o.output = NULL;
		j->o.progress = false;
		/* what is said about the input is said once, by shard 0,
		 * which has the invalid lines */
		j->o.quiet = k ? true : o->quiet;
		j->cfg = cfg;
		j->err = k ? null : said_f;
		started[k] = pthread_create(&threads[k], NULL, split_worker, j) == 0;
		if (!started[k])
			split_worker(j);
	}
	for (size_t k = 0; k < n; k++) {
		if (started[k])
			pthread_join(threads[k], NULL);
		if (jobs[k].status > rc)
			rc = jobs[k].status;
	}
	fflush(said_f);
	if (atomic_load(&capped) && rc != FF_EXIT_USAGE) {
		rc = RUN_SPLIT_AGAIN;
		goto out;
	}
	if (rc == FF_EXIT_USAGE) {
		fwrite(said, 1, said_n, r->err);
		goto out;
	}
	int merged = setup_merge(r, cfg);
	free(r->facts);
	r->facts = NULL;
	r->n_facts = 0;
	bool first = true;
	for (size_t k = 0; merged == FF_EXIT_OK && k < n; k++)
		if (jobs[k].state.n)
			merged = absorb_state(r, "(a thread's state)", &jobs[k].state, &first);
	if (merged == FF_EXIT_OK && ff_analysis_capped(r->analysis)) {
		rc = RUN_SPLIT_AGAIN;
		goto out;
	}
	fwrite(said, 1, said_n, r->err);
	if (merged == FF_EXIT_OK && r->summary.late) {
		char what[512];
		run_late_lines(r, what, sizeof what);
		ff_diag(r->err, "%s", what);
	}
	if (merged == FF_EXIT_OK)
		merged = settle_states(r);
	if (merged == FF_EXIT_OK) {
		r->status = rc;
		merged = report_merged(r);
	}
	if (merged > rc)
		rc = merged;
out:
	for (size_t k = 0; jobs && k < n; k++)
		ff_sbuf_free(&jobs[k].state);
	free(jobs);
	free(threads);
	free(started);
	if (null)
		fclose(null);
	if (said_f)
		fclose(said_f);
	free(said);
	run_cleanup(r);
	return rc;
}
