/* options.h — placeholder */
