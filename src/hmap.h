/* hmap.h — one open-addressing hash map, seeded, for every table footfall
 * keeps (interned strings, counters by id, caches).
 *
 * The map stores (tag, value) pairs: tag is a 64-bit hash, value a uint32
 * the caller chooses (typically a dense id into the caller's own array).
 * The map never stores or copies keys.  Two ways to use it:
 *
 *   - byte-string keys: hash the key with ff_hmap_hash() (or an ff_hasher
 *     for a key made of several pieces) and pass an equality callback that
 *     compares the probed value's key with the looked-up one.  Equal tags do
 *     not imply equal keys; the callback decides.
 *   - u64 keys: the ff_hmap_u64_* functions.  They use a keyed bijection of
 *     the key as tag, so the tag is the key and no callback is needed; the
 *     key is recovered when iterating.
 *
 * A map holds one kind of key: mixing the two kinds in one map is an error
 * the map cannot detect.
 *
 * Hashes are keyed by the seed given at creation (the run passes a random
 * one; tests a fixed one) so keys an attacker writes into a log cannot be
 * chosen to collide.  Probing is Robin Hood (linear with displacement);
 * the table doubles at 80% load; removal shifts back, no tombstones.
 *
 * Pointers to values stay valid until the next insertion or removal in the
 * same map.  Lookups never allocate.  Functions that may allocate return
 * NULL / false / -1 when memory runs out and leave the map unchanged. */
#ifndef FF_HMAP_H
#define FF_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "str.h"

/* ---- keyed hash: SipHash-1-3 ---- */

typedef struct ff_hash_key {
	uint64_t k0, k1;
} ff_hash_key;

/* Expands a 64-bit seed into a 128-bit SipHash key. */
ff_hash_key ff_hash_key_from_seed(uint64_t seed);

/* SipHash-1-3 of n bytes at p.  Output equals the reference
 * implementation's for the key (k0, k1) taken as two little-endian words. */
uint64_t ff_siphash13(ff_hash_key key, const void *p, size_t n);

/* Incremental SipHash-1-3: hashing pieces in order gives exactly the hash
 * of their concatenation, so a key made of several views is hashed without
 * being copied together first. */
typedef struct ff_hasher {
	uint64_t v0, v1, v2, v3;
	uint64_t tail;   /* pending bytes, little-endian */
	uint64_t len;    /* bytes fed so far */
} ff_hasher;

void ff_hasher_init(ff_hasher *h, ff_hash_key key);
void ff_hasher_update(ff_hasher *h, const void *p, size_t n);
uint64_t ff_hasher_final(const ff_hasher *h);

/* ---- the map ---- */

typedef struct ff_hmap ff_hmap;

/* Decides whether the entry holding value is the key being looked up.
 * ctx is the caller's description of that key. */
typedef bool (*ff_hmap_eq_fn)(const void *ctx, uint32_t value);

/* NULL when out of memory.  An empty map allocates no table. */
ff_hmap *ff_hmap_new(uint64_t seed);
void ff_hmap_free(ff_hmap *m);

/* This map's key for hashing (for ff_hasher_init). */
ff_hash_key ff_hmap_hash_key(const ff_hmap *m);
/* The map's keyed hash of a byte string. */
uint64_t ff_hmap_hash(const ff_hmap *m, ff_sv key);

/* The value of the entry with this hash for which eq(ctx, value) holds, or
 * NULL.  eq NULL means the tag alone identifies the entry. */
uint32_t *ff_hmap_find(const ff_hmap *m, uint64_t hash, ff_hmap_eq_fn eq, const void *ctx);

/* Like ff_hmap_find, but adds an entry when none matches: *inserted tells
 * which.  A new entry's value is 0 and the caller must set it before the
 * next call on this map (eq will be asked about it).  NULL when the table
 * could not grow (nothing inserted). */
uint32_t *ff_hmap_find_or_insert(ff_hmap *m, uint64_t hash, ff_hmap_eq_fn eq, const void *ctx,
				 bool *inserted);

/* Removes the matching entry; false when there was none. */
bool ff_hmap_remove(ff_hmap *m, uint64_t hash, ff_hmap_eq_fn eq, const void *ctx);

/* Makes room for n entries in all, so that the next insertions up to that
 * count cannot fail.  -1 when out of memory. */
int ff_hmap_reserve(ff_hmap *m, size_t n);

/* Removes every entry, keeping the table. */
void ff_hmap_clear(ff_hmap *m);

size_t ff_hmap_count(const ff_hmap *m);
/* Bytes this map has allocated. */
size_t ff_hmap_bytes(const ff_hmap *m);

/* Iteration: start with *pos = 0; each call returns the next entry until
 * false.  The order is the table's (seed-dependent): sort before showing
 * anything to a person.  Do not insert or remove while iterating. */
bool ff_hmap_next(const ff_hmap *m, size_t *pos, uint64_t *hash, uint32_t *value);

/* ---- u64 keys ---- */

uint32_t *ff_hmap_u64_find(const ff_hmap *m, uint64_t key);
uint32_t *ff_hmap_u64_find_or_insert(ff_hmap *m, uint64_t key, bool *inserted);
bool ff_hmap_u64_remove(ff_hmap *m, uint64_t key);
bool ff_hmap_u64_next(const ff_hmap *m, size_t *pos, uint64_t *key, uint32_t *value);

#endif
