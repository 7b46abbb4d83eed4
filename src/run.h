/* run.h — placeholder */
