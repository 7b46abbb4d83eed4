/* yamltree.c — placeholder */
