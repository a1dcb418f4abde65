/* es_row, es_batch, es_rowstore: how events are carried and kept.
 *
 * A worker thread fills an es_batch (rows plus the arena their strings live in) and hands the
 * whole batch to the UI thread; the UI thread gives it to the row store, which takes its rows
 * and its arena. Ownership moves with the pointer and is never shared.
 *
 * The row store is append-only while a sweep runs: rows never move once appended (they sit in
 * fixed blocks reached through a fixed-size block table), so a reader that was told "there are
 * n rows" (an export thread) can read rows [first, n) while the UI thread appends more. A reader
 * holds a reference, so the store outlives it; rows are freed only with the last reference, or
 * evicted by whole blocks, oldest first, when nobody but the owner holds one (live follow keeps
 * its memory bounded that way: es_rowstore_evict).
 *
 * Portable core: no windows.h. */
#ifndef ES_ROW_H
#define ES_ROW_H

#include "es_buf.h"
#include "es_event.h"

#include <stddef.h>
#include <stdint.h>

typedef struct es_row {
    uint64_t    time_created;  /* FILETIME ticks, UTC */
    uint64_t    received;      /* FILETIME ticks, UTC: when the row reached EventSweep */
    uint64_t    record_id;
    uint32_t    event_id;      /* without qualifiers */
    uint32_t    source;        /* index of the source (server or file) in the sweep */
    uint32_t    msg_len;       /* strlen(message) (in the padding: the row stays 80 bytes); 0 may
                                  also mean "not counted" for a row made by hand */
    uint16_t    task;
    uint8_t     level;
    uint8_t     log_ix;        /* 1 + the index of its event's channel in its batch's logs[] (the
                                  window then renumbers it in its source's table); 0: none. In
                                  the padding: the row stays 80 bytes */
    const char *provider;
    const char *computer;
    const char *level_text;    /* never NULL in a stored row */
    const char *task_text;     /* never NULL in a stored row */
    const char *message;       /* never NULL in a stored row */
} es_row;

/* ---- batch: filled by one worker, owned by exactly one thread at a time ---- */

#define ES_BATCH_LOGS 32   /* channels a batch names; rows of more get log_ix 0 */

typedef struct es_batch {
    uint32_t source;    /* every row of a batch comes from this source */
    size_t   count;
    size_t   cap;
    es_row  *rows;
    es_arena strings;   /* the strings the rows point at */
    es_buf   scratch;   /* reused while building messages; not carried to the store */
    /* The short texts rows share (provider, computer, level, task): the last few of each kept
     * in the arena, so a batch stores each about once and rows share the pointer. */
    const char *recent[4][8];
    unsigned    recent_next[4];
    /* The channels its events name (in the arena), rows pointing in by log_ix: a saved log's
     * Log column (a file may hold several logs; a server's rows are of the log it was asked for) */
    const char *logs[ES_BATCH_LOGS];
    unsigned    nlogs;
    /* The messages: the same text comes back again and again (a service entering the running
     * state), so a batch keeps one copy of each distinct text and its rows share the pointer,
     * found through this table (NULL until the first message; none when out of memory). */
    struct es_batch_msg *msgs;
    size_t      msgs_cap;
} es_batch;

es_batch *es_batch_new(uint32_t source, size_t cap);       /* NULL when out of memory */
void      es_batch_free(es_batch *b);                       /* NULL is fine */
/* Copies ev into the batch (strings into its arena); fills the display fallbacks (level
 * name, task text, data-value message). Returns 0 when out of memory (the batch is unchanged)
 * and 1 on success. The caller checks es_batch_full() and sends the batch on when it is. */
int       es_batch_add(es_batch *b, const es_event *ev, uint64_t received);
static inline int es_batch_full(const es_batch *b) { return b->count >= b->cap; }

/* Fills a row that borrows ev's strings (no copy), for one-pass tools such as evtxcat.
 * text_scratch receives a data-value message when ev->message is NULL (it must outlive
 * the row's use); task_buf (>= 16 bytes) receives the "(N)" task text when needed. */
void es_row_from_event(es_row *r, const es_event *ev, uint32_t source, uint64_t received,
                       es_buf *text_scratch, char *task_buf, size_t task_buf_len);

/* A row's Log column: its source's log (a server is read for one log), else the channel its
 * log_ix names in its source's table (a saved log may hold several); "" when none. Any table may
 * be NULL; each has nsources entries. The view (es_view_log) and the rowset (es_rowset_log) say
 * it through this one rule. */
static inline const char *es_row_log(const es_row *r, size_t nsources, const char *const *logs,
                                     const char *const *const *flogs, const uint8_t *nflogs)
{
    if (r->source >= nsources)
        return "";
    const char *l = logs ? logs[r->source] : NULL;
    if (!l && flogs && nflogs && flogs[r->source] && r->log_ix && r->log_ix <= nflogs[r->source])
        l = flogs[r->source][r->log_ix - 1];
    return l ? l : "";
}

/* ---- row store: owned by the UI thread ---- */

typedef struct es_rowstore es_rowstore;

/* A new store holds one reference (its owner's). A reader on another thread (an export) is
 * given a reference by the owner and reads rows [0, n) of the count it was given; the store
 * is freed when the last reference is dropped, so the owner may start afresh with a new store
 * while an export still reads the old one. References are taken and dropped on the owner's
 * thread only (the UI thread): no atomics are needed. */
es_rowstore  *es_rowstore_new(void);
/* The same with a ring of fewer blocks (a power of two, at most ES_ROWSTORE_MAX_BLOCKS), holding
 * at most blocks x ES_ROWSTORE_BLOCK_ROWS rows: tests wrap it quickly. NULL for another count. */
es_rowstore  *es_rowstore_new_ring(size_t blocks);
es_rowstore  *es_rowstore_ref(es_rowstore *s);
void          es_rowstore_unref(es_rowstore *s);                   /* NULL is fine */
/* Rows it may hold at most (default and maximum ES_ROWSTORE_MAX_ROWS): the row budget. */
void          es_rowstore_set_limit(es_rowstore *s, size_t rows);
size_t        es_rowstore_limit(const es_rowstore *s);
/* Consumes the batch in every case. Returns the number of rows appended; rows that did not
 * fit (the limit was reached, or a block could not be allocated) are not stored, and their
 * number is written to *lost (may be NULL) for the caller to report — never silently. */
size_t        es_rowstore_append(es_rowstore *s, es_batch *b, size_t *lost);
/* Row indices run from es_rowstore_first() (0 until rows are evicted) to es_rowstore_count(). */
size_t        es_rowstore_count(const es_rowstore *s);
size_t        es_rowstore_first(const es_rowstore *s);
const es_row *es_rowstore_get(const es_rowstore *s, size_t i);   /* first <= i < count */
/* Frees the oldest rows (the first appended), by whole blocks of ES_ROWSTORE_BLOCK_ROWS, until
 * at most `keep` rows are held or only the newest, unfilled block is left; their strings go with
 * them. Nothing happens while another reference is held (a reader reads rows it was told of):
 * returns the number of rows evicted (0 then). Row indices do not change: es_rowstore_first()
 * moves up. The owner's thread only. */
size_t        es_rowstore_evict(es_rowstore *s, size_t keep);
/* The same, but never row `from` or a later one: a block holding one stays whole (live follow's
 * rows not yet in --export). es_rowstore_evict(s, keep) is es_rowstore_evict_below(s, keep, SIZE_MAX). */
size_t        es_rowstore_evict_below(es_rowstore *s, size_t keep, size_t from);
size_t        es_rowstore_bytes(const es_rowstore *s);            /* memory held, roughly */

/* Rows the store can hold at once: a fixed block table (a ring, once rows are evicted) keeps
 * row addresses stable without locks. Row indices stay below 2^32 for the life of a store. */
#define ES_ROWSTORE_BLOCK_ROWS 4096u
#define ES_ROWSTORE_MAX_BLOCKS 16384u   /* 67,108,864 rows */
#define ES_ROWSTORE_MAX_ROWS   ((size_t)ES_ROWSTORE_BLOCK_ROWS * ES_ROWSTORE_MAX_BLOCKS)

#endif
