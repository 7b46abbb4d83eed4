/* render.h — writers of an ff_report: text, csv, tsv, json and html.
 *
 * Renderers only read the report; they never reach back into parsing.
 * Every text cell may hold any bytes (it came from the log): each renderer
 * escapes it for its format itself (SPEC §9).  A renderer writes to f and
 * leaves error checking of f to the caller (ferror/fflush). */
#ifndef FF_RENDER_H
#define FF_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

typedef struct ff_render_opts {
	bool separators; /* text: thousands separators (--no-separators) */
	bool color;      /* text: ANSI colours (terminal, no NO_COLOR) */
	bool bars;       /* text: a bar column comparing each row with the
			    largest (terminal) */
	bool ascii;      /* text: bars and ellipses in ASCII (the locale is
			    not UTF-8, or TERM=dumb) */
	bool wide;       /* text: never cut (--wide) */
	bool csv_raw;    /* csv/tsv: no formula neutralising (--csv-raw) */
	unsigned width;  /* text: columns to fit; 0: no cutting at all */
} ff_render_opts;

/* Every renderer takes o NULL as: separators on, 80 columns, nothing
 * else. */

/* Notes wrapped to o->width, the summary as a name/value list, then each
 * table fitted to o->width: titles on two lines, then long text cut in the
 * middle with an ellipsis (never an address or a number), then byte sizes
 * and bars left out, else one name/value block per row.  Log text is
 * escaped as ff_visible() does. */
void ff_render_text(FILE *f, const ff_report *r, const ff_render_opts *o);
/* SPEC §12: summary, inputs, reports, and a "notes" array of strings. */
void ff_render_json(FILE *f, const ff_report *r, const ff_render_opts *o);
/* sep ',' for csv (RFC 4180, LF line ends), '\t' for tsv.  Several tables
 * get a leading `report` column; the others row has the key "(others)". */
void ff_render_csv(FILE *f, const ff_report *r, const ff_render_opts *o, char sep);
/* One cell of text, as ff_render_csv writes it (sep ',' for csv, '\t' for
 * tsv; neutralise: a leading ' before = + - @, tab or CR).  Also the
 * writer of `footfall records` text cells, so both read alike. */
void ff_csv_cell(FILE *f, ff_sv s, bool neutralise, char sep);
/* One self-contained page: key figures, inline SVG charts, every table;
 * no external load of any kind, a Content-Security-Policy carrying the
 * inline script's hash, log text escaped (SPEC §9).  Uses o->separators. */
void ff_render_html(FILE *f, const ff_report *r, const ff_render_opts *o);

#endif
