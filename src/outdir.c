/* outdir.c — `-o DIR/`: each report as its own csv or tsv file, for
 * sqlite3 .import, spreadsheets and COPY FROM.  The renderer is
 * render_csv.c given a report of one table; this file only names,
 * writes and renames the files. */
#include "outdir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"

bool ff_outdir_wanted(const char *path)
{
	struct stat st;
	size_t n = strlen(path);
	return (n > 0 && path[n - 1] == '/') || (stat(path, &st) == 0 && S_ISDIR(st.st_mode));
}

int ff_outdir_prepare(const char *dir, FILE *err)
{
	struct stat st;
	if (stat(dir, &st) != 0) {
		if (errno != ENOENT || mkdir(dir, 0777) != 0) {
			ff_diag(err, "cannot write to the directory '%s': %s", dir, strerror(errno));
			return -1;
		}
	} else if (!S_ISDIR(st.st_mode)) {
		ff_diag(err, "cannot write to the directory '%s': %s", dir, strerror(ENOTDIR));
		return -1;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		ff_diag(err, "cannot write to the directory '%s': %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* One table rendered to DIR/NAME.EXT through a temporary file. */
static int write_one(const char *dir, const char *name, const ff_report *one, const ff_render_opts *o, char sep,
		     FILE *err)
{
	const char *ext = sep == '\t' ? "tsv" : "csv";
	size_t dn = strlen(dir);
	const char *slash = dn && dir[dn - 1] == '/' ? "" : "/";
	size_t len = dn + strlen(name) + 32;
	char *path = malloc(len), *tmp = malloc(len);
	if (!path || !tmp) {
		free(path), free(tmp);
		ff_diag(err, "out of memory");
		return -1;
	}
	snprintf(path, len, "%s%s%s.%s", dir, slash, name, ext);
	snprintf(tmp, len, "%s%s.footfall-XXXXXX", dir, slash);
	int fd = mkstemp(tmp);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		ff_diag(err, "cannot write '%s': %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(path), free(tmp);
		return -1;
	}
	mode_t mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
	ff_render_csv(f, one, o, sep);
	int failed = fflush(f) != 0 || ferror(f);
	int saved = errno;
	if (fclose(f) != 0 && !failed)
		failed = 1, saved = errno;
	if (!failed && rename(tmp, path) != 0)
		failed = 1, saved = errno;
	if (failed) {
		ff_diag(err, "cannot write '%s': %s", path, strerror(saved));
		unlink(tmp);
	}
	free(path), free(tmp);
	return failed ? -1 : 0;
}

/* Report names come from footfall's own list; this keeps a name that
 * could leave the directory from ever being one. */
static bool safe_name(const char *name)
{
	return name && name[0] && name[0] != '.' && !strchr(name, '/');
}

int ff_outdir_write(const char *dir, const ff_report *r, const ff_render_opts *o, char sep, FILE *err)
{
	if (r->with_summary) {
		ff_report one = { .with_summary = true, .summary = r->summary };
		const char *name = r->summary.name ? r->summary.name : "summary";
		if (!safe_name(name) || write_one(dir, name, &one, o, sep, err) != 0)
			return -1;
	}
	for (size_t i = 0; i < r->n_tables; i++) {
		ff_report one = { .tables = &r->tables[i], .n_tables = 1 };
		if (!safe_name(r->tables[i].name) || write_one(dir, r->tables[i].name, &one, o, sep, err) != 0)
			return -1;
	}
	return 0;
}
