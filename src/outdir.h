/* outdir.h — `-o DIR/`: the reports as one csv or tsv file each in a
 * directory (DIR/summary.csv, DIR/pages.csv, ...), for spreadsheets and
 * database imports that take one rectangular table per file.  Each file is
 * written to a temporary file in DIR and renamed into place, as -o FILE
 * is; files of reports not asked for are left alone. */
#ifndef FF_OUTDIR_H
#define FF_OUTDIR_H

#include <stdbool.h>
#include <stdio.h>

#include "render.h"
#include "report.h"

/* -o names a directory: the path ends in '/' or is one. */
bool ff_outdir_wanted(const char *path);
/* The directory exists (a path ending in '/' that does not is created,
 * one level) and takes files; else a message on err and -1. */
int ff_outdir_prepare(const char *dir, FILE *err);
/* Writes every table of r, the summary first, as DIR/NAME.csv (sep ',')
 * or DIR/NAME.tsv (sep '\t').  -1 after a message on err when a file could
 * not be written (the ones before it are in place). */
int ff_outdir_write(const char *dir, const ff_report *r, const ff_render_opts *o, char sep, FILE *err);

#endif
