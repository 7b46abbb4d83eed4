/* summary.c — placeholder */
