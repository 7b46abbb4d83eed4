/* input.c — placeholder */
