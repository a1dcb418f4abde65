/* es_summary: the fleet picture of a set of rows (issue #9) — the fleet summary (one group per
 * provider and event ID: how many events, on how many servers, first and last seen, the worst
 * level, and whether it struck many servers at once) and the timeline (servers x time buckets).
 *
 * Both read an es_rowset (the visible rows of a view, as an export takes them) in one pass and
 * may run on a job thread: they only read rows [0, n) of the store, and take a cancel flag.
 * A server is a name, not a source: a server swept for several logs counts once.
 *
 * Portable core: no windows.h. */
#ifndef ES_SUMMARY_H
#define ES_SUMMARY_H

#include "es_rowset.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* ---- the fleet summary ---- */

#define ES_BURST_SERVERS 3    /* "the same event on N servers ..." */
#define ES_BURST_MINUTES 10   /* "... within T minutes" */

typedef struct es_sum_group {
    const char *provider;      /* a row's provider text (the store's string; groups fold case) */
    uint32_t    event_id;
    uint8_t     level;         /* the most severe level seen (es_level_rank), as a level number;
                                  LogAlways (0) is counted as Information (4) */
    uint8_t     burst;         /* 1: seen on >= N distinct servers within some T-minute window */
    uint64_t    count;         /* events */
    uint32_t    servers;       /* distinct servers */
    uint32_t    burst_servers; /* the most distinct servers in any T-minute window */
    uint64_t    first, last;   /* TimeCreated, FILETIME ticks */
    uint64_t    burst_start;   /* burst: the earliest t such that [t, t + T] holds N servers */
} es_sum_group;

typedef struct es_summary {
    es_sum_group *groups;      /* owned */
    size_t        ngroups;
    uint64_t      rows;        /* rows read */
    size_t        nbursts;
    unsigned      burst_servers, burst_minutes;   /* the rule the groups were flagged by */
} es_summary;

/* The groups of the rows of rs, ordered by provider (case-insensitive) then ID. A burst is the
 * same group on >= burst_servers distinct servers within burst_minutes minutes (0: defaults;
 * the window is closed: events exactly T apart are within it). Returns 1; 0 when out of memory
 * or cancelled (out is then empty). */
int  es_summary_build(const es_rowset *rs, unsigned burst_servers, unsigned burst_minutes, es_summary *out,
                      atomic_int *cancel);
void es_summary_free(es_summary *s);

typedef enum es_sum_col {
    ES_SUM_PROVIDER = 0, ES_SUM_ID, ES_SUM_COUNT, ES_SUM_SERVERS, ES_SUM_FIRST, ES_SUM_LAST, ES_SUM_LEVEL,
    ES_SUM_NCOLS
} es_sum_col;

const char *es_sum_col_name(es_sum_col c);   /* "Source", "Event ID", "Events", "Servers", ... */
/* Sorts the groups by one column, stably: groups equal in it keep their current order (so a
 * click on another header first sorts within). Level sorts by severity (ascending: the most
 * severe first); the provider without regard to ASCII case. Returns 0 when out of memory
 * (the order is unchanged). */
int  es_summary_sort(es_summary *s, es_sum_col col, int desc);

/* ---- the timeline ---- */

typedef struct es_tl_cell {
    uint32_t count;
    uint8_t  level;            /* the most severe level of its events; meaningless when count 0 */
} es_tl_cell;

typedef struct es_timeline {
    size_t      nservers;      /* rows of the grid: every server of the rowset's sources, by name */
    uint32_t   *server_source; /* owned; per server, the source whose name stands for it */
    uint32_t   *server_of;     /* owned; per source of the rowset, its server (grid row) */
    uint64_t    start;         /* the first bucket's start, FILETIME ticks (a multiple of step) */
    uint64_t    step;          /* bucket size in ticks */
    size_t      nbuckets;
    es_tl_cell *cells;         /* owned; nservers x nbuckets, row by row */
    uint32_t    max_count;     /* the largest cell count (for the colour's intensity) */
} es_timeline;

/* The bucket size for a span of time: the smallest of 1, 5, 10, 15, 30 minutes, 1, 2, 6, 12
 * hours, 1 day (then whole days) that cuts [from, to] into at most max_buckets (0: 60). */
uint64_t es_timeline_step(uint64_t from, uint64_t to, unsigned max_buckets);

/* The grid of the rows of rs over [from, to] (both 0: the rows' own first and last times; rows
 * outside are not counted). Returns 1; 0 when out of memory or cancelled (out is then empty). */
int  es_timeline_build(const es_rowset *rs, uint64_t from, uint64_t to, unsigned max_buckets, es_timeline *out,
                       atomic_int *cancel);
void es_timeline_free(es_timeline *t);

static inline const es_tl_cell *es_timeline_cell(const es_timeline *t, size_t server, size_t bucket)
{
    return &t->cells[server * t->nbuckets + bucket];
}

/* What a click on a cell filters to: the server's name (borrowed from the rowset) and the
 * bucket's time range [*t0, *t1). 0 when the cell is outside the grid. */
int  es_timeline_cell_range(const es_timeline *t, const es_rowset *rs, size_t server, size_t bucket,
                            const char **name, uint64_t *t0, uint64_t *t1);

/* ---- the timeline's colours: the window's control and the HTML report draw the same ----
 * A cell's hue is its worst level's colour, its intensity the number of its events on a log
 * scale against the busiest cell: the level's colour at alpha es_tl_alpha over ES_TL_EMPTY_RGB
 * (what an empty cell shows). Colours are 0xRRGGBB. */
#define ES_TL_EMPTY_RGB 0xF3F5F7u

/* Critical dark red, Error red, Warning amber, Information (and LogAlways, 0) blue, Verbose
 * grey, custom levels slate. */
uint32_t es_level_rgb(unsigned level);
/* The intensity in thousandths: 0 for no events, 250 for one event in a grid whose busiest
 * cell has many, 1000 for the busiest cell (and for any cell when max_count <= 1):
 * 250 + 750 * log2(1 + count) / log2(1 + max_count). count above max_count counts as max_count. */
unsigned es_tl_alpha(uint32_t count, uint32_t max_count);
/* The colour a cell is painted: es_level_rgb(level) at es_tl_alpha over ES_TL_EMPTY_RGB
 * (ES_TL_EMPTY_RGB itself when count is 0). */
uint32_t es_tl_cell_rgb(uint32_t count, unsigned level, uint32_t max_count);

#endif
