/* logformat.c — placeholder */
