/* parse.c — placeholder */
