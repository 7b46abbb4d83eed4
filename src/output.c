/* output.c — the last stage: a rendered report to standard output or to a
 * file that is replaced in one step (see output.h).  The only code that
 * creates, renames or removes files, and the only signal handler: it
 * removes the temporary file of an interrupted run. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"

/* As many symlinks as Linux follows in one path (its ELOOP limit). */
#define MAX_LINKS 40

struct ff_output {
	FILE *f;
	char *path;     /* as given, for messages; NULL for standard output */
	char *target;   /* path with its symlinks followed */
	bool direct;    /* a device or a pipe, written in place */
	bool temporary; /* written to tmp_path, renamed at commit */
	bool had_target;
	struct stat old; /* the file replaced, when had_target */
};

/* The temporary file, for the signal handler: a static buffer and a flag
 * are all an async-signal-safe handler may read. */
static char tmp_path[4096 + sizeof "/.footfall-XXXXXX"];
static volatile sig_atomic_t tmp_armed;
static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction saved_actions[3];

static void on_fatal_signal(int sig)
{
	int saved = errno;
	if (tmp_armed)
		(void)unlink(tmp_path);
	errno = saved;
	/* SA_RESETHAND made the action the default again: die of sig, so
	 * the parent sees how the run ended. */
	(void)raise(sig);
}

/* Blocks (or unblocks) the three signals, so the temporary file is never
 * there without the handler knowing it. */
static void block_fatal(bool block, sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < 3; i++)
		sigaddset(&set, fatal_signals[i]);
	pthread_sigmask(block ? SIG_BLOCK : SIG_SETMASK, block ? &set : old, block ? old : NULL);
}

/* A signal the parent ignores (nohup) stays ignored. */
static void arm_handlers(void)
{
	for (size_t i = 0; i < 3; i++) {
		struct sigaction sa = { .sa_handler = on_fatal_signal, .sa_flags = SA_RESETHAND };
		sigemptyset(&sa.sa_mask);
		sigaction(fatal_signals[i], NULL, &saved_actions[i]);
		if (saved_actions[i].sa_handler != SIG_IGN)
			sigaction(fatal_signals[i], &sa, NULL);
	}
}

static void disarm_handlers(void)
{
	tmp_armed = 0;
	for (size_t i = 0; i < 3; i++)
		sigaction(fatal_signals[i], &saved_actions[i], NULL);
}

/* The directory part of p: "." when there is none. */
static char *dir_of(const char *p)
{
	const char *slash = strrchr(p, '/');
	if (!slash)
		return strdup(".");
	while (slash > p && slash[-1] == '/')
		slash--;
	return slash == p ? strdup("/") : strndup(p, (size_t)(slash - p));
}

/* path with every symlink followed, even a dangling one (its target is
 * the file to create).  NULL with errno set. */
static char *follow_links(const char *path)
{
	char *cur = strdup(path);
	for (int hops = 0; cur; hops++) {
		struct stat st;
		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
			return cur;
		char link[4096];
		ssize_t n = hops < MAX_LINKS ? readlink(cur, link, sizeof link - 1) : -1;
		if (hops >= MAX_LINKS)
			errno = ELOOP;
		if (n < 0) {
			free(cur);
			return NULL;
		}
		link[n] = 0;
		char *next = NULL;
		if (link[0] == '/') {
			next = strdup(link);
		} else {
			char *dir = dir_of(cur);
			size_t len = dir ? strlen(dir) + 1 + (size_t)n + 1 : 0;
			if (dir && (next = malloc(len)))
				snprintf(next, len, "%s/%s", dir, link);
			free(dir);
		}
		free(cur);
		cur = next;
	}
	errno = ENOMEM;
	return NULL;
}

/* A name from outside made safe for a message. */
static const char *shown(const char *s, char *buf, size_t bufsz)
{
	return ff_visible(ff_sv_cstr(s), bufsz, buf, bufsz);
}

static void say_cannot(FILE *err, const char *path, const char *why)
{
	char name[1024];
	ff_diag(err, "cannot write '%s': %s", shown(path, name, sizeof name), why);
}

static void output_free(ff_output *out)
{
	free(out->path);
	free(out->target);
	free(out);
}

/* The temporary file in the target's directory, created 0600: nobody
 * reads a report before it is complete. */
static int open_temporary(ff_output *out, FILE *err)
{
	char *dir = dir_of(out->target);
	if (!dir) {
		ff_diag(err, "out of memory");
		return -1;
	}
	if (strlen(dir) + sizeof "/.footfall-XXXXXX" > sizeof tmp_path) {
		say_cannot(err, out->path, strerror(ENAMETOOLONG));
		free(dir);
		return -1;
	}
	sigset_t old;
	block_fatal(true, &old);
	snprintf(tmp_path, sizeof tmp_path, "%s/.footfall-XXXXXX", dir);
	int fd = mkstemp(tmp_path);
	int saved = errno;
	if (fd >= 0) {
		arm_handlers();
		tmp_armed = 1;
	}
	block_fatal(false, &old);
	if (fd < 0) {
		/* say which directory refused it: the report goes there
		 * first */
		char name[1024], dname[1024], why[2200];
		snprintf(why, sizeof why, "cannot create a file in '%s': %s", shown(dir, dname, sizeof dname),
			 strerror(saved));
		ff_diag(err, "cannot write '%s': %s", shown(out->path, name, sizeof name), why);
		free(dir);
		return -1;
	}
	free(dir);
	if (!(out->f = fdopen(fd, "w"))) {
		say_cannot(err, out->path, strerror(errno));
		close(fd);
		unlink(tmp_path);
		disarm_handlers();
		return -1;
	}
	out->temporary = true;
	return 0;
}

ff_output *ff_output_open(const char *path, FILE *err)
{
	ff_output *out = calloc(1, sizeof *out);
	if (!out) {
		ff_diag(err, "out of memory");
		return NULL;
	}
	if (!path) {
		out->f = stdout;
		return out;
	}
	if (!(out->path = strdup(path))) {
		ff_diag(err, "out of memory");
		output_free(out);
		return NULL;
	}
	if (!(out->target = follow_links(path))) {
		say_cannot(err, path, strerror(errno));
		output_free(out);
		return NULL;
	}
	if (stat(out->target, &out->old) == 0) {
		if (!S_ISREG(out->old.st_mode)) {
			if (!(out->f = fopen(out->target, "w"))) {
				say_cannot(err, path, strerror(errno));
				output_free(out);
				return NULL;
			}
			out->direct = true;
			return out;
		}
		out->had_target = true;
	}
	if (open_temporary(out, err) != 0) {
		output_free(out);
		return NULL;
	}
	return out;
}

FILE *ff_output_stream(const ff_output *out)
{
	return out->f;
}

bool ff_output_is_terminal(const ff_output *out)
{
	return !out->path && isatty(fileno(out->f));
}

/* The owner, group and mode the new file takes: the old file's where
 * footfall may set them (set-user and set-group-ID bits only with the
 * old owner and group, as cp -p does), else a new file's. */
static int set_attributes(const ff_output *out, int fd)
{
	mode_t mode;
	if (out->had_target) {
		mode = out->old.st_mode & 07777;
		bool ids_kept = true;
		if (out->old.st_uid != geteuid() || out->old.st_gid != getegid()) {
			if (fchown(fd, out->old.st_uid, out->old.st_gid) != 0) {
				ids_kept = false;
				/* the group alone, when footfall belongs to it */
				(void)fchown(fd, (uid_t)-1, out->old.st_gid);
			}
		}
		if (!ids_kept)
			mode &= (mode_t) ~(S_ISUID | S_ISGID);
	} else {
		mode_t mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	}
	return fchmod(fd, mode);
}

/* Makes the rename itself survive a crash. */
static void sync_directory(const char *target)
{
	char *dir = dir_of(target);
	int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		(void)fsync(fd); /* the report is in place whatever it says */
		close(fd);
	}
	free(dir);
}

int ff_output_commit(ff_output *out, FILE *err)
{
	int failed = fflush(out->f) != 0 || ferror(out->f);
	int saved = errno;
	if (!out->path) {
		if (failed)
			ff_diag(err, "error writing standard output: %s", strerror(saved));
		output_free(out);
		return failed ? -1 : 0;
	}
	int fd = fileno(out->f);
	if (out->temporary && !failed && (set_attributes(out, fd) != 0 || fsync(fd) != 0))
		failed = 1, saved = errno;
	if (fclose(out->f) != 0 && !failed)
		failed = 1, saved = errno;
	out->f = NULL;
	if (out->temporary) {
		if (!failed && rename(tmp_path, out->target) != 0)
			failed = 1, saved = errno;
		if (failed)
			unlink(tmp_path);
		disarm_handlers();
		if (!failed)
			sync_directory(out->target);
	}
	if (failed)
		say_cannot(err, out->path, strerror(saved));
	output_free(out);
	return failed ? -1 : 0;
}

void ff_output_abort(ff_output *out)
{
	if (!out)
		return;
	if (out->f && out->path)
		fclose(out->f);
	if (out->temporary) {
		unlink(tmp_path);
		disarm_handlers();
	}
	output_free(out);
}

int ff_output_check_inputs(const char *path, char *const *inputs, size_t n, FILE *err)
{
	struct stat out, in;
	/* only a regular file is replaced: -o /dev/stdout may well be the
	 * terminal standard input reads from */
	if (stat(path, &out) != 0 || !S_ISREG(out.st_mode))
		return 0;
	for (size_t i = 0; i < n; i++) {
		bool is_stdin = strcmp(inputs[i], "-") == 0;
		if ((is_stdin ? fstat(0, &in) : stat(inputs[i], &in)) != 0)
			continue;
		if (in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
			char name[1024], input[1024];
			ff_diag(err, "cannot write '%s': it is the input '%s' (give -o another file)",
				shown(path, name, sizeof name),
				is_stdin ? "(standard input)" : shown(inputs[i], input, sizeof input));
			return -1;
		}
	}
	return 0;
}
