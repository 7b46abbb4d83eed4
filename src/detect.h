/* detect.h — placeholder */
