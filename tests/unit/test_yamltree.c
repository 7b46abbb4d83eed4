/* test_yamltree.c — the YAML tree: shape and line numbers, and every
 * construct it refuses, with the line the message names. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "yamltree.h"

static char err[512];

static ff_ynode *parse(const char *text)
{
	return ff_yaml_parse(text, strlen(text), err, sizeof err);
}

/* Parses text, expects a refusal, and checks the whole message. */
static void refused(const char *text, const char *want)
{
	err[0] = '\0';
	ff_ynode *n = parse(text);
	CHECK(n == NULL);
	CHECK_STR(err, want);
	ff_ynode_free(n);
}

/* Same, for messages that quote libyaml: the line and the start. */
static void refused_prefix(const char *text, size_t len, const char *want_prefix)
{
	err[0] = '\0';
	ff_ynode *n = ff_yaml_parse(text, len, err, sizeof err);
	CHECK(n == NULL);
	if (strncmp(err, want_prefix, strlen(want_prefix)) != 0) {
		fprintf(stderr, "message is \"%s\", want it to start with \"%s\"\n", err, want_prefix);
		CHECK(0);
	} else {
		CHECK(1);
	}
	ff_ynode_free(n);
}

static void test_shape(void)
{
	const char *text = "# comment\n"
			   "name: footfall\n"
			   "quoted: \"1800\"\n"
			   "number: 1800\n"
			   "list:\n"
			   "  - a\n"
			   "  - 'b'\n"
			   "flow: [x, {y: z}]\n"
			   "nested:\n"
			   "  deeper:\n"
			   "    key: value\n"
			   "empty:\n"
			   "block: |\n"
			   "  text\n"
			   "tagged: !!str 12\n";
	ff_ynode *root = parse(text);
	CHECK(root != NULL);
	if (!root)
		return;
	CHECK_INT(root->kind, FF_Y_MAP);
	CHECK_INT(root->count, 9);
	CHECK_STR(root->keys[0]->str, "name");
	CHECK_INT(root->keys[0]->line, 2);

	const ff_ynode *v = ff_ynode_get(root, "name");
	CHECK(v && v->kind == FF_Y_SCALAR);
	CHECK_STR(v->str, "footfall");
	CHECK_INT(v->len, 8);
	CHECK(!v->quoted);

	v = ff_ynode_get(root, "quoted");
	CHECK(v && v->quoted && v->line == 3);
	CHECK_STR(v->str, "1800");
	v = ff_ynode_get(root, "number");
	CHECK(v && !v->quoted && v->line == 4);

	v = ff_ynode_get(root, "list");
	CHECK(v && v->kind == FF_Y_SEQ && v->count == 2);
	if (v && v->count == 2) {
		CHECK_INT(v->line, 6);
		CHECK_STR(v->items[0]->str, "a");
		CHECK_INT(v->items[0]->line, 6);
		CHECK_INT(v->items[1]->line, 7);
		CHECK(v->items[1]->quoted);
	}

	v = ff_ynode_get(root, "flow");
	CHECK(v && v->kind == FF_Y_SEQ && v->count == 2 && v->line == 8);
	if (v && v->count == 2) {
		CHECK_INT(v->items[1]->kind, FF_Y_MAP);
		CHECK_STR(ff_ynode_get(v->items[1], "y")->str, "z");
	}

	v = ff_ynode_get(ff_ynode_get(ff_ynode_get(root, "nested"), "deeper"), "key");
	CHECK(v && v->line == 11);
	CHECK_STR(v ? v->str : NULL, "value");

	v = ff_ynode_get(root, "empty");
	CHECK(v && ff_ynode_is_null(v));
	v = ff_ynode_get(root, "block");
	CHECK(v && v->quoted);
	CHECK_STR(v ? v->str : NULL, "text\n");
	v = ff_ynode_get(root, "tagged");
	CHECK(v && v->quoted);

	CHECK(ff_ynode_get(root, "missing") == NULL);
	CHECK(ff_ynode_get(ff_ynode_get(root, "name"), "x") == NULL);
	ff_ynode_free(root);
}

static void test_empty(void)
{
	const char *empties[] = { "", "# only a comment\n", "---\n", "---\n...\n", "\n\n\n" };
	for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
		ff_ynode *n = parse(empties[i]);
		CHECK(n && n->kind == FF_Y_MAP && n->count == 0);
		ff_ynode_free(n);
	}
	ff_ynode *n = ff_yaml_parse(NULL, 0, err, sizeof err);
	CHECK(n && n->kind == FF_Y_MAP && n->count == 0);
	ff_ynode_free(n);

	/* A top-level scalar or list is the caller's to refuse. */
	n = parse("just text\n");
	CHECK(n && n->kind == FF_Y_SCALAR);
	ff_ynode_free(n);
	n = parse("- a\n- b\n");
	CHECK(n && n->kind == FF_Y_SEQ && n->count == 2);
	ff_ynode_free(n);
}

static void test_nulls_and_describe(void)
{
	ff_ynode *root = parse("a:\nb: ~\nc: null\nd: ''\ne: 'null'\nf: [1]\ng: {h: 1}\ni: \"x\\ny\"\n");
	CHECK(root != NULL);
	if (!root)
		return;
	CHECK(ff_ynode_is_null(ff_ynode_get(root, "a")));
	CHECK(ff_ynode_is_null(ff_ynode_get(root, "b")));
	CHECK(ff_ynode_is_null(ff_ynode_get(root, "c")));
	CHECK(!ff_ynode_is_null(ff_ynode_get(root, "d")));
	CHECK(!ff_ynode_is_null(ff_ynode_get(root, "e")));
	CHECK(!ff_ynode_is_null(ff_ynode_get(root, "f")));

	char d[128];
	ff_ynode_describe(ff_ynode_get(root, "a"), d, sizeof d);
	CHECK_STR(d, "an empty value");
	ff_ynode_describe(ff_ynode_get(root, "e"), d, sizeof d);
	CHECK_STR(d, "'null'");
	ff_ynode_describe(ff_ynode_get(root, "f"), d, sizeof d);
	CHECK_STR(d, "a list");
	ff_ynode_describe(ff_ynode_get(root, "g"), d, sizeof d);
	CHECK_STR(d, "a map");
	ff_ynode_describe(ff_ynode_get(root, "i"), d, sizeof d);
	CHECK_STR(d, "'x\\x0ay'");
	ff_ynode_free(root);

	/* Long text is cut short; a small buffer is never overrun. */
	char longtext[200];
	memset(longtext, 'x', sizeof longtext);
	ff_yaml_visible(longtext, sizeof longtext, d, sizeof d);
	CHECK_INT(strlen(d), 67);
	CHECK(strcmp(d + 64, "...") == 0);
	char tiny[6];
	ff_yaml_visible("\x01\x02\x03", 3, tiny, sizeof tiny);
	CHECK_STR(tiny, "\\x01");
	ff_yaml_visible("abcdefgh", 8, tiny, sizeof tiny);
	CHECK_STR(tiny, "abcde");
}

static void test_anchors(void)
{
	refused("a: 1\nb: &x 2\nc: *x\n", "2: YAML anchors and aliases are not allowed");
	refused("a: 1\n\nc: *x\n", "3: YAML anchors and aliases are not allowed");
	refused("list: &l\n  - 1\n", "1: YAML anchors and aliases are not allowed");
	refused("m: &m {a: 1}\n", "1: YAML anchors and aliases are not allowed");
	/* Billion laughs: refused at the first anchor, before any expansion. */
	refused("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
		"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
		"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
		"h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
		"i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n",
		"1: YAML anchors and aliases are not allowed");
}

/* n nested flow lists around one scalar: [[[x]]] */
static char *flow_nest(size_t n)
{
	char *s = malloc(2 * n + 3);
	memset(s, '[', n);
	s[n] = 'x';
	memset(s + n + 1, ']', n);
	s[2 * n + 1] = '\n';
	s[2 * n + 2] = '\0';
	return s;
}

/* n nested block maps, one per line, each indented one more space. */
static char *block_nest(size_t n)
{
	size_t cap = n * (n + 8) + 16, o = 0;
	char *s = malloc(cap);
	for (size_t i = 0; i < n; i++) {
		memset(s + o, ' ', i);
		o += i;
		o += (size_t)snprintf(s + o, cap - o, "k:%s\n", i + 1 == n ? " leaf" : "");
	}
	s[o] = '\0';
	return s;
}

static void test_depth(void)
{
	char *s = flow_nest(FF_YAML_MAX_DEPTH);
	ff_ynode *n = parse(s);
	CHECK(n != NULL);
	size_t depth = 0;
	for (const ff_ynode *p = n; p && p->kind == FF_Y_SEQ; p = p->count ? p->items[0] : NULL)
		depth++;
	CHECK_INT(depth, 64);
	ff_ynode_free(n);
	free(s);

	s = flow_nest(FF_YAML_MAX_DEPTH + 1);
	refused(s, "1: nesting deeper than 64 levels");
	free(s);

	/* A million brackets: refused at level 65 without recursion. */
	s = flow_nest(1000000);
	refused(s, "1: nesting deeper than 64 levels");
	free(s);

	s = block_nest(64);
	n = parse(s);
	CHECK(n != NULL);
	ff_ynode_free(n);
	free(s);
	s = block_nest(65);
	refused(s, "65: nesting deeper than 64 levels");
	free(s);
}

static void test_refusals(void)
{
	refused("a: 1\n---\nb: 2\n", "2: more than one YAML document; put everything in one");
	refused("? [a, b]\n: 1\n", "1: a map key must be plain text, not a list");
	refused("x: 1\n{a: 1}: 2\n", "2: a map key must be plain text, not a map");
	refused("a: 1\nb: 2\na: 3\n", "3: duplicate key 'a'");
	refused("top:\n  x: 1\n  y: 2\n  x: 3\n  y: 4\n", "4: duplicate key 'x'");
	refused("{a: 1, b: 2, a: 3}\n", "1: duplicate key 'a'");
	refused("\"a\\nb\": 1\n\"a\\nb\": 2\n", "2: duplicate key 'a\\x0ab'");
	/* The same key quoted and plain is the same key. */
	refused("'1': a\n1: b\n", "2: duplicate key '1'");
	refused("a: !foo x\n", "1: YAML tag '!foo' is not allowed");
	refused("a: !!python/object:os.system x\n",
		"1: YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed");
	refused("a: !!set {x}\n", "1: YAML tag 'tag:yaml.org,2002:set' is not allowed");

	/* Syntax errors: libyaml's words and line. */
	refused_prefix("a: 1\nb: c: d\n", strlen("a: 1\nb: c: d\n"), "2: mapping values are not allowed");
	refused_prefix("a: [1, 2\n", strlen("a: [1, 2\n"), "2: did not find expected ',' or ']'");
	refused_prefix("a: 1\n  b: 2\n", strlen("a: 1\n  b: 2\n"), "2: ");
	refused_prefix("a: 'open\n", strlen("a: 'open\n"), "2: found unexpected end of stream");
	refused_prefix("a:\tb\n\t- c\n", strlen("a:\tb\n\t- c\n"), "2: found a tab character that violates indentation");
}

static void test_bytes(void)
{
	/* A NUL byte in the text, and bytes that are not UTF-8. */
	const char nul[] = "a: 1\nb: x\0y\n";
	refused_prefix(nul, sizeof nul - 1, "2: control characters are not allowed (byte 0x00)");
	refused_prefix("a: 1\nb: 2\nc: \xff\n", strlen("a: 1\nb: 2\nc: \xff\n"),
		       "3: invalid leading UTF-8 octet (byte 0xff)");
	refused_prefix("a: \xc3\n", strlen("a: \xc3\n"), "1: invalid trailing UTF-8 octet");
	/* Escapes may still put a NUL inside a scalar; len tells the truth. */
	ff_ynode *n = parse("a: \"x\\0y\"\n");
	const ff_ynode *v = ff_ynode_get(n, "a");
	CHECK(v && v->len == 3 && v->str[1] == '\0');
	ff_ynode_free(n);
	/* UTF-8 text is kept byte for byte. */
	n = parse("a: \"h\xc3\xa9\"\n");
	CHECK_STR(ff_ynode_get(n, "a")->str, "h\xc3\xa9");
	ff_ynode_free(n);
}

static void test_size(void)
{
	/* A long document: 200,000 keys, the last one on its own line number. */
	size_t keys = 200000, cap = keys * 24, o = 0;
	char *s = malloc(cap);
	for (size_t i = 0; i < keys; i++)
		o += (size_t)snprintf(s + o, cap - o, "key%zu: value %zu\n", i, i);
	ff_ynode *n = ff_yaml_parse(s, o, err, sizeof err);
	CHECK(n && n->count == keys);
	if (n && n->count == keys) {
		CHECK_INT(n->keys[keys - 1]->line, keys);
		CHECK_STR(n->items[keys - 1]->str, "value 199999");
	}
	ff_ynode_free(n);

	/* The same with one repeat near the end. */
	o += (size_t)snprintf(s + o, cap - o, "key12345: again\n");
	n = ff_yaml_parse(s, o, err, sizeof err);
	CHECK(n == NULL);
	CHECK_STR(err, "200001: duplicate key 'key12345'");
	free(s);

	/* Too many nodes: a flat list of a million and one items. */
	size_t items = FF_YAML_MAX_NODES + 1;
	s = malloc(items * 2 + 4);
	o = 0;
	s[o++] = '[';
	for (size_t i = 0; i < items; i++) {
		s[o++] = '0';
		s[o++] = ',';
	}
	s[o - 1] = ']';
	n = ff_yaml_parse(s, o, err, sizeof err);
	CHECK(n == NULL);
	CHECK_STR(err, "1: more than 1000000 YAML nodes");
	/* Two items fewer: the items and the list make exactly the limit. */
	s[o - 5] = ']';
	n = ff_yaml_parse(s, o - 4, err, sizeof err);
	CHECK(n && n->kind == FF_Y_SEQ && n->count == FF_YAML_MAX_NODES - 1);
	ff_ynode_free(n);
	free(s);

	/* Too many bytes: refused before libyaml sees them. */
	size_t big = (size_t)FF_YAML_MAX_BYTES + 1;
	s = malloc(big);
	memset(s, '#', big);
	n = ff_yaml_parse(s, big, err, sizeof err);
	CHECK(n == NULL);
	CHECK_STR(err, "1: YAML document larger than 16 MiB");
	free(s);
}

int main(void)
{
	test_shape();
	test_empty();
	test_nulls_and_describe();
	test_anchors();
	test_depth();
	test_refusals();
	test_bytes();
	test_size();
	return CHECK_DONE("test_yamltree");
}
