/* useragent.c — placeholder */
