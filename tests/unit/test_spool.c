/* test_spool.c — standard input kept for a second pass: the copy, the
 * pieces a late line starts, their chaining (rotations newest first make
 * one chain, two servers two, ties keep input order) and the merge that
 * reads them back with the original line numbers.  The spool is driven as
 * the run does: counted until the first late line, then told the time of
 * each valid line. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "spool.h"
#include "summary.h"

static char dir[] = "/tmp/footfall-spool-XXXXXX";

#define LINE(hms, path) "10.0.0.1 - - [02/Mar/2026:" hms " +0100] \"GET " path " HTTP/1.1\" 200 1 \"-\" \"-\"\n"

/* Reads text as standard input would be read (a copy kept, since the
 * test's standard input is not a regular file), then merges its pieces;
 * out gets "path:line" of every line in merged order ("!:line" for an
 * invalid one), *chains the number of sources. */
static void pieces(ff_format *fmt, const char *text, char *out, size_t outsz, size_t *chains)
{
	char path[256], err[256];
	snprintf(path, sizeof path, "%s/in", dir);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	ff_input *in = ff_input_open(path, err, sizeof err);
	CHECK(in != NULL);
	ff_spool *sp = ff_spool_start(in, 300, err, sizeof err);
	CHECK(sp != NULL);
	ff_summary s;
	ff_summary_init(&s, 300);
	bool rescan = false;
	ff_line line;
	ff_record rec;
	uint64_t lines = 0;
	while (ff_input_next(in, &line) == FF_INPUT_LINE) {
		lines++;
		if (ff_format_parse(fmt, line.p, line.n, &rec) != FF_PARSE_OK)
			continue;
		if (rescan) {
			ff_spool_note(sp, line.number, &rec.time);
		} else if (ff_summary_would_be_late(&s, &rec)) {
			CHECK(ff_spool_restart(sp, line.number, &s.oldest_read, &s.newest_read, &rec.time));
			rescan = true;
		} else {
			ff_summary_add_valid(&s, &rec);
		}
	}
	ff_merge *m = NULL;
	CHECK(ff_spool_merge(sp, lines, fmt, &m, err, sizeof err) == 0);
	ff_input_close(in);
	*chains = m ? ff_merge_count(m) : 0;
	ff_event ev;
	size_t o = 0;
	out[0] = 0;
	while (m && ff_merge_next(m, &ev)) {
		const char *p = "!";
		int n = 1;
		if (ev.kind == FF_EV_LINE && ev.result == FF_PARSE_OK)
			p = ev.rec->path.p, n = (int)ev.rec->path.n;
		CHECK_STR(ff_input_name(ff_merge_input(m, ev.source)), path);
		o += (size_t)snprintf(out + o, outsz - o, "%s%.*s:%" PRIu64, o ? " " : "", n, p,
				      ev.kind == FF_EV_LINE ? ev.line->number : 0);
	}
	ff_merge_free(m);
	ff_spool_free(sp);
	unlink(path);
}

int main(void)
{
	char err[256], got[1024];
	size_t chains;
	if (!mkdtemp(dir))
		return 99;
	/* The test's standard input must not be a regular file: it would be
	 * read again instead of the copy. */
	int null = open("/dev/null", O_RDONLY);
	CHECK(null >= 0 && dup2(null, STDIN_FILENO) == STDIN_FILENO);
	ff_format *fmt = ff_format_compile("combined", err, sizeof err);
	CHECK(fmt != NULL);

	/* three rotations, newest first; the middle one ends without LF only
	 * in the last test below */
	pieces(fmt,
	       LINE("12:00:00", "/c1") LINE("12:30:00", "/c2")
	       LINE("11:00:00", "/b1") "junk\n" LINE("11:30:00", "/b2")
	       LINE("10:00:00", "/a1") LINE("10:30:00", "/a2"),
	       got, sizeof got, &chains);
	CHECK_INT(chains, 1);
	CHECK_STR(got, "/a1:6 /a2:7 /b1:3 !:4 /b2:5 /c1:1 /c2:2");

	/* two servers for one period: two chains, read side by side */
	pieces(fmt,
	       LINE("10:00:00", "/a1") LINE("10:10:00", "/a2") LINE("10:20:00", "/a3")
	       LINE("10:05:00", "/b1") LINE("10:15:00", "/b2") LINE("10:25:00", "/b3"),
	       got, sizeof got, &chains);
	CHECK_INT(chains, 2);
	CHECK_STR(got, "/a1:1 /b1:4 /a2:2 /b2:5 /a3:3 /b3:6");

	/* A piece that starts at the instant the other ends follows it only
	 * when it came later in the input: here it came first, so the two
	 * are read side by side and the tie goes to the earlier input. */
	pieces(fmt,
	       LINE("11:00:00", "/late1") LINE("11:30:00", "/late2")
	       LINE("10:00:00", "/early1") LINE("11:00:00", "/early2"),
	       got, sizeof got, &chains);
	CHECK_INT(chains, 2);
	CHECK_STR(got, "/early1:3 /late1:1 /early2:4 /late2:2");

	/* the last line of the input has no LF and its piece is read first */
	pieces(fmt, LINE("12:00:00", "/c1") "10.0.0.1 - - [02/Mar/2026:10:00:00 +0100] \"GET /a1 HTTP/1.1\" 200 1 \"-\" \"-\"",
	       got, sizeof got, &chains);
	CHECK_INT(chains, 1);
	CHECK_STR(got, "/a1:2 /c1:1");

	ff_format_free(fmt);
	rmdir(dir);
	return CHECK_DONE("test_spool");
}
