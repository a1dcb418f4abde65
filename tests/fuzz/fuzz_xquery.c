/* libFuzzer harness: Event Viewer views (es_xquery).
 *
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude tests/fuzz/fuzz_xquery.c \
 *       src/core/xquery.c src/core/xquery_xpath.c src/core/xquery_text.c src/core/xquery_eval.c src/core/xmlmini.c \
 *       src/core/time.c src/core/utf.c src/core/buf.c
 *
 * Besides memory safety it checks: a refusal comes with a message and a parsed view without
 * one; the text of a parsed view parses again and renders the same text (with and without the
 * time window, whose text must still parse and keep the same events); matching a fixed event
 * (with data items) gives the same answer for the view and for its re-parsed text. */
#include "es_buf.h"
#include "es_event.h"
#include "es_xquery.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const es_data_item items[] = {
    {"TargetUserName", "bob"}, {"LogonType", "3"}, {"Status", "0xc000006d"}, {"", "unnamed"}, {"PrinterName", "P1"}};

static es_event fixed_event(void)
{
    es_event ev;
    memset(&ev, 0, sizeof ev);
    ev.time_created = 134088000000000000ull;
    ev.record_id = 77;
    ev.keywords = 0x8010000000000000ull;
    ev.event_id = 4625;
    ev.level = 2;
    ev.task = 12544;
    ev.provider = "Microsoft-Windows-Security-Auditing";
    ev.channel = "Security";
    ev.computer = "DC01";
    ev.data = items;
    ev.ndata = sizeof items / sizeof items[0];
    return ev;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512] = "";
    es_xquery *q = es_xquery_parse((const char *)data, size, err, sizeof err);
    if (!q) {
        if (!err[0])
            abort();
        return 0;
    }
    if (err[0])
        abort();
    es_event ev = fixed_event();
    uint64_t now = ev.time_created + 3600ull * 10000000ull;
    int matched = es_xquery_match_at(q, &ev, now);
    char why[400];
    int local = es_xquery_local_ok(q, why, sizeof why);
    const char *ch = es_xquery_channel(q);
    es_xquery_check_channel(q, "Security", err, sizeof err);

    es_buf t1, t2;
    es_buf_init(&t1);
    es_buf_init(&t2);
    if (es_xquery_text(q, NULL, 0, &t1, err, sizeof err)) {
        es_xquery *q2 = es_xquery_parse(t1.data, t1.len, err, sizeof err);
        if (!q2)
            abort();    /* our own text must read back */
        if (!es_xquery_text(q2, NULL, 0, &t2, err, sizeof err) || strcmp(t1.data, t2.data) != 0)
            abort();    /* and render the same */
        if (local && es_xquery_match_at(q2, &ev, now) != matched)
            abort();
        if ((ch == NULL) != (es_xquery_channel(q2) == NULL))
            abort();
        es_xquery_free(q2);
    }
    /* With the window: an event inside it keeps its answer. */
    es_buf_clear(&t1);
    if (es_xquery_text(q, ch, ev.time_created - 10000000ull, &t1, err, sizeof err)) {
        es_xquery *q3 = es_xquery_parse(t1.data, t1.len, err, sizeof err);
        if (!q3)
            abort();
        if (local && es_xquery_match_at(q3, &ev, now) != matched)
            abort();
        es_xquery_free(q3);
    }
    es_buf_free(&t1);
    es_buf_free(&t2);
    es_xquery_free(q);
    return 0;
}
