/* es_xquery's parsed form, shared by xquery.c (the view file), xquery_xpath.c (the XPath reader),
 * xquery_text.c (writing) and xquery_eval.c (the matcher). Internal to src/core. Everything lives
 * in the query's arena and is read-only after es_xquery_parse returns. */
#ifndef ES_XQUERY_INT_H
#define ES_XQUERY_INT_H

#include "es_xquery.h"

#include <stdint.h>

#define XQ_MAX_DEPTH 32     /* nested predicates and parentheses */
#define XQ_MAX_STEPS 32     /* steps in one location path */
#define XQ_MAX_BOOLOPS 64   /* `and`/`or` in one XPath: bounds the tree's depth for recursion */

enum { X_OR, X_AND, X_CMP, X_GROUP, X_PATH, X_STR, X_NUM, X_BAND, X_TIMEDIFF };
enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

/* What a step reaches in the event, resolved once after parsing (xq_resolve). */
enum {
    K_ABSENT, K_NOLOCAL, K_ROOT, K_EVENT, K_SYSTEM,
    K_PROVIDER, K_EVENTID, K_VERSION, K_LEVEL, K_TASK, K_OPCODE, K_KEYWORDS, K_TIMECREATED,
    K_RECORDID, K_EXECUTION, K_CHANNEL, K_COMPUTER,
    K_EVENTDATA, K_DATA, K_USERDATA, K_UDWRAP, K_UDLEAF,
    K_A_PROVNAME, K_A_QUALIFIERS, K_A_SYSTEMTIME, K_A_PID, K_A_TID, K_A_DATANAME
};

/* A number as XPath sees it, exact for 64-bit keywords: an integer (sign + magnitude) or a real. */
enum { XN_NAN, XN_INT, XN_REAL };
typedef struct xq_num {
    int kind, neg;
    uint64_t mag;
    double d;
} xq_num;

typedef struct xq_expr xq_expr;
typedef struct xq_step {
    const char *name;   /* element or attribute name, or "*" */
    int attr;
    int kind;           /* K_... */
    xq_expr *preds;     /* linked through ->next */
    struct xq_step *next;
} xq_step;

struct xq_expr {
    int type, op;
    xq_expr *a, *b;     /* operands; X_GROUP, X_TIMEDIFF: a only */
    xq_step *steps;     /* X_PATH */
    const char *str;    /* X_STR: the literal; X_NUM: its canonical text */
    xq_num num;         /* X_NUM; X_STR when it reads as a number */
    int has_time;       /* X_STR that reads as an ISO 8601 time */
    uint64_t ticks;
    xq_expr *next;      /* the step's next predicate */
};

typedef struct xq_sel {
    int suppress, ordinal;  /* ordinal: 1-based among the Query's Selects (or Suppresses) */
    const char *path;       /* the Path attribute, or NULL */
    xq_expr *top;           /* X_PATH: `*` or `Event` with predicates */
    int ncmp;               /* comparisons: relational operators and band() calls */
    int nbool;              /* `and`/`or`, and predicates after a step's first */
    struct xq_sel *next;
} xq_sel;

typedef struct xq_query {
    const char *id;         /* the Id attribute, or NULL */
    const char *path;
    xq_sel *sels;
    struct xq_query *next;
} xq_query;

struct es_xquery {
    es_arena arena;
    const char *name;
    xq_query *queries;
    int bare;               /* a bare XPath: no QueryList */
    uint64_t now;
    int local_ok;
    char why[300];
};

/* Writes a sentence into err (snprintf); returns 0, for `return xq_fail(...)`. */
int xq_fail(char *err, size_t errlen, const char *fmt, ...)
#if defined(__MINGW32__)
    __attribute__((format(gnu_printf, 3, 4)))
#elif defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* A blank between XML or XPath tokens. */
static inline int xq_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Reads one Select's or Suppress's XPath (NUL-terminated, entities decoded) into a tree in q's
 * arena (xquery_xpath.c). where names it in messages ("Select 1 of Query 0", "The XPath"). Sets
 * *ncmp to its comparisons and *nbool to its `and`/`or` (and predicates after a step's first).
 * Returns NULL with a sentence in err for a malformed or refused XPath. */
xq_expr *xq_parse_xpath(es_xquery *q, const char *text, const char *where, int *ncmp, int *nbool, char *err,
                        size_t errlen);
/* Resolves every step's kind; records in q->why the first construct the matcher cannot
 * evaluate. Returns 0 with a sentence in err for a hard error (a time compared with something
 * that is not a time). */
int xq_resolve(es_xquery *q, xq_expr *top, char *err, size_t errlen);
/* Decimal (with an optional fraction and sign) or 0x hex, blanks around; XN_NAN otherwise. */
xq_num xq_num_parse(const char *s);
/* ISO 8601 UTC with 0-9 fraction digits (.evtx and Event Viewer write up to 9). */
int xq_time_parse(const char *s, uint64_t *ticks);

#endif
