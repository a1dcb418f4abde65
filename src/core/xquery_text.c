/* es_xquery: the channel rule and the QueryList text sent to a server, re-serialized from the
 * parsed form with the sweep's time window (see es_xquery.h). */
#include "xquery_int.h"
#include "es_time.h"

#include <stdio.h>
#include <string.h>

/* ---- the channel rule ---- */

static int same_log(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return 0;
        if (!x)
            return 1;
    }
}

/* Calls fn on every Path in document order; stops when it returns nonzero. */
static const char *each_path(const es_xquery *q, int (*fn)(const char *path, void *arg), void *arg)
{
    for (const xq_query *qu = q->queries; qu; qu = qu->next) {
        if (qu->path && fn(qu->path, arg))
            return qu->path;
        for (const xq_sel *s = qu->sels; s; s = s->next)
            if (s->path && fn(s->path, arg))
                return s->path;
    }
    return NULL;
}

static int path_any(const char *path, void *arg) { (void)path; (void)arg; return 1; }
static int path_differs(const char *path, void *arg) { return !same_log(path, arg); }

const char *es_xquery_channel(const es_xquery *q)
{
    const char *first = each_path(q, path_any, NULL);
    return first && !each_path(q, path_differs, (void *)first) ? first : NULL;
}

/* The distinct logs, "A", "A and B", "A, B and C". */
typedef struct logset {
    const char *seen[8];
    size_t n;
    int more;
} logset;

static int collect(const char *path, void *arg)
{
    logset *ls = arg;
    for (size_t i = 0; i < ls->n; i++)
        if (same_log(ls->seen[i], path))
            return 0;
    if (ls->n < 8)
        ls->seen[ls->n++] = path;
    else
        ls->more = 1;
    return 0;
}

static void list_logs(const es_xquery *q, es_buf *b)
{
    logset ls = {{0}, 0, 0};
    each_path(q, collect, &ls);
    for (size_t i = 0; i < ls.n; i++)
        es_buf_printf(b, "%s%.100s", i == 0 ? "" : i + 1 == ls.n && !ls.more ? " and " : ", ", ls.seen[i]);
    if (ls.more)
        es_buf_puts(b, " and others");
}

int es_xquery_check_channel(const es_xquery *q, const char *log, char *err, size_t errlen)
{
    const char *first = each_path(q, path_any, NULL);
    if (!first)
        return 1;
    es_buf b;
    es_buf_init(&b);
    int ok = 1;
    if (!es_xquery_channel(q)) {
        es_buf_puts(&b, "This view reads ");
        list_logs(q, &b);
        es_buf_puts(&b, "; EventSweep sweeps one log at a time for now: choose one.");
        ok = 0;
    } else if (strncmp(first, "file:", 5) == 0 || strncmp(first, "FILE:", 5) == 0) {
        es_buf_printf(&b, "This view reads the saved log %.200s: add that file as a source and use a view of its "
                      "log (a Path such as System), or paste only the XPath.", first);
        ok = 0;
    } else if (!log || !same_log(first, log)) {
        es_buf_printf(&b, "This view reads %.100s, not %.100s: choose %.100s in the Log box to run it.", first,
                      log && *log ? log : "the log chosen", first);
        ok = 0;
    }
    if (!ok && errlen)
        snprintf(err, errlen, "%s", b.data && !b.failed ? b.data : "out of memory");
    es_buf_free(&b);
    return ok;
}

int es_xquery_check_window(const es_xquery *q, int with_window, char *err, size_t errlen)
{
    if (!with_window)
        return 1;
    for (const xq_query *qu = q->queries; qu; qu = qu->next)
        for (const xq_sel *s = qu->sels; s; s = s->next) {
            if (s->suppress)
                continue;
            char where[80];
            if (q->bare)
                snprintf(where, sizeof where, "The XPath");
            else
                snprintf(where, sizeof where, "Select %d of Query %.40s", s->ordinal, qu->id ? qu->id : "(no Id)");
            if (s->ncmp + 1 > ES_XQUERY_MAX_COMPARISONS)
                return xq_fail(err, errlen,
                                "%s has %d comparisons and the time window adds one: Windows accepts at most %d in "
                                "one XPath (KB970453): split the Select into two, or sweep \"all\" hours",
                                where, s->ncmp, ES_XQUERY_MAX_COMPARISONS);
            /* Our own limit (it bounds recursion): the window's `and` must fit too, or the text
             * sent would not read back. */
            if (s->nbool + 1 > XQ_MAX_BOOLOPS)
                return xq_fail(err, errlen,
                                "%s has %d 'and'/'or' and the time window adds one: EventSweep reads at most %d: split "
                                "the Select into two, or sweep \"all\" hours",
                                where, s->nbool, XQ_MAX_BOOLOPS);
        }
    return 1;
}

/* ---- the writer ---- */

typedef struct wr {
    es_buf *b;
    const xq_expr *sys;     /* the System[...] term that receives the time window */
    const char *since;      /* ISO text of the window's start, or NULL */
    const xq_expr *evpath;  /* the event path `*[...]` that receives the window */
} wr;

static const char *const op_text[] = {"=", "!=", "<", "<=", ">", ">="};

static void w_expr(wr *w, const xq_expr *e, int prec);
static void w_event_path(wr *w, const xq_expr *e);

static void w_path(wr *w, const xq_expr *e)
{
    for (const xq_step *s = e->steps; s; s = s->next) {
        es_buf_printf(w->b, "%s%s%s", s == e->steps ? "" : "/", s->attr ? "@" : "", s->name);
        for (const xq_expr *pr = s->preds; pr; pr = pr->next) {
            es_buf_putc(w->b, '[');
            if (e == w->sys) {
                w_expr(w, pr, 2);
                es_buf_printf(w->b, " and TimeCreated[@SystemTime>='%s']", w->since);
            } else {
                w_expr(w, pr, 0);
            }
            es_buf_putc(w->b, ']');
        }
    }
}

/* prec: 0 anywhere, 1 an operand of `or`, 2 of `and`, 3 of a comparison. */
static void w_expr(wr *w, const xq_expr *e, int prec)
{
    switch (e->type) {
    case X_OR: case X_AND: {
        int mine = e->type == X_OR ? 1 : 2;
        if (prec > mine)
            es_buf_putc(w->b, '(');
        w_expr(w, e->a, mine);
        es_buf_puts(w->b, e->type == X_OR ? " or " : " and ");
        w_expr(w, e->b, mine);
        if (prec > mine)
            es_buf_putc(w->b, ')');
        break;
    }
    case X_CMP:
        w_expr(w, e->a, 3);
        es_buf_puts(w->b, op_text[e->op]);
        w_expr(w, e->b, 3);
        break;
    case X_GROUP:
        es_buf_putc(w->b, '(');
        w_expr(w, e->a, 0);
        es_buf_putc(w->b, ')');
        break;
    case X_PATH:
        if (e == w->evpath)
            w_event_path(w, e);
        else
            w_path(w, e);
        break;
    case X_STR: {
        /* XPath has no escapes in literals: a quote the literal holds picks the other quote. */
        char qc = strchr(e->str, '\'') ? '"' : '\'';
        es_buf_printf(w->b, "%c%s%c", qc, e->str, qc);
        break;
    }
    case X_NUM: es_buf_puts(w->b, e->str); break;
    case X_BAND:
        es_buf_puts(w->b, "band(");
        w_expr(w, e->a, 0);
        es_buf_putc(w->b, ',');
        w_expr(w, e->b, 0);
        es_buf_putc(w->b, ')');
        break;
    case X_TIMEDIFF:
        es_buf_puts(w->b, "timediff(");
        w_expr(w, e->a, 0);
        es_buf_putc(w->b, ')');
        break;
    }
}

/* The top-level `and` chain's System[one predicate] term, where Event Viewer puts its own time
 * condition. */
static const xq_expr *system_term(const xq_expr *e)
{
    if (e->type == X_AND) {
        const xq_expr *s = system_term(e->a);
        return s ? s : system_term(e->b);
    }
    if (e->type == X_PATH && !e->steps->next && !e->steps->attr && strcmp(e->steps->name, "System") == 0 &&
        e->steps->preds && !e->steps->preds->next)
        return e;
    return NULL;
}

/* An event path `*[...]` with the window: all its predicates joined into one with `and` (the
 * same events, position() being refused), the window inside the first System[...] term, or
 * added as a term of its own. */
static void w_event_path(wr *w, const xq_expr *e)
{
    const xq_step *st = e->steps;
    wr inner = {w->b, NULL, w->since, NULL};
    for (const xq_expr *pr = st->preds; pr && !inner.sys; pr = pr->next)
        inner.sys = system_term(pr);
    es_buf_printf(w->b, "%s[", st->name);
    for (const xq_expr *pr = st->preds; pr; pr = pr->next) {
        if (pr != st->preds)
            es_buf_puts(w->b, " and ");
        w_expr(&inner, pr, st->preds->next || !inner.sys ? 2 : 0);
    }
    if (!inner.sys)
        es_buf_printf(w->b, "%sSystem[TimeCreated[@SystemTime>='%s']]", st->preds ? " and " : "", w->since);
    es_buf_putc(w->b, ']');
}

/* The first event path of the top-level `and` chain: the window there narrows the whole Select. */
static const xq_expr *first_event_path(const xq_expr *e)
{
    if (e->type == X_AND) {
        const xq_expr *s = first_event_path(e->a);
        return s ? s : first_event_path(e->b);
    }
    return e->type == X_PATH ? e : NULL;
}

static void w_select(es_buf *b, const xq_expr *top, const char *since)
{
    wr w = {b, NULL, since, NULL};
    if (since)
        w.evpath = first_event_path(top);
    w_expr(&w, top, 0);
    /* `*[a] or *[b]`, `(...) and (...)`: one more event path for the window. */
    if (since && !w.evpath) {
        es_buf_clear(b);
        w_expr(&w, top, 2);
        es_buf_printf(b, " and *[System[TimeCreated[@SystemTime>='%s']]]", since);
    }
}

static void put_escaped(es_buf *b, const char *s, int attr)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': es_buf_puts(b, "&amp;"); break;
        case '<': es_buf_puts(b, "&lt;"); break;
        case '>': es_buf_puts(b, "&gt;"); break;
        case '"':
            if (attr) {
                es_buf_puts(b, "&quot;");
                break;
            }
            /* fall through */
        default: es_buf_putc(b, *s);
        }
    }
}

int es_xquery_text(const es_xquery *q, const char *channel, uint64_t since_ticks, es_buf *out, char *err,
                   size_t errlen)
{
    char dummy[1];
    if (!err || !errlen)
        err = dummy, errlen = sizeof dummy;
    if (channel && !es_xquery_check_channel(q, channel, err, errlen))
        return 0;
    if (!es_xquery_check_window(q, since_ticks != 0, err, errlen))
        return 0;
    char since[ES_ISO8601_LEN];
    if (since_ticks)
        es_time_iso8601(since_ticks, since);
    es_buf x;
    es_buf_init(&x);
    es_buf_puts(out, "<QueryList>\n");
    int id = 0;
    for (const xq_query *qu = q->queries; qu; qu = qu->next, id++) {
        const char *qpath = channel ? channel : qu->path;
        es_buf_printf(out, "  <Query Id=\"%d\"", id);
        if (qpath) {
            es_buf_puts(out, " Path=\"");
            put_escaped(out, qpath, 1);
            es_buf_putc(out, '"');
        }
        es_buf_puts(out, ">\n");
        for (int pass = 0; pass < 2; pass++)   /* Selects, then Suppresses, as Event Viewer writes them */
            for (const xq_sel *s = qu->sels; s; s = s->next) {
                if (s->suppress != pass)
                    continue;
                const char *el = s->suppress ? "Suppress" : "Select";
                const char *spath = channel ? channel : s->path ? s->path : qpath;
                es_buf_printf(out, "    <%s", el);
                if (spath) {
                    es_buf_puts(out, " Path=\"");
                    put_escaped(out, spath, 1);
                    es_buf_putc(out, '"');
                }
                es_buf_putc(out, '>');
                es_buf_clear(&x);
                w_select(&x, s->top, s->suppress || !since_ticks ? NULL : since);
                put_escaped(out, x.data ? x.data : "", 0);
                es_buf_printf(out, "</%s>\n", el);
            }
        es_buf_puts(out, "  </Query>\n");
    }
    es_buf_puts(out, "</QueryList>\n");
    int ok = !out->failed && !x.failed;
    es_buf_free(&x);
    return ok ? 1 : xq_fail(err, errlen, "out of memory");
}
