/* malloc, free, calloc and realloc in place of musl's mallocng (8 KB of the aarch64 binary):
 * nestbox has no threads (the link wraps pthread_create) and allocates little, but the boot
 * mode's PID 1 runs for months, so every freed chunk is reused. Chunks are powers of two from
 * 32 bytes to 128 KiB, carved from 256 KiB mappings and kept on one free list per size; a
 * larger request is a mapping of its own, unmapped by free. Each chunk starts with a 16-byte
 * header (size, state), which keeps payloads 16-byte aligned as C11 7.22.3 asks of
 * max_align_t; free or realloc of a chunk that is not in use (a double free, a wild pointer)
 * aborts, as mallocng does. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "nb_malloc.h"

#define MIN_SHIFT   5		      /* 32-byte chunks: the header and 16 bytes */
#define MAX_SHIFT   17		      /* 128 KiB: larger is a mapping of its own */
#define ARENA_SIZE  (256 * 1024)      /* what one mmap gives the small chunks */
#define CHUNK_USED  0x6e62757365u     /* "nbuse" */
#define CHUNK_FREE  0x6e62667265u     /* "nbfre" */
#define MAX_REQUEST (PTRDIFF_MAX / 2) /* beyond it, the rounding below would overflow */

struct chunk {
	size_t size;	/* the whole chunk: a power of two, or the length of its own mapping */
	uint64_t state; /* CHUNK_USED or CHUNK_FREE */
} __attribute__((aligned(16)));

static struct chunk *free_lists[MAX_SHIFT + 1]; /* next pointer in the payload */
static char *arena_next, *arena_end;

static struct chunk **next_of(struct chunk *c)
{
	return (struct chunk **)(c + 1);
}

static void push_free(struct chunk *c, unsigned shift)
{
	c->size = (size_t)1 << shift;
	c->state = CHUNK_FREE;
	*next_of(c) = free_lists[shift];
	free_lists[shift] = c;
}

static void *map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* A chunk of 1 << shift bytes: the free list's first, else the arena's next; a new arena when
 * this one is short, its rest given to the free lists first (nothing is left unused). */
static struct chunk *small_chunk(unsigned shift)
{
	size_t len = (size_t)1 << shift;
	struct chunk *c = free_lists[shift];

	if (c) {
		free_lists[shift] = *next_of(c);
		return c;
	}
	if ((size_t)(arena_end - arena_next) < len) {
		char *a = map(ARENA_SIZE);

		if (!a)
			return NULL;
		for (unsigned s = MAX_SHIFT; s >= MIN_SHIFT; s--)
			while ((size_t)(arena_end - arena_next) >= (size_t)1 << s) {
				push_free((struct chunk *)arena_next, s);
				arena_next += (size_t)1 << s;
			}
		arena_next = a;
		arena_end = a + ARENA_SIZE;
	}
	c = (struct chunk *)arena_next;
	c->size = len;
	arena_next += len;
	return c;
}

void *nb_malloc(size_t n)
{
	size_t need = n + sizeof(struct chunk);
	unsigned shift = MIN_SHIFT;
	struct chunk *c;

	if (n > MAX_REQUEST) {
		errno = ENOMEM;
		return NULL;
	}
	while (shift <= MAX_SHIFT && ((size_t)1 << shift) < need)
		shift++;
	if (shift <= MAX_SHIFT) {
		c = small_chunk(shift);
	} else { /* mmap(2) rounds the length up to pages, and munmap(2) the same length */
		c = map(need);
		if (c)
			c->size = need;
	}
	if (!c) {
		errno = ENOMEM;
		return NULL;
	}
	c->state = CHUNK_USED;
	return c + 1;
}

/* The header of an allocated p; abort(3) when p is not in use (freed twice, or not ours). */
static struct chunk *used_chunk(void *p)
{
	struct chunk *c = (struct chunk *)p - 1;

	if (c->state != CHUNK_USED)
		abort();
	return c;
}

void nb_free(void *p)
{
	struct chunk *c;
	unsigned shift = MIN_SHIFT;

	if (!p)
		return;
	c = used_chunk(p);
	if (c->size > (size_t)1 << MAX_SHIFT) {
		c->state = CHUNK_FREE;
		munmap(c, c->size);
		return;
	}
	while (((size_t)1 << shift) < c->size)
		shift++;
	push_free(c, shift);
}

void *nb_calloc(size_t count, size_t n)
{
	void *p;

	if (n && count > SIZE_MAX / n) {
		errno = ENOMEM;
		return NULL;
	}
	p = nb_malloc(count * n);
	if (p)
		memset(p, 0, count * n);
	return p;
}

/* In place while the chunk holds n bytes (a shrink keeps its chunk: freed, it is reused);
 * else a new chunk, the old contents copied, the old chunk freed. */
void *nb_realloc(void *p, size_t n)
{
	size_t have;
	void *q;

	if (!p)
		return nb_malloc(n);
	have = used_chunk(p)->size - sizeof(struct chunk);
	if (n <= have)
		return p;
	q = nb_malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, have);
	nb_free(p);
	return q;
}

#ifndef NB_UNIT_TEST
void *malloc(size_t n) __attribute__((alias("nb_malloc")));
void free(void *p) __attribute__((alias("nb_free")));
void *calloc(size_t count, size_t n) __attribute__((alias("nb_calloc")));
void *realloc(void *p, size_t n) __attribute__((alias("nb_realloc")));
#endif
