/* state.h — the state file (SPEC §16): a versioned, checksummed container
 * of sections that holds what a run counted, so that runs can be merged.
 *
 * The container knows nothing of reports: a section is a tag and bytes.
 * Sections are written with ff_sbuf (varints, zigzag, IEEE-754 doubles in
 * a fixed byte order: portable between machines of either byte order) and
 * read with ff_scur, which never trusts a length or a count it reads.
 * doc/state.md describes the layout and the sections planned. */
#ifndef FF_STATE_H
#define FF_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "options.h"
#include "summary.h"

/* The first 16 bytes of every state file. */
#define FF_STATE_MAGIC "footfall-state\n"
#define FF_STATE_MAGIC_LEN 16
/* The format this footfall writes and the newest it reads. */
#define FF_STATE_VERSION 1u
/* magic, version (u32), file length (u64), header crc32 (u32): fixed in
 * every version, so that a newer file is recognised as such. */
#define FF_STATE_HEADER_LEN 32u
/* tag (u32), payload length (u64), crc32 of those 12 bytes (u32) */
#define FF_STATE_SECTION_HEAD_LEN 16u

enum ff_state_tag {
	FF_STATE_END = 0,          /* payload: crc32 of every byte before it */
	FF_STATE_FINGERPRINT = 1,  /* ff_fingerprint */
	FF_STATE_SUMMARY = 2,      /* ff_summary */
	FF_STATE_RUN = 3,          /* the inputs, the format, the run's notes */
	FF_STATE_TABLES = 4,       /* the analysis: every report's keys and counts */
	FF_STATE_VISITORS = 5,     /* visitor keys and what each was seen with */
	FF_STATE_MARKETING = 6,    /* sources, campaigns, goals, funnels,
				      experiments, pixels */
	FF_STATE_OPEN = 7,         /* the visits open at the end */
	FF_STATE_TAG_COUNT
};

/* The section's name in messages ("summary"), or NULL for a tag this
 * version does not know. */
const char *ff_state_tag_name(uint32_t tag);

/* A growing byte buffer.  An allocation failure sets oom and makes every
 * later call a no-op, so a writer checks once at the end. */
typedef struct ff_sbuf {
	unsigned char *p;
	size_t n, cap;
	bool oom;
} ff_sbuf;

void ff_sbuf_free(ff_sbuf *b);
void ff_sbuf_raw(ff_sbuf *b, const void *p, size_t n);
void ff_sbuf_u32be(ff_sbuf *b, uint32_t v);
void ff_sbuf_u64be(ff_sbuf *b, uint64_t v);
void ff_sbuf_uv(ff_sbuf *b, uint64_t v);         /* unsigned LEB128 */
void ff_sbuf_sv(ff_sbuf *b, int64_t v);          /* zigzag, then LEB128 */
void ff_sbuf_f64(ff_sbuf *b, double v);          /* IEEE-754 bits, big-endian */
void ff_sbuf_str(ff_sbuf *b, const void *p, size_t n); /* length, bytes */

/* A cursor over bytes read from a file.  A read past the end or a
 * malformed value sets bad and makes every later read fail, so a decoder
 * checks once at the end; values read after a failure are 0. */
typedef struct ff_scur {
	const unsigned char *p;
	size_t n;
	bool bad;
} ff_scur;

bool ff_scur_uv(ff_scur *c, uint64_t *v);
bool ff_scur_sv(ff_scur *c, int64_t *v);
bool ff_scur_f64(ff_scur *c, double *v);
bool ff_scur_u8(ff_scur *c, bool *v);  /* a bool: 0 or 1, else bad */
/* A string: the view points into the cursor's bytes (no NUL). */
bool ff_scur_str(ff_scur *c, const unsigned char **p, size_t *n);
/* A count of items each at least min_bytes long: bad when it is above max
 * or cannot fit in the bytes left, so that no caller allocates for a
 * count the file cannot hold. */
bool ff_scur_count(ff_scur *c, size_t min_bytes, uint64_t max, size_t *count);

/* Writes a state: ff_state_begin, ff_state_section for each section, then
 * ff_state_finish, which appends the end section and fills the header's
 * length and checksum.  The result is out->p, out->n (0 on success, -1
 * out of memory). */
void ff_state_begin(ff_sbuf *out);
void ff_state_section(ff_sbuf *out, uint32_t tag, const ff_sbuf *payload);
void ff_state_section_bytes(ff_sbuf *out, uint32_t tag, const void *p, size_t n);
int ff_state_finish(ff_sbuf *out);

/* Writes n bytes as the state file at path, atomically like -o (output.h).
 * 0, or -1 after a message on err. */
int ff_state_save(const char *path, const void *p, size_t n, FILE *err);

/* A state file taken apart: each known section's payload, pointing into
 * the bytes parsed.  A section appears at most once. */
typedef struct ff_state_view {
	uint32_t version;
	const unsigned char *section[FF_STATE_TAG_COUNT];
	size_t section_len[FF_STATE_TAG_COUNT];
	bool has[FF_STATE_TAG_COUNT];
} ff_state_view;

/* Checks and splits a whole state file.  0, or -1 with msg (without the
 * file's name) set to one of:
 *   not a footfall state file
 *   truncated state file
 *   state file version N is newer than this footfall reads (M)
 *   corrupt state file (checksum mismatch in section S)
 *   corrupt state file (WHAT) */
int ff_state_parse(const void *data, size_t n, ff_state_view *v, char *msg, size_t msgsz);

/* Reads the whole file at path into *data (malloc'd).  0, or -1 with a
 * message naming path in msg. */
int ff_state_load(const char *path, unsigned char **data, size_t *n, char *msg, size_t msgsz);

/* ---- the options fingerprint ---- */

/* The options and configuration that decide counts, as name = value text
 * entries in a fixed order (names are dotted like the config keys).  Two
 * states merge only when their fingerprints are equal. */
typedef struct ff_fingerprint {
	char **names, **values;
	size_t count, cap;
} ff_fingerprint;

void ff_fingerprint_free(ff_fingerprint *fp);
/* Appends an entry (copied).  0, or -1 out of memory. */
int ff_fingerprint_add(ff_fingerprint *fp, const char *name, const char *value);
/* The entries of a run: o's options over cfg (the precedence run.c
 * applies), and ua_digest, a digest of the user-agent rules' bytes
 * (ff_state_digest), or 0 when none were loaded.  0, or -1 out of memory. */
int ff_fingerprint_build(ff_fingerprint *fp, const ff_options *o, const ff_config *cfg,
			 uint64_t ua_digest);
/* 0 when equal; else 1 with "states differ in NAME: A and B" in msg (the
 * first entry that differs; a missing entry reads "(absent)"). */
int ff_fingerprint_compare(const ff_fingerprint *a, const ff_fingerprint *b, char *msg,
			   size_t msgsz);
void ff_fingerprint_encode(const ff_fingerprint *fp, ff_sbuf *b);
/* 0, or -1 when the payload is malformed or memory runs out (fp then
 * empty). */
int ff_fingerprint_decode(const unsigned char *p, size_t n, ff_fingerprint *fp);

/* A 64-bit digest of bytes (FNV-1a): the user-agent rules' identity. */
uint64_t ff_state_digest(const void *p, size_t n);

/* ---- the summary ---- */

void ff_summary_encode(const ff_summary *s, ff_sbuf *b);
/* 0, or -1 when the payload is malformed. */
int ff_summary_decode(const unsigned char *p, size_t n, ff_summary *s);

/* ---- armored states ---- */

/* A state as one text line, "footfall-state:" and the base64 of its
 * bytes, for engines that carry lines (Hadoop Streaming, Spark's pipe):
 * footfall merge reads files of such lines as well as state files. */
#define FF_STATE_ARMOR "footfall-state:"
void ff_state_armor(const void *data, size_t n, ff_sbuf *out);
/* One armored line (without or with its newline) decoded into out.  0, or
 * -1 when it is not one. */
int ff_state_unarmor(const unsigned char *line, size_t n, ff_sbuf *out);

#endif
