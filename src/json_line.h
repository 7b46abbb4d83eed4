/* json_line.h — one JSON object a line (Caddy, Traefik, Nginx escape=json),
 * read in one strict pass that keeps only the values at wanted key paths.
 *
 * The wanted paths are compiled once into a small trie; scanning a line
 * allocates nothing and points each wanted value into the line.  Strings
 * holding escapes are marked so the caller decodes just those, after the
 * line proved valid (ff_json_unescape). */
#ifndef FF_JSON_LINE_H
#define FF_JSON_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FF_JSON_MAX_DEPTH 64  /* deeper nesting makes the line invalid */
#define FF_JSON_MAX_NODES 256 /* path segments over all wanted paths */
#define FF_JSON_MAX_SLOTS 32

enum ff_json_type { FF_JSON_NONE, FF_JSON_STRING, FF_JSON_NUMBER, FF_JSON_TRUE, FF_JSON_FALSE, FF_JSON_NULL };

/* A wanted value found on the line: for a string, the bytes between the
 * quotes as written (escaped tells whether they need decoding); for other
 * scalars, their text. */
typedef struct ff_json_value {
	const char *p;
	uint32_t n;
	uint8_t type;  /* enum ff_json_type; FF_JSON_NONE: not on the line */
	uint8_t rank;  /* of the path that gave it: lower wins */
	bool escaped;
} ff_json_value;

typedef struct ff_json_paths ff_json_paths;

ff_json_paths *ff_json_paths_new(void);
void ff_json_paths_free(ff_json_paths *jp);

/* Wants the scalar at path ("request.headers.User-Agent[0]": keys joined
 * by dots, [N] picks item N of an array) in slot; when several paths of
 * one slot are on a line, the lowest rank wins, then the first seen.
 * Returns false with a reason in err when the path is not well formed or
 * the table is full. */
bool ff_json_paths_add(ff_json_paths *jp, const char *path, size_t pathlen, unsigned slot, unsigned rank,
		       char *err, size_t errsz);

/* Whether path is well formed; else a reason in err. */
bool ff_json_path_check(const char *path, size_t pathlen, char *err, size_t errsz);

/* Scans line: true when it is exactly one JSON object (RFC 8259; spaces
 * around it allowed), with vals[0..nslots) filled for the wanted paths
 * found.  jp may be NULL: validation alone. */
bool ff_json_line_scan(const ff_json_paths *jp, const char *line, size_t len, ff_json_value *vals, size_t nslots);

/* Decodes the escapes of a string value that ff_json_line_scan accepted
 * into out, which holds at least n bytes (decoding never lengthens).
 * \uXXXX becomes UTF-8 (a surrogate pair one code point, a lone surrogate
 * its three-byte form).  Returns the decoded length. */
size_t ff_json_unescape(const char *p, size_t n, char *out);

#endif
