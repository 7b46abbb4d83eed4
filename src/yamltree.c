/* yamltree.c — a YAML document (configuration, uap-core rules) into a small
 * owned tree with line numbers, built from libyaml's event stream.
 *
 * The tree is built with an explicit stack bounded by FF_YAML_MAX_DEPTH, so
 * hostile nesting is refused instead of exhausting the C stack, and with
 * anchors and aliases refused, the tree can never be larger than its text. */
#include "yamltree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

/* One open collection: the node being filled and, inside a map, the key
 * whose value has not arrived yet. */
struct frame {
	ff_ynode *node;
	ff_ynode *pending_key;
	size_t cap;
};

struct builder {
	ff_ynode *root;
	struct frame stack[FF_YAML_MAX_DEPTH];
	size_t depth;
	size_t nodes;
	unsigned documents;
	char *err;
	size_t errsz;
};

static int fail(struct builder *b, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct builder *b, unsigned line, const char *fmt, ...)
{
	if (!b->err || b->errsz == 0)
		return -1;
	int n = snprintf(b->err, b->errsz, "%u: ", line);
	if (n < 0 || (size_t)n >= b->errsz)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->err + n, b->errsz - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *kind_name(enum ff_ynode_kind kind)
{
	switch (kind) {
	case FF_Y_SEQ:
		return "a list";
	case FF_Y_MAP:
		return "a map";
	case FF_Y_SCALAR:
		break;
	}
	return "a scalar";
}

void ff_yaml_visible(const char *s, size_t len, char *out, size_t outsz)
{
	const size_t shown_max = 64;
	size_t o = 0;
	if (outsz == 0)
		return;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i == shown_max) {
			if (o + 4 <= outsz) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 2 > outsz)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 5 > outsz)
				break;
			snprintf(out + o, outsz - o, "\\x%02x", c);
			o += 4;
		}
	}
	out[o] = '\0';
}

bool ff_ynode_is_null(const ff_ynode *node)
{
	if (!node || node->kind != FF_Y_SCALAR || node->quoted)
		return false;
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
		if (node->len == strlen(nulls[i]) && memcmp(node->str, nulls[i], node->len) == 0)
			return true;
	return false;
}

void ff_ynode_describe(const ff_ynode *node, char *out, size_t outsz)
{
	if (outsz == 0)
		return;
	if (!node || ff_ynode_is_null(node)) {
		snprintf(out, outsz, "an empty value");
		return;
	}
	if (node->kind != FF_Y_SCALAR) {
		snprintf(out, outsz, "%s", kind_name(node->kind));
		return;
	}
	char shown[300];
	ff_yaml_visible(node->str, node->len, shown, sizeof shown);
	snprintf(out, outsz, "'%s'", shown);
}

void ff_ynode_free(ff_ynode *node)
{
	/* Recursion is safe: every tree comes from ff_yaml_parse, whose depth
	 * is bounded by FF_YAML_MAX_DEPTH. */
	if (!node)
		return;
	for (size_t i = 0; i < node->count; i++) {
		if (node->keys)
			ff_ynode_free(node->keys[i]);
		if (node->items)
			ff_ynode_free(node->items[i]);
	}
	free(node->items);
	free(node->keys);
	free(node->str);
	free(node);
}

const ff_ynode *ff_ynode_get(const ff_ynode *map, const char *key)
{
	if (!map || map->kind != FF_Y_MAP || !key)
		return NULL;
	size_t n = strlen(key);
	for (size_t i = 0; i < map->count; i++) {
		const ff_ynode *k = map->keys[i];
		if (k->len == n && memcmp(k->str, key, n) == 0)
			return map->items[i];
	}
	return NULL;
}

/* Only the YAML 1.1 core tags: an application tag (!python/object...) asks
 * for behaviour footfall does not have and would be silently ignored. */
static bool tag_allowed(const yaml_char_t *tag)
{
	static const char *const core[] = {
		"tag:yaml.org,2002:str", "tag:yaml.org,2002:int",
		"tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
		"tag:yaml.org,2002:float", "tag:yaml.org,2002:seq",
		"tag:yaml.org,2002:map",
	};
	if (!tag)
		return true;
	for (size_t i = 0; i < sizeof core / sizeof core[0]; i++)
		if (strcmp((const char *)tag, core[i]) == 0)
			return true;
	return false;
}

static int check_props(struct builder *b, unsigned line, const yaml_char_t *anchor, const yaml_char_t *tag)
{
	if (anchor)
		return fail(b, line, "YAML anchors and aliases are not allowed");
	if (!tag_allowed(tag)) {
		char shown[300];
		ff_yaml_visible((const char *)tag, strlen((const char *)tag), shown, sizeof shown);
		return fail(b, line, "YAML tag '%s' is not allowed", shown);
	}
	return 0;
}

static ff_ynode *new_node(struct builder *b, enum ff_ynode_kind kind, unsigned line)
{
	if (b->nodes >= FF_YAML_MAX_NODES) {
		fail(b, line, "more than %u YAML nodes", (unsigned)FF_YAML_MAX_NODES);
		return NULL;
	}
	ff_ynode *n = calloc(1, sizeof *n);
	if (!n) {
		fail(b, line, "out of memory");
		return NULL;
	}
	b->nodes++;
	n->kind = kind;
	n->line = line;
	return n;
}

static int grow(struct builder *b, struct frame *f)
{
	if (f->node->count < f->cap)
		return 0;
	size_t cap = f->cap ? f->cap * 2 : 4;
	ff_ynode **items = realloc(f->node->items, cap * sizeof *items);
	if (!items)
		return fail(b, f->node->line, "out of memory");
	f->node->items = items;
	if (f->node->kind == FF_Y_MAP) {
		ff_ynode **keys = realloc(f->node->keys, cap * sizeof *keys);
		if (!keys)
			return fail(b, f->node->line, "out of memory");
		f->node->keys = keys;
	}
	f->cap = cap;
	return 0;
}

/* Hangs a new node under the innermost open collection.  The node is owned
 * by the tree from here on, whatever happens next, so a failure later
 * frees it with the rest. */
static int attach(struct builder *b, ff_ynode *node)
{
	if (b->depth == 0) {
		b->root = node;
		return 0;
	}
	struct frame *f = &b->stack[b->depth - 1];
	if (f->node->kind == FF_Y_MAP && !f->pending_key) {
		if (node->kind != FF_Y_SCALAR) {
			unsigned line = node->line;
			const char *what = kind_name(node->kind);
			ff_ynode_free(node);
			return fail(b, line, "a map key must be plain text, not %s", what);
		}
		f->pending_key = node;
		return 0;
	}
	if (grow(b, f) < 0) {
		ff_ynode_free(node);
		return -1;
	}
	if (f->node->kind == FF_Y_MAP) {
		f->node->keys[f->node->count] = f->pending_key;
		f->pending_key = NULL;
	}
	f->node->items[f->node->count++] = node;
	return 0;
}

struct keyref {
	const ff_ynode *key;
	size_t index;
};

static int keyref_cmp(const void *pa, const void *pb)
{
	const struct keyref *a = pa, *b = pb;
	size_t n = a->key->len < b->key->len ? a->key->len : b->key->len;
	int c = n ? memcmp(a->key->str, b->key->str, n) : 0;
	if (c != 0)
		return c;
	if (a->key->len != b->key->len)
		return a->key->len < b->key->len ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

/* Checked once the map is complete, by sorting, so a map with a million
 * keys costs n log n rather than n squared. */
static int check_duplicates(struct builder *b, const ff_ynode *map)
{
	if (map->count < 2)
		return 0;
	struct keyref *refs = malloc(map->count * sizeof *refs);
	if (!refs)
		return fail(b, map->line, "out of memory");
	for (size_t i = 0; i < map->count; i++)
		refs[i] = (struct keyref){ map->keys[i], i };
	qsort(refs, map->count, sizeof *refs, keyref_cmp);
	/* Of all repeats, report the one that comes first in the file. */
	const ff_ynode *dup = NULL;
	size_t dup_index = 0;
	for (size_t i = 1; i < map->count; i++) {
		const ff_ynode *x = refs[i - 1].key, *y = refs[i].key;
		if (x->len == y->len && (x->len == 0 || memcmp(x->str, y->str, x->len) == 0) &&
		    (!dup || refs[i].index < dup_index)) {
			dup = y;
			dup_index = refs[i].index;
		}
	}
	free(refs);
	if (!dup)
		return 0;
	char shown[300];
	ff_yaml_visible(dup->str, dup->len, shown, sizeof shown);
	return fail(b, dup->line, "duplicate key '%s'", shown);
}

static int on_scalar(struct builder *b, const yaml_event_t *ev, unsigned line)
{
	if (check_props(b, line, ev->data.scalar.anchor, ev->data.scalar.tag) < 0)
		return -1;
	ff_ynode *n = new_node(b, FF_Y_SCALAR, line);
	if (!n)
		return -1;
	size_t len = ev->data.scalar.length;
	n->str = malloc(len + 1);
	if (!n->str) {
		ff_ynode_free(n);
		return fail(b, line, "out of memory");
	}
	if (len)
		memcpy(n->str, ev->data.scalar.value, len);
	n->str[len] = '\0';
	n->len = len;
	/* A string by YAML's own rules whatever its text: quoted, a block
	 * scalar, or tagged !!str.  Readers use this to refuse "1800" where a
	 * number is expected. */
	const char *tag = (const char *)ev->data.scalar.tag;
	if (tag)
		n->quoted = strcmp(tag, "tag:yaml.org,2002:str") == 0;
	else
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
	return attach(b, n);
}

static int on_start(struct builder *b, enum ff_ynode_kind kind, const yaml_char_t *anchor,
		    const yaml_char_t *tag, unsigned line)
{
	if (check_props(b, line, anchor, tag) < 0)
		return -1;
	if (b->depth >= FF_YAML_MAX_DEPTH)
		return fail(b, line, "nesting deeper than %d levels", FF_YAML_MAX_DEPTH);
	ff_ynode *n = new_node(b, kind, line);
	if (!n)
		return -1;
	if (attach(b, n) < 0)
		return -1;
	b->stack[b->depth++] = (struct frame){ .node = n };
	return 0;
}

static int on_end(struct builder *b)
{
	if (b->depth == 0)
		return 0; /* libyaml pairs its events; nothing to close */
	struct frame *f = &b->stack[--b->depth];
	if (f->pending_key) {
		/* libyaml always gives a value, if only an empty scalar */
		ff_ynode_free(f->pending_key);
		f->pending_key = NULL;
	}
	if (f->node->kind == FF_Y_MAP)
		return check_duplicates(b, f->node);
	return 0;
}

static int on_event(struct builder *b, const yaml_event_t *ev)
{
	unsigned line = (unsigned)ev->start_mark.line + 1;
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents > 1)
			return fail(b, line, "more than one YAML document; put everything in one");
		return 0;
	case YAML_ALIAS_EVENT:
		return fail(b, line, "YAML anchors and aliases are not allowed");
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev, line);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, FF_Y_SEQ, ev->data.sequence_start.anchor,
				ev->data.sequence_start.tag, line);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, FF_Y_MAP, ev->data.mapping_start.anchor,
				ev->data.mapping_start.tag, line);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_end(b);
	case YAML_NO_EVENT:
	case YAML_STREAM_START_EVENT:
	case YAML_STREAM_END_EVENT:
	case YAML_DOCUMENT_END_EVENT:
		break;
	}
	return 0;
}

/* libyaml's reader errors carry a byte offset rather than a mark. */
static unsigned line_at(const char *text, size_t len, size_t offset)
{
	unsigned line = 1;
	if (offset > len)
		offset = len;
	for (const char *p = text, *end = text + offset; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		line++;
	return line;
}

static void syntax_error(struct builder *b, const yaml_parser_t *p, const char *text, size_t len)
{
	const char *problem = p->problem ? p->problem : "YAML syntax error";
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		fail(b, 1, "out of memory while reading YAML");
		return;
	case YAML_READER_ERROR: {
		unsigned line = line_at(text, len, p->problem_offset);
		if (p->problem_value != -1)
			fail(b, line, "%s (byte 0x%02x); the file must be UTF-8 text", problem,
			     (unsigned)p->problem_value & 0xff);
		else
			fail(b, line, "%s; the file must be UTF-8 text", problem);
		return;
	}
	default:
		break;
	}
	unsigned line = (unsigned)p->problem_mark.line + 1;
	if (p->context)
		fail(b, line, "%s %s", problem, p->context);
	else
		fail(b, line, "%s", problem);
}

ff_ynode *ff_yaml_parse(const char *text, size_t len, char *err, size_t errsz)
{
	struct builder b = { .err = err, .errsz = errsz };
	if (err && errsz)
		err[0] = '\0';
	if (len > FF_YAML_MAX_BYTES) {
		fail(&b, 1, "YAML document larger than %u MiB", (unsigned)(FF_YAML_MAX_BYTES >> 20));
		return NULL;
	}
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		fail(&b, 1, "out of memory while reading YAML");
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)(text ? text : ""), text ? len : 0);

	int rc = 0;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			syntax_error(&b, &parser, text ? text : "", text ? len : 0);
			rc = -1;
			break;
		}
		yaml_event_type_t type = ev.type;
		rc = on_event(&b, &ev);
		yaml_event_delete(&ev);
		if (rc < 0 || type == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&parser);

	if (rc < 0) {
		/* Every open collection hangs under the root already; only a
		 * key still waiting for its value is on its own. */
		for (size_t i = 0; i < b.depth; i++)
			ff_ynode_free(b.stack[i].pending_key);
		ff_ynode_free(b.root);
		return NULL;
	}
	/* No document at all, or one that is empty ("---" alone): nothing is
	 * configured, which reads best as an empty map. */
	if (!b.root || (b.root->kind == FF_Y_SCALAR && b.root->len == 0 && !b.root->quoted)) {
		ff_ynode_free(b.root);
		b.root = calloc(1, sizeof *b.root);
		if (!b.root) {
			fail(&b, 1, "out of memory");
			return NULL;
		}
		b.root->kind = FF_Y_MAP;
		b.root->line = 1;
	}
	return b.root;
}
