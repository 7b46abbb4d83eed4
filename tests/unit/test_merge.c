/* test_merge.c — inputs merged by time: every line handed out exactly
 * once, valid lines in time order with ties to the earlier source,
 * invalid lines as soon as they come up, read-ahead lines first; with
 * deferred parsing a single source's lines come unparsed, in order, while
 * several sources are still parsed to be ordered. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "merge.h"

static char dir[] = "/tmp/footfall-merge-XXXXXX";

static ff_input *open_text(const char *name, const char *text)
{
	char path[256], err[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return ff_input_open(path, err, sizeof err);
}

#define LINE(hms, path) "10.0.0.1 - - [02/Mar/2026:" hms " +0100] \"GET " path " HTTP/1.1\" 200 1 \"-\" \"-\"\n"

/* Collects the paths (or "!" for invalid, "E" for an error, "?" for a
 * line left unparsed) in order. */
static void run(ff_merge *m, char *out, size_t outsz)
{
	ff_event ev;
	size_t o = 0;
	out[0] = 0;
	while (ff_merge_next(m, &ev)) {
		const char *piece = "E";
		char buf[64];
		if (ev.kind == FF_EV_LINE && !ev.parsed) {
			snprintf(buf, sizeof buf, "?%.*s", (int)(ev.line->n > 4 ? 4 : ev.line->n), ev.line->p);
			piece = buf;
		} else if (ev.kind == FF_EV_LINE && ev.result == FF_PARSE_OK) {
			snprintf(buf, sizeof buf, "%.*s", (int)ev.rec->path.n, ev.rec->path.p);
			piece = buf;
		} else if (ev.kind == FF_EV_LINE) {
			piece = "!";
		}
		o += (size_t)snprintf(out + o, outsz - o, "%s%s", o ? " " : "", piece);
	}
}

int main(void)
{
	char err[256], got[512];
	if (!mkdtemp(dir))
		return 99;
	ff_format *fmt = ff_format_compile("combined", err, sizeof err);
	CHECK(fmt != NULL);

	/* two servers interleaved; an invalid line in b comes out at once */
	ff_merge *m = ff_merge_new(fmt);
	CHECK(ff_merge_add(m, open_text("a", LINE("10:00:00", "/a1") LINE("10:00:02", "/a2") LINE("10:00:04", "/a3")), NULL) == 0);
	CHECK(ff_merge_add(m, open_text("b", LINE("10:00:01", "/b1") "junk\n" LINE("10:00:02", "/b2") LINE("10:00:05", "/b3")), NULL) == 1);
	run(m, got, sizeof got);
	CHECK_STR(got, "/a1 /b1 ! /a2 /b2 /a3 /b3");
	CHECK_INT(ff_merge_count(m), 2);
	ff_merge_free(m);

	/* rotated files given newest first come out oldest first */
	m = ff_merge_new(fmt);
	ff_merge_add(m, open_text("new", LINE("12:00:00", "/new1") LINE("12:00:01", "/new2")), NULL);
	ff_merge_add(m, open_text("old", LINE("09:00:00", "/old1") LINE("09:30:00", "/old2")), NULL);
	ff_merge_add(m, open_text("empty", ""), NULL);
	run(m, got, sizeof got);
	CHECK_STR(got, "/old1 /old2 /new1 /new2");
	ff_merge_free(m);

	/* read-ahead lines are handed out before the rest of their source */
	m = ff_merge_new(fmt);
	ff_input *in = open_text("r", LINE("10:00:00", "/r1") LINE("10:00:03", "/r2") LINE("10:00:05", "/r3"));
	ff_replay replay = { 0 };
	ff_line line;
	CHECK(ff_input_next(in, &line) == FF_INPUT_LINE);
	CHECK(ff_replay_push(&replay, &line) == 0);
	CHECK(ff_input_next(in, &line) == FF_INPUT_LINE);
	CHECK(ff_replay_push(&replay, &line) == 0);
	ff_merge_add(m, in, &replay);
	CHECK_INT(replay.count, 0);
	ff_merge_add(m, open_text("s", LINE("10:00:01", "/s1") LINE("10:00:04", "/s2")), NULL);
	run(m, got, sizeof got);
	CHECK_STR(got, "/r1 /s1 /r2 /s2 /r3");
	ff_merge_free(m);

	/* a source that fails mid-way: its complete lines, then one error */
	m = ff_merge_new(fmt);
	{
		char path[256];
		snprintf(path, sizeof path, "%s/t.gz", dir);
		/* a gzip header and nothing else: truncated */
		FILE *f = fopen(path, "wb");
		fwrite("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 1, 10, f);
		fclose(f);
		ff_merge_add(m, ff_input_open(path, err, sizeof err), NULL);
	}
	ff_merge_add(m, open_text("ok", LINE("10:00:00", "/ok")), NULL);
	run(m, got, sizeof got);
	CHECK_STR(got, "E /ok");
	ff_merge_free(m);

	/* equal instants: ties go to the source added first */
	m = ff_merge_new(fmt);
	ff_merge_add(m, open_text("x", LINE("10:00:00", "/x1") LINE("10:00:00", "/x2")), NULL);
	ff_merge_add(m, open_text("y", LINE("10:00:00", "/y1")), NULL);
	run(m, got, sizeof got);
	CHECK_STR(got, "/x1 /x2 /y1");
	ff_merge_free(m);

	/* deferred parsing: one source's lines come unparsed (the invalid
	 * one too), read-ahead lines first */
	m = ff_merge_new(fmt);
	ff_merge_defer_parse(m);
	in = open_text("d", LINE("10:00:00", "/d1") "junk\n" LINE("09:00:00", "/d2"));
	replay = (ff_replay){ 0 };
	CHECK(ff_input_next(in, &line) == FF_INPUT_LINE);
	CHECK(ff_replay_push(&replay, &line) == 0);
	ff_merge_add(m, in, &replay);
	run(m, got, sizeof got);
	CHECK_STR(got, "?10.0 ?junk ?10.0");
	ff_merge_free(m);

	/* ...but two sources are parsed, to be ordered */
	m = ff_merge_new(fmt);
	ff_merge_defer_parse(m);
	ff_merge_add(m, open_text("p", LINE("10:00:02", "/p1")), NULL);
	ff_merge_add(m, open_text("q", LINE("10:00:01", "/q1")), NULL);
	run(m, got, sizeof got);
	CHECK_STR(got, "/q1 /p1");
	ff_merge_free(m);

	ff_format_free(fmt);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	return CHECK_DONE("test_merge");
}
