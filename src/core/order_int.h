/* What order.c (the columns, the comparison, the sort) and order_rank.c (text columns ranked by
 * their distinct texts) share: the folded text comparison, a column's text, cancelling, and the
 * one radix pass both sort with. Portable core, private to those two files. */
#ifndef ORDER_INT_H
#define ORDER_INT_H

#include "es_view.h"

#include "es_utf.h"

#include <stdatomic.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline unsigned char fold(unsigned char ch) { return ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch + 32) : ch; }

/* Texts compared as the list sorts them: ASCII letters folded to lower case, bytes unsigned. */
static inline int text_cmp(const char *a, const char *b) { return es_ascii_icmp(a, b); }

/* A text column's text for a row (never NULL); NULL for the other columns. */
static inline const char *col_text(const es_row *r, es_col col, const es_view_ctx *c)
{
    switch (col) {
    case ES_COL_LOG: return es_view_log(c, r);
    case ES_COL_SOURCE: return r->provider;
    case ES_COL_TASK: return r->task_text;
    case ES_COL_COMPUTER: return r->computer;
    case ES_COL_MESSAGE: return r->message;
    default: return NULL;
    }
}

#define CANCEL_EVERY 65536   /* rows between two looks at the cancel flag */

static inline int cancelled(atomic_int *cancel) { return cancel && atomic_load_explicit(cancel, memory_order_relaxed); }

/* ORDER_RADIX(NAME, T) defines static int NAME(T **a, T **tmp, size_t n, atomic_int *cancel): a
 * stable LSD radix sort of a[0, n) by the elements' uint64_t `key`, using tmp; the result ends in
 * *a (the pointers may be swapped). Bytes that every key shares are skipped. 0 when cancelled
 * (cancel may be NULL). A macro, not a function over element sizes: each element type gets its
 * own loop, with the element copied whole at a size the compiler knows. */
#define ORDER_RADIX(NAME, T)                                                                                           \
    static int NAME(T **a, T **tmp, size_t n, atomic_int *cancel)                                                      \
    {                                                                                                                  \
        uint64_t all_or = 0, all_and = ~0ull;                                                                          \
        for (size_t i = 0; i < n; i++) {                                                                               \
            all_or |= (*a)[i].key;                                                                                     \
            all_and &= (*a)[i].key;                                                                                    \
        }                                                                                                              \
        uint64_t varies = all_or ^ all_and;                                                                            \
        size_t count[256];                                                                                             \
        for (int shift = 0; shift < 64; shift += 8) {                                                                  \
            if (((varies >> shift) & 0xff) == 0)                                                                       \
                continue;                                                                                              \
            if (cancelled(cancel))                                                                                     \
                return 0;                                                                                              \
            memset(count, 0, sizeof count);                                                                            \
            T *src = *a, *dst = *tmp;                                                                                  \
            for (size_t i = 0; i < n; i++)                                                                             \
                count[(src[i].key >> shift) & 0xff]++;                                                                 \
            size_t sum = 0;                                                                                            \
            for (int b = 0; b < 256; b++) {                                                                            \
                size_t t = count[b];                                                                                   \
                count[b] = sum;                                                                                        \
                sum += t;                                                                                              \
            }                                                                                                          \
            for (size_t i = 0; i < n; i++)                                                                             \
                dst[count[(src[i].key >> shift) & 0xff]++] = src[i];                                                   \
            *tmp = src;                                                                                                \
            *a = dst;                                                                                                  \
        }                                                                                                              \
        return 1;                                                                                                      \
    }

/* order_rank.c: each of rows [first, first + n) gets its text's exact rank as its key (malloc'ed,
 * n entries), or NULL (too many distinct texts, out of memory, cancelled): the caller then sorts
 * by 8-byte prefixes. text_ranks: columns whose rows share a few strings (Source, Task,
 * Computer, Log); message_ranks: Message. */
uint64_t *order_text_ranks(const es_rowstore *s, size_t first, size_t n, es_col col, const es_view_ctx *c);
uint64_t *order_message_ranks(const es_rowstore *s, size_t first, size_t n, atomic_int *cancel);

#endif
