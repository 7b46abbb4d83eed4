/* record.c — the parts of parsing shared by every format: splitting the
 * request line and the target, and the strict number rules of SPEC §13.7. */
#include "record.h"

#include <arpa/inet.h>
#include <string.h>

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

/* NAME/DIGITS or NAME/DIGITS.DIGITS (SPEC §13.8): HTTP/1.1, HTTP/2,
 * RTSP/1.0.  NAME is a token without '/'. */
static bool is_protocol(ff_sv w)
{
	size_t i = 0;
	/* Nearly every line says HTTP/1.1, HTTP/1.0 or HTTP/2.0: those
	 * without a loop (this runs once per line). */
	if (w.n == 8 && memcmp(w.p, "HTTP/", 5) == 0 && w.p[6] == '.')
		return (unsigned)(w.p[5] - '0') < 10 && (unsigned)(w.p[7] - '0') < 10;
	if (w.n > 5 && memcmp(w.p, "HTTP/", 5) == 0) {
		i = 4;
	} else {
		while (i < w.n && w.p[i] != '/' && is_token_byte((unsigned char)w.p[i]))
			i++;
		if (i == 0 || i == w.n || w.p[i] != '/')
			return false;
	}
	size_t digits = 0, dot = 0;
	for (i++; i < w.n; i++) {
		unsigned char c = (unsigned char)w.p[i];
		if (c >= '0' && c <= '9') {
			digits++;
		} else if (c == '.' && digits && !dot) {
			dot = digits;
		} else {
			return false;
		}
	}
	/* digits on both sides of the point, when there is one */
	return digits > dot && digits > 0;
}

ff_sv ff_forwarded_client(ff_sv xff)
{
	size_t comma = ff_sv_find(xff, ',');
	ff_sv first = ff_sv_sub(xff, 0, comma);
	while (first.n && (first.p[0] == ' ' || first.p[0] == '\t'))
		first.p++, first.n--;
	while (first.n && (first.p[first.n - 1] == ' ' || first.p[first.n - 1] == '\t'))
		first.n--;
	/* inet_pton wants a C string: a stack copy, no allocation. */
	char buf[INET6_ADDRSTRLEN + 1];
	unsigned char addr[16];
	if (first.n < 2 || first.n >= sizeof buf)
		return FF_SV_NULL;
	memcpy(buf, first.p, first.n);
	buf[first.n] = '\0';
	if (inet_pton(memchr(buf, ':', first.n) ? AF_INET6 : AF_INET, buf, addr) != 1)
		return FF_SV_NULL;
	return first;
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

	/* The protocol is the last word when it reads NAME/DIGITS[.DIGITS];
	 * spaces inside the target are kept.  A request of two words is
	 * METHOD TARGET, whatever the second word looks like. */
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
		if (is_protocol(tail)) {
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
