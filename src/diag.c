/* diag.c — placeholder */
