/* filter.h — which valid lines count as hits (SPEC §3, §5, §13.13):
 * --since/--until, --include/--exclude FIELD=REGEX, --no-bots/--bots-only
 * and --exclude-ip.  Filters apply before visits are built; `lines`,
 * `valid`, `invalid` and `late` count before them, everything else after. */
#ifndef FF_FILTER_H
#define FF_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"
#include "tz.h"

typedef struct ff_filter ff_filter;

enum ff_bot_filter { FF_BOTS_ALL, FF_BOTS_NONE, FF_BOTS_ONLY };

ff_filter *ff_filter_new(void);
void ff_filter_free(ff_filter *f);

/* "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" (or a space for T), optionally
 * followed by "Z" or "+hh:mm"/"+hhmm".  With an offset the bound is an
 * instant; without one it is compared with each line's wall-clock time as
 * written, or in the zone ff_filter_tz names.  --since includes its bound; --until includes its bound, and a
 * date alone as --until includes that whole day.  0, or -1 with a reason
 * in err. */
int ff_filter_since(ff_filter *f, const char *text, char *err, size_t errsz);
int ff_filter_until(ff_filter *f, const char *text, char *err, size_t errsz);

/* "FIELD=REGEX" with FIELD one of path, status, method, client, referer,
 * user_agent, vhost.  Every include must match; any exclude drops. */
int ff_filter_match(ff_filter *f, const char *spec, bool exclude, char *err, size_t errsz);

/* An address or CIDR range, IPv4 or IPv6 ("192.0.2.0/24", "2001:db8::/32"). */
int ff_filter_exclude_ip(ff_filter *f, const char *cidr, char *err, size_t errsz);

void ff_filter_bots(ff_filter *f, enum ff_bot_filter mode);

/* --tz: bounds without an offset are wall-clock times in tz (borrowed;
 * must outlive f). */
void ff_filter_tz(ff_filter *f, const ff_tz *tz);

/* Whether an include or exclude looks at a field that differs between the
 * hits of one visit (path, status, method): visits are then made of the
 * matching hits only (SPEC §15). */
bool ff_filter_cuts_visits(const ff_filter *f);

bool ff_filter_active(const ff_filter *f);
/* Whether the line counts as a hit; bot is its classification. */
bool ff_filter_pass(ff_filter *f, const ff_record *rec, bool bot);
/* The active filters in words, for the report ("since 2026-03-01, ..."). */
void ff_filter_describe(const ff_filter *f, char *buf, size_t bufsz);
/* Lines a filter's regex gave up on at PCRE2's limits (counted as not
 * matching). */
unsigned long ff_filter_limit_hits(const ff_filter *f);

#endif
