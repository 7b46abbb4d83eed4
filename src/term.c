/* term.c — the output's terminal facts for the text renderer (SPEC §9):
 * width from the terminal, the locale's character set, TERM and NO_COLOR.
 * run.c turns them into render options; --width and --wide override. */
#include "term.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "str.h"

enum { DEFAULT_WIDTH = 80, MAX_WIDTH = 100000 };

/* The locale's character set is looked at and the C locale put back:
 * the rest of footfall compares and folds bytes, and must not depend on
 * the user's locale. */
static bool locale_is_utf8(void)
{
	bool utf8 = false;
	if (setlocale(LC_CTYPE, "")) {
		const char *cs = nl_langinfo(CODESET);
		utf8 = cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
	}
	setlocale(LC_CTYPE, "C");
	return utf8;
}

void ff_term_probe(int fd, ff_term *t)
{
	const char *term = getenv("TERM");
	const char *no_color = getenv("NO_COLOR");
	bool dumb = term && strcmp(term, "dumb") == 0;

	t->tty = fd >= 0 && isatty(fd);
	t->width = 0;
	if (t->tty) {
		struct winsize ws;
		uint64_t cols;
		const char *env = getenv("COLUMNS");
		if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
			t->width = ws.ws_col;
		else if (env && ff_sv_to_u64(ff_sv_cstr(env), MAX_WIDTH, &cols) && cols > 0)
			t->width = (unsigned)cols;
		else
			t->width = DEFAULT_WIDTH;
	}
	t->ascii = dumb || !locale_is_utf8();
	t->color = t->tty && !t->ascii && !(no_color && *no_color);
}
