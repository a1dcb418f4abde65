/* TSan test: sort and find jobs read rows [0, n) of the store while the UI thread appends
 * batches and places them in its own view (es_view_add), then the UI thread installs a job's
 * result and catches up — the way src/win/rowview.c runs them. The job's input is its own;
 * the store is the only thing shared. Built with -fsanitize=thread: a data race fails the run. */
#include "es_view.h"
#include "testlib.h"

#include <pthread.h>

#define BATCHES 200
#define PER_BATCH 250

static es_rowstore *store;
static const char *const names[3] = {"srv-b", "srv-a", "srv-c"};
static uint32_t rank[3];
static es_view_ctx ctx;

typedef struct job {
    size_t n;
    atomic_int cancel;
    es_view_result res;
    int ok;
} job;

static void *job_main(void *arg)
{
    job *j = arg;
    j->res.all = malloc((j->n ? j->n : 1) * sizeof *j->res.all);
    j->res.nall = j->res.capall = j->n;
    j->ok = es_view_sort(store, 0, j->n, j->res.order, &ctx, j->res.all, &j->cancel);
    if (j->ok && j->res.find) {
        j->res.vis = malloc((j->n ? j->n : 1) * sizeof *j->res.vis);
        j->res.capvis = j->n;
        size_t k = es_view_filter(store, j->res.all, j->n, j->res.find, NULL, 0, &ctx, j->res.vis, &j->cancel);
        j->ok = k != SIZE_MAX;
        j->res.nvis = j->ok ? k : 0;
    }
    return NULL;
}

static void append_batch(int b)
{
    static const char *const msgs[] = {"The service entered the running state.", "Disk error", "Logon"};
    es_batch *batch = es_batch_new((uint32_t)(b % 3), PER_BATCH);
    for (int i = 0; i < PER_BATCH; i++) {
        es_event ev;
        memset(&ev, 0, sizeof ev);
        ev.record_id = (uint64_t)b * PER_BATCH + (uint64_t)i;
        ev.time_created = 133000000000000000ull + (ev.record_id * 7919) % 100000;
        ev.provider = "Provider-X";
        ev.computer = "host";
        ev.message = msgs[i % 3];
        ev.level = (uint8_t)(i % 5);
        es_batch_add(batch, &ev, 0);
    }
    es_rowstore_append(store, batch, NULL);
}

TEST(view_jobs_read_while_rows_arrive)
{
    store = es_rowstore_new();
    es_view_rank_sources(names, 3, rank);
    ctx = (es_view_ctx){.source_names = names, .source_rank = rank, .nsources = 3};
    es_view v;
    es_view_init(&v);
    int b = 0;
    for (int round = 0; round < 6; round++) {
        job j;
        memset(&j, 0, sizeof j);
        j.n = es_rowstore_count(store);
        j.res.order = (es_order){(es_col)(round % ES_NCOLS), round & 1};
        if (round % 2)
            j.res.find = es_find_new("service", NULL);
        pthread_t t;
        CHECK(pthread_create(&t, NULL, job_main, &j) == 0);
        /* meanwhile the UI thread appends (the view waits while a job runs, as in the app) */
        for (int k = 0; k < BATCHES / 6 && b < BATCHES; k++)
            append_batch(b++);
        if (round == 5)
            atomic_store(&j.cancel, 1);   /* a keystroke: the job ends early or not, never races */
        pthread_join(t, NULL);
        if (j.ok) {
            es_view_install(&v, &j.res);
            CHECK(es_view_add(&v, store, es_rowstore_count(store), &ctx, NULL, NULL));
            CHECK_INT(v.nall, es_rowstore_count(store));
        } else {
            es_view_result_free(&j.res);
        }
    }
    es_view_free(&v);
    es_rowstore_unref(store);
}

int main(void)
{
    RUN(view_jobs_read_while_rows_arrive);
    TESTS_DONE();
}
