/* libFuzzer harness: the filter parsers and the query builder (es_filter).
 *
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
 *       tests/fuzz/fuzz_filter.c src/core/filter.c src/core/time.c src/core/buf.c
 *
 * The input is three texts separated by NUL bytes (levels, IDs, providers) and a byte of time.
 * Besides memory safety it checks: a refused text leaves a message that ends with '.' and
 * changes nothing; a filter es_filter_check accepts builds a query in which no XPath holds more
 * than 20 comparisons (counted as the '=' outside string literals plus band()); exclusions
 * always make a QueryList; the description of a non-empty filter is not
 * empty. */
#include "es_filter.h"

#include <stdlib.h>
#include <string.h>

static es_filter f, before;

static void parsed(int ok, const char *err)
{
    size_t n = strlen(err);
    if (!ok && (n < 2 || err[n - 1] != '.' || memcmp(&f, &before, sizeof f) != 0))
        abort();
}

/* The most comparisons of one XPath in q: a plain one, or each Select/Suppress element. */
static int max_comparisons(const char *q, int is_list)
{
    int best = 0, cur = 0;
    char quote = 0;
    for (const char *p = q; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            continue;
        }
        if (is_list && *p == '<') {   /* an element boundary (inside a Select, < is &lt;) */
            if (cur > best)
                best = cur;
            cur = 0;
            const char *e = strchr(p, '>');
            if (!e)
                abort();
            p = e;         /* attribute values are not counted */
            continue;
        }
        if (*p == '\'' || *p == '"')
            quote = *p;
        else if (*p == '=')
            cur++;
        else if (!strncmp(p, "band(", 5))
            cur++;
    }
    return cur > best ? cur : best;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 3);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = text[size + 1] = text[size + 2] = 0;
    const char *lv = text, *ids = lv + strlen(lv) + 1;
    if (ids > text + size)
        ids = text + size + 1;
    const char *prov = ids + strlen(ids) + 1;
    if (prov > text + size + 1)
        prov = text + size + 2;
    char err[400];
    es_filter_init(&f);
    err[0] = 0;
    before = f;
    parsed(es_filter_parse_levels(&f, lv, err, sizeof err), err);
    before = f;
    err[0] = 0;
    parsed(es_filter_parse_ids(&f, ids, err, sizeof err), err);
    before = f;
    err[0] = 0;
    parsed(es_filter_parse_providers(&f, prov, err, sizeof err), err);
    if (es_filter_check(&f, err, sizeof err)) {
        es_buf q;
        es_buf_init(&q);
        uint64_t since = size && (data[0] & 1) ? 134086000000000000ull : 0;
        if (!es_filter_query(&f, "Sys<tem>&\"'", since, &q) || !q.data)
            abort();
        int is_list = strncmp(q.data, "<QueryList>", 11) == 0;
        if (max_comparisons(q.data, is_list) > ES_FILTER_MAX_COMPARISONS)
            abort();
        if (f.nexc && !is_list)
            abort();
        es_buf_free(&q);
    }
    es_buf d;
    es_buf_init(&d);
    es_filter_describe(&f, &d);
    if (!es_filter_is_empty(&f) && (!d.data || !d.len))
        abort();
    es_buf_free(&d);
    free(text);
    return 0;
}
