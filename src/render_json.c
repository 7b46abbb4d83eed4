/* render_json.c — the whole result as one JSON document with the stable
 * keys of SPEC §12.  `summary` holds nothing that depends on file names,
 * compression or argument order; those facts live under `inputs`. */
#include "render.h"

#include "jsonw.h"

static void key_at(FILE *f, const char *k, bool *first, const char *indent)
{
	fputs(*first ? "\n" : ",\n", f);
	fputs(indent, f);
	*first = false;
	jsonw_cstring(f, k);
	fputs(": ", f);
}

static void key(FILE *f, const char *k, bool *first)
{
	key_at(f, k, first, "    ");
}

static void input_key(FILE *f, const char *k, bool *first)
{
	key_at(f, k, first, "      ");
}

static void time_or_null(FILE *f, bool has, ff_time t)
{
	char buf[FF_ISO8601_LEN + 1];
	if (!has) {
		jsonw_null(f);
		return;
	}
	ff_time_format_iso8601(t, buf);
	jsonw_cstring(f, buf);
}

void ff_render_json(FILE *f, const ff_results *r)
{
	const ff_summary *s = &r->summary;
	bool first = true;

	fputs("{\n  \"summary\": {", f);
	key(f, "lines", &first), jsonw_u64(f, s->lines);
	key(f, "valid", &first), jsonw_u64(f, s->valid);
	key(f, "invalid", &first), jsonw_u64(f, s->invalid);
	key(f, "late", &first), jsonw_u64(f, s->late);
	key(f, "hits", &first), jsonw_u64(f, s->hits);
	key(f, "bytes", &first), jsonw_u64(f, s->bytes);
	key(f, "first_time", &first), time_or_null(f, s->has_time, s->first);
	key(f, "last_time", &first), time_or_null(f, s->has_time, s->last);
	key(f, "format", &first), jsonw_cstring(f, r->format);
	fputs("\n  },\n  \"inputs\": [", f);
	for (size_t i = 0; i < r->n_inputs; i++) {
		const ff_input_facts *in = &r->inputs[i];
		first = true;
		fputs(i ? ",\n    {" : "\n    {", f);
		input_key(f, "name", &first), jsonw_cstring(f, in->name);
		input_key(f, "compression", &first), jsonw_cstring(f, in->compression);
		input_key(f, "lines", &first), jsonw_u64(f, in->lines);
		input_key(f, "invalid", &first), jsonw_u64(f, in->invalid);
		input_key(f, "bytes_read", &first), jsonw_u64(f, in->bytes_read);
		input_key(f, "error", &first);
		if (in->error)
			jsonw_cstring(f, in->error);
		else
			jsonw_null(f);
		fputs("\n    }", f);
	}
	fputs(r->n_inputs ? "\n  ],\n" : "],\n", f);
	fputs("  \"reports\": {\n    \"status\": [", f);
	bool any = false;
	for (unsigned code = 0; code < FF_STATUS_MAX; code++) {
		if (!s->status[code])
			continue;
		fprintf(f, "%s\n      {\"key\": %u, \"hits\": ", any ? "," : "", code);
		jsonw_u64(f, s->status[code]);
		fputc('}', f);
		any = true;
	}
	fputs(any ? "\n    ]\n  }\n}\n" : "]\n  }\n}\n", f);
}
