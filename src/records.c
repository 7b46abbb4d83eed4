/* records.c — placeholder */
