/* summary.h — placeholder */
