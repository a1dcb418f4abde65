/* es_xquery's XPath reader: one Select's or Suppress's XPath, by recursive descent, into the
 * tree of xquery_int.h (xq_parse_xpath). Windows' event-query subset only: anything else is
 * refused by name and offset; comparisons and `and`/`or` are counted for the limits. The view
 * file around it (its XML, the QueryList) is read in xquery.c. */
#include "xquery_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

static int is_word(const xp *p, const char *w);

static void next(xp *p)
{
    const char *s = p->s;
    while (xq_blank(s[p->pos]))
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
        /* The text goes into the XML sent to servers, where control characters are not allowed. */
        for (const char *k = s + i + 1; k < e; k++)
            if ((unsigned char)*k < 0x20 && *k != '\t' && *k != '\r' && *k != '\n') {
                xfail(p, (size_t)(k - s), "the control character 0x%02X is not accepted", (unsigned)(unsigned char)*k);
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
        while (xq_blank(s[j]))
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

xq_expr *xq_parse_xpath(es_xquery *q, const char *text, const char *where, int *ncmp, int *nbool, char *err,
                        size_t errlen)
{
    xp p = {q, text, 0, 0, 0, 0, 0, where, err, errlen, 0, 0, 0};
    xq_expr *top = p_select(&p);
    *ncmp = p.ncmp;
    *nbool = p.nbool;
    return top;
}
