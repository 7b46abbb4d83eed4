/* referer.h — the host of a referer URL (SPEC §13.16) and the site's own
 * hosts (§6, §13.17). */
#ifndef FF_REFERER_H
#define FF_REFERER_H

#include <stdbool.h>
#include <stddef.h>

#include "str.h"

#define FF_HOST_MAX 255

/* Writes the referer's host into buf (FF_HOST_MAX + 1 bytes): the part
 * after "://" up to the first '/', '?' or '#', without userinfo and port,
 * lower-cased, a trailing dot removed.  Returns its length, or 0 when the
 * referer has no host (no "://", empty, or longer than FF_HOST_MAX). */
size_t ff_referer_host(ff_sv referer, char *buf);

/* A configured site host as referer hosts are kept: ASCII lower case,
 * into buf (FF_HOST_MAX + 1 bytes).  False when it is longer than
 * FF_HOST_MAX, which no referer host can match. */
bool ff_site_host(const char *name, char *buf, size_t *len);

#endif
