/* record.c — the parts of parsing shared by every format: splitting the
 * request line and the target, and the strict number rules of SPEC §13.7. */
#include "record.h"

void ff_record_split_target(ff_record *rec)
{
	ff_sv t = rec->target;
	size_t hash = ff_sv_find(t, '#');
	ff_sv before_hash = ff_sv_sub(t, 0, hash);
	size_t q = ff_sv_find(before_hash, '?');
	rec->path = ff_sv_sub(before_hash, 0, q);
	rec->query = q < before_hash.n ? ff_sv_sub(before_hash, q + 1, before_hash.n) : ff_sv_make(t.p ? t.p + t.n : NULL, 0);
}

/* RFC 9110 token characters: what a method may be made of.  Anything else
 * in the first word (TLS handshakes, binary probes) is not a request. */
static bool is_token_byte(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return true;
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
		return true;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

void ff_record_split_request(ff_record *rec)
{
	ff_sv r = rec->request;
	rec->method = rec->target = rec->protocol = rec->path = rec->query = FF_SV_NULL;

	size_t sp1 = ff_sv_find(r, ' ');
	if (sp1 == 0 || sp1 >= r.n)
		return; /* "-", binary junk, a lone word: a hit without a request */
	ff_sv method = ff_sv_sub(r, 0, sp1);
	for (size_t i = 0; i < method.n; i++)
		if (!is_token_byte((unsigned char)method.p[i]))
			return;
	ff_sv rest = ff_sv_sub(r, sp1 + 1, r.n);
	if (rest.n == 0)
		return;

	/* The protocol is the last word when it starts with "HTTP/"; spaces
	 * inside the target are kept. */
	ff_sv target = rest, protocol = FF_SV_NULL;
	const char *last_sp = NULL;
	for (size_t i = rest.n; i-- > 0;) {
		if (rest.p[i] == ' ') {
			last_sp = rest.p + i;
			break;
		}
	}
	if (last_sp) {
		ff_sv tail = ff_sv_make(last_sp + 1, (size_t)(rest.p + rest.n - last_sp - 1));
		if (ff_sv_starts_with(tail, FF_SV_LIT("HTTP/"))) {
			protocol = tail;
			target = ff_sv_make(rest.p, (size_t)(last_sp - rest.p));
		}
	}
	if (target.n == 0)
		return;
	rec->method = method;
	rec->target = target;
	rec->protocol = protocol;
	rec->has |= FF_HAS(FF_F_METHOD) | FF_HAS(FF_F_TARGET);
	if (protocol.n)
		rec->has |= FF_HAS(FF_F_PROTOCOL);
	ff_record_split_target(rec);
}

bool ff_parse_status(ff_sv s, uint16_t *out)
{
	if (s.n != 3)
		return false;
	uint64_t v;
	if (!ff_sv_to_u64(s, 999, &v) || v < 100 || v > 599)
		return false;
	*out = (uint16_t)v;
	return true;
}

bool ff_parse_bytes(ff_sv s, uint64_t *out)
{
	if (s.n == 1 && s.p[0] == '-') {
		*out = 0;
		return true;
	}
	return ff_sv_to_u64(s, (uint64_t)INT64_MAX, out);
}
