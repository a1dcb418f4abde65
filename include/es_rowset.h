/* es_rowset: the rows something reads — a row store, the indices of the rows in the order they
 * are read (the visible rows of a view, as an export takes them), and what names a row's source:
 * its server (the Server column) and its log (the Log column). An export, the fleet summary, the
 * timeline and the HTML report all walk rows through this one description.
 *
 * Everything is borrowed: the caller keeps the store referenced and the arrays alive while the
 * rowset is read (a job thread holds its own copies, as an export job does).
 *
 * Portable core: no windows.h. */
#ifndef ES_ROWSET_H
#define ES_ROWSET_H

#include "es_row.h"

#include <stddef.h>
#include <stdint.h>

typedef struct es_rowset {
    const es_rowstore *store;
    const uint32_t    *order;    /* store indices of the rows, in order; NULL: rows [0, n) */
    size_t             n;
    const char *const *names;    /* per source: its server's name (or a saved log's file name) */
    const char *const *logs;     /* per source: the log it was read for; NULL, or a NULL entry: a
                                    saved log, whose rows name their channel in flogs by log_ix */
    const char *const *const *flogs;   /* per source: a saved log's channels; may be NULL */
    const uint8_t     *nflogs;   /* per source: how many; may be NULL */
    size_t             nsources;
} es_rowset;

static inline const es_row *es_rowset_row(const es_rowset *rs, size_t i)
{
    return es_rowstore_get(rs->store, rs->order ? rs->order[i] : (uint32_t)i);
}
/* The row's Server and Log column texts ("" when unknown). */
const char *es_rowset_server(const es_rowset *rs, const es_row *r);
const char *es_rowset_log(const es_rowset *rs, const es_row *r);

/* Servers are names, not sources: a server read for several logs is several sources. Fills
 * server_of[nsources] with each source's server number (names equal but for ASCII case share
 * one) and returns how many servers there are; first_source[k] (nsources entries; may be NULL)
 * receives the first source of server k, whose name stands for it. Servers are numbered in
 * the order of their names (case-insensitive; ties by source index). SIZE_MAX when out of
 * memory. */
size_t es_rowset_servers(const es_rowset *rs, uint32_t *server_of, uint32_t *first_source);

#endif
