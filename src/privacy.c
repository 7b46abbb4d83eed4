/* privacy.c — address truncation for --anonymize.  Parsing goes through
 * inet_pton so that only real addresses are truncated; everything else
 * (host names, junk) is hidden entirely rather than guessed at. */
#include "privacy.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

size_t ff_anonymize_client(ff_sv client, char *buf)
{
	char text[INET6_ADDRSTRLEN + 64];
	unsigned char addr[16];
	size_t n = client.n;

	/* an IPv6 zone ("fe80::1%eth0") is not part of the address */
	size_t pct = ff_sv_find(client, '%');
	if (pct < n)
		n = pct;
	/* a NUL is an ordinary byte of the field (SPEC §13.1): no address */
	if (n > 0 && n < sizeof text && !memchr(client.p, 0, n)) {
		memcpy(text, client.p, n);
		text[n] = 0;
		if (inet_pton(AF_INET, text, addr) == 1)
			return (size_t)snprintf(buf, FF_ANON_MAX, "%u.%u.%u.0/24", addr[0], addr[1], addr[2]);
		if (inet_pton(AF_INET6, text, addr) == 1) {
			static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
			/* dual-stack servers log IPv4 clients as ::ffff:a.b.c.d */
			if (memcmp(addr, v4mapped, sizeof v4mapped) == 0)
				return (size_t)snprintf(buf, FF_ANON_MAX, "%u.%u.%u.0/24", addr[12], addr[13], addr[14]);
			memset(addr + 6, 0, 10);
			char out[INET6_ADDRSTRLEN];
			if (inet_ntop(AF_INET6, addr, out, sizeof out))
				return (size_t)snprintf(buf, FF_ANON_MAX, "%s/48", out);
		}
	}
	return (size_t)snprintf(buf, FF_ANON_MAX, "(host name)");
}
