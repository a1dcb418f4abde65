/* es_buf: a growable byte buffer, and es_arena: a bump allocator whose blocks never move.
 *
 * Portable core: no windows.h. Out of memory is reported to the caller (functions return 0),
 * never hidden: a buffer that failed to grow keeps what it had and sets `failed`. */
#ifndef ES_BUF_H
#define ES_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct es_buf {
    char  *data;
    size_t len;
    size_t cap;
    int    failed;      /* sticky: an append could not allocate */
} es_buf;

void es_buf_init(es_buf *b);
void es_buf_free(es_buf *b);
void es_buf_clear(es_buf *b);                 /* len = 0, keeps the memory */
int  es_buf_reserve(es_buf *b, size_t extra); /* room for `extra` more bytes (+ NUL) */
int  es_buf_append(es_buf *b, const void *p, size_t n);
int  es_buf_puts(es_buf *b, const char *s);
int  es_buf_putc(es_buf *b, char c);
int  es_buf_printf(es_buf *b, const char *fmt, ...)
#if defined(__MINGW32__)
    __attribute__((format(gnu_printf, 2, 3)))   /* built with __USE_MINGW_ANSI_STDIO=1 */
#elif defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* data is always NUL-terminated after a successful append (the NUL is not counted in len). */

/* Makes room for at least `need` items of `size` bytes in the array *items_ptr points at, whose
 * capacity is *cap (doubled as it grows, so n appends cost O(n)). Returns 0, changing nothing,
 * when out of memory or when the size would overflow. */
int es_grow(void *items_ptr, size_t *cap, size_t need, size_t size);

/* An arena hands out memory that stays where it is until the arena is freed; blocks can be
 * moved whole from one arena to another (a worker's batch gives its strings to the row store
 * without copying them). */
typedef struct es_arena_block es_arena_block;
typedef struct es_arena {
    es_arena_block *head;   /* newest block first */
    size_t          bytes;  /* total bytes held in blocks (with their headers) */
    size_t          block_max;  /* blocks grow up to this (0: 64 KiB) */
} es_arena;

void  es_arena_init(es_arena *a);
void  es_arena_free(es_arena *a);
void *es_arena_alloc(es_arena *a, size_t n, size_t align);
char *es_arena_strdup(es_arena *a, const char *s);            /* NULL in -> NULL out */
char *es_arena_strndup(es_arena *a, const char *s, size_t n); /* copies n bytes, adds NUL */
void  es_arena_adopt(es_arena *dst, es_arena *src);           /* src is left empty */
/* The newest block (the one being filled, often partly empty): its first byte and the bytes in
 * use (*used; NULL and 0 when the arena is empty), and its capacity (*size). */
char *es_arena_last(const es_arena *a, size_t *used, size_t *size);
void  es_arena_drop_last(es_arena *a);   /* frees the newest block: what it held is gone */

#endif
