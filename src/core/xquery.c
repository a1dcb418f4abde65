/* es_xquery: reading a view (its XML, then each Select's XPath by recursive descent) and
 * writing the QueryList a server runs (see es_xquery.h). The matcher is in xquery_eval.c. */
#include "xquery_int.h"
#include "xmlmini.h"
#include "es_time.h"
#include "es_utf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the XPath reader ---- */

enum { T_EOF, T_LP, T_RP, T_LB, T_RB, T_AT, T_SLASH, T_COMMA, T_STAR, T_OP, T_NAME, T_FUNC, T_STR, T_NUM };

typedef struct xp {
    es_xquery *q;
    const char *s;          /* the XPath, entities decoded, NUL-terminated */
    size_t pos;
    int tok, op;            /* the current token */
    size_t tstart, tlen;
    const char *where;      /* "Select 1 of Query 0", "The XPath" */
    char *err;
    size_t errlen;
    int failed, ncmp, nbool;
} xp;

static void xfail(xp *p, size_t off, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errlen, "%s: %s at offset %zu", p->where, msg, off);
}

/* A construct outside the subset Windows event queries accept. */
#define REFUSE(p, off, what) xfail(p, off, "%s is not accepted in an event query", what)

static int name_start(unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80; }
static int name_char(unsigned char c) { return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }
static int blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static int is_word(const xp *p, const char *w);

static void next(xp *p)
{
    const char *s = p->s;
    while (blank(s[p->pos]))
        p->pos++;
    size_t i = p->pos;
    p->tstart = i;
    p->tlen = 1;
    char c = s[i];
    if (p->failed) {
        p->tok = T_EOF;
        return;
    }
    switch (c) {
    case '\0': p->tok = T_EOF; p->tlen = 0; return;
    case '(': p->tok = T_LP; break;
    case ')': p->tok = T_RP; break;
    case '[': p->tok = T_LB; break;
    case ']': p->tok = T_RB; break;
    case '@': p->tok = T_AT; break;
    case ',': p->tok = T_COMMA; break;
    case '*': p->tok = T_STAR; break;
    case '=': p->tok = T_OP; p->op = OP_EQ; break;
    case '/':
        if (s[i + 1] == '/')
            REFUSE(p, i, "'//' (search at any depth)");
        p->tok = T_SLASH;
        break;
    case '!':
        if (s[i + 1] != '=')
            REFUSE(p, i, "'!'");
        p->tok = T_OP; p->op = OP_NE; p->tlen = 2;
        break;
    case '<': case '>':
        p->tok = T_OP;
        p->op = c == '<' ? (s[i + 1] == '=' ? OP_LE : OP_LT) : (s[i + 1] == '=' ? OP_GE : OP_GT);
        p->tlen = s[i + 1] == '=' ? 2 : 1;
        break;
    case '|': REFUSE(p, i, "'|' (union)"); break;
    case '+': case '-': REFUSE(p, i, c == '+' ? "'+' (arithmetic)" : "'-' (arithmetic)"); break;
    case '$': REFUSE(p, i, "'$' (variables)"); break;
    case ':': REFUSE(p, i, "':' (namespace prefixes)"); break;
    case '\'': case '"': {
        const char *e = strchr(s + i + 1, c);
        if (!e) {
            xfail(p, i, "an unterminated string");
            break;
        }
        p->tok = T_STR;
        p->tlen = (size_t)(e - (s + i)) + 1;
        break;
    }
    case '.':
        if (s[i + 1] == '.') {
            REFUSE(p, i, "'..' (parent)");
            break;
        }
        if (!(s[i + 1] >= '0' && s[i + 1] <= '9')) {
            REFUSE(p, i, "'.' (the context node)");
            break;
        }
        /* a number such as .5 */
        /* fall through */
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9': {
        size_t j = i;
        while (s[j] >= '0' && s[j] <= '9')
            j++;
        if (s[j] == '.')
            for (j++; s[j] >= '0' && s[j] <= '9'; j++)
                ;
        p->tok = T_NUM;
        p->tlen = j - i;
        break;
    }
    default:
        if (!name_start((unsigned char)c)) {
            if ((unsigned char)c < 0x20 || c == 0x7F)
                xfail(p, i, "the control character 0x%02X is not accepted", (unsigned)(unsigned char)c);
            else
                xfail(p, i, "'%c' is not accepted in an event query", c);
            break;
        }
        size_t j = i;
        while (name_char((unsigned char)s[j]))
            j++;
        p->tok = T_NAME;
        p->tlen = j - i;
        while (blank(s[j]))
            j++;
        if (s[j] == ':' && s[j + 1] == ':') {
            xfail(p, i, "the axis '%.*s::' is not accepted in an event query (only child steps and @attributes)",
                  (int)(p->tlen > 40 ? 40 : p->tlen), s + i);
        } else if (s[j] == ':') {
            REFUSE(p, j, "':' (namespace prefixes)");
        } else if (s[j] == '(' && !is_word(p, "and") && !is_word(p, "or") && !is_word(p, "div") &&
                   !is_word(p, "mod")) {
            p->tok = T_FUNC;    /* `and (Level=1 ...)` is an operator and a group */
        }
        break;
    }
    if (p->failed)
        p->tok = T_EOF;
    else
        p->pos = i + p->tlen;
}

static int is_word(const xp *p, const char *w)
{
    return p->tok == T_NAME && p->tlen == strlen(w) && memcmp(p->s + p->tstart, w, p->tlen) == 0;
}

static void *node(xp *p, size_t size)
{
    void *n = es_arena_alloc(&p->q->arena, size, 8);
    if (!n)
        xfail(p, p->tstart, "out of memory");
    else
        memset(n, 0, size);
    return n;
}

static xq_expr *expr_node(xp *p, int type)
{
    xq_expr *e = node(p, sizeof *e);
    if (e)
        e->type = type;
    return e;
}

static const char *tok_text(xp *p, size_t skip)
{
    const char *t = es_arena_strndup(&p->q->arena, p->s + p->tstart + skip, p->tlen - 2 * skip);
    if (!t)
        xfail(p, p->tstart, "out of memory");
    return t;
}

static void expect(xp *p, int tok, const char *what)
{
    if (p->failed)
        return;
    if (p->tok != tok) {
        if (p->tok == T_EOF)
            xfail(p, p->tstart, "%s was expected before the end", what);
        else
            xfail(p, p->tstart, "%s was expected", what);
        return;
    }
    next(p);
}

static xq_expr *p_or(xp *p, int depth);

static xq_expr *p_path(xp *p, int depth)
{
    xq_expr *e = expr_node(p, X_PATH);
    xq_step **tail = e ? &e->steps : NULL;
    int nsteps = 0;
    while (!p->failed) {
        xq_step *st = node(p, sizeof *st);
        if (!st)
            return NULL;
        if (++nsteps > XQ_MAX_STEPS) {
            xfail(p, p->tstart, "a path of more than %d steps", XQ_MAX_STEPS);
            return NULL;
        }
        size_t at = p->tstart;
        if (p->tok == T_AT) {
            next(p);
            if (p->tok == T_STAR) {
                REFUSE(p, p->tstart, "'@*' (any attribute)");
                return NULL;
            }
            if (p->tok != T_NAME) {
                xfail(p, p->tstart, "an attribute name was expected after '@'");
                return NULL;
            }
            st->attr = 1;
        } else if (p->tok == T_FUNC) {
            xfail(p, p->tstart, "the function %.*s() is not accepted inside a path", (int)(p->tlen > 40 ? 40 : p->tlen),
                  p->s + p->tstart);
            return NULL;
        } else if (p->tok != T_NAME && p->tok != T_STAR) {
            xfail(p, p->tstart, p->tok == T_EOF ? "a step was expected before the end" : "a step was expected");
            return NULL;
        }
        st->name = p->tok == T_STAR ? "*" : tok_text(p, 0);
        next(p);
        while (p->tok == T_LB && !p->failed) {
            if (st->attr) {
                xfail(p, p->tstart, "an attribute step takes no predicate");
                return NULL;
            }
            if (depth >= XQ_MAX_DEPTH) {
                xfail(p, p->tstart, "predicates nested more than %d deep", XQ_MAX_DEPTH);
                return NULL;
            }
            size_t open = p->tstart;
            /* A second predicate is an `and` (the window's text joins them): counted as one. */
            if (st->preds && ++p->nbool > XQ_MAX_BOOLOPS) {
                xfail(p, open, "more than %d 'and'/'or' in one XPath", XQ_MAX_BOOLOPS);
                return NULL;
            }
            next(p);
            xq_expr *pr = p_or(p, depth + 1);
            if (pr && pr->type == X_NUM) {
                REFUSE(p, open, "a position predicate ([number])");
                return NULL;
            }
            expect(p, T_RB, "']'");
            if (!pr)
                return NULL;
            xq_expr **pt = &st->preds;
            while (*pt)
                pt = &(*pt)->next;
            *pt = pr;
        }
        if (p->failed)
            return NULL;
        *tail = st;
        tail = &st->next;
        if (p->tok != T_SLASH)
            break;
        if (st->attr) {
            xfail(p, at, "an attribute must be the last step of a path");
            return NULL;
        }
        next(p);
    }
    return p->failed ? NULL : e;
}

static int is_num_lit(const xq_expr *e) { return e && e->type == X_NUM; }

static xq_expr *p_number(xp *p)
{
    xq_expr *e = expr_node(p, X_NUM);
    if (!e)
        return NULL;
    char tmp[64];
    if (p->tlen >= sizeof tmp) {
        xfail(p, p->tstart, "the number %.20s... is too long", p->s + p->tstart);
        return NULL;
    }
    memcpy(tmp, p->s + p->tstart, p->tlen);
    tmp[p->tlen] = '\0';
    e->num = xq_num_parse(tmp);
    if (e->num.kind == XN_REAL && !strchr(tmp, '.')) {
        xfail(p, p->tstart, "the number %s is larger than 64 bits", tmp);
        return NULL;
    }
    if (e->num.kind == XN_INT) {
        snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)e->num.mag);
        e->str = es_arena_strdup(&p->q->arena, tmp);
    } else {
        e->str = tok_text(p, 0);
    }
    next(p);
    return e->str ? e : NULL;
}

/* A function's argument: a path, a number or a string. */
static xq_expr *p_arg(xp *p, int depth)
{
    if (p->tok == T_NUM)
        return p_number(p);
    if (p->tok == T_STR) {
        xq_expr *e = expr_node(p, X_STR);
        if (e && (e->str = tok_text(p, 1)) != NULL)
            e->num = xq_num_parse(e->str);
        next(p);
        return e;
    }
    return p_path(p, depth);
}

static xq_expr *p_prim(xp *p, int depth)
{
    size_t at = p->tstart;
    switch (p->tok) {
    case T_LP: {
        if (depth >= XQ_MAX_DEPTH) {
            xfail(p, at, "parentheses nested more than %d deep", XQ_MAX_DEPTH);
            return NULL;
        }
        next(p);
        xq_expr *g = expr_node(p, X_GROUP);
        if (g)
            g->a = p_or(p, depth + 1);
        expect(p, T_RP, "')'");
        if (p->tok == T_LB)
            REFUSE(p, p->tstart, "a predicate on a parenthesized expression");
        return p->failed ? NULL : g;
    }
    case T_STR: case T_NUM:
        return p_arg(p, depth);
    case T_FUNC: {
        int band = p->tlen == 4 && memcmp(p->s + at, "band", 4) == 0;
        int td = p->tlen == 8 && memcmp(p->s + at, "timediff", 8) == 0;
        if (!band && !td) {
            int isnot = p->tlen == 3 && memcmp(p->s + at, "not", 3) == 0;
            xfail(p, at, "the function %.*s() is not accepted in an event query (only band() and timediff())%s",
                  (int)(p->tlen > 40 ? 40 : p->tlen), p->s + at, isnot ? "; use != or a Suppress instead of not()" : "");
            return NULL;
        }
        next(p);
        expect(p, T_LP, "'('");
        xq_expr *f = expr_node(p, band ? X_BAND : X_TIMEDIFF);
        if (!f || p->failed)
            return NULL;
        f->a = p_arg(p, depth);
        if (band) {
            expect(p, T_COMMA, "',' (band takes two arguments)");
            if (!p->failed)
                f->b = p_arg(p, depth);
            /* band(Keywords, N) is what Event Viewer writes; a number as the second argument
             * keeps the work per event linear. */
            if (!p->failed && !is_num_lit(f->b))
                xfail(p, p->tstart, "band() takes a number as its second argument");
            p->ncmp++;
        } else if (!p->failed) {
            const xq_step *last = f->a && f->a->type == X_PATH ? f->a->steps : NULL;
            while (last && last->next)
                last = last->next;
            if (!last || !last->attr || strcmp(last->name, "SystemTime") != 0)
                xfail(p, at, "timediff() takes @SystemTime (TimeCreated[timediff(@SystemTime) <= N])");
        }
        expect(p, T_RP, "')'");
        if (!p->failed && f->a && f->a->type != X_PATH && f->a->type != X_NUM)
            xfail(p, at, "band() takes a path or a number");
        return p->failed ? NULL : f;
    }
    case T_NAME: case T_STAR: case T_AT:
        return p_path(p, depth);
    case T_EOF:
        xfail(p, at, "an expression was expected before the end");
        return NULL;
    default:
        xfail(p, at, "an expression was expected");
        return NULL;
    }
}

static xq_expr *p_rel(xp *p, int depth)
{
    xq_expr *a = p_prim(p, depth);
    if (!a || p->tok != T_OP)
        return a;
    xq_expr *c = expr_node(p, X_CMP);
    if (!c)
        return NULL;
    c->op = p->op;
    c->a = a;
    next(p);
    c->b = p_prim(p, depth);
    p->ncmp++;
    if (p->tok == T_OP)
        REFUSE(p, p->tstart, "a chained comparison (a = b = c)");
    return p->failed ? NULL : c;
}

static xq_expr *p_bool(xp *p, int depth, int type)
{
    const char *word = type == X_OR ? "or" : "and";
    xq_expr *a = type == X_OR ? p_bool(p, depth, X_AND) : p_rel(p, depth);
    while (a && is_word(p, word) && !p->failed) {
        if (++p->nbool > XQ_MAX_BOOLOPS) {
            xfail(p, p->tstart, "more than %d 'and'/'or' in one XPath", XQ_MAX_BOOLOPS);
            return NULL;
        }
        next(p);
        xq_expr *e = expr_node(p, type);
        if (!e)
            return NULL;
        e->a = a;
        e->b = type == X_OR ? p_bool(p, depth, X_AND) : p_rel(p, depth);
        a = e->b ? e : NULL;
    }
    return p->failed ? NULL : a;
}

static xq_expr *p_or(xp *p, int depth)
{
    xq_expr *e = p_bool(p, depth, X_OR);
    /* What may follow an expression: ']' ')' ',' or the end. Name what else is there. */
    if (!p->failed && p->tok != T_RB && p->tok != T_RP && p->tok != T_COMMA && p->tok != T_EOF) {
        if (is_word(p, "div") || is_word(p, "mod") || p->tok == T_STAR)
            REFUSE(p, p->tstart, is_word(p, "div") ? "'div' (arithmetic)" : is_word(p, "mod") ? "'mod' (arithmetic)" : "'*' (multiplication)");
        else
            xfail(p, p->tstart, "'and', 'or' or a comparison was expected");
    }
    return p->failed ? NULL : e;
}

/* Event Viewer writes `*[System[...]] and *[EventData[...]]`: at the top, `and`, `or` and
 * parentheses combine paths that each select events. */
static int events_only(const xq_expr *e)
{
    if (e->type == X_AND || e->type == X_OR)
        return events_only(e->a) && events_only(e->b);
    if (e->type == X_GROUP)
        return events_only(e->a);
    const xq_step *st = e->type == X_PATH ? e->steps : NULL;
    return st && !st->next && !st->attr && (strcmp(st->name, "*") == 0 || strcmp(st->name, "Event") == 0);
}

/* One Select or Suppress. */
static xq_expr *p_select(xp *p)
{
    next(p);
    if (p->tok == T_EOF) {
        xfail(p, 0, "the XPath is empty");
        return NULL;
    }
    xq_expr *top = p_or(p, 0);
    if (!top)
        return NULL;
    if (p->tok != T_EOF) {
        xfail(p, p->tstart, "unexpected '%c'", p->s[p->tstart]);
        return NULL;
    }
    if (!events_only(top)) {
        xfail(p, 0, "only events can be selected: write * or Event with predicates, e.g. *[System[Level=2]]");
        return NULL;
    }
    return top;
}

/* ---- the view file ---- */

static int fail_msg(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return 0;
}

static const char *trimmed(es_arena *a, const char *s, size_t n)
{
    while (n && blank(*s))
        s++, n--;
    while (n && blank(s[n - 1]))
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
    xp p = {q, text, 0, 0, 0, 0, 0, where, err, errlen, 0, 0, 0};
    xq_expr *top = p_select(&p);
    if (!top)
        return 0;
    if (p.ncmp > ES_XQUERY_MAX_COMPARISONS)
        return fail_msg(err, errlen,
                        "%s has %d comparisons; Windows accepts at most %d in one XPath (KB970453): split it into "
                        "several %ss of the same Query",
                        where, p.ncmp, ES_XQUERY_MAX_COMPARISONS, suppress ? "Suppress" : "Select");
    char terr[200];
    if (!xq_resolve(q, top, terr, sizeof terr))
        return fail_msg(err, errlen, "%s: %s", where, terr);
    xq_sel *s = es_arena_alloc(&q->arena, sizeof *s, 8);
    if (!s)
        return fail_msg(err, errlen, "out of memory");
    memset(s, 0, sizeof *s);
    s->suppress = suppress;
    s->ordinal = ordinal;
    s->path = path;
    s->top = top;
    s->ncmp = p.ncmp;
    s->nbool = p.nbool;
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
            return fail_msg(err, errlen, "<%.40s> inside <QueryList>: only <Query> elements are expected", c->name);
        xq_query *qu = es_arena_alloc(&q->arena, sizeof *qu, 8);
        if (!qu)
            return fail_msg(err, errlen, "out of memory");
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
                return fail_msg(err, errlen, "<%.40s> inside <Query>: only <Select> and <Suppress> are expected", s->name);
            if (s->child)
                return fail_msg(err, errlen, "<%s> holds an element; it should hold an XPath", s->name);
            const char *text = trimmed(&q->arena, s->text, s->text_len);
            if (!text)
                return fail_msg(err, errlen, "out of memory");
            if (!add_sel(q, qu, sup, sup ? ++nsup : ++nsel, xm_attr_get(s, "Path"), text, err, errlen))
                return 0;
        }
        if (nsel == 0)
            return fail_msg(err, errlen, "Query %.40s has no <Select>", qu->id ? qu->id : "(no Id)");
    }
    if (nquery == 0)
        return fail_msg(err, errlen, "the <QueryList> has no <Query>");
    return 1;
}

/* UTF-8 text from what the file holds: a UTF-8 BOM is dropped, UTF-16 with a BOM converted. */
static int decode(const char *text, size_t len, es_buf *out, char *err, size_t errlen)
{
    const unsigned char *u = (const unsigned char *)text;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        int be = u[0] == 0xFE;
        if (len % 2)
            return fail_msg(err, errlen, "the file is UTF-16 but has an odd number of bytes");
        size_t n = (len - 2) / 2;
        char *tmp = NULL;
        const char *src = text + 2;
        if (be) {
            if (!(tmp = malloc(len)))
                return fail_msg(err, errlen, "out of memory");
            for (size_t i = 0; i < n; i++) {
                tmp[2 * i] = text[2 + 2 * i + 1];
                tmp[2 * i + 1] = text[2 + 2 * i];
            }
            src = tmp;
        }
        int ok = es_utf16le_to_utf8(out, src, n, 0);
        free(tmp);
        return ok ? 1 : fail_msg(err, errlen, "out of memory");
    }
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        text += 3, len -= 3;
    if (!es_buf_append(out, text, len) || !es_buf_reserve(out, 1))
        return fail_msg(err, errlen, "out of memory");
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
        fail_msg(err, errlen, "out of memory");
        return NULL;
    }
    es_arena_init(&q->arena);
    q->local_ok = 1;
    q->name = "";
    es_buf b;
    es_buf_init(&b);
    int ok = text ? decode(text, len, &b, err, errlen) : fail_msg(err, errlen, "no text");
    if (ok) {
        const char *s = b.data ? b.data : "";
        size_t i = 0;
        while (i < b.len && blank(s[i]))
            i++;
        if (i == b.len) {
            ok = fail_msg(err, errlen, "the view is empty");
        } else if (s[i] != '<') {
            /* A bare XPath: one Select of the log being swept. */
            q->bare = 1;
            xq_query *qu = es_arena_alloc(&q->arena, sizeof *qu, 8);
            const char *t = trimmed(&q->arena, s, b.len);
            if (!qu || !t) {
                ok = fail_msg(err, errlen, "out of memory");
            } else {
                memset(qu, 0, sizeof *qu);
                q->queries = qu;
                if (memchr(s, '\0', b.len))
                    ok = fail_msg(err, errlen, "The XPath holds a NUL byte at offset %zu", (size_t)((const char *)memchr(s, '\0', b.len) - s));
                else
                    ok = add_sel(q, qu, 0, 1, NULL, t, err, errlen);
            }
        } else {
            xm_node *root = xm_parse(&q->arena, s, b.len, err, errlen);
            const xm_node *ql = root ? xm_find(root, "QueryList", 0) : NULL;
            if (!root) {
                ok = 0;
            } else if (!ql) {
                ok = fail_msg(err, errlen, "no <QueryList> in <%.40s>: paste the XML tab of Filter Current Log, or a "
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
                return fail_msg(err, errlen,
                                "%s has %d comparisons and the time window adds one: Windows accepts at most %d in "
                                "one XPath (KB970453): split the Select into two, or sweep \"all\" hours",
                                where, s->ncmp, ES_XQUERY_MAX_COMPARISONS);
            /* Our own limit (it bounds recursion): the window's `and` must fit too, or the text
             * sent would not read back. */
            if (s->nbool + 1 > XQ_MAX_BOOLOPS)
                return fail_msg(err, errlen,
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
    return ok ? 1 : fail_msg(err, errlen, "out of memory");
}
