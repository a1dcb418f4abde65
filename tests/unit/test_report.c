/* The fleet picture and the HTML report (es_summary.h, es_report.h, the view's pick): summary
 * and timeline numbers on crafted rows, bursts, the sort's stability, the click filters, and the
 * report's safety (escaping, one CSP, no script, no external reference, balanced tags). */
#include "es_report.h"
#include "es_summary.h"
#include "es_time.h"
#include "es_utf.h"
#include "es_view.h"
#include "testlib.h"

#include <ctype.h>
#include <strings.h>

#define T0  134000000000000000ull
#define MIN (60ull * ES_TICKS_PER_SEC)

static void add(es_rowstore *s, uint32_t src, uint64_t t, const char *prov, uint32_t id, uint8_t level,
                const char *msg)
{
    es_batch *b = es_batch_new(src, 1);
    es_event ev;
    memset(&ev, 0, sizeof ev);
    ev.time_created = t;
    ev.record_id = es_rowstore_count(s) + 1;
    ev.event_id = id;
    ev.level = level;
    ev.provider = prov;
    ev.computer = "host.example";
    ev.message = msg;
    es_batch_add(b, &ev, t + ES_TICKS_PER_SEC);
    es_rowstore_append(s, b, NULL);
}

/* Sources: srv-a (System), srv-b, srv-c, SRV-A (Application: the same server), srv-d. */
static const char *const k_names[] = {"srv-a", "srv-b", "srv-c", "SRV-A", "srv-d"};
static const char *const k_logs[] = {"System", "System", "System", "Application", "System"};

static es_rowset rowset(const es_rowstore *s, const uint32_t *order, size_t n)
{
    es_rowset rs = {s, order, n, k_names, k_logs, NULL, NULL, 5};
    return rs;
}

static const es_sum_group *find_group(const es_summary *s, const char *prov, uint32_t id)
{
    for (size_t i = 0; i < s->ngroups; i++)
        if (s->groups[i].event_id == id && strcasecmp(s->groups[i].provider, prov) == 0)
            return &s->groups[i];
    return NULL;
}

/* The crafted fleet: 
 *   Disk 7      on a, b, c within 9 minutes (and on SRV-A, srv-a's other log, as "DISK"): a burst
 *   Svc 100     on a, b, c spread over 30 minutes: not a burst
 *   Edge 5      on a, b, c exactly 10 minutes from first to last: a burst (the window is closed)
 *   Lone 1      on d only, many times */
static es_rowstore *fleet(void)
{
    es_rowstore *s = es_rowstore_new();
    add(s, 0, T0, "Disk", 7, 3, "disk a");
    add(s, 1, T0 + 4 * MIN, "disk", 7, 2, "disk b");
    add(s, 2, T0 + 9 * MIN, "Disk", 7, 4, "disk c");
    add(s, 3, T0 + 20 * MIN, "DISK", 7, 4, "disk A again");
    add(s, 0, T0, "Svc", 100, 4, "svc a");
    add(s, 1, T0 + 15 * MIN, "Svc", 100, 0, "svc b");
    add(s, 2, T0 + 30 * MIN, "Svc", 100, 5, "svc c");
    add(s, 0, T0 + 40 * MIN, "Edge", 5, 5, "edge a");
    add(s, 1, T0 + 45 * MIN, "Edge", 5, 1, "edge b");
    add(s, 2, T0 + 50 * MIN, "Edge", 5, 5, "edge c");
    for (int i = 0; i < 6; i++)
        add(s, 4, T0 + (uint64_t)i * 7 * MIN, "Lone", 1, 4, "lone");
    return s;
}

TEST(summary_groups_and_bursts)
{
    es_rowstore *s = fleet();
    size_t n = es_rowstore_count(s);
    /* three orders of the same rows: arrival, reversed (a newest-first view), shuffled */
    uint32_t ord[3][16];
    for (size_t i = 0; i < n; i++) {
        ord[0][i] = (uint32_t)i;
        ord[1][i] = (uint32_t)(n - 1 - i);
        ord[2][i] = (uint32_t)((i * 7) % n);
    }
    for (int k = 0; k < 3; k++) {
        es_rowset rs = rowset(s, ord[k], n);
        es_summary sum;
        CHECK(es_summary_build(&rs, 0, 0, &sum, NULL));
        CHECK_INT(sum.ngroups, 4);
        CHECK_INT(sum.rows, n);
        CHECK_INT(sum.nbursts, 2);
        const es_sum_group *g = find_group(&sum, "disk", 7);
        CHECK(g != NULL);
        if (g) {
            CHECK_INT(g->count, 4);
            CHECK_INT(g->servers, 3);   /* srv-a and SRV-A are one server */
            CHECK_INT(g->first, T0);
            CHECK_INT(g->last, T0 + 20 * MIN);
            CHECK_INT(g->level, 2);     /* Error is worse than Warning and Information */
            CHECK_INT(g->burst, 1);
            CHECK_INT(g->burst_start, T0);
            CHECK_INT(g->burst_servers, 3);
        }
        g = find_group(&sum, "svc", 100);
        CHECK(g && g->burst == 0 && g->servers == 3 && g->burst_servers == 1);
        CHECK_INT(g ? g->level : 99, 4);
        g = find_group(&sum, "edge", 5);
        CHECK(g && g->burst == 1 && g->burst_start == T0 + 40 * MIN && g->level == 1);
        g = find_group(&sum, "lone", 1);
        CHECK(g && g->count == 6 && g->servers == 1 && !g->burst);
        /* the default order: provider, then ID */
        CHECK(strcasecmp(sum.groups[0].provider, "disk") == 0);   /* the first row's spelling */
        CHECK_STR(sum.groups[3].provider, "Svc");
        es_summary_free(&sum);
    }
    /* N and T are settable */
    es_rowset rs = rowset(s, NULL, n);
    es_summary sum;
    CHECK(es_summary_build(&rs, 4, 10, &sum, NULL));
    CHECK_INT(sum.nbursts, 0);
    es_summary_free(&sum);
    CHECK(es_summary_build(&rs, 3, 30, &sum, NULL));
    CHECK_INT(sum.nbursts, 3);   /* Svc too, now */
    es_summary_free(&sum);
    CHECK(es_summary_build(&rs, 3, 9, &sum, NULL));   /* Disk within 9 minutes still; Edge not */
    CHECK_INT(sum.nbursts, 1);
    CHECK(find_group(&sum, "disk", 7)->burst == 1);
    es_summary_free(&sum);
    /* a subset of the rows: only what the view shows counts */
    uint32_t some[] = {0, 1};
    rs = rowset(s, some, 2);
    CHECK(es_summary_build(&rs, 0, 0, &sum, NULL));
    CHECK_INT(sum.ngroups, 1);
    CHECK_INT(sum.groups[0].servers, 2);
    CHECK_INT(sum.groups[0].burst, 0);
    es_summary_free(&sum);
    /* cancelled */
    atomic_int cancel = 1;
    rs = rowset(s, NULL, n);
    CHECK(!es_summary_build(&rs, 0, 0, &sum, &cancel));
    CHECK(sum.groups == NULL && sum.ngroups == 0);
    es_rowstore_unref(s);
}

TEST(summary_sort_is_stable)
{
    es_rowstore *s = es_rowstore_new();
    /* ten groups; counts 1, 2, 1, 2, ... so ties abound */
    char prov[16];
    for (int gi = 0; gi < 10; gi++) {
        snprintf(prov, sizeof prov, "P%02d", gi);
        for (int k = 0; k < 1 + gi % 2; k++)
            add(s, (uint32_t)(gi % 5), T0 + (uint64_t)(gi * 10 + k) * MIN, prov, 10 - (uint32_t)gi, (uint8_t)(1 + gi % 5), "m");
    }
    es_rowset rs = rowset(s, NULL, es_rowstore_count(s));
    es_summary sum;
    CHECK(es_summary_build(&rs, 0, 0, &sum, NULL));
    CHECK_INT(sum.ngroups, 10);
    CHECK(es_summary_sort(&sum, ES_SUM_COUNT, 1));
    for (size_t i = 1; i < sum.ngroups; i++) {
        CHECK(sum.groups[i - 1].count >= sum.groups[i].count);
        if (sum.groups[i - 1].count == sum.groups[i].count)   /* the provider order kept */
            CHECK(strcmp(sum.groups[i - 1].provider, sum.groups[i].provider) < 0);
    }
    CHECK_STR(sum.groups[0].provider, "P01");
    CHECK(es_summary_sort(&sum, ES_SUM_LEVEL, 0));
    for (size_t i = 1; i < sum.ngroups; i++) {
        CHECK(es_level_rank(sum.groups[i - 1].level) <= es_level_rank(sum.groups[i].level));
        if (sum.groups[i - 1].level == sum.groups[i].level)   /* the count order kept */
            CHECK(sum.groups[i - 1].count >= sum.groups[i].count);
    }
    for (int c = 0; c < ES_SUM_NCOLS; c++)
        for (int d = 0; d < 2; d++)
            CHECK(es_summary_sort(&sum, (es_sum_col)c, d));
    CHECK(es_summary_sort(&sum, ES_SUM_ID, 0));
    CHECK_INT(sum.groups[0].event_id, 1);
    CHECK(es_summary_sort(&sum, ES_SUM_FIRST, 1));
    CHECK_STR(sum.groups[0].provider, "P09");
    CHECK_STR(es_sum_col_name(ES_SUM_COUNT), "Events");
    es_summary_free(&sum);
    es_rowstore_unref(s);
}

TEST(timeline_steps)
{
    CHECK_INT(es_timeline_step(T0, T0 + 50 * MIN, 0), MIN);
    CHECK_INT(es_timeline_step(T0, T0 + 61 * MIN, 0), 5 * MIN);
    CHECK_INT(es_timeline_step(T0, T0 + 120 * MIN, 0), 5 * MIN);
    CHECK_INT(es_timeline_step(T0, T0 + 8 * 60 * MIN, 0), 10 * MIN);
    CHECK_INT(es_timeline_step(T0, T0 + 24 * 60 * MIN, 0), 30 * MIN);
    CHECK_INT(es_timeline_step(T0, T0 + 72 * 60 * MIN, 0), 2 * 60 * MIN);
    CHECK_INT(es_timeline_step(T0, T0 + 30 * 24 * 60 * MIN, 0), 24 * 60 * MIN);
    CHECK_INT(es_timeline_step(T0, T0, 0), MIN);
    CHECK_INT(es_timeline_step(T0, T0 + 10 * MIN, 10), 5 * MIN);
    /* far spans: whole days, never more than the buckets asked for */
    uint64_t spans[] = {200, 365, 3650};
    for (size_t i = 0; i < 3; i++) {
        uint64_t to = T0 + spans[i] * 24 * 60 * MIN + 7 * MIN, st = es_timeline_step(T0, to, 0);
        CHECK(st % (24 * 60 * MIN) == 0);
        CHECK((to - T0 / st * st) / st + 1 <= 60);
    }
}

TEST(timeline_cells_and_click)
{
    es_rowstore *s = fleet();
    size_t n = es_rowstore_count(s);
    es_rowset rs = rowset(s, NULL, n);
    es_timeline t;
    CHECK(es_timeline_build(&rs, 0, 0, 0, &t, NULL));
    CHECK_INT(t.step, MIN);          /* T0 .. T0 + 50 min */
    CHECK_INT(t.nservers, 4);        /* srv-a / SRV-A once */
    CHECK_INT(t.start, T0 / MIN * MIN);
    CHECK_INT(t.nbuckets, (T0 + 50 * MIN - t.start) / MIN + 1);
    CHECK_INT(t.server_of[0], t.server_of[3]);
    size_t a = t.server_of[0], b0 = (size_t)((T0 - t.start) / MIN);
    const es_tl_cell *c = es_timeline_cell(&t, a, b0);
    CHECK_INT(c->count, 2);          /* Disk 7 and Svc 100 at T0 */
    CHECK_INT(c->level, 3);          /* Warning beats Information */
    c = es_timeline_cell(&t, a, b0 + 20);
    CHECK_INT(c->count, 1);          /* srv-a's Application log */
    CHECK_INT(t.max_count, 2);
    uint64_t total = 0;
    for (size_t i = 0; i < t.nservers * t.nbuckets; i++)
        total += t.cells[i].count;
    CHECK_INT(total, n);
    /* the click: the cell's server and time range, as a pick on the view */
    const char *name;
    uint64_t t0, t1;
    CHECK(es_timeline_cell_range(&t, &rs, a, b0, &name, &t0, &t1));
    CHECK_STR(name, "srv-a");
    CHECK(t0 <= T0 && T0 < t1 && t1 - t0 == MIN);
    CHECK(!es_timeline_cell_range(&t, &rs, t.nservers, 0, &name, &t0, &t1));
    CHECK(!es_timeline_cell_range(&t, &rs, 0, t.nbuckets, &name, &t0, &t1));
    es_pick *p = es_pick_cell(name, t0, t1);
    es_view_ctx ctx = {k_names, NULL, 5, NULL, NULL};
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += es_pick_row(p, es_rowstore_get(s, i), &ctx);
    CHECK_INT(k, c[-20].count);
    es_pick_free(p);
    /* a range given: rows outside it are not counted */
    es_timeline_free(&t);
    CHECK(es_timeline_build(&rs, T0 + 10 * MIN, T0 + 20 * MIN, 0, &t, NULL));
    total = 0;
    for (size_t i = 0; i < t.nservers * t.nbuckets; i++)
        total += t.cells[i].count;
    CHECK_INT(total, 3);   /* Svc b at 15, DISK at 20, Lone at 14 */
    es_timeline_free(&t);
    /* no rows */
    rs.n = 0;
    CHECK(es_timeline_build(&rs, 0, 0, 0, &t, NULL));
    CHECK_INT(t.nbuckets, 1);
    CHECK_INT(t.max_count, 0);
    es_timeline_free(&t);
    es_rowstore_unref(s);
}

/* The colour rule the window's timeline and the report share. */
TEST(timeline_colours)
{
    CHECK_INT(es_level_rgb(2), 0xd0302a);            /* Error */
    CHECK_INT(es_level_rgb(3), 0xe59a00);            /* Warning */
    CHECK_INT(es_level_rgb(0), es_level_rgb(4));     /* LogAlways as Information */
    CHECK(es_level_rgb(1) != es_level_rgb(2) && es_level_rgb(5) != es_level_rgb(4));
    CHECK_INT(es_level_rgb(200), 0x5f6b7a);          /* custom */
    CHECK_INT(es_tl_alpha(0, 100), 0);
    CHECK_INT(es_tl_alpha(100, 100), 1000);
    CHECK_INT(es_tl_alpha(1, 1), 1000);
    CHECK_INT(es_tl_alpha(7, 0), 1000);              /* a max below the count: the most */
    CHECK_INT(es_tl_alpha(1, 255), 250 + 94);        /* log2(2) / log2(256) = 1/8 of 750, rounded */
    CHECK_INT(es_tl_alpha(15, 255), 250 + 375);      /* 4/8 */
    CHECK_INT(es_tl_alpha(1, UINT32_MAX), 250 + 23); /* 1/32 */
    CHECK_INT(es_tl_alpha(UINT32_MAX - 1, UINT32_MAX), 1000);
    for (uint32_t c = 1; c < 300; c++)               /* more events, never paler */
        CHECK_AT(es_tl_alpha(c, 300) <= es_tl_alpha(c + 1, 300), "alpha(%u) > alpha(%u)", c, c + 1);
    CHECK_INT(es_tl_cell_rgb(0, 2, 10), ES_TL_EMPTY_RGB);
    CHECK_INT(es_tl_cell_rgb(10, 2, 10), 0xd0302a);
    /* 1 of 255: alpha 344 of 0xd0302a over 0xf3f5f7 per channel, rounded */
    CHECK_INT(es_tl_cell_rgb(1, 2, 255), ((0xd0 * 344 + 0xf3 * 656 + 500) / 1000) << 16 |
                                         ((0x30 * 344 + 0xf5 * 656 + 500) / 1000) << 8 |
                                         ((0x2a * 344 + 0xf7 * 656 + 500) / 1000));
    CHECK(es_tl_cell_rgb(5, 2, 10) != es_tl_cell_rgb(5, 3, 10));
}

TEST(pick_filters_the_view)
{
    es_rowstore *s = fleet();
    size_t n = es_rowstore_count(s);
    uint32_t rank[5];
    es_view_rank_sources(k_names, 5, rank);
    es_view_ctx c = {k_names, rank, 5, NULL, NULL};
    es_view v;
    es_view_init(&v);
    es_view_result r;
    memset(&r, 0, sizeof r);
    r.order = ES_ORDER_DEFAULT;
    r.pick = es_pick_event("dISK", 7);
    es_view_install(&v, &r);
    CHECK(es_view_filters(&v));
    CHECK(es_view_add(&v, s, n, &c, NULL, NULL));
    CHECK_INT(v.nall, n);
    CHECK_INT(v.nvis, 4);
    for (size_t i = 0; i < v.nvis; i++)
        CHECK_INT(es_rowstore_get(s, v.vis[i])->event_id, 7);
    add(s, 2, T0 + 60 * MIN, "Disk", 7, 2, "later");   /* arriving rows are filtered too */
    add(s, 2, T0 + 61 * MIN, "Disk", 8, 2, "other id");
    CHECK(es_view_add(&v, s, es_rowstore_count(s), &c, NULL, NULL));
    CHECK_INT(v.nvis, 5);
    /* the job's filter, with a copy of the pick */
    es_pick *p2 = es_pick_copy(v.pick);
    uint32_t out[32];
    CHECK_INT(es_view_filter_pick(s, v.all, v.nall, NULL, p2, NULL, 0, &c, out, NULL), 5);
    CHECK_INT(es_view_filter(s, v.all, v.nall, NULL, NULL, 0, &c, out, NULL), v.nall);
    CHECK(es_pick_row(NULL, es_rowstore_get(s, 0), &c));
    es_pick_free(p2);
    es_pick_free(es_pick_copy(NULL));
    es_view_free(&v);
    es_rowstore_unref(s);
}

TEST(rowset_names)
{
    es_rowstore *s = es_rowstore_new();
    es_batch *b = es_batch_new(1, 2);
    es_event ev;
    memset(&ev, 0, sizeof ev);
    ev.provider = "P";
    ev.message = "m";
    ev.channel = "Application";
    es_batch_add(b, &ev, 1);
    ev.channel = "Setup";
    es_batch_add(b, &ev, 1);
    es_rowstore_append(s, b, NULL);
    add(s, 0, T0, "P", 1, 4, "m");
    add(s, 7, T0, "P", 1, 4, "m");   /* a source past the names */
    /* source 0 a server read for System; source 1 a saved log whose rows name their channel */
    const char *const names[] = {"srv-a", "C:\\logs\\a.evtx"};
    const char *const logs[] = {"System", NULL};
    const char *const f1[] = {"Application", "Setup"};
    const char *const *const flogs[] = {NULL, f1};
    const uint8_t nflogs[] = {0, 2};
    es_rowset rs = {s, NULL, 4, names, logs, flogs, nflogs, 2};
    const es_row *r0 = es_rowset_row(&rs, 0), *r1 = es_rowset_row(&rs, 1), *r2 = es_rowset_row(&rs, 2);
    CHECK_STR(es_rowset_server(&rs, r0), "C:\\logs\\a.evtx");
    CHECK(r0->log_ix >= 1 && r1->log_ix >= 1);
    /* a batch numbers its channels itself; the window renumbers them into flogs (here: the same) */
    CHECK_STR(es_rowset_log(&rs, r0), "Application");
    CHECK_STR(es_rowset_log(&rs, r1), "Setup");
    CHECK_STR(es_rowset_server(&rs, r2), "srv-a");
    CHECK_STR(es_rowset_log(&rs, r2), "System");
    CHECK_STR(es_rowset_server(&rs, es_rowset_row(&rs, 3)), "");
    CHECK_STR(es_rowset_log(&rs, es_rowset_row(&rs, 3)), "");
    rs.logs = NULL;
    rs.flogs = NULL;
    CHECK_STR(es_rowset_log(&rs, r0), "");
    es_rowstore_unref(s);
}

/* ---- the report ---- */

static void escaped(const char *in, size_t n, const char *want)
{
    es_buf b;
    es_buf_init(&b);
    CHECK(es_html_escape(&b, in, n));
    CHECK_AT(b.data && strcmp(b.data, want) == 0, "escape: got \"%s\", expected \"%s\"", b.data ? b.data : "", want);
    es_buf_free(&b);
}

TEST(html_escaping)
{
#define E(s, w) escaped(s, sizeof s - 1, w)
    E("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    E("\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    E("a'b\"c&d", "a&#39;b&quot;c&amp;d");
    E("&amp;", "&amp;amp;");
    E("tab\tlf\ncr\r", "tab\tlf\ncr\r");
    E("nul\0bel\a esc\x1b del\x7f", "nul\xEF\xBF\xBD" "bel\xEF\xBF\xBD esc\xEF\xBF\xBD del\xEF\xBF\xBD");
    E("\xC2\x85 C1", "\xEF\xBF\xBD C1");                        /* NEL, a C1 control */
    E("bad \xFF\xFE end", "bad \xEF\xBF\xBD\xEF\xBF\xBD end");
    E("cut \xE2\x82", "cut \xEF\xBF\xBD\xEF\xBF\xBD");            /* truncated sequence */
    E("over \xC0\xBC", "over \xEF\xBF\xBD\xEF\xBF\xBD");          /* overlong '<' */
    E("surr \xED\xA0\x80", "surr \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    E("\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
    E("", "");
#undef E
    es_buf b;
    es_buf_init(&b);
    CHECK(es_html_puts(&b, NULL));
    CHECK_INT(b.len, 0);
    es_buf_free(&b);
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t k = 0, n = strlen(needle);
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += n)
        k++;
    return k;
}

static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            return 1;
    return 0;
}

/* Every element opened is closed in order (void elements and <x/> excepted); the text between
 * tags holds no '<' or '>' (so no markup came from the data). Returns 1 when balanced. */
static int balanced(const char *h, char *why, size_t whylen)
{
    static const char *const voids[] = {"meta", "br", "hr", "img", "input", "link", "!doctype"};
    char stack[64][16];
    size_t depth = 0;
    for (const char *p = h; *p; p++) {
        if (*p == '>') {
            snprintf(why, whylen, "a stray '>' at %zu", (size_t)(p - h));
            return 0;
        }
        if (*p != '<')
            continue;
        int close = p[1] == '/';
        const char *q = p + 1 + close;
        char name[16];
        size_t k = 0;
        while ((isalnum((unsigned char)*q) || *q == '!') && k < sizeof name - 1)
            name[k++] = (char)tolower((unsigned char)*q++);
        name[k] = 0;
        const char *end = strchr(q, '>');
        if (!k || !end) {
            snprintf(why, whylen, "a stray '<' at %zu", (size_t)(p - h));
            return 0;
        }
        int selfclose = end[-1] == '/', isvoid = 0;
        for (size_t i = 0; i < sizeof voids / sizeof *voids; i++)
            isvoid |= strcmp(name, voids[i]) == 0;
        if (close) {
            if (!depth || strcmp(stack[depth - 1], name)) {
                snprintf(why, whylen, "</%s> closes <%s>", name, depth ? stack[depth - 1] : "nothing");
                return 0;
            }
            depth--;
        } else if (!selfclose && !isvoid) {
            if (depth == 64)
                return 0;
            strcpy(stack[depth++], name);
        }
        if (strcmp(name, "style") == 0 && !close) {   /* CSS: skip to its end */
            const char *e = strstr(end, "</style>");
            if (!e)
                return 0;
            end = e - 1;
        }
        p = end;
    }
    if (depth)
        snprintf(why, whylen, "<%s> never closed", stack[depth - 1]);
    return depth == 0;
}

static es_rowstore *hostile(void)
{
    es_rowstore *s = es_rowstore_new();
    add(s, 0, T0, "<script>alert(1)</script>", 666, 1, "\"><img src=x onerror=alert(1)>");
    add(s, 1, T0 + MIN, "Prov'\"&", 1, 2, "ctl\x01\x1b bad\xFF utf8 <b>bold</b>");
    add(s, 2, T0 + 2 * MIN, "<script>alert(1)</script>", 666, 1, "again");
    add(s, 4, T0 + 3 * MIN, "Disk", 7, 3, "plain");
    add(s, 4, T0 + 4 * MIN, "Disk", 7, 3, "plain 2");
    add(s, 4, T0 + 5 * MIN, "<script>alert(1)</script>", 666, 2, "third server");
    return s;
}

static const char *const k_evil_names[] = {"<script>alert('srv')</script>", "srv\"><svg onload=alert(1)>", "srv-c",
                                           "SRV-A", "srv-'d'"};

static void report_rule(const es_rowstore *s, size_t max_rows, unsigned bs, unsigned bm, es_buf *out)
{
    es_rowset rs = {s, NULL, es_rowstore_count(s), k_evil_names, k_logs, NULL, NULL, 5};
    es_source_status st[2] = {
        {"<script>alert('src')</script>", ES_STATE_DONE, 3, 0, NULL, 1.5, "System", NULL},
        {"srv-b", ES_STATE_FAILED, 0, 5, "Access is denied. Likely cause: <not> in \"Event Log Readers\".", 0.2,
         "System", "log starts <later>"},
    };
    es_report r = {0};
    r.title = "Report <of> \"night\"";
    r.generated = T0;
    r.servers = "<script>alert('servers')</script>";
    r.logs = "System";
    r.window = "last 8 hours";
    r.filters = "providers: <img src=x onerror=alert(1)>";
    r.sources = st;
    r.nsources = 2;
    r.rows = &rs;
    r.max_rows = max_rows;
    r.burst_servers = bs;
    r.burst_minutes = bm;
    es_sink sink = {es_sink_buf_write, out};
    CHECK(es_report_html(&r, &sink, NULL));
}

static void report_of(const es_rowstore *s, size_t max_rows, es_buf *out) { report_rule(s, max_rows, 0, 0, out); }

TEST(report_is_safe_and_well_formed)
{
    es_rowstore *s = hostile();
    es_buf b;
    es_buf_init(&b);
    report_of(s, 0, &b);
    const char *h = b.data ? b.data : "";
    CHECK_INT(count_of(h, "Content-Security-Policy"), 1);
    CHECK_INT(count_of(h, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                          "style-src 'unsafe-inline'\">"), 1);
    CHECK(!contains_ci(h, "<script"));
    CHECK(!contains_ci(h, "<img"));
    CHECK(!contains_ci(h, "<svg onload"));
    CHECK(!contains_ci(h, "http:") && !contains_ci(h, "https:"));
    CHECK(!contains_ci(h, "src=\"") && !contains_ci(h, "href") && !contains_ci(h, "url("));
    CHECK(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);   /* the provider */
    CHECK(strstr(h, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;") != NULL);
    CHECK(strstr(h, "Prov&#39;&quot;&amp;") != NULL);
    CHECK(strstr(h, "srv&quot;&gt;&lt;svg onload=alert(1)&gt;") != NULL);   /* in the SVG, the rows */
    CHECK(strstr(h, "<title>srv&quot;&gt;&lt;svg onload=alert(1)&gt;") != NULL);
    CHECK(strstr(h, "ctl\xEF\xBF\xBD\xEF\xBF\xBD bad\xEF\xBF\xBD utf8 &lt;b&gt;bold&lt;/b&gt;") != NULL);
    CHECK(strstr(h, "Likely cause: &lt;not&gt; in &quot;Event Log Readers&quot;.") != NULL);
    CHECK(strstr(h, "<title>Report &lt;of&gt; &quot;night&quot;</title>") != NULL);
    for (size_t i = 0; i < b.len; i++) {   /* no raw control character, valid UTF-8 throughout */
        unsigned char c = (unsigned char)h[i];
        CHECK_AT(c >= 0x20 || c == '\n' || c == '\t' || c == '\r', "control byte %u at %zu", c, i);
        if (c >= 0x80) {
            uint32_t cp;
            size_t k = es_utf8_decode((const unsigned char *)h + i, b.len - i, &cp);
            CHECK_AT(k > 1, "invalid UTF-8 at %zu", i);
            i += k - 1;
        }
    }
    char why[128] = "";
    CHECK_AT(balanced(h, why, sizeof why), "unbalanced: %s", why);
    /* the sections */
    CHECK(strstr(h, "<h2>Sweep</h2>") && strstr(h, "<h2>Sources (2)</h2>") && strstr(h, "<h2>Fleet summary</h2>") &&
          strstr(h, "<h2>Timeline</h2>") && strstr(h, "<h2>Events (6)</h2>"));
    CHECK(strstr(h, "<svg ") && strstr(h, "</svg>"));
    CHECK(strstr(h, "@media print") && strstr(h, "thead{display:table-header-group}"));
    CHECK(strstr(h, "<th>Server</th><th>TimeCreated (UTC)</th><th>Level</th><th>Source</th><th>EventID</th>"
                    "<th>Task</th><th>RecordID</th><th>Computer</th><th>Message</th><th>Received (UTC)</th>"
                    "<th>Log</th>"));
    CHECK_INT(count_of(h, "<tr class=\"burst\">"), 1);   /* the script provider on 3 servers */
    CHECK_INT(count_of(h, "<tr class=\"fail\">"), 1);
    CHECK(strstr(h, "class=\"more\"") == NULL);
    es_buf_free(&b);

    /* the rule (--burst) reaches the report's summary: on 4 servers nothing stands out */
    es_buf_init(&b);
    report_rule(s, 0, 4, 10, &b);
    h = b.data ? b.data : "";
    CHECK_INT(count_of(h, "<tr class=\"burst\">"), 0);
    CHECK(strstr(h, "seen on 4 or more servers within 10 minutes") != NULL);
    es_buf_free(&b);
    es_buf_init(&b);
    report_rule(s, 0, 2, 1, &b);
    h = b.data ? b.data : "";
    CHECK(strstr(h, "seen on 2 or more servers within 1 minutes") != NULL);
    es_buf_free(&b);

    /* the first N rows, and how many more */
    es_buf_init(&b);
    report_of(s, 2, &b);
    h = b.data ? b.data : "";
    CHECK(strstr(h, "and 4 more rows (the report holds the first 2).") != NULL);
    CHECK_INT(count_of(h, "<td class=\"msg\">"), 2);
    why[0] = 0;
    CHECK_AT(balanced(h, why, sizeof why), "unbalanced: %s", why);
    es_buf_free(&b);
    es_rowstore_unref(s);
}

static int failing_write(void *ctx, const char *p, size_t n)
{
    (void)p;
    size_t *left = ctx;
    if (n > *left)
        return 0;
    *left -= n;
    return 1;
}

TEST(report_sink_failure_and_empty)
{
    es_rowstore *s = es_rowstore_new();
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    for (int i = 0; i < 200; i++)
        add(s, (uint32_t)(i % 5), T0 + (uint64_t)i * MIN, "P", (uint32_t)i % 3, 4, big);
    es_rowset rs = {s, NULL, es_rowstore_count(s), k_names, k_logs, NULL, NULL, 5};
    es_report r = {0};
    r.rows = &rs;
    size_t left = 100000;
    es_sink sink = {failing_write, &left};
    CHECK(!es_report_html(&r, &sink, NULL));
    atomic_int cancel = 1;
    es_buf b;
    es_buf_init(&b);
    es_sink mem = {es_sink_buf_write, &b};
    CHECK(!es_report_html(&r, &mem, &cancel));
    es_buf_clear(&b);
    es_report none = {0};   /* nothing at all: still a whole document */
    CHECK(es_report_html(&none, &mem, NULL));
    char why[128] = "";
    CHECK_AT(balanced(b.data, why, sizeof why), "unbalanced: %s", why);
    CHECK(strstr(b.data, "<h2>Events (0)</h2>") != NULL);
    es_buf_free(&b);
    es_rowstore_unref(s);
}

int main(void)
{
    RUN(summary_groups_and_bursts);
    RUN(summary_sort_is_stable);
    RUN(timeline_steps);
    RUN(timeline_cells_and_click);
    RUN(timeline_colours);
    RUN(pick_filters_the_view);
    RUN(rowset_names);
    RUN(html_escaping);
    RUN(report_is_safe_and_well_formed);
    RUN(report_sink_failure_and_empty);
    TESTS_DONE();
}
