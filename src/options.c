/* options.c — placeholder */
