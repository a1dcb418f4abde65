/* Unit tests: query filters (es_filter): parsing and its messages, matching, the description,
 * and the server's query. The query is checked by a small evaluator of the XPath subset it
 * uses (below): for random filters and events, what the query selects must be what
 * es_filter_match and a brute-force reference on the typed lists keep, and no XPath (plain,
 * Select or Suppress) may hold more than 20 comparisons. */
#include "es_buf.h"
#include "es_event.h"
#include "es_filter.h"
#include "es_time.h"
#include "testlib.h"

#include <ctype.h>

static es_filter g_f;   /* 17 KB: not on the stack of every test */

static int parse3(es_filter *f, const char *levels, const char *ids, const char *providers, char *err, size_t n)
{
    es_filter_init(f);
    return es_filter_parse_levels(f, levels, err, n) && es_filter_parse_ids(f, ids, err, n) &&
           es_filter_parse_providers(f, providers, err, n);
}

static char *query_of(const es_filter *f, uint64_t since, es_buf *b)
{
    es_buf_init(b);
    CHECK(es_filter_query(f, "Security", since, b));
    return b->data ? b->data : "";
}

/* ---- a tiny evaluator of the XPath subset the builder emits ---- */

typedef struct ev_ctx {
    const es_event *ev;
    const char *p;
    int bad;          /* the text is not in the subset */
    int comparisons;
} ev_ctx;

static void skip_ws(ev_ctx *c) { while (*c->p == ' ') c->p++; }

static int eat(ev_ctx *c, const char *lit)
{
    skip_ws(c);
    size_t n = strlen(lit);
    if (strncmp(c->p, lit, n) == 0) {
        c->p += n;
        return 1;
    }
    return 0;
}

static unsigned long long number(ev_ctx *c)
{
    skip_ws(c);
    if (!isdigit((unsigned char)*c->p))
        c->bad = 1;
    unsigned long long v = 0;
    while (isdigit((unsigned char)*c->p))
        v = v * 10 + (unsigned)(*c->p++ - '0');
    return v;
}

/* A quoted literal into out (at most 300 bytes). */
static void literal(ev_ctx *c, char *out)
{
    skip_ws(c);
    char q = *c->p;
    if (q != '\'' && q != '"') {
        c->bad = 1;
        out[0] = 0;
        return;
    }
    const char *e = strchr(c->p + 1, q);
    if (!e || e - c->p > 300) {
        c->bad = 1;
        out[0] = 0;
        return;
    }
    memcpy(out, c->p + 1, (size_t)(e - c->p - 1));
    out[e - c->p - 1] = 0;
    c->p = e + 1;
}

static int ci_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

static int expr(ev_ctx *c);

static int atom(ev_ctx *c)
{
    const es_event *ev = c->ev;
    if (eat(c, "(")) {
        int v = expr(c);
        if (!eat(c, ")"))
            c->bad = 1;
        return v;
    }
    if (eat(c, "Level=")) {
        c->comparisons++;
        return ev->level == number(c);
    }
    if (eat(c, "EventID>=")) {
        c->comparisons++;
        return ev->event_id >= number(c);
    }
    if (eat(c, "EventID<=")) {
        c->comparisons++;
        return ev->event_id <= number(c);
    }
    if (eat(c, "EventID=")) {
        c->comparisons++;
        return ev->event_id == number(c);
    }
    if (eat(c, "band(Keywords,")) {
        c->comparisons++;
        unsigned long long m = number(c);
        if (!eat(c, ")"))
            c->bad = 1;
        return (ev->keywords & m) != 0;
    }
    if (eat(c, "Provider[")) {
        int any = 0;
        do {
            char name[320];
            if (!eat(c, "@Name="))
                c->bad = 1;
            c->comparisons++;
            literal(c, name);
            any |= ci_eq(name, ev->provider ? ev->provider : "");
        } while (!c->bad && eat(c, "or"));
        if (!eat(c, "]"))
            c->bad = 1;
        return any;
    }
    if (eat(c, "TimeCreated[@SystemTime>=")) {
        c->comparisons++;
        char iso[320];
        uint64_t t = 0;
        literal(c, iso);
        if (!es_time_parse_iso8601(iso, &t) || !eat(c, "]"))
            c->bad = 1;
        return ev->time_created >= t;
    }
    c->bad = 1;
    return 0;
}

static int and_expr(ev_ctx *c)
{
    int v = atom(c);
    while (!c->bad && eat(c, "and"))
        v = atom(c) & v;
    return v;
}

static int expr(ev_ctx *c)
{
    int v = and_expr(c);
    while (!c->bad && eat(c, "or"))
        v = and_expr(c) | v;
    return v;
}

/* Evaluates one XPath; -1 when it is not in the subset. *cmp gets its comparisons. */
static int eval_xpath(const char *x, const es_event *ev, int *cmp)
{
    ev_ctx c = {ev, x, 0, 0};
    int v = 1;
    if (strcmp(x, "*") != 0) {
        if (!eat(&c, "*[System["))
            return -1;
        v = expr(&c);
        if (!eat(&c, "]]") || *c.p)
            c.bad = 1;
    }
    *cmp = c.comparisons;
    return c.bad ? -1 : v;
}

/* XML unescaping of an element's text into out. */
static void unxml(const char *s, size_t n, char *out)
{
    static const struct { const char *ent; char c; } ents[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t k;
        for (k = 0; k < 5; k++)
            if (strncmp(s + i, ents[k].ent, strlen(ents[k].ent)) == 0)
                break;
        if (k < 5) {
            out[o++] = ents[k].c;
            i += strlen(ents[k].ent);
        } else {
            out[o++] = s[i++];
        }
    }
    out[o] = 0;
}

/* Evaluates a whole query (plain or QueryList); -1 when malformed. *maxcmp gets the largest
 * comparison count of any XPath in it, *nselect the number of Selects (0: plain). */
static int eval_query(const char *q, const es_event *ev, int *maxcmp, int *nselect, int *nsuppress)
{
    static char xp[1 << 16];
    int cmp = 0;
    *maxcmp = 0;
    *nselect = *nsuppress = 0;
    if (strncmp(q, "<QueryList>", 11) != 0) {
        int v = eval_xpath(q, ev, &cmp);
        *maxcmp = cmp;
        return v;
    }
    if (strncmp(q, "<QueryList><Query Id=\"0\" Path=\"Security\">", 41) != 0)
        return -1;
    const char *p = q + 41;
    int selected = 0, suppressed = 0;
    for (;;) {
        int sup = 0;
        const char *open;
        if (strncmp(p, "<Select Path=\"Security\">", 24) == 0) {
            open = p + 24;
        } else if (strncmp(p, "<Suppress Path=\"Security\">", 26) == 0) {
            open = p + 26;
            sup = 1;
        } else {
            break;
        }
        const char *close = strstr(open, sup ? "</Suppress>" : "</Select>");
        if (!close || (size_t)(close - open) >= sizeof xp)
            return -1;
        unxml(open, (size_t)(close - open), xp);
        int v = eval_xpath(xp, ev, &cmp);
        if (v < 0)
            return -1;
        if (cmp > *maxcmp)
            *maxcmp = cmp;
        if (sup) {
            (*nsuppress)++;
            suppressed |= v;
        } else {
            if (*nsuppress) /* Event Viewer puts Suppress after the Selects */
                return -1;
            (*nselect)++;
            selected |= v;
        }
        p = close + (sup ? 11 : 9);
    }
    if (strcmp(p, "</Query></QueryList>") != 0 || !*nselect)
        return -1;
    return selected && !suppressed;
}

/* ---- parsing ---- */

TEST(filter_parse_levels)
{
    char err[200] = "";
    es_filter_init(&g_f);
    CHECK(es_filter_is_empty(&g_f));
    CHECK(es_filter_parse_levels(&g_f, "Critical, error,WARNING", err, sizeof err));
    CHECK_INT(g_f.levels, ES_LEVEL_CRITICAL | ES_LEVEL_ERROR | ES_LEVEL_WARNING);
    CHECK_INT(g_f.audit, 0);
    CHECK(es_filter_parse_levels(&g_f, "information,audit-success,Audit Failure,audit_failure,", err, sizeof err));
    CHECK_INT(g_f.levels, ES_LEVEL_INFORMATION);
    CHECK_INT(g_f.audit, ES_AUDIT_SUCCESS | ES_AUDIT_FAILURE);
    /* All five levels is no level filter. */
    CHECK(es_filter_parse_levels(&g_f, "verbose,information,warning,error,critical", err, sizeof err));
    CHECK_INT(g_f.levels, 0);
    CHECK(es_filter_is_empty(&g_f));
    CHECK(es_filter_parse_levels(&g_f, "error", err, sizeof err));
    CHECK(!es_filter_parse_levels(&g_f, "error,fatal", err, sizeof err));
    CHECK_STR(err, "\"fatal\" is not a level (critical, error, warning, information, verbose, audit-success, "
                   "audit-failure).");
    CHECK_INT(g_f.levels, ES_LEVEL_ERROR); /* unchanged */
    CHECK(!es_filter_parse_levels(&g_f, "errors", err, sizeof err));
    CHECK(!es_filter_parse_levels(&g_f, "err", err, sizeof err));
    CHECK(!es_filter_parse_levels(&g_f, "audit", err, sizeof err));
    CHECK(es_filter_parse_levels(&g_f, "", err, sizeof err));
    CHECK_INT(g_f.levels, 0);
    CHECK(es_filter_parse_levels(&g_f, " , ,", err, sizeof err));
}

TEST(filter_parse_ids)
{
    char err[200] = "";
    es_filter_init(&g_f);
    CHECK(es_filter_parse_ids(&g_f, "4624, 4625,1000-1010, -4634, - 5000 - 5010,,", err, sizeof err));
    CHECK_INT(g_f.ninc, 3);
    CHECK_INT(g_f.nexc, 2);
    CHECK(g_f.inc[0].lo == 4624 && g_f.inc[0].hi == 4624);
    CHECK(g_f.inc[2].lo == 1000 && g_f.inc[2].hi == 1010);
    CHECK(g_f.exc[0].lo == 4634 && g_f.exc[0].hi == 4634);
    CHECK(g_f.exc[1].lo == 5000 && g_f.exc[1].hi == 5010);
    /* Covered items are dropped. */
    CHECK(es_filter_parse_ids(&g_f, "1000-2000,1500,1000-2000,0,65535,0", err, sizeof err));
    CHECK_INT(g_f.ninc, 3);
    struct { const char *text, *msg; } bad[] = {
        {"12a", "\"12a\" is not an event ID (0-65535) or a range such as 1000-1010."},
        {"1, 65536", "\"65536\" is not an event ID (0-65535) or a range such as 1000-1010."},
        {"5-3", "\"5-3\" is not a range: its first ID is larger than its last."},
        {"-", "\"-\" is not an event ID (0-65535) or a range such as 1000-1010."},
        {"--5", "\"--5\" is not an event ID (0-65535) or a range such as 1000-1010."},
        {"1-", "\"1-\" is not an event ID (0-65535) or a range such as 1000-1010."},
        {"1-2-3", "\"1-2-3\" is not an event ID (0-65535) or a range such as 1000-1010."},
        {"+5", "\"+5\" is not an event ID (0-65535) or a range such as 1000-1010."},
        {"1 2", "\"1 2\" is not an event ID (0-65535) or a range such as 1000-1010."},
        {"0x10", "\"0x10\" is not an event ID (0-65535) or a range such as 1000-1010."},
        {"100000000000000000000", "\"100000000000000000000\" is not an event ID (0-65535) or a range such as 1000-1010."},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        CHECK_AT(!es_filter_parse_ids(&g_f, bad[i].text, err, sizeof err), "accepted \"%s\"", bad[i].text);
        CHECK_STR(err, bad[i].msg);
    }
    CHECK_INT(g_f.ninc, 3); /* unchanged by the refusals */
    /* A very long item is cut in the message. */
    char longitem[200];
    memset(longitem, '7', sizeof longitem - 1);
    longitem[sizeof longitem - 1] = 0;
    CHECK(!es_filter_parse_ids(&g_f, longitem, err, sizeof err));
    CHECK(strstr(err, "7777...\" is not an event ID") != NULL);
    /* The limit. */
    es_buf b;
    es_buf_init(&b);
    for (int i = 0; i < ES_FILTER_MAX_RANGES + 1; i++)
        es_buf_printf(&b, "%d,", i);
    CHECK(!es_filter_parse_ids(&g_f, b.data, err, sizeof err));
    CHECK_STR(err, "too many IDs and ranges (at most 1024 to keep, 1024 to leave out) at \"1024\".");
    b.data[b.len - 6] = 0; /* 0..1023 */
    CHECK(es_filter_parse_ids(&g_f, b.data, err, sizeof err));
    CHECK_INT(g_f.ninc, 1024);
    es_buf_free(&b);
    CHECK(es_filter_parse_ids(&g_f, "", err, sizeof err));
    CHECK_INT(g_f.ninc + g_f.nexc, 0);
}

TEST(filter_parse_providers)
{
    char err[300] = "";
    es_filter_init(&g_f);
    CHECK(es_filter_parse_providers(&g_f, " EventLog ,Service Control Manager,eventlog,O'Brien,Say \"hi\", A&B<C>", err,
                                    sizeof err));
    CHECK_INT(g_f.nproviders, 5);
    CHECK_STR(es_filter_provider(&g_f, 0), "EventLog");
    CHECK_STR(es_filter_provider(&g_f, 1), "Service Control Manager");
    CHECK_STR(es_filter_provider(&g_f, 2), "O'Brien");
    CHECK_STR(es_filter_provider(&g_f, 3), "Say \"hi\"");
    CHECK_STR(es_filter_provider(&g_f, 4), "A&B<C>");
    CHECK(!es_filter_parse_providers(&g_f, "ok,It's \"both\"", err, sizeof err));
    CHECK_STR(err, "provider \"It's \"both\"\" holds both kinds of quote (' and \"): it cannot be asked for.");
    CHECK(!es_filter_parse_providers(&g_f, "a\tb\x01", err, sizeof err));
    CHECK_STR(err, "provider \"a\tb\x01\" holds a control character.");
    char name[300];
    memset(name, 'n', 256);
    name[256] = 0;
    CHECK(!es_filter_parse_providers(&g_f, name, err, sizeof err));
    CHECK(strstr(err, "is longer than 255 bytes.") != NULL);
    name[255] = 0;
    CHECK(es_filter_parse_providers(&g_f, name, err, sizeof err));
    CHECK_INT(g_f.nproviders, 1);
    es_buf b;
    es_buf_init(&b);
    for (int i = 0; i < 257; i++)
        es_buf_printf(&b, "P%d,", i);
    CHECK(!es_filter_parse_providers(&g_f, b.data, err, sizeof err));
    CHECK_STR(err, "too many providers (at most 256, 8 KB of names) at \"P256\".");
    CHECK_INT(g_f.nproviders, 1); /* unchanged */
    es_buf_free(&b);
    CHECK(es_filter_parse_providers(&g_f, ",", err, sizeof err));
    CHECK_INT(g_f.nproviders, 0);
}

TEST(filter_describe)
{
    char err[200];
    es_buf b;
    es_buf_init(&b);
    CHECK(parse3(&g_f, "", "", "", err, sizeof err));
    CHECK(es_filter_describe(&g_f, &b));
    CHECK_STR(b.data ? b.data : "", "");
    CHECK(parse3(&g_f, "warning,error,audit-failure", "4624,1000-1010,-4634", "EventLog,Foo", err, sizeof err));
    es_buf_clear(&b);
    es_filter_describe(&g_f, &b);
    CHECK_STR(b.data, "Error, Warning, Audit Failure; IDs 4624, 1000-1010, not 4634; providers: EventLog, Foo");
    CHECK(parse3(&g_f, "", "-4634", "", err, sizeof err));
    es_buf_clear(&b);
    es_filter_describe(&g_f, &b);
    CHECK_STR(b.data, "IDs not 4634");
    es_buf_free(&b);
}

/* ---- the query ---- */

#define SINCE 134086000000000000ull   /* 2025-11-28T..., a whole millisecond */

/* Since the last sweep: EventRecordID above the mark, one more comparison in every Select. */
TEST(filter_query_after_a_record)
{
    char err[200], iso[ES_ISO8601_LEN], want[400];
    es_buf b;
    es_buf_init(&b);
    es_time_iso8601(SINCE, iso);
    CHECK(parse3(&g_f, "", "", "", err, sizeof err));
    CHECK(es_filter_query_after(&g_f, "System", 0, 123, &b));
    CHECK_STR(b.data, "*[System[EventRecordID>123]]");
    es_buf_clear(&b);
    CHECK(parse3(&g_f, "error", "", "", err, sizeof err));
    CHECK(es_filter_query_after(&g_f, "System", SINCE, 18446744073709551615ull, &b));
    snprintf(want, sizeof want, "*[System[(Level=2) and TimeCreated[@SystemTime>='%s'] and EventRecordID>18446744073709551615]]",
             iso);
    CHECK_STR(b.data, want);
    es_buf_clear(&b);
    CHECK(es_filter_query_after(&g_f, "System", SINCE, 0, &b));   /* 0: as es_filter_query */
    es_buf q0;
    CHECK_STR(b.data, query_of(&g_f, SINCE, &q0));
    es_buf_free(&q0);
    /* 19 IDs, the window and the mark: 21 comparisons, more than one XPath holds: a QueryList,
     * every Select with the mark */
    es_buf_clear(&b);
    CHECK(parse3(&g_f, "", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19", "", err, sizeof err));
    CHECK(es_filter_query_after(&g_f, "System", SINCE, 77, &b));
    CHECK(strncmp(b.data, "<QueryList>", 11) == 0);
    size_t selects = 0, marks = 0;
    for (const char *p = b.data; (p = strstr(p, "<Select")) != NULL; p++)
        selects++;
    for (const char *p = b.data; (p = strstr(p, "EventRecordID&gt;77")) != NULL; p++)
        marks++;
    CHECK(selects >= 2);
    CHECK_INT(marks, selects);
    es_buf_free(&b);
}

TEST(filter_query_plain)
{
    char err[200], iso[ES_ISO8601_LEN];
    es_buf b;
    es_time_iso8601(SINCE, iso);
    CHECK(parse3(&g_f, "", "", "", err, sizeof err));
    CHECK_STR(query_of(&g_f, 0, &b), "*");
    es_buf_free(&b);
    char want[300];
    snprintf(want, sizeof want, "*[System[TimeCreated[@SystemTime>='%s']]]", iso);
    CHECK_STR(query_of(&g_f, SINCE, &b), want); /* what the engine sent before filters */
    es_buf_free(&b);
    CHECK(parse3(&g_f, "critical,error,information", "", "", err, sizeof err));
    snprintf(want, sizeof want, "*[System[(Level=1 or Level=2 or Level=4 or Level=0) and TimeCreated[@SystemTime>='%s']]]",
             iso);
    CHECK_STR(query_of(&g_f, SINCE, &b), want);
    es_buf_free(&b);
    CHECK(parse3(&g_f, "error,warning,audit-success", "4624, 1000-1010", "A,O'B", err, sizeof err));
    CHECK_STR(query_of(&g_f, 0, &b),
              "*[System[(Level=2 or Level=3) and (EventID=4624 or (EventID>=1000 and EventID<=1010)) and "
              "Provider[@Name='A' or @Name=\"O'B\"] and band(Keywords,9007199254740992)]]");
    es_buf_free(&b);
    CHECK(parse3(&g_f, "audit-success,audit-failure", "", "", err, sizeof err));
    CHECK_STR(query_of(&g_f, 0, &b), "*[System[band(Keywords,13510798882111488)]]");
    es_buf_free(&b);
    /* 20 comparisons exactly: still plain. 1 time + 19 IDs. */
    CHECK(parse3(&g_f, "", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19", "", err, sizeof err));
    CHECK(strncmp(query_of(&g_f, SINCE, &b), "*[System[", 9) == 0);
    es_buf_free(&b);
    CHECK(parse3(&g_f, "", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20", "", err, sizeof err));
    CHECK(strncmp(query_of(&g_f, SINCE, &b), "<QueryList>", 11) == 0);
    es_buf_free(&b);
}

TEST(filter_query_lists)
{
    char err[200];
    es_buf b;
    es_event ev;
    memset(&ev, 0, sizeof ev);
    ev.provider = "x";
    int maxcmp, nsel, nsup;
    /* Only an exclusion: every event but those, through a Suppress. */
    CHECK(parse3(&g_f, "", "-4634", "", err, sizeof err));
    CHECK_STR(query_of(&g_f, 0, &b), "<QueryList><Query Id=\"0\" Path=\"Security\"><Select Path=\"Security\">*</Select>"
                                     "<Suppress Path=\"Security\">*[System[(EventID=4634)]]</Suppress></Query></QueryList>");
    ev.event_id = 4634;
    CHECK_INT(eval_query(b.data, &ev, &maxcmp, &nsel, &nsup), 0);
    ev.event_id = 4633;
    CHECK_INT(eval_query(b.data, &ev, &maxcmp, &nsel, &nsup), 1);
    es_buf_free(&b);
    /* 40 IDs and two levels: two Selects. */
    es_buf ids;
    es_buf_init(&ids);
    for (int i = 0; i < 40; i++)
        es_buf_printf(&ids, "%s%d", i ? "," : "", 4600 + i);
    CHECK(parse3(&g_f, "error,warning", ids.data, "", err, sizeof err));
    query_of(&g_f, SINCE, &b);
    ev.level = 2;
    ev.time_created = SINCE;
    for (int id = 4590; id < 4650; id++) {
        ev.event_id = (uint32_t)id;
        CHECK_INT(eval_query(b.data, &ev, &maxcmp, &nsel, &nsup), id >= 4600 && id < 4640);
    }
    CHECK_INT(nsel, 3); /* 17 IDs a Select: 20 - time - 2 levels */
    CHECK_INT(nsup, 0);
    CHECK_INT(maxcmp, 20);
    es_buf_free(&b);
    es_buf_free(&ids);
    /* Escaping inside a QueryList: the XPath's quotes stay, & and < become entities. */
    CHECK(parse3(&g_f, "", "-1", "A&B<C>,O'B", err, sizeof err));
    query_of(&g_f, 0, &b);
    CHECK(strstr(b.data, "Provider[@Name='A&amp;B&lt;C&gt;' or @Name=\"O'B\"]") != NULL);
    es_buf_free(&b);
    /* The channel in an attribute. */
    es_buf_init(&b);
    CHECK(es_filter_query(&g_f, "A\"&<", 0, &b));
    CHECK(strncmp(b.data, "<QueryList><Query Id=\"0\" Path=\"A&quot;&amp;&lt;\"><Select Path=\"A&quot;&amp;&lt;\">", 80) == 0);
    es_buf_free(&b);
    /* 30 providers, no IDs: two Selects of the providers. */
    es_buf pv;
    es_buf_init(&pv);
    for (int i = 0; i < 30; i++)
        es_buf_printf(&pv, "%sProvider-%d", i ? "," : "", i);
    CHECK(parse3(&g_f, "", "", pv.data, err, sizeof err));
    query_of(&g_f, SINCE, &b);
    ev.provider = "PROVIDER-29";
    CHECK_INT(eval_query(b.data, &ev, &maxcmp, &nsel, &nsup), 1);
    CHECK_INT(nsel, 2);
    ev.provider = "Provider-30";
    CHECK_INT(eval_query(b.data, &ev, &maxcmp, &nsel, &nsup), 0);
    es_buf_free(&b);
    es_buf_free(&pv);
}

/* ---- random filters: the query, es_filter_match and a reference agree ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static const char *const pnames[] = {"EventLog", "Service Control Manager", "O'Brien", "Say \"hi\"", "A&B<C>",
                                     "Microsoft-Windows-Security-Auditing", "Kernel-Power", "x", "Ünïcode"};

typedef struct spec {
    int level[6];          /* levels kept; none set = all */
    int any_level;
    uint64_t audit_mask;
    unsigned lo[250], hi[250];
    int excl[250];
    int nids, ninc;
    char prov[40][40];
    int nprov;
} spec;

static int ref_match(const spec *s, const es_event *ev, uint64_t since)
{
    if (ev->time_created < since)
        return 0;
    if (s->any_level) {
        int ok = (ev->level <= 5 && s->level[ev->level]) || (ev->level == 0 && s->level[4]);
        int all = 1;
        for (int l = 1; l <= 5; l++)
            all &= s->level[l];
        if (!ok && !all)
            return 0;
    }
    if (s->audit_mask && !(ev->keywords & s->audit_mask))
        return 0;
    int inc = 0;
    for (int i = 0; i < s->nids; i++)
        if (!s->excl[i] && s->lo[i] <= ev->event_id && ev->event_id <= s->hi[i])
            inc = 1;
        else if (s->excl[i] && s->lo[i] <= ev->event_id && ev->event_id <= s->hi[i])
            return 0;
    if (s->ninc && !inc)
        return 0;
    if (s->nprov) {
        int ok = 0;
        for (int i = 0; i < s->nprov; i++)
            ok |= ci_eq(s->prov[i], ev->provider);
        if (!ok)
            return 0;
    }
    return 1;
}

TEST(filter_query_random)
{
    static const char *lv[] = {"", "critical", "error", "warning", "information", "verbose"};
    static spec s;
    char err[300];
    es_buf text, q;
    es_buf_init(&text);
    int plain = 0, lists = 0, suppressed = 0;
    for (int round = 0; round < 600; round++) {
        memset(&s, 0, sizeof s);
        es_filter_init(&g_f);
        /* Levels and audit. */
        es_buf_clear(&text);
        es_buf_puts(&text, "");
        for (int l = 1; l <= 5; l++)
            if (rnd(3) == 0) {
                s.level[l] = 1;
                s.any_level = 1;
                es_buf_printf(&text, "%s,", lv[l]);
            }
        unsigned a = rnd(4);
        if (a & 1) {
            s.audit_mask |= ES_KEYWORD_AUDIT_SUCCESS;
            es_buf_puts(&text, "Audit-Success,");
        }
        if (a & 2) {
            s.audit_mask |= ES_KEYWORD_AUDIT_FAILURE;
            es_buf_puts(&text, "audit failure");
        }
        CHECK(es_filter_parse_levels(&g_f, text.data, err, sizeof err));
        /* IDs: up to 200, a few ranges, a few exclusions, in a small space so events hit them. */
        es_buf_clear(&text);
        es_buf_puts(&text, "");
        int nids = (int)(rnd(5) == 0 ? rnd(201) : rnd(25));
        for (int i = 0; i < nids; i++) {
            unsigned lo = rnd(400), hi = rnd(4) == 0 ? lo + rnd(20) : lo;
            int ex = rnd(6) == 0;
            s.lo[i] = lo;
            s.hi[i] = hi;
            s.excl[i] = ex;
            s.ninc += !ex;
            if (hi > lo)
                es_buf_printf(&text, "%s%u-%u, ", ex ? "-" : "", lo, hi);
            else
                es_buf_printf(&text, "%s%u,", ex ? "-" : "", lo);
        }
        s.nids = nids;
        CHECK_AT(es_filter_parse_ids(&g_f, text.data, err, sizeof err), "%s: %s", text.data, err);
        /* Providers: up to 30. */
        es_buf_clear(&text);
        es_buf_puts(&text, "");
        int np = (int)(rnd(4) == 0 ? rnd(31) : rnd(4));
        for (int i = 0; i < np; i++) {
            if (rnd(2))
                snprintf(s.prov[i], sizeof s.prov[i], "%s", pnames[rnd(9)]);
            else
                snprintf(s.prov[i], sizeof s.prov[i], "Prov-%u", rnd(40));
            es_buf_printf(&text, "%s,", s.prov[i]);
        }
        s.nprov = np;
        CHECK(es_filter_parse_providers(&g_f, text.data, err, sizeof err));
        if (!es_filter_check(&g_f, err, sizeof err))
            continue; /* too many Selects: refused before any query is built */

        uint64_t since = rnd(2) ? SINCE : 0;
        es_buf_init(&q);
        CHECK(es_filter_query(&g_f, "Security", since, &q));
        int is_list = strncmp(q.data, "<QueryList>", 11) == 0;
        plain += !is_list;
        lists += is_list;
        suppressed += strstr(q.data, "<Suppress") != NULL;
        for (int e = 0; e < 300 && !tl_failures_in_test; e++) {
            es_event ev;
            memset(&ev, 0, sizeof ev);
            ev.level = (uint8_t)rnd(8);
            ev.keywords = (rnd(3) ? 0x8000000000000000ull : 0) | (rnd(3) == 0 ? ES_KEYWORD_AUDIT_SUCCESS : 0) |
                          (rnd(3) == 0 ? ES_KEYWORD_AUDIT_FAILURE : 0);
            ev.event_id = rnd(430);
            char prov[64];
            if (np && rnd(2)) {
                snprintf(prov, sizeof prov, "%s", s.prov[rnd((unsigned)np)]);
                if (rnd(2))
                    for (char *c = prov; *c; c++)
                        *c = (char)toupper((unsigned char)*c);
            } else {
                snprintf(prov, sizeof prov, "%s", rnd(2) ? pnames[rnd(9)] : "Other");
            }
            ev.provider = prov;
            ev.time_created = since + rnd(3) * ES_TICKS_PER_MS - ES_TICKS_PER_MS;
            int maxcmp, nsel, nsup;
            int want = ref_match(&s, &ev, since);
            int got = eval_query(q.data, &ev, &maxcmp, &nsel, &nsup);
            int m = es_filter_match(&g_f, &ev) && ev.time_created >= since;
            CHECK_AT(got == want && m == want, "round %d: query %d, match %d, reference %d; event level %u id %u "
                     "keywords %llx provider %s; query %s", round, got, m, want, ev.level, ev.event_id,
                     (unsigned long long)ev.keywords, ev.provider, q.data);
            CHECK_AT(maxcmp <= ES_FILTER_MAX_COMPARISONS, "round %d: %d comparisons in %s", round, maxcmp, q.data);
            /* Plain whenever it fits and nothing is excluded. */
            size_t cost = (since ? 1 : 0) + (g_f.audit ? 1 : 0) + g_f.nproviders;
            for (int l = 1; l <= 5; l++)
                cost += (g_f.levels >> l) & 1;
            cost += (g_f.levels & ES_LEVEL_INFORMATION) ? 1 : 0;
            for (size_t i = 0; i < g_f.ninc; i++)
                cost += g_f.inc[i].lo == g_f.inc[i].hi ? 1 : 2;
            CHECK_AT(is_list == (g_f.nexc || cost > ES_FILTER_MAX_COMPARISONS), "round %d: cost %zu, %s", round, cost,
                     q.data);
        }
        es_buf_free(&q);
    }
    es_buf_free(&text);
    CHECK(plain > 50 && lists > 50 && suppressed > 50);
}

/* The largest lists: 1024 ranges kept and 1024 left out, every level part; and a cross product
 * of IDs and providers too large to send, refused by es_filter_check. */
TEST(filter_query_largest)
{
    char err[300];
    es_buf t, q;
    es_buf_init(&t);
    for (int i = 0; i < 1024; i++)
        es_buf_printf(&t, "%d-%d,-%d-%d,", i * 4, i * 4 + 1, 60000 + i * 2, 60000 + i * 2 + 1);
    es_filter_init(&g_f);
    CHECK(es_filter_parse_ids(&g_f, t.data, err, sizeof err));
    CHECK(es_filter_parse_providers(&g_f, "p1,P255", err, sizeof err));
    CHECK(es_filter_parse_levels(&g_f, "critical,error,warning,information,audit-success", err, sizeof err));
    CHECK(es_filter_check(&g_f, err, sizeof err));
    es_buf_init(&q);
    CHECK(es_filter_query(&g_f, "Security", SINCE, &q));
    es_event ev;
    memset(&ev, 0, sizeof ev);
    ev.provider = "p255";
    ev.event_id = 4093;
    ev.keywords = ES_KEYWORD_AUDIT_SUCCESS;
    ev.time_created = SINCE;
    int maxcmp, nsel, nsup;
    CHECK_INT(eval_query(q.data, &ev, &maxcmp, &nsel, &nsup), 1);
    CHECK(maxcmp <= ES_FILTER_MAX_COMPARISONS);
    CHECK_INT(nsup, 103); /* 10 ranges a Suppress */
    CHECK_INT(nsel, 205); /* both providers in each Select, 5 ranges: 20 - 7 fixed - 2 providers = 11 */
    ev.event_id = 60001;
    CHECK_INT(eval_query(q.data, &ev, &maxcmp, &nsel, &nsup), 0);
    ev.event_id = 4094;
    CHECK_INT(eval_query(q.data, &ev, &maxcmp, &nsel, &nsup), 0);
    es_buf_free(&q);
    es_buf_clear(&t);
    for (int i = 0; i < 256; i++)
        es_buf_printf(&t, "P%d,", i);
    CHECK(es_filter_parse_providers(&g_f, t.data, err, sizeof err));
    CHECK(!es_filter_check(&g_f, err, sizeof err));
    CHECK(strstr(err, "queries on each server (at most 1024): use fewer, or ranges.") != NULL);
    es_buf_free(&t);
}

int main(void)
{
    RUN(filter_parse_levels);
    RUN(filter_parse_ids);
    RUN(filter_parse_providers);
    RUN(filter_describe);
    RUN(filter_query_plain);
    RUN(filter_query_after_a_record);
    RUN(filter_query_lists);
    RUN(filter_query_random);
    RUN(filter_query_largest);
    TESTS_DONE();
}
