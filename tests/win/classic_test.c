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

enum { S_OK_, S_NONE, S_DENY, S_BIG, S_BAD, S_HANG, S_BOTH, S_ACC1, S_ACC2, S_ACC3, S_ACC4, S_ACC5, NSIM };
/* IP addresses, so that the 1722 probe finds an address (a name no DNS knows is not worth the
 * classic API's try either: no fallback then); nothing listens on their TCP 135. S_ACC1..5 open
 * only for the account below (impersonated: own logon 5, a wrong password 1326); S_ACC5 sends
 * garbage after ten records, as S_BAD does. */
static const char *const k_names[NSIM] = {"127.0.0.21", "127.0.0.22", "127.0.0.23", "127.0.0.24", "127.0.0.25",
                                          "127.0.0.26", "127.0.0.27", "127.0.0.31", "127.0.0.32", "127.0.0.33",
                                          "127.0.0.34", "127.0.0.35"};
#define ACC_DOMAIN L"CORP"
#define ACC_USER   L"sweeper"
#define ACC_PASS   L"right-pass"
#define IS_ACC(s)  ((s) >= S_ACC1 && (s) <= S_ACC5)
#define IS_BAD(s)  ((s) == S_BAD || (s) == S_ACC5)
#define NREC 300            /* records of each readable server: one every 2 minutes, newest now */
#define BAD_AFTER 10        /* cls-bad: good records before the garbage */

static volatile LONG g_opens[NSIM], g_closes[NSIM];
/* the simulated account calls */
static DWORD g_tls;         /* the thread's impersonated token (sim_token *) */
static volatile LONG g_logons, g_wrong_logon, g_imps, g_reverts, g_tokens_closed, g_nested, g_bad_opens, g_unimpersonated;
/* the simulated message files */
static volatile LONG g_reg_lookups, g_loads, g_unloads, g_formats, g_bad_load, g_bad_format;

typedef struct sim_token {
    WCHAR user[64], domain[64], pass[64];
} sim_token;
static uint32_t g_now_s;    /* seconds since 1970 when the program started */
static char g_big[40001];   /* cls-big's one insertion string of 40,000 characters */

typedef struct sim_handle {
    int      server;
    uint32_t next;          /* the next record to return (newest first): NREC .. 1 */
} sim_handle;

static const char *const k_strs[] = {"Print Spooler", "stopped"};
static const char *const k_hostile[] = {"%n%n%s", "%1%2%%1"};   /* inserted literally, never formatted */

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
    r.strings = server == S_BIG && k == NREC - 5 ? big : k % 40 == 39 ? k_hostile : k_strs;
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
    if (IS_ACC(s)) {   /* the credentials the thread impersonates, checked as the server would */
        sim_token *t = TlsGetValue(g_tls);
        if (!t) {
            SetLastError(ERROR_ACCESS_DENIED);
            return NULL;
        }
        if (wcscmp(t->user, ACC_USER) || wcscmp(t->domain, ACC_DOMAIN) || wcscmp(t->pass, ACC_PASS)) {
            InterlockedIncrement(&g_bad_opens);
            SetLastError(ERROR_LOGON_FAILURE);
            return NULL;
        }
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
    if (IS_ACC(h->server) && !TlsGetValue(g_tls))
        InterlockedIncrement(&g_unimpersonated);   /* a call to the server as someone else */
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
    if (IS_BAD(h->server) && h->next <= NREC - BAD_AFTER) {
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
        if (IS_BAD(h->server) && h->next <= NREC - BAD_AFTER)
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
    if (IS_ACC(h->server) && !TlsGetValue(g_tls))
        InterlockedIncrement(&g_unimpersonated);
    InterlockedIncrement(&g_closes[h->server]);
    free(h);
    return TRUE;
}

/* Another account: LogonUser(NEW_CREDENTIALS) succeeds whatever the password (as Windows' does)
 * and hands out a token recording the credentials; impersonating puts it on the thread. */
static BOOL WINAPI sim_logon(LPCWSTR user, LPCWSTR domain, LPCWSTR password, DWORD type, DWORD provider, PHANDLE token)
{
    InterlockedIncrement(&g_logons);
    if (type != LOGON32_LOGON_NEW_CREDENTIALS || provider != LOGON32_PROVIDER_WINNT50)
        InterlockedIncrement(&g_wrong_logon);
    sim_token *t = calloc(1, sizeof *t);
    wcsncpy(t->user, user ? user : L"", 63);
    wcsncpy(t->domain, domain ? domain : L"", 63);
    wcsncpy(t->pass, password ? password : L"", 63);
    *token = t;
    return TRUE;
}

static BOOL WINAPI sim_impersonate(HANDLE token)
{
    if (TlsGetValue(g_tls))
        InterlockedIncrement(&g_nested);
    TlsSetValue(g_tls, token);
    InterlockedIncrement(&g_imps);
    return TRUE;
}

static BOOL WINAPI sim_revert(void)
{
    if (!TlsGetValue(g_tls))
        InterlockedIncrement(&g_nested);   /* a revert without an impersonation */
    TlsSetValue(g_tls, NULL);
    InterlockedIncrement(&g_reverts);
    return TRUE;
}

static BOOL WINAPI sim_close_token(HANDLE token)
{
    if (TlsGetValue(g_tls) == token)
        InterlockedIncrement(&g_nested);   /* closed while still impersonated */
    SecureZeroMemory(token, sizeof(sim_token));
    free(token);
    InterlockedIncrement(&g_tokens_closed);
    return TRUE;
}

/* The message files: "Service Control Manager" of System registers two, the first missing;
 * the second (the simulated module) has three messages. Every other source has none. */
static const char k_fake_module[16];
#define SCM_KEY L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\System\\Service Control Manager"
static const struct {
    DWORD        id;
    const WCHAR *text;
} k_messages[] = {
    {0x40000000u | 7035, L"The %1 service entered the %2 state.%r%n"},
    {0x40000000u | 7037, L"%1 needs %2, %3 and %4.%n"},   /* more than the record's two strings */
    {0x40000000u | 7039, L"Got %1 and %2.%n"},
};

static LSTATUS WINAPI sim_reg(HKEY key, LPCWSTR sub, LPCWSTR value, DWORD flags, LPDWORD type, PVOID data, LPDWORD bytes)
{
    static const WCHAR list[] = L"%SystemRoot%\\system32\\missing.dll; %SystemRoot%\\System32\\scm-fake.dll";
    (void)flags;
    InterlockedIncrement(&g_reg_lookups);
    if (key != HKEY_LOCAL_MACHINE || _wcsicmp(sub, SCM_KEY) || _wcsicmp(value, L"EventMessageFile"))
        return ERROR_FILE_NOT_FOUND;
    if (*bytes < sizeof list) {
        *bytes = sizeof list;
        return ERROR_MORE_DATA;
    }
    memcpy(data, list, sizeof list);
    *bytes = sizeof list;
    *type = REG_EXPAND_SZ;
    return ERROR_SUCCESS;
}

static HMODULE WINAPI sim_load(LPCWSTR path, HANDLE file, DWORD flags)
{
    (void)file;
    size_t n = wcslen(path);
    if (flags != (LOAD_LIBRARY_AS_DATAFILE | LOAD_LIBRARY_AS_IMAGE_RESOURCE) || wcschr(path, L'%'))
        InterlockedIncrement(&g_bad_load);   /* loaded as code, or the path not expanded */
    if (n >= 13 && !_wcsicmp(path + n - 13, L"\\scm-fake.dll")) {
        InterlockedIncrement(&g_loads);
        return (HMODULE)k_fake_module;
    }
    SetLastError(ERROR_MOD_NOT_FOUND);
    return NULL;
}

/* The module's format with the caller's argument array, through Windows' own FormatMessage. */
static DWORD WINAPI sim_format(DWORD flags, LPCVOID src, DWORD id, DWORD lang, LPWSTR buf, DWORD size, va_list *args)
{
    if (flags != (FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY | FORMAT_MESSAGE_ALLOCATE_BUFFER) ||
        src != k_fake_module) {
        InterlockedIncrement(&g_bad_format);
        SetLastError(ERROR_INVALID_PARAMETER);
        return 0;
    }
    InterlockedIncrement(&g_formats);
    for (size_t i = 0; i < sizeof k_messages / sizeof *k_messages; i++)
        if (k_messages[i].id == id)
            return FormatMessageW(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ARGUMENT_ARRAY | FORMAT_MESSAGE_ALLOCATE_BUFFER,
                                  k_messages[i].text, 0, lang, buf, size, args);
    SetLastError(ERROR_MR_MID_NOT_FOUND);
    return 0;
}

static BOOL WINAPI sim_unload(HMODULE m)
{
    if (m == (HMODULE)k_fake_module)
        InterlockedIncrement(&g_unloads);
    return TRUE;
}

static const classic_api k_sim = {sim_open,   sim_read,        sim_close, sim_logon, sim_impersonate, sim_revert,
                                  sim_close_token, sim_reg, sim_load, sim_format, sim_unload};

/* The message a row of record k shows. */
static const char *message_of(int server, uint32_t k)
{
    if (server == S_BIG && k == NREC - 5)
        return g_big;
    if (k % 2 == 1 && k % 40 == 35)   /* "Service Control Manager" */
        return "The Print Spooler service entered the stopped state.";
    if (k % 2 == 1 && k % 40 == 37)
        return "Print Spooler needs stopped,  and .";
    if (k % 2 == 1 && k % 40 == 39)
        return "Got %n%n%s and %1%2%%1.";
    return "Print Spooler; stopped";
}

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
static account *g_account;   /* the account every target of run() is read as (NULL: own logon) */

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
        t[i].account = g_account;
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
        int msg_ok = !strcmp(row->message, message_of(s, k));
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

/* The details pane's fetch of a classic row of System, as account a (NULL: own logon). */
static fetch_job *fetch_row(uint32_t seq, const WCHAR *server, uint64_t record, account *a)
{
    fetch_job *j = fetch_new(seq, server, ES_NAME_IPV4, L"System", record);
    j->classic = TRUE;
    j->account = account_ref(a);
    fetch_classic(j);
    return j;
}

/* Another account through the classic API: logged on with NEW_CREDENTIALS and impersonated
 * for the calls, reverted and the token closed every time; a wrong password tried once. */
static void accounts(void)
{
    static result r;
    account *good = account_new(ACC_DOMAIN L"\\" ACC_USER, ACC_PASS, EvtRpcLoginAuthNegotiate);
    account *wrong = account_new(ACC_DOMAIN L"\\" ACC_USER, L"wrong-pass", EvtRpcLoginAuthNegotiate);
    account *kerb = account_new(ACC_DOMAIN L"\\" ACC_USER, ACC_PASS, EvtRpcLoginAuthKerberos);
    if (!good || !wrong || !kerb) {
        printf("FAIL acc-new: account_new failed (CryptProtectMemory?)\n");
        g_fail = 1;
        return;
    }
    /* own logon: these servers refuse it */
    int first[] = {S_ACC1};
    run(&r, first, 1, SWEEP_ENGINE_AUTO, L"System", 5);
    CHECK("acc-own-logon-5", r.classic[S_ACC1] && r.error[S_ACC1] == ERROR_ACCESS_DENIED && g_logons == 0,
          "classic %d, error %lu, %ld logons", r.classic[S_ACC1], r.error[S_ACC1], g_logons);
    es_rowstore_unref(r.rows);

    /* the right password: the fallback reads as the account (S_ACC5: garbage, an error path) */
    int four[] = {S_ACC1, S_ACC2, S_ACC3, S_ACC5};
    g_account = good;
    run(&r, four, 4, SWEEP_ENGINE_AUTO, L"System", 5);
    uint32_t lo = first_in_window();
    CHECK("acc-read", r.classic[S_ACC1] && r.error[S_ACC1] == 0 && r.error[S_ACC2] == 0 && r.error[S_ACC3] == 0,
          "classic %d, errors %lu %lu %lu", r.classic[S_ACC1], r.error[S_ACC1], r.error[S_ACC2], r.error[S_ACC3]);
    check_rows("acc-rows", &r, S_ACC2, lo, NREC);
    CHECK("acc-bad-13", r.error[S_ACC5] == ERROR_INVALID_DATA, "error %lu", r.error[S_ACC5]);
    check_rows("acc-bad-rows-kept", &r, S_ACC5, NREC - BAD_AFTER + 1, NREC);
    es_rowstore_unref(r.rows);
    printf("     account: %ld logons, %ld impersonations, %ld reverts, %ld tokens closed\n", g_logons, g_imps, g_reverts,
           g_tokens_closed);
    CHECK("acc-new-credentials", g_logons == 4 && g_wrong_logon == 0, "%ld logons, %ld not NEW_CREDENTIALS/WINNT50",
          g_logons, g_wrong_logon);
    CHECK("acc-reverted", g_imps == g_logons && g_reverts == g_imps && g_tokens_closed == g_logons && g_nested == 0 &&
          g_unimpersonated == 0, "%ld impersonations, %ld reverts, %ld tokens closed, %ld out of order, %ld calls not impersonated",
          g_imps, g_reverts, g_tokens_closed, g_nested, g_unimpersonated);

    /* a wrong password on five servers: one OpenEventLog tries it, every source ends with 1326 */
    int five[] = {S_ACC1, S_ACC2, S_ACC3, S_ACC4, S_ACC5};
    g_account = wrong;
    run(&r, five, 5, SWEEP_ENGINE_AUTO, L"System", 5);
    int all1326 = 1;
    for (size_t i = 0; i < 5; i++)
        all1326 = all1326 && r.error[five[i]] == ERROR_LOGON_FAILURE;
    CHECK("acc-wrong-once", all1326 && g_bad_opens == 1, "errors %lu %lu %lu %lu %lu, %ld opens with the wrong password",
          r.error[S_ACC1], r.error[S_ACC2], r.error[S_ACC3], r.error[S_ACC4], r.error[S_ACC5], g_bad_opens);
    CHECK("acc-wrong-reverted", g_reverts == g_imps && g_tokens_closed == g_logons && g_nested == 0,
          "%ld impersonations, %ld reverts, %ld logons, %ld tokens closed", g_imps, g_reverts, g_logons, g_tokens_closed);
    es_rowstore_unref(r.rows);

    /* Kerberos only: the classic API cannot honour it: no fallback, and the engine refuses */
    LONG logons = g_logons;
    g_account = kerb;
    run(&r, first, 1, SWEEP_ENGINE_AUTO, L"System", 5);
    CHECK("acc-kerberos-no-fallback", !r.classic[S_ACC1] && r.error[S_ACC1] == RPC_S_SERVER_UNAVAILABLE && g_logons == logons,
          "classic %d, error %lu, %ld logons", r.classic[S_ACC1], r.error[S_ACC1], g_logons - logons);
    es_rowstore_unref(r.rows);
    run(&r, first, 1, SWEEP_ENGINE_CLASSIC, L"System", 5);
    CHECK("acc-kerberos-refused", r.error[S_ACC1] == ERROR_NOT_SUPPORTED && g_logons == logons, "error %lu, %ld logons",
          r.error[S_ACC1], g_logons - logons);
    es_rowstore_unref(r.rows);
    g_account = NULL;

    /* the details pane reads a row again as its account */
    fetch_job *j = fetch_row(6, L"127.0.0.32", 275, good);
    CHECK("acc-fetch", j->error == 0 && j->message && !strcmp(j->message, message_of(S_ACC2, 275)) && g_reverts == g_imps &&
          g_tokens_closed == g_logons, "error %lu, message %s, %ld impersonations, %ld reverts", j->error,
          j->message ? j->message : "(none)", g_imps, g_reverts);
    fetch_free(j);
    j = fetch_row(7, L"127.0.0.32", 275, NULL);
    CHECK("acc-fetch-own-logon-5", j->error == ERROR_ACCESS_DENIED, "error %lu", j->error);
    fetch_free(j);
    j = fetch_row(8, L"127.0.0.32", 275, wrong);
    CHECK("acc-fetch-wrong-1326", j->error == ERROR_LOGON_FAILURE && g_reverts == g_imps && g_tokens_closed == g_logons,
          "error %lu, %ld impersonations, %ld reverts", j->error, g_imps, g_reverts);
    fetch_free(j);
    account_unref(good);
    account_unref(wrong);
    account_unref(kerb);
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
    g_tls = TlsAlloc();
    classic_set_api(&k_sim);
    static result r;

    /* auto: every server but cls-both is down for the Windows Event Log API (the fleet file) */
    int all[] = {S_OK_, S_NONE, S_DENY, S_BIG, S_BAD, S_HANG, S_BOTH};
    ULONGLONG t0 = GetTickCount64();
    run(&r, all, sizeof all / sizeof *all, SWEEP_ENGINE_AUTO, L"System", 2);
    double secs = (double)(GetTickCount64() - t0) / 1000.0;
    uint32_t lo = first_in_window();
    printf("     auto: %zu rows in %.1f s; the window holds records %u..%u\n", es_rowstore_count(r.rows), secs, lo, NREC);
    CHECK("auto-ok-classic", r.classic[S_OK_] && r.error[S_OK_] == 0, "classic %d, error %lu", r.classic[S_OK_], r.error[S_OK_]);
    check_rows("auto-ok-rows", &r, S_OK_, lo, NREC);
    CHECK("auto-big-grows", r.error[S_BIG] == 0, "error %lu", r.error[S_BIG]);
    check_rows("auto-big-rows", &r, S_BIG, lo, NREC);
    CHECK("auto-none-1722", r.classic[S_NONE] && r.error[S_NONE] == RPC_S_SERVER_UNAVAILABLE, "classic %d, error %lu",
          r.classic[S_NONE], r.error[S_NONE]);
    /* the classic API reached the server and was refused: that answer is the source's error */
    CHECK("auto-deny-5", r.classic[S_DENY] && r.error[S_DENY] == ERROR_ACCESS_DENIED && r.fallback_error[S_DENY] == 0,
          "error %lu, classic API's beside it %lu", r.error[S_DENY], r.fallback_error[S_DENY]);
    /* ... it could not reach it either, with the same error: the source keeps 1722 (its
     * diagnosis) and nothing is repeated beside it */
    CHECK("auto-none-1722-not-repeated", r.error[S_NONE] == RPC_S_SERVER_UNAVAILABLE && r.fallback_error[S_NONE] == 0,
          "error %lu, the classic API's beside it %lu", r.error[S_NONE], r.fallback_error[S_NONE]);
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
    /* the message file: looked up and loaded once per source and read, never per record; freed */
    LONG reads = 0;
    for (int i = 0; i < NSIM; i++)
        reads += g_opens[i];
    printf("     message files: %ld lookups, %ld loads, %ld formats for %ld reads\n", g_reg_lookups, g_loads, g_formats, reads);
    CHECK("msg-cached-per-read", g_loads > 0 && g_loads <= reads && g_reg_lookups <= 2 * reads && g_formats > 100,
          "%ld loads, %ld lookups, %ld formats for %ld reads", g_loads, g_reg_lookups, g_formats, reads);
    CHECK("msg-as-data-file", g_bad_load == 0 && g_bad_format == 0, "%ld loads with other flags or an unexpanded path, "
          "%ld formats with other flags", g_bad_load, g_bad_format);
    es_rowstore_unref(r.rows);
    /* the thread left behind in S_HANG still holds its module; every other read freed its own */
    CHECK("msg-modules-freed", g_unloads == g_loads - (g_opens[S_HANG] > 0), "%ld loaded, %ld freed", g_loads, g_unloads);

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
        sweep_target t = {L"127.0.0.21", ES_NAME_IPV4, S_OK_, 0, NULL, 0};
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
        fetch_job *j = fetch_row(1, L"127.0.0.21", 250, NULL);
        CHECK("fetch-record", j->error == 0 && !j->not_found && j->message && !strcmp(j->message, "Print Spooler; stopped") &&
              j->ndata == 2 && j->xml && strstr(j->xml, "<EventRecordID>250</EventRecordID>") &&
              strstr(j->xml, "<Data>Print Spooler</Data><Data>stopped</Data>"),
              "error %lu, not found %d, message %s, %zu items, xml %.200s", j->error, j->not_found,
              j->message ? j->message : "(none)", j->ndata, j->xml ? j->xml : "(none)");
        fetch_free(j);
        j = fetch_row(2, L"127.0.0.24", NREC - 5, NULL);   /* larger than a read */
        CHECK("fetch-big-record", j->error == 0 && j->message && strlen(j->message) == 40000, "error %lu", j->error);
        fetch_free(j);
        j = fetch_row(3, L"127.0.0.21", NREC + 7, NULL);
        CHECK("fetch-gone", j->error == 0 && j->not_found, "error %lu, not found %d", j->error, j->not_found);
        fetch_free(j);
        j = fetch_row(4, L"127.0.0.23", 5, NULL);
        CHECK("fetch-denied", j->error == ERROR_ACCESS_DENIED, "error %lu", j->error);
        fetch_free(j);
        j = fetch_row(5, L"127.0.0.21", 275, NULL);   /* a message the file has */
        CHECK("fetch-formatted", j->error == 0 && j->message && !strcmp(j->message, message_of(S_OK_, 275)) &&
              j->ndata == 2 && j->xml && strstr(j->xml, "<Data>Print Spooler</Data><Data>stopped</Data>"),
              "error %lu, message %s", j->error, j->message ? j->message : "(none)");
        fetch_free(j);
    }
    accounts();
    return g_fail;
}
