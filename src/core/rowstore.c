/* Batches and the row store (see es_row.h for the ownership rules). */
#include "es_row.h"

#include <stdlib.h>
#include <string.h>

/* ---- batch ---- */

es_batch *es_batch_new(uint32_t source, size_t cap)
{
    if (cap == 0)
        cap = 1;
    es_batch *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->rows = malloc(cap * sizeof *b->rows);
    if (!b->rows) {
        free(b);
        return NULL;
    }
    b->source = source;
    b->cap = cap;
    es_arena_init(&b->strings);
    es_buf_init(&b->scratch);
    return b;
}

void es_batch_free(es_batch *b)
{
    if (!b)
        return;
    es_arena_free(&b->strings);
    es_buf_free(&b->scratch);
    free(b->msgs);
    free(b->rows);
    free(b);
}

/* Rows of one batch mostly share provider, computer, level and task text: reuse a recent copy
 * when the text is the same, so a batch holds each such string about once (less memory, and a
 * sort by these columns can rank the few distinct pointers instead of comparing texts). */
static const char *keep(es_batch *b, int field, const char *s, int *oom)
{
    if (!s)
        s = "";
    const char **recent = b->recent[field];
    for (int i = 0; i < 8 && recent[i]; i++)
        if (strcmp(recent[i], s) == 0)
            return recent[i];
    char *p = es_arena_strdup(&b->strings, s);
    if (!p) {
        *oom = 1;
        return NULL;
    }
    recent[b->recent_next[field]++ % 8] = p;
    return p;
}

struct es_batch_msg {
    const char *text;
    uint32_t    len;
    uint32_t    hash;
};

static uint32_t msg_hash(const char *p, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    for (size_t k = 0; i < len; i++, k++)
        w |= (uint64_t)(unsigned char)p[i] << (8 * k);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    return (uint32_t)(h ^ (h >> 29));
}

/* The message's copy in the batch: an earlier row's when the text is the same (byte for byte),
 * else a new one. NULL when out of memory. */
static const char *keep_message(es_batch *b, const char *s, size_t n)
{
    if (!b->msgs && n < UINT32_MAX) {
        size_t cap = 64;
        while (cap < 2 * b->cap && cap < ((size_t)1 << 20))
            cap *= 2;
        b->msgs = calloc(cap, sizeof *b->msgs);   /* none: every message is copied */
        b->msgs_cap = b->msgs ? cap : 0;
    }
    struct es_batch_msg *slot = NULL;
    uint32_t h = 0;
    if (b->msgs && n < UINT32_MAX && b->count < b->msgs_cap / 2) {   /* the table stays half empty */
        h = msg_hash(s, n);
        size_t mask = b->msgs_cap - 1;
        for (size_t k = h & mask;; k = (k + 1) & mask) {
            struct es_batch_msg *m = &b->msgs[k];
            if (!m->text) {
                slot = m;
                break;
            }
            if (m->hash == h && m->len == n && memcmp(m->text, s, n) == 0)
                return m->text;
        }
    }
    char *p = es_arena_strndup(&b->strings, s, n);
    if (p && slot) {
        slot->text = p;
        slot->len = (uint32_t)n;
        slot->hash = h;
    }
    return p;
}

int es_batch_add(es_batch *b, const es_event *ev, uint64_t received)
{
    if (b->count >= b->cap)
        return 0;
    es_row r;
    char task_buf[16];
    int oom = 0;

    r.log_ix = 0;
    if (ev->channel && ev->channel[0]) {
        unsigned k = 0;
        while (k < b->nlogs && strcmp(b->logs[k], ev->channel) != 0)
            k++;
        if (k == b->nlogs && k < ES_BATCH_LOGS) {
            const char *c = es_arena_strdup(&b->strings, ev->channel);
            if (c)   /* out of memory: no Log for this row, no harm */
                b->logs[b->nlogs++] = c;
        }
        if (k < b->nlogs)
            r.log_ix = (uint8_t)(k + 1);
    }
    r.time_created = ev->time_created;
    r.received = received;
    r.record_id = ev->record_id;
    r.event_id = ev->event_id;
    r.source = b->source;
    r.task = ev->task;
    r.level = ev->level;
    r.provider = keep(b, 0, ev->provider, &oom);
    r.computer = keep(b, 1, ev->computer, &oom);
    r.level_text = keep(b, 2, ev->level_text && *ev->level_text ? ev->level_text : es_level_name(ev->level), &oom);
    r.task_text = keep(b, 3, ev->task_text && *ev->task_text ? ev->task_text
                                                             : es_task_fallback(ev->task, task_buf, sizeof task_buf),
                       &oom);
    if (ev->message) {
        size_t n = strlen(ev->message);
        r.message = keep_message(b, ev->message, n);
        r.msg_len = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    } else {
        es_buf_clear(&b->scratch);
        es_event_data_message(ev, &b->scratch);
        if (b->scratch.failed) {
            b->scratch.failed = 0;
            oom = 1;
        }
        r.message = keep_message(b, b->scratch.data ? b->scratch.data : "", b->scratch.len);
        r.msg_len = b->scratch.len > UINT32_MAX ? UINT32_MAX : (uint32_t)b->scratch.len;
    }
    if (!r.message)
        oom = 1;
    if (oom)
        return 0;   /* what was copied stays in the arena until the batch is freed */
    b->rows[b->count++] = r;
    return 1;
}

void es_row_from_event(es_row *r, const es_event *ev, uint32_t source, uint64_t received,
                       es_buf *text_scratch, char *task_buf, size_t task_buf_len)
{
    r->time_created = ev->time_created;
    r->received = received;
    r->record_id = ev->record_id;
    r->event_id = ev->event_id;
    r->source = source;
    r->log_ix = 0;
    r->task = ev->task;
    r->level = ev->level;
    r->provider = ev->provider ? ev->provider : "";
    r->computer = ev->computer ? ev->computer : "";
    r->level_text = ev->level_text && *ev->level_text ? ev->level_text : es_level_name(ev->level);
    r->task_text = ev->task_text && *ev->task_text ? ev->task_text
                                                   : es_task_fallback(ev->task, task_buf, task_buf_len);
    if (ev->message) {
        r->message = ev->message;
        r->msg_len = (uint32_t)strlen(ev->message);
    } else {
        es_buf_clear(text_scratch);
        es_event_data_message(ev, text_scratch);
        r->message = text_scratch->data && !text_scratch->failed ? text_scratch->data : "";
        r->msg_len = (uint32_t)strlen(r->message);
    }
}

/* ---- row store ---- */

/* Blocks live in a ring: the store's block k (rows [k * BLOCK_ROWS, (k + 1) * BLOCK_ROWS)) sits
 * at slot k % MAX_BLOCKS, so a store that evicts its oldest blocks (es_rowstore_evict) keeps
 * appending for as long as row indices fit in 32 bits. Each block has a segment of strings:
 * those of the batches whose last row lies in it (their rows lie in it or in earlier blocks),
 * so evicting blocks up to k frees segments up to k and nothing a live row points at. */
#define RING(k) ((size_t)(k) & s->mask)

struct es_rowstore {
    es_row   *blocks[ES_ROWSTORE_MAX_BLOCKS];
    es_arena *segs[ES_ROWSTORE_MAX_BLOCKS];   /* per block, its strings; NULL until needed */
    size_t    nblocks;   /* blocks [first / BLOCK_ROWS, nblocks) are allocated */
    size_t    first;     /* rows [0, first) were evicted (a multiple of BLOCK_ROWS) */
    size_t    count;     /* rows [first, count) are held */
    size_t    limit;
    size_t    seg_bytes; /* bytes held by the segments */
    size_t    mask;      /* ring slots - 1 (ES_ROWSTORE_MAX_BLOCKS - 1; fewer in tests) */
    unsigned  refs;
    es_arena  pinned;    /* strings with no segment (out of memory for one): kept to the end */
};

_Static_assert((ES_ROWSTORE_MAX_BLOCKS & (ES_ROWSTORE_MAX_BLOCKS - 1)) == 0, "the ring needs a power of two");

/* The store's own blocks, which receive the batches' last blocks packed (see pack_last). */
#define PACK_BLOCK ((size_t)1 << 20)

/* The segment of block k, made when first needed; NULL when out of memory. */
static es_arena *segment(es_rowstore *s, size_t k)
{
    es_arena **a = &s->segs[RING(k)];
    if (!*a && (*a = malloc(sizeof **a)) != NULL) {
        es_arena_init(*a);
        (*a)->block_max = PACK_BLOCK;
    }
    return *a;
}

/* A batch's arena ends in a block it was still filling: on average half of it (up to 64 KiB)
 * is empty, some 30 bytes a row. Its used bytes are copied into the segment's own block instead
 * (1 MiB blocks, filled one after the other) and the batch's block is freed; the batch's rows
 * — not yet in the store, so no reader sees them — are pointed at the copy. Strings in the
 * batch's other blocks stay where they are. Out of memory: nothing moves. */
static void pack_last(es_arena *seg, es_batch *b)
{
    size_t used, size;
    char *from = es_arena_last(&b->strings, &used, &size);
    if (!from || used == 0 || used >= size || used > PACK_BLOCK / 4)
        return;
    char *to = es_arena_alloc(seg, used, 16);
    if (!to)
        return;
    memcpy(to, from, used);
    uintptr_t lo = (uintptr_t)from;
    for (size_t i = 0; i < b->count; i++) {
        es_row *r = &b->rows[i];
        const char **f[5] = {&r->provider, &r->computer, &r->level_text, &r->task_text, &r->message};
        for (int k = 0; k < 5; k++) {
            uintptr_t p = (uintptr_t)*f[k];
            if (p - lo < used)
                *f[k] = to + (p - lo);
        }
    }
    for (int k = 0; k < 4; k++)   /* the batch is freed next; keep its memo of texts honest */
        for (int j = 0; j < 8; j++)
            if (b->recent[k][j] && (uintptr_t)b->recent[k][j] - lo < used)
                b->recent[k][j] = to + ((uintptr_t)b->recent[k][j] - lo);
    es_arena_drop_last(&b->strings);
}

es_rowstore *es_rowstore_new_ring(size_t blocks)
{
    if (blocks == 0 || blocks > ES_ROWSTORE_MAX_BLOCKS || (blocks & (blocks - 1)))
        return NULL;
    es_rowstore *s = calloc(1, sizeof *s);
    if (s) {
        es_arena_init(&s->pinned);
        s->mask = blocks - 1;
        s->limit = blocks * ES_ROWSTORE_BLOCK_ROWS;
        s->refs = 1;
    }
    return s;
}

es_rowstore *es_rowstore_new(void) { return es_rowstore_new_ring(ES_ROWSTORE_MAX_BLOCKS); }

es_rowstore *es_rowstore_ref(es_rowstore *s)
{
    s->refs++;
    return s;
}

static void free_segment(es_rowstore *s, size_t k)
{
    es_arena *a = s->segs[RING(k)];
    if (a) {
        s->seg_bytes -= a->bytes;
        es_arena_free(a);
        free(a);
        s->segs[RING(k)] = NULL;
    }
}

void es_rowstore_unref(es_rowstore *s)
{
    if (!s || --s->refs > 0)
        return;
    for (size_t k = s->first / ES_ROWSTORE_BLOCK_ROWS; k < s->nblocks; k++) {
        free(s->blocks[RING(k)]);
        free_segment(s, k);
    }
    free_segment(s, s->nblocks);   /* a batch that was to start the next block may have left its strings there */
    es_arena_free(&s->pinned);
    free(s);
}

void es_rowstore_set_limit(es_rowstore *s, size_t rows)
{
    size_t max = (s->mask + 1) * ES_ROWSTORE_BLOCK_ROWS;
    s->limit = rows && rows < max ? rows : max;
}

size_t es_rowstore_limit(const es_rowstore *s) { return s->limit; }

size_t es_rowstore_append(es_rowstore *s, es_batch *b, size_t *lost)
{
    size_t added = 0;
    /* What fits: the limit counts the rows held; indices stay below 2^32 (the view keeps 4 bytes
     * a row). */
    size_t room = s->limit - (s->count - s->first);
    if (room > (size_t)UINT32_MAX - s->count)
        room = (size_t)UINT32_MAX - s->count;
    size_t want = b->count < room ? b->count : room;
    /* The batch's strings go to the segment of the block its last row lands in. */
    es_arena *seg = want ? segment(s, (s->count + want - 1) / ES_ROWSTORE_BLOCK_ROWS) : NULL;
    size_t seg_before = seg ? seg->bytes : 0;
    if (seg)
        pack_last(seg, b);
    while (added < want) {
        size_t block = s->count / ES_ROWSTORE_BLOCK_ROWS;
        size_t slot = s->count % ES_ROWSTORE_BLOCK_ROWS;
        if (block >= s->nblocks) {
            es_row *rows = malloc(ES_ROWSTORE_BLOCK_ROWS * sizeof *rows);
            if (!rows)
                break;
            s->blocks[RING(block)] = rows;
            s->nblocks = block + 1;
        }
        size_t n = ES_ROWSTORE_BLOCK_ROWS - slot;
        if (n > want - added)
            n = want - added;
        memcpy(&s->blocks[RING(block)][slot], &b->rows[added], n * sizeof(es_row));
        s->count += n;
        added += n;
    }
    if (lost)
        *lost = b->count - added;
    /* The rows point into the batch's arena: the store takes it whole, without copying. */
    if (added)
        es_arena_adopt(seg ? seg : &s->pinned, &b->strings);
    if (seg)
        s->seg_bytes += seg->bytes - seg_before;
    es_batch_free(b);
    return added;
}

size_t es_rowstore_evict(es_rowstore *s, size_t keep) { return es_rowstore_evict_below(s, keep, SIZE_MAX); }

size_t es_rowstore_evict_below(es_rowstore *s, size_t keep, size_t from)
{
    if (s->refs > 1)
        return 0;   /* a reader reads rows [first, n): never under it */
    size_t gone = 0, upto = from < s->count ? from : s->count;
    while (s->count - s->first > keep && s->first + ES_ROWSTORE_BLOCK_ROWS <= upto) {
        size_t k = s->first / ES_ROWSTORE_BLOCK_ROWS;
        free(s->blocks[RING(k)]);
        s->blocks[RING(k)] = NULL;
        free_segment(s, k);
        s->first += ES_ROWSTORE_BLOCK_ROWS;
        gone += ES_ROWSTORE_BLOCK_ROWS;
    }
    return gone;
}

size_t es_rowstore_first(const es_rowstore *s) { return s->first; }

size_t es_rowstore_count(const es_rowstore *s) { return s->count; }

const es_row *es_rowstore_get(const es_rowstore *s, size_t i)
{
    return &s->blocks[RING(i / ES_ROWSTORE_BLOCK_ROWS)][i % ES_ROWSTORE_BLOCK_ROWS];
}

size_t es_rowstore_bytes(const es_rowstore *s)
{
    return (s->nblocks - s->first / ES_ROWSTORE_BLOCK_ROWS) * ES_ROWSTORE_BLOCK_ROWS * sizeof(es_row) + s->seg_bytes +
           s->pinned.bytes;
}
