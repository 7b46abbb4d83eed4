/* logformat.h — log formats compiled once into a parser.
 *
 * A format is compiled from a preset name ("combined", "common",
 * "vhost_combined"), an Apache LogFormat string, an Nginx log_format string
 * or "regex:" and a PCRE2 pattern with named groups.  Parsing a line runs the
 * compiled operations over it and fills an ff_record with views into the
 * line: no allocation, no copy.  A compiled format keeps scratch space (PCRE2
 * match data, the last time text parsed), so one ff_format serves one thread.
 *
 * How the text of a format is read:
 * - A spec holding "$name" or "${name}" is an Nginx log_format ('%' is plain
 *   text there); otherwise one holding '%' is an Apache LogFormat (its
 *   config escapes \" \\ \t \n are read as httpd does).
 * - Fields are cut at the first byte of the literal text that follows them.
 *   A field between two '"' is quoted: it ends at the first '"' not escaped
 *   by a backslash (SPEC §13.4) and may be empty.  Any other field is
 *   non-empty (but see below) and, unless it ends at a space, holds no
 *   space.  Two
 *   directives with no text between them are a compile error, except
 *   "%U%q" (Apache's query is empty or starts with '?').
 * - Every field is kept byte for byte.  A referer, user agent or
 *   X-Forwarded-For of "-" is an empty view; Nginx $args / $query_string
 *   of "-" is an empty query.
 * - An unquoted field may be empty where what it holds can be: the ident
 *   and user (%l %u, $remote_user), durations (%D, %T, $request_time),
 *   the X-Forwarded-For and fields footfall skips ($upstream_response_time).
 *   An empty duration, like "-", leaves the field out.
 * - The vhost is the host name alone: vhost_combined writes "%v:%p" and the
 *   port is read as a separate field and dropped, so one site served on
 *   ports 80 and 443 is one vhost.  $http_host is kept as written.
 * - The whole request ("%r", $request) is split by ff_record_split_request.
 *   Without it, method, protocol, path and query come from their own
 *   directives (%m %H %U %q, $request_method $server_protocol $uri $args);
 *   the target is then $request_uri when the format has it (its path and
 *   query win over $uri and $args), else the path alone, the query being
 *   set apart (path "?" query cannot be one view into the line).
 * - Durations are microseconds: %D and %{us}T as is, %{ms}T times 1000, %T,
 *   %{s}T and $request_time seconds with an optional fraction.  A duration
 *   of "-" leaves the field out; other text that is not a number makes the
 *   line invalid.
 * - Time: %t and $time_local are CLF time; %{%d/%b/%Y:%H:%M:%S %z}t too,
 *   %{sec}t (and $msec, with a fraction) seconds, %{msec}t and %{usec}t
 *   integer milli/microseconds since the epoch, $time_iso8601 and
 *   %{%Y-%m-%dT%H:%M:%S%z}t ISO 8601; other %{...}t are skipped fields.
 * - When several directives give one field, the first fills it; the others
 *   are skipped (every byte count is still checked, SPEC §13.7).
 * - "regex:PATTERN" is anchored at both ends (it must describe the whole
 *   line) and runs in byte mode (no UTF check).  Groups named client,
 *   ident, user, time, request, method, target, path, query, protocol,
 *   status, bytes, referer, user_agent, vhost, forwarded, duration, duration_us,
 *   duration_ms and duration_s fill their field; other groups are ignored.
 *   "time" may be CLF (with or without brackets), ISO 8601 or epoch
 *   seconds; "duration" is seconds when it holds a '.', else microseconds.
 *   A match that hits the PCRE2 match or depth limit counts as not matching
 *   (see ff_format_limit_hits). */
#ifndef FF_LOGFORMAT_H
#define FF_LOGFORMAT_H

#include <stdbool.h>
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
/* The same, and on FF_PARSE_TRAILING *used is the length of the part of
 * the line the format read (the trailing bytes follow): for detection. */
enum ff_parse_result ff_format_parse_prefix(ff_format *fmt, const char *line, size_t len, ff_record *rec,
					    size_t *used);

/* With on, the client of each parsed record is the first address of its
 * X-Forwarded-For field when that is an IP address (SPEC §4, --client
 * forwarded); rec->client then points into the line's forwarded field. */
void ff_format_set_client_forwarded(ff_format *fmt, bool on);

/* JSON formats ("json", or "json:" and a field mapping, see
 * ff_format_json_spec): field values from their key paths (json_line.h);
 * JSON escapes in a string are decoded into a buffer of the format, so the
 * record's views may point there and not into the line. */
bool ff_format_views_transient(const ff_format *fmt);
/* Whether name is a record field log.json_fields may map. */
bool ff_format_json_field(const char *name);
/* The names log.json_fields accepts, for messages. */
extern const char ff_format_json_fields_text[];

/* "combined", "common", "vhost_combined", "apache", "nginx", "regex" or "json". */
const char *ff_format_kind(const ff_format *fmt);
/* The text the format was compiled from (a preset's name for presets). */
const char *ff_format_spec(const ff_format *fmt);
/* FF_HAS() bits of the fields this format can fill. */
uint32_t ff_format_fields(const ff_format *fmt);
/* A remark worth showing the user about an accepted format (e.g. that it
 * has no time field), or NULL. */
const char *ff_format_note(const ff_format *fmt);
/* regex: formats: lines given up on because the match hit a PCRE2 limit
 * (catastrophic backtracking); they were parsed as FF_PARSE_INVALID. */
uint64_t ff_format_limit_hits(const ff_format *fmt);

/* The built-in presets, in the order auto-detection prefers them on a tie. */
extern const char *const ff_format_presets[];
/* The Apache LogFormat string equivalent to a preset, or NULL. */
const char *ff_format_preset_apache(const char *name);

#endif
