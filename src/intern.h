/* intern.h — byte strings to dense ids, each string stored once.
 *
 * An interning table gives every distinct byte string (compared byte for
 * byte, NUL and invalid UTF-8 included) an id: 0, 1, 2, ... in the order
 * strings were first seen, so ids index plain arrays.  The table copies
 * each new string into large arena chunks it owns (no allocation per
 * string), so a view taken from an input block may be interned and the
 * block reused.  This is how a view enters any table that outlives a block.
 *
 * Views returned by ff_intern_get stay valid until ff_intern_free.
 * Looking up a string already present never allocates.  Use one table per
 * kind of key (paths, visitor keys, ...) so each kind's ids stay dense. */
#ifndef FF_INTERN_H
#define FF_INTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "str.h"

/* Returned instead of an id when memory ran out (nothing was added). */
#define FF_INTERN_NONE UINT32_MAX

typedef struct ff_intern ff_intern;

/* seed keys the table's hash (see hmap.h).  NULL when out of memory. */
ff_intern *ff_intern_new(uint64_t seed);
void ff_intern_free(ff_intern *in);

/* The id of bytes, adding a copy when it is new.  FF_INTERN_NONE when out
 * of memory. */
uint32_t ff_intern_id(ff_intern *in, ff_sv bytes);

/* The id of the concatenation of parts[0..nparts), without building it:
 * same id as ff_intern_id on the joined bytes. */
uint32_t ff_intern_id_parts(ff_intern *in, const ff_sv *parts, size_t nparts);

/* ff_intern_id of bytes whose hash was worked out already, by
 * ff_hash_bytes with this table's key (ff_intern_hash_key).  The key is
 * fixed when the table is made, so the hash may come from another
 * thread. */
uint32_t ff_intern_id_hashed(ff_intern *in, ff_sv bytes, uint64_t hash);
ff_hash_key ff_intern_hash_key(const ff_intern *in);
/* Starts loading the part of the table a lookup of hash reads first. */
void ff_intern_prefetch(const ff_intern *in, uint64_t hash);

/* The id of bytes if present, else FF_INTERN_NONE; never adds. */
uint32_t ff_intern_find(const ff_intern *in, ff_sv bytes);

/* The stored bytes of id (id < ff_intern_count); never NUL-terminated by
 * contract. */
ff_sv ff_intern_get(const ff_intern *in, uint32_t id);

/* A table may keep at most max strings (0: no limit, the default).  Once
 * it holds max, a string not yet in it is not stored: ff_intern_id and
 * ff_intern_id_parts return the one overflow id, max itself, so arrays
 * indexed by id have a natural slot for "every key not kept", and
 * ff_intern_get of it gives an empty view.  A table already holding more
 * than max keeps what it has: its count becomes the limit. */
void ff_intern_set_limit(ff_intern *in, size_t max);
/* Whether id is the overflow id of a table with a limit. */
bool ff_intern_is_overflow(const ff_intern *in, uint32_t id);
/* How many lookups were answered with the overflow id: 0 while the limit
 * has not been reached. */
uint64_t ff_intern_overflows(const ff_intern *in);

/* A byte budget shared by several tables: each charges it the bytes it
 * allocates for its kept strings (arena, id array, hash map).  A table
 * about to go past the budget's limit stops keeping new strings, as if
 * its key limit had been reached there: later new strings share its
 * overflow id.  limit 0: no budget. */
typedef struct ff_budget {
	size_t limit;        /* bytes */
	size_t used;         /* charged so far, over every table */
	bool reached;        /* some table stopped keeping new strings */
	uint64_t truncated;  /* strings stored truncated (see below) */
} ff_budget;

/* The default longest string kept whole, in bytes. */
#define FF_INTERN_KEY_MAX 4096

/* Charges budget (may be NULL: no budget) for this table's strings, and
 * stores a string longer than max_len bytes (0: no limit) truncated: its
 * first max_len bytes or fewer (never cutting a UTF-8 sequence) followed
 * by the marker "…[+N bytes]", N the bytes cut.  So strings that agree on
 * those first bytes and on their length share one id.  Call before the
 * table holds strings. */
int ff_intern_set_budget(ff_intern *in, ff_budget *budget, size_t max_len);
/* Whether the budget, not the key limit, stopped this table. */
bool ff_intern_budget_stopped(const ff_intern *in);

size_t ff_intern_count(const ff_intern *in);
/* Bytes allocated: arena chunks, the id table and the hash map. */
size_t ff_intern_bytes(const ff_intern *in);

#endif
