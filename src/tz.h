/* tz.h — IANA time zones for --tz, read from the system's TZif files
 * (RFC 8536) into an immutable table of transitions.  Nothing touches the
 * TZ variable or libc's shared time zone state, so any thread may look
 * instants up; a per-thread cache makes the usual lookup (the next line in
 * the same stretch between two transitions) two comparisons. */
#ifndef FF_TZ_H
#define FF_TZ_H

#include <stddef.h>
#include <stdint.h>

typedef struct ff_tz ff_tz;

/* Loads the zone name ("Europe/Berlin", "UTC") from $TZDIR, else
 * /usr/share/zoneinfo.  Returns NULL with a message in err when the name
 * is not a zone there, the file is not TZif, or memory ran out. */
ff_tz *ff_tz_load(const char *name, char *err, size_t errsz);
/* Builds a zone straight from TZif bytes (tests, fuzzing). */
ff_tz *ff_tz_from_bytes(const unsigned char *p, size_t n, char *err, size_t errsz);
void ff_tz_free(ff_tz *tz);
const char *ff_tz_name(const ff_tz *tz);

/* The zone's offset east of UTC, in seconds, at instant t (seconds since
 * the epoch); *from and *until bound the stretch [from, until) where it
 * holds. */
int32_t ff_tz_lookup(const ff_tz *tz, int64_t t, int64_t *from, int64_t *until);

/* One thread's memory of the last stretch looked up.  Zero-initialised
 * with tz set, it is ready. */
typedef struct ff_tz_cache {
	const ff_tz *tz;
	int64_t from, until; /* until <= from: nothing cached yet */
	int32_t offset;
} ff_tz_cache;

static inline int32_t ff_tz_offset(ff_tz_cache *c, int64_t t)
{
	if (t < c->from || t >= c->until)
		c->offset = ff_tz_lookup(c->tz, t, &c->from, &c->until);
	return c->offset;
}

#endif
