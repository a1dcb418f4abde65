/* src_texts: what rows show of their sources, per source index — the Server column's names and
 * the Log column's logs (a server's, or a saved log's channels named by its rows' log_ix). The
 * window's view borrows the window's own (rowview.c); a job (a sort or find, an export) holds
 * copies, so the window may change or free its own meanwhile (a saved log's channels grow as its
 * rows arrive; a new sweep frees the targets). */
#ifndef SRCTEXTS_H
#define SRCTEXTS_H

#include <windows.h>
#include <stdint.h>

#include "es_view.h"

typedef struct src_texts {
    char     **names;    /* UTF-8, as the Server column shows them */
    char     **logs;     /* a server's log, UTF-8; NULL: a saved log */
    char    ***flogs;    /* a saved log's channels, by its rows' log_ix - 1 */
    uint8_t   *nflogs;
    size_t     n;        /* entries set */
} src_texts;

BOOL src_texts_alloc(src_texts *s, size_t n);   /* room for n entries, none set; FALSE: out of memory */
/* Entry i (below what was allocated, set in order) takes copies of name, log (NULL: none) and
 * the channels; FALSE when out of memory (what was copied is freed with the rest). */
BOOL src_texts_set(src_texts *s, size_t i, const char *name, const char *log, char *const *flogs, uint8_t nflogs);
void src_texts_free(src_texts *s, BOOL deep);   /* deep: the strings too (a job's copies) */
/* A view context of them (names and logs; no ranks, no time text): es_view_log reads a row's Log. */
es_view_ctx src_texts_ctx(const src_texts *s);

#endif
