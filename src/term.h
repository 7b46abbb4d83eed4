/* term.h — what the text report may do on the file it is written to:
 * how wide it is, whether it takes colour and UTF-8.  Reads the
 * environment and the terminal, never changes them. */
#ifndef FF_TERM_H
#define FF_TERM_H

#include <stdbool.h>

typedef struct ff_term {
	bool tty;       /* the output is a terminal */
	unsigned width; /* its columns (TIOCGWINSZ, else $COLUMNS, else 80);
			   0 when the output is not a terminal */
	bool ascii;     /* bars and ellipses in ASCII: the locale's character
			   set is not UTF-8, or TERM=dumb */
	bool color;     /* a terminal, not dumb, UTF-8, and no NO_COLOR */
} ff_term;

/* fd -1: not a terminal (a file being written). */
void ff_term_probe(int fd, ff_term *t);

#endif
