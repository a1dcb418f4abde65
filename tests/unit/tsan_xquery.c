/* TSan test: one parsed view is matched by many worker threads at once, as the .evtx workers of
 * a sweep do (es_xquery.h: immutable after parse, no state in match). Every thread must get the
 * answers one thread gets. Built with -fsanitize=thread: a data race fails the run. */
#include "es_time.h"
#include "es_xquery.h"
#include "testlib.h"

#include <pthread.h>

#define THREADS 8
#define EVENTS 4000

static const char view[] =
    "<QueryList><Query Id=\"0\" Path=\"Security\">"
    "<Select Path=\"Security\">*[System[(Level=2 or Level=4) and band(Keywords,4503599627370496) and "
    "TimeCreated[timediff(@SystemTime) &lt;= 86400000]]] and *[EventData[Data[@Name='LogonType']='3']]</Select>"
    "<Suppress Path=\"Security\">*[EventData[Data[@Name='TargetUserName']='svc']]</Suppress>"
    "</Query></QueryList>";

static es_xquery *q;
static unsigned char expected[EVENTS];
static const uint64_t now = 134088000000000000ull;

static es_event make(int i, es_data_item d[2])
{
    es_event ev;
    memset(&ev, 0, sizeof ev);
    ev.level = (uint8_t)(i % 5);
    ev.keywords = i % 3 ? 0x8010000000000000ull : 0;
    ev.time_created = now - (uint64_t)(i % 48) * ES_TICKS_PER_HOUR;
    ev.event_id = 4625;
    d[0].name = "LogonType";
    d[0].value = i % 7 ? "3" : "2";
    d[1].name = "TargetUserName";
    d[1].value = i % 11 ? "bob" : "svc";
    ev.data = d;
    ev.ndata = 2;
    return ev;
}

static void *worker(void *arg)
{
    long *bad = arg;
    es_data_item d[2];
    for (int i = 0; i < EVENTS; i++) {
        es_event ev = make(i, d);
        if (es_xquery_match(q, &ev) != expected[i])
            (*bad)++;
    }
    return NULL;
}

TEST(xquery_shared_by_threads)
{
    char err[300];
    q = es_xquery_parse(view, sizeof view - 1, err, sizeof err);
    CHECK_AT(q != NULL, "%s", err);
    if (!q)
        return;
    es_xquery_set_now(q, now);
    int matched = 0;
    es_data_item d[2];
    for (int i = 0; i < EVENTS; i++) {
        es_event ev = make(i, d);
        expected[i] = (unsigned char)es_xquery_match(q, &ev);
        matched += expected[i];
    }
    CHECK(matched > 0 && matched < EVENTS);
    pthread_t t[THREADS];
    long bad[THREADS] = {0};
    for (int i = 0; i < THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, worker, &bad[i]) == 0);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK_INT(bad[i], 0);
    }
    es_xquery_free(q);
}

int main(void)
{
    RUN(xquery_shared_by_threads);
    TESTS_DONE();
}
