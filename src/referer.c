/* referer.c — referer URL → host, per line on the hot path: one scan, no
 * allocation, the lower-cased copy in the caller's buffer; and a
 * configured site host in the same form. */
#include "referer.h"

size_t ff_referer_host(ff_sv ref, char *buf)
{
	if (ref.n == 0)
		return 0; /* also keeps arithmetic off a NULL view */
	const char *p = ref.p, *end = ref.p + ref.n;
	const char *scheme = NULL;
	for (const char *q = p; q + 3 <= end; q++) {
		if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
			scheme = q;
			break;
		}
		if (q[0] == '/' || q[0] == '?' || q[0] == '#')
			break; /* a path came before any "://" */
	}
	if (!scheme)
		return 0;
	const char *h = scheme + 3, *he = h;
	while (he < end && *he != '/' && *he != '?' && *he != '#')
		he++;
	/* userinfo ends at the last '@' of the authority */
	for (const char *q = he; q > h; q--) {
		if (q[-1] == '@') {
			h = q;
			break;
		}
	}
	/* a port: ":digits" at the end, outside an IPv6 literal's brackets */
	const char *colon = NULL;
	for (const char *q = he; q > h; q--) {
		if (q[-1] == ']')
			break;
		if (q[-1] == ':') {
			colon = q - 1;
			break;
		}
	}
	if (colon) {
		bool digits = true;
		for (const char *q = colon + 1; q < he; q++)
			if (*q < '0' || *q > '9')
				digits = false;
		if (digits)
			he = colon;
	}
	if (he > h && he[-1] == '.')
		he--;
	size_t n = (size_t)(he - h);
	if (n == 0 || n > FF_HOST_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];
		buf[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
	}
	buf[n] = 0;
	return n;
}

bool ff_site_host(const char *name, char *buf, size_t *len)
{
	size_t n = strlen(name);
	if (n > FF_HOST_MAX)
		return false;
	for (size_t k = 0; k < n; k++)
		buf[k] = (char)((name[k] >= 'A' && name[k] <= 'Z') ? name[k] + 32 : name[k]);
	*len = n;
	return true;
}
