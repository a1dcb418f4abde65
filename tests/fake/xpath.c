/* xpath: the Windows Event Log query subset, for the SIMULATED FLEET. See xpath.h and
 * tests/fake/README ("Queries").
 *
 * Windows documents its subset in MS-EVEN6 2.2.15 (child and attribute axes; node tests "*",
 * NCName, text(); or, and, = != < <= > >=; parentheses; literals, numbers, function calls, of
 * which position() from the core library) plus the band() and timediff() extensions. The
 * evaluator walks a fixed schema of the event XML the fake renders (wevtapi.c event_xml), so
 * a path that names an element the event does not have selects nothing, as on Windows, and
 * compares typed values as the service does (numbers as numbers, @SystemTime as a time, not
 * XPath 1.0's string-to-NaN conversions). Everything else is refused, so a client that drifts
 * outside the subset fails in the tests as it would against a real server. */
#include "xpath.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ the event schema */

enum {
    NM_EVENT, NM_SYSTEM, NM_PROVIDER, NM_NAME, NM_GUID, NM_ESN, NM_EVENTID, NM_QUALIFIERS, NM_VERSION,
    NM_LEVEL, NM_TASK, NM_OPCODE, NM_KEYWORDS, NM_TIMECREATED, NM_SYSTEMTIME, NM_RECORDID, NM_CORRELATION,
    NM_EXECUTION, NM_PROCESSID, NM_THREADID, NM_CHANNEL, NM_COMPUTER, NM_SECURITY, NM_USERID, NM_EVENTDATA,
    NM_DATA, NM_COUNT
};
static const char *const g_names[NM_COUNT] = {
    "Event", "System", "Provider", "Name", "Guid", "EventSourceName", "EventID", "Qualifiers", "Version",
    "Level", "Task", "Opcode", "Keywords", "TimeCreated", "SystemTime", "EventRecordID", "Correlation",
    "Execution", "ProcessID", "ThreadID", "Channel", "Computer", "Security", "UserID", "EventData", "Data"};

enum {
    S_ROOT, S_EVENT, S_SYSTEM, S_PROVIDER, S_PNAME, S_PGUID, S_PESN, S_EVENTID, S_QUAL, S_VERSION, S_LEVEL,
    S_TASK, S_OPCODE, S_KEYWORDS, S_TIMECREATED, S_SYSTIME, S_RECID, S_CORR, S_EXEC, S_PID, S_TID, S_CHANNEL,
    S_COMPUTER, S_SECURITY, S_USERID, S_EVENTDATA, S_DATA, S_DNAME, S_COUNT
};
static const struct { int name, parent, attr; } g_schema[S_COUNT] = {
    [S_ROOT] = {-1, -1, 0},
    [S_EVENT] = {NM_EVENT, S_ROOT, 0},
    [S_SYSTEM] = {NM_SYSTEM, S_EVENT, 0},
    [S_PROVIDER] = {NM_PROVIDER, S_SYSTEM, 0},
    [S_PNAME] = {NM_NAME, S_PROVIDER, 1},
    [S_PGUID] = {NM_GUID, S_PROVIDER, 1},
    [S_PESN] = {NM_ESN, S_PROVIDER, 1},
    [S_EVENTID] = {NM_EVENTID, S_SYSTEM, 0},
    [S_QUAL] = {NM_QUALIFIERS, S_EVENTID, 1},
    [S_VERSION] = {NM_VERSION, S_SYSTEM, 0},
    [S_LEVEL] = {NM_LEVEL, S_SYSTEM, 0},
    [S_TASK] = {NM_TASK, S_SYSTEM, 0},
    [S_OPCODE] = {NM_OPCODE, S_SYSTEM, 0},
    [S_KEYWORDS] = {NM_KEYWORDS, S_SYSTEM, 0},
    [S_TIMECREATED] = {NM_TIMECREATED, S_SYSTEM, 0},
    [S_SYSTIME] = {NM_SYSTEMTIME, S_TIMECREATED, 1},
    [S_RECID] = {NM_RECORDID, S_SYSTEM, 0},
    [S_CORR] = {NM_CORRELATION, S_SYSTEM, 0},
    [S_EXEC] = {NM_EXECUTION, S_SYSTEM, 0},
    [S_PID] = {NM_PROCESSID, S_EXEC, 1},
    [S_TID] = {NM_THREADID, S_EXEC, 1},
    [S_CHANNEL] = {NM_CHANNEL, S_SYSTEM, 0},
    [S_COMPUTER] = {NM_COMPUTER, S_SYSTEM, 0},
    [S_SECURITY] = {NM_SECURITY, S_SYSTEM, 0},
    [S_USERID] = {NM_USERID, S_SECURITY, 1},
    [S_EVENTDATA] = {NM_EVENTDATA, S_EVENT, 0},
    [S_DATA] = {NM_DATA, S_EVENTDATA, 0},
    [S_DNAME] = {NM_NAME, S_DATA, 1},
};

/* ------------------------------------------------------------------ the compiled query */

enum { K_OR, K_AND, K_CMP, K_PATH, K_STR, K_NUM, K_BAND, K_TIMEDIFF, K_POSITION };
enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

#define NAME_ANY   (-1)   /* "*" */
#define NAME_TEXT  (-2)   /* text() */
#define NAME_NONE  (-3)   /* a name the schema does not have: selects nothing */

typedef struct xnode {
    int      kind, op;
    int      a, b;          /* children (K_OR/AND/CMP/BAND/TIMEDIFF; b = -1 when absent) */
    int      step0, nsteps; /* K_PATH */
    char    *s;             /* K_STR */
    int      iso;           /* K_STR: s is a valid time */
    uint64_t ticks;
    double   d;             /* K_NUM */
    int      exact;         /* K_NUM: a non-negative integer that fits, in u */
    uint64_t u;
} xnode;

typedef struct xstep {
    int attr, name;
    int pred0, npred;       /* into preds[] */
} xstep;

typedef struct xexpr {
    int top;                /* a step: the top-level "*" or "Event" and its predicates */
    int suppress;
} xexpr;

#define MAX_NODES 4096
#define MAX_STEPS 2048
#define MAX_PREDS 2048
#define MAX_EXPRS 256

struct xp_query {
    char  channel[256];
    int   all;
    int   nn, ns, np, ne;
    xnode nodes[MAX_NODES];
    xstep steps[MAX_STEPS];
    int   preds[MAX_PREDS];
    xexpr exprs[MAX_EXPRS];
};

/* ------------------------------------------------------------------ helpers */

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (lower((unsigned char)*a) != lower((unsigned char)*b))
            return 0;
    return *a == *b;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int xp_parse_iso(const char *s, size_t len, uint64_t *ticks)
{
    /* YYYY-MM-DDTHH:MM:SS[.f+]Z exactly; the service's own format (what Event Viewer sends) */
    char b[64];
    if (len >= sizeof b || len < 20)
        return 0;
    memcpy(b, s, len);
    b[len] = 0;
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    for (int i = 0; i < 19; i++)
        if (shape[i] == 'd' ? (b[i] < '0' || b[i] > '9') : b[i] != shape[i])
            return 0;
#define NUM2(i) ((unsigned)(b[i] - '0') * 10 + (unsigned)(b[i + 1] - '0'))
    unsigned y = NUM2(0) * 100 + NUM2(2), mo = NUM2(5), d = NUM2(8), h = NUM2(11), mi = NUM2(14), sec = NUM2(17);
#undef NUM2
    const char *p = b + 19;
    uint64_t frac = 0;
    int digits = 0;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            if (digits < 7)
                frac = frac * 10 + (uint64_t)(*p - '0');
        if (!digits)
            return 0;
    }
    for (int i = digits < 7 ? digits : 7; i < 7; i++)
        frac *= 10;
    if (*p != 'Z' || p[1])
        return 0;
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1601 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 59)
        return 0;
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 0;
    int64_t days = days_from_civil(y, mo, d) - days_from_civil(1601, 1, 1);
    *ticks = ((uint64_t)days * 86400ull + h * 3600ull + mi * 60ull + sec) * 10000000ull + frac;
    return 1;
}

/* ------------------------------------------------------------------ the lexer */

enum {
    T_EOF, T_STAR, T_LBR, T_RBR, T_LP, T_RP, T_SLASH, T_DSLASH, T_AT, T_COMMA,
    T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_NAME, T_NUM, T_STR, T_BAD
};

typedef struct parser {
    xp_query   *q;
    const char *src;
    size_t      len, pos;
    int         tok;
    size_t      ts, tl;     /* the token's text */
    int         ncmp;
    int         depth;
    char       *err;
    size_t      errlen;
    int         failed;
} parser;

static int perr(parser *p, const char *fmt, const char *arg)
{
    if (!p->failed) {
        snprintf(p->err, p->errlen, fmt, arg ? arg : "");
        p->failed = 1;
    }
    return -1;
}

static int is_name_start(int c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
static int is_name_char(int c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

static void lex(parser *p)
{
    const char *s = p->src;
    while (p->pos < p->len && (s[p->pos] == ' ' || s[p->pos] == '\t' || s[p->pos] == '\r' || s[p->pos] == '\n'))
        p->pos++;
    p->ts = p->pos;
    p->tl = 1;
    if (p->pos >= p->len) {
        p->tok = T_EOF;
        p->tl = 0;
        return;
    }
    char c = s[p->pos], n = p->pos + 1 < p->len ? s[p->pos + 1] : 0;
    switch (c) {
    case '*': p->tok = T_STAR; break;
    case '[': p->tok = T_LBR; break;
    case ']': p->tok = T_RBR; break;
    case '(': p->tok = T_LP; break;
    case ')': p->tok = T_RP; break;
    case '@': p->tok = T_AT; break;
    case ',': p->tok = T_COMMA; break;
    case '=': p->tok = T_EQ; break;
    case '/': p->tok = n == '/' ? T_DSLASH : T_SLASH; p->tl = n == '/' ? 2 : 1; break;
    case '!': p->tok = n == '=' ? T_NE : T_BAD; p->tl = n == '=' ? 2 : 1; break;
    case '<': p->tok = n == '=' ? T_LE : T_LT; p->tl = n == '=' ? 2 : 1; break;
    case '>': p->tok = n == '=' ? T_GE : T_GT; p->tl = n == '=' ? 2 : 1; break;
    case '\'':
    case '"': {
        size_t e = p->pos + 1;
        while (e < p->len && s[e] != c)
            e++;
        if (e >= p->len) {
            p->tok = T_BAD;
            break;
        }
        p->tok = T_STR;
        p->tl = e + 1 - p->pos;
        break;
    }
    default:
        if ((c >= '0' && c <= '9') || (c == '.' && n >= '0' && n <= '9')) {
            size_t e = p->pos;
            while (e < p->len && s[e] >= '0' && s[e] <= '9')
                e++;
            if (e < p->len && s[e] == '.')
                for (e++; e < p->len && s[e] >= '0' && s[e] <= '9'; e++)
                    ;
            p->tok = T_NUM;
            p->tl = e - p->pos;
        } else if (is_name_start((unsigned char)c)) {
            size_t e = p->pos;
            while (e < p->len && is_name_char((unsigned char)s[e]))
                e++;
            p->tok = T_NAME;
            p->tl = e - p->pos;
        } else {
            p->tok = T_BAD;
            if (c == '.' && n == '.')
                p->tl = 2;
            else if (c == ':' && n == ':')
                p->tl = 2;
        }
    }
    p->pos += p->tl;
}

/* The next non-blank character after the current token (0 at the end). */
static char peek(const parser *p)
{
    size_t i = p->pos;
    while (i < p->len && strchr(" \t\r\n", p->src[i]))
        i++;
    return i < p->len ? p->src[i] : 0;
}

static int tok_is(const parser *p, const char *word)
{
    return p->tok == T_NAME && strlen(word) == p->tl && !memcmp(p->src + p->ts, word, p->tl);
}

static const char *tok_text(const parser *p, char *buf, size_t cap)
{
    if (p->tok == T_EOF)
        return "the end";
    size_t n = p->tl < cap - 1 ? p->tl : cap - 1;
    memcpy(buf, p->src + p->ts, n);
    buf[n] = 0;
    return buf;
}

/* ------------------------------------------------------------------ the parser */

static int new_node(parser *p, int kind)
{
    xp_query *q = p->q;
    if (q->nn >= MAX_NODES)
        return perr(p, "The query is too long.%s", NULL);
    xnode *x = &q->nodes[q->nn];
    memset(x, 0, sizeof *x);
    x->kind = kind;
    x->a = x->b = -1;
    return q->nn++;
}

static int parse_or(parser *p);

/* What may follow an operand: anything else is outside the subset, and the message says why. */
static int refuse_here(parser *p)
{
    char b[48];
    if (p->tok == T_STAR || p->tok == T_BAD || tok_is(p, "div") || tok_is(p, "mod")) {
        const char *t = tok_text(p, b, sizeof b);
        if (!strcmp(t, "|"))
            return perr(p, "The specified query is invalid: unions ('|') are not supported.%s", NULL);
        if (!strcmp(t, "..") || !strcmp(t, "."))
            return perr(p, "The specified query is invalid: only the child and attribute axes are supported ('%s').", t);
        if (!strcmp(t, "::"))
            return perr(p, "The specified query is invalid: explicit axes ('::') are not supported.%s", NULL);
        if (!strcmp(t, "+") || !strcmp(t, "-") || !strcmp(t, "*") || !strcmp(t, "div") || !strcmp(t, "mod"))
            return perr(p, "The specified query is invalid: arithmetic ('%s') is not supported.", t);
        return perr(p, "The specified query is invalid: unexpected '%s'.", t);
    }
    if (p->tok == T_DSLASH)
        return perr(p, "The specified query is invalid: the descendant axis ('//') is not supported.%s", NULL);
    return perr(p, "The specified query is invalid: unexpected %s.", tok_text(p, b, sizeof b));
}

static int parse_preds(parser *p, int *pred0, int *npred)
{
    xp_query *q = p->q;
    int tmp[64], n = 0;
    while (p->tok == T_LBR) {
        lex(p);
        int e = parse_or(p);
        if (e < 0)
            return -1;
        if (p->tok != T_RBR)
            return p->tok == T_EOF ? perr(p, "The specified query is invalid: ']' is missing.%s", NULL) : refuse_here(p);
        lex(p);
        if (n >= 64)
            return perr(p, "The specified query is invalid: too many predicates.%s", NULL);
        tmp[n++] = e;
    }
    if (q->np + n > MAX_PREDS)
        return perr(p, "The query is too long.%s", NULL);
    *pred0 = q->np;
    *npred = n;
    memcpy(q->preds + q->np, tmp, (size_t)n * sizeof *tmp);
    q->np += n;
    return 0;
}

static int name_id(const char *s, size_t n)
{
    for (int i = 0; i < NM_COUNT; i++)
        if (strlen(g_names[i]) == n && !memcmp(g_names[i], s, n))
            return i;
    return NAME_NONE;
}

static int parse_path(parser *p)
{
    xp_query *q = p->q;
    int node = new_node(p, K_PATH);
    if (node < 0)
        return -1;
    /* the steps are collected here and stored together at the end: the predicates' own
     * paths store theirs in between */
    xstep steps[32];
    int nsteps = 0;
    for (;;) {
        if (nsteps >= 32)
            return perr(p, "The specified query is invalid: a path is too long.%s", NULL);
        xstep st = {0, NAME_ANY, 0, 0};
        if (p->tok == T_AT) {
            st.attr = 1;
            lex(p);
        }
        if (p->tok == T_STAR) {
            st.name = NAME_ANY;
        } else if (p->tok == T_NAME) {
            size_t ts = p->ts, tl = p->tl;
            if (p->pos < p->len && p->src[p->pos] == ':')
                return perr(p, "The specified query is invalid: namespace prefixes and axes are not supported.%s", NULL);
            if (peek(p) == '(') {
                if (!tok_is(p, "text") || st.attr)
                    return perr(p, "The specified query is invalid: %s() is not supported here.",
                                tok_text(p, (char[48]){0}, 48));
                lex(p);
                lex(p);
                if (p->tok != T_RP)
                    return perr(p, "The specified query is invalid: text() takes no argument.%s", NULL);
                st.name = NAME_TEXT;
            } else {
                st.name = name_id(p->src + ts, tl);
            }
        } else {
            return refuse_here(p);
        }
        lex(p);
        if (parse_preds(p, &st.pred0, &st.npred) < 0)
            return -1;
        steps[nsteps++] = st;
        if (p->tok == T_DSLASH)
            return refuse_here(p);
        if (p->tok != T_SLASH)
            break;
        lex(p);
    }
    if (q->ns + nsteps > MAX_STEPS)
        return perr(p, "The query is too long.%s", NULL);
    q->nodes[node].step0 = q->ns;
    q->nodes[node].nsteps = nsteps;
    memcpy(q->steps + q->ns, steps, (size_t)nsteps * sizeof *steps);
    q->ns += nsteps;
    return node;
}

/* The path's last step is @SystemTime: its literal must then be a time. */
static int is_systime_path(const xp_query *q, int n)
{
    const xnode *x = &q->nodes[n];
    if (x->kind != K_PATH || !x->nsteps)
        return 0;
    const xstep *st = &q->steps[x->step0 + x->nsteps - 1];
    return st->attr && st->name == NM_SYSTEMTIME;
}

static int parse_args(parser *p, int *args, int max)
{
    int n = 0;
    lex(p);   /* the name */
    lex(p);   /* '(' */
    if (p->tok == T_RP) {
        lex(p);
        return 0;
    }
    for (;;) {
        if (n >= max)
            return perr(p, "The specified query is invalid: too many arguments.%s", NULL);
        int e = parse_or(p);
        if (e < 0)
            return -1;
        args[n++] = e;
        if (p->tok == T_COMMA) {
            lex(p);
            continue;
        }
        if (p->tok != T_RP)
            return refuse_here(p);
        lex(p);
        return n;
    }
}

static int parse_unary(parser *p)
{
    xp_query *q = p->q;
    char b[48];
    if (++p->depth > 100)
        return perr(p, "The specified query is invalid: nested too deeply.%s", NULL);
    int r = -1;
    if (p->tok == T_LP) {
        lex(p);
        r = parse_or(p);
        if (r < 0)
            return -1;
        if (p->tok != T_RP)
            return p->tok == T_EOF ? perr(p, "The specified query is invalid: ')' is missing.%s", NULL) : refuse_here(p);
        lex(p);
        if (p->tok == T_SLASH || p->tok == T_LBR)
            return perr(p, "The specified query is invalid: filter expressions are not supported.%s", NULL);
    } else if (p->tok == T_STR) {
        if ((r = new_node(p, K_STR)) < 0)
            return -1;
        xnode *x = &q->nodes[r];
        x->s = malloc(p->tl - 1);
        if (!x->s)
            return perr(p, "Out of memory.%s", NULL);
        memcpy(x->s, p->src + p->ts + 1, p->tl - 2);
        x->s[p->tl - 2] = 0;
        x->iso = xp_parse_iso(x->s, p->tl - 2, &x->ticks);
        lex(p);
    } else if (p->tok == T_NUM) {
        if ((r = new_node(p, K_NUM)) < 0)
            return -1;
        xnode *x = &q->nodes[r];
        char num[64];
        tok_text(p, num, sizeof num);
        x->d = strtod(num, NULL);
        x->exact = !strchr(num, '.') || strspn(strchr(num, '.') + 1, "0") == strlen(strchr(num, '.') + 1);
        uint64_t u = 0;
        for (const char *c = num; *c >= '0' && *c <= '9'; c++) {
            if (u > (UINT64_MAX - 9) / 10) {
                x->exact = 0;
                break;
            }
            u = u * 10 + (uint64_t)(*c - '0');
        }
        x->u = u;
        lex(p);
    } else if (p->tok == T_NAME && peek(p) == '(' && !tok_is(p, "text")) {
        int args[4], n;
        if (tok_is(p, "band")) {
            if ((n = parse_args(p, args, 4)) < 0)
                return -1;
            if (n != 2)
                return perr(p, "The specified query is invalid: band() takes two arguments.%s", NULL);
            if ((r = new_node(p, K_BAND)) < 0)
                return -1;
            q->nodes[r].a = args[0];
            q->nodes[r].b = args[1];
            p->ncmp++;   /* a test of its own, as the service counts it */
        } else if (tok_is(p, "timediff")) {
            if ((n = parse_args(p, args, 4)) < 0)
                return -1;
            if (n != 1 && n != 2)
                return perr(p, "The specified query is invalid: timediff() takes one or two arguments.%s", NULL);
            for (int i = 0; i < n; i++)
                if (!is_systime_path(q, args[i]) && !(q->nodes[args[i]].kind == K_STR && q->nodes[args[i]].iso))
                    return perr(p, "The specified query is invalid: timediff() takes @SystemTime or a time.%s", NULL);
            if ((r = new_node(p, K_TIMEDIFF)) < 0)
                return -1;
            q->nodes[r].a = args[0];
            q->nodes[r].b = n == 2 ? args[1] : -1;
        } else if (tok_is(p, "position")) {
            if ((n = parse_args(p, args, 4)) < 0)
                return -1;
            if (n != 0)
                return perr(p, "The specified query is invalid: position() takes no argument.%s", NULL);
            if ((r = new_node(p, K_POSITION)) < 0)
                return -1;
        } else {
            return perr(p, "The specified query is invalid: the function %s() is not supported.", tok_text(p, b, sizeof b));
        }
    } else if (p->tok == T_NAME || p->tok == T_STAR || p->tok == T_AT) {
        r = parse_path(p);
    } else if (p->tok == T_SLASH) {
        return perr(p, "The specified query is invalid: absolute paths are not supported.%s", NULL);
    } else if (p->tok == T_EOF) {
        return perr(p, "The specified query is invalid: it ends too early.%s", NULL);
    } else {
        return refuse_here(p);
    }
    p->depth--;
    return r;
}

static int rel_op(int tok)
{
    switch (tok) {
    case T_EQ: return OP_EQ;
    case T_NE: return OP_NE;
    case T_LT: return OP_LT;
    case T_LE: return OP_LE;
    case T_GT: return OP_GT;
    case T_GE: return OP_GE;
    }
    return -1;
}

static int parse_cmp(parser *p)
{
    int l = parse_unary(p);
    if (l < 0)
        return -1;
    int op = rel_op(p->tok);
    if (op < 0)
        return l;
    lex(p);
    int r = parse_unary(p);
    if (r < 0)
        return -1;
    if (rel_op(p->tok) >= 0)
        return perr(p, "The specified query is invalid: chained comparisons are not supported.%s", NULL);
    xp_query *q = p->q;
    if ((is_systime_path(q, l) && q->nodes[r].kind == K_STR && !q->nodes[r].iso) ||
        (is_systime_path(q, r) && q->nodes[l].kind == K_STR && !q->nodes[l].iso))
        return perr(p, "The specified query is invalid: @SystemTime is compared with something that is not a time "
                       "(YYYY-MM-DDTHH:MM:SS[.fff]Z).%s", NULL);
    int n = new_node(p, K_CMP);
    if (n < 0)
        return -1;
    q->nodes[n].op = op;
    q->nodes[n].a = l;
    q->nodes[n].b = r;
    p->ncmp++;
    return n;
}

static int parse_and(parser *p)
{
    int l = parse_cmp(p);
    while (l >= 0 && tok_is(p, "and")) {
        lex(p);
        int r = parse_cmp(p);
        if (r < 0)
            return -1;
        int n = new_node(p, K_AND);
        if (n < 0)
            return -1;
        p->q->nodes[n].a = l;
        p->q->nodes[n].b = r;
        l = n;
    }
    return l;
}

static int parse_or(parser *p)
{
    int l = parse_and(p);
    while (l >= 0 && tok_is(p, "or")) {
        lex(p);
        int r = parse_and(p);
        if (r < 0)
            return -1;
        int n = new_node(p, K_OR);
        if (n < 0)
            return -1;
        p->q->nodes[n].a = l;
        p->q->nodes[n].b = r;
        l = n;
    }
    if (l >= 0 && p->tok != T_EOF && p->tok != T_RBR && p->tok != T_RP && p->tok != T_COMMA)
        return refuse_here(p);
    return l;
}

/* One expression: "*" or "Event", then predicates. */
static int parse_expr(xp_query *q, const char *s, size_t len, int suppress, char *err, size_t errlen)
{
    parser p = {q, s, len, 0, 0, 0, 0, 0, 0, err, errlen, 0};
    if (q->ne >= MAX_EXPRS || q->ns >= MAX_STEPS) {
        snprintf(err, errlen, "The query has too many Select and Suppress elements.");
        return -1;
    }
    lex(&p);
    xstep top = {0, NM_EVENT, 0, 0};
    if (p.tok == T_EOF && !suppress) {
        /* an empty Select selects everything, like "*" */
    } else if (p.tok == T_STAR || tok_is(&p, "Event")) {
        lex(&p);
    } else {
        if (p.tok == T_SLASH || p.tok == T_DSLASH)
            perr(&p, "The specified query is invalid: absolute paths and '//' are not supported.%s", NULL);
        else
            perr(&p, "The specified query is invalid: a query selects events (\"*\" or \"Event\", then predicates).%s", NULL);
        return -1;
    }
    int step = q->ns++;
    if (parse_preds(&p, &top.pred0, &top.npred) < 0)
        return -1;
    if (p.tok != T_EOF) {
        if (p.tok == T_SLASH)
            perr(&p, "The specified query is invalid: a query selects whole events, not parts of them.%s", NULL);
        else
            refuse_here(&p);
        return -1;
    }
    if (p.ncmp > XP_MAX_COMPARISONS) {
        snprintf(err, errlen,
                 "The specified query is invalid: %d comparisons in one expression (the simulated fleet allows %d; "
                 "split the filter into several Select elements of a QueryList).",
                 p.ncmp, XP_MAX_COMPARISONS);
        return -1;
    }
    q->steps[step] = top;
    q->exprs[q->ne].top = step;
    q->exprs[q->ne].suppress = suppress;
    q->ne++;
    return 0;
}

/* ------------------------------------------------------------------ the QueryList */

typedef struct xml {
    const char *s;
    size_t len, pos;
} xml;

static void xml_ws(xml *x)
{
    for (;;) {
        while (x->pos < x->len && strchr(" \t\r\n", x->s[x->pos]))
            x->pos++;
        if (x->pos + 4 <= x->len && !memcmp(x->s + x->pos, "<!--", 4)) {
            const char *e = strstr(x->s + x->pos + 4, "-->");
            x->pos = e ? (size_t)(e - x->s) + 3 : x->len;
        } else if (x->pos + 2 <= x->len && !memcmp(x->s + x->pos, "<?", 2)) {
            const char *e = strstr(x->s + x->pos + 2, "?>");
            x->pos = e ? (size_t)(e - x->s) + 2 : x->len;
        } else {
            return;
        }
    }
}

/* "<name" followed by white space, '>' or "/>" */
static int xml_open(xml *x, const char *name)
{
    size_t n = strlen(name);
    if (x->pos + 1 + n > x->len || x->s[x->pos] != '<' || memcmp(x->s + x->pos + 1, name, n))
        return 0;
    char c = x->pos + 1 + n < x->len ? x->s[x->pos + 1 + n] : 0;
    if (!c || !strchr(" \t\r\n>/", c))
        return 0;
    x->pos += 1 + n;
    return 1;
}

static int xml_close(xml *x, const char *name)
{
    size_t n = strlen(name);
    if (x->pos + 2 + n > x->len || memcmp(x->s + x->pos, "</", 2) || memcmp(x->s + x->pos + 2, name, n))
        return 0;
    size_t p = x->pos + 2 + n;
    while (p < x->len && strchr(" \t\r\n", x->s[p]))
        p++;
    if (p >= x->len || x->s[p] != '>')
        return 0;
    x->pos = p + 1;
    return 1;
}

/* Decodes XML text (the five entities and character references, ASCII) into out. */
static int xml_text(const char *s, size_t n, char *out, size_t cap, size_t *outlen)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '&') {
            static const struct { const char *e; char c; } ents[] = {
                {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
            size_t k;
            for (k = 0; k < 5; k++)
                if (n - i >= strlen(ents[k].e) && !memcmp(s + i, ents[k].e, strlen(ents[k].e)))
                    break;
            if (k < 5) {
                c = ents[k].c;
                i += strlen(ents[k].e) - 1;
            } else if (n - i > 3 && s[i + 1] == '#') {
                size_t j = i + 2;
                int hex = s[j] == 'x';
                unsigned long v = 0;
                for (j += hex; j < n && s[j] != ';'; j++) {
                    int d = s[j] >= '0' && s[j] <= '9' ? s[j] - '0'
                          : hex && lower((unsigned char)s[j]) >= 'a' && lower((unsigned char)s[j]) <= 'f' ? lower((unsigned char)s[j]) - 'a' + 10
                          : -1;
                    if (d < 0)
                        return 0;
                    v = v * (hex ? 16 : 10) + (unsigned long)d;
                    if (v > 127)
                        return 0;   /* the subset's syntax is ASCII; data values with others: write them as is */
                }
                if (j >= n || v == 0)
                    return 0;
                c = (char)v;
                i = j;
            } else {
                return 0;
            }
        } else if (c == '<') {
            return 0;
        }
        if (o + 1 >= cap)
            return 0;
        out[o++] = c;
    }
    out[o] = 0;
    *outlen = o;
    return 1;
}

/* Attributes up to '>' or "/>"; the Path and Id ones are kept. Returns 1 (">"), 2 ("/>"), 0 on error. */
static int xml_attrs(xml *x, char *path, size_t pathcap, int *has_path, int *has_id)
{
    *has_path = 0;
    if (has_id)
        *has_id = 0;
    for (;;) {
        while (x->pos < x->len && strchr(" \t\r\n", x->s[x->pos]))
            x->pos++;
        if (x->pos >= x->len)
            return 0;
        if (x->s[x->pos] == '>') {
            x->pos++;
            return 1;
        }
        if (x->s[x->pos] == '/' && x->pos + 1 < x->len && x->s[x->pos + 1] == '>') {
            x->pos += 2;
            return 2;
        }
        size_t ns = x->pos;
        while (x->pos < x->len && is_name_char((unsigned char)x->s[x->pos]))
            x->pos++;
        size_t nl = x->pos - ns;
        while (x->pos < x->len && strchr(" \t\r\n", x->s[x->pos]))
            x->pos++;
        if (!nl || x->pos >= x->len || x->s[x->pos] != '=')
            return 0;
        x->pos++;
        while (x->pos < x->len && strchr(" \t\r\n", x->s[x->pos]))
            x->pos++;
        if (x->pos >= x->len || (x->s[x->pos] != '"' && x->s[x->pos] != '\''))
            return 0;
        char qc = x->s[x->pos++];
        size_t vs = x->pos;
        while (x->pos < x->len && x->s[x->pos] != qc)
            x->pos++;
        if (x->pos >= x->len)
            return 0;
        size_t vl = x->pos - vs;
        x->pos++;
        if (nl == 4 && !memcmp(x->s + ns, "Path", 4)) {
            size_t got;
            if (!xml_text(x->s + vs, vl, path, pathcap, &got))
                return 0;
            *has_path = 1;
        } else if (nl == 2 && !memcmp(x->s + ns, "Id", 2) && has_id) {
            *has_id = 1;
        }
    }
}

static int parse_querylist(xp_query *q, const char *s, size_t len, const char *argpath, char *err, size_t errlen)
{
    xml x = {s, len, 0};
    char qpath[256], path[256];
    int hp, hid, nqueries = 0, nqueries_without_id = 0;
    char *text = malloc(len + 1);
    if (!text) {
        snprintf(err, errlen, "Out of memory.");
        return XP_NOMEM;
    }
    int rc = XP_INVALID;
    int have_channel = 0;
    xml_ws(&x);
    if (!xml_open(&x, "QueryList") || xml_attrs(&x, path, sizeof path, &hp, NULL) != 1) {
        snprintf(err, errlen, "The specified query is invalid: a structured query is <QueryList><Query ...>.");
        goto out;
    }
    for (;;) {
        xml_ws(&x);
        if (xml_close(&x, "QueryList"))
            break;
        if (!xml_open(&x, "Query")) {
            snprintf(err, errlen, "The specified query is invalid: <QueryList> holds <Query> elements only.");
            goto out;
        }
        int r = xml_attrs(&x, qpath, sizeof qpath, &hp, &hid);
        if (r != 1) {
            snprintf(err, errlen, "The specified query is invalid: a <Query> needs at least one <Select>.");
            goto out;
        }
        int has_qpath = hp;
        nqueries++;
        nqueries_without_id += !hid;
        int nselect = 0, supp_bad = 0;
        char supp_path[256] = "";
        for (;;) {
            xml_ws(&x);
            if (xml_close(&x, "Query"))
                break;
            int suppress;
            if (xml_open(&x, "Select"))
                suppress = 0;
            else if (xml_open(&x, "Suppress"))
                suppress = 1;
            else {
                snprintf(err, errlen, "The specified query is invalid: <Query> holds <Select> and <Suppress> elements only.");
                goto out;
            }
            r = xml_attrs(&x, path, sizeof path, &hp, NULL);
            if (!r) {
                snprintf(err, errlen, "The specified query is invalid: a malformed <%s>.", suppress ? "Suppress" : "Select");
                goto out;
            }
            /* EvtQuery's documentation: its Path is ignored when the structured query specifies
             * the path; so an element without one (in a Query without one) reads that Path */
            if (!hp && !has_qpath && (!argpath || !argpath[0] || strlen(argpath) >= sizeof path)) {
                snprintf(err, errlen, "A <%s> without a Path, in a <Query> without one, and no Path argument.",
                         suppress ? "Suppress" : "Select");
                rc = XP_NOPATH;
                goto out;
            }
            if (!hp)
                strcpy(path, has_qpath ? qpath : argpath);
            size_t ts = x.pos, tl = 0;
            if (r == 1) {
                while (x.pos < x.len && x.s[x.pos] != '<')
                    x.pos++;
                if (!xml_text(x.s + ts, x.pos - ts, text, len + 1, &tl) ||
                    !xml_close(&x, suppress ? "Suppress" : "Select")) {
                    snprintf(err, errlen, "The specified query is invalid: bad text in a <%s> (CDATA and elements are "
                                          "not supported; write &lt; &gt; &amp;).", suppress ? "Suppress" : "Select");
                    goto out;
                }
            }
            if (suppress && !tl) {
                snprintf(err, errlen, "The specified query is invalid: an empty <Suppress>.");
                goto out;
            }
            if (!suppress) {
                nselect++;
                if (!have_channel) {
                    strcpy(q->channel, path);
                    have_channel = 1;
                } else if (!ieq(q->channel, path)) {
                    snprintf(err, errlen, "The simulated fleet reads one channel per query (Selects name %s and %s).",
                             q->channel, path);
                    rc = XP_UNSUPPORTED;
                    goto out;
                }
            } else {
                /* the documentation: every Suppress needs a Select with the same Path in its Query
                 * (checked when the Query ends: all its Selects name q->channel) */
                if (!supp_bad && (!have_channel || !ieq(q->channel, path)))
                    snprintf(supp_path, sizeof supp_path, "%s", path), supp_bad = 1;
            }
            if (parse_expr(q, text, tl, suppress, err, errlen) < 0)
                goto out;
        }
        if (!nselect) {
            snprintf(err, errlen, "The specified query is invalid: a <Query> needs at least one <Select>.");
            goto out;
        }
        if (supp_bad && !ieq(q->channel, supp_path)) {
            snprintf(err, errlen, "The specified query is invalid: a <Suppress Path='%s'> without a <Select> of the "
                                  "same Path in its <Query>.", supp_path);
            goto out;
        }
    }
    xml_ws(&x);
    if (x.pos != x.len) {
        snprintf(err, errlen, "The specified query is invalid: text after </QueryList>.");
        goto out;
    }
    if (!nqueries) {
        snprintf(err, errlen, "The specified query is invalid: an empty <QueryList>.");
        goto out;
    }
    if (nqueries > 1 && nqueries_without_id) {
        snprintf(err, errlen, "The specified query is invalid: with several <Query> elements each needs an Id.");
        goto out;
    }
    rc = XP_OK;
out:
    free(text);
    return rc;
}

/* ------------------------------------------------------------------ compile */

void xp_free(xp_query *q)
{
    if (!q)
        return;
    for (int i = 0; i < q->nn; i++)
        free(q->nodes[i].s);
    free(q);
}

int xp_compile(const char *text, const char *path, xp_query **out, char *err, size_t errlen)
{
    *out = NULL;
    if (errlen)
        err[0] = 0;
    xp_query *q = calloc(1, sizeof *q);
    if (!q) {
        snprintf(err, errlen, "Out of memory.");
        return XP_NOMEM;
    }
    size_t len = text ? strlen(text) : 0;
    size_t i = 0;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && strchr(" \t\r\n", text[i]))
        i++;
    int rc;
    if (i < len && text[i] == '<') {
        rc = parse_querylist(q, text + i, len - i, path, err, errlen);
    } else {
        if (!path || !path[0]) {
            snprintf(err, errlen, "A plain XPath query needs a channel (the Path argument).");
            rc = XP_NOPATH;
        } else if (strlen(path) >= sizeof q->channel) {
            snprintf(err, errlen, "The channel path is too long.");
            rc = XP_NOPATH;
        } else {
            strcpy(q->channel, path);
            size_t j = len;
            while (j > i && strchr(" \t\r\n", text[j - 1]))
                j--;
            if (j == i || (j == i + 1 && text[i] == '*')) {
                q->all = 1;
                rc = XP_OK;
            } else {
                rc = parse_expr(q, text + i, j - i, 0, err, errlen) < 0 ? XP_INVALID : XP_OK;
            }
        }
    }
    if (rc != XP_OK) {
        xp_free(q);
        return rc;
    }
    *out = q;
    return XP_OK;
}

const char *xp_channel(const xp_query *q) { return q->channel; }
int xp_is_all(const xp_query *q) { return q->all; }

/* ------------------------------------------------------------------ evaluation */

#define MAX_SET 32

typedef struct xnodeid { uint8_t s, i, text; } xnodeid;

enum { A_NUM, A_TIME, A_STR, A_BOOL };
typedef struct atom {
    int         t;
    uint64_t    u;          /* A_NUM exact / A_TIME ticks / A_BOOL */
    double      d;          /* A_NUM */
    int         exact;
    const char *s;          /* A_STR */
    int         iso;        /* A_STR: a valid time, in ticks */
    uint64_t    ticks;
} atom;

enum { V_BOOL, V_NUM, V_STR, V_SET };
typedef struct xval {
    int     t;
    int     timey;          /* involves TimeCreated or timediff (ignored by a nofilter server) */
    atom    a;              /* V_BOOL, V_NUM, V_STR */
    int     n;              /* V_SET */
    xnodeid set[MAX_SET];
} xval;

typedef struct ectx {
    const xp_query *q;
    const xp_event *ev;
    uint64_t        now;
    int             ignore_time;
} ectx;

static int present(const fg_event *e, int s, int i)
{
    switch (s) {
    case S_PGUID: return e->provider_guid != NULL;
    case S_PESN: return e->provider == FG_PROV_SCM || !e->provider_guid;
    case S_QUAL: return e->has_qualifiers;
    case S_USERID: return e->has_user_sid;
    case S_EVENTDATA: return e->ndata > 0;
    case S_DATA: return i < e->ndata;
    case S_DNAME: return i < e->ndata && e->data_name[i] && e->data_name[i][0];
    default: return 1;
    }
}

static atom node_atom(const ectx *c, xnodeid n)
{
    const fg_event *e = c->ev->e;
    atom a = {A_NUM, 0, 0, 1, NULL, 0, 0};
    switch (n.s) {
    case S_EVENTID: a.u = e->event_id; break;
    case S_QUAL: a.u = e->qualifiers; break;
    case S_VERSION: a.u = e->version; break;
    case S_LEVEL: a.u = e->level; break;
    case S_TASK: a.u = e->task; break;
    case S_OPCODE: a.u = e->opcode; break;
    case S_KEYWORDS: a.u = e->keywords; break;
    case S_RECID: a.u = e->record_id; break;
    case S_PID: a.u = e->process_id; break;
    case S_TID: a.u = e->thread_id; break;
    case S_SYSTIME: a.t = A_TIME; a.u = c->ev->time; return a;
    default:
        a.t = A_STR;
        switch (n.s) {
        case S_PNAME: case S_PESN: a.s = e->provider_name; break;
        case S_PGUID: a.s = e->provider_guid; break;
        case S_CHANNEL: a.s = c->ev->channel; break;
        case S_COMPUTER: a.s = e->computer; break;
        case S_USERID: a.s = "S-1-5-18"; break;
        case S_DATA: a.s = e->data[n.i]; break;
        case S_DNAME: a.s = e->data_name[n.i]; break;
        default: a.s = ""; break;   /* elements without text of their own */
        }
        if (!a.s)
            a.s = "";
        return a;
    }
    a.d = (double)a.u;
    return a;
}

/* XPath number(string): optional white space, optional '-', digits with an optional fraction. */
static void str_num(const char *s, atom *out)
{
    out->exact = 0;
    out->d = NAN;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    const char *b = s;
    int neg = *s == '-';
    s += neg;
    uint64_t u = 0;
    int digits = 0, over = 0, frac = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        if (u > (UINT64_MAX - 9) / 10)
            over = 1;
        else
            u = u * 10 + (uint64_t)(*s - '0');
    }
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++, digits++)
            frac |= *s != '0';
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    if (!digits || *s)
        return;
    out->d = strtod(b, NULL);
    out->exact = !neg && !over && !frac;
    out->u = u;
}

static int rel_u(uint64_t a, int op, uint64_t b)
{
    switch (op) {
    case OP_EQ: return a == b;
    case OP_NE: return a != b;
    case OP_LT: return a < b;
    case OP_LE: return a <= b;
    case OP_GT: return a > b;
    default: return a >= b;
    }
}

static int rel_d(double a, int op, double b)
{
    if (isnan(a) || isnan(b))
        return op == OP_NE;
    switch (op) {
    case OP_EQ: return a == b;
    case OP_NE: return a != b;
    case OP_LT: return a < b;
    case OP_LE: return a <= b;
    case OP_GT: return a > b;
    default: return a >= b;
    }
}

static int atom_bool(const atom *a)
{
    switch (a->t) {
    case A_BOOL: return a->u != 0;
    case A_NUM: return !isnan(a->d) && a->d != 0;
    case A_STR: return a->s[0] != 0;
    default: return 1;
    }
}

static int time_of(const atom *a, uint64_t *t)
{
    if (a->t == A_TIME) {
        *t = a->u;
        return 1;
    }
    if (a->t == A_STR && a->iso) {
        *t = a->ticks;
        return 1;
    }
    return 0;
}

/* Typed comparison, as the service does it: a time with a time, numbers as numbers (64-bit
 * exact when both are integers: Keywords), strings with = and != (ASCII case-insensitive, see
 * README), anything else through XPath's number conversion. */
static int cmp_atoms(atom x, int op, atom y)
{
    if (x.t == A_TIME || y.t == A_TIME) {
        uint64_t a, b;
        if (!time_of(&x, &a) || !time_of(&y, &b))
            return op == OP_NE;
        return rel_u(a, op, b);
    }
    if (x.t == A_BOOL || y.t == A_BOOL) {
        int a = atom_bool(&x), b = atom_bool(&y);
        return op == OP_EQ || op == OP_NE ? rel_u((uint64_t)a, op, (uint64_t)b) : rel_d(a, op, b);
    }
    if ((op == OP_EQ || op == OP_NE) && x.t == A_STR && y.t == A_STR)
        return ieq(x.s, y.s) == (op == OP_EQ);
    if (x.t == A_STR)
        str_num(x.s, &x);
    if (y.t == A_STR)
        str_num(y.s, &y);
    if (x.exact && y.exact)
        return rel_u(x.u, op, y.u);
    return rel_d(x.d, op, y.d);
}

static xval eval(const ectx *c, int n, xnodeid ctx, int pos);

static int val_bool(const xval *v)
{
    return v->t == V_SET ? v->n > 0 : atom_bool(&v->a);
}

static void path_eval(const ectx *c, const xnode *x, xnodeid ctx, xval *out)
{
    const xp_query *q = c->q;
    const fg_event *e = c->ev->e;
    out->t = V_SET;
    out->n = 1;
    out->set[0] = ctx;
    for (int k = 0; k < x->nsteps && out->n; k++) {
        const xstep *st = &q->steps[x->step0 + k];
        xnodeid next[MAX_SET];
        int nn = 0;
        for (int j = 0; j < out->n; j++) {
            xnodeid from = out->set[j];
            xnodeid cand[MAX_SET];
            int nc = 0;
            if (from.text || g_schema[from.s].attr)
                continue;
            if (st->name == NAME_TEXT) {
                atom a = node_atom(c, from);
                if (from.s != S_ROOT && (a.t != A_STR || a.s[0]))
                    cand[nc++] = (xnodeid){from.s, from.i, 1};
            } else if (st->name != NAME_NONE) {
                for (int s = 0; s < S_COUNT; s++) {
                    if (g_schema[s].parent != from.s || g_schema[s].attr != st->attr ||
                        (st->name != NAME_ANY && st->name != g_schema[s].name))
                        continue;
                    if (s == S_DATA) {
                        for (int i = 0; i < e->ndata && nc < MAX_SET; i++)
                            cand[nc++] = (xnodeid){S_DATA, (uint8_t)i, 0};
                    } else if (present(e, s, from.i) && nc < MAX_SET) {
                        cand[nc++] = (xnodeid){(uint8_t)s, from.i, 0};
                    }
                }
            }
            /* each predicate filters the candidates in turn, positions counted anew */
            for (int pi = 0; pi < st->npred && nc; pi++) {
                int m = 0;
                for (int i = 0; i < nc; i++) {
                    xval v = eval(c, q->preds[st->pred0 + pi], cand[i], i + 1);
                    int keep = v.t == V_NUM ? !isnan(v.a.d) && v.a.d == (double)(i + 1) : val_bool(&v);
                    if (keep)
                        cand[m++] = cand[i];
                }
                nc = m;
            }
            for (int i = 0; i < nc && nn < MAX_SET; i++)
                next[nn++] = cand[i];
        }
        memcpy(out->set, next, (size_t)nn * sizeof *next);
        out->n = nn;
    }
    for (int i = 0; i < out->n; i++)
        if (out->set[i].s == S_SYSTIME)
            out->timey = 1;
}

/* A band() or timediff() argument as one atom: a node-set gives its first node. */
static int first_atom(const ectx *c, const xval *v, atom *a)
{
    if (v->t == V_SET) {
        if (!v->n)
            return 0;
        *a = node_atom(c, v->set[0]);
        return 1;
    }
    *a = v->a;
    return 1;
}

static int to_u64(atom a, uint64_t *u)
{
    if (a.t == A_STR)
        str_num(a.s, &a);
    if (a.t == A_BOOL) {
        *u = a.u;
        return 1;
    }
    if (a.t != A_NUM)
        return 0;
    if (a.exact) {
        *u = a.u;
        return 1;
    }
    if (isnan(a.d) || a.d < 0 || a.d >= 18446744073709551616.0 || a.d != floor(a.d))
        return 0;
    *u = (uint64_t)a.d;
    return 1;
}

static xval eval(const ectx *c, int n, xnodeid ctx, int pos)
{
    const xnode *x = &c->q->nodes[n];
    xval v;
    v.t = V_BOOL;
    v.timey = 0;
    v.n = 0;
    v.a = (atom){A_BOOL, 0, 0, 0, NULL, 0, 0};
    switch (x->kind) {
    case K_OR:
        v.a.u = val_bool((xval[]){eval(c, x->a, ctx, pos)}) || val_bool((xval[]){eval(c, x->b, ctx, pos)});
        return v;
    case K_AND:
        v.a.u = val_bool((xval[]){eval(c, x->a, ctx, pos)}) && val_bool((xval[]){eval(c, x->b, ctx, pos)});
        return v;
    case K_CMP: {
        xval l = eval(c, x->a, ctx, pos), r = eval(c, x->b, ctx, pos);
        if (c->ignore_time && (l.timey || r.timey)) {
            v.a.u = 1;   /* a nofilter server ignores the time terms */
            return v;
        }
        int res = 0;
        if (l.t == V_SET && r.t == V_SET) {
            for (int i = 0; i < l.n && !res; i++)
                for (int j = 0; j < r.n && !res; j++)
                    res = cmp_atoms(node_atom(c, l.set[i]), x->op, node_atom(c, r.set[j]));
        } else if (l.t == V_SET) {
            for (int i = 0; i < l.n && !res; i++)
                res = cmp_atoms(node_atom(c, l.set[i]), x->op, r.a);
        } else if (r.t == V_SET) {
            for (int j = 0; j < r.n && !res; j++)
                res = cmp_atoms(l.a, x->op, node_atom(c, r.set[j]));
        } else {
            res = cmp_atoms(l.a, x->op, r.a);
        }
        v.a.u = (uint64_t)res;
        return v;
    }
    case K_PATH:
        path_eval(c, x, ctx, &v);
        return v;
    case K_STR:
        v.t = V_STR;
        v.a = (atom){A_STR, 0, 0, 0, x->s, x->iso, x->ticks};
        return v;
    case K_NUM:
        v.t = V_NUM;
        v.a = (atom){A_NUM, x->u, x->d, x->exact, NULL, 0, 0};
        return v;
    case K_POSITION:
        v.t = V_NUM;
        v.a = (atom){A_NUM, (uint64_t)pos, (double)pos, 1, NULL, 0, 0};
        return v;
    case K_BAND: {
        xval l = eval(c, x->a, ctx, pos), r = eval(c, x->b, ctx, pos);
        atom la, ra;
        uint64_t lu, ru;
        v.a.u = first_atom(c, &l, &la) && first_atom(c, &r, &ra) && to_u64(la, &lu) && to_u64(ra, &ru) && (lu & ru) != 0;
        return v;
    }
    case K_TIMEDIFF: {
        xval l = eval(c, x->a, ctx, pos);
        atom la, ra;
        uint64_t t1, t2 = c->now;
        int ok = first_atom(c, &l, &la) && time_of(&la, &t1);
        if (ok && x->b >= 0) {
            xval r = eval(c, x->b, ctx, pos);
            ok = first_atom(c, &r, &ra) && time_of(&ra, &t2);
        }
        v.t = V_NUM;
        v.timey = 1;
        /* the difference in milliseconds, positive when the second time is later */
        double d = ok ? (t2 >= t1 ? (double)(t2 - t1) : -(double)(t1 - t2)) / 10000.0 : NAN;
        v.a = (atom){A_NUM, 0, d, 0, NULL, 0, 0};
        return v;
    }
    }
    return v;
}

static int expr_match(const ectx *c, const xexpr *ex)
{
    const xstep *st = &c->q->steps[ex->top];
    xnodeid ev = {S_EVENT, 0, 0};
    for (int i = 0; i < st->npred; i++) {
        xval v = eval(c, c->q->preds[st->pred0 + i], ev, 1);
        int keep = v.t == V_NUM ? !isnan(v.a.d) && v.a.d == 1.0 : val_bool(&v);
        if (!keep)
            return 0;
    }
    return 1;
}

int xp_match(const xp_query *q, const xp_event *ev, uint64_t now, int ignore_time)
{
    if (q->all)
        return 1;
    ectx c = {q, ev, now, ignore_time};
    int sel = 0;
    for (int i = 0; i < q->ne && !sel; i++)
        if (!q->exprs[i].suppress)
            sel = expr_match(&c, &q->exprs[i]);
    if (!sel)
        return 0;
    for (int i = 0; i < q->ne; i++)
        if (q->exprs[i].suppress && expr_match(&c, &q->exprs[i]))
            return 0;   /* a Suppress wins over a Select */
    return 1;
}

/* ------------------------------------------------------------------ the time bound */

/* The schema node a step names under `ctx` when it is exactly one non-repeating one; -1 else. */
static int static_child(int ctx, const xstep *st)
{
    if (ctx < 0 || st->name < 0)
        return -1;
    int found = -1;
    for (int s = 0; s < S_COUNT; s++)
        if (g_schema[s].parent == ctx && g_schema[s].attr == st->attr && g_schema[s].name == st->name) {
            if (found >= 0 || s == S_DATA)
                return -1;
            found = s;
        }
    return found;
}

static uint64_t bound(const xp_query *q, int n, int ctx, uint64_t now);

/* A path that must exist: its unique steps' predicates must hold. Also says where it ends. */
static uint64_t path_bound(const xp_query *q, const xnode *x, int ctx, uint64_t now, int *end)
{
    uint64_t b = 0;
    for (int k = 0; k < x->nsteps; k++) {
        const xstep *st = &q->steps[x->step0 + k];
        ctx = static_child(ctx, st);
        if (ctx < 0)
            break;
        for (int i = 0; i < st->npred; i++) {
            uint64_t pb = bound(q, q->preds[st->pred0 + i], ctx, now);
            if (pb > b)
                b = pb;
        }
    }
    if (end)
        *end = ctx;
    return b;
}

static int flip(int op)
{
    switch (op) {
    case OP_LT: return OP_GT;
    case OP_LE: return OP_GE;
    case OP_GT: return OP_LT;
    case OP_GE: return OP_LE;
    }
    return op;
}

static uint64_t cmp_bound(const xp_query *q, const xnode *x, int l, int r, int op, int ctx, uint64_t now)
{
    const xnode *a = &q->nodes[l], *b = &q->nodes[r];
    int end = -1;
    (void)x;
    if (a->kind == K_PATH && b->kind == K_STR && b->iso) {
        path_bound(q, a, ctx, now, &end);
        if (end == S_SYSTIME && (op == OP_GE || op == OP_EQ))
            return b->ticks;
        if (end == S_SYSTIME && op == OP_GT)
            return b->ticks + 1;
    }
    if (a->kind == K_TIMEDIFF && a->b < 0 && b->kind == K_NUM && (op == OP_LE || op == OP_LT || op == OP_EQ)) {
        const xnode *arg = &q->nodes[a->a];
        if (arg->kind == K_PATH) {
            path_bound(q, arg, ctx, now, &end);
            if (end == S_SYSTIME && b->d >= 0) {
                double t = ceil(b->d * 10000.0);
                return t >= (double)now ? 0 : now - (uint64_t)t;
            }
        }
    }
    return 0;
}

/* The earliest TimeCreated an event can have for expression n to hold (0: unbounded). */
static uint64_t bound(const xp_query *q, int n, int ctx, uint64_t now)
{
    const xnode *x = &q->nodes[n];
    switch (x->kind) {
    case K_AND: {
        uint64_t a = bound(q, x->a, ctx, now), b = bound(q, x->b, ctx, now);
        return a > b ? a : b;
    }
    case K_OR: {
        uint64_t a = bound(q, x->a, ctx, now), b = bound(q, x->b, ctx, now);
        return a < b ? a : b;
    }
    case K_PATH:
        return path_bound(q, x, ctx, now, NULL);
    case K_CMP: {
        uint64_t a = cmp_bound(q, x, x->a, x->b, x->op, ctx, now);
        uint64_t b = cmp_bound(q, x, x->b, x->a, flip(x->op), ctx, now);
        return a > b ? a : b;
    }
    }
    return 0;
}

uint64_t xp_min_time(const xp_query *q, uint64_t now)
{
    if (q->all)
        return 0;
    uint64_t lo = UINT64_MAX;
    for (int i = 0; i < q->ne; i++) {
        if (q->exprs[i].suppress)
            continue;
        const xstep *st = &q->steps[q->exprs[i].top];
        uint64_t b = 0;
        for (int k = 0; k < st->npred; k++) {
            uint64_t pb = bound(q, q->preds[st->pred0 + k], S_EVENT, now);
            if (pb > b)
                b = pb;
        }
        if (b < lo)
            lo = b;
    }
    return lo == UINT64_MAX ? 0 : lo;
}
