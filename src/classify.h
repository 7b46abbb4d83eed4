/* classify.h — what kind of request a record is (SPEC §3): bot, static
 * file, pageview, and the device type of its user agent.
 *
 * Agent-level facts (bot, browser, OS, device type) are computed once per
 * distinct user agent and kept in a table indexed by the agent's interned
 * id, so the per-line cost is one interning lookup.  A classifier is used by
 * one thread at a time. */
#ifndef FF_CLASSIFY_H
#define FF_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "intern.h"
#include "record.h"
#include "useragent.h"

enum ff_device_type {
	FF_DEV_DESKTOP,
	FF_DEV_MOBILE,
	FF_DEV_TABLET,
	FF_DEV_BOT,
	FF_DEV_OTHER,
	FF_DEV_COUNT
};

const char *ff_device_type_name(enum ff_device_type t);

/* Facts about one distinct user agent. */
typedef struct ff_agent {
	bool bot;
	enum ff_device_type device_type;
	uint32_t browser; /* interned "Family" (browsers report key) */
	uint32_t os;      /* interned "Family" (operating_systems key) */
	uint32_t bot_name; /* interned bots report key: the browser family */
	/* more uap-core fields, interned in the same table ("" when absent) */
	uint32_t browser_major, browser_minor, os_major, device;
} ff_agent;

typedef struct ff_classifier ff_classifier;

/* ua is borrowed (may be an empty classifier); names receives browser, OS
 * and bot names.  Bot patterns, the built-in bot list's switch and static
 * extensions come from cfg (NULL: the defaults); seed
 * keys the table of user agents (hmap.h).  NULL with a message
 * "classify.bot_patterns: ..." in err on a bad regex. */
ff_classifier *ff_classifier_new(ff_ua *ua, ff_intern *names, const ff_config *cfg, uint64_t seed, char *err,
				 size_t errsz);
void ff_classifier_free(ff_classifier *c);

/* The agent id of a user agent (dense, from 0); the facts are computed the
 * first time.  UINT32_MAX when out of memory. */
uint32_t ff_classify_agent(ff_classifier *c, ff_sv user_agent);
/* The same, with the agent's hash by ff_classifier_hash_key worked out
 * already (perhaps on another thread: the key never changes). */
uint32_t ff_classify_agent_hashed(ff_classifier *c, ff_sv user_agent, uint64_t hash);
ff_hash_key ff_classifier_hash_key(const ff_classifier *c);
/* Starts loading what a lookup of that hash will read first. */
void ff_classifier_prefetch(const ff_classifier *c, uint64_t hash);
const ff_agent *ff_classifier_agent(const ff_classifier *c, uint32_t agent_id);
/* The user agent string of an agent id. */
ff_sv ff_classifier_agent_string(const ff_classifier *c, uint32_t agent_id);
size_t ff_classifier_agent_count(const ff_classifier *c);

/* The facts of a line whose log format has no user-agent field: those of
 * the empty agent, except that being empty does not make it a bot (only
 * a logged `-` does).  Valid as long as the classifier. */
const ff_agent *ff_classifier_absent_agent(const ff_classifier *c);

/* The built-in list of automated agents (SPEC §3): the empty agent, an
 * agent starting with one of its prefixes or containing one of its words,
 * byte for byte.  Independent of classify.builtin_bots. */
bool ff_builtin_bot(ff_sv agent);

/* The path's extension is in the static list (SPEC §3). */
bool ff_classify_static(const ff_classifier *c, ff_sv path);

/* A hit that is not a bot, not static, method exactly GET or POST, status
 * 200-299 or 304 (SPEC §3). */
bool ff_is_pageview(const ff_record *rec, bool bot, bool is_static);

/* The device type rule of SPEC §3 on uap-core's answer and the raw agent. */
enum ff_device_type ff_device_type_of(const ff_ua_info *info, ff_sv agent, bool bot);

#endif
