/* One event's details fetched on a background thread (see fetch.h): the job's life and
 * cancellation, and the saved-log fetcher. The server fetcher is in fetch_wevt.c. */
#include "fetch.h"
#include "wevt.h"
#include "winutil.h"
#include "es_evtx.h"

#include <stdlib.h>
#include <string.h>

/* ---- the job ---- */

fetch_job *fetch_new(uint32_t seq, const WCHAR *path, es_name_kind kind, const WCHAR *channel, uint64_t record_id)
{
    fetch_job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->seq = seq;
    j->kind = kind;
    j->record_id = record_id;
    j->refs = 1;
    InitializeSRWLock(&j->lock);
    es_buf_init(&j->data);
    j->path = _wcsdup(path);
    j->channel = _wcsdup(channel ? channel : L"");
    if (!j->path || !j->channel) {
        fetch_free(j);
        return NULL;
    }
    return j;
}

static void release(fetch_job *j)
{
    if (InterlockedDecrement(&j->refs) != 0)
        return;
    account_unref(j->account);
    free(j->path);
    free(j->channel);
    free(j->message);
    free(j->xml);
    es_buf_free(&j->data);
    free(j);
}

void fetch_free(fetch_job *job)
{
    if (job)
        release(job);
}

/* Cancels the published handles; the caller holds the lock. */
static void cancel_published(fetch_job *j)
{
    const wevt_api *api = j->api;
    if (api && j->session)
        api->Cancel(j->session);   /* a remote call in progress (the connect, EvtNext) */
    if (api && j->query)
        api->Cancel(j->query);     /* the local session has no session handle */
    if (j->file)
        CancelIoEx(j->file, NULL); /* a read from a share that stopped answering */
}

void fetch_publish(fetch_job *j, const void *api, EVT_HANDLE session, EVT_HANDLE query, HANDLE file)
{
    AcquireSRWLockExclusive(&j->lock);
    j->api = api;
    j->session = session;
    j->query = query;
    j->file = file;
    if (j->cancelled)
        cancel_published(j);
    ReleaseSRWLockExclusive(&j->lock);
}

/* On a thread-pool thread: a cancel call can block too (a session whose server vanished), and
 * the UI thread must never wait for one. */
static DWORD WINAPI cancel_work(void *param)
{
    fetch_job *j = param;
    AcquireSRWLockExclusive(&j->lock);
    cancel_published(j);
    ReleaseSRWLockExclusive(&j->lock);
    release(j);
    return 0;
}

void fetch_cancel(fetch_job *j)
{
    if (!j || InterlockedExchange(&j->cancelled, 1))
        return; /* once is enough: a handle published later is cancelled as it is published */
    InterlockedIncrement(&j->refs);
    if (!QueueUserWorkItem(cancel_work, j, WT_EXECUTEDEFAULT))
        release(j); /* the flag alone still stops it between calls */
}

void fetch_add_item(fetch_job *j, const char *name, size_t name_len, const char *value, size_t value_len)
{
    es_buf_append(&j->data, name, name_len);
    es_buf_putc(&j->data, 0);
    es_buf_append(&j->data, value, value_len);
    es_buf_putc(&j->data, 0);
    j->ndata++;
}

/* ---- a saved log ---- */

typedef struct file_search {
    fetch_job *job;
    BOOL       found;
    BOOL       oom;
} file_search;

static int on_record(void *ctx, const es_event *ev, const es_evtx_record *rec)
{
    file_search *s = ctx;
    if (ev->record_id != s->job->record_id)
        return 0;
    fetch_job *j = s->job;
    /* A forwarded event carries its rendered message; for the others the pane shows the
     * message the sweep formatted (the row's), which the UI thread has. */
    if (ev->message && !(j->message = _strdup(ev->message)))
        s->oom = TRUE;
    if (rec->xml && !(j->xml = _strdup(rec->xml)))
        s->oom = TRUE;
    for (size_t i = 0; i < ev->ndata; i++)
        fetch_add_item(j, ev->data[i].name ? ev->data[i].name : "", ev->data[i].name ? strlen(ev->data[i].name) : 0,
                       ev->data[i].value, strlen(ev->data[i].value));
    s->found = TRUE;
    return 1;
}

/* Whether a chunk's header says it cannot hold record id `id`. Only a header whose checksum
 * is right is believed: a damaged one, or the chunk of a dirty file whose header was not
 * written again, is parsed like any other. */
static BOOL chunk_excludes(const uint8_t *c, size_t len, uint64_t id)
{
    if (len < 512 || memcmp(c, "ElfChnk\0", 8) != 0)
        return FALSE;
    uint32_t crc = es_evtx_crc32(es_evtx_crc32(0, c, 120), c + 128, 384);
    uint32_t stored = (uint32_t)c[124] | (uint32_t)c[125] << 8 | (uint32_t)c[126] << 16 | (uint32_t)c[127] << 24;
    if (crc != stored)
        return FALSE;
    uint64_t first = 0, last = 0;
    for (int i = 7; i >= 0; i--) {
        first = first << 8 | c[24 + i];
        last = last << 8 | c[32 + i];
    }
    return first <= last && (id < first || id > last);
}

static DWORD read_all(HANDLE h, uint8_t *buf, DWORD want, DWORD *got)
{
    *got = 0;
    while (*got < want) {
        DWORD n = 0;
        if (!ReadFile(h, buf + *got, want - *got, &n, NULL))
            return GetLastError();
        if (n == 0)
            break;
        *got += n;
    }
    return 0;
}

/* One pass over the chunks; with `skip`, chunks whose header excludes the record are not
 * parsed. */
static DWORD search_file(fetch_job *j, HANDLE h, es_evtx_parser *p, uint8_t *buf, BOOL skip, file_search *s)
{
    LARGE_INTEGER at;
    at.QuadPart = ES_EVTX_FILE_HEADER_SIZE;
    if (!SetFilePointerEx(h, at, NULL, FILE_BEGIN))
        return GetLastError();
    es_evtx_reset(p);
    for (;;) {
        if (j->cancelled)
            return ERROR_CANCELLED;
        DWORD got = 0, err = read_all(h, buf, ES_EVTX_CHUNK_SIZE, &got);
        if (err || got == 0)
            return err;
        if (!(skip && chunk_excludes(buf, got, j->record_id)) && es_evtx_feed_chunk(p, buf, got, on_record, s) < 0)
            return s->oom ? ERROR_NOT_ENOUGH_MEMORY : 0; /* the callback stopped: found */
        if (got < ES_EVTX_CHUNK_SIZE)
            return 0;
    }
}

static void fetch_file(fetch_job *j)
{
    HANDLE h = CreateFileW(j->path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        j->error = GetLastError();
        return;
    }
    fetch_publish(j, NULL, NULL, NULL, h);
    es_evtx_parser *p = es_evtx_new(ES_EVTX_XML);
    uint8_t *buf = malloc(ES_EVTX_CHUNK_SIZE);
    file_search s = {j, FALSE, FALSE};
    DWORD err = 0, got = 0;
    if (!p || !buf) {
        err = ERROR_NOT_ENOUGH_MEMORY;
        goto done;
    }
    err = read_all(h, buf, ES_EVTX_FILE_HEADER_SIZE, &got);
    if (err)
        goto done;
    es_evtx_file_info fi;
    int hdr = es_evtx_parse_file_header(buf, got, &fi);
    if (hdr == ES_EVTX_HDR_SHORT || hdr == ES_EVTX_HDR_BAD_SIGNATURE) {
        err = ERROR_FILE_CORRUPT; /* replaced since the sweep read it */
        goto done;
    }
    err = search_file(j, h, p, buf, TRUE, &s);
    /* A record whose own id differs from its chunk header's range (a damaged header that
     * still checksums, or ids the header does not count): look at every chunk once more. */
    if (!err && !s.found)
        err = search_file(j, h, p, buf, FALSE, &s);
    if (!err && !s.found)
        j->not_found = TRUE;
done:
    if (err == ERROR_OPERATION_ABORTED || (err && j->cancelled))
        err = ERROR_CANCELLED;
    j->error = err;
    fetch_publish(j, NULL, NULL, NULL, NULL);
    CloseHandle(h);
    es_evtx_free(p);
    free(buf);
}

/* ---- the thread ---- */

static void fetch_work(void *param)
{
    fetch_job *j = param;
    ULONGLONG t0 = GetTickCount64();
    if (j->kind == ES_NAME_PATH)
        fetch_file(j);
    else if (j->classic)
        fetch_classic(j);
    else
        fetch_server(j);
    if (!j->error && j->data.failed)
        j->error = ERROR_NOT_ENOUGH_MEMORY;
    j->ms = (DWORD)(GetTickCount64() - t0);
}

static void fetch_free_any(void *job) { fetch_free(job); }

BOOL fetch_start(HWND hwnd, fetch_job *job)
{
    return wu_run_job(hwnd, SWM_FETCH_DONE, job, fetch_work, fetch_free_any);
}
