/* es_xquery's matcher: a Select evaluated against an es_event seen as the event's XML (see
 * es_xquery.h for the mapping). Steps are resolved once, after parsing, to what they reach
 * (xq_resolve); matching then walks virtual nodes — (kind, data index) pairs — with no
 * allocation and no state but the stack, so worker threads share one query. */
#include "xquery_int.h"
#include "es_utf.h"
#include "es_time.h"

#include <stdio.h>
#include <string.h>

/* ---- numbers and times ---- */

xq_num xq_num_parse(const char *s)
{
    xq_num n = {XN_NAN, 0, 0, 0.0};
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    int neg = *s == '-';
    s += neg;
    int digits = 0, overflow = 0;
    uint64_t v = 0;
    double d = 0.0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        for (s += 2;; s++, digits++) {
            char c = *s;
            int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (x < 0)
                break;
            if (v >> 60)
                overflow = 1;
            v = (v << 4) | (uint64_t)x;
        }
        if (overflow)
            return n;
    } else {
        for (; *s >= '0' && *s <= '9'; s++, digits++) {
            unsigned dd = (unsigned)(*s - '0');
            if (v > (UINT64_MAX - dd) / 10)
                overflow = 1;
            v = v * 10 + dd;
            d = d * 10.0 + dd;
        }
        if (*s == '.') {
            double scale = 0.1;
            int frac = 0;
            for (s++; *s >= '0' && *s <= '9'; s++, frac++, scale /= 10.0)
                d += (*s - '0') * scale;
            if (frac || digits) {
                digits += frac;
                overflow = 1;   /* a real, not an integer */
            }
        }
    }
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    if (!digits || *s)
        return n;
    n.neg = neg;
    if (overflow) {
        n.kind = XN_REAL;
        n.d = neg ? -d : d;
    } else {
        n.kind = XN_INT;
        n.mag = v;
        n.neg = neg && v != 0;
    }
    return n;
}

static double num_double(const xq_num *n)
{
    return n->kind == XN_REAL ? n->d : n->neg ? -(double)n->mag : (double)n->mag;
}

/* -1, 0, 1; 2 when unordered (NaN). */
static int num_cmp(const xq_num *a, const xq_num *b)
{
    if (a->kind == XN_NAN || b->kind == XN_NAN)
        return 2;
    if (a->kind == XN_INT && b->kind == XN_INT) {
        if (a->neg != b->neg)
            return a->neg ? -1 : 1;
        int c = a->mag < b->mag ? -1 : a->mag > b->mag;
        return a->neg ? -c : c;
    }
    double x = num_double(a), y = num_double(b);
    return x < y ? -1 : x > y;
}

int xq_time_parse(const char *s, uint64_t *ticks)
{
    /* es_time_parse_iso8601 takes at most 7 fraction digits: drop the 8th and 9th. */
    char tmp[40];
    size_t n = strlen(s);
    if (n >= sizeof tmp)
        return 0;
    memcpy(tmp, s, n + 1);
    char *dot = strchr(tmp, '.');
    if (dot) {
        size_t k = 0;
        while (dot[1 + k] >= '0' && dot[1 + k] <= '9')
            k++;
        if (k > 7)
            memmove(dot + 8, dot + 1 + k, strlen(dot + 1 + k) + 1);
    }
    return es_time_parse_iso8601(tmp, ticks);
}

/* ---- resolving steps ---- */

typedef struct kname {
    const char *name;
    int kind;
} kname;

static const kname system_children[] = {
    {"Provider", K_PROVIDER}, {"EventID", K_EVENTID}, {"Version", K_VERSION}, {"Level", K_LEVEL},
    {"Task", K_TASK}, {"Opcode", K_OPCODE}, {"Keywords", K_KEYWORDS}, {"TimeCreated", K_TIMECREATED},
    {"EventRecordID", K_RECORDID}, {"Execution", K_EXECUTION}, {"Channel", K_CHANNEL}, {"Computer", K_COMPUTER},
    {"Correlation", K_NOLOCAL}, {"Security", K_NOLOCAL}, {NULL, 0}};
static const kname event_children[] = {
    {"System", K_SYSTEM}, {"EventData", K_EVENTDATA}, {"UserData", K_USERDATA}, {"RenderingInfo", K_NOLOCAL},
    {"BinaryEventData", K_NOLOCAL}, {"DebugData", K_NOLOCAL}, {"ProcessingErrorData", K_NOLOCAL}, {NULL, 0}};

static int lookup(const kname *t, const char *name, int otherwise)
{
    for (; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t->kind;
    return otherwise;
}

/* What a step reaches from a node of kind ctx. K_ABSENT: nothing, on any event (Windows finds
 * nothing either); K_NOLOCAL: something es_event does not keep. */
static int step_kind(int ctx, const xq_step *s)
{
    const char *n = s->name;
    int star = strcmp(n, "*") == 0;
    if (s->attr) {
        static const struct { int ctx; const char *name; int kind; } attrs[] = {
            {K_PROVIDER, "Name", K_A_PROVNAME}, {K_PROVIDER, "Guid", K_NOLOCAL},
            {K_PROVIDER, "EventSourceName", K_NOLOCAL}, {K_EVENTID, "Qualifiers", K_A_QUALIFIERS},
            {K_TIMECREATED, "SystemTime", K_A_SYSTEMTIME}, {K_EXECUTION, "ProcessID", K_A_PID},
            {K_EXECUTION, "ThreadID", K_A_TID}, {K_DATA, "Name", K_A_DATANAME}};
        for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
            if (attrs[i].ctx == ctx && strcmp(attrs[i].name, n) == 0)
                return attrs[i].kind;
        /* Execution's other attributes, UserData's attributes: present in events, not kept. */
        return ctx == K_EXECUTION || ctx == K_UDWRAP || ctx == K_UDLEAF || ctx == K_EVENTDATA || ctx == K_NOLOCAL
                   ? K_NOLOCAL : K_ABSENT;
    }
    switch (ctx) {
    case K_ROOT: return K_EVENT;
    case K_EVENT: return star ? K_NOLOCAL : lookup(event_children, n, K_ABSENT);
    case K_SYSTEM: return star ? K_NOLOCAL : lookup(system_children, n, K_ABSENT);
    case K_EVENTDATA:
        return star || strcmp(n, "Data") == 0 ? K_DATA : strcmp(n, "Binary") == 0 ? K_NOLOCAL : K_ABSENT;
    case K_USERDATA: return star ? K_UDWRAP : K_NOLOCAL;
    case K_UDWRAP: return K_UDLEAF;
    case K_UDLEAF: case K_NOLOCAL: return K_NOLOCAL;
    default: return K_ABSENT;   /* children of leaf elements */
    }
}

static const char *nolocal_what(int ctx, const xq_step *s)
{
    if (ctx == K_SYSTEM && strcmp(s->name, "Security") == 0)
        return "the user (Security/@UserID)";
    if (ctx == K_SYSTEM && strcmp(s->name, "Correlation") == 0)
        return "activity IDs (Correlation)";
    if (ctx == K_USERDATA)
        return "the name of UserData's element (use UserData/*/Name)";
    if (ctx == K_UDWRAP || ctx == K_UDLEAF)
        return "UserData's structure beyond its values";
    if (strcmp(s->name, "*") == 0)
        return "every element of the event (a * step here)";
    return "it";
}

typedef struct rs {
    es_xquery *q;
    const char *bad_time;   /* a literal compared with @SystemTime that is not a time */
} rs;

static int last_kind(const xq_expr *e)
{
    const xq_step *s = e->steps;
    while (s->next)
        s = s->next;
    return s->kind;
}

static void resolve(rs *r, xq_expr *e, int ctx);

static void resolve_path(rs *r, xq_expr *e, int ctx)
{
    for (xq_step *s = e->steps; s; s = s->next) {
        s->kind = step_kind(ctx, s);
        if (s->kind == K_NOLOCAL && ctx != K_NOLOCAL && r->q->local_ok) {
            r->q->local_ok = 0;
            snprintf(r->q->why, sizeof r->q->why,
                     "'%s%.60s' cannot be evaluated on saved logs: EventSweep does not keep %s for them (servers "
                     "can still run this view)", s->attr ? "@" : "", s->name, nolocal_what(ctx, s));
        }
        for (xq_expr *p = s->preds; p; p = p->next)
            resolve(r, p, s->kind);
        ctx = s->kind;
    }
}

static void resolve(rs *r, xq_expr *e, int ctx)
{
    if (!e)
        return;
    switch (e->type) {
    case X_PATH: resolve_path(r, e, ctx); break;
    case X_OR: case X_AND: case X_CMP: case X_BAND:
        resolve(r, e->a, ctx);
        resolve(r, e->b, ctx);
        break;
    case X_GROUP: case X_TIMEDIFF: resolve(r, e->a, ctx); break;
    case X_STR:
        e->has_time = xq_time_parse(e->str, &e->ticks);
        break;
    default: break;
    }
    /* A time compares with a time: Windows refuses the query otherwise, and a typo in a date
     * would silently select nothing. */
    if (e->type == X_CMP) {
        for (int side = 0; side < 2; side++) {
            const xq_expr *t = side ? e->b : e->a, *o = side ? e->a : e->b;
            if (t->type == X_PATH && last_kind(t) == K_A_SYSTEMTIME && !r->bad_time &&
                !(o->type == X_STR && o->has_time) && o->type != X_PATH)
                r->bad_time = o->type == X_STR ? o->str : o->type == X_NUM ? o->str : "an expression";
        }
    }
}

int xq_resolve(es_xquery *q, xq_expr *top, char *err, size_t errlen)
{
    rs r = {q, NULL};
    resolve(&r, top, K_ROOT);
    if (r.bad_time) {
        snprintf(err, errlen, "@SystemTime compares with a time such as '2026-11-28T00:00:00.000Z', not %.60s",
                 r.bad_time);
        return 0;
    }
    return 1;
}

int es_xquery_local_ok(const es_xquery *q, char *why, size_t whylen)
{
    if (!q->local_ok && whylen)
        snprintf(why, whylen, "%s", q->why);
    return q->local_ok;
}

/* ---- matching ---- */

typedef struct ectx {
    const es_event *ev;
    uint64_t now;
} ectx;

typedef struct vnode {
    int kind;
    size_t i;       /* the data item of K_DATA, K_UDLEAF, K_A_DATANAME */
} vnode;

enum { V_STR, V_NUM, V_TIME };
typedef struct xval {
    int type;
    const char *s;
    xq_num n;       /* V_NUM; a literal string's number */
    int lit;        /* a literal: n, has_time and ticks are precomputed */
    int has_time;
    uint64_t ticks; /* V_TIME; a literal string's time */
} xval;

typedef int (*node_fn)(const ectx *c, vnode n, void *arg);
typedef int (*val_fn)(const ectx *c, const xval *v, void *arg);

static int eval_bool(const ectx *c, const xq_expr *e, vnode n);

static const char *nz(const char *s) { return s ? s : ""; }

static xval node_value(const ectx *c, vnode n)
{
    const es_event *ev = c->ev;
    xval v = {V_NUM, NULL, {XN_INT, 0, 0, 0.0}, 0, 0, 0};
    switch (n.kind) {
    case K_EVENTID: v.n.mag = ev->event_id; break;
    case K_VERSION: v.n.mag = ev->version; break;
    case K_LEVEL: v.n.mag = ev->level; break;
    case K_TASK: v.n.mag = ev->task; break;
    case K_OPCODE: v.n.mag = ev->opcode; break;
    case K_KEYWORDS: v.n.mag = ev->keywords; break;
    case K_RECORDID: v.n.mag = ev->record_id; break;
    case K_A_QUALIFIERS: v.n.mag = ev->qualifiers; break;
    case K_A_PID: v.n.mag = ev->process_id; break;
    case K_A_TID: v.n.mag = ev->thread_id; break;
    case K_A_SYSTEMTIME: v.type = V_TIME; v.ticks = ev->time_created; break;
    case K_CHANNEL: v.type = V_STR; v.s = nz(ev->channel); break;
    case K_COMPUTER: v.type = V_STR; v.s = nz(ev->computer); break;
    case K_A_PROVNAME: v.type = V_STR; v.s = nz(ev->provider); break;
    case K_DATA: case K_UDLEAF: v.type = V_STR; v.s = nz(ev->data[n.i].value); break;
    case K_A_DATANAME: v.type = V_STR; v.s = nz(ev->data[n.i].name); break;
    default: v.type = V_STR; v.s = ""; break;   /* elements that hold elements */
    }
    return v;
}

/* Predicates of step s on node m, then the rest of the path. */
static int path_each(const ectx *c, const xq_step *s, vnode n, node_fn fn, void *arg);

static int visit(const ectx *c, const xq_step *s, vnode m, node_fn fn, void *arg)
{
    for (const xq_expr *p = s->preds; p; p = p->next)
        if (!eval_bool(c, p, m))
            return 0;
    if (s->next)
        return path_each(c, s->next, m, fn, arg);
    return fn ? fn(c, m, arg) : 1;
}

/* Calls fn on every node the path from s reaches from n; 1 as soon as fn returns 1. */
static int path_each(const ectx *c, const xq_step *s, vnode n, node_fn fn, void *arg)
{
    const es_event *ev = c->ev;
    vnode m = {s->kind, n.i};
    switch (s->kind) {
    case K_ABSENT: case K_NOLOCAL:
        return 0;
    case K_EVENTDATA: case K_USERDATA: case K_UDWRAP:
        return ev->ndata ? visit(c, s, m, fn, arg) : 0;
    case K_DATA:
        for (size_t i = 0; i < ev->ndata; i++) {
            m.i = i;
            if (visit(c, s, m, fn, arg))
                return 1;
        }
        return 0;
    case K_UDLEAF: {
        int star = strcmp(s->name, "*") == 0;
        for (size_t i = 0; i < ev->ndata; i++) {
            m.i = i;
            if ((star || strcmp(nz(ev->data[i].name), s->name) == 0) && visit(c, s, m, fn, arg))
                return 1;
        }
        return 0;
    }
    case K_A_DATANAME:
        return nz(ev->data[n.i].name)[0] ? visit(c, s, m, fn, arg) : 0;
    default:    /* the event, System and its fields: always there */
        return visit(c, s, m, fn, arg);
    }
}

static int each_value(const ectx *c, const xq_expr *e, vnode n, val_fn fn, void *arg);

typedef struct pv { val_fn fn; void *arg; } pv;
static int path_value(const ectx *c, vnode m, void *arg)
{
    const pv *p = arg;
    xval v = node_value(c, m);
    return p->fn(c, &v, p->arg);
}

/* A value as a number: strings are read as numbers (XPath's number()), times are not numbers. */
static xq_num as_num(const xval *v)
{
    if (v->type == V_NUM)
        return v->n;
    if (v->type == V_STR)
        return v->lit ? v->n : xq_num_parse(v->s);
    xq_num nan = {XN_NAN, 0, 0, 0.0};
    return nan;
}

typedef struct bandc { const xq_expr *e; vnode n; val_fn fn; void *arg; } bandc;
static int band_value(const ectx *c, const xval *a, void *arg)
{
    const bandc *b = arg;
    xq_num x = as_num(a), y = b->e->b->num;
    if (x.kind != XN_INT || y.kind != XN_INT || x.neg || y.neg)
        return 0;
    xval v = {V_NUM, NULL, {XN_INT, 0, x.mag & y.mag, 0.0}, 0, 0, 0};
    return b->fn(c, &v, b->arg);
}

static int timediff_value(const ectx *c, const xval *a, void *arg)
{
    const pv *p = arg;
    if (a->type != V_TIME)
        return 0;
    xval v = {V_NUM, NULL, {XN_INT, 0, 0, 0.0}, 0, 0, 0};
    v.n.neg = a->ticks > c->now;
    v.n.mag = (v.n.neg ? a->ticks - c->now : c->now - a->ticks) / ES_TICKS_PER_MS;
    v.n.neg = v.n.neg && v.n.mag != 0;
    return p->fn(c, &v, p->arg);
}

/* Calls fn on every value of an operand (XPath compares node-sets by "some value matches"). */
static int each_value(const ectx *c, const xq_expr *e, vnode n, val_fn fn, void *arg)
{
    xval v = {V_STR, NULL, {XN_NAN, 0, 0, 0.0}, 1, 0, 0};
    switch (e->type) {
    case X_PATH: {
        pv p = {fn, arg};
        return path_each(c, e->steps, n, path_value, &p);
    }
    case X_STR:
        v.s = e->str;
        v.n = e->num;
        v.has_time = e->has_time;
        v.ticks = e->ticks;
        return fn(c, &v, arg);
    case X_NUM:
        v.type = V_NUM;
        v.n = e->num;
        return fn(c, &v, arg);
    case X_BAND: {
        bandc b = {e, n, fn, arg};
        return each_value(c, e->a, n, band_value, &b);
    }
    case X_TIMEDIFF: {
        pv p = {fn, arg};
        return each_value(c, e->a, n, timediff_value, &p);
    }
    case X_GROUP:
        if (e->a->type != X_OR && e->a->type != X_AND && e->a->type != X_CMP)
            return each_value(c, e->a, n, fn, arg);
        /* a boolean, as the number 0 or 1 */
        /* fall through */
    default:
        v.type = V_NUM;
        v.n.kind = XN_INT;
        v.n.mag = (uint64_t)eval_bool(c, e, n);
        return fn(c, &v, arg);
    }
}

static int as_time(const xval *v, uint64_t *t)
{
    if (v->type == V_TIME) {
        *t = v->ticks;
        return 1;
    }
    if (v->type == V_STR) {
        if (v->lit) {
            *t = v->ticks;
            return v->has_time;
        }
        return xq_time_parse(v->s, t);
    }
    return 0;
}

static int compare(const xval *a, int op, const xval *b)
{
    int r;
    if (a->type == V_TIME || b->type == V_TIME) {
        uint64_t x, y;
        if (!as_time(a, &x) || !as_time(b, &y))
            return op == OP_NE;
        r = x < y ? -1 : x > y;
    } else if ((op == OP_EQ || op == OP_NE) && a->type == V_STR && b->type == V_STR) {
        /* Text compares without regard to the case of ASCII letters, as the simulated fleet does:
         * Windows names (providers, computers, channels) are case-insensitive everywhere else, and
         * a filter must select the same events from a saved log as from its server. Not
         * documented for EvtQuery; to be confirmed on a real server. */
        return es_ascii_ieq(a->s, b->s) == (op == OP_EQ);
    } else {
        xq_num x = as_num(a), y = as_num(b);
        r = num_cmp(&x, &y);
        if (r == 2)
            return op == OP_NE;
    }
    switch (op) {
    case OP_EQ: return r == 0;
    case OP_NE: return r != 0;
    case OP_LT: return r < 0;
    case OP_LE: return r <= 0;
    case OP_GT: return r > 0;
    default: return r >= 0;
    }
}

typedef struct cmpc { const xq_expr *e; vnode n; const xval *a; } cmpc;
static int cmp_inner(const ectx *c, const xval *b, void *arg)
{
    const cmpc *k = arg;
    (void)c;
    return compare(k->a, k->e->op, b);
}
static int cmp_outer(const ectx *c, const xval *a, void *arg)
{
    cmpc k = *(const cmpc *)arg;
    k.a = a;
    return each_value(c, k.e->b, k.n, cmp_inner, &k);
}

static int nonzero(const ectx *c, const xval *v, void *arg)
{
    (void)c;
    (void)arg;
    return v->type == V_NUM ? v->n.kind != XN_NAN && (v->n.kind == XN_REAL ? v->n.d != 0.0 : v->n.mag != 0) : 1;
}

static int eval_bool(const ectx *c, const xq_expr *e, vnode n)
{
    switch (e->type) {
    case X_OR: return eval_bool(c, e->a, n) || eval_bool(c, e->b, n);
    case X_AND: return eval_bool(c, e->a, n) && eval_bool(c, e->b, n);
    case X_GROUP: return eval_bool(c, e->a, n);
    case X_PATH: return path_each(c, e->steps, n, NULL, NULL);
    case X_STR: return e->str[0] != '\0';
    case X_NUM: return nonzero(c, &(xval){V_NUM, NULL, e->num, 1, 0, 0}, NULL);
    case X_BAND: case X_TIMEDIFF: return each_value(c, e, n, nonzero, NULL);
    case X_CMP: {
        cmpc k = {e, n, NULL};
        return each_value(c, e->a, n, cmp_outer, &k);
    }
    }
    return 0;
}

int es_xquery_match_at(const es_xquery *q, const es_event *ev, uint64_t now_ticks)
{
    ectx c = {ev, now_ticks};
    vnode root = {K_ROOT, 0};
    for (const xq_query *qu = q->queries; qu; qu = qu->next) {
        int sel = 0, sup = 0;
        for (const xq_sel *s = qu->sels; s && !sel; s = s->next)
            sel = !s->suppress && eval_bool(&c, s->top, root);
        /* A Suppress removes events from its own Query's Selects only. */
        for (const xq_sel *s = qu->sels; s && sel && !sup; s = s->next)
            sup = s->suppress && eval_bool(&c, s->top, root);
        if (sel && !sup)
            return 1;
    }
    return 0;
}

int es_xquery_match(const es_xquery *q, const es_event *ev) { return es_xquery_match_at(q, ev, q->now); }
