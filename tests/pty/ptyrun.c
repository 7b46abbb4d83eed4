/* ptyrun.c — runs a command with its standard output on a pseudo-terminal
 * of a given width, and copies what it writes to our standard output byte
 * for byte (no CR added: output post-processing is off).  Standard input
 * and error stay as they are, so a test sees the terminal report alone.
 *
 *   ptyrun COLUMNS COMMAND [ARG...]      exit status: the command's */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: ptyrun COLUMNS COMMAND [ARG...]\n");
		return 2;
	}
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
		perror("ptyrun: posix_openpt");
		return 2;
	}
	const char *name = ptsname(master);
	int slave = name ? open(name, O_RDWR | O_NOCTTY) : -1;
	if (slave < 0) {
		perror("ptyrun: open the terminal");
		return 2;
	}
	struct winsize ws = { .ws_row = 50, .ws_col = (unsigned short)atoi(argv[1]) };
	struct termios tio;
	if (ioctl(slave, TIOCSWINSZ, &ws) != 0 || tcgetattr(slave, &tio) != 0) {
		perror("ptyrun: set the terminal");
		return 2;
	}
	tio.c_oflag &= ~(tcflag_t)OPOST;
	tio.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(slave, TCSANOW, &tio);

	pid_t pid = fork();
	if (pid < 0) {
		perror("ptyrun: fork");
		return 2;
	}
	if (pid == 0) {
		close(master);
		setsid();
		dup2(slave, STDOUT_FILENO);
		close(slave);
		execvp(argv[2], argv + 2);
		perror("ptyrun: exec");
		_exit(127);
	}
	close(slave);
	char buf[8192];
	for (;;) {
		ssize_t n = read(master, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* EIO: the last writer closed the terminal */
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return 2;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 2;
	if (fflush(stdout) != 0)
		return 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
