/* merge.h — placeholder */
