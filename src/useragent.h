/* useragent.h — browser, OS and device from a user-agent string, by the
 * uap-core rules (/usr/share/uap-core/regexes.yaml).
 *
 * The rules are loaded once (libyaml) and compiled with PCRE2 (JIT where
 * available).  Results are cached per distinct user-agent string, so the
 * regex cost is paid once per agent.  Results are owned by the classifier
 * and stay valid until ff_ua_free — except past the cache limit (see
 * ff_ua_classify).  A classifier is used by one thread at a time.
 *
 * Meaning of the fields (uap-core's specification): the first matching rule
 * of each list decides; a replacement's $1..$9 are filled from the match and
 * the result trimmed; an empty value is absent ({NULL, 0}).  family, os and
 * device are never absent: "Other" when no rule matches. */
#ifndef FF_USERAGENT_H
#define FF_USERAGENT_H

#include <stdbool.h>
#include <stddef.h>

#include "str.h"

/* Distinct agents cached by default; an ordinary one takes about 0.5 KB. */
#define FF_UA_CACHE_DEFAULT 100000

typedef struct ff_ua ff_ua;

typedef struct ff_ua_info {
	ff_sv family, major, minor, patch;              /* browser */
	ff_sv os, os_major, os_minor, os_patch, os_patch_minor;
	ff_sv device, brand, model;
} ff_ua_info;

/* Loads and compiles the rules.  NULL with a reason in err when the file is
 * missing or malformed, or one of its regexes does not compile. */
ff_ua *ff_ua_load(const char *path, char *err, size_t errsz);

/* A classifier with no rules: everything is "Other".  NULL only when out of
 * memory. */
ff_ua *ff_ua_empty(void);

/* Classifies ua; the result is cached.  Never NULL.  Once the cache holds
 * its limit of distinct agents, a new agent is classified without caching
 * and its result is valid only until the next call of ff_ua_classify on
 * the same classifier. */
const ff_ua_info *ff_ua_classify(ff_ua *ua, ff_sv agent);

/* Number of distinct agents cached. */
size_t ff_ua_cache_size(const ff_ua *ua);

/* At most max_entries distinct agents are cached (default
 * FF_UA_CACHE_DEFAULT), in at most about max_entries KiB, so that distinct
 * very long agents cannot exhaust memory; 0 caches nothing.  Lowering it
 * keeps what is cached. */
void ff_ua_set_cache_limit(ff_ua *ua, size_t max_entries);

/* The pre-filter skips a rule whose required literal text is absent from
 * the agent.  It never changes a result; off is for tests and
 * measurement. */
void ff_ua_set_prefilter(ff_ua *ua, bool on);

/* Rules loaded, over all three lists. */
size_t ff_ua_rule_count(const ff_ua *ua);

/* Matches abandoned at a PCRE2 limit (the rule counted as not matching). */
size_t ff_ua_match_errors(const ff_ua *ua);

void ff_ua_free(ff_ua *ua);

#endif
