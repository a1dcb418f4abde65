/* evtxcat: saved event logs (.evtx) as EventSweep's CSV rows, or as Event Viewer's XML.
 *
 *   evtxcat [--xml] [--hours N] [-j N] FILE|DIR...
 *
 * CSV (the default) is the app's export format (es_export.h): Server is the file's base name,
 * Received is now. --xml writes each record's <Event> element on a line of its own. --hours N
 * keeps the events created in the last N hours (0, the default, keeps all). A directory means
 * every *.evtx in it (not recursive), in name order.
 *
 * -j N (--jobs N) reads N files at once, on N threads, and writes the same output as one thread:
 * the files in order, each one's lines together, its warnings on stderr in its turn. The file
 * whose turn it is goes straight to stdout; a file read ahead of its turn keeps its output in
 * memory (32 MiB shared by all of them), then in a temporary file, until its turn comes: then
 * that is written out and the rest goes straight out. At most 2N files are in hand at once.
 *
 * Exit status: 0 when every record was read, 2 when damaged records were skipped (counted on
 * stderr), 1 when a file cannot be read or the command line is wrong.
 *
 * Files are read one 64 KiB chunk at a time, so memory stays flat however large they are. */
#include "es_buf.h"
#include "es_event.h"
#include "es_evtx.h"
#include "es_export.h"
#include "es_row.h"
#include "es_time.h"
#include "es_utf.h"
#include "evtxcat_os.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#define OUT_FLUSH  (1u << 20)
#define MAX_JOBS   64
#define KEEP_TOTAL (32u << 20)  /* output kept in memory by the files read ahead, all together */

/* A FILE (or the message for a DIR that cannot be listed), in command-line order. */
typedef struct job {
    char    *path;          /* NULL: nothing to read, only msg to print */
    char    *msg;           /* printed in the job's turn */
    int      rc;
    int      done;
    /* what was kept for the job's turn when it was read ahead of it: its output (the first
     * tmp_len bytes of tmp, then mem) and its messages */
    FILE    *tmp;
    uint64_t tmp_len;
    es_buf   mem;
    es_buf   err;
} job;

/* Shared by the threads, under the lock (os_lock). A thread takes job i only when i < flushed + ahead, so
 * at most `ahead` jobs are in hand (read, or being read) at once. */
static struct {
    job   *jobs;
    size_t n;
    size_t next;        /* the first job no thread has taken */
    size_t flushed;     /* the jobs before it are written out: job `flushed` has its turn */
    size_t ahead;
    size_t keep_max;    /* output a job keeps in memory before it goes on in a temporary file */
} q;

/* One per thread. */
typedef struct cat {
    int      xml;
    unsigned hours;
    uint64_t now;
    es_buf   out;
    es_buf   scratch;
    const char *server;
    uint64_t rows;
    int      warnings_shown;
    const char *file;
    job     *job;               /* the file being read ahead of its turn; NULL: straight out */
    size_t   idx;               /* its number */
    es_buf  *o;                 /* where the output goes: &out, or &job->mem */
    es_buf  *err;               /* where the messages go: &job->err; NULL: straight to stderr */
    size_t   flush_at;          /* flush_out when o->len reaches it */
    es_evtx_parser *p;
    unsigned char  *chunk;      /* ES_EVTX_CHUNK_SIZE bytes */
} cat;


/* Writes out what job j kept for its turn: only the thread whose turn it is calls it. */
static void write_kept(job *j)
{
    static char buf[1 << 16];
    if (j->tmp) {
        rewind(j->tmp);
        uint64_t left = j->tmp_len;
        size_t n;
        while (left && (n = fread(buf, 1, left < sizeof buf ? (size_t)left : sizeof buf, j->tmp)) > 0) {
            fwrite(buf, 1, n, stdout);
            left -= n;
        }
        fclose(j->tmp);
        j->tmp = NULL;
    }
    if (j->mem.len)
        fwrite(j->mem.data, 1, j->mem.len, stdout);
    es_buf_free(&j->mem);
    if (j->err.len)
        fwrite(j->err.data, 1, j->err.len, stderr);
    es_buf_free(&j->err);
}

/* The turn of the file c reads ahead has come: out with what it kept, and straight out from now. */
static void hand_over(cat *c)
{
    write_kept(c->job);
    c->job = NULL;
    c->o = &c->out;
    c->err = NULL;
}

static void flush_out(cat *c)
{
    job *j = c->job;
    if (j) {
        os_lock();
        int turn = q.flushed == c->idx;
        os_unlock();
        if (turn) {
            hand_over(c);
        } else if (j->mem.len >= q.keep_max) {   /* to the temporary file */
            if ((j->tmp || (j->tmp = os_temp_file()) != NULL) && fwrite(j->mem.data, 1, j->mem.len, j->tmp) == j->mem.len) {
                j->tmp_len += j->mem.len;
                es_buf_clear(&j->mem);
            } else {   /* no room on disk: wait for the turn (tmp_len bytes of tmp are good) */
                os_lock();
                while (q.flushed != c->idx)
                    os_wait();
                os_unlock();
                hand_over(c);
            }
        }
    }
    if (!c->job) {
        if (c->out.len)
            fwrite(c->out.data, 1, c->out.len, stdout);
        es_buf_clear(&c->out);
    }
    c->flush_at = c->o->len + (c->job && q.keep_max < OUT_FLUSH ? q.keep_max : OUT_FLUSH);
}

/* A message about the current file: to stderr now, or kept until the file's turn. */
static void say(cat *c, const char *fmt, ...)
{
    char small[512], *s = small;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof small && (s = malloc((size_t)n + 1)) != NULL) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    if (!s)
        s = small;   /* out of memory: the message cut short */
    if (c->err)
        es_buf_puts(c->err, s);
    else
        fputs(s, stderr);
    if (s != small)
        free(s);
}

static int on_record(void *ctx, const es_event *ev, const es_evtx_record *rec)
{
    cat *c = ctx;
    if (c->hours && !es_time_in_window(ev->time_created, c->now, c->hours))
        return 0;
    if (c->xml) {
        es_buf_append(c->o, rec->xml, rec->xml_len);
        es_buf_putc(c->o, '\n');
    } else {
        es_row r;
        char task[16];
        es_row_from_event(&r, ev, 0, c->now, &c->scratch, task, sizeof task);
        es_export_row(c->o, c->server, ev->channel, &r);   /* Log: the event's own channel */
    }
    c->rows++;
    if (c->o->len >= c->flush_at)
        flush_out(c);
    return 0;
}

#define MAX_WARNINGS_SHOWN 10

static void on_warn(void *ctx, const char *msg)
{
    cat *c = ctx;
    if (c->warnings_shown++ < MAX_WARNINGS_SHOWN)
        say(c, "evtxcat: %s: %s\n", c->file, msg);
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static const char *base_name(const char *path)
{
    const char *b = path;
    for (const char *s = path; *s; s++)
        if (*s == '/' || *s == '\\')
            b = s + 1;
    return b;
}

/* ---- one file ---- */

/* Returns 0 when all was read, 2 when damaged records were skipped, 1 when unreadable. */
static int cat_file(cat *c, const char *path)
{
    unsigned char *buf = c->chunk;
    es_evtx_parser *p = c->p;
    char eb[128];
    FILE *f = os_open_file(path);
    if (!f) {
        say(c, "evtxcat: %s: cannot open: %s\n", path, os_err_text(errno, eb, sizeof eb));
        return 1;
    }
    c->file = path;
    c->server = base_name(path);
    c->warnings_shown = 0;
    es_evtx_reset(p);
    size_t n = fread(buf, 1, ES_EVTX_FILE_HEADER_SIZE, f);
    if (ferror(f)) {
        say(c, "evtxcat: %s: cannot read: %s\n", path, os_err_text(errno, eb, sizeof eb));
        fclose(f);
        return 1;
    }
    es_evtx_file_info fi;
    int h = es_evtx_parse_file_header(buf, n, &fi);
    if (h == ES_EVTX_HDR_SHORT || (h == ES_EVTX_HDR_BAD_SIGNATURE && n < ES_EVTX_FILE_HEADER_SIZE)) {
        say(c, "evtxcat: %s: not an .evtx file (%s)\n", path, h == ES_EVTX_HDR_SHORT ? "too short" : "no file header");
        fclose(f);
        return 1;
    }
    if (h == ES_EVTX_HDR_BAD_SIGNATURE)
        say(c, "evtxcat: %s: bad file header signature; looking for chunks anyway\n", path);
    else if (h == ES_EVTX_HDR_BAD_CHECKSUM)
        say(c, "evtxcat: %s: file header checksum mismatch\n", path);
    es_evtx_note_file_header(p, h);
    int rc = 0;
    while ((n = fread(buf, 1, ES_EVTX_CHUNK_SIZE, f)) > 0) {
        es_evtx_feed_chunk(p, buf, n, on_record, c);
        if (n < ES_EVTX_CHUNK_SIZE)
            break;
    }
    if (ferror(f)) {
        say(c, "evtxcat: %s: read error: %s\n", path, os_err_text(errno, eb, sizeof eb));
        rc = 1;
    }
    fclose(f);
    flush_out(c);
    const es_evtx_stats *st = es_evtx_get_stats(p);
    if (h == ES_EVTX_HDR_BAD_SIGNATURE && st->records == 0) {
        say(c, "evtxcat: %s: not an .evtx file (no file header, no records)\n", path);
        return 1;
    }
    if (c->warnings_shown > MAX_WARNINGS_SHOWN)
        say(c, "evtxcat: %s: %d more warnings not shown\n", path, c->warnings_shown - MAX_WARNINGS_SHOWN);
    if (st->skipped_records || st->bad_chunks) {
        say(c, "evtxcat: %s: %llu records read, %llu damaged records skipped, %llu bad chunks\n", path,
            (unsigned long long)st->records, (unsigned long long)st->skipped_records,
            (unsigned long long)st->bad_chunks);
        if (st->skipped_records && rc == 0)
            rc = 2;
    }
    if (st->chunk_crc_errors || st->data_crc_errors)
        say(c, "evtxcat: %s: checksum mismatches: %llu chunk headers, %llu record areas (records kept)\n", path,
            (unsigned long long)st->chunk_crc_errors, (unsigned long long)st->data_crc_errors);
    return rc;
}

static int worse(int a, int b)
{
    /* 1 (unreadable) beats 2 (damaged) beats 0 */
    if (a == 1 || b == 1)
        return 1;
    return a > b ? a : b;
}

/* ---- the files, in order; with -j N, N threads take them in turn ---- */

static void work(void *arg)
{
    cat *c = arg;
    os_lock();
    for (;;) {
        while (q.next < q.n && q.next >= q.flushed + q.ahead)
            os_wait();
        if (q.next >= q.n)
            break;
        size_t i = q.next++;
        job *j = &q.jobs[i];
        int turn = i == q.flushed;   /* the main thread waits for this one */
        os_unlock();
        if (j->path) {
            c->job = turn ? NULL : j;
            c->idx = i;
            c->o = turn ? &c->out : &j->mem;
            c->err = turn ? NULL : &j->err;
            c->flush_at = turn || q.keep_max >= OUT_FLUSH ? OUT_FLUSH : q.keep_max;
            j->rc = cat_file(c, j->path);
            c->job = NULL;
            c->o = &c->out;
            c->err = NULL;
        }
        os_lock();
        j->done = 1;
        os_wake();
    }
    os_unlock();
}

/* Prints what job j kept for its turn; returns its exit status. */
static int finish(job *j)
{
    if (j->msg)
        fputs(j->msg, stderr);
    write_kept(j);
    return j->rc;
}

/* Appends a job to q.jobs, which has room for *cap; -1 when out of memory. */
static int add_job(size_t *cap, char *path, char *msg)
{
    if (q.n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        job *nj = realloc(q.jobs, nc * sizeof *nj);
        if (!nj)
            return -1;
        q.jobs = nj;
        *cap = nc;
    }
    job *j = &q.jobs[q.n++];
    memset(j, 0, sizeof *j);
    j->path = path;
    j->msg = msg;
    j->rc = msg ? 1 : 0;
    j->done = !path;
    es_buf_init(&j->err);
    return 0;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* The jobs for the command line's FILEs and DIRs, into q.jobs and q.n; -1 when out of memory. */
static int make_jobs(char **args, size_t nargs)
{
    size_t cap = 0;
    char eb[128];
    for (size_t i = 0; i < nargs; i++) {
        const char *path = args[i];
        if (!os_is_dir(path)) {
            char *d = dup_str(path);
            if (!d || add_job(&cap, d, NULL) < 0)
                return free(d), -1;
            continue;
        }
        char **names;
        size_t n;
        if (os_list_dir(path, &names, &n) < 0) {
            es_buf m;
            es_buf_init(&m);
            es_buf_printf(&m, "evtxcat: %s: cannot list the directory: %s\n", path, os_err_text(errno, eb, sizeof eb));
            if (!m.data || add_job(&cap, NULL, m.data) < 0)
                return es_buf_free(&m), -1;
            continue;
        }
        qsort(names, n, sizeof *names, cmp_names);
        int bad = 0;
        for (size_t k = 0; k < n; k++) {
            es_buf full;
            es_buf_init(&full);
            es_buf_puts(&full, path);
            size_t pl = strlen(path);
            if (pl && path[pl - 1] != '/' && path[pl - 1] != '\\')
                es_buf_puts(&full, OS_PATH_SEP);
            es_buf_puts(&full, names[k]);
            if (!bad && (!full.data || add_job(&cap, full.data, NULL) < 0)) {
                es_buf_free(&full);
                bad = 1;
            }
            free(names[k]);
        }
        free(names);
        if (bad)
            return -1;
    }
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: evtxcat [--xml] [--hours N] [-j N] FILE|DIR...\n"
                    "  --xml      write each event's XML (one <Event> per line) instead of CSV rows\n"
                    "  --hours N  only events created in the last N hours (0..%u; 0 = all, the default)\n"
                    "  -j N, --jobs N\n"
                    "             read N files at once, on N threads (1..%u; 0 = 1, the default);\n"
                    "             the output is the same, in the same order\n"
                    "  A directory means every *.evtx file in it, in name order.\n",
            ES_HOURS_MAX, MAX_JOBS);
}

/* The value of option a (argv[*i]): "--name=V", "-jV" (at a + short_len) or the next argument. */
static const char *opt_value(int argc, char **argv, int *i, size_t long_len, size_t short_len)
{
    const char *a = argv[*i];
    if (long_len && a[long_len] == '=')
        return a + long_len + 1;
    if (short_len && a[short_len])
        return a + short_len;
    return *i + 1 < argc ? argv[++*i] : NULL;
}

/* v as a whole number from 0 to max; -1 when it is not one */
static long whole_number(const char *v, unsigned long max)
{
    char *endp = NULL;
    unsigned long x = 0;
    if (v && *v >= '0' && *v <= '9') {
        errno = 0;
        x = strtoul(v, &endp, 10);
    }
    if (!v || !endp || *endp || errno || x > max)
        return -1;
    return (long)x;
}

static int run(int argc, char **argv)
{
    int xml = 0, opts_done = 0;
    unsigned hours = 0, nthreads = 1;
    uint64_t now = ES_UNIX_EPOCH_TICKS + (uint64_t)time(NULL) * ES_TICKS_PER_SEC;   /* once: Received */
    char **files = calloc((size_t)argc + 1, sizeof *files);
    size_t nfiles = 0;
    if (!files)
        return 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!opts_done && strcmp(a, "--") == 0) {
            opts_done = 1;
        } else if (!opts_done && strcmp(a, "--xml") == 0) {
            xml = 1;
        } else if (!opts_done && (strcmp(a, "--hours") == 0 || strncmp(a, "--hours=", 8) == 0)) {
            const char *v = opt_value(argc, argv, &i, 7, 0);
            long h = whole_number(v, ES_HOURS_MAX);
            if (h < 0) {
                fprintf(stderr, "evtxcat: --hours: \"%s\" is not a whole number from 0 to %u\n", v ? v : "",
                        ES_HOURS_MAX);
                free(files);
                return 1;
            }
            hours = (unsigned)h;
        } else if (!opts_done && (strncmp(a, "-j", 2) == 0 || strcmp(a, "--jobs") == 0 || strncmp(a, "--jobs=", 7) == 0)) {
            int is_long = a[1] == '-';
            const char *v = opt_value(argc, argv, &i, is_long ? 6 : 0, is_long ? 0 : 2);
            long n = whole_number(v, MAX_JOBS);
            if (n < 0) {
                fprintf(stderr, "evtxcat: %s: \"%s\" is not a whole number from 0 to %u\n", is_long ? "--jobs" : "-j",
                        v ? v : "", MAX_JOBS);
                free(files);
                return 1;
            }
            nthreads = n ? (unsigned)n : 1;
        } else if (!opts_done && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            usage();
            free(files);
            return 0;
        } else if (!opts_done && a[0] == '-' && a[1]) {
            fprintf(stderr, "evtxcat: unknown option \"%s\"\n", a);
            usage();
            free(files);
            return 1;
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (nfiles == 0) {
        fprintf(stderr, "evtxcat: no FILE or DIR given\n");
        usage();
        free(files);
        return 1;
    }
    os_binary_stdout();
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    int rc = 0;
    cat cats[MAX_JOBS];
    unsigned made = 0;
    if (make_jobs(files, nfiles) < 0) {
        fprintf(stderr, "evtxcat: out of memory\n");
        rc = 1;
        goto done;
    }
    if (nthreads > q.n)
        nthreads = q.n ? (unsigned)q.n : 1;
    for (; made < nthreads; made++) {
        cat *c = &cats[made];
        memset(c, 0, sizeof *c);
        es_buf_init(&c->out);
        es_buf_init(&c->scratch);
        c->xml = xml;
        c->hours = hours;
        c->now = now;
        c->o = &c->out;
        c->flush_at = OUT_FLUSH;
        c->p = es_evtx_new(xml ? ES_EVTX_XML : 0);
        c->chunk = malloc(ES_EVTX_CHUNK_SIZE);
        if (!c->p || !c->chunk) {
            es_evtx_free(c->p);
            free(c->chunk);
            break;
        }
        es_evtx_set_warn(c->p, on_warn, c);
    }
    if (made < nthreads) {
        fprintf(stderr, "evtxcat: out of memory\n");
        rc = 1;
        goto free_cats;
    }
    if (!xml) {
        es_export_rows_header(&cats[0].out);
        flush_out(&cats[0]);
    }
    os_thread th[MAX_JOBS];
    os_thread_body(work);
    unsigned started = 0;
    q.ahead = 2 * (size_t)nthreads;
    q.keep_max = KEEP_TOTAL / q.ahead;
    while (nthreads > 1 && started < nthreads && os_thread_start(&th[started], &cats[started]) == 0)
        started++;
    if (started == 0) {   /* -j 1 (or no thread could start): one file after the other, here */
        for (size_t i = 0; i < q.n; i++) {
            if (q.jobs[i].path)
                q.jobs[i].rc = cat_file(&cats[0], q.jobs[i].path);
            rc = worse(rc, finish(&q.jobs[i]));
        }
    } else {
        for (size_t i = 0; i < q.n; i++) {
            os_lock();
            while (!q.jobs[i].done)
                os_wait();
            os_unlock();
            rc = worse(rc, finish(&q.jobs[i]));
            os_lock();
            q.flushed = i + 1;
            os_wake();
            os_unlock();
        }
        for (unsigned t = 0; t < started; t++)
            os_thread_join(th[t]);
    }
free_cats:
    for (unsigned t = 0; t < made; t++) {
        es_evtx_free(cats[t].p);
        free(cats[t].chunk);
        es_buf_free(&cats[t].out);
        es_buf_free(&cats[t].scratch);
    }
done:
    fflush(stdout);
    for (size_t i = 0; i < q.n; i++) {
        free(q.jobs[i].path);
        free(q.jobs[i].msg);
        es_buf_free(&q.jobs[i].mem);
        es_buf_free(&q.jobs[i].err);
    }
    free(q.jobs);
    free(files);
    return rc;
}

#ifdef _WIN32
int wmain(int argc, wchar_t **wargv)
{
    char **argv = calloc((size_t)argc + 1, sizeof *argv);
    if (!argv)
        return 1;
    for (int i = 0; i < argc; i++) {
        argv[i] = os_narrow(wargv[i]);
        if (!argv[i]) {
            fprintf(stderr, "evtxcat: out of memory\n");
            return 1;
        }
    }
    int rc = run(argc, argv);
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
    return rc;
}
#else
int main(int argc, char **argv) { return run(argc, argv); }
#endif
