/* run_mapreduce.c — footfall map and reduce (SPEC §16): log lines out as
 * records keyed by visitor partition and instant, and records back in,
 * partition by partition, as a state. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autoconf.h"
#include "diag.h"
#include "run.h"
#include "run_internal.h"
#include "vkey.h"

/* footfall reduce: the format detected from the log lines inside the
 * records read ahead (PARTITION<TAB>TIME<TAB>LINE), as map detected it from
 * the log itself. */
int run_detect_records(const ff_replay *replay, ff_detection *d, char *err, size_t errsz)
{
	ff_sv *lines = calloc(replay->count ? replay->count : 1, sizeof *lines);
	if (!lines) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	size_t n = 0;
	for (size_t i = 0; i < replay->count; i++) {
		ff_sv rest = ff_sv_make(replay->bytes + replay->offsets[i], replay->offsets[i + 1] - replay->offsets[i]);
		(void)ff_sv_next_item(&rest, '\t');
		ff_sv when = ff_sv_next_item(&rest, '\t');
		if (when.n && when.p[0] != '~')
			lines[n++] = rest;
	}
	int rc = ff_detect_lines(lines, n, d, err, errsz);
	free(lines);
	return rc;
}

/* footfall map: the line keyed by its visitor's partition hash, then a
 * sort key of its instant and position (SPEC §16). */
void run_map_record(struct run *r, enum ff_parse_result result, const ff_record *rec, ff_sv text)
{
	uint64_t part;
	char when[48];
	if (result == FF_PARSE_OK) {
		part = ff_vkey_of(rec->client, rec->user_agent).hi;
		/* shifted so that every instant footfall accepts sorts as a
		 * fixed-width number */
		uint64_t us = (uint64_t)(rec->time.t + 4 * (INT64_C(1) << 40)) * 1000000u + (uint64_t)rec->time.usec;
		snprintf(when, sizeof when, "%020" PRIu64 ".%012" PRIu64, us, r->seq);
	} else {
		part = ff_vkey_of(text, FF_SV_LIT("")).hi;
		snprintf(when, sizeof when, "-.%012" PRIu64, r->seq);
	}
	fprintf(stdout, "%016" PRIx64 "\t%s\t", part, when);
	fwrite(text.p, 1, text.n, stdout);
	fputc('\n', stdout);
}

/* footfall map, at the end: each input's facts, for the report. */
void run_map_facts(struct run *r)
{
	for (size_t i = 0; i < r->n_facts; i++) {
		const ff_input_facts *f = &r->facts[i];
		const char *name = run_shown_name(f->name);
		for (const char *c = name; *c; c++)
			if (*c == '\t' || *c == '\n')
				return; /* a name the record cannot carry */
		fprintf(stdout, "%016" PRIx64 "\t~facts\t%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\n",
			ff_vkey_of(ff_sv_cstr(name), FF_SV_LIT("")).hi, name, f->compression, f->bytes_read, f->lines,
			f->invalid);
	}
}

/* footfall reduce: a facts record of footfall map (an input's name,
 * compression, bytes, lines, invalid lines), added to the run's inputs. */
static void reduce_facts(struct run *r, ff_sv rest)
{
	ff_sv f[5];
	uint64_t v[3];
	for (int i = 0; i < 5; i++)
		f[i] = ff_sv_next_item(&rest, '\t');
	for (int i = 0; i < 3; i++)
		if (!ff_sv_to_u64(f[2 + i], UINT64_MAX, &v[i]))
			return;
	ff_input_facts *grown = realloc(r->facts, (r->n_facts + 1) * sizeof *grown);
	if (!grown)
		return;
	r->facts = grown;
	r->facts[r->n_facts++] = (ff_input_facts){
		.name = run_keep_string(r, (const unsigned char *)f[0].p, f[0].n),
		.compression = run_keep_string(r, (const unsigned char *)f[1].p, f[1].n),
		.bytes_read = v[0], .lines = v[1], .invalid = v[2],
	};
}

/* footfall reduce: one record of footfall map.  Records come grouped by
 * partition and time-sorted within it: a new partition is a new set of
 * visitors, whose times start again, so the visits of the one before are
 * finished and the clock forgotten. */
void run_reduce_record(struct run *r, const ff_event *ev, ff_record *rec)
{
	if (ev->kind == FF_EV_INPUT_ERROR) {
		run_on_input_error(r, ev->source, ff_input_error(ff_merge_input(r->merge, ev->source)));
		return;
	}
	ff_sv rest = ff_sv_make(ev->line->p, ev->line->n);
	ff_sv part = ff_sv_next_item(&rest, '\t');
	ff_sv when = ff_sv_next_item(&rest, '\t');
	if (part.n != 16 || !when.n) {
		ff_diag_at(r->err, "-", ev->line->number, "not a record of footfall map (PARTITION<TAB>TIME<TAB>LINE)");
		r->status = FF_EXIT_IO;
		return;
	}
	if (ff_sv_eq(when, FF_SV_LIT("~facts"))) {
		reduce_facts(r, rest);
		return;
	}
	if (r->reduce_part.n != 16 || memcmp(r->reduce_part.p, part.p, 16) != 0) {
		if (r->reduce_part.n && r->analysis && !r->analysis_failed && ff_analysis_flush(r->analysis) != 0) {
			ff_diag(r->err, "out of memory");
			r->analysis_failed = true;
			r->status = FF_EXIT_IO;
		}
		memcpy(r->reduce_key, part.p, 16);
		r->reduce_part = ff_sv_make(r->reduce_key, 16);
		r->summary.has_read = false;
	}
	enum ff_parse_result result = ff_format_parse(r->fmt, rest.p, rest.n, rec);
	run_on_line(r, ev->source, result, rec, NULL, rest, ev->line->number, ev->line->overlong);
}
