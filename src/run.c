/* run.c — placeholder */
