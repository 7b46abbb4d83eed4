/* fftime.c — placeholder */
