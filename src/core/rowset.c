/* The rows something reads, and the names of their sources (see es_rowset.h). */
#include "es_rowset.h"
#include "es_utf.h"

#include <stdlib.h>

static const char *name_of(const es_rowset *rs, uint32_t src)
{
    return src < rs->nsources && rs->names && rs->names[src] ? rs->names[src] : "";
}

const char *es_rowset_server(const es_rowset *rs, const es_row *r) { return name_of(rs, r->source); }

const char *es_rowset_log(const es_rowset *rs, const es_row *r)
{
    return es_row_log(r, rs->nsources, rs->logs, rs->flogs, rs->nflogs);
}

typedef struct named { const char *name; uint32_t ix; } named;

static int named_cmp(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int d = es_ascii_icmp(x->name, y->name);
    return d ? d : (x->ix > y->ix) - (x->ix < y->ix);
}

size_t es_rowset_servers(const es_rowset *rs, uint32_t *server_of, uint32_t *first_source)
{
    size_t n = rs->nsources;
    if (!n)
        return 0;
    named *a = malloc(n * sizeof *a);
    if (!a)
        return SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        a[i] = (named){name_of(rs, (uint32_t)i), (uint32_t)i};
    qsort(a, n, sizeof *a, named_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || !es_ascii_ieq(a[i - 1].name, a[i].name)) {
            if (first_source)
                first_source[k] = a[i].ix;
            k++;
        }
        server_of[a[i].ix] = (uint32_t)(k - 1);
    }
    free(a);
    return k;
}
