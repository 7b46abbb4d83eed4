/* yamltree.h — a YAML document as a small tree with line numbers.
 *
 * Built with libyaml's event parser.  Anchors, aliases, tags other than
 * the core ones and nesting deeper than FF_YAML_MAX_DEPTH are refused, so a
 * hostile file cannot expand (billion laughs) or exhaust the stack.  The
 * tree owns all its strings; free it with ff_ynode_free. */
#ifndef FF_YAMLTREE_H
#define FF_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FF_YAML_MAX_DEPTH 64
/* Bounds on a whole document, so a hostile file costs bounded memory. */
#define FF_YAML_MAX_BYTES (16u << 20)
#define FF_YAML_MAX_NODES 1000000u

enum ff_ynode_kind { FF_Y_SCALAR, FF_Y_SEQ, FF_Y_MAP };

typedef struct ff_ynode ff_ynode;
struct ff_ynode {
	enum ff_ynode_kind kind;
	unsigned line;        /* 1-based line of the node's start */
	char *str;            /* scalar text (NUL-terminated), else NULL */
	size_t len;           /* scalar length */
	bool quoted;          /* scalar is a string by YAML's rules whatever its
			       * text: quoted, a block scalar (| or >), or
			       * tagged !!str */
	/* SEQ: items; MAP: keys[i] -> items[i] (keys are scalars) */
	ff_ynode **items;
	ff_ynode **keys;
	size_t count;
};

/* Parses a whole document from memory.  Returns NULL with "LINE: reason" in
 * err on a syntax error or a refused construct: anchors and aliases, tags
 * other than the core ones, nesting deeper than FF_YAML_MAX_DEPTH, more
 * than one document, a key that is a list or map, a duplicate key, more
 * than FF_YAML_MAX_BYTES or FF_YAML_MAX_NODES.  A document that is empty
 * (or only comments, or a bare "---") gives an empty map.  Scalars may hold
 * NUL bytes (from "\0" escapes): use len, not strlen. */
ff_ynode *ff_yaml_parse(const char *text, size_t len, char *err, size_t errsz);

/* The value under key in a map, or NULL (also when map is not a map). */
const ff_ynode *ff_ynode_get(const ff_ynode *map, const char *key);

/* True for a scalar that YAML reads as null: written plain as nothing,
 * "~" or "null".  Configuration readers take it as "not set". */
bool ff_ynode_is_null(const ff_ynode *node);

/* Describes node for an error message, as "'text'" (control bytes shown as
 * \xHH, long text cut short), "an empty value", "a list" or "a map". */
void ff_ynode_describe(const ff_ynode *node, char *out, size_t outsz);

/* Writes len bytes of s into out as printable ASCII (\xHH for the rest,
 * cut short with "..." past 64 bytes): YAML text may hold newlines or
 * terminal escapes and ends up in messages. */
void ff_yaml_visible(const char *s, size_t len, char *out, size_t outsz);

void ff_ynode_free(ff_ynode *node);

#endif
