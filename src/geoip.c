/* geoip.c — the MaxMind DB reader behind the countries and cities reports
 * (SPEC §14): libmaxminddb when the build has it, else stubs that say
 * which package to install.  Addresses are parsed here (inet_pton), never
 * resolved: a host name in the log stays unknown. */
#include "geoip.h"

#include <stdio.h>
#include <string.h>

#include "autoconf.h"

#ifdef FF_HAVE_MAXMINDDB

#include <arpa/inet.h>
#include <errno.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

const bool ff_geoip_built_in = true;

struct ff_geoip {
	MMDB_s db;
	bool cities;
};

static bool contains_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = text; *p; p++)
		if (strncasecmp(p, word, n) == 0)
			return true;
	return false;
}

ff_geoip *ff_geoip_open(const char *path, char *err, size_t errsz)
{
	ff_geoip *g = calloc(1, sizeof *g);
	if (!g) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	errno = 0;
	int rc = MMDB_open(path, MMDB_MODE_MMAP, &g->db);
	if (rc != MMDB_SUCCESS) {
		int saved = errno;
		/* libmaxminddb's words for a file that is not there say
		 * nothing of why: the system's do */
		if ((rc == MMDB_FILE_OPEN_ERROR || rc == MMDB_IO_ERROR) && saved)
			snprintf(err, errsz, "%s", strerror(saved));
		else
			snprintf(err, errsz, "not a MaxMind DB file (%s)", MMDB_strerror(rc));
		free(g);
		return NULL;
	}
	const char *type = g->db.metadata.database_type ? g->db.metadata.database_type : "";
	/* GeoLite2-City, GeoIP2-City, DBIP-City-Lite; Enterprise has cities */
	g->cities = contains_word(type, "city") || contains_word(type, "enterprise");
	return g;
}

void ff_geoip_close(ff_geoip *g)
{
	if (!g)
		return;
	MMDB_close(&g->db);
	free(g);
}

const char *ff_geoip_type(const ff_geoip *g)
{
	return g->db.metadata.database_type ? g->db.metadata.database_type : "";
}

bool ff_geoip_has_cities(const ff_geoip *g)
{
	return g->cities;
}

void ff_geoip_build_day(const ff_geoip *g, char buf[11])
{
	time_t t = (time_t)g->db.metadata.build_epoch;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || strftime(buf, 11, "%Y-%m-%d", &tm) != 10)
		memcpy(buf, "unknown", 8);
}

/* A string at a path of map keys in the entry, or an empty view. */
static ff_sv string_at(MMDB_entry_s *entry, const char *a, const char *b, const char *c)
{
	MMDB_entry_data_s d;
	if (MMDB_get_value(entry, &d, a, b, c, NULL) != MMDB_SUCCESS || !d.has_data ||
	    d.type != MMDB_DATA_TYPE_UTF8_STRING)
		return FF_SV_NULL;
	return ff_sv_make(d.utf8_string, d.data_size);
}

/* The client's bytes as a socket address: IPv4 or IPv6 text, with
 * brackets and a zone taken off.  false for anything else. */
static bool parse_address(ff_sv client, struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN + 2];
	const char *p = client.p;
	size_t n = client.n;
	if (n >= 2 && p[0] == '[' && p[n - 1] == ']')
		p++, n -= 2;
	const char *zone = n ? memchr(p, '%', n) : NULL;
	if (zone)
		n = (size_t)(zone - p);
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, p, n);
	buf[n] = 0;
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	if (inet_pton(AF_INET, buf, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		return true;
	}
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET6, buf, &v6->sin6_addr) != 1)
		return false;
	if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
		/* ::ffff:a.b.c.d is an IPv4 client behind a dual-stack socket */
		struct in_addr a;
		memcpy(&a, &v6->sin6_addr.s6_addr[12], sizeof a);
		memset(ss, 0, sizeof *ss);
		v4->sin_family = AF_INET;
		v4->sin_addr = a;
		return true;
	}
	v6->sin6_family = AF_INET6;
	return true;
}

void ff_geoip_lookup(const ff_geoip *g, ff_sv client, ff_geo *out)
{
	memset(out, 0, sizeof *out);
	struct sockaddr_storage ss;
	if (!parse_address(client, &ss))
		return;
	int mmdb_err = MMDB_SUCCESS;
	MMDB_lookup_result_s res = MMDB_lookup_sockaddr(&g->db, (const struct sockaddr *)&ss, &mmdb_err);
	/* an IPv6 address in an IPv4 database, a corrupt tree: unknown */
	if (mmdb_err != MMDB_SUCCESS || !res.found_entry)
		return;
	const char *part = "country";
	ff_sv code = string_at(&res.entry, part, "iso_code", NULL);
	if (!code.n) {
		/* some networks carry only the country they are registered in */
		part = "registered_country";
		code = string_at(&res.entry, part, "iso_code", NULL);
	}
	bool letters = code.n == 2;
	for (size_t i = 0; letters && i < 2; i++) {
		char c = code.p[i];
		letters = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
	}
	if (letters) {
		for (size_t i = 0; i < 2; i++)
			out->code[i] = (char)(code.p[i] & ~0x20);
		out->country = string_at(&res.entry, part, "names", "en");
	}
	if (g->cities)
		out->city = string_at(&res.entry, "city", "names", "en");
}

#else /* no libmaxminddb */

const bool ff_geoip_built_in = false;

struct ff_geoip {
	int unused;
};

ff_geoip *ff_geoip_open(const char *path, char *err, size_t errsz)
{
	(void)path;
	snprintf(err, errsz, "footfall was built without libmaxminddb: install the Debian package '%s' and build again",
		 FF_GEOIP_PACKAGE);
	return NULL;
}

void ff_geoip_close(ff_geoip *g)
{
	(void)g;
}

const char *ff_geoip_type(const ff_geoip *g)
{
	(void)g;
	return "";
}

bool ff_geoip_has_cities(const ff_geoip *g)
{
	(void)g;
	return false;
}

void ff_geoip_build_day(const ff_geoip *g, char buf[11])
{
	(void)g;
	memcpy(buf, "unknown", 8);
}

void ff_geoip_lookup(const ff_geoip *g, ff_sv client, ff_geo *out)
{
	(void)g, (void)client;
	memset(out, 0, sizeof *out);
}

#endif
