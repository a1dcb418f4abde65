/* Unit tests: buffers, arena, time, CSV, export, UTF conversion, batches and the row store. */
#include "es_buf.h"
#include "es_csv.h"
#include "es_event.h"
#include "es_coverage.h"
#include "es_export.h"
#include "es_row.h"
#include "es_time.h"
#include "es_utf.h"
#include "testlib.h"

TEST(buf_grows_and_formats)
{
    es_buf b;
    es_buf_init(&b);
    for (int i = 0; i < 1000; i++)
        es_buf_printf(&b, "%d,", i);
    CHECK(!b.failed);
    CHECK(b.len > 3000);
    CHECK(strncmp(b.data, "0,1,2,", 6) == 0);
    CHECK_INT(b.data[b.len], 0);
    es_buf_clear(&b);
    CHECK_INT(b.len, 0);
    es_buf_printf(&b, "%s", "a long string that is longer than the small buffer of printf ........................................................................................................................................................................................................................................");
    CHECK(b.len > 256);
    es_buf_free(&b);
}

TEST(arena_adopt_keeps_pointers)
{
    es_arena a, b;
    es_arena_init(&a);
    es_arena_init(&b);
    char *s1 = es_arena_strdup(&a, "first");
    char *big = es_arena_alloc(&b, 200000, 8);
    memset(big, 'x', 200000);
    char *s2 = es_arena_strdup(&b, "second");
    es_arena_adopt(&a, &b);
    CHECK(b.head == NULL && b.bytes == 0);
    CHECK_STR(s1, "first");
    CHECK_STR(s2, "second");
    CHECK(big[199999] == 'x');
    char *s3 = es_arena_strdup(&a, "third");
    CHECK_STR(s3, "third");
    es_arena_free(&a);
    es_arena_free(&b);
}

TEST(time_iso8601_round_trip)
{
    char out[ES_ISO8601_LEN];
    CHECK_STR(es_time_iso8601(0, out), "1601-01-01T00:00:00.000Z");
    CHECK_STR(es_time_iso8601(ES_UNIX_EPOCH_TICKS, out), "1970-01-01T00:00:00.000Z");
    uint64_t t;
    CHECK(es_time_parse_iso8601("2026-11-24T21:22:28.123Z", &t));
    CHECK_STR(es_time_iso8601(t, out), "2026-11-24T21:22:28.123Z");
    CHECK(es_time_parse_iso8601("2024-02-29T23:59:59.9999999Z", &t));
    CHECK_STR(es_time_iso8601(t, out), "2024-02-29T23:59:59.999Z");
    /* the text is printf's, to the millisecond, for any tick count (years past 9999 too) */
    {
        int wrong = 0;
        uint64_t x = 88172645463325252ull;
        for (int i = 0; i < 20000; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            uint64_t ticks = i < 10000 ? 120000000000000000ull + x % 30000000000000000ull : i == 10000 ? UINT64_MAX : x;
            es_civil k;
            char want[64];
            es_time_to_civil(ticks, &k);
            snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", k.year, k.month, k.day, k.hour,
                     k.minute, k.second, k.ms);
            wrong += strcmp(es_time_iso8601(ticks, out), want) != 0;
        }
        CHECK_INT(wrong, 0);
        CHECK_STR(es_time_iso8601(UINT64_MAX, out), "60056-05-28T05:36:10.955Z");
    }
    CHECK(!es_time_parse_iso8601("2023-02-29T00:00:00Z", &t));
    CHECK(!es_time_parse_iso8601("2023-01-01 00:00:00Z", &t));
    CHECK(!es_time_parse_iso8601("2023-01-01T00:00:00.Z", &t));
    CHECK(!es_time_parse_iso8601("2023-01-01T00:00:00.12345678Z", &t));
    CHECK(!es_time_parse_iso8601("2023-01-01T24:00:00Z", &t));
    /* Every day boundary across four centuries converts both ways. */
    es_civil c = {1601, 1, 1, 0, 0, 0, 0};
    uint64_t day = 0;
    CHECK(es_time_from_civil(&c, &day));
    int bad = 0;
    for (uint64_t d = 0; d < 146097 * 2; d += 7) {
        es_civil k;
        uint64_t back;
        es_time_to_civil(d * 86400ull * ES_TICKS_PER_SEC + 12345 * ES_TICKS_PER_MS, &k);
        if (!es_time_from_civil(&k, &back) || back != d * 86400ull * ES_TICKS_PER_SEC + 12345 * ES_TICKS_PER_MS)
            bad++;
    }
    CHECK_INT(bad, 0);
}

TEST(time_window)
{
    uint64_t now = 1000 * ES_TICKS_PER_HOUR;
    CHECK(es_time_in_window(now - 8 * ES_TICKS_PER_HOUR, now, 8));
    CHECK(!es_time_in_window(now - 8 * ES_TICKS_PER_HOUR - 1, now, 8));
    CHECK(es_time_in_window(now + ES_TICKS_PER_HOUR, now, 8));
    CHECK(es_time_in_window(0, now, 0));
    CHECK_INT(es_window_start(now, 0), 0);
    CHECK_INT(es_window_ms(8), 28800000);
    CHECK_INT(es_window_start(5, 8), 0);
}

TEST(csv_quoting_and_formulas)
{
    es_buf b;
    es_buf_init(&b);
    const char *f[] = {"plain", "a,b", "say \"hi\"", "two\r\nlines", "=1+2", "+x", "-5", "@SUM(A1)", "", "tab\tinside"};
    es_csv_row(&b, f, 10);
    CHECK_STR(b.data, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\",'=1+2,'+x,'-5,'@SUM(A1),,tab\tinside\r\n");
    es_buf_clear(&b);
    es_csv_field(&b, "=HYPERLINK(\"x\",\"y\")");
    CHECK_STR(b.data, "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
    es_buf_clear(&b);
    es_csv_field(&b, NULL);
    CHECK_STR(b.data, "");
    es_buf_free(&b);
}

static es_event sample_event(void)
{
    static const es_data_item data[] = {{"param1", "Windows Update"}, {"param2", "running"}, {"Empty", ""}};
    es_event ev;
    memset(&ev, 0, sizeof ev);
    es_time_parse_iso8601("2026-11-24T10:00:00.250Z", &ev.time_created);
    ev.record_id = 4242;
    ev.event_id = 7036;
    ev.level = 0;
    ev.task = 0;
    ev.provider = "Service Control Manager";
    ev.computer = "srv01.example.com";
    ev.data = data;
    ev.ndata = 3;
    return ev;
}

/* A batch names the channels of its events once; each row points at its own (a saved log may
 * hold several logs); no channel: 0. */
TEST(batch_logs)
{
    es_batch *b = es_batch_new(0, 8);
    es_event ev = sample_event();
    const char *ch[] = {"System", "Application", NULL, "System", "", "Application"};
    for (int i = 0; i < 6; i++) {
        ev.channel = ch[i];
        CHECK(es_batch_add(b, &ev, 1));
    }
    CHECK_INT(b->nlogs, 2);
    CHECK_STR(b->logs[0], "System");
    CHECK_STR(b->logs[1], "Application");
    static const int want[] = {1, 2, 0, 1, 0, 2};
    for (int i = 0; i < 6; i++)
        CHECK_AT(b->rows[i].log_ix == want[i], "row %d: log_ix %u", i, b->rows[i].log_ix);
    es_batch_free(b);
    /* more channels than a batch names: the rest get 0 */
    b = es_batch_new(0, ES_BATCH_LOGS + 4);
    char names[ES_BATCH_LOGS + 4][16];
    for (int i = 0; i < ES_BATCH_LOGS + 4; i++) {
        snprintf(names[i], sizeof names[i], "Log%d", i);
        ev.channel = names[i];
        CHECK(es_batch_add(b, &ev, 1));
    }
    CHECK_INT(b->nlogs, ES_BATCH_LOGS);
    CHECK_INT(b->rows[ES_BATCH_LOGS - 1].log_ix, ES_BATCH_LOGS);
    CHECK_INT(b->rows[ES_BATCH_LOGS].log_ix, 0);
    es_batch_free(b);
}

TEST(batch_fallbacks_and_export_row)
{
    es_batch *b = es_batch_new(3, 4);
    es_event ev = sample_event();
    uint64_t recv;
    es_time_parse_iso8601("2026-11-24T12:00:00Z", &recv);
    CHECK(es_batch_add(b, &ev, recv));
    ev.level = 2;
    ev.task = 7;
    ev.message = "=cmd|' /C calc'!A0";
    CHECK(es_batch_add(b, &ev, recv));
    CHECK_INT(b->count, 2);
    CHECK_STR(b->rows[0].level_text, "Information");
    CHECK_STR(b->rows[0].task_text, "None");
    CHECK_STR(b->rows[0].message, "Windows Update; running");
    CHECK_STR(b->rows[1].level_text, "Error");
    CHECK_STR(b->rows[1].task_text, "(7)");
    CHECK(b->rows[0].provider == b->rows[1].provider); /* shared within the batch */

    es_buf out;
    es_buf_init(&out);
    es_export_rows_header(&out);
    es_export_row(&out, "srv01", "System", &b->rows[0]);
    es_export_row(&out, "srv01", NULL, &b->rows[1]);
    CHECK_STR(out.data, "\xEF\xBB\xBFServer,TimeCreated,Level,Source,EventID,Task,RecordID,Computer,Message,Received,Log\r\n"
                        "srv01,2026-11-24T10:00:00.250Z,Information,Service Control Manager,7036,None,4242,srv01.example.com,Windows Update; running,2026-11-24T12:00:00.000Z,System\r\n"
                        "srv01,2026-11-24T10:00:00.250Z,Error,Service Control Manager,7036,(7),4242,srv01.example.com,'=cmd|' /C calc'!A0,2026-11-24T12:00:00.000Z,\r\n");
    es_buf_free(&out);
    es_batch_free(b);
}

TEST(status_rows)
{
    es_buf out;
    es_buf_init(&out);
    es_export_status_header(&out);
    es_source_status ok = {"srv01", ES_STATE_DONE, 120, 0, NULL, 1.5, "System", NULL};
    es_source_status bad = {"srv02", ES_STATE_FAILED, 0, 5, "Access is denied.", 0.25, "Application", ""};
    es_source_status gap = {"srv03", ES_STATE_DONE, 7, 0, "", 0.5, NULL,
                            "log starts 2026-11-28 13:02: not the whole window (log full: older events overwritten)"};
    es_export_status_row(&out, &ok);
    es_export_status_row(&out, &bad);
    es_export_status_row(&out, &gap);
    CHECK_STR(out.data, "\xEF\xBB\xBFSource,State,Events,ErrorCode,Error,Seconds,Coverage,Log\r\n"
                        "srv01,ok,120,0,,1.500,,System\r\nsrv02,error,0,5,Access is denied.,0.250,,Application\r\n"
                        "srv03,ok,7,0,,0.500,log starts 2026-11-28 13:02: not the whole window (log full: older events overwritten),\r\n");
    es_buf_free(&out);
}

TEST(coverage_sentence)
{
    es_civil t = {2026, 11, 28, 13, 2, 47, 120};
    uint64_t oldest, since;
    CHECK(es_time_from_civil(&t, &oldest));
    since = oldest - 30ull * ES_TICKS_PER_SEC;   /* 13:02:17: the log starts 30 s into the window */
    es_coverage c = {since, oldest, 5001, 3000, 20 << 20, 1};
    char out[200], minute[ES_MINUTE_LEN];
    CHECK(es_coverage_gap(&c));
    CHECK_STR(es_time_minute(oldest, minute), "2026-11-28 13:02");
    size_t n = es_coverage_text(&c, NULL, out, sizeof out);
    CHECK_STR(out, "log starts 2026-11-28 13:02: not the whole window (log full: older events overwritten)");
    CHECK(n == strlen(out));
    c.full = 0;
    es_coverage_text(&c, "2026-11-28 14:02", out, sizeof out);   /* the caller's own time text (local) */
    CHECK_STR(out, "log starts 2026-11-28 14:02: not the whole window (the log was cleared or created then)");
    /* measured, then cut */
    char small[12];
    CHECK(es_coverage_text(&c, NULL, small, sizeof small) == n + strlen("the log was cleared or created then") -
                                                                strlen("log full: older events overwritten"));
    CHECK_STR(small, "log starts ");
    /* covered: the oldest record is at or before the start; or nothing known */
    es_coverage covered = c;
    covered.since = oldest;
    CHECK(!es_coverage_gap(&covered));
    CHECK(es_coverage_text(&covered, NULL, out, sizeof out) == 0 && out[0] == 0);
    covered = c;
    covered.since = 0;                  /* --hours 0: no window start */
    CHECK(!es_coverage_gap(&covered));
    covered = c;
    covered.oldest_record = 0;          /* an empty log */
    CHECK(!es_coverage_gap(&covered));
    covered = c;
    covered.oldest_time = 0;            /* the oldest record's time was not read */
    CHECK(!es_coverage_gap(&covered));
    CHECK(!es_coverage_gap(NULL));
}

TEST(rowstore_takes_batches_across_blocks)
{
    es_rowstore *s = es_rowstore_new();
    es_event ev = sample_event();
    size_t total = 0;
    for (int k = 0; k < 7; k++) {
        es_batch *b = es_batch_new((uint32_t)k, 1000);
        for (int i = 0; i < 1000; i++) {
            ev.record_id = (uint64_t)(k * 1000 + i);
            es_batch_add(b, &ev, 0);
        }
        total += es_rowstore_append(s, b, NULL);
    }
    CHECK_INT(total, 7000);
    CHECK_INT(es_rowstore_count(s), 7000);
    int bad = 0;
    for (size_t i = 0; i < 7000; i++) {
        const es_row *r = es_rowstore_get(s, i);
        if (r->record_id != i || r->source != i / 1000 || strcmp(r->message, "Windows Update; running") != 0)
            bad++;
    }
    CHECK_INT(bad, 0);
    es_rowstore_unref(s);
}

/* The store's memory: a batch's last block, partly empty, is packed into the store's own block
 * (its rows pointed at the copy); long texts get blocks of their own rather than leave a block's
 * rest empty; a message repeated within a batch is kept once. Every row still reads its texts. */
TEST(rowstore_packs_batches_and_shares_messages)
{
    es_rowstore *s = es_rowstore_new();
    es_event ev = sample_event();
    char msg[3000], want[3000], prov[32];
    size_t text = 0;
    for (int k = 0; k < 40; k++) {
        es_batch *b = es_batch_new((uint32_t)k, 500);
        for (int i = 0; i < 500; i++) {
            int n = k * 500 + i;
            /* every 50th message long (2,000+ bytes), every 3rd one repeated within the batch */
            int len = snprintf(msg, sizeof msg, "message %d of batch %d", i % 3 == 0 ? -1 : n, k);
            if (n % 50 == 7)
                len += snprintf(msg + len, sizeof msg - (size_t)len, " %02000d", n);
            if (i % 3 != 0 || i == 0 || n % 50 == 7 || (n - 3) % 50 == 7)
                text += (size_t)len + 1;   /* a new text, not the batch's repeated one */
            snprintf(prov, sizeof prov, "Provider-%d", i % 12);
            ev.provider = prov;
            ev.message = msg;
            ev.record_id = (uint64_t)n;
            CHECK(es_batch_add(b, &ev, 0));
        }
        CHECK_INT(es_rowstore_append(s, b, NULL), 500);
    }
    int bad = 0, shared = 0;
    for (size_t n = 0; n < 20000; n++) {
        const es_row *r = es_rowstore_get(s, n);
        int i = (int)(n % 500), k = (int)(n / 500);
        int len = snprintf(want, sizeof want, "message %d of batch %d", i % 3 == 0 ? -1 : (int)n, k);
        if (n % 50 == 7)
            len += snprintf(want + len, sizeof want - (size_t)len, " %02000d", (int)n);
        snprintf(prov, sizeof prov, "Provider-%d", i % 12);
        if (strcmp(r->message, want) != 0 || r->msg_len != (uint32_t)len || strcmp(r->provider, prov) != 0 ||
            strcmp(r->computer, "srv01.example.com") != 0 || strcmp(r->level_text, "Information") != 0 ||
            strcmp(r->task_text, "None") != 0 || r->record_id != n)
            bad++;
        if (i >= 3 && strcmp(r->message, es_rowstore_get(s, n - 3)->message) == 0)
            shared += r->message == es_rowstore_get(s, n - 3)->message ? 1 : -100000;
    }
    CHECK_INT(bad, 0);
    CHECK_INT(shared, 40 * 160);   /* 166 a batch, less the 6 next to a long one */
    /* the rows, the texts each copied once (the repeated message once a batch), and little else */
    size_t rows = (20000 + ES_ROWSTORE_BLOCK_ROWS - 1) / ES_ROWSTORE_BLOCK_ROWS * ES_ROWSTORE_BLOCK_ROWS * sizeof(es_row);
    size_t bytes = es_rowstore_bytes(s);
    CHECK(bytes > rows);
    CHECK(bytes - rows < text + text / 20 + ((size_t)1 << 20));   /* + the store's block being filled */
    es_rowstore_unref(s);
}

/* The row budget: rows past the limit are not stored and are counted for the caller, never
 * dropped silently; a reader's reference keeps the rows alive after the owner lets go. */
TEST(rowstore_limit_counts_lost_rows)
{
    es_rowstore *s = es_rowstore_new();
    es_rowstore_set_limit(s, 5000);
    CHECK_INT(es_rowstore_limit(s), 5000);
    es_event ev = sample_event();
    size_t total = 0, lost_total = 0;
    for (int k = 0; k < 3; k++) {
        es_batch *b = es_batch_new((uint32_t)k, 2048);
        for (int i = 0; i < 2048; i++) {
            ev.record_id = (uint64_t)(k * 2048 + i);
            es_batch_add(b, &ev, 0);
        }
        size_t lost = 99;
        total += es_rowstore_append(s, b, &lost);
        lost_total += lost;
        CHECK_INT(lost, k < 2 ? 0 : 3 * 2048 - 5000);
    }
    CHECK_INT(total, 5000);
    CHECK_INT(lost_total, 3 * 2048 - 5000);
    CHECK_INT(es_rowstore_count(s), 5000);
    CHECK_INT(es_rowstore_get(s, 4999)->record_id, 4999);
    es_rowstore *reader = es_rowstore_ref(s);
    es_rowstore_unref(s); /* the owner starts afresh; the reader still reads */
    CHECK_INT(es_rowstore_count(reader), 5000);
    CHECK_STR(es_rowstore_get(reader, 1234)->message, "Windows Update; running");
    es_rowstore_set_limit(reader, 0); /* 0: the store's own maximum */
    CHECK_INT(es_rowstore_limit(reader), ES_ROWSTORE_MAX_ROWS);
    es_rowstore_unref(reader);
}

/* Eviction (live follow keeps its memory bounded): whole blocks, oldest first, their strings
 * with them; the rows left read their own texts (ASan would see a freed one); nothing under a
 * reader; indices keep counting, and a small ring wraps many times over. */
static es_batch *numbered_batch(uint32_t source, size_t from, size_t n)
{
    es_event ev = sample_event();
    char msg[64], prov[32];
    es_batch *b = es_batch_new(source, n);
    for (size_t i = 0; i < n; i++) {
        snprintf(msg, sizeof msg, "message %zu", from + i);   /* distinct: every row its own text */
        snprintf(prov, sizeof prov, "Provider-%zu", (from + i) % 7);
        ev.message = msg;
        ev.provider = prov;
        ev.record_id = from + i;
        if (!es_batch_add(b, &ev, 0))
            break;
    }
    return b;
}

static int rows_read_back(const es_rowstore *s)
{
    int bad = 0;
    char want[64], prov[32];
    for (size_t i = es_rowstore_first(s); i < es_rowstore_count(s); i++) {
        const es_row *r = es_rowstore_get(s, i);
        snprintf(want, sizeof want, "message %zu", i);
        snprintf(prov, sizeof prov, "Provider-%zu", i % 7);
        if (r->record_id != i || strcmp(r->message, want) != 0 || strcmp(r->provider, prov) != 0)
            bad++;
    }
    return bad;
}

TEST(rowstore_evicts_whole_blocks_oldest_first)
{
    es_rowstore *s = es_rowstore_new();
    for (size_t k = 0; k < 50; k++)
        CHECK_INT(es_rowstore_append(s, numbered_batch(0, k * 1000, 1000), NULL), 1000);
    size_t before = es_rowstore_bytes(s);
    CHECK_INT(es_rowstore_first(s), 0);
    /* a reader (an export) holds the store: nothing goes */
    es_rowstore *reader = es_rowstore_ref(s);
    CHECK_INT(es_rowstore_evict(s, 10000), 0);
    CHECK_INT(es_rowstore_first(s), 0);
    es_rowstore_unref(reader);
    /* 50,000 rows, keep 10,000: blocks of 4,096 go until at most 10,000 are held */
    size_t gone = es_rowstore_evict(s, 10000);
    CHECK_INT(gone, 10 * ES_ROWSTORE_BLOCK_ROWS);
    CHECK_INT(es_rowstore_first(s), 40960);
    CHECK_INT(es_rowstore_count(s), 50000);
    CHECK_INT(rows_read_back(s), 0);
    size_t after = es_rowstore_bytes(s);
    CHECK(after < before / 4);   /* the rows and their strings went: 9,040 of 50,000 rows left */
    /* appending goes on after the evicted rows; evicting again never takes the block being filled */
    CHECK_INT(es_rowstore_append(s, numbered_batch(0, 50000, 500), NULL), 500);
    CHECK_INT(es_rowstore_evict(s, 0), 2 * ES_ROWSTORE_BLOCK_ROWS);
    CHECK_INT(es_rowstore_first(s), 49152);
    CHECK_INT(es_rowstore_count(s) - es_rowstore_first(s), 50500 - 49152);
    CHECK_INT(rows_read_back(s), 0);
    es_rowstore_unref(s);
}

/* Live follow with --export: the rows from `from` on are not in the file yet. Eviction goes by
 * whole blocks down to at most `keep` rows, so a `keep` of just the unwritten rows took the rest
 * of the block that holds the first of them (rows lost from the export: bench_follow.sh at
 * 15,000 events a second). es_rowstore_evict_below never takes a row from `from` on. */
TEST(rowstore_evict_below_keeps_unwritten_rows)
{
    es_rowstore *s = es_rowstore_new();
    for (size_t k = 0; k < 50; k++)
        CHECK_INT(es_rowstore_append(s, numbered_batch(0, k * 1000, 1000), NULL), 1000);
    /* 50,000 rows, rows from 10,000 unwritten: keep = 40,000 would take blocks 0..2 (12,288 rows) */
    size_t gone = es_rowstore_evict_below(s, 50000 - 10000, 10000);
    CHECK_INT(gone, 2 * ES_ROWSTORE_BLOCK_ROWS);   /* the block holding row 10,000 stays whole */
    CHECK(es_rowstore_first(s) <= 10000);
    CHECK_INT(rows_read_back(s), 0);
    /* the old call, for the record: one block more, rows 10,000..12,287 gone */
    gone = es_rowstore_evict(s, 50000 - 10000);
    CHECK_INT(gone, ES_ROWSTORE_BLOCK_ROWS);
    CHECK(es_rowstore_first(s) > 10000);
    /* from past the end, or SIZE_MAX: as es_rowstore_evict; from at first: nothing */
    CHECK_INT(es_rowstore_evict_below(s, 0, es_rowstore_first(s)), 0);
    CHECK_INT(es_rowstore_evict_below(s, 30000, SIZE_MAX), 2 * ES_ROWSTORE_BLOCK_ROWS);
    CHECK_INT(rows_read_back(s), 0);
    es_rowstore_unref(s);
}

TEST(rowstore_ring_wraps_while_evicting)
{
    CHECK(es_rowstore_new_ring(3) == NULL);   /* not a power of two */
    es_rowstore *s = es_rowstore_new_ring(4);   /* 16,384 rows at most */
    CHECK_INT(es_rowstore_limit(s), 4 * ES_ROWSTORE_BLOCK_ROWS);
    size_t next = 0, lost_total = 0;
    for (int k = 0; k < 120; k++) {   /* 120 batches of 1,500: 180,000 rows through 4 slots */
        size_t lost = 0;
        next += es_rowstore_append(s, numbered_batch(0, next, 1500), &lost);
        lost_total += lost;
        es_rowstore_evict(s, 2 * ES_ROWSTORE_BLOCK_ROWS);
        CHECK(es_rowstore_count(s) - es_rowstore_first(s) <= 3 * ES_ROWSTORE_BLOCK_ROWS);
    }
    CHECK_INT(lost_total, 0);
    CHECK_INT(es_rowstore_count(s), 180000);
    CHECK(es_rowstore_first(s) > 16 * ES_ROWSTORE_BLOCK_ROWS);   /* the ring went round several times */
    CHECK_INT(rows_read_back(s), 0);
    /* without eviction, the ring's limit holds: the rows past it are lost, and counted */
    es_rowstore *full = es_rowstore_new_ring(1);
    size_t lost = 0;
    CHECK_INT(es_rowstore_append(full, numbered_batch(0, 0, 5000), &lost), ES_ROWSTORE_BLOCK_ROWS);
    CHECK_INT(lost, 5000 - ES_ROWSTORE_BLOCK_ROWS);
    es_rowstore_unref(full);
    es_rowstore_unref(s);
}

TEST(utf16_conversion)
{
    /* "Aé€😀" + lone high surrogate + NUL + "x" */
    const unsigned char in[] = {'A', 0, 0xE9, 0, 0xAC, 0x20, 0x3D, 0xD8, 0x00, 0xDE, 0x3D, 0xD8, 'z', 0, 0, 0, 'x', 0};
    es_buf b;
    es_buf_init(&b);
    CHECK(es_utf16le_to_utf8(&b, in, 9, 1));
    CHECK_STR(b.data, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xEF\xBF\xBDz");
    uint16_t w[16];
    size_t n = es_utf8_to_utf16(b.data, b.len, w, 16);
    CHECK_INT(n, 7);
    CHECK_INT(es_utf8_utf16_len(b.data, b.len), 7);
    CHECK_INT(w[3], 0xD83D);
    CHECK_INT(w[4], 0xDE00);
    CHECK_INT(w[5], 0xFFFD);
    /* Truncated UTF-8 and overlongs decode to U+FFFD one byte at a time. */
    CHECK_INT(es_utf8_to_utf16("\xE2\x82", 2, w, 16), 2);
    CHECK_INT(w[0], 0xFFFD);
    CHECK_INT(es_utf8_to_utf16("\xC0\xAF", 2, w, 16), 2);
    es_buf_free(&b);
}

TEST(grow_doubles_and_refuses_overflow)
{
    int *v = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < 1000; i++) {
        CHECK(es_grow(&v, &cap, i + 1, sizeof *v));
        v[i] = (int)i;
    }
    CHECK(cap >= 1000 && cap < 2048);
    CHECK_INT(v[999], 999);
    size_t before = cap;
    CHECK(!es_grow(&v, &cap, SIZE_MAX / 2, sizeof *v)); /* overflow: refused, nothing changes */
    CHECK_INT(cap, before);
    CHECK_INT(v[500], 500);
    free(v);
}

int main(void)
{
    RUN(batch_logs);
    RUN(buf_grows_and_formats);
    RUN(arena_adopt_keeps_pointers);
    RUN(time_iso8601_round_trip);
    RUN(time_window);
    RUN(csv_quoting_and_formulas);
    RUN(batch_fallbacks_and_export_row);
    RUN(status_rows);
    RUN(coverage_sentence);
    RUN(rowstore_takes_batches_across_blocks);
    RUN(rowstore_limit_counts_lost_rows);
    RUN(rowstore_packs_batches_and_shares_messages);
    RUN(rowstore_evicts_whole_blocks_oldest_first);
    RUN(rowstore_evict_below_keeps_unwritten_rows);
    RUN(rowstore_ring_wraps_while_evicting);
    RUN(utf16_conversion);
    RUN(grow_doubles_and_refuses_overflow);
    TESTS_DONE();
}
