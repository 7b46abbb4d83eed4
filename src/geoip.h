/* geoip.h — client addresses to countries and cities, read from a MaxMind
 * DB file (GeoLite2, DB-IP and other .mmdb databases; SPEC §14).
 *
 * Optional at build time: without libmaxminddb (FF_HAVE_MAXMINDDB unset in
 * autoconf.h) ff_geoip_open fails with a message naming the package to
 * install.  The database is memory-mapped while open; the names a lookup
 * gives point into it and stay valid until ff_geoip_close.  A lookup
 * allocates nothing; callers look each distinct client up once. */
#ifndef FF_GEOIP_H
#define FF_GEOIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "str.h"

/* Whether this build can read MaxMind DB files. */
extern const bool ff_geoip_built_in;

/* The Debian package whose absence a build without geography names. */
#define FF_GEOIP_PACKAGE "libmaxminddb-dev"

typedef struct ff_geoip ff_geoip;

/* What the database says of one address.  Empty views when it says
 * nothing (a host name, an address it does not cover, a record without
 * that part). */
typedef struct ff_geo {
	char code[3];   /* ISO 3166-1 alpha-2, upper case; "" when unknown */
	ff_sv country;  /* English name of the country */
	ff_sv city;     /* English name of the city (city databases) */
} ff_geo;

/* Opens a database.  NULL with the reason in err (which does not repeat
 * the file name) when it cannot be opened or read as a MaxMind DB, or when
 * this build has no libmaxminddb. */
ff_geoip *ff_geoip_open(const char *path, char *err, size_t errsz);
void ff_geoip_close(ff_geoip *g);

/* The database's type as its metadata names it ("GeoLite2-City"). */
const char *ff_geoip_type(const ff_geoip *g);
/* Whether it is a city database (its type names cities), so that the
 * cities report has something to show. */
bool ff_geoip_has_cities(const ff_geoip *g);
/* The database's build day, YYYY-MM-DD (UTC), into buf (11 bytes). */
void ff_geoip_build_day(const ff_geoip *g, char buf[11]);

/* Looks a client up as the log wrote it: IPv4, IPv6 (a zone "%eth0" and
 * brackets are ignored; IPv4-mapped IPv6 is looked up as IPv4).  Anything
 * else, or an address the database does not cover, is unknown. */
void ff_geoip_lookup(const ff_geoip *g, ff_sv client, ff_geo *out);

#endif
