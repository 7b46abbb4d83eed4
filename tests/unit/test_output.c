/* test_output.c — a report file is replaced in one step or not at all:
 * open -> write -> commit or abort, in a fresh directory; and the one
 * escaping rule of messages (diag.c, utf8.h). */
#include "check.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "output.h"

static char dir[] = "/tmp/footfall-test-output.XXXXXX";

static char *path_in(const char *name)
{
	static char buf[256];
	snprintf(buf, sizeof buf, "%s/%s", dir, name);
	return buf;
}

static char *read_all(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	buf[n] = 0;
	if (f)
		fclose(f);
	return f ? buf : NULL;
}

/* Files whose name starts with .footfall- in dir. */
static int temporaries(void)
{
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += strncmp(e->d_name, ".footfall-", 10) == 0;
	if (d)
		closedir(d);
	return n;
}

static void test_commit_and_abort(FILE *err)
{
	char target[256];
	snprintf(target, sizeof target, "%s", path_in("report.txt"));
	ff_output *o = ff_output_open(target, err);
	CHECK(o != NULL);
	fputs("new", ff_output_stream(o));
	CHECK(access(target, F_OK) != 0); /* nothing there before commit */
	CHECK_INT(temporaries(), 1);
	CHECK_INT(ff_output_commit(o, err), 0);
	CHECK(read_all(target) && strcmp(read_all(target), "new") == 0);
	CHECK_INT(temporaries(), 0);

	chmod(target, 0640);
	o = ff_output_open(target, err);
	fputs("second", ff_output_stream(o));
	ff_output_abort(o);
	CHECK(strcmp(read_all(target), "new") == 0);
	CHECK_INT(temporaries(), 0);

	o = ff_output_open(target, err);
	fputs("third", ff_output_stream(o));
	CHECK_INT(ff_output_commit(o, err), 0);
	struct stat st;
	CHECK(stat(target, &st) == 0 && (st.st_mode & 07777) == 0640);
	CHECK(strcmp(read_all(target), "third") == 0);

	/* through a symlink: the target is replaced, the link stays */
	char link[256];
	snprintf(link, sizeof link, "%s", path_in("link.txt"));
	CHECK(symlink("report.txt", link) == 0);
	o = ff_output_open(link, err);
	fputs("linked", ff_output_stream(o));
	CHECK_INT(ff_output_commit(o, err), 0);
	CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(strcmp(read_all(target), "linked") == 0);
	CHECK_INT(temporaries(), 0);

	/* an input is refused */
	char *inputs[] = { "-", link };
	CHECK_INT(ff_output_check_inputs(target, inputs, 2, err), -1);
	CHECK_INT(ff_output_check_inputs(path_in("other.txt"), inputs, 2, err), 0);
	unlink(link);
	unlink(target);
}

static void test_visible(void)
{
	char buf[128];
	/* C1 CSI, right-to-left override, ESC, backslash, invalid byte */
	ff_sv s = ff_sv_cstr("a\xc2\x9b" "b\xe2\x80\xae" "c\x1b\\\xff\xc3\xa9");
	CHECK(strcmp(ff_visible(s, 100, buf, sizeof buf), "a\\xc2\\x9bb\\xe2\\x80\\xaec\\x1b\\\\\\xff\xc3\xa9") == 0);
	CHECK(strcmp(ff_visible(ff_sv_cstr("abcdef"), 3, buf, sizeof buf), "abc...") == 0);

	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	ff_diag_at(f, "x\ny", 2, "bad %s", "\x1b[2J\\x");
	fclose(f);
	/* the name escaped with backslashes doubled, the text without */
	CHECK(strcmp(text, "footfall: x\\ny:2: bad \\x1b[2J\\x\n") == 0);
	free(text);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	FILE *err = fopen("/dev/null", "w");
	test_commit_and_abort(err);
	fclose(err);
	test_visible();
	rmdir(dir);
	return CHECK_DONE("test_output");
}
