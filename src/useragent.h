/* useragent.h — browser, OS and device from a user-agent string, by the
 * uap-core rules (/usr/share/uap-core/regexes.yaml).
 *
 * The rules are loaded once (libyaml) and compiled with PCRE2 (JIT where
 * available).  Results are cached per distinct user-agent string, so the
 * regex cost is paid once per agent.  Results are owned by the classifier
 * and stay valid until ff_ua_free. */
#ifndef FF_USERAGENT_H
#define FF_USERAGENT_H

#include <stdbool.h>
#include <stddef.h>

#include "str.h"

typedef struct ff_ua ff_ua;

typedef struct ff_ua_info {
	ff_sv family, major, minor, patch;              /* browser */
	ff_sv os, os_major, os_minor, os_patch, os_patch_minor;
	ff_sv device, brand, model;
} ff_ua_info;

/* Loads and compiles the rules.  NULL with a reason in err when the file is
 * missing or malformed. */
ff_ua *ff_ua_load(const char *path, char *err, size_t errsz);

/* A classifier with no rules: everything is "Other". */
ff_ua *ff_ua_empty(void);

/* Classifies ua; the result is cached.  Never NULL. */
const ff_ua_info *ff_ua_classify(ff_ua *ua, ff_sv agent);

size_t ff_ua_cache_size(const ff_ua *ua);
void ff_ua_free(ff_ua *ua);

#endif
