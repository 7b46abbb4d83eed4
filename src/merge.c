/* merge.c — placeholder */
