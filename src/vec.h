/* vec.h — a growable array of fixed-size elements indexed by dense ids
 * (interned keys), zero-filled as it grows.  Owns its memory; pointers into
 * it are valid until the next ff_vec_at that grows it. */
#ifndef FF_VEC_H
#define FF_VEC_H

#include <stddef.h>

struct vec {
	void *p;
	size_t cap; /* elements */
};

/* Grows v to hold element i (the slow path of ff_vec_at). */
void *ff_vec_grow(struct vec *v, size_t i, size_t elem);

/* Element i of v, growing v (zero-filled, doubling) as needed; NULL when
 * out of memory.  Inline: the analysis calls it a dozen times a line. */
static inline void *ff_vec_at(struct vec *v, size_t i, size_t elem)
{
	if (i < v->cap)
		return (char *)v->p + i * elem;
	return ff_vec_grow(v, i, elem);
}

/* Element i when v holds it, else NULL; never grows. */
static inline void *ff_vec_get(const struct vec *v, size_t i, size_t elem)
{
	return i < v->cap ? (char *)v->p + i * elem : NULL;
}

void ff_vec_free(struct vec *v);

#endif
