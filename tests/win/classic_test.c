/* classic_test: the classic event log engine (src/win/source_classic.c) and the sweep's
 * fallback to it (src/win/sweep.c), end to end under Wine. Wine's OpenEventLog/ReadEventLog are
 * stubs and advapi32 cannot be replaced in a prefix, so this program links the app's own sweep
 * and engines with a SIMULATED advapi32 table (classic_set_api): servers reachable only over the
 * classic API, whose records classicgen writes; the Windows Event Log API is the fake
 * wevtapi.dll of the prefix (ESFAKE_FLEET, written by tests/win/t_classic.sh).
 *
 *   classic_test.exe   runs every case below and prints PASS/FAIL lines; exit 1 on a failure.
 *
 * Sweeps run in this process with a message-only window receiving the sweep's messages, as the
 * app's window does: batches go into a row store, each source's end is recorded. */
#include <windows.h>

#include "source_classic.h"
#include "fetch.h"
#include "sweep.h"
#include "es_evtrec.h"
#include "es_filter.h"
#include "es_time.h"
#include "../fake/classicgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_fail;
#define CHECK(name, cond, ...)                                                                     \
    do {                                                                                           \
        if (cond) {                                                                                \
            printf("PASS %s\n", name);                                                             \
        } else {                                                                                   \
            printf("FAIL %s: ", name);                                                             \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
            g_fail = 1;                                                                            \
        }                                                                                          \
    } while (0)

/* ---- the simulated classic API ---- */

enum { S_OK_, S_NONE, S_DENY, S_BIG, S_BAD, S_HANG, S_BOTH, NSIM };
/* IP addresses, so that the 1722 probe finds an address (a name no DNS knows is not worth the
 * classic API's try either: no fallback then); nothing listens on their TCP 135. */
static const char *const k_names[NSIM] = {"127.0.0.21", "127.0.0.22", "127.0.0.23", "127.0.0.24", "127.0.0.25",
                                          "127.0.0.26", "127.0.0.27"};
#define NREC 300            /* records of each readable server: one every 2 minutes, newest now */
#define BAD_AFTER 10        /* cls-bad: good records before the garbage */

static volatile LONG g_opens[NSIM], g_closes[NSIM];
static uint32_t g_now_s;    /* seconds since 1970 when the program started */
static char g_big[40001];   /* cls-big's one insertion string of 40,000 characters */

typedef struct sim_handle {
    int      server;
    uint32_t next;          /* the next record to return (newest first): NREC .. 1 */
} sim_handle;

static const char *const k_strs[] = {"Print Spooler", "stopped"};

static cg_record record_of(int server, uint32_t k)
{
    static const char *const big[] = {g_big};
    cg_record r;
    memset(&r, 0, sizeof r);
    r.record_number = k;
    r.time_generated = g_now_s - (NREC - k) * 120;
    r.event_id = 0x40000000u | (7000 + k % 40);
    r.event_type = (uint16_t)(k % 5 == 0 ? 1 : k % 5 == 1 ? 2 : k % 5 == 2 ? 8 : k % 5 == 3 ? 16 : 4);
    r.category = (uint16_t)(k % 3);
    r.source = k % 2 ? "Service Control Manager" : "Legacy App";
    r.computer = k_names[server];
    r.strings = server == S_BIG && k == NREC - 5 ? big : k_strs;
    r.nstrings = server == S_BIG && k == NREC - 5 ? 1 : 2;
    r.sid_len = 12;
    return r;
}

static int server_of(LPCWSTR name)
{
    char n[64];
    if (!name || !WideCharToMultiByte(CP_UTF8, 0, name, -1, n, sizeof n, NULL, NULL))
        return -1;
    for (int i = 0; i < NSIM; i++)
        if (!_stricmp(n, k_names[i]))
            return i;
    return -1;
}

static HANDLE WINAPI sim_open(LPCWSTR server, LPCWSTR log)
{
    (void)log;
    int s = server_of(server);
    Sleep(20);
    if (s < 0 || s == S_NONE) {
        SetLastError(RPC_S_SERVER_UNAVAILABLE);
        return NULL;
    }
    if (s == S_DENY) {
        SetLastError(ERROR_ACCESS_DENIED);
        return NULL;
    }
    sim_handle *h = calloc(1, sizeof *h);
    h->server = s;
    h->next = NREC;
    InterlockedIncrement(&g_opens[s]);
    return h;
}

static BOOL WINAPI sim_read(HANDLE hh, DWORD flags, DWORD offset, LPVOID buf, DWORD bytes, DWORD *got, DWORD *need)
{
    sim_handle *h = hh;
    (void)offset;
    *got = *need = 0;
    if (flags == (EVENTLOG_SEEK_READ | EVENTLOG_FORWARDS_READ)) {   /* the details pane's read */
        if (offset < 1 || offset > NREC) {
            SetLastError(ERROR_INVALID_PARAMETER);
            return FALSE;
        }
        cg_record r = record_of(h->server, offset);
        size_t size = cg_record_size(&r);
        if (size > bytes) {
            *need = (DWORD)size;
            SetLastError(ERROR_INSUFFICIENT_BUFFER);
            return FALSE;
        }
        *got = (DWORD)cg_record_write(&r, buf, bytes);
        return TRUE;
    }
    if (flags != (EVENTLOG_SEQUENTIAL_READ | EVENTLOG_BACKWARDS_READ)) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if (h->server == S_HANG && h->next <= NREC - 20) {
        Sleep(INFINITE);   /* a read that never returns: the sweep must leave it behind */
    }
    if (h->server == S_BAD && h->next <= NREC - BAD_AFTER) {
        memset(buf, 0x5A, bytes < 256 ? bytes : 256);   /* not records */
        *got = bytes < 256 ? bytes : 256;
        return TRUE;
    }
    if (h->next == 0) {
        SetLastError(ERROR_HANDLE_EOF);
        return FALSE;
    }
    DWORD used = 0;
    while (h->next > 0) {
        cg_record r = record_of(h->server, h->next);
        size_t size = cg_record_size(&r);
        if (used + size > bytes) {
            if (used == 0) {   /* not even one: the caller must grow its buffer */
                *need = (DWORD)size;
                SetLastError(ERROR_INSUFFICIENT_BUFFER);
                return FALSE;
            }
            break;
        }
        cg_record_write(&r, (BYTE *)buf + used, bytes - used);
        used += (DWORD)size;
        h->next--;
        if (h->server == S_BAD && h->next <= NREC - BAD_AFTER)
            break;
        if (h->server == S_HANG && (NREC - h->next) % 10 == 0)
            break;   /* ten a read: the third never returns */
    }
    *got = used;
    return TRUE;
}

static BOOL WINAPI sim_close(HANDLE hh)
{
    sim_handle *h = hh;
    InterlockedIncrement(&g_closes[h->server]);
    free(h);
    return TRUE;
}

static const classic_api k_sim = {sim_open, sim_read, sim_close};

/* ---- a sweep in this process ---- */

typedef struct result {
    es_rowstore *rows;
    DWORD        error[NSIM];
    BOOL         classic[NSIM];
    DWORD        fallback_error[NSIM];
    BOOL         done[NSIM];
} result;

static result *g_res;

static LRESULT CALLBACK wndproc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
    uint32_t id = SWEEP_WP_ID(wp);
    switch (msg) {
    case SWM_BATCH:
        es_rowstore_append(g_res->rows, (es_batch *)lp, NULL);
        return 0;
    case SWM_ENGINE:
        if (id < NSIM)
            g_res->classic[id] = lp == 1;
        return 0;
    case SWM_FALLBACK_ERROR:
        if (id < NSIM)
            g_res->fallback_error[id] = (DWORD)lp;
        return 0;
    case SWM_SOURCE_DONE:
        if (id < NSIM) {
            g_res->error[id] = SWEEP_DONE_ERROR(lp);
            g_res->done[id] = TRUE;
        }
        return 0;
    case SWM_SWEEP_DONE:
        PostQuitMessage(0);
        return 0;
    }
    return DefWindowProcW(hwnd, msg, wp, lp);
}

static uint64_t g_since;

static void run(result *res, const int *servers, size_t n, sweep_engine engine, const WCHAR *log, unsigned timeout_s)
{
    memset(res, 0, sizeof *res);
    res->rows = es_rowstore_new();
    g_res = res;
    HWND hwnd = CreateWindowExW(0, L"classic_test", L"", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    sweep_target t[NSIM];
    WCHAR names[NSIM][32];
    memset(t, 0, sizeof t);
    for (size_t i = 0; i < n; i++) {
        MultiByteToWideChar(CP_UTF8, 0, k_names[servers[i]], -1, names[i], 32);
        t[i].name = names[i];
        t[i].kind = ES_NAME_IPV4;
        t[i].id = (uint32_t)servers[i];
    }
    es_filter f;
    es_filter_init(&f);
    sweep_settings s;
    memset(&s, 0, sizeof s);
    s.channels = &log;
    s.nchannels = 1;
    s.engine = engine;
    s.hours = 8;
    s.timeout_s = timeout_s;
    s.max_threads = 16;
    s.filter = &f;
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    uint64_t now = (uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
    g_since = es_window_start(now, 8);
    DWORD err = 0;
    sweep *sw = sweep_start(hwnd, &s, t, n, now, &err);
    if (!sw) {
        printf("FAIL sweep-start: error %lu\n", (unsigned long)err);
        exit(1);
    }
    MSG m;
    while (GetMessageW(&m, NULL, 0, 0) > 0)
        DispatchMessageW(&m);
    sweep_release(sw);
    DestroyWindow(hwnd);
}

/* Rows of server s in the store: how many, each record once, all in the window, texts right. */
static void check_rows(const char *name, const result *r, int s, uint32_t lowest, uint32_t highest)
{
    static unsigned char seen[NREC + 1];
    memset(seen, 0, sizeof seen);
    size_t count = 0, dup = 0, bad = 0;
    for (size_t i = 0; i < es_rowstore_count(r->rows); i++) {
        const es_row *row = es_rowstore_get(r->rows, i);
        if (row->source != (uint32_t)s)
            continue;
        count++;
        uint32_t k = (uint32_t)row->record_id;
        if (k < 1 || k > NREC) {
            bad++;
            continue;
        }
        dup += seen[k]++ > 0;
        cg_record want = record_of(s, k);
        uint8_t lv = es_evtrec_level(want.event_type);
        int msg_ok = s == S_BIG && k == NREC - 5 ? strlen(row->message) == 40000 : !strcmp(row->message, "Print Spooler; stopped");
        if (row->event_id != 7000 + k % 40 || row->level != lv || row->task != want.category ||
            row->time_created != es_evtrec_ticks(want.time_generated) || strcmp(row->provider, want.source) ||
            strcmp(row->computer, k_names[s]) || !msg_ok) {
            if (!bad)
                printf("     %s: record %u: id %u level %u task %u provider %s message %.60s\n", name, k, row->event_id,
                       row->level, row->task, row->provider, row->message);
            bad++;
        }
    }
    size_t want = highest >= lowest ? highest - lowest + 1 : 0;
    size_t missing = 0;
    for (uint32_t k = lowest; k <= highest && k >= 1; k++)
        missing += !seen[k];
    CHECK(name, count == want && dup == 0 && bad == 0 && missing == 0,
          "%zu rows (%zu expected), %zu twice, %zu wrong, %zu missing", count, want, dup, bad, missing);
}

/* The oldest record inside the 8-hour window. */
static uint32_t first_in_window(void)
{
    for (uint32_t k = 1; k <= NREC; k++)
        if (es_evtrec_ticks(g_now_s - (NREC - k) * 120) >= g_since)
            return k;
    return NREC + 1;
}

int wmain(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    g_now_s = (uint32_t)((((uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime) / 10000000ull) - 11644473600ull);
    memset(g_big, 'x', sizeof g_big - 1);
    WNDCLASSW wc;
    memset(&wc, 0, sizeof wc);
    wc.lpfnWndProc = wndproc;
    wc.lpszClassName = L"classic_test";
    RegisterClassW(&wc);
    classic_set_api(&k_sim);
    static result r;

    /* auto: every server but cls-both is down for the Windows Event Log API (the fleet file) */
    int all[] = {S_OK_, S_NONE, S_DENY, S_BIG, S_BAD, S_HANG, S_BOTH};
    ULONGLONG t0 = GetTickCount64();
    run(&r, all, NSIM, SWEEP_ENGINE_AUTO, L"System", 2);
    double secs = (double)(GetTickCount64() - t0) / 1000.0;
    uint32_t lo = first_in_window();
    printf("     auto: %zu rows in %.1f s; the window holds records %u..%u\n", es_rowstore_count(r.rows), secs, lo, NREC);
    CHECK("auto-ok-classic", r.classic[S_OK_] && r.error[S_OK_] == 0, "classic %d, error %lu", r.classic[S_OK_], r.error[S_OK_]);
    check_rows("auto-ok-rows", &r, S_OK_, lo, NREC);
    CHECK("auto-big-grows", r.error[S_BIG] == 0, "error %lu", r.error[S_BIG]);
    check_rows("auto-big-rows", &r, S_BIG, lo, NREC);
    CHECK("auto-none-1722", r.classic[S_NONE] && r.error[S_NONE] == RPC_S_SERVER_UNAVAILABLE, "classic %d, error %lu",
          r.classic[S_NONE], r.error[S_NONE]);
    /* the classic API refused too: the source keeps 1722 (its diagnosis), the 5 is said beside it */
    CHECK("auto-deny-1722-then-5", r.classic[S_DENY] && r.error[S_DENY] == RPC_S_SERVER_UNAVAILABLE &&
          r.fallback_error[S_DENY] == ERROR_ACCESS_DENIED, "error %lu, classic API's %lu", r.error[S_DENY],
          r.fallback_error[S_DENY]);
    CHECK("auto-bad-no-fallback-error", r.fallback_error[S_BAD] == 0 && r.fallback_error[S_OK_] == 0,
          "the classic API's error %lu (bad), %lu (ok): rows came, so its own error is the source's",
          r.fallback_error[S_BAD], r.fallback_error[S_OK_]);
    CHECK("auto-bad-13", r.error[S_BAD] == ERROR_INVALID_DATA, "error %lu", r.error[S_BAD]);
    check_rows("auto-bad-rows-kept", &r, S_BAD, NREC - BAD_AFTER + 1, NREC);
    CHECK("auto-hang-1460", r.error[S_HANG] == ERROR_TIMEOUT && secs < 15, "error %lu after %.1f s", r.error[S_HANG], secs);
    check_rows("auto-hang-rows-kept", &r, S_HANG, NREC - 19, NREC);
    CHECK("auto-both-wevt", !r.classic[S_BOTH] && r.error[S_BOTH] == 0 && g_opens[S_BOTH] == 0,
          "classic %d, error %lu, %ld classic opens", r.classic[S_BOTH], r.error[S_BOTH], g_opens[S_BOTH]);
    LONG leaked = 0;
    for (int i = 0; i < NSIM; i++)
        if (i != S_HANG)
            leaked += g_opens[i] - g_closes[i];
    CHECK("auto-handles-closed", leaked == 0, "%ld classic handles left open", leaked);
    es_rowstore_unref(r.rows);

    /* classic only: cls-both too; a log that is not classic is never opened */
    LONG before = g_opens[S_BOTH];
    int two[] = {S_OK_, S_BOTH};
    run(&r, two, 2, SWEEP_ENGINE_CLASSIC, L"System", 5);
    CHECK("classic-both-classic", r.error[S_BOTH] == 0 && g_opens[S_BOTH] == before + 1, "error %lu, opens %ld",
          r.error[S_BOTH], g_opens[S_BOTH] - before);
    check_rows("classic-both-rows", &r, S_BOTH, first_in_window(), NREC);
    es_rowstore_unref(r.rows);

    /* wevt only: no fallback */
    before = g_opens[S_OK_];
    int one[] = {S_OK_};
    run(&r, one, 1, SWEEP_ENGINE_WEVT, L"System", 5);
    CHECK("wevt-no-fallback", r.error[S_OK_] == RPC_S_SERVER_UNAVAILABLE && g_opens[S_OK_] == before && !r.classic[S_OK_],
          "error %lu, %ld classic opens", r.error[S_OK_], g_opens[S_OK_] - before);
    es_rowstore_unref(r.rows);

    /* auto on a log that is not a classic one: OpenEventLog would read Application: no fallback */
    run(&r, one, 1, SWEEP_ENGINE_AUTO, L"Microsoft-Windows-TaskScheduler/Operational", 5);
    CHECK("auto-not-classic-no-fallback", r.error[S_OK_] == RPC_S_SERVER_UNAVAILABLE && g_opens[S_OK_] == before,
          "error %lu, %ld classic opens", r.error[S_OK_], g_opens[S_OK_] - before);
    es_rowstore_unref(r.rows);

    /* a filter applies to classic rows too (the classic API filters nothing itself) */
    {
        memset(&r, 0, sizeof r);
        char err[200];
        static es_filter f;
        es_filter_init(&f);
        es_filter_parse_levels(&f, "error,warning", err, sizeof err);
        r.rows = es_rowstore_new();
        g_res = &r;
        HWND hwnd = CreateWindowExW(0, L"classic_test", L"", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
        sweep_target t = {L"127.0.0.21", ES_NAME_IPV4, S_OK_, 0, NULL};
        sweep_settings s;
        memset(&s, 0, sizeof s);
        static const WCHAR *const sys[] = {L"System"};
        s.channels = sys;
        s.nchannels = 1;
        s.engine = SWEEP_ENGINE_CLASSIC;
        s.hours = 8;
        s.timeout_s = 5;
        s.max_threads = 4;
        s.filter = &f;
        GetSystemTimeAsFileTime(&ft);
        uint64_t now = (uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
        g_since = es_window_start(now, 8);
        DWORD e = 0;
        sweep *sw = sweep_start(hwnd, &s, &t, 1, now, &e);
        MSG m;
        while (sw && GetMessageW(&m, NULL, 0, 0) > 0)
            DispatchMessageW(&m);
        if (sw)
            sweep_release(sw);
        DestroyWindow(hwnd);
        size_t want = 0, got = es_rowstore_count(r.rows), wrong = 0;
        for (uint32_t k = first_in_window(); k <= NREC; k++) {
            uint16_t ty = record_of(S_OK_, k).event_type;
            want += ty == 1 || ty == 2;
        }
        for (size_t i = 0; i < got; i++)
            wrong += es_rowstore_get(r.rows, i)->level != 2 && es_rowstore_get(r.rows, i)->level != 3;
        CHECK("classic-filter-levels", r.error[S_OK_] == 0 && got == want && wrong == 0, "%zu rows (%zu expected), %zu of other levels",
              got, want, wrong);
        es_rowstore_unref(r.rows);
    }
    /* the details pane's fetch of a classic row: a seek read at its record */
    {
        fetch_job *j = fetch_new(1, L"127.0.0.21", ES_NAME_IPV4, L"System", 250);
        j->classic = TRUE;
        fetch_classic(j);
        CHECK("fetch-record", j->error == 0 && !j->not_found && j->message && !strcmp(j->message, "Print Spooler; stopped") &&
              j->ndata == 2 && j->xml && strstr(j->xml, "<EventRecordID>250</EventRecordID>") &&
              strstr(j->xml, "<Data>Print Spooler</Data><Data>stopped</Data>"),
              "error %lu, not found %d, message %s, %zu items, xml %.200s", j->error, j->not_found,
              j->message ? j->message : "(none)", j->ndata, j->xml ? j->xml : "(none)");
        fetch_free(j);
        j = fetch_new(2, L"127.0.0.24", ES_NAME_IPV4, L"System", NREC - 5);   /* larger than a read */
        j->classic = TRUE;
        fetch_classic(j);
        CHECK("fetch-big-record", j->error == 0 && j->message && strlen(j->message) == 40000, "error %lu", j->error);
        fetch_free(j);
        j = fetch_new(3, L"127.0.0.21", ES_NAME_IPV4, L"System", NREC + 7);
        j->classic = TRUE;
        fetch_classic(j);
        CHECK("fetch-gone", j->error == 0 && j->not_found, "error %lu, not found %d", j->error, j->not_found);
        fetch_free(j);
        j = fetch_new(4, L"127.0.0.23", ES_NAME_IPV4, L"System", 5);
        j->classic = TRUE;
        fetch_classic(j);
        CHECK("fetch-denied", j->error == ERROR_ACCESS_DENIED, "error %lu", j->error);
        fetch_free(j);
    }
    return g_fail;
}
