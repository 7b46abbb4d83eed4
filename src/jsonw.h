/* jsonw.h — placeholder */
