/* render.h — placeholder */
