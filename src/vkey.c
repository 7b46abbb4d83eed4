/* vkey.c — the visitor key digest: the client's length (LEB128), the
 * client, then the user agent, hashed under two fixed keys. */
#include "vkey.h"

#include "hmap.h"

#define VKEY_SEED_HI UINT64_C(0x666f6f7466616c6c) /* "footfall" */
#define VKEY_SEED_LO UINT64_C(0x7669736974657273) /* "visiters" */

static uint64_t digest(ff_hash_key key, ff_sv client, ff_sv ua)
{
	unsigned char len[10];
	size_t n = 0;
	uint64_t v = client.n;
	do {
		len[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	ff_hasher h;
	ff_hasher_init(&h, key);
	ff_hasher_update(&h, len, n);
	ff_hasher_update(&h, client.p, client.n);
	ff_hasher_update(&h, ua.p, ua.n);
	return ff_hasher_final(&h);
}

ff_vkey ff_vkey_of(ff_sv client, ff_sv ua)
{
	/* once per new visitor, not per line: the keys are made each time */
	ff_hash_key hi_key = ff_hash_key_from_seed(VKEY_SEED_HI);
	ff_hash_key lo_key = ff_hash_key_from_seed(VKEY_SEED_LO);
	return (ff_vkey){ .hi = digest(hi_key, client, ua), .lo = digest(lo_key, client, ua) };
}
