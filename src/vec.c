/* vec.c — the one growable array behind the analysis stage's per-key
 * counters. */
#include "vec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *ff_vec_grow(struct vec *v, size_t i, size_t elem)
{
	if (i >= v->cap) {
		size_t cap = v->cap ? v->cap : 64;
		while (cap <= i)
			cap *= 2;
		if (cap > SIZE_MAX / elem)
			return NULL;
		char *p = realloc(v->p, cap * elem);
		if (!p)
			return NULL;
		memset(p + v->cap * elem, 0, (cap - v->cap) * elem);
		v->p = p;
		v->cap = cap;
	}
	return (char *)v->p + i * elem;
}

void ff_vec_free(struct vec *v)
{
	free(v->p);
	v->p = NULL;
	v->cap = 0;
}
