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

enum ff_ynode_kind { FF_Y_SCALAR, FF_Y_SEQ, FF_Y_MAP };

typedef struct ff_ynode ff_ynode;
struct ff_ynode {
	enum ff_ynode_kind kind;
	unsigned line;        /* 1-based line of the node's start */
	char *str;            /* scalar text (NUL-terminated), else NULL */
	size_t len;           /* scalar length */
	bool quoted;          /* scalar was written in quotes */
	/* SEQ: items; MAP: keys[i] -> items[i] (keys are scalars) */
	ff_ynode **items;
	ff_ynode **keys;
	size_t count;
};

/* Parses a whole document from memory.  Returns NULL with "LINE: reason" in
 * err on a syntax error or a refused construct.  An empty document gives an
 * empty map. */
ff_ynode *ff_yaml_parse(const char *text, size_t len, char *err, size_t errsz);

/* The value under key in a map, or NULL. */
const ff_ynode *ff_ynode_get(const ff_ynode *map, const char *key);

void ff_ynode_free(ff_ynode *node);

#endif
