/* records.h — placeholder */
