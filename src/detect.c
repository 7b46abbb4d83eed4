/* detect.c — placeholder */
