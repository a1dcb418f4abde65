/* Growable buffer and block arena (see es_buf.h). */
#include "es_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void es_buf_init(es_buf *b) { memset(b, 0, sizeof *b); }

void es_buf_free(es_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void es_buf_clear(es_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

int es_buf_reserve(es_buf *b, size_t extra)
{
    if (b->failed)
        return 0;
    if (extra > SIZE_MAX / 2 - b->len - 1) {
        b->failed = 1;
        return 0;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

int es_buf_append(es_buf *b, const void *p, size_t n)
{
    if (!es_buf_reserve(b, n))
        return 0;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 1;
}

int es_buf_puts(es_buf *b, const char *s) { return es_buf_append(b, s, strlen(s)); }

int es_buf_putc(es_buf *b, char c) { return es_buf_append(b, &c, 1); }

int es_buf_printf(es_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return 0;
    if ((size_t)n < sizeof small)
        return es_buf_append(b, small, (size_t)n);
    if (!es_buf_reserve(b, (size_t)n))
        return 0;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 1;
}

int es_grow(void *items_ptr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    size_t nc = *cap ? *cap : 8;
    while (nc < need) {
        if (nc > SIZE_MAX / 2 / (size ? size : 1))
            return 0;
        nc *= 2;
    }
    void *old;
    memcpy(&old, items_ptr, sizeof old);
    void *n = realloc(old, nc * size);
    if (!n)
        return 0;
    memcpy(items_ptr, &n, sizeof n);
    *cap = nc;
    return 1;
}

/* ---- arena ---- */

struct es_arena_block {
    es_arena_block *next;
    size_t          size;   /* usable bytes after the header */
    size_t          used;
    /* data follows, aligned to max_align_t */
};

#define BLOCK_HDR ((sizeof(es_arena_block) + 15) & ~(size_t)15)
#define BLOCK_MIN (64 * 1024 - BLOCK_HDR)
#define BLOCK_SMALL (4 * 1024 - BLOCK_HDR)
#define LARGE_MIN 1024   /* allocations above this may get a block of their own */
#define ROOM_KEEP 256    /* ... when the current block has this much left */

void es_arena_init(es_arena *a) { memset(a, 0, sizeof *a); }

void es_arena_free(es_arena *a)
{
    es_arena_block *b = a->head;
    while (b) {
        es_arena_block *next = b->next;
        free(b);
        b = next;
    }
    size_t max = a->block_max;
    memset(a, 0, sizeof *a);
    a->block_max = max;
}

void *es_arena_alloc(es_arena *a, size_t n, size_t align)
{
    if (align == 0 || (align & (align - 1)) || align > 16)
        align = 16;
    es_arena_block *b = a->head;
    if (b) {
        size_t off = (b->used + align - 1) & ~(align - 1);
        if (off <= b->size && n <= b->size - off) {
            b->used = off + n;
            return (char *)b + BLOCK_HDR + off;
        }
    }
    if (n > SIZE_MAX / 2)
        return NULL;
    /* Blocks grow with the arena, from 4 KiB to 64 KiB (or block_max): a small batch (a slow
     * source sends a few rows at a time, and the row store keeps the batch's blocks) wastes
     * little. */
    size_t max = a->block_max > BLOCK_MIN ? a->block_max - BLOCK_HDR : BLOCK_MIN;
    size_t want = a->bytes < BLOCK_SMALL ? BLOCK_SMALL : a->bytes < max ? a->bytes : max;
    /* A large allocation that does not fit in what the current block has left (still a fair
     * amount) gets a block of its own, behind the current one, which goes on filling: a new
     * block would leave the rest of the current one empty for good, on average half such an
     * allocation (long messages among short ones wasted some 10 bytes a row). */
    size_t room = a->head ? a->head->size - (a->head->used < a->head->size ? a->head->used : a->head->size) : 0;
    int own = a->head && (n > max || (n > LARGE_MIN && room >= ROOM_KEEP));
    size_t size = own || n > want ? n : want;
    b = malloc(BLOCK_HDR + size);
    if (!b)
        return NULL;
    b->size = size;
    b->used = n;
    if (own) {
        b->next = a->head->next;
        a->head->next = b;
    } else {
        b->next = a->head;
        a->head = b;
    }
    a->bytes += BLOCK_HDR + size;
    return (char *)b + BLOCK_HDR;
}

char *es_arena_strndup(es_arena *a, const char *s, size_t n)
{
    char *p = es_arena_alloc(a, n + 1, 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *es_arena_strdup(es_arena *a, const char *s)
{
    return s ? es_arena_strndup(a, s, strlen(s)) : NULL;
}

void es_arena_adopt(es_arena *dst, es_arena *src)
{
    if (!src->head)
        return;
    es_arena_block *last = src->head;
    while (last->next)
        last = last->next;
    /* Put src's blocks behind dst's head so dst keeps filling its current block. */
    if (dst->head) {
        last->next = dst->head->next;
        dst->head->next = src->head;
    } else {
        dst->head = src->head;
    }
    dst->bytes += src->bytes;
    src->head = NULL;
    src->bytes = 0;
}

char *es_arena_last(const es_arena *a, size_t *used, size_t *size)
{
    if (!a->head) {
        *used = *size = 0;
        return NULL;
    }
    *used = a->head->used;
    *size = a->head->size;
    return (char *)a->head + BLOCK_HDR;
}

void es_arena_drop_last(es_arena *a)
{
    es_arena_block *b = a->head;
    if (!b)
        return;
    a->head = b->next;
    a->bytes -= BLOCK_HDR + b->size;
    free(b);
}
