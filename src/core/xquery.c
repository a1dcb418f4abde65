/* es_xquery: reading a view (see es_xquery.h) — a custom view export, a <QueryList> or a bare
 * XPath; UTF-8 or UTF-16 — through its XML (xmlmini.c) into the parsed form of xquery_int.h.
 * Each Select's XPath is read by xquery_xpath.c; the QueryList text and the channel rule are in
 * xquery_text.c, the matcher in xquery_eval.c. */
#include "xquery_int.h"
#include "xmlmini.h"
#include "es_time.h"
#include "es_utf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int xq_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return 0;
}

static const char *trimmed(es_arena *a, const char *s, size_t n)
{
    while (n && xq_blank(*s))
        s++, n--;
    while (n && xq_blank(s[n - 1]))
        n--;
    return es_arena_strndup(a, s, n);
}

static int add_sel(es_xquery *q, xq_query *qu, int suppress, int ordinal, const char *path, const char *text,
                   char *err, size_t errlen)
{
    char where[120];
    if (q->bare)
        snprintf(where, sizeof where, "The XPath");
    else
        snprintf(where, sizeof where, "%s %d of Query %.40s", suppress ? "Suppress" : "Select", ordinal,
                 qu->id ? qu->id : "(no Id)");
    int ncmp = 0, nbool = 0;
    xq_expr *top = xq_parse_xpath(q, text, where, &ncmp, &nbool, err, errlen);
    if (!top)
        return 0;
    if (ncmp > ES_XQUERY_MAX_COMPARISONS)
        return xq_fail(err, errlen,
                        "%s has %d comparisons; Windows accepts at most %d in one XPath (KB970453): split it into "
                        "several %ss of the same Query",
                        where, ncmp, ES_XQUERY_MAX_COMPARISONS, suppress ? "Suppress" : "Select");
    char terr[200];
    if (!xq_resolve(q, top, terr, sizeof terr))
        return xq_fail(err, errlen, "%s: %s", where, terr);
    xq_sel *s = es_arena_alloc(&q->arena, sizeof *s, 8);
    if (!s)
        return xq_fail(err, errlen, "out of memory");
    memset(s, 0, sizeof *s);
    s->suppress = suppress;
    s->ordinal = ordinal;
    s->path = path;
    s->top = top;
    s->ncmp = ncmp;
    s->nbool = nbool;
    xq_sel **t = &qu->sels;
    while (*t)
        t = &(*t)->next;
    *t = s;
    return 1;
}

static int read_querylist(es_xquery *q, const xm_node *ql, char *err, size_t errlen)
{
    xq_query **qt = &q->queries;
    int nquery = 0;
    for (const xm_node *c = ql->child; c; c = c->next) {
        if (strcmp(c->name, "Query") != 0)
            return xq_fail(err, errlen, "<%.40s> inside <QueryList>: only <Query> elements are expected", c->name);
        xq_query *qu = es_arena_alloc(&q->arena, sizeof *qu, 8);
        if (!qu)
            return xq_fail(err, errlen, "out of memory");
        memset(qu, 0, sizeof *qu);
        qu->id = xm_attr_get(c, "Id");
        qu->path = xm_attr_get(c, "Path");
        *qt = qu;
        qt = &qu->next;
        nquery++;
        int nsel = 0, nsup = 0;
        for (const xm_node *s = c->child; s; s = s->next) {
            int sup = strcmp(s->name, "Suppress") == 0;
            if (!sup && strcmp(s->name, "Select") != 0)
                return xq_fail(err, errlen, "<%.40s> inside <Query>: only <Select> and <Suppress> are expected", s->name);
            if (s->child)
                return xq_fail(err, errlen, "<%s> holds an element; it should hold an XPath", s->name);
            const char *text = trimmed(&q->arena, s->text, s->text_len);
            if (!text)
                return xq_fail(err, errlen, "out of memory");
            if (!add_sel(q, qu, sup, sup ? ++nsup : ++nsel, xm_attr_get(s, "Path"), text, err, errlen))
                return 0;
        }
        if (nsel == 0)
            return xq_fail(err, errlen, "Query %.40s has no <Select>", qu->id ? qu->id : "(no Id)");
    }
    if (nquery == 0)
        return xq_fail(err, errlen, "the <QueryList> has no <Query>");
    return 1;
}

/* UTF-8 text from what the file holds: a UTF-8 BOM is dropped, UTF-16 with a BOM converted. */
static int decode(const char *text, size_t len, es_buf *out, char *err, size_t errlen)
{
    const unsigned char *u = (const unsigned char *)text;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        int be = u[0] == 0xFE;
        if (len % 2)
            return xq_fail(err, errlen, "the file is UTF-16 but has an odd number of bytes");
        size_t n = (len - 2) / 2;
        char *tmp = NULL;
        const char *src = text + 2;
        if (be) {
            if (!(tmp = malloc(len)))
                return xq_fail(err, errlen, "out of memory");
            for (size_t i = 0; i < n; i++) {
                tmp[2 * i] = text[2 + 2 * i + 1];
                tmp[2 * i + 1] = text[2 + 2 * i];
            }
            src = tmp;
        }
        int ok = es_utf16le_to_utf8(out, src, n, 0);
        free(tmp);
        return ok ? 1 : xq_fail(err, errlen, "out of memory");
    }
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        text += 3, len -= 3;
    if (!es_buf_append(out, text, len) || !es_buf_reserve(out, 1))
        return xq_fail(err, errlen, "out of memory");
    out->data[out->len] = '\0';
    return 1;
}

es_xquery *es_xquery_parse(const char *text, size_t len, char *err, size_t errlen)
{
    char dummy[1];
    if (!err || !errlen)
        err = dummy, errlen = sizeof dummy;
    err[0] = '\0';
    es_xquery *q = calloc(1, sizeof *q);
    if (!q) {
        xq_fail(err, errlen, "out of memory");
        return NULL;
    }
    es_arena_init(&q->arena);
    q->local_ok = 1;
    /* timediff() counts from now unless the sweep sets its own anchor (es_xquery_set_now). */
    time_t clock_now = time(NULL);
    q->now = ES_UNIX_EPOCH_TICKS + (clock_now > 0 ? (uint64_t)clock_now * ES_TICKS_PER_SEC : 0);
    q->name = "";
    es_buf b;
    es_buf_init(&b);
    int ok = text ? decode(text, len, &b, err, errlen) : xq_fail(err, errlen, "no text");
    if (ok) {
        const char *s = b.data ? b.data : "";
        size_t i = 0;
        while (i < b.len && xq_blank(s[i]))
            i++;
        if (i == b.len) {
            ok = xq_fail(err, errlen, "the view is empty");
        } else if (s[i] != '<') {
            /* A bare XPath: one Select of the log being swept. */
            q->bare = 1;
            xq_query *qu = es_arena_alloc(&q->arena, sizeof *qu, 8);
            const char *t = trimmed(&q->arena, s, b.len);
            if (!qu || !t) {
                ok = xq_fail(err, errlen, "out of memory");
            } else {
                memset(qu, 0, sizeof *qu);
                q->queries = qu;
                if (memchr(s, '\0', b.len))
                    ok = xq_fail(err, errlen, "The XPath holds a NUL byte at offset %zu", (size_t)((const char *)memchr(s, '\0', b.len) - s));
                else
                    ok = add_sel(q, qu, 0, 1, NULL, t, err, errlen);
            }
        } else {
            xm_node *root = xm_parse(&q->arena, s, b.len, err, errlen);
            const xm_node *ql = root ? xm_find(root, "QueryList", 0) : NULL;
            if (!root) {
                ok = 0;
            } else if (!ql) {
                ok = xq_fail(err, errlen, "no <QueryList> in <%.40s>: paste the XML tab of Filter Current Log, or a "
                              "custom view exported from Event Viewer", root->name);
            } else {
                const xm_node *qn = xm_find(root, "QueryNode", 0);
                const xm_node *nm = qn ? xm_find(qn, "Name", 0) : NULL;
                if (nm && !(q->name = trimmed(&q->arena, nm->text, nm->text_len)))
                    q->name = "";
                ok = read_querylist(q, ql, err, errlen);
            }
        }
    }
    es_buf_free(&b);
    if (!ok) {
        es_xquery_free(q);
        return NULL;
    }
    return q;
}

void es_xquery_free(es_xquery *q)
{
    if (!q)
        return;
    es_arena_free(&q->arena);
    free(q);
}

const char *es_xquery_name(const es_xquery *q) { return q->name; }

void es_xquery_set_now(es_xquery *q, uint64_t now_ticks) { q->now = now_ticks; }

