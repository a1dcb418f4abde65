/* The view (es_view.h): sort order, quick find, source focus, rows placed as they arrive.
 * The reference for every order is qsort with es_view_compare, which is itself checked
 * against the rules written out by hand (tie-breaks, level severity, case-insensitive text). */
#include "es_view.h"
#include "es_time.h"
#include "testlib.h"

#include <stdatomic.h>

/* A deterministic pseudo-random store: rows from `nsrc` sources in batches, texts sharing long
 * prefixes and differing in case, times with ties across sources. */
static uint64_t g_rng = 88172645463325252ull;
static uint64_t rnd(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return g_rng;
}

static const char *const k_msgs[] = {
    "The Windows Update service entered the running state.",
    "The Windows Update service entered the stopped state.",
    "the windows update service entered the Running state.",
    "The WINDOWS Update service",
    "Disk 2 has a bad block.",
    "",
    "Multi\r\nline\tmessage",
    "The Windows Update service entered the running state. Extra",
    "Zebra",
    "\xc3\xa9t\xc3\xa9 (UTF-8)",
};
static const char *const k_provs[] = {"Service Control Manager", "service control manager", "EventLog", "Disk", "A", "Zz"};
static const char *const k_names[] = {"srv-b", "SRV-a", "srv-c", "file.evtx"};
static const char *const k_levels[] = {"Information", "Critical", "Error", "Warning", "Information", "Verbose"};

static es_rowstore *make_store(size_t n, size_t batch)
{
    es_rowstore *s = es_rowstore_new();
    size_t done = 0;
    while (done < n) {
        uint32_t src = (uint32_t)(rnd() % 4);
        size_t k = batch < n - done ? batch : n - done;
        es_batch *b = es_batch_new(src, k);
        for (size_t i = 0; i < k; i++) {
            es_event ev;
            memset(&ev, 0, sizeof ev);
            ev.time_created = 133000000000000000ull + (rnd() % 50) * ES_TICKS_PER_SEC; /* many ties */
            ev.record_id = rnd() % 1000;
            ev.event_id = (uint32_t)(rnd() % 20);
            ev.level = (uint8_t)(rnd() % 6);
            ev.level_text = k_levels[ev.level];
            ev.task = (uint16_t)(rnd() % 3);
            ev.provider = k_provs[rnd() % 6];
            ev.computer = k_names[rnd() % 4];
            ev.message = k_msgs[rnd() % 10];
            es_batch_add(b, &ev, 133000000000000000ull + done + i);
            /* its log in its source's table (as the window numbers them); 0 and 4: none. A
             * server's rows show its own log whatever they carry. */
            b->rows[b->count - 1].log_ix = (uint8_t)(rnd() % 5);
        }
        es_rowstore_append(s, b, NULL);
        done += k;
    }
    return s;
}

/* The Log column: three servers (two logs differing only in case), and a saved log whose rows
 * name one of three channels by log_ix. */
static const char *const k_logs[] = {"System", "Application", "system", NULL};
static const char *const k_file_logs[] = {"Setup", "Microsoft-Windows-TaskScheduler/Operational", "application"};
static const char *const *const k_flogs[] = {NULL, NULL, NULL, k_file_logs};
static const uint8_t k_nflogs[] = {0, 0, 0, 3};

static uint32_t g_rank[4];
static es_view_ctx ctx(void)
{
    es_view_rank_sources(k_names, 4, g_rank);
    es_view_ctx c = {.source_names = k_names, .source_rank = g_rank, .nsources = 4, .source_logs = k_logs,
                     .file_logs = k_flogs, .nfile_logs = k_nflogs};
    return c;
}

static const es_rowstore *q_store;
static es_order q_order;
static es_view_ctx q_ctx;
static int q_cmp(const void *a, const void *b)
{
    return es_view_compare(q_store, *(const uint32_t *)a, *(const uint32_t *)b, q_order, &q_ctx);
}

/* Rows [first, n) in order o, by qsort. */
static uint32_t *reference_from(const es_rowstore *s, size_t first, size_t n, es_order o, const es_view_ctx *c)
{
    uint32_t *r = malloc((n - first ? n - first : 1) * sizeof *r);
    for (size_t i = first; i < n; i++)
        r[i - first] = (uint32_t)i;
    q_store = s;
    q_order = o;
    q_ctx = *c;
    qsort(r, n - first, sizeof *r, q_cmp);
    return r;
}

static uint32_t *reference(const es_rowstore *s, size_t n, es_order o, const es_view_ctx *c)
{
    return reference_from(s, 0, n, o, c);
}

/* es_view_sort of the whole store in order o puts every row where qsort does (out: n entries). */
static void check_sort_like_qsort(const es_rowstore *s, size_t n, es_order o, const es_view_ctx *c, uint32_t *out)
{
    uint32_t *ref = reference(s, n, o, c);
    CHECK(es_view_sort(s, 0, n, o, c, out, NULL));
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += out[i] != ref[i];
    CHECK_AT(bad == 0, "%s %s: %zu rows out of place", es_col_name(o.col), o.desc ? "desc" : "asc", bad);
    free(ref);
}

TEST(columns_and_orders_parse)
{
    es_order o;
    char err[256];
    CHECK(es_order_parse("TimeCreated", &o, err, sizeof err) && o.col == ES_COL_TIME && o.desc);
    CHECK(es_order_parse("level", &o, err, sizeof err) && o.col == ES_COL_LEVEL && !o.desc);
    CHECK(es_order_parse("EVENTID:desc", &o, err, sizeof err) && o.col == ES_COL_EVENTID && o.desc);
    CHECK(es_order_parse("received:asc", &o, err, sizeof err) && o.col == ES_COL_RECEIVED && !o.desc);
    CHECK(es_order_parse("Log", &o, err, sizeof err) && o.col == ES_COL_LOG && !o.desc);
    CHECK(es_order_parse("log:asc", &o, err, sizeof err) && o.col == ES_COL_LOG && !o.desc);
    CHECK(es_order_parse("LOG:desc", &o, err, sizeof err) && o.col == ES_COL_LOG && o.desc);
    CHECK_INT(ES_COL_LOG, ES_NCOLS - 1);   /* last, as in the CSV: saved column settings keep their places */
    CHECK(strcmp(es_col_name(ES_COL_LOG), "Log") == 0);
    CHECK(!es_order_parse("Levle", &o, err, sizeof err));
    CHECK(strstr(err, "\"Levle\" is not a column") != NULL);
    CHECK(!es_order_parse("Level:up", &o, err, sizeof err));
    CHECK(strstr(err, "\"up\" is not a direction") != NULL);
    for (int c = 0; c < ES_NCOLS; c++)
        CHECK_INT(es_col_parse(es_col_name((es_col)c)), c);
}

/* The rules, one by one, on rows made for them. */
TEST(compare_follows_the_rules)
{
    es_rowstore *s = es_rowstore_new();
    es_batch *b = es_batch_new(1, 8);
    es_event ev;
    memset(&ev, 0, sizeof ev);
    ev.provider = "b";
    ev.computer = "x";
    ev.message = "m";
    ev.time_created = 100;
    ev.record_id = 5;
    ev.level = 2;
    es_batch_add(b, &ev, 0);            /* 0: level 2, rec 5 */
    ev.record_id = 6;
    es_batch_add(b, &ev, 0);            /* 1: same time, rec 6 */
    ev.level = 0;
    ev.provider = "B";
    es_batch_add(b, &ev, 0);            /* 2: LogAlways, "B" */
    ev.level = 5;
    ev.provider = "a";
    es_batch_add(b, &ev, 0);            /* 3: Verbose, "a" */
    es_rowstore_append(s, b, NULL);
    b = es_batch_new(0, 2);
    ev.record_id = 6;
    ev.level = 4;
    es_batch_add(b, &ev, 0);            /* 4: source 0 ("srv-b"), rec 6 */
    es_rowstore_append(s, b, NULL);
    es_view_ctx c = ctx();              /* by name: file.evtx, SRV-a, srv-b, srv-c */
    CHECK_INT(g_rank[3], 0);
    CHECK_INT(g_rank[1], 1);
    CHECK_INT(g_rank[0], 2);
    es_order lv = {ES_COL_LEVEL, 0};
    CHECK(es_view_compare(s, 0, 2, lv, &c) < 0);   /* Error before Information (level 0) */
    CHECK(es_view_compare(s, 2, 3, lv, &c) < 0);   /* Information before Verbose */
    es_order t = {ES_COL_TIME, 0}, td = {ES_COL_TIME, 1};
    CHECK(es_view_compare(s, 0, 1, t, &c) < 0);    /* tie: RecordID ascending... */
    CHECK(es_view_compare(s, 0, 1, td, &c) > 0);   /* ...and descending with the column */
    CHECK(es_view_compare(s, 1, 4, td, &c) < 0);   /* tie on time: SRV-a (source 1) sorts before srv-b (source 0), either direction */
    CHECK(es_view_compare(s, 1, 4, t, &c) < 0);
    es_order pr = {ES_COL_SOURCE, 0};
    CHECK(es_view_compare(s, 3, 0, pr, &c) < 0);   /* "a" < "b" */
    CHECK(es_view_compare(s, 1, 2, pr, &c) < 0);   /* "b" == "B": tie broken by RecordID 6 vs 6, then arrival */
    CHECK_INT(es_view_compare(s, 2, 2, pr, &c), 0);
    es_rowstore_unref(s);
}

TEST(sort_matches_qsort_on_every_column)
{
    es_rowstore *s = make_store(20000, 700);
    es_view_ctx c = ctx();
    size_t n = es_rowstore_count(s);
    uint32_t *out = malloc(n * sizeof *out);
    for (int col = 0; col < ES_NCOLS; col++)
        for (int desc = 0; desc < 2; desc++)
            check_sort_like_qsort(s, n, (es_order){(es_col)col, desc}, &c, out);
    free(out);
    es_rowstore_unref(s);
}

/* Sorting by Message ranks the distinct texts 8 bytes at a time: thousands of them sharing long
 * prefixes (of 0, 8, 12, 16, 39 and 143 bytes), differing after 8 or 16 bytes or only in case, being
 * prefixes of one another, empty, with bytes next to the letters ('@', '[', '`', '{') and above
 * 0x7f; repeated within a batch (one copy) and across batches (copies); some rows with their
 * length not counted (msg_len 0). The order is qsort's with es_view_compare. */
TEST(sort_by_message_matches_qsort_on_many_texts)
{
    static const char *const prefix[] = {"", "The Wind", "The Windows ", "The Windows Upda",
                                         "The Windows Update service entered the ", "the windows update service entered THE ",
                                         /* 143 bytes shared (but for case), then the texts part */
                                         "A long prefix of one hundred and fifty bytes, the same in every text that has it, "
                                         "written out so that the sort must jump over it to order them.",
                                         "a LONG prefix of one hundred and fifty bytes, the same in every text that has it, "
                                         "written out so that the sort must jump over it to order them."};
    static const char alphabet[] = "aAbBzZ@[`{ 9\x80\xc3";
    es_rowstore *s = es_rowstore_new();
    char msg[256];
    for (int k = 0; k < 30; k++) {
        es_batch *b = es_batch_new((uint32_t)(k % 4), 1000);
        for (int i = 0; i < 1000; i++) {
            es_event ev;
            memset(&ev, 0, sizeof ev);
            ev.time_created = 133000000000000000ull;
            ev.record_id = rnd() % 100;
            ev.provider = "P";
            ev.computer = "C";
            size_t len = (size_t)snprintf(msg, sizeof msg, "%s", prefix[rnd() % 8]);
            size_t extra = rnd() % 4 == 0 ? rnd() % 3 : rnd() % 20;
            for (size_t j = 0; j < extra; j++)
                msg[len++] = alphabet[rnd() % (sizeof alphabet - 1)];
            msg[len] = 0;
            ev.message = msg;
            es_batch_add(b, &ev, 133000000000000000ull + (uint64_t)(k * 1000 + i));
            if (rnd() % 10 == 0)
                b->rows[b->count - 1].msg_len = 0;   /* not counted: the sort counts it */
        }
        es_rowstore_append(s, b, NULL);
    }
    es_view_ctx c = ctx();
    size_t n = es_rowstore_count(s);
    uint32_t *out = malloc(n * sizeof *out);
    for (int desc = 0; desc < 2; desc++) {
        es_order o = {ES_COL_MESSAGE, desc};
        check_sort_like_qsort(s, n, o, &c, out);
        /* and a part of the store (first > 0) */
        CHECK(es_view_sort(s, 5000, 12345, o, &c, out, NULL));
        size_t bad = 0;
        for (size_t i = 1; i < 12345; i++)
            bad += es_view_compare(s, out[i - 1], out[i], o, &c) >= 0 || out[i] < 5000 || out[i] >= 17345;
        CHECK_AT(bad == 0, "Message %s, rows 5000..17344: %zu out of place", desc ? "desc" : "asc", bad);
    }
    free(out);
    es_rowstore_unref(s);
}

/* The Log column: each row's log (a server's for all its rows, a saved log's by log_ix, "" for
 * none or a log_ix past its table), sorted case-insensitively with the usual tie-breaks (source
 * by name, RecordID in the column's direction, arrival) — checked pair by pair against the rules
 * written out here — and found by the quick find. */
static int fold_strcmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = *a >= 'A' && *a <= 'Z' ? *a + 32 : (unsigned char)*a, y = *b >= 'A' && *b <= 'Z' ? *b + 32 : (unsigned char)*b;
        if (x != y || !x)
            return x - y;
    }
}

static const char *log_of(const es_row *r)
{
    if (r->source < 3)
        return k_logs[r->source];
    return r->log_ix >= 1 && r->log_ix <= 3 ? k_file_logs[r->log_ix - 1] : "";
}

TEST(sort_and_find_by_log)
{
    es_rowstore *s = make_store(8000, 300);
    es_view_ctx c = ctx();
    size_t n = es_rowstore_count(s);
    uint32_t *out = malloc(n * sizeof *out);
    size_t seen[6] = {0};
    for (size_t i = 0; i < n; i++) {
        const es_row *r = es_rowstore_get(s, (uint32_t)i);
        CHECK_AT(strcmp(es_view_log(&c, r), log_of(r)) == 0, "row %zu: log %s, not %s", i, es_view_log(&c, r), log_of(r));
        seen[r->source < 3 ? (int)r->source : 3 + (r->log_ix >= 1 && r->log_ix <= 3 ? (r->log_ix - 1) % 2 : 2)]++;
    }
    for (int k = 0; k < 6; k++)
        CHECK_AT(seen[k] > 0, "no rows of kind %d", k);
    for (int desc = 0; desc < 2; desc++) {
        es_order o = {ES_COL_LOG, desc};
        CHECK(es_view_sort(s, 0, n, o, &c, out, NULL));
        size_t bad = 0, ties = 0;
        for (size_t i = 1; i < n; i++) {
            const es_row *a = es_rowstore_get(s, out[i - 1]), *b = es_rowstore_get(s, out[i]);
            int d = fold_strcmp(log_of(a), log_of(b));
            if (desc)
                d = -d;
            if (d == 0) {   /* the tie-breaks: source by name (either direction), RecordID, arrival */
                ties++;
                d = (int)g_rank[a->source] - (int)g_rank[b->source];
                if (d == 0 && a->record_id != b->record_id)
                    d = (a->record_id < b->record_id) != desc ? -1 : 1;
                if (d == 0)
                    d = out[i - 1] < out[i] ? -1 : 1;
            }
            bad += d > 0;
        }
        CHECK_AT(bad == 0, "Log %s: %zu pairs out of order", desc ? "desc" : "asc", bad);
        CHECK(ties > n / 2);
        /* "" (no log) first ascending, last descending; System and system tie */
        CHECK(strcmp(log_of(es_rowstore_get(s, out[desc ? n - 1 : 0])), "") == 0);
    }
    /* without logs in the context every row's Log is "": the tie-breaks alone */
    es_view_ctx bare = {.source_names = k_names, .source_rank = g_rank, .nsources = 4};
    CHECK(strcmp(es_view_log(&bare, es_rowstore_get(s, 0)), "") == 0);
    es_order lo = {ES_COL_LOG, 0}, so = {ES_COL_SERVER, 0};
    uint32_t *ref = malloc(n * sizeof *ref);
    CHECK(es_view_sort(s, 0, n, lo, &bare, out, NULL));
    CHECK(es_view_sort(s, 0, n, so, &bare, ref, NULL));
    CHECK(memcmp(out, ref, n * sizeof *out) == 0);
    free(ref);
    /* the quick find looks at the Log as shown */
    static const struct { const char *needle; } k[] = {{"APPLIC"}, {"taskscheduler/oper"}, {"setup"}, {"stem"}};
    for (size_t t = 0; t < sizeof k / sizeof *k; t++) {
        es_find *f = es_find_new(k[t].needle, NULL);
        size_t hits = 0, bad = 0;
        for (size_t i = 0; i < n; i++) {
            const es_row *r = es_rowstore_get(s, (uint32_t)i);
            char lg[64];
            size_t j = 0;
            for (const char *p = log_of(r); *p; p++)
                lg[j++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
            lg[j] = 0;
            char needle[64];
            for (j = 0; k[t].needle[j]; j++)
                needle[j] = (char)(k[t].needle[j] >= 'A' && k[t].needle[j] <= 'Z' ? k[t].needle[j] + 32 : k[t].needle[j]);
            needle[j] = 0;
            int want = strstr(lg, needle) != NULL;
            hits += want;
            /* found when its Log holds the needle, else as without the Log column */
            bad += es_find_row(f, r, &c) != (want || es_find_row(f, r, &bare));
        }
        ref = malloc(n * sizeof *ref);
        size_t m = es_view_filter(s, out, n, f, NULL, 0, &c, ref, NULL);
        CHECK_AT(bad == 0 && hits > 0 && m >= hits && m < n, "\"%s\": %zu rows found wrongly, %zu with the log, %zu kept",
                 k[t].needle, bad, hits, m);
        free(ref);
        es_find_free(f);
    }
    free(out);
    es_rowstore_unref(s);
}

/* Many logs (a distinct text per source: past what the sort ranks at once), sharing long
 * prefixes: the sort by prefix and refinement, against qsort with the comparison. */
TEST(sort_by_log_of_many_sources)
{
    enum { NSRC = 700 };
    static char names_buf[NSRC][16], logs_buf[NSRC][64];
    static const char *names[NSRC], *logs[NSRC];
    static uint32_t rank[NSRC];
    for (int i = 0; i < NSRC; i++) {
        snprintf(names_buf[i], sizeof names_buf[i], "srv-%03d", (int)(rnd() % 1000));
        snprintf(logs_buf[i], sizeof logs_buf[i], "%sMicrosoft-Windows-Component-%03d/%s", i % 7 ? "" : "x",
                 (int)(rnd() % 400), rnd() % 2 ? "Operational" : "ADMIN");
        names[i] = names_buf[i];
        logs[i] = i % 50 == 0 ? NULL : logs_buf[i];   /* a few saved logs without channels: "" */
    }
    es_view_rank_sources(names, NSRC, rank);
    es_view_ctx c = {.source_names = names, .source_rank = rank, .nsources = NSRC, .source_logs = logs};
    es_rowstore *s = es_rowstore_new();
    for (int i = 0; i < NSRC; i++) {
        es_batch *b = es_batch_new((uint32_t)i, 2);
        for (int k = 0; k < 2; k++) {
            es_event ev;
            memset(&ev, 0, sizeof ev);
            ev.record_id = rnd() % 5;
            ev.message = "m";
            es_batch_add(b, &ev, 0);
        }
        es_rowstore_append(s, b, NULL);
    }
    size_t n = es_rowstore_count(s);
    uint32_t *out = malloc(n * sizeof *out);
    for (int desc = 0; desc < 2; desc++)
        check_sort_like_qsort(s, n, (es_order){ES_COL_LOG, desc}, &c, out);
    free(out);
    es_rowstore_unref(s);
}

TEST(cancelled_sort_stops)
{
    es_rowstore *s = make_store(5000, 1000);
    es_view_ctx c = ctx();
    uint32_t *out = malloc(5000 * sizeof *out);
    atomic_int cancel = 1;
    CHECK(!es_view_sort(s, 0, 5000, ES_ORDER_DEFAULT, &c, out, &cancel));
    CHECK_INT(es_view_filter(s, out, 0, NULL, NULL, 0, &c, out, &cancel), 0);
    free(out);
    es_rowstore_unref(s);
}

TEST(find_is_case_insensitive_over_displayed_columns)
{
    es_rowstore *s = make_store(3000, 100);
    es_view_ctx c = ctx();
    int oom;
    CHECK(es_find_new("", &oom) == NULL && !oom);
    es_find *f = es_find_new("wInDoWs UPDATE", &oom);
    es_find *multi = es_find_new("multi  line message", &oom);   /* CR, LF and TAB show as spaces */
    es_find *srv = es_find_new("srv-A", &oom);
    es_find *utf = es_find_new("\xc3\xa9t\xc3\xa9", &oom);
    es_find *none = es_find_new("no such text", &oom);
    size_t nf = 0, nm = 0, ns = 0, nu = 0, nn = 0;
    for (size_t i = 0; i < es_rowstore_count(s); i++) {
        const es_row *r = es_rowstore_get(s, i);
        int expect_f = strstr(r->message, "indows Update") || strstr(r->message, "indows update") ||
                       strstr(r->message, "INDOWS Update");
        CHECK_AT(es_find_row(f, r, &c) == expect_f, "row %zu: %s", i, r->message);
        nf += expect_f;
        nm += es_find_row(multi, r, &c);
        int expect_s = r->source == 1 || strcmp(r->computer, "SRV-a") == 0;
        CHECK_AT(es_find_row(srv, r, &c) == expect_s, "row %zu", i);
        ns += expect_s;
        nu += es_find_row(utf, r, &c);
        nn += es_find_row(none, r, &c);
    }
    CHECK(nf > 0 && nm > 0 && ns > 0 && nu > 0);
    CHECK_INT(nn, 0);
    /* narrowing: "windows update" covers "windows update service" */
    es_find *wider = es_find_new("windows", &oom);
    CHECK(es_find_covers(wider, f));
    CHECK(!es_find_covers(f, wider));
    CHECK(es_find_covers(NULL, f));
    es_find_free(wider);
    es_find_free(f);
    es_find_free(multi);
    es_find_free(srv);
    es_find_free(utf);
    es_find_free(none);
    es_rowstore_unref(s);
}

TEST(find_matches_ids_and_time_as_displayed)
{
    es_rowstore *s = es_rowstore_new();
    es_batch *b = es_batch_new(0, 2);
    es_event ev;
    memset(&ev, 0, sizeof ev);
    ev.event_id = 4624;
    ev.record_id = 987654;
    es_time_parse_iso8601("2026-11-28T09:15:42Z", &ev.time_created);
    ev.message = "logon";
    es_batch_add(b, &ev, 0);
    es_rowstore_append(s, b, NULL);
    es_view_ctx c = ctx();
    const es_row *r = es_rowstore_get(s, 0);
    const char *yes[] = {"4624", "7654", "09:15:42", "2026-11-28", "LOGON"};
    const char *no[] = {"4625", "09:15:43", "logoff"};
    for (size_t i = 0; i < 5; i++) {
        es_find *f = es_find_new(yes[i], NULL);
        CHECK_AT(es_find_row(f, r, &c), "\"%s\" not found", yes[i]);
        es_find_free(f);
    }
    for (size_t i = 0; i < 3; i++) {
        es_find *f = es_find_new(no[i], NULL);
        CHECK_AT(!es_find_row(f, r, &c), "\"%s\" found", no[i]);
        es_find_free(f);
    }
    es_rowstore_unref(s);
}

/* The message scan (16 places at a time, the needle's first and last bytes, an overlapping last
 * block) against a plain reference: messages of 0 to 90 bytes and needles of 1 to 7 bytes from
 * a small alphabet (letters in both cases, CR, LF, TAB and space, UTF-8 bytes), so matches fall
 * at every place, at the very end, and just past it. Other columns cannot match: their texts
 * share no byte with the alphabet. Through es_view_filter (fetching ahead) and es_find_row. */
static char fold_ref(char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return (char)(ch + 32);
    return ch == '\r' || ch == '\n' || ch == '\t' ? ' ' : ch;
}

TEST(find_scan_matches_a_plain_search)
{
    static const char alphabet[] = "qQxX \t\r\n\xc3\xa9#";
    static const char *const names[] = {"-", "-"};
    uint32_t rank[2] = {0, 1};
    es_view_ctx c = {.source_names = names, .source_rank = rank, .nsources = 2};
    es_rowstore *s = es_rowstore_new();
    enum { N = 6000 };
    char msg[128];
    es_batch *b = NULL;
    for (int i = 0; i < N; i++) {
        if (!b)
            b = es_batch_new((uint32_t)(i % 2), 500);
        size_t len = rnd() % 91;
        for (size_t j = 0; j < len; j++)
            msg[j] = alphabet[rnd() % (sizeof alphabet - 1)];
        msg[len] = 0;
        es_event ev;
        memset(&ev, 0, sizeof ev);
        ev.provider = ev.computer = ev.level_text = ev.task_text = "-";
        ev.message = msg;
        es_batch_add(b, &ev, 0);
        if (es_batch_full(b)) {
            es_rowstore_append(s, b, NULL);
            b = NULL;
        }
    }
    uint32_t *in = malloc(N * sizeof *in), *out = malloc(N * sizeof *out);
    for (uint32_t i = 0; i < N; i++)
        in[i] = (uint32_t)((i * 7919u) % N);   /* all over the store, as a view's order is */
    size_t bad = 0, hits = 0;
    for (int t = 0; t < 300; t++) {
        char needle[8], fn[8];
        size_t nl = 1 + rnd() % 7;
        for (size_t j = 0; j < nl; j++)
            needle[j] = alphabet[rnd() % (sizeof alphabet - 1)];
        needle[nl] = 0;
        for (size_t j = 0; j <= nl; j++)
            fn[j] = fold_ref(needle[j]);
        es_find *f = es_find_new(needle, NULL);
        size_t m = es_view_filter(s, in, N, f, NULL, 0, &c, out, NULL), k = 0;
        for (size_t i = 0; i < N; i++) {
            const es_row *r = es_rowstore_get(s, in[i]);
            char fm[128];
            size_t j = 0;
            for (; r->message[j]; j++)
                fm[j] = fold_ref(r->message[j]);
            fm[j] = 0;
            int want = strstr(fm, fn) != NULL;
            bad += es_find_row(f, r, &c) != want;
            if (want)
                bad += k >= m || out[k++] != in[i];
            hits += want;
        }
        bad += k != m;
        es_find_free(f);
    }
    CHECK_AT(bad == 0, "%zu rows found wrongly", bad);
    CHECK(hits > 10000);
    free(in);
    free(out);
    es_rowstore_unref(s);
}

/* The time as ISO 8601 (no time_text) goes on to the millisecond: rows of one second with
 * other milliseconds are told apart in a filter pass (which looks at each second's text once). */
TEST(find_time_to_the_millisecond)
{
    es_rowstore *s = es_rowstore_new();
    es_batch *b = es_batch_new(0, 4);
    const char *times[] = {"2026-11-28T09:15:42.250Z", "2026-11-28T09:15:42.999Z", "2026-11-28T09:15:42.250Z",
                           "2026-11-28T09:15:43.250Z"};
    for (int i = 0; i < 4; i++) {
        es_event ev;
        memset(&ev, 0, sizeof ev);
        es_time_parse_iso8601(times[i], &ev.time_created);
        ev.record_id = 1;
        ev.message = "m";
        es_batch_add(b, &ev, 0);
    }
    es_rowstore_append(s, b, NULL);
    es_view_ctx c = ctx();
    uint32_t in[4] = {0, 1, 2, 3}, out[4];
    struct { const char *needle; size_t n; uint32_t first; } k[] = {
        {".250", 3, 0}, {"42.999z", 1, 1}, {"42.9", 1, 1}, {"2.25", 2, 0}, {"09:15:42", 3, 0}, {"3.2", 1, 3},
        {"250Z", 3, 0}, {"T09:15:43.250Z", 1, 3}, {"2026-11-28T09:15:42.250Z", 2, 0}, {"9", 4, 0},
        {"250", 3, 0}, {"99", 1, 1}, {"4299", 0, 0}, {"0", 4, 0}, {"25", 3, 0},
    };
    for (size_t i = 0; i < sizeof k / sizeof *k; i++) {
        es_find *f = es_find_new(k[i].needle, NULL);
        size_t m = es_view_filter(s, in, 4, f, NULL, 0, &c, out, NULL);
        CHECK_AT(m == k[i].n && (m == 0 || out[0] == k[i].first), "\"%s\": %zu rows", k[i].needle, m);
        for (uint32_t j = 0; j < 4; j++)
            CHECK_AT(es_find_row(f, es_rowstore_get(s, j), &c) == (strstr(times[j], k[i].needle) != NULL ||
                                                                      (strcmp(k[i].needle, "42.999z") == 0 && j == 1)),
                     "\"%s\" row %u", k[i].needle, j);
        es_find_free(f);
    }
    es_rowstore_unref(s);
}

/* A digit needle is looked for in the IDs as displayed: every window of their digits. */
TEST(find_digits_in_ids)
{
    static const char *const names[] = {"-"};
    uint32_t rank[1] = {0};
    es_view_ctx c = {.source_names = names, .source_rank = rank, .nsources = 1};
    es_row r;
    memset(&r, 0, sizeof r);
    r.provider = r.computer = r.level_text = r.task_text = r.message = "-";
    r.time_created = 134000000000000000ull;   /* 2025-08-23T... : digits below come from the IDs */
    struct { uint64_t id; const char *needle; int want; } k[] = {
        {0, "0", 1}, {0, "00", 0}, {10, "0", 1}, {10, "10", 1}, {10, "010", 0}, {42, "0042", 0},
        {1000042, "0042", 1}, {1000042, "00042", 1}, {1000042, "000042", 1}, {1000042, "0000042", 0},
        {1000042, "10000421", 0}, {1000042, "1000042", 1}, {987654, "987654", 1}, {987654, "876", 1},
        {987654, "9876540", 0}, {18446744073709551615ull, "18446744073709551615", 1},
        {18446744073709551615ull, "551615", 1}, {18446744073709551615ull, "551616", 0},
        {123456789, "345678", 1}, {123456789, "34567", 1}, {123456789, "3456", 1}, {123456789, "9", 1},
        {123456789, "91", 0}, {5, "5", 1}, {5, "6", 0},
    };
    for (size_t i = 0; i < sizeof k / sizeof *k; i++) {
        es_find *f = es_find_new(k[i].needle, NULL);
        r.record_id = k[i].id;
        r.event_id = 0xffffffffu;   /* 4294967295: no digit run of the needles but the last */
        char t[64];
        es_time_iso8601(r.time_created, t);
        int in_other = strstr(t, k[i].needle) != NULL || strstr("4294967295", k[i].needle) != NULL;
        CHECK_AT(es_find_row(f, &r, &c) == (k[i].want || in_other), "\"%s\" in %llu", k[i].needle,
                 (unsigned long long)k[i].id);
        /* the same needle in the event ID (32 bits) */
        r.record_id = 0xffffffffffffffffull;
        r.event_id = (uint32_t)k[i].id;
        int in_other2 = strstr(t, k[i].needle) != NULL || strstr("18446744073709551615", k[i].needle) != NULL;
        if (k[i].id <= 0xffffffffu)
            CHECK_AT(es_find_row(f, &r, &c) == (k[i].want || in_other2), "\"%s\" in event ID %llu", k[i].needle,
                     (unsigned long long)k[i].id);
        es_find_free(f);
    }
}

/* Rows arriving in batches land where a full sort would put them, filtered or not; and the
 * positions reported let the list keep every old row's selection. */
static void add_in_steps(int filtered)
{
    es_rowstore *s = make_store(12000, 300);
    es_view_ctx c = ctx();
    size_t n = es_rowstore_count(s);
    es_view v;
    es_view_init(&v);
    es_order o = {ES_COL_MESSAGE, 1};
    es_view_result r;
    memset(&r, 0, sizeof r);
    r.order = o;
    if (filtered) {
        /* set the filter through an install of an empty result, as a job would */
        r.find = es_find_new("service", NULL);
        r.shown = calloc(4, 1);
        r.shown[0] = r.shown[2] = r.shown[3] = 1;
        r.nshown = 4;
        r.vis = malloc(16);
        r.capvis = 4;
    }
    es_view_install(&v, &r);
    size_t done = 0;
    int step = 0;
    while (done < n) {
        size_t k = (size_t)(rnd() % 900);
        if (done + k > n)
            k = n - done;
        /* remember where a few old visible rows were */
        uint32_t probe[8];
        size_t probe_at[8], np = 0;
        for (size_t i = 0; i < 8 && v.nvis; i++) {
            probe_at[np] = (size_t)(rnd() % v.nvis);
            probe[np] = v.vis[probe_at[np]];
            np++;
        }
        size_t *ins = NULL, nins = 0;
        CHECK(es_view_add(&v, s, done + k, &c, &ins, &nins));
        for (size_t i = 0; i < np; i++) {
            size_t to = es_view_moved(ins, nins, probe_at[i]);
            CHECK_AT(to < v.nvis && v.vis[to] == probe[i], "step %d: row %u was at %zu, not found at %zu", step,
                     probe[i], probe_at[i], to);
        }
        free(ins);
        done += k;
        step++;
    }
    /* the reference: a full sort of everything, then the filter */
    uint32_t *ref = reference(s, n, o, &c);
    CHECK_INT(v.nall, n);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += v.all[i] != ref[i];
    CHECK_INT(bad, 0);
    uint32_t *rv = malloc(n * sizeof *rv);
    size_t nv = es_view_filter(s, ref, n, v.find, v.shown, v.nshown, &c, rv, NULL);
    CHECK_INT(v.nvis, nv);
    bad = 0;
    for (size_t i = 0; i < nv && i < v.nvis; i++)
        bad += v.vis[i] != rv[i];
    CHECK_INT(bad, 0);
    if (filtered)
        CHECK(nv > 0 && nv < n);
    else
        CHECK(v.vis == v.all);
    free(rv);
    free(ref);
    es_view_free(&v);
    es_rowstore_unref(s);
}

TEST(rows_arriving_land_in_place) { add_in_steps(0); }
TEST(rows_arriving_land_in_place_filtered) { add_in_steps(1); }

/* A job's result covers rows [0, n) of the moment it started; rows that came meanwhile are
 * added after the install. */
TEST(install_then_catch_up)
{
    es_rowstore *s = make_store(6000, 500);
    es_view_ctx c = ctx();
    es_view v;
    es_view_init(&v);
    CHECK(es_view_add(&v, s, 2000, &c, NULL, NULL));
    es_order o = {ES_COL_EVENTID, 0};
    es_view_result r;
    memset(&r, 0, sizeof r);
    r.order = o;
    r.nall = r.capall = 4000;
    r.all = malloc(4000 * sizeof *r.all);
    CHECK(es_view_sort(s, 0, 4000, o, &c, r.all, NULL));
    es_view_install(&v, &r);
    CHECK_INT(v.applied, 4000);
    CHECK(es_view_add(&v, s, 6000, &c, NULL, NULL));
    uint32_t *ref = reference(s, 6000, o, &c);
    size_t bad = 0;
    for (size_t i = 0; i < 6000; i++)
        bad += v.vis[i] != ref[i];
    CHECK_INT(bad, 0);
    CHECK(es_view_bytes(&v) >= 6000 * 4);
    free(ref);
    es_view_free(&v);
    es_rowstore_unref(s);
}

/* An empty view, newest first; filtered: it finds "service" (installed as a job's result is). */
static void view_newest_first(es_view *v, int filtered)
{
    es_view_init(v);
    v->order = (es_order){ES_COL_TIME, 1};
    if (filtered) {
        es_view_result r;
        memset(&r, 0, sizeof r);
        r.order = v->order;
        r.find = es_find_new("service", NULL);
        r.vis = malloc(16);
        r.capvis = 4;
        es_view_install(v, &r);
    }
}

/* Retry failed: a source read again leaves its earlier rows behind. They leave `all` and `vis`
 * at once (prune), never come back through rows still arriving (add) or a job's result that
 * sorted them (install, then prune), and a floor never goes down. */
static size_t expect_live(const es_rowstore *s, const uint32_t *ref, size_t n, uint32_t src, uint32_t floor,
                          const es_find *f, const es_view_ctx *c, uint32_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const es_row *r = es_rowstore_get(s, ref[i]);
        if (r->source == src && ref[i] < floor)
            continue;
        if (!f || es_find_row(f, r, c))
            out[k++] = ref[i];
    }
    return k;
}

static void retire_case(int filtered)
{
    es_rowstore *s = make_store(6000, 250);
    es_view_ctx c = ctx();
    es_view v;
    es_order o = {ES_COL_TIME, 1};
    view_newest_first(&v, filtered);
    CHECK(es_view_add(&v, s, 4000, &c, NULL, NULL));
    uint32_t floor[4] = {0, 5000, 0, 0};
    CHECK(es_view_retire(&v, floor, 4));
    es_view_prune(&v, s);
    uint32_t low[2] = {0, 100};
    CHECK(es_view_retire(&v, low, 2));   /* never lower */
    CHECK_INT(v.floor[1], 5000);
    CHECK(es_view_add(&v, s, 6000, &c, NULL, NULL));   /* rows 4000..4999 of source 1: skipped */
    uint32_t *ref = reference(s, 6000, o, &c);
    uint32_t *want = malloc(6000 * sizeof *want), *want_vis = malloc(6000 * sizeof *want_vis);
    size_t nall = expect_live(s, ref, 6000, 1, 5000, NULL, &c, want);
    size_t nvis = expect_live(s, ref, 6000, 1, 5000, v.find, &c, want_vis);
    CHECK(nall < 6000 && nall > 3000);   /* source 1 had rows, and not all of them are retired */
    CHECK_INT(v.nall, nall);
    CHECK_INT(v.nvis, nvis);
    size_t bad = 0;
    for (size_t i = 0; i < nall && i < v.nall; i++)
        bad += v.all[i] != want[i];
    for (size_t i = 0; i < nvis && i < v.nvis; i++)
        bad += v.vis[i] != want_vis[i];
    CHECK_INT(bad, 0);
    /* a job that began before the retry: it sorted every row; installed, then pruned */
    es_order o2 = {ES_COL_EVENTID, 0};
    es_view_result r;
    memset(&r, 0, sizeof r);
    r.order = o2;
    r.nall = r.capall = 6000;
    r.all = malloc(6000 * sizeof *r.all);
    CHECK(es_view_sort(s, 0, 6000, o2, &c, r.all, NULL));
    if (filtered) {
        r.find = es_find_new("service", NULL);
        r.vis = malloc(6000 * sizeof *r.vis);
        r.capvis = 6000;
        r.nvis = es_view_filter(s, r.all, 6000, r.find, NULL, 0, &c, r.vis, NULL);
    }
    es_view_install(&v, &r);
    es_view_prune(&v, s);
    free(ref);
    ref = reference(s, 6000, o2, &c);
    nall = expect_live(s, ref, 6000, 1, 5000, NULL, &c, want);
    nvis = expect_live(s, ref, 6000, 1, 5000, v.find, &c, want_vis);
    CHECK_INT(v.nall, nall);
    CHECK_INT(v.nvis, nvis);
    bad = 0;
    for (size_t i = 0; i < nall && i < v.nall; i++)
        bad += v.all[i] != want[i];
    for (size_t i = 0; i < nvis && i < v.nvis; i++)
        bad += v.vis[i] != want_vis[i];
    CHECK_INT(bad, 0);
    CHECK(filtered ? v.vis != v.all : v.vis == v.all);
    free(ref);
    free(want);
    free(want_vis);
    es_view_free(&v);
    CHECK(v.floor == NULL && v.nfloor == 0);
    es_rowstore_unref(s);
}

/* Live follow's row limit: the store evicts its oldest blocks; they leave `all` and `vis` in
 * order, rows still arriving are placed after them, and a job begun after the eviction sorts
 * rows [first, n) and installs as if it had sorted the whole store that is left. */
static void evict_case(int filtered)
{
    es_rowstore *s = make_store(20000, 300);
    es_view_ctx c = ctx();
    es_view v;
    es_order o = {ES_COL_TIME, 1};
    view_newest_first(&v, filtered);
    es_find *f = filtered ? es_find_new("service", NULL) : NULL;
    CHECK(es_view_add(&v, s, 15000, &c, NULL, NULL));
    size_t before = v.nvis;
    CHECK_INT(es_rowstore_evict(s, 9000), 3 * ES_ROWSTORE_BLOCK_ROWS);   /* 20,000 held, keep at most 9,000 */
    size_t first = es_rowstore_first(s);
    size_t left_vis = es_view_evict(&v, first);
    CHECK(es_view_add(&v, s, 20000, &c, NULL, NULL));   /* the rest arrive after the eviction */
    /* what is left, in order: every row at or above first, filtered as the view is */
    uint32_t *ref = reference_from(s, first, 20000, o, &c), *want = malloc(20000 * sizeof *want);
    size_t k = 0;
    for (size_t i = 0; i < 20000 - first; i++)
        if (!f || es_find_row(f, es_rowstore_get(s, ref[i]), &c))
            want[k++] = ref[i];
    size_t bad = v.nvis != k;
    for (size_t i = 0; !bad && i < k; i++)
        bad += v.vis[i] != want[i];
    CHECK_INT(bad, 0);
    CHECK(left_vis > 0 && left_vis <= before);
    CHECK_INT(v.nall, 20000 - first);
    /* a sort job after the eviction: rows [first, n) */
    es_view_result r;
    memset(&r, 0, sizeof r);
    r.order = (es_order){ES_COL_EVENTID, 0};
    r.first = first;
    r.nall = r.capall = 20000 - first;
    r.all = malloc(r.nall * sizeof *r.all);
    CHECK(es_view_sort(s, first, r.nall, r.order, &c, r.all, NULL));
    es_view_install(&v, &r);
    CHECK_INT(v.applied, 20000);
    size_t below = 0;
    for (size_t i = 0; i < v.nall; i++)
        below += v.all[i] < first;
    CHECK_INT(below, 0);
    free(ref);
    free(want);
    es_find_free(f);
    es_view_free(&v);
    es_rowstore_unref(s);
}

TEST(evicted_rows_leave_the_view) { evict_case(0); }
TEST(evicted_rows_leave_the_view_filtered) { evict_case(1); }

TEST(retired_rows_leave_the_view) { retire_case(0); }
TEST(retired_rows_leave_the_view_filtered) { retire_case(1); }

int main(void)
{
    RUN(columns_and_orders_parse);
    RUN(compare_follows_the_rules);
    RUN(sort_matches_qsort_on_every_column);
    RUN(sort_by_message_matches_qsort_on_many_texts);
    RUN(sort_and_find_by_log);
    RUN(sort_by_log_of_many_sources);
    RUN(cancelled_sort_stops);
    RUN(find_is_case_insensitive_over_displayed_columns);
    RUN(find_matches_ids_and_time_as_displayed);
    RUN(find_scan_matches_a_plain_search);
    RUN(find_digits_in_ids);
    RUN(find_time_to_the_millisecond);
    RUN(rows_arriving_land_in_place);
    RUN(rows_arriving_land_in_place_filtered);
    RUN(install_then_catch_up);
    RUN(retired_rows_leave_the_view);
    RUN(retired_rows_leave_the_view_filtered);
    RUN(evicted_rows_leave_the_view);
    RUN(evicted_rows_leave_the_view_filtered);
    TESTS_DONE();
}
