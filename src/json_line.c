/* json_line.c — the strict one-object-a-line JSON scanner of json_line.h.
 *
 * A recursive descent over the line that follows the trie of wanted paths
 * alongside: members under no wanted path are still checked, never kept.
 * The hot path of JSON logs: no allocation, one pass. */
#include "json_line.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_NODE 0xffffu

struct node {
	const char *seg;    /* key bytes (into ff_json_paths.text); NULL: index */
	uint32_t seglen;
	uint32_t index;     /* array item, when seg is NULL */
	uint16_t child;     /* first child, or NO_NODE */
	uint16_t next;      /* next sibling, or NO_NODE */
	int16_t slot;       /* -1: not a wanted value */
	uint8_t rank;
};

struct ff_json_paths {
	struct node nodes[FF_JSON_MAX_NODES]; /* nodes[0]: the line's object */
	size_t nnodes;
	char *text[FF_JSON_MAX_NODES];        /* copies of the paths added */
	size_t ntext;
};

ff_json_paths *ff_json_paths_new(void)
{
	ff_json_paths *jp = calloc(1, sizeof *jp);
	if (!jp)
		return NULL;
	jp->nodes[0] = (struct node){ .child = NO_NODE, .next = NO_NODE, .slot = -1 };
	jp->nnodes = 1;
	return jp;
}

void ff_json_paths_free(ff_json_paths *jp)
{
	if (!jp)
		return;
	for (size_t i = 0; i < jp->ntext; i++)
		free(jp->text[i]);
	free(jp);
}

static bool path_error(char *err, size_t errsz, const char *why)
{
	if (err && errsz)
		snprintf(err, errsz, "%s", why);
	return false;
}

/* Walks path segment by segment; with jp, adds the nodes it lacks. */
static bool walk_path(ff_json_paths *jp, const char *path, size_t n, int slot, unsigned rank, char *err,
		      size_t errsz)
{
	if (n == 0)
		return path_error(err, errsz, "the key path is empty");
	uint16_t at = 0;
	size_t i = 0;
	while (i < n) {
		const char *seg = NULL;
		size_t seglen = 0;
		uint32_t index = 0;
		if (path[i] == '[') {
			size_t j = i + 1;
			if (j >= n || path[j] < '0' || path[j] > '9')
				return path_error(err, errsz, "'[' must be followed by an array index and ']'");
			while (j < n && path[j] >= '0' && path[j] <= '9') {
				if (index > 100000)
					return path_error(err, errsz, "the array index is too large");
				index = index * 10 + (uint32_t)(path[j] - '0');
				j++;
			}
			if (j >= n || path[j] != ']')
				return path_error(err, errsz, "'[' must be followed by an array index and ']'");
			i = j + 1;
			if (i < n && path[i] != '[' && path[i] != '.')
				return path_error(err, errsz, "']' must be followed by '.', '[' or the end");
			if (i < n && path[i] == '.' && ++i == n)
				return path_error(err, errsz, "the key path ends with '.'");
		} else {
			size_t j = i;
			while (j < n && path[j] != '.' && path[j] != '[') {
				if (path[j] == ']' || (unsigned char)path[j] < 0x20)
					return path_error(err, errsz, "a key holds ']' or a control byte");
				j++;
			}
			if (j == i)
				return path_error(err, errsz, "the key path has an empty key (two dots, or a dot at an end)");
			seg = path + i;
			seglen = j - i;
			i = j;
			if (i < n && path[i] == '.' && ++i == n)
				return path_error(err, errsz, "the key path ends with '.'");
		}
		if (!jp)
			continue;
		uint16_t c = jp->nodes[at].child, last = NO_NODE;
		for (; c != NO_NODE; last = c, c = jp->nodes[c].next) {
			const struct node *nd = &jp->nodes[c];
			if (seg ? (nd->seg && nd->seglen == seglen && memcmp(nd->seg, seg, seglen) == 0)
				: (!nd->seg && nd->index == index))
				break;
		}
		if (c == NO_NODE) {
			if (jp->nnodes == FF_JSON_MAX_NODES)
				return path_error(err, errsz, "too many key paths");
			c = (uint16_t)jp->nnodes++;
			jp->nodes[c] = (struct node){ .seg = seg, .seglen = (uint32_t)seglen, .index = index,
						      .child = NO_NODE, .next = NO_NODE, .slot = -1 };
			if (last == NO_NODE)
				jp->nodes[at].child = c;
			else
				jp->nodes[last].next = c;
		}
		at = c;
	}
	if (jp) {
		if (at == 0)
			return path_error(err, errsz, "the key path is empty");
		if (jp->nodes[at].slot < 0 || rank < jp->nodes[at].rank) {
			jp->nodes[at].slot = (int16_t)slot;
			jp->nodes[at].rank = (uint8_t)rank;
		}
	}
	return true;
}

bool ff_json_path_check(const char *path, size_t pathlen, char *err, size_t errsz)
{
	return walk_path(NULL, path, pathlen, -1, 0, err, errsz);
}

bool ff_json_paths_add(ff_json_paths *jp, const char *path, size_t pathlen, unsigned slot, unsigned rank,
		       char *err, size_t errsz)
{
	if (slot >= FF_JSON_MAX_SLOTS || rank > 255)
		return path_error(err, errsz, "internal: slot or rank out of range");
	if (jp->ntext == FF_JSON_MAX_NODES)
		return path_error(err, errsz, "too many key paths");
	/* nodes point into the copy, which lives as long as jp */
	char *copy = malloc(pathlen + 1);
	if (!copy)
		return path_error(err, errsz, "out of memory");
	memcpy(copy, path, pathlen);
	copy[pathlen] = '\0';
	jp->text[jp->ntext++] = copy;
	return walk_path(jp, copy, pathlen, (int)slot, rank, err, errsz);
}

/* --- scanning --------------------------------------------------------------- */

struct scan {
	const ff_json_paths *jp;
	const char *end;
	ff_json_value *vals;
	size_t nslots;
};

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static int hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* p is just past the opening quote; returns the closing quote, or NULL.
 * Control bytes must be escaped; escapes must be JSON's. */
static const char *scan_string(const char *p, const char *end, bool *escaped)
{
	*escaped = false;
	for (;;) {
		while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
			p++;
		if (p >= end || (unsigned char)*p < 0x20)
			return NULL;
		if (*p == '"')
			return p;
		*escaped = true;
		if (++p >= end)
			return NULL;
		switch (*p) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			p++;
			break;
		case 'u':
			if (end - p < 5 || hex((unsigned char)p[1]) < 0 || hex((unsigned char)p[2]) < 0 ||
			    hex((unsigned char)p[3]) < 0 || hex((unsigned char)p[4]) < 0)
				return NULL;
			p += 5;
			break;
		default:
			return NULL;
		}
	}
}

static const char *scan_number(const char *p, const char *end)
{
	if (p < end && *p == '-')
		p++;
	if (p >= end)
		return NULL;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (p < end && *p == '.') {
		const char *d = ++p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == d)
			return NULL;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		const char *d = p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == d)
			return NULL;
	}
	return p;
}

static const char *scan_value(struct scan *sc, const char *p, uint16_t node, unsigned depth);

static uint16_t find_key(const ff_json_paths *jp, uint16_t node, const char *k, size_t n)
{
	if (node == NO_NODE)
		return NO_NODE;
	for (uint16_t c = jp->nodes[node].child; c != NO_NODE; c = jp->nodes[c].next) {
		const struct node *nd = &jp->nodes[c];
		if (nd->seg && nd->seglen == n && memcmp(nd->seg, k, n) == 0)
			return c;
	}
	return NO_NODE;
}

static uint16_t find_index(const ff_json_paths *jp, uint16_t node, uint32_t index)
{
	if (node == NO_NODE)
		return NO_NODE;
	for (uint16_t c = jp->nodes[node].child; c != NO_NODE; c = jp->nodes[c].next)
		if (!jp->nodes[c].seg && jp->nodes[c].index == index)
			return c;
	return NO_NODE;
}

/* p is just past '{'. */
static const char *scan_object(struct scan *sc, const char *p, uint16_t node, unsigned depth)
{
	const char *end = sc->end;
	p = skip_ws(p, end);
	if (p < end && *p == '}')
		return p + 1;
	for (;;) {
		if (p >= end || *p != '"')
			return NULL;
		bool escaped;
		const char *k = p + 1, *q = scan_string(k, end, &escaped);
		if (!q)
			return NULL;
		/* a key written with escapes matches no wanted path */
		uint16_t child = escaped ? NO_NODE : find_key(sc->jp, node, k, (size_t)(q - k));
		p = skip_ws(q + 1, end);
		if (p >= end || *p != ':')
			return NULL;
		p = scan_value(sc, skip_ws(p + 1, end), child, depth);
		if (!p)
			return NULL;
		p = skip_ws(p, end);
		if (p < end && *p == ',') {
			p = skip_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == '}')
			return p + 1;
		return NULL;
	}
}

/* p is just past '['. */
static const char *scan_array(struct scan *sc, const char *p, uint16_t node, unsigned depth)
{
	const char *end = sc->end;
	p = skip_ws(p, end);
	if (p < end && *p == ']')
		return p + 1;
	for (uint32_t i = 0;; i++) {
		p = scan_value(sc, p, find_index(sc->jp, node, i), depth);
		if (!p)
			return NULL;
		p = skip_ws(p, end);
		if (p < end && *p == ',') {
			p = skip_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == ']')
			return p + 1;
		return NULL;
	}
}

static void keep(struct scan *sc, uint16_t node, enum ff_json_type type, const char *p, size_t n, bool escaped)
{
	if (node == NO_NODE)
		return;
	const struct node *nd = &sc->jp->nodes[node];
	if (nd->slot < 0 || (size_t)nd->slot >= sc->nslots || n > UINT32_MAX)
		return;
	ff_json_value *v = &sc->vals[nd->slot];
	if (v->type != FF_JSON_NONE && v->rank <= nd->rank)
		return;
	*v = (ff_json_value){ .p = p, .n = (uint32_t)n, .type = (uint8_t)type, .rank = nd->rank, .escaped = escaped };
}

/* p is at the value (spaces skipped); node is the trie node the value
 * sits at, NO_NODE when nothing under it is wanted. */
static const char *scan_value(struct scan *sc, const char *p, uint16_t node, unsigned depth)
{
	const char *end = sc->end, *q;
	if (p >= end)
		return NULL;
	switch (*p) {
	case '"': {
		bool escaped;
		q = scan_string(p + 1, end, &escaped);
		if (!q)
			return NULL;
		keep(sc, node, FF_JSON_STRING, p + 1, (size_t)(q - p - 1), escaped);
		return q + 1;
	}
	case '{':
		if (depth >= FF_JSON_MAX_DEPTH)
			return NULL;
		return scan_object(sc, p + 1, node, depth + 1);
	case '[':
		if (depth >= FF_JSON_MAX_DEPTH)
			return NULL;
		return scan_array(sc, p + 1, node, depth + 1);
	case 't':
		if (end - p < 4 || memcmp(p, "true", 4) != 0)
			return NULL;
		keep(sc, node, FF_JSON_TRUE, p, 4, false);
		return p + 4;
	case 'f':
		if (end - p < 5 || memcmp(p, "false", 5) != 0)
			return NULL;
		keep(sc, node, FF_JSON_FALSE, p, 5, false);
		return p + 5;
	case 'n':
		if (end - p < 4 || memcmp(p, "null", 4) != 0)
			return NULL;
		keep(sc, node, FF_JSON_NULL, p, 4, false);
		return p + 4;
	default:
		q = scan_number(p, end);
		if (!q)
			return NULL;
		keep(sc, node, FF_JSON_NUMBER, p, (size_t)(q - p), false);
		return q;
	}
}

bool ff_json_line_scan(const ff_json_paths *jp, const char *line, size_t len, ff_json_value *vals, size_t nslots)
{
	for (size_t i = 0; i < nslots; i++) {
		vals[i].type = FF_JSON_NONE;
		vals[i].escaped = false;
	}
	if (!line)
		return false;
	const char *end = line + len, *p = skip_ws(line, end);
	if (p >= end || *p != '{')
		return false;
	struct scan sc = { .jp = jp, .end = end, .vals = vals, .nslots = jp ? nslots : 0 };
	p = scan_object(&sc, p + 1, jp ? 0 : NO_NODE, 1);
	if (!p)
		return false;
	return skip_ws(p, end) == end;
}

static size_t put_utf8(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The scanner checked the four digits; a non-digit would count 0. */
static uint32_t hex4(const char *p)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hex((unsigned char)p[i]);
		v = v << 4 | (uint32_t)(h < 0 ? 0 : h);
	}
	return v;
}

size_t ff_json_unescape(const char *p, size_t n, char *out)
{
	size_t o = 0, i = 0;
	while (i < n) {
		if (p[i] != '\\') {
			out[o++] = p[i++];
			continue;
		}
		char c = p[i + 1];
		i += 2;
		switch (c) {
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u': {
			/* six escaped bytes give at most three; a pair of
			 * twelve gives four */
			uint32_t cp = hex4(p + i);
			i += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && i + 6 <= n && p[i] == '\\' && p[i + 1] == 'u') {
				uint32_t lo = hex4(p + i + 2);
				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					i += 6;
				}
			}
			o += put_utf8(cp, out + o);
			break;
		}
		default: /* " \ / */
			out[o++] = c;
			break;
		}
	}
	return o;
}
