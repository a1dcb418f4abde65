/* fetch: one event's details — its full message, its data names and values, its XML — read
 * again from its source on a background thread when the details pane asks for them (they are
 * not kept for every row: a million rows would carry a million XML documents).
 *
 *  - A server: a session opened as the sweep opens it (wevtval.h), EvtQuery on the sweep's
 *    channel with *[System[EventRecordID=N]], one EvtNext, EvtRender of the XML, of the system
 *    values (the provider) and of the user values (the data), and EvtFormatMessage through the
 *    publisher metadata opened on that session (fetch_wevt.c).
 *  - A saved log: the file read again and parsed chunk by chunk until the record with that
 *    RecordID, skipping chunks whose (checksummed) header says they cannot hold it (fetch.c).
 *
 * Ownership: the job carries its own copies of everything it reads (targets are freed when a
 * new sweep starts). fetch_start() hands it to a thread; when the thread is done it posts
 * SWM_FETCH_DONE (lParam = fetch_job*) and from then on the job belongs to the UI thread, which
 * drops it with fetch_free(). When the window is gone the thread drops it itself.
 *
 * Cancellation: fetch_cancel() (UI thread, never blocks) marks the job and has a thread-pool
 * thread call EvtCancel on its session and query, or CancelIoEx on its file; a handle the
 * thread publishes after that is cancelled as it is published. Each cancel in flight holds a
 * reference, so the job outlives it. */
#ifndef FETCH_H
#define FETCH_H

#include <windows.h>
#include <winevt.h>
#include <stdint.h>

#include "sweep.h"
#include "es_buf.h"
#include "es_names.h"
#include "account.h"

#define SWM_FETCH_DONE (SWM_LAST + 30)   /* lParam: fetch_job* (ownership passes to the UI) */

typedef struct fetch_job {
    /* the request (the job's own copies) */
    uint32_t     seq;           /* the pane's request number: a stale answer is dropped */
    WCHAR       *path;          /* server name or file path */
    es_name_kind kind;          /* ES_NAME_PATH: a saved log */
    BOOL         classic;       /* a server read through the classic API: fetched that way too */
    account     *account;       /* the account the source was read with (a reference), or NULL */
    WCHAR       *channel;       /* servers: the channel the sweep read */
    uint64_t     record_id;
    /* the answer (UTF-8), written by the thread, read by the UI after SWM_FETCH_DONE */
    DWORD        error;         /* 0 or a Win32 error code */
    BOOL         not_found;     /* the source no longer holds that record */
    char        *message;       /* the formatted message; NULL: none could be formatted */
    es_buf       data;          /* the data items: name NUL value NUL, ndata times */
    size_t       ndata;
    char        *xml;           /* the event's XML as the source renders it, one line */
    DWORD        ms;            /* how long the thread took */
    /* cancellation (fetch.c) */
    volatile LONG cancelled;
    volatile LONG refs;
    SRWLOCK      lock;          /* guards the handles below */
    const void  *api;           /* the wevt_api the handles belong to */
    EVT_HANDLE   session, query;
    HANDLE       file;
} fetch_job;

/* A new job with copies of its request; NULL when out of memory. */
fetch_job *fetch_new(uint32_t seq, const WCHAR *path, es_name_kind kind, const WCHAR *channel, uint64_t record_id);
/* Starts the thread; FALSE when it could not start (the caller still owns the job). */
BOOL       fetch_start(HWND hwnd, fetch_job *job);
/* Asks the job to end soon (ERROR_CANCELLED); never blocks. */
void       fetch_cancel(fetch_job *job);
/* Drops the owner's reference; NULL is fine. */
void       fetch_free(fetch_job *job);

/* ---- for the fetchers ---- */

/* Publishes the handles fetch_cancel() may reach (NULL: none); a cancel that came before is
 * applied now. */
void  fetch_publish(fetch_job *job, const void *api, EVT_HANDLE session, EVT_HANDLE query, HANDLE file);
/* Adds a data item. */
void  fetch_add_item(fetch_job *job, const char *name, size_t name_len, const char *value, size_t value_len);
/* The server fetcher (fetch_wevt.c): fills the job's answer. */
void  fetch_server(fetch_job *job);
/* The classic API's fetcher (source_classic.c): a seek read at the record. ReadEventLog cannot be
 * cancelled: a fetch that hangs is left behind by the pane. */
void  fetch_classic(fetch_job *job);

#endif
