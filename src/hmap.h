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

/* ---- keyed hash: a seeded multiply-fold hash ---- */

/* Why not SipHash any more: footfall interns about seven strings per log
 * line (a path, a client address, a user agent, a referer, the method, the
 * protocol), and SipHash-1-3 made hashing nearly a fifth of the whole
 * run's time.  This hash is 2.5 to 5 times faster on those lengths (3 to
 * 120 bytes; bench/hash_bench.c measures it) and keeps what a table needs
 * from it:
 *
 *   - keyed: four secret words derived from the map's seed (the run draws
 *     a random one) enter every step, so the table slot of a key is not
 *     known to whoever wrote the log;
 *   - incremental: pieces fed in order hash exactly as their concatenation;
 *   - full 64-bit output with good low bits (the slot is hash & mask).
 *
 * The design.  mum(a, b) is the 128-bit product of a and b with its two
 * halves xored together: one multiplication that spreads every input bit
 * over the result.  The input is taken in 16-byte stripes of two
 * little-endian words (x, y):
 *
 *     acc = acc + mum(x ^ k1, y ^ acc ^ k2)          (acc starts at k0)
 *
 * then the last 0..15 bytes, read as two words the same way (overlapping
 * loads; a hasher keeps those bytes in a buffer until the end), go through
 * one more such step, and the result is
 *
 *     mum(acc ^ k3, total length ^ k0).
 *
 * The length makes "" and "\0" (whose words are both zero) differ, and
 * the last multiplication mixes every bit of acc into the low ones.
 *
 * What it resists, and what it does not.  Hash flooding means sending keys
 * that share a slot so each lookup walks a long run.  Without the secret
 * words the attacker cannot predict any product above, so colliding keys
 * can only be guessed, and a guess is right with chance about 2^-64 for
 * the full hash (2^-b for a table of 2^b slots, which still only costs the
 * probes a random key costs).  This is the bet the Go runtime's fallback
 * hash and Rust's foldhash make.  It is weaker than SipHash's in three
 * ways, accepted here:
 *
 *   - it is not a pseudorandom function in any proved sense: no one has
 *     studied this construction the way SipHash was studied, and a
 *     multiply-fold hash is only as good as the attacker's ignorance of
 *     the key;
 *   - a multiplier of zero wipes what is multiplied: a stripe whose first
 *     word equals k1 contributes nothing whatever its second word, so
 *     someone who learned k1 could make many keys collide.  Adding acc
 *     back after each product keeps such a stripe from erasing what came
 *     before it, but the collision class remains for someone who knows
 *     the key;
 *   - hash values would give the key away faster than SipHash's.  footfall
 *     prints no hash and its reports sort their rows instead of showing a
 *     table's order; and it is a batch tool: whoever writes log lines
 *     cannot watch it work and adapt the next line to what they saw.  A
 *     program that showed hashes or raw table order to an attacker, or
 *     answered them while hashing, should not use this hash.
 *
 * The key's entropy is the seed's 64 bits.  Outputs differ by platform
 * only if the code does: loads are little-endian on every host and the
 * 128-bit product has a plain-C fallback. */

/* Secret words of the hash; k0 and k1 also key the u64 mixer. */
typedef struct ff_hash_key {
	uint64_t k0, k1, k2, k3;
} ff_hash_key;

/* Expands a 64-bit seed into the hash's four secret words. */
ff_hash_key ff_hash_key_from_seed(uint64_t seed);

/* The keyed hash of n bytes at p (p may be NULL when n is 0). */
uint64_t ff_hash_bytes(const ff_hash_key *key, const void *p, size_t n);

/* Incremental form: hashing pieces in order gives exactly ff_hash_bytes of
 * their concatenation, so a key made of several views is hashed without
 * being copied together first. */
typedef struct ff_hasher {
	ff_hash_key key;
	uint64_t acc;
	uint64_t len;            /* bytes fed so far */
	unsigned char buf[16];   /* the last len % 16 of them */
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

/* Starts loading the slot a lookup of hash begins at, so that a lookup
 * a little later need not wait for memory. */
void ff_hmap_prefetch(const ff_hmap *m, uint64_t hash);

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
