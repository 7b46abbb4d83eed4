/* logformat.h — log formats compiled once into a parser.
 *
 * A format is compiled from a preset name ("combined", "common",
 * "vhost_combined"), an Apache LogFormat string, an Nginx log_format string
 * or "regex:" and a PCRE2 pattern with named groups.  Parsing a line runs the
 * compiled operations over it and fills an ff_record with views into the
 * line: no allocation, no copy.  A compiled format keeps scratch space (PCRE2
 * match data), so one ff_format serves one thread. */
#ifndef FF_LOGFORMAT_H
#define FF_LOGFORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "str.h"

typedef struct ff_format ff_format;

enum ff_parse_result {
	FF_PARSE_OK = 0,       /* the whole line matched: a valid record */
	FF_PARSE_INVALID = 1,  /* the line does not match the format */
	FF_PARSE_TRAILING = 2, /* every field matched but bytes follow the last
				  one: invalid (SPEC §13.3), reported apart so
				  format detection can suggest a longer format */
	FF_PARSE_BAD_TIME = 3, /* matched, but the time is not a real time */
	FF_PARSE_BAD_STATUS = 4, /* matched, but status is not 100-599 */
	FF_PARSE_BAD_BYTES = 5 /* matched, but bytes is not a valid count */
};

/* Compiles spec.  On failure returns NULL and writes a one-line reason
 * (without the program name) into err. */
ff_format *ff_format_compile(const char *spec, char *err, size_t errsz);
void ff_format_free(ff_format *fmt);

/* Parses one line (without its LF).  rec is fully overwritten. */
enum ff_parse_result ff_format_parse(ff_format *fmt, const char *line, size_t len, ff_record *rec);

/* "combined", "common", "vhost_combined", "apache", "nginx" or "regex". */
const char *ff_format_kind(const ff_format *fmt);
/* The text the format was compiled from (a preset's name for presets). */
const char *ff_format_spec(const ff_format *fmt);
/* FF_HAS() bits of the fields this format can fill. */
uint32_t ff_format_fields(const ff_format *fmt);

/* The built-in presets, in the order auto-detection prefers them on a tie. */
extern const char *const ff_format_presets[];
/* The Apache LogFormat string equivalent to a preset, or NULL. */
const char *ff_format_preset_apache(const char *name);

#endif
