/* jsonw.c — placeholder */
