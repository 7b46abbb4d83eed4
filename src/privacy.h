/* privacy.h — client addresses as --anonymize shows them (SPEC §11):
 * IPv4 truncated to /24, IPv6 to /48, host names hidden. */
#ifndef FF_PRIVACY_H
#define FF_PRIVACY_H

#include <stddef.h>

#include "str.h"

/* Room for the longest result ("ffff:ffff:ffff::/48" and the like). */
#define FF_ANON_MAX 64

/* Writes the anonymized form of client into buf (FF_ANON_MAX bytes) and
 * returns its length: "192.0.2.0/24", "2001:db8:85a3::/48", or
 * "(host name)" for anything that is not an IP address. */
size_t ff_anonymize_client(ff_sv client, char *buf);

#endif
