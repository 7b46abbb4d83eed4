/* diag.h — placeholder */
