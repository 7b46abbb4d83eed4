/* render_json.c — an ff_report as one JSON document with the stable keys
 * of SPEC §12: "summary", "inputs", "reports".  `summary` holds nothing
 * that depends on file names, compression or argument order; those facts
 * live under `inputs`.  One more top-level key, "notes", carries the lines
 * the text report prints at its top (format used, site hosts inferred...)
 * as an array of strings: §12 names the keys scripts may rely on and does
 * not forbid others, and scripts that ignore unknown keys lose nothing.
 * Numbers are never rounded (SPEC §13.14); every string goes through
 * jsonw_string, so the document is valid UTF-8 whatever the log held. */
#include "render.h"

#include "jsonw.h"

static void cell(FILE *f, const ff_column *col, const ff_cell *c)
{
	if (c->null) {
		jsonw_null(f);
		return;
	}
	switch (col->kind) {
	case FF_COL_TEXT:
		jsonw_string(f, c->v.s);
		break;
	case FF_COL_INT:
	case FF_COL_BYTES:
		jsonw_u64(f, c->v.u);
		break;
	case FF_COL_RATE:
	case FF_COL_REAL:
	case FF_COL_SECONDS:
	case FF_COL_LATENCY:
		jsonw_double(f, c->v.d);
		break;
	case FF_COL_BOOL:
		jsonw_bool(f, c->v.b);
		break;
	}
}

static void member(FILE *f, const char *name, bool first)
{
	if (!first)
		fputs(", ", f);
	jsonw_cstring(f, name);
	fputs(": ", f);
}

static void summary(FILE *f, const ff_table *t)
{
	fputs("  \"summary\": {", f);
	if (t->n_rows > 0) {
		const ff_cell *row = ff_table_row(t, 0);
		for (size_t c = 0; c < t->n_cols; c++) {
			fputs(c ? ",\n    " : "\n    ", f);
			jsonw_cstring(f, t->cols[c].name);
			fputs(": ", f);
			cell(f, &t->cols[c], &row[c]);
		}
		fputs("\n  ", f);
	}
	fputs("},\n", f);
}

static void inputs(FILE *f, const ff_report *r)
{
	fputs("  \"inputs\": [", f);
	for (size_t i = 0; i < r->n_inputs; i++) {
		const ff_input_facts *in = &r->inputs[i];
		fputs(i ? ",\n    {" : "\n    {", f);
		member(f, "name", true), jsonw_cstring(f, in->name ? in->name : "-");
		member(f, "compression", false), jsonw_cstring(f, in->compression ? in->compression : "none");
		member(f, "lines", false), jsonw_u64(f, in->lines);
		member(f, "invalid", false), jsonw_u64(f, in->invalid);
		member(f, "bytes_read", false), jsonw_u64(f, in->bytes_read);
		member(f, "error", false);
		if (in->error)
			jsonw_cstring(f, in->error);
		else
			jsonw_null(f);
		fputc('}', f);
	}
	fputs(r->n_inputs ? "\n  ],\n" : "],\n", f);
}

/* One row object per line: a million-row table stays a readable and
 * streamable document.  The key is always named "key" (SPEC §12). */
static void table(FILE *f, const ff_table *t)
{
	jsonw_cstring(f, t->name);
	fputs(": [", f);
	for (size_t r = 0; r < t->n_rows; r++) {
		const ff_cell *row = ff_table_row(t, r);
		bool others = t->has_others && r + 1 == t->n_rows;
		fputs(r ? ",\n      {" : "\n      {", f);
		member(f, "key", true);
		if (others) {
			jsonw_null(f);
			member(f, "others", false), jsonw_bool(f, true);
		} else if (t->n_cols > 0) {
			cell(f, &t->cols[0], &row[0]);
		} else {
			jsonw_null(f);
		}
		for (size_t c = 1; c < t->n_cols; c++) {
			member(f, t->cols[c].name, false);
			cell(f, &t->cols[c], &row[c]);
		}
		fputc('}', f);
	}
	fputs(t->n_rows ? "\n    ]" : "]", f);
}

void ff_render_json(FILE *f, const ff_report *r, const ff_render_opts *o)
{
	(void)o;
	fputs("{\n", f);
	if (r->with_summary)
		summary(f, &r->summary);
	inputs(f, r);
	fputs("  \"reports\": {", f);
	for (size_t i = 0; i < r->n_tables; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		table(f, &r->tables[i]);
	}
	fputs(r->n_tables ? "\n  },\n" : "},\n", f);
	fputs("  \"notes\": [", f);
	for (size_t i = 0; i < r->n_notes; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		jsonw_cstring(f, r->notes[i]);
	}
	fputs(r->n_notes ? "\n  ]\n}\n" : "]\n}\n", f);
}
