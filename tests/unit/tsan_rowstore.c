/* TSan test: the row store is read by an export thread while the UI thread appends batches.
 * The reader is told a count (published with release/acquire, as thread creation does in the
 * app) and reads rows below it; appends must never move or rewrite those rows. Built with
 * -fsanitize=thread: a data race fails the run. */
#include "es_row.h"
#include "testlib.h"

#include <pthread.h>
#include <stdatomic.h>

#define BATCHES 400
#define PER_BATCH 300

static es_rowstore *store;
static atomic_size_t published;
static atomic_int writer_done;
static long reader_errors;

static void *reader(void *arg)
{
    (void)arg;
    size_t seen = 0;
    for (;;) {
        int done = atomic_load_explicit(&writer_done, memory_order_acquire);
        size_t n = atomic_load_explicit(&published, memory_order_acquire);
        for (size_t i = seen; i < n; i++) {
            const es_row *r = es_rowstore_get(store, i);
            if (r->record_id != i || r->source != i / PER_BATCH || strcmp(r->provider, "Provider-X") != 0)
                reader_errors++;
        }
        /* read the early rows again: they must not have moved */
        for (size_t i = 0; i < n && i < 64; i++)
            if (es_rowstore_get(store, i)->record_id != i)
                reader_errors++;
        seen = n;
        if (done && seen == (size_t)BATCHES * PER_BATCH)
            break;
    }
    return NULL;
}

TEST(rowstore_read_while_appending)
{
    store = es_rowstore_new();
    pthread_t t;
    CHECK(pthread_create(&t, NULL, reader, NULL) == 0);
    es_event ev;
    memset(&ev, 0, sizeof ev);
    ev.provider = "Provider-X";
    ev.computer = "host";
    ev.message = "message";
    for (int b = 0; b < BATCHES; b++) {
        es_batch *batch = es_batch_new((uint32_t)b, PER_BATCH);
        for (int i = 0; i < PER_BATCH; i++) {
            ev.record_id = (uint64_t)b * PER_BATCH + (uint64_t)i;
            es_batch_add(batch, &ev, 0);
        }
        es_rowstore_append(store, batch, NULL);
        atomic_store_explicit(&published, es_rowstore_count(store), memory_order_release);
    }
    atomic_store_explicit(&writer_done, 1, memory_order_release);
    pthread_join(t, NULL);
    CHECK_INT(reader_errors, 0);
    CHECK_INT(es_rowstore_count(store), BATCHES * PER_BATCH);
    es_rowstore_unref(store);
}

int main(void)
{
    RUN(rowstore_read_while_appending);
    TESTS_DONE();
}
