/* The SIMULATED FLEET: a test-only wevtapi.dll that serves deterministic events (fleetgen.c)
 * for the servers listed in the file named by %ESFAKE_FLEET%, following the documented
 * Windows Event Log API contract. Never shipped. See tests/fake/README.
 *
 * Handles are validated through a table (a bad or closed handle fails ERROR_INVALID_HANDLE);
 * objects are reference counted so a call in progress survives a concurrent EvtClose; every
 * simulated wait (latency, hang) wakes up on EvtCancel of the session or the result set. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake.h"

#define EVT_EXPORT   /* exported through wevtapi.def */

/* ------------------------------------------------------------------ errors */

static DWORD g_tls = TLS_OUT_OF_INDEXES;   /* the thread's extended status: a static WCHAR* */

void fail(DWORD code, const WCHAR *ext)
{
    if (g_tls != TLS_OUT_OF_INDEXES)
        TlsSetValue(g_tls, (void *)ext);
    SetLastError(code);   /* last: TlsSetValue may touch the last error */
}

/* A failure whose sentence is made at run time (the query refusals say what was refused):
 * kept in a per-thread buffer, which lives until the thread's next such failure, as long as
 * EvtGetExtendedStatus needs it. */
static _Thread_local WCHAR t_msg[600];
void fail_utf8(DWORD code, const char *msg)
{
    if (!MultiByteToWideChar(CP_UTF8, 0, msg, -1, t_msg, (int)(sizeof t_msg / sizeof *t_msg)))
        wcscpy(t_msg, L"The specified query is invalid.");
    fail(code, t_msg);
}

/* ------------------------------------------------------------------ the fleet */

static INIT_ONCE g_fleet_once = INIT_ONCE_STATIC_INIT;
fleet_server *g_fleet;
int g_nfleet;
DWORD g_fleet_error;        /* non-zero: the fleet file could not be used */

/* A Windows path from the environment; "/unix/path" is taken as Z:\unix\path. */
static int env_path(const WCHAR *var, WCHAR *out, DWORD cap)
{
    WCHAR tmp[MAX_PATH];
    DWORD n = GetEnvironmentVariableW(var, tmp, MAX_PATH);
    if (n == 0 || n >= MAX_PATH || cap < n + 3)
        return 0;
    if (tmp[0] == L'/') {
        out[0] = L'Z';
        out[1] = L':';
        for (DWORD i = 0; i <= n; i++)
            out[i + 2] = tmp[i] == L'/' ? L'\\' : tmp[i];
    } else {
        memcpy(out, tmp, (n + 1) * sizeof(WCHAR));
    }
    return 1;
}

static BOOL CALLBACK load_fleet(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    WCHAR path[MAX_PATH + 4];
    if (!env_path(L"ESFAKE_FLEET", path, MAX_PATH + 4)) {
        g_fleet_error = ERROR_BAD_CONFIGURATION;
        OutputDebugStringA("fake wevtapi: ESFAKE_FLEET is not set; no server is reachable\n");
        return TRUE;
    }
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (f == INVALID_HANDLE_VALUE) {
        g_fleet_error = ERROR_BAD_CONFIGURATION;
        return TRUE;
    }
    DWORD size = GetFileSize(f, NULL), got = 0;
    char *text = size != INVALID_FILE_SIZE ? malloc((size_t)size + 1) : NULL;
    if (!text || !ReadFile(f, text, size, &got, NULL) || got != size) {
        CloseHandle(f);
        free(text);
        g_fleet_error = ERROR_BAD_CONFIGURATION;
        return TRUE;
    }
    CloseHandle(f);
    text[size] = 0;
    char err[300];
    int n = fleet_parse_text(text, size, &g_fleet, err, sizeof err);
    free(text);
    if (n < 0) {
        g_fleet_error = ERROR_BAD_CONFIGURATION;
        OutputDebugStringA("fake wevtapi: bad fleet file: ");
        OutputDebugStringA(err);
        OutputDebugStringA("\n");
        g_nfleet = 0;
    } else {
        g_nfleet = n;
    }
    return TRUE;
}

void fleet_init(void) { InitOnceExecuteOnce(&g_fleet_once, load_fleet, NULL, NULL); }

/* flaky=N: the server's first N EvtQuery calls meet its failures; later ones (a retry) meet the
 * same server healed. The healed copies are made once, at the first flaky query. */
static fleet_server *g_healed;
static volatile LONG *g_nqueries;
static INIT_ONCE g_healed_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK make_healed(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once, (void)param, (void)ctx;
    g_healed = calloc(g_nfleet ? (size_t)g_nfleet : 1, sizeof *g_healed);
    g_nqueries = calloc(g_nfleet ? (size_t)g_nfleet : 1, sizeof *g_nqueries);
    for (int i = 0; g_healed && i < g_nfleet; i++) {
        g_healed[i] = g_fleet[i];
        g_healed[i].deny = g_healed[i].down = g_healed[i].hang = g_healed[i].hangquery = g_healed[i].stuck = 0;
        g_healed[i].break_after = 0;
    }
    return TRUE;
}

/* The server a query meets: itself, or (flaky, past its failing queries) its healed copy.
 * count: this is an EvtQuery (it counts); else a later call on the session asks. */
const fleet_server *srv_now(const fleet_server *srv, int count)
{
    if (!srv || !srv->flaky)
        return srv;
    InitOnceExecuteOnce(&g_healed_once, make_healed, NULL, NULL);
    size_t i = (size_t)(srv - g_fleet);
    if (!g_healed || !g_nqueries || i >= (size_t)g_nfleet)
        return srv;
    LONG n = count ? InterlockedIncrement(&g_nqueries[i]) : g_nqueries[i];
    return (uint32_t)n > srv->flaky ? &g_healed[i] : srv;
}

/* ------------------------------------------------------------------ objects and handles */

static const char *const g_type_names[T_NTYPES] = {"", "sessions", "result_sets", "events", "render_contexts", "publisher_metadata",
                                                   "event_metadata_enums", "event_metadata", "logs", "subscriptions",
                                                   "bookmarks"};


typedef struct slot { obj *o; uint32_t gen; } slot;

static SRWLOCK g_lock = SRWLOCK_INIT;
static slot *g_slots;
static uint32_t g_nslots, g_capslots;
static uint32_t *g_free;
static uint32_t g_nfree;
static volatile LONG g_open[T_NTYPES];
static volatile LONG g_inflight, g_max_inflight, g_queries;

obj *obj_new(int type)
{
    obj *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->type = type;
    o->refs = 1;   /* the handle table's reference */
    if (type == T_SESSION || type == T_QUERY || type == T_SUB) {
        o->cancel = CreateEventW(NULL, TRUE, FALSE, NULL);
        if (!o->cancel) {
            free(o);
            return NULL;
        }
    }
    if (type == T_QUERY || type == T_SUB)
        InitializeCriticalSection(&o->cs);
    InterlockedIncrement(&g_open[type]);
    return o;
}

void obj_release(obj *o)
{
    if (!o || InterlockedDecrement(&o->refs) != 0)
        return;
    if (o->cancel)
        CloseHandle(o->cancel);
    if (o->type == T_QUERY || o->type == T_SUB)
        DeleteCriticalSection(&o->cs);
    if (o->sub || o->bm)
        sub_free(o);
    xp_free(o->xq);
    if (o->session)
        obj_release(o->session);
    if (o->parent)
        obj_release(o->parent);
    InterlockedDecrement(&g_open[o->type]);
    free(o);
}

static EVT_HANDLE make_handle(uint32_t idx, uint32_t gen)
{
    return (EVT_HANDLE)(uintptr_t)(((uint64_t)gen << 32) | ((uint64_t)(idx + 1) << 4) | 0xCu);
}

int table_add(obj **objs, EVT_HANDLE *out, size_t n)
{
    AcquireSRWLockExclusive(&g_lock);
    if (g_nfree < n && g_nslots + (n - g_nfree) > g_capslots) {
        uint32_t want = g_capslots ? g_capslots : 1024;
        while (want < g_nslots + n)
            want *= 2;
        slot *ns = realloc(g_slots, want * sizeof *ns);
        uint32_t *nf = ns ? realloc(g_free, want * sizeof *nf) : NULL;
        if (ns)
            g_slots = ns;
        if (!ns || !nf || want > 0x0FFFFFFFu) {
            ReleaseSRWLockExclusive(&g_lock);
            return 0;
        }
        g_free = nf;
        g_capslots = want;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t idx = g_nfree ? g_free[--g_nfree] : g_nslots++;
        if (idx >= g_nslots)
            g_nslots = idx + 1;
        slot *s = &g_slots[idx];
        if (s->gen == 0 || s->gen == 0xFFFFFFFFu)
            s->gen = 1;
        else
            s->gen++;
        s->o = objs[i];
        out[i] = make_handle(idx, s->gen);
    }
    ReleaseSRWLockExclusive(&g_lock);
    return 1;
}

static int decode(EVT_HANDLE h, uint32_t *idx, uint32_t *gen)
{
    uint64_t v = (uint64_t)(uintptr_t)h;
    if ((v & 0xF) != 0xC)
        return 0;
    uint64_t i = (v >> 4) & 0x0FFFFFFFu;
    if (i == 0)
        return 0;
    *idx = (uint32_t)(i - 1);
    *gen = (uint32_t)(v >> 32);
    return 1;
}

obj *get(EVT_HANDLE h, int type)
{
    uint32_t idx, gen;
    obj *o = NULL;
    if (h && decode(h, &idx, &gen)) {
        AcquireSRWLockShared(&g_lock);
        if (idx < g_nslots && g_slots[idx].o && g_slots[idx].gen == gen &&
            (type == 0 || g_slots[idx].o->type == type)) {
            o = g_slots[idx].o;
            InterlockedIncrement(&o->refs);
        }
        ReleaseSRWLockShared(&g_lock);
    }
    if (!o)
        fail(ERROR_INVALID_HANDLE, L"The handle is invalid.");
    return o;
}

EVT_HANDLE publish(obj *o)
{
    EVT_HANDLE h;
    if (!table_add(&o, &h, 1)) {
        obj_release(o);
        fail(ERROR_OUTOFMEMORY, L"Out of memory.");
        return NULL;
    }
    return h;
}

/* ------------------------------------------------------------------ helpers */

/* Waits ms (INFINITE allowed) unless a or b is cancelled: 0 when the time passed,
 * ERROR_CANCELLED when cancelled. */
DWORD sim_wait(const obj *a, const obj *b, DWORD ms)
{
    HANDLE hs[2];
    DWORD n = 0;
    if (a && a->cancel)
        hs[n++] = a->cancel;
    if (b && b->cancel)
        hs[n++] = b->cancel;
    if (n == 0) {
        Sleep(ms == INFINITE ? 3600000 : ms);
        return 0;
    }
    DWORD r = WaitForMultipleObjects(n, hs, FALSE, ms);
    return r == WAIT_TIMEOUT ? 0 : ERROR_CANCELLED;
}

int to_utf8(const WCHAR *w, char *out, int cap)
{
    if (!w)
        return 0;
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, out, cap, NULL, NULL);
    if (n <= 0)
        return 0;
    return 1;
}

uint64_t now_ticks(void)
{
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    return ((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
}

uint64_t g_load_ticks;

/* A call that ignores EvtCancel (stuck, stuckformat): only the end of the process ends it. */
static void never_return(void)
{
    for (;;)
        Sleep(INFINITE);
}

uint64_t mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* A growable UTF-8 string. */
typedef struct sbuf { char *p; size_t n, cap; int failed; } sbuf;

static void sb_putn(sbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 512;
        while (c < b->n + n + 1)
            c *= 2;
        char *np = realloc(b->p, c);
        if (!np) {
            b->failed = 1;
            return;
        }
        b->p = np;
        b->cap = c;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}
static void sb_puts(sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        sb_putn(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}
static void sb_xml(sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': sb_puts(b, "&amp;"); break;
        case '<': sb_puts(b, "&lt;"); break;
        case '>': sb_puts(b, "&gt;"); break;
        case '\'': sb_puts(b, "&apos;"); break;
        case '"': sb_puts(b, "&quot;"); break;
        case '\r': sb_puts(b, "&#13;"); break;
        default: sb_putn(b, s, 1);
        }
    }
}

/* Copies UTF-8 text as UTF-16 into a caller buffer sized in WCHARs (the EvtFormatMessage /
 * EvtGetExtendedStatus protocol): *used = WCHARs with the NUL. */
static BOOL out_wide(const char *s, size_t len_bytes, DWORD cap, WCHAR *buf, DWORD *used)
{
    int need = len_bytes ? MultiByteToWideChar(CP_UTF8, 0, s, (int)len_bytes, NULL, 0) : 0;
    if (len_bytes && need <= 0) {
        fail(ERROR_INVALID_DATA, L"Bad text.");
        return FALSE;
    }
    *used = (DWORD)need + 1;
    if (!buf || cap < (DWORD)need + 1) {
        fail(ERROR_INSUFFICIENT_BUFFER, L"The data area passed to a system call is too small.");
        return FALSE;
    }
    if (need)
        MultiByteToWideChar(CP_UTF8, 0, s, (int)len_bytes, buf, need);
    buf[need] = 0;
    return TRUE;
}

static void iso_time(uint64_t ticks, char out[40])
{
    FILETIME ft;
    SYSTEMTIME st;
    ft.dwLowDateTime = (DWORD)ticks;
    ft.dwHighDateTime = (DWORD)(ticks >> 32);
    FileTimeToSystemTime(&ft, &st);
    snprintf(out, 40, "%04u-%02u-%02uT%02u:%02u:%02u.%07uZ", st.wYear, st.wMonth, st.wDay, st.wHour, st.wMinute,
             st.wSecond, (unsigned)(ticks % 10000000u));
}

/* ------------------------------------------------------------------ sessions */

EVT_EXPORT EVT_HANDLE WINAPI EvtOpenSession(EVT_LOGIN_CLASS LoginClass, PVOID Login, DWORD Timeout, DWORD Flags)
{
    fleet_init();
    EVT_RPC_LOGIN *l = Login;
    if (LoginClass != EvtRpcLogin || !l || !l->Server || !l->Server[0] || Flags != 0) {
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        return NULL;
    }
    obj *s = obj_new(T_SESSION);
    if (!s) {
        fail(ERROR_OUTOFMEMORY, L"Out of memory.");
        return NULL;
    }
    if (!to_utf8(l->Server, s->name, sizeof s->name)) {
        obj_release(s);
        fail(ERROR_INVALID_PARAMETER, L"The server name is too long.");
        return NULL;
    }
    s->srv = fleet_find(g_fleet, g_nfleet, s->name);   /* nothing is contacted yet */
    if (l->User && l->User[0]) {
        char u[256] = "", d[256] = "";
        if (!to_utf8(l->User, u, sizeof u) || (l->Domain && l->Domain[0] && !to_utf8(l->Domain, d, sizeof d)) ||
            (l->Password && !to_utf8(l->Password, s->login_pass, sizeof s->login_pass))) {
            obj_release(s);
            fail(ERROR_INVALID_PARAMETER, L"The user name or password is too long.");
            return NULL;
        }
        snprintf(s->login, sizeof s->login, "%s%s%s", d, d[0] ? "\\" : "", u);
    }
    return publish(s);
}

/* ------------------------------------------------------------------ accounts */

/* account=NAME:PASSWORD servers: 0 when the session's logon may read; 5 for the caller's own
 * logon; 1326 for another name or a wrong password (counted against the name: lockout=N locks
 * it, 1909, for every server of this process). */
static SRWLOCK g_acct_lock = SRWLOCK_INIT;
static struct { char name[128]; uint32_t failures; } g_acct_fail[64];

static DWORD account_check(const fleet_server *srv, const obj *sess)
{
    if (!srv || !srv->account[0])
        return 0;
    if (!sess || !sess->login[0])
        return ERROR_ACCESS_DENIED;
    int same_name = _stricmp(sess->login, srv->account) == 0;
    AcquireSRWLockExclusive(&g_acct_lock);
    int ai = -1;
    for (int i = 0; i < 64 && ai < 0; i++)
        if (!g_acct_fail[i].name[0] || !_stricmp(g_acct_fail[i].name, sess->login))
            ai = i;
    if (ai >= 0 && !g_acct_fail[ai].name[0])
        snprintf(g_acct_fail[ai].name, sizeof g_acct_fail[ai].name, "%s", sess->login);
    DWORD r = 0;
    if (same_name && srv->lockout && ai >= 0 && g_acct_fail[ai].failures >= srv->lockout)
        r = ERROR_ACCOUNT_LOCKED_OUT;
    else if (!same_name || strcmp(sess->login_pass, srv->password) != 0) {
        r = ERROR_LOGON_FAILURE;
        if (ai >= 0)
            g_acct_fail[ai].failures++;
    }
    ReleaseSRWLockExclusive(&g_acct_lock);
    return r;
}

/* How a server being contacted answers (EvtQuery, EvtOpenLog, EvtOpenChannelEnum), after the
 * wait for the connect (waited: cancelled meanwhile): 0, or the error, its message set — 1223
 * cancelled, 1722 unknown or down, 5 deny, and an account= server's logon check. */
DWORD contact_result(const fleet_server *srv, const obj *sess, DWORD waited)
{
    DWORD ae;
    if (waited)
        fail(ERROR_CANCELLED, L"The operation was canceled by the user.");
    else if (!srv || srv->down || fleet_is_down(srv, since_load()))
        fail(RPC_S_SERVER_UNAVAILABLE, L"The RPC server is unavailable.");
    else if (srv->deny)
        fail(ERROR_ACCESS_DENIED, L"Access is denied.");
    else if ((ae = account_check(srv, sess)) != 0)
        fail(ae, ae == ERROR_ACCESS_DENIED ? L"Access is denied." : ae == ERROR_ACCOUNT_LOCKED_OUT
                 ? L"The referenced account is currently locked out and may not be logged on to."
                 : L"The user name or password is incorrect.");
    else
        return 0;
    return GetLastError();
}

/* ------------------------------------------------------------------ channels */

/* The channels of a server: its channels= list, or the default set (System, Application, ...).
 * Contacting the server fails like EvtQuery: unknown or down 1722, deny 5, and an account=
 * server checks the session's logon. */
EVT_EXPORT EVT_HANDLE WINAPI EvtOpenChannelEnum(EVT_HANDLE Session, DWORD Flags)
{
    fleet_init();
    obj *sess = NULL;
    if (Session && !(sess = get(Session, T_SESSION)))
        return NULL;
    EVT_HANDLE result = NULL;
    if (Flags != 0) {
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        goto out;
    }
    const fleet_server *srv = srv_now(sess ? sess->srv : fleet_find(g_fleet, g_nfleet, "localhost"), 0);
    DWORD w = sim_wait(sess, NULL, srv ? srv->latency_ms : 50);
    if (!contact_result(srv && srv->hangquery ? NULL : srv, sess, w)) {
        obj *en = obj_new(T_CHENUM);
        if (!en) {
            fail(ERROR_OUTOFMEMORY, L"Out of memory.");
            goto out;
        }
        en->srv = srv;
        en->session = sess;
        sess = NULL;   /* the enumerator keeps the reference */
        result = publish(en);
    }
out:
    if (sess)
        obj_release(sess);
    return result;
}

EVT_EXPORT BOOL WINAPI EvtNextChannelPath(EVT_HANDLE ChannelEnum, DWORD BufferSize, LPWSTR Buffer, PDWORD BufferUsed)
{
    obj *en = get(ChannelEnum, T_CHENUM);
    if (!en)
        return FALSE;
    BOOL ok = FALSE;
    if (!BufferUsed || (BufferSize && !Buffer)) {
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        goto out;
    }
    const char *list = en->srv->channels[0] ? en->srv->channels : (en->srv->nochannel ? "" : FLEET_DEFAULT_CHANNELS);
    LONG idx = en->epos;
    const char *p = list;
    for (LONG i = 0; i < idx && *p; i++) {
        const char *e = strchr(p, ',');
        p = e ? e + 1 : p + strlen(p);
    }
    if (!*p) {
        fail(ERROR_NO_MORE_ITEMS, L"No more data is available.");
        goto out;
    }
    const char *e = strchr(p, ',');
    char name[256];
    size_t l = e ? (size_t)(e - p) : strlen(p);
    if (l >= sizeof name)
        l = sizeof name - 1;
    memcpy(name, p, l);
    name[l] = 0;
    WCHAR w[256];
    int n = MultiByteToWideChar(CP_UTF8, 0, name, -1, w, 256);
    *BufferUsed = (DWORD)n;
    if (BufferSize < (DWORD)n) {   /* the same item again with a bigger buffer */
        fail(ERROR_INSUFFICIENT_BUFFER, L"The data area passed to a system call is too small.");
        goto out;
    }
    memcpy(Buffer, w, (size_t)n * sizeof(WCHAR));
    InterlockedIncrement(&en->epos);
    ok = TRUE;
out:
    obj_release(en);
    return ok;
}

/* ------------------------------------------------------------------ queries */

/* ESFAKE_QUERYLOG: one line per EvtQuery, so tests can prove which filter reached which server:
 * SERVER<TAB>PATH<TAB>FLAGS<TAB>RESULT<TAB>QUERY (CR, LF and TAB of the query as spaces). */
static SRWLOCK g_qlog_lock = SRWLOCK_INIT;

static void query_log(const char *server, const char *path, DWORD flags, DWORD result, const char *query)
{
    WCHAR file[MAX_PATH + 4];
    if (!env_path(L"ESFAKE_QUERYLOG", file, MAX_PATH + 4))
        return;
    size_t ql = query ? strlen(query) : 0;
    char *line = malloc(strlen(server) + strlen(path) + ql + 64);
    if (!line)
        return;
    int n = sprintf(line, "%s\t%s\t0x%lX\t%lu\t", server, path, (unsigned long)flags, (unsigned long)result);
    for (size_t i = 0; i < ql; i++)
        line[n++] = query[i] == '\r' || query[i] == '\n' || query[i] == '\t' ? ' ' : query[i];
    line[n++] = '\n';
    AcquireSRWLockExclusive(&g_qlog_lock);
    HANDLE f = CreateFileW(file, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (f != INVALID_HANDLE_VALUE) {
        DWORD wrote;
        WriteFile(f, line, (DWORD)n, &wrote, NULL);   /* one write per line: lines never interleave */
        CloseHandle(f);
    }
    ReleaseSRWLockExclusive(&g_qlog_lock);
    free(line);
}

static void track_inflight(LONG delta)
{
    LONG v = InterlockedExchangeAdd(&g_inflight, delta) + delta;
    LONG m;
    while (delta > 0 && v > (m = g_max_inflight))
        if (InterlockedCompareExchange(&g_max_inflight, v, m) == m)
            break;
}

/* What reaching the server costs: the connect (latency, 50 ms for a server not in the fleet),
 * or on a session that reached it before, one round trip (next_latency). */
DWORD connect_cost(const obj *sess, const fleet_server *srv)
{
    if (!srv)
        return 50;
    return sess && sess->connected ? srv->next_latency_ms : srv->latency_ms;
}

int compile_query(LPCWSTR Query, const char *path, xp_query **xq, char **q8)
{
    if (Query) {
        int n = WideCharToMultiByte(CP_UTF8, 0, Query, -1, NULL, 0, NULL, NULL);
        *q8 = n > 0 ? malloc((size_t)n) : NULL;
        if (!*q8 || !WideCharToMultiByte(CP_UTF8, 0, Query, -1, *q8, n, NULL, NULL)) {
            fail(ERROR_INVALID_PARAMETER, L"Bad query text.");
            return 0;
        }
    }
    char why[400];
    int verdict = xp_compile(*q8, path, xq, why, sizeof why);
    if (verdict != XP_OK) {
        fail_utf8(verdict == XP_INVALID ? ERROR_EVT_INVALID_QUERY : verdict == XP_UNSUPPORTED ? ERROR_NOT_SUPPORTED
                  : verdict == XP_NOPATH ? ERROR_INVALID_PARAMETER : ERROR_OUTOFMEMORY, why);
        return 0;
    }
    return 1;
}

const fleet_server *reach_server(obj *sess, const char *channel, int is_query)
{
    if (g_fleet_error) {
        fail(g_fleet_error, L"The simulated fleet file (ESFAKE_FLEET) is missing or invalid.");
        return NULL;
    }
    const fleet_server *srv = srv_now(sess ? sess->srv : fleet_find(g_fleet, g_nfleet, "localhost"), is_query);
    if (is_query) {
        InterlockedIncrement(&g_queries);
        track_inflight(1);
    }
    DWORD w = sim_wait(sess, NULL, connect_cost(sess, srv));
    if (!w && srv && srv->hangquery)
        w = sim_wait(sess, NULL, INFINITE);
    if (is_query)
        track_inflight(-1);
    if (contact_result(srv, sess, w))
        return NULL;
    if (!fleet_has_channel(srv, channel) || strlen(channel) >= sizeof ((obj *)0)->channel) {
        fail(ERROR_EVT_CHANNEL_NOT_FOUND, L"The specified channel could not be found.");
        return NULL;
    }
    return srv;
}

EVT_EXPORT EVT_HANDLE WINAPI EvtQuery(EVT_HANDLE Session, LPCWSTR Path, LPCWSTR Query, DWORD Flags)
{
    fleet_init();
    obj *sess = NULL;
    if (Session && !(sess = get(Session, T_SESSION)))
        return NULL;
    EVT_HANDLE result = NULL;
    char path[256] = "", *q8 = NULL, logserver[FLEET_NAME_MAX];
    xp_query *xq = NULL;
    snprintf(logserver, sizeof logserver, "%s", sess ? sess->name : "localhost");
    if (Path && !to_utf8(Path, path, sizeof path)) {
        fail(ERROR_INVALID_PARAMETER, L"The path is too long.");
        goto out;
    }
    if ((Flags & (EvtQueryChannelPath | EvtQueryFilePath)) == 0 ||
        (Flags & EvtQueryForwardDirection && Flags & EvtQueryReverseDirection)) {
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        goto out;
    }
    if (Flags & EvtQueryFilePath) {
        fail(ERROR_NOT_SUPPORTED, L"The simulated fleet serves channels only, not files.");
        goto out;
    }
    if (!compile_query(Query, path, &xq, &q8))
        goto out;
    /* a structured query names its channel itself; EvtQuery's Path is then ignored (documented) */
    const char *channel = xp_channel(xq);
    const fleet_server *srv = reach_server(sess, channel, 1);
    if (!srv)
        goto out;
    obj *r = obj_new(T_QUERY);
    if (!r) {
        fail(ERROR_OUTOFMEMORY, L"Out of memory.");
        goto out;
    }
    r->srv = srv;
    strcpy(r->name, srv->name);
    strcpy(r->channel, channel);
    uint64_t qnow = now_ticks();
    r->now = srv->clock_load ? g_load_ticks : qnow;   /* the anchor the event times hang from */
    r->session = sess;
    sess = NULL;   /* the result set keeps the reference */
    r->first = 1;
    r->last = fleet_newest(srv, since_load());   /* a live server: what was written by now */
    fg_spread sp = fleet_spread(srv);
    r->qnow = qnow;
    r->ignore_time = srv->nofilter;   /* nofilter: the server ignores the time terms only */
    if (!xp_is_all(xq)) {
        r->xq = xq;
        xq = NULL;
    }
    /* Records older than the query's time bound cannot match: start at the first younger one.
     * An event qualifies when anchor - age >= bound, i.e. age <= anchor - bound (timediff
     * counts from the query's own time, which xp_min_time was given). */
    uint64_t bound = r->xq && !r->ignore_time ? xp_min_time(r->xq, qnow) : 0;
    if (bound)
        r->first = bound > r->now ? srv->events + 1 : fleetgen_first_in_window(&sp, (r->now - bound) / 10000);
    uint64_t oldest = fleet_oldest(srv, since_load());
    if (r->first < oldest)
        r->first = oldest;   /* first=N (and clearat, maxrecords): the older records are gone */
    r->nleft = r->first <= r->last ? r->last - r->first + 1 : 0;
    r->reverse = (Flags & EvtQueryReverseDirection) != 0;
    r->pos = r->reverse ? r->last : r->first;
    r->seq = (uint32_t)fleetgen_name_hash(srv->name);
    if (r->session)
        InterlockedExchange(&r->session->connected, 1);
    result = publish(r);
out:
    {
        DWORD err = result ? 0 : GetLastError();
        query_log(logserver, Path ? path : "", Flags, err, q8);
        SetLastError(err);
    }
    xp_free(xq);
    free(q8);
    obj_release(sess);
    return result;
}

/* 1 when record k of the server of `src` (a result set or subscription: its server, anchor and
 * channel) is selected by xq (NULL: every record); timediff counts from now. */
int rec_match(const obj *src, const xp_query *xq, uint64_t k, uint64_t now, int ignore_time)
{
    if (!xq)
        return 1;
    fg_spread sp = fleet_spread(src->srv);
    fg_event e;
    fleetgen_event(src->srv->name, src->srv->seed, &sp, k, &e);
    xp_event xe = {&e, fleet_record_ticks(src->srv, src->now, k), src->channel};
    return xp_match(xq, &xe, now, ignore_time);
}

/* Makes the event handles of records ks[0..n-1] of `src` (n <= 64), the first being the
 * (returned+1)-th of its result set; 0 (none made, ERROR_OUTOFMEMORY) when out of memory. */
int hand_out(const obj *src, const uint64_t *ks, uint64_t n, uint64_t returned, EVT_HANDLE *out)
{
    obj *objs[64];
    uint64_t made = 0;
    for (; made < n; made++) {
        obj *e = obj_new(T_EVENT);
        if (!e)
            break;
        e->srv = src->srv;
        strcpy(e->name, src->name);
        strcpy(e->channel, src->channel);
        e->now = src->now;
        e->k = ks[made];
        e->nth = returned + made + 1;
        objs[made] = e;
    }
    if (made < n || !table_add(objs, out, (size_t)n)) {
        for (uint64_t i = 0; i < made; i++)
            obj_release(objs[i]);
        fail(ERROR_OUTOFMEMORY, L"Out of memory.");
        return 0;
    }
    return 1;
}

EVT_EXPORT BOOL WINAPI EvtNext(EVT_HANDLE ResultSet, DWORD EventArraySize, EVT_HANDLE *EventArray, DWORD Timeout,
                               DWORD Flags, PDWORD Returned)
{
    obj *q = get(ResultSet, 0);
    if (!q)
        return FALSE;
    if (q->type != T_QUERY && q->type != T_SUB) {
        obj_release(q);
        fail(ERROR_INVALID_HANDLE, L"The handle is invalid.");
        return FALSE;
    }
    BOOL ok = FALSE;
    if (!EventArray || EventArraySize == 0 || !Returned || Flags != 0) {
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        obj_release(q);
        return FALSE;
    }
    *Returned = 0;
    if (q->type == T_SUB) {
        ok = sub_next(q, EventArraySize, EventArray, Timeout, Returned);
        obj_release(q);
        return ok;
    }
    EnterCriticalSection(&q->cs);
    const fleet_server *srv = q->srv;
    if (srv->stuck && q->returned >= srv->stuck_after) {   /* deaf to EvtCancel */
        LeaveCriticalSection(&q->cs);
        never_return();
    }
    DWORD delay = srv->next_latency_ms;
    if (srv->hang && q->returned >= srv->hang_after)
        delay = INFINITE;
    DWORD w;
    if (delay != INFINITE && Timeout != INFINITE && delay > Timeout) {
        w = sim_wait(q, q->session, Timeout);
        if (!w) {
            fail(ERROR_TIMEOUT, L"This operation returned because the timeout period expired.");
            goto out;
        }
    } else if (delay == INFINITE && Timeout != INFINITE) {
        w = sim_wait(q, q->session, Timeout);
        if (!w) {
            fail(ERROR_TIMEOUT, L"This operation returned because the timeout period expired.");
            goto out;
        }
    } else {
        w = sim_wait(q, q->session, delay);
    }
    if (w) {
        fail(ERROR_CANCELLED, L"The operation was canceled by the user.");
        goto out;
    }
    if (q->broken || (srv->break_after && q->returned >= srv->break_after)) {
        q->broken = 1;
        fail(RPC_S_CALL_FAILED, L"The remote procedure call failed.");
        goto out;
    }
    if (!q->broken && went_away(srv, q->qnow > g_load_ticks ? q->qnow - g_load_ticks : 0, since_load()))
        q->broken = 1;   /* the server went away under the result set: it is dead for good */
    if (q->broken) {
        fail(RPC_S_CALL_FAILED, L"The remote procedure call failed.");
        goto out;
    }
    if (q->nleft == 0) {
        fail(ERROR_NO_MORE_ITEMS, L"No more data is available.");
        goto out;
    }
    if (fleet_is_live(srv) && (q->stale || q->pos < fleet_oldest(srv, since_load()))) {
        q->stale = 1;   /* cleared or overwritten under the cursor: release it and query again */
        fail(ERROR_EVT_QUERY_RESULT_STALE, L"The query result is stale or invalid; the log was cleared or rolled over.");
        goto out;
    }
    uint64_t n = EventArraySize;
    uint64_t cap = 1 + mix64(q->seq++) % 37;   /* a server answers in partial batches */
    if (n > cap) n = cap;
    if (srv->break_after && n > srv->break_after - q->returned) n = srv->break_after - q->returned;
    if (srv->hang && q->returned < srv->hang_after && n > srv->hang_after - q->returned) n = srv->hang_after - q->returned;
    if (srv->stuck && n > srv->stuck_after - q->returned) n = srv->stuck_after - q->returned;
    /* The records of this batch: the next n of the range, or with a filter the next n that
     * match (nleft counts the records not yet looked at). */
    uint64_t ks[64], pos = q->pos, nleft = q->nleft;
    if (!q->xq) {
        if (n > nleft) n = nleft;
        for (uint64_t i = 0; i < n; i++)
            ks[i] = q->reverse ? pos - i : pos + i;
        pos = q->reverse ? pos - n : pos + n;
        nleft -= n;
    } else {
        uint64_t found = 0;
        while (found < n && nleft) {
            uint64_t k = pos;
            pos = q->reverse ? pos - 1 : pos + 1;
            nleft--;
            if (rec_match(q, q->xq, k, q->qnow, q->ignore_time))
                ks[found++] = k;
        }
        if (!found) {
            q->pos = pos;
            q->nleft = 0;
            fail(ERROR_NO_MORE_ITEMS, L"No more data is available.");
            goto out;
        }
        n = found;
    }
    if (!hand_out(q, ks, n, q->returned, EventArray))
        goto out;
    q->pos = pos;
    q->nleft = nleft;
    q->returned += n;
    *Returned = (DWORD)n;
    ok = TRUE;
out:
    LeaveCriticalSection(&q->cs);
    obj_release(q);
    return ok;
}

EVT_EXPORT BOOL WINAPI EvtCancel(EVT_HANDLE Object)
{
    obj *o = get(Object, 0);
    if (!o)
        return FALSE;
    if (o->cancel)
        SetEvent(o->cancel);
    obj_release(o);
    return TRUE;
}

EVT_EXPORT BOOL WINAPI EvtClose(EVT_HANDLE Object)
{
    uint32_t idx, gen;
    obj *o = NULL;
    if (Object && decode(Object, &idx, &gen)) {
        AcquireSRWLockExclusive(&g_lock);
        if (idx < g_nslots && g_slots[idx].o && g_slots[idx].gen == gen) {
            o = g_slots[idx].o;
            g_slots[idx].o = NULL;
            g_free[g_nfree++] = idx;
        }
        ReleaseSRWLockExclusive(&g_lock);
    }
    if (!o) {
        fail(ERROR_INVALID_HANDLE, L"The handle is invalid.");
        return FALSE;
    }
    if (o->type == T_SUB)
        sub_closed(o);   /* no signal after EvtClose returns */
    obj_release(o);
    return TRUE;
}

/* ------------------------------------------------------------------ logs */

/* EvtOpenLog(session, channel, EvtOpenChannelPath): reaches the server as EvtQuery does (the
 * same latency and failures, wakes on EvtCancel of the session; not counted as a query, not in
 * the query log); a file path is not simulated. The log's facts hang from its anchor (the
 * EvtOpenLog, or the load with clock=load), as the events' times do. */
EVT_EXPORT EVT_HANDLE WINAPI EvtOpenLog(EVT_HANDLE Session, LPCWSTR Path, DWORD Flags)
{
    fleet_init();
    obj *sess = NULL;
    if (Session && !(sess = get(Session, T_SESSION)))
        return NULL;
    EVT_HANDLE result = NULL;
    char path[256];
    if (!Path || !Path[0] || !to_utf8(Path, path, sizeof path) || (Flags != EvtOpenChannelPath && Flags != EvtOpenFilePath)) {
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        goto out;
    }
    if (Flags == EvtOpenFilePath) {
        fail(ERROR_NOT_SUPPORTED, L"The simulated fleet serves channels only, not files.");
        goto out;
    }
    if (g_fleet_error) {
        fail(g_fleet_error, L"The simulated fleet file (ESFAKE_FLEET) is missing or invalid.");
        goto out;
    }
    const fleet_server *srv = srv_now(sess ? sess->srv : fleet_find(g_fleet, g_nfleet, "localhost"), 0);
    DWORD w = sim_wait(sess, NULL, connect_cost(sess, srv));
    if (!w && srv && (srv->hangquery || srv->hanglog))
        w = sim_wait(sess, NULL, INFINITE);
    if (contact_result(srv, sess, w))
        goto out;
    if (!fleet_has_channel(srv, path) || strlen(path) >= sizeof ((obj *)0)->channel) {
        fail(ERROR_EVT_CHANNEL_NOT_FOUND, L"The specified channel could not be found.");
        goto out;
    }
    obj *l = obj_new(T_LOG);
    if (!l) {
        fail(ERROR_OUTOFMEMORY, L"Out of memory.");
        goto out;
    }
    l->srv = srv;
    strcpy(l->name, srv->name);
    strcpy(l->channel, path);
    l->now = srv->clock_load ? g_load_ticks : now_ticks();
    if (sess)
        InterlockedExchange(&sess->connected, 1);
    l->session = sess;
    sess = NULL;   /* the log keeps the reference */
    result = publish(l);
out:
    obj_release(sess);
    return result;
}

/* The simulated log file: records first..events (none when first > events); a 4 KB header and
 * a 64 KB chunk per 64 records (at least one); created 1 s before its first record ever (record
 * 1; for a cleared log, record `first`); last written at its newest record. */
static uint64_t log_time_of(const obj *l, uint64_t k) { return fleet_record_ticks(l->srv, l->now, k); }

EVT_EXPORT BOOL WINAPI EvtGetLogInfo(EVT_HANDLE Log, EVT_LOG_PROPERTY_ID PropertyId, DWORD PropertyValueBufferSize,
                                     PEVT_VARIANT PropertyValueBuffer, PDWORD PropertyValueBufferUsed)
{
    obj *l = get(Log, T_LOG);
    if (!l)
        return FALSE;
    BOOL ok = FALSE;
    const fleet_server *srv = l->srv;
    uint64_t t = since_load(), first = fleet_oldest(srv, t), newest = fleet_newest(srv, t);
    uint64_t n = newest >= first ? newest - first + 1 : 0;
    int full = fleet_log_full(srv, t), cleared = first > 1 && !full;
    EVT_VARIANT v;
    memset(&v, 0, sizeof v);
    if (!PropertyValueBufferUsed || (PropertyValueBufferSize && !PropertyValueBuffer)) {
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        goto out;
    }
    switch ((int)PropertyId) {
    case EvtLogCreationTime:
        v.Type = EvtVarTypeFileTime;
        v.FileTimeVal = (newest ? log_time_of(l, cleared && n ? first : 1) : l->now) - 10000000ull;
        break;
    case EvtLogLastAccessTime:
        v.Type = EvtVarTypeFileTime;
        v.FileTimeVal = l->now;
        break;
    case EvtLogLastWriteTime:
        v.Type = EvtVarTypeFileTime;
        v.FileTimeVal = n ? log_time_of(l, newest) : l->now - 10000000ull;
        break;
    case EvtLogFileSize:
        v.Type = EvtVarTypeUInt64;
        v.UInt64Val = 4096 + 65536 * (n ? (n + 63) / 64 : 1);
        break;
    case EvtLogAttributes:
        v.Type = EvtVarTypeUInt32;
        v.UInt32Val = FILE_ATTRIBUTE_ARCHIVE;
        break;
    case EvtLogNumberOfLogRecords:
        v.Type = EvtVarTypeUInt64;
        v.UInt64Val = n;
        break;
    case EvtLogOldestRecordNumber:
        v.Type = EvtVarTypeUInt64;
        v.UInt64Val = n ? first : 0;
        break;
    case EvtLogFull:
        v.Type = EvtVarTypeBoolean;
        v.BooleanVal = full ? TRUE : FALSE;
        break;
    default:
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        goto out;
    }
    *PropertyValueBufferUsed = sizeof v;
    if (PropertyValueBufferSize < sizeof v) {
        fail(ERROR_INSUFFICIENT_BUFFER, L"The data area passed to a system call is too small.");
        goto out;
    }
    memcpy(PropertyValueBuffer, &v, sizeof v);
    ok = TRUE;
out:
    obj_release(l);
    return ok;
}

/* ------------------------------------------------------------------ rendering */

EVT_EXPORT EVT_HANDLE WINAPI EvtCreateRenderContext(DWORD ValuePathsCount, LPCWSTR *ValuePaths, DWORD Flags)
{
    if (Flags == EvtRenderContextValues) {
        fail(ERROR_NOT_SUPPORTED, L"The simulated fleet renders the System and User contexts only.");
        return NULL;
    }
    if ((Flags != EvtRenderContextSystem && Flags != EvtRenderContextUser) || ValuePathsCount != 0) {
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        return NULL;
    }
    obj *c = obj_new(T_CONTEXT);
    if (!c) {
        fail(ERROR_OUTOFMEMORY, L"Out of memory.");
        return NULL;
    }
    c->ctx_flags = Flags;
    return publish(c);
}

static void gen_event(const obj *ev, fg_event *e)
{
    fg_spread sp = fleet_spread(ev->srv);
    fleetgen_event(ev->srv->name, ev->srv->seed, &sp, ev->k, e);
}

static uint64_t event_time(const obj *ev, const fg_event *e) { return fleet_record_ticks(ev->srv, ev->now, e->record_id); }

static int parse_guid(const char *s, GUID *g)
{
    unsigned a, b, c, d[8];
    if (sscanf(s, "{%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x}", &a, &b, &c, &d[0], &d[1], &d[2], &d[3], &d[4], &d[5],
               &d[6], &d[7]) != 11)
        return 0;
    g->Data1 = a;
    g->Data2 = (unsigned short)b;
    g->Data3 = (unsigned short)c;
    for (int i = 0; i < 8; i++)
        g->Data4[i] = (unsigned char)d[i];
    return 1;
}

/* Lays out the variants and what they point at (GUID, SID, strings after the array) into buf,
 * or only measures when buf is NULL. Returns the bytes needed. */
typedef struct strref { int idx; const char *s; } strref;

static size_t layout(BYTE *buf, EVT_VARIANT *proto, DWORD count, const GUID *guid, int guid_idx, int sid_idx,
                     const strref *strs, int nstrs)
{
    size_t off = (size_t)count * sizeof(EVT_VARIANT);
    if (buf)
        memcpy(buf, proto, off);
    EVT_VARIANT *v = (EVT_VARIANT *)buf;
    if (guid_idx >= 0) {
        off = (off + 7) & ~(size_t)7;
        if (buf) {
            memcpy(buf + off, guid, sizeof *guid);
            v[guid_idx].GuidVal = (GUID *)(buf + off);
        }
        off += sizeof *guid;
    }
    if (sid_idx >= 0) {
        static const BYTE local_system[12] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};   /* S-1-5-18 */
        off = (off + 7) & ~(size_t)7;
        if (buf) {
            memcpy(buf + off, local_system, sizeof local_system);
            v[sid_idx].SidVal = (PSID)(buf + off);
        }
        off += sizeof local_system;
    }
    for (int i = 0; i < nstrs; i++) {
        off = (off + 1) & ~(size_t)1;
        int units = MultiByteToWideChar(CP_UTF8, 0, strs[i].s, -1, NULL, 0);
        if (units <= 0)
            units = 1;
        if (buf) {
            WCHAR *w = (WCHAR *)(buf + off);
            if (MultiByteToWideChar(CP_UTF8, 0, strs[i].s, -1, w, units) <= 0)
                w[0] = 0;
            v[strs[i].idx].StringVal = w;
        }
        off += (size_t)units * sizeof(WCHAR);
    }
    return off;
}

/* The provider whose texts a forwarded event's RenderingInfo holds, or -1: events of the
 * ForwardedEvents channel were rendered at their source, where the publisher is installed
 * ("Legacy App" has no metadata anywhere, so its events carry none). */
static int forwarded_prov(const obj *ev, const fg_event *e)
{
    if (_stricmp(ev->channel, "ForwardedEvents") != 0 || !fleetgen_provider_has_metadata(e->provider))
        return -1;
    return e->provider;
}

static void event_xml(const obj *ev, const fg_event *e, sbuf *b, int render_prov)
{
    char t[40];
    iso_time(event_time(ev, e), t);
    sb_puts(b, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='");
    sb_xml(b, e->provider_name);
    sb_puts(b, "'");
    if (e->provider_guid) {
        sb_puts(b, " Guid='");
        sb_puts(b, e->provider_guid);
        sb_puts(b, "'");
    }
    if (e->provider == FG_PROV_SCM || !e->provider_guid) {
        sb_puts(b, " EventSourceName='");
        sb_xml(b, e->provider_name);
        sb_puts(b, "'");
    }
    sb_puts(b, "/>");
    if (e->has_qualifiers)
        sb_printf(b, "<EventID Qualifiers='%u'>%u</EventID>", e->qualifiers, e->event_id);
    else
        sb_printf(b, "<EventID>%u</EventID>", e->event_id);
    sb_printf(b, "<Version>%u</Version><Level>%u</Level><Task>%u</Task><Opcode>%u</Opcode><Keywords>0x%llx</Keywords>",
              e->version, e->level, e->task, e->opcode, (unsigned long long)e->keywords);
    sb_printf(b, "<TimeCreated SystemTime='%s'/><EventRecordID>%llu</EventRecordID><Correlation/>", t,
              (unsigned long long)e->record_id);
    sb_printf(b, "<Execution ProcessID='%u' ThreadID='%u'/><Channel>", e->process_id, e->thread_id);
    sb_xml(b, ev->channel);
    sb_puts(b, "</Channel><Computer>");
    sb_xml(b, e->computer);
    sb_puts(b, e->has_user_sid ? "</Computer><Security UserID='S-1-5-18'/></System>" : "</Computer><Security/></System>");
    if (e->ndata) {
        sb_puts(b, "<EventData>");
        for (int i = 0; i < e->ndata; i++) {
            if (e->data_name[i] && e->data_name[i][0]) {
                sb_puts(b, "<Data Name='");
                sb_xml(b, e->data_name[i]);
                sb_puts(b, "'>");
            } else {
                sb_puts(b, "<Data>");
            }
            sb_xml(b, e->data[i]);
            sb_puts(b, "</Data>");
        }
        sb_puts(b, "</EventData>");
    }
    if (render_prov >= 0) {
        int p = render_prov;
        const char *msg = fleetgen_message_template(p, e->event_id);
        const char *lv = fleetgen_level_name(p, e->level), *tk = fleetgen_task_name(p, e->task);
        const char *op = fleetgen_opcode_name(p, e->opcode);
        sb_puts(b, "<RenderingInfo Culture='en-US'>");
        if (msg) {
            size_t n = fleetgen_format(msg, e->data, e->ndata, NULL, 0);
            char *m = malloc(n + 1);
            if (m) {
                fleetgen_format(msg, e->data, e->ndata, m, n + 1);
                sb_puts(b, "<Message>");
                sb_xml(b, m);
                sb_puts(b, "</Message>");
                free(m);
            }
        }
        if (lv) { sb_puts(b, "<Level>"); sb_xml(b, lv); sb_puts(b, "</Level>"); }
        if (tk) { sb_puts(b, "<Task>"); sb_xml(b, tk); sb_puts(b, "</Task>"); }
        if (op) { sb_puts(b, "<Opcode>"); sb_xml(b, op); sb_puts(b, "</Opcode>"); }
        sb_puts(b, "<Channel>");
        sb_xml(b, ev->channel);
        sb_puts(b, "</Channel><Provider>");
        sb_xml(b, e->provider_name);
        sb_puts(b, "</Provider><Keywords>");
        if (e->keywords & 0x80000000000000ull)
            sb_puts(b, "<Keyword>Classic</Keyword>");
        sb_puts(b, "</Keywords></RenderingInfo>");
    }
    sb_puts(b, "</Event>");
}

EVT_EXPORT BOOL WINAPI EvtRender(EVT_HANDLE Context, EVT_HANDLE Fragment, DWORD Flags, DWORD BufferSize, PVOID Buffer,
                                 PDWORD BufferUsed, PDWORD PropertyCount)
{
    if (!BufferUsed || (Flags != EvtRenderEventValues && Flags != EvtRenderEventXml && Flags != EvtRenderBookmark)) {
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        return FALSE;
    }
    if (Flags == EvtRenderBookmark)
        return bookmark_render(Fragment, BufferSize, Buffer, BufferUsed, PropertyCount);
    obj *ctx = NULL, *ev = NULL;
    BOOL ok = FALSE;
    if (Flags == EvtRenderEventValues && !(ctx = get(Context, T_CONTEXT)))
        return FALSE;
    if (!(ev = get(Fragment, T_EVENT))) {
        obj_release(ctx);
        return FALSE;
    }
    fg_event e;
    gen_event(ev, &e);
    if (Flags == EvtRenderEventXml) {
        sbuf b = {0};
        /* Forwarded events keep the RenderingInfo their source rendered (RenderedText format). */
        event_xml(ev, &e, &b, forwarded_prov(ev, &e));
        if (b.failed) {
            fail(ERROR_OUTOFMEMORY, L"Out of memory.");
        } else {
            int units = MultiByteToWideChar(CP_UTF8, 0, b.p, (int)b.n + 1, NULL, 0);
            DWORD need = (DWORD)units * sizeof(WCHAR);
            *BufferUsed = need;
            if (PropertyCount)
                *PropertyCount = 0;
            if (!Buffer || BufferSize < need) {
                fail(ERROR_INSUFFICIENT_BUFFER, L"The data area passed to a system call is too small.");
            } else {
                MultiByteToWideChar(CP_UTF8, 0, b.p, (int)b.n + 1, Buffer, units);
                ok = TRUE;
            }
        }
        free(b.p);
        goto out;
    }
    EVT_VARIANT proto[EvtSystemPropertyIdEND];
    memset(proto, 0, sizeof proto);
    strref strs[FG_MAX_DATA > 3 ? FG_MAX_DATA : 3];
    int nstrs = 0, guid_idx = -1, sid_idx = -1;
    GUID guid;
    DWORD count;
    if (ctx->ctx_flags == EvtRenderContextSystem) {
        count = EvtSystemPropertyIdEND;
        for (DWORD i = 0; i < count; i++)
            proto[i].Type = EvtVarTypeNull;
        proto[EvtSystemProviderName].Type = EvtVarTypeString;
        strs[nstrs++] = (strref){EvtSystemProviderName, e.provider_name};
        if (e.provider_guid && parse_guid(e.provider_guid, &guid)) {
            proto[EvtSystemProviderGuid].Type = EvtVarTypeGuid;
            guid_idx = EvtSystemProviderGuid;
        }
        proto[EvtSystemEventID].Type = EvtVarTypeUInt16;
        proto[EvtSystemEventID].UInt16Val = (UINT16)e.event_id;
        if (e.has_qualifiers) {
            proto[EvtSystemQualifiers].Type = EvtVarTypeUInt16;
            proto[EvtSystemQualifiers].UInt16Val = e.qualifiers;
        }
        proto[EvtSystemLevel].Type = EvtVarTypeByte;
        proto[EvtSystemLevel].ByteVal = e.level;
        proto[EvtSystemTask].Type = EvtVarTypeUInt16;
        proto[EvtSystemTask].UInt16Val = e.task;
        proto[EvtSystemOpcode].Type = EvtVarTypeByte;
        proto[EvtSystemOpcode].ByteVal = e.opcode;
        proto[EvtSystemKeywords].Type = EvtVarTypeHexInt64;
        proto[EvtSystemKeywords].UInt64Val = e.keywords;
        proto[EvtSystemTimeCreated].Type = EvtVarTypeFileTime;
        proto[EvtSystemTimeCreated].FileTimeVal = event_time(ev, &e);
        proto[EvtSystemEventRecordId].Type = EvtVarTypeUInt64;
        proto[EvtSystemEventRecordId].UInt64Val = e.record_id;
        proto[EvtSystemProcessID].Type = EvtVarTypeUInt32;
        proto[EvtSystemProcessID].UInt32Val = e.process_id;
        proto[EvtSystemThreadID].Type = EvtVarTypeUInt32;
        proto[EvtSystemThreadID].UInt32Val = e.thread_id;
        proto[EvtSystemChannel].Type = EvtVarTypeString;
        strs[nstrs++] = (strref){EvtSystemChannel, ev->channel};
        proto[EvtSystemComputer].Type = EvtVarTypeString;
        strs[nstrs++] = (strref){EvtSystemComputer, e.computer};
        if (e.has_user_sid) {
            proto[EvtSystemUserID].Type = EvtVarTypeSid;
            sid_idx = EvtSystemUserID;
        }
        proto[EvtSystemVersion].Type = EvtVarTypeByte;
        proto[EvtSystemVersion].ByteVal = e.version;
    } else {
        count = (DWORD)e.ndata;
        for (int i = 0; i < e.ndata; i++) {
            proto[i].Type = EvtVarTypeString;
            strs[nstrs++] = (strref){i, e.data[i]};
        }
    }
    size_t need = count ? layout(NULL, proto, count, &guid, guid_idx, sid_idx, strs, nstrs) : 0;
    *BufferUsed = (DWORD)need;
    if (PropertyCount)
        *PropertyCount = count;
    if (need > BufferSize || (need && !Buffer)) {
        fail(ERROR_INSUFFICIENT_BUFFER, L"The data area passed to a system call is too small.");
        goto out;
    }
    if (need)
        layout(Buffer, proto, count, &guid, guid_idx, sid_idx, strs, nstrs);
    ok = TRUE;
out:
    obj_release(ev);
    obj_release(ctx);
    return ok;
}

/* ------------------------------------------------------------------ publisher metadata */

EVT_EXPORT EVT_HANDLE WINAPI EvtOpenPublisherMetadata(EVT_HANDLE Session, LPCWSTR PublisherId, LPCWSTR LogFilePath,
                                                      LCID Locale, DWORD Flags)
{
    fleet_init();
    obj *sess = NULL;
    if (Session && !(sess = get(Session, T_SESSION)))
        return NULL;
    EVT_HANDLE result = NULL;
    char name[256];
    if (!PublisherId || Flags != 0 || !to_utf8(PublisherId, name, sizeof name)) {
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        goto out;
    }
    /* A NULL session is this computer: its installed publishers are always readable, whatever
     * the fleet file says (a "localhost" line governs EvtQuery only). A remote session fails
     * like its server. */
    if (sess) {
        const fleet_server *srv = srv_now(sess->srv, 0);
        if (!srv || srv->down || srv->hangquery) {
            fail(RPC_S_SERVER_UNAVAILABLE, L"The RPC server is unavailable.");
            goto out;
        }
        if (srv->deny) {
            fail(ERROR_ACCESS_DENIED, L"Access is denied.");
            goto out;
        }
        if (srv->collector) {   /* the forwarded events' publishers live on their sources */
            fail(ERROR_FILE_NOT_FOUND, L"The system cannot find the file specified.");
            goto out;
        }
    }
    if (LogFilePath) {
        fail(ERROR_NOT_SUPPORTED, L"The simulated fleet has no metadata archives (LogFilePath).");
        goto out;
    }
    int p = fleetgen_provider_by_name(name);
    if (p < 0 || !fleetgen_provider_has_metadata(p)) {
        fail(ERROR_FILE_NOT_FOUND, L"The system cannot find the file specified.");
        goto out;
    }
    obj *m = obj_new(T_META);
    if (!m) {
        fail(ERROR_OUTOFMEMORY, L"Out of memory.");
        goto out;
    }
    m->prov = p;
    m->session = sess;
    sess = NULL;
    result = publish(m);
out:
    obj_release(sess);
    return result;
}

/* The text of one caller-supplied insert value (EvtFormatMessage Values), malloc'ed UTF-8.
 * Strings are what callers pass; numbers are written in decimal, Null is empty. */
static char *variant_text(const EVT_VARIANT *v)
{
    char tmp[32] = "";
    if (v->Type & EVT_VARIANT_TYPE_ARRAY)
        return _strdup("");
    switch (v->Type & EVT_VARIANT_TYPE_MASK) {
    case EvtVarTypeString: {
        if (!v->StringVal)
            return _strdup("");
        int n = WideCharToMultiByte(CP_UTF8, 0, v->StringVal, -1, NULL, 0, NULL, NULL);
        char *s = n > 0 ? malloc((size_t)n) : NULL;
        if (s && !WideCharToMultiByte(CP_UTF8, 0, v->StringVal, -1, s, n, NULL, NULL))
            s[0] = 0;
        return s;
    }
    case EvtVarTypeAnsiString: return _strdup(v->AnsiStringVal ? v->AnsiStringVal : "");
    case EvtVarTypeSByte: snprintf(tmp, sizeof tmp, "%d", v->SByteVal); break;
    case EvtVarTypeByte: snprintf(tmp, sizeof tmp, "%u", v->ByteVal); break;
    case EvtVarTypeInt16: snprintf(tmp, sizeof tmp, "%d", v->Int16Val); break;
    case EvtVarTypeUInt16: snprintf(tmp, sizeof tmp, "%u", v->UInt16Val); break;
    case EvtVarTypeInt32: snprintf(tmp, sizeof tmp, "%ld", (long)v->Int32Val); break;
    case EvtVarTypeUInt32: snprintf(tmp, sizeof tmp, "%lu", (unsigned long)v->UInt32Val); break;
    case EvtVarTypeInt64: snprintf(tmp, sizeof tmp, "%lld", (long long)v->Int64Val); break;
    case EvtVarTypeUInt64: snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v->UInt64Val); break;
    case EvtVarTypeBoolean: snprintf(tmp, sizeof tmp, "%s", v->BooleanVal ? "true" : "false"); break;
    case EvtVarTypeHexInt32: snprintf(tmp, sizeof tmp, "0x%lx", (unsigned long)v->UInt32Val); break;
    case EvtVarTypeHexInt64: snprintf(tmp, sizeof tmp, "0x%llx", (unsigned long long)v->UInt64Val); break;
    default: break;   /* Null and types the simulation does not convert: an empty insert */
    }
    return _strdup(tmp);
}

/* Formats template t with inserts from the caller's Values when there are any, else from the
 * event (NULL: none, the %N stay as written). Returns malloc'ed UTF-8 and its length, or NULL
 * when out of memory. */
static char *format_inserts(const char *t, DWORD count, const EVT_VARIANT *values, const fg_event *e, size_t *len)
{
    int nv = 0;
    const char **vals = NULL;
    char **conv = NULL;
    char *res = NULL;
    if (count) {
        nv = count < 99 ? (int)count : 99;   /* FormatMessage inserts are %1..%99 */
        vals = calloc((size_t)nv, sizeof *vals);
        conv = calloc((size_t)nv, sizeof *conv);
        if (!vals || !conv)
            goto out;
        for (int i = 0; i < nv; i++) {
            if (!(conv[i] = variant_text(&values[i])))
                goto out;
            vals[i] = conv[i];
        }
    } else if (e) {
        nv = e->ndata;
        vals = calloc((size_t)(nv ? nv : 1), sizeof *vals);
        if (!vals)
            goto out;
        for (int i = 0; i < nv; i++)
            vals[i] = e->data[i];
    }
    *len = fleetgen_format(t, vals, nv, NULL, 0);
    res = malloc(*len + 1);
    if (res)
        fleetgen_format(t, vals, nv, res, *len + 1);
out:
    for (int i = 0; conv && i < nv; i++)
        free(conv[i]);
    free(conv);
    free(vals);
    return res;
}

EVT_EXPORT BOOL WINAPI EvtFormatMessage(EVT_HANDLE PublisherMetadata, EVT_HANDLE Event, DWORD MessageId, DWORD ValueCount,
                                        PEVT_VARIANT Values, DWORD Flags, DWORD BufferSize, LPWSTR Buffer, PDWORD BufferUsed)
{
    static const WCHAR notfound[] = L"The message resource is present but the message was not found in the message table.";
    static const WCHAR idnotfound[] = L"The message id for the desired message could not be found.";
    if (!BufferUsed || Flags < EvtFormatMessageEvent || Flags > EvtFormatMessageXml || (ValueCount && !Values)) {
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        return FALSE;
    }
    obj *meta = NULL, *ev = NULL;
    BOOL ok = FALSE;
    if (PublisherMetadata && !(meta = get(PublisherMetadata, T_META)))
        return FALSE;
    if (Flags != EvtFormatMessageId && !Event) {
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        goto out;
    }
    if (Event && !(ev = get(Event, T_EVENT)))   /* optional with EvtFormatMessageId: the inserts */
        goto out;
    if (ev && ev->srv->stuckformat && ev->nth > ev->srv->stuckformat_after)
        never_return();   /* deaf to EvtCancel, like a real EvtFormatMessage (it takes no handle to cancel) */
    fg_event e;
    if (ev)
        gen_event(ev, &e);
    /* Without metadata only a forwarded event's own RenderingInfo can be used (documented:
     * PublisherMetadata may be NULL for a forwarded event that carries rendering info). */
    int prov = meta ? meta->prov : (ev && Flags != EvtFormatMessageId ? forwarded_prov(ev, &e) : -1);
    if (prov < 0) {
        fail(ERROR_EVT_MESSAGE_NOT_FOUND, notfound);
        goto out;
    }
    const char *text = NULL;
    char *owned = NULL;
    size_t len = 0;
    char tmp[64];
    switch (Flags) {
    case EvtFormatMessageEvent:
    case EvtFormatMessageId: {
        const char *t;
        if (Flags == EvtFormatMessageEvent) {
            t = fleetgen_message_template(prov, e.event_id);
        } else {
            /* the publisher's message table: a manifest event's message id
             * (EventMetadataEventMessageID) or a classic source's (Qualifiers << 16) | EventID */
            t = fleetgen_message_by_id(prov, MessageId);
            if (!t) {
                fail(ERROR_EVT_MESSAGE_ID_NOT_FOUND, idnotfound);
                goto out;
            }
        }
        if (!t)
            break;
        owned = format_inserts(t, ValueCount, Values, ev ? &e : NULL, &len);
        if (!owned) {
            fail(ERROR_OUTOFMEMORY, L"Out of memory.");
            goto out;
        }
        text = owned;
        break;
    }
    case EvtFormatMessageLevel: text = fleetgen_level_name(prov, e.level); break;
    case EvtFormatMessageTask: text = fleetgen_task_name(prov, e.task); break;
    case EvtFormatMessageOpcode: text = fleetgen_opcode_name(prov, e.opcode); break;
    case EvtFormatMessageChannel: text = ev->channel; break;
    case EvtFormatMessageProvider: text = e.provider_name; break;
    case EvtFormatMessageKeyword:
        if (e.keywords & 0x80000000000000ull) {   /* a list: "Classic\0" + final NUL */
            memcpy(tmp, "Classic\0", 9);
            text = tmp;
            len = 8;
        }
        break;
    case EvtFormatMessageXml: {
        sbuf b = {0};
        event_xml(ev, &e, &b, prov);
        if (b.failed) {
            free(b.p);
            fail(ERROR_OUTOFMEMORY, L"Out of memory.");
            goto out;
        }
        owned = b.p;
        len = b.n;
        text = owned;
        break;
    }
    }
    if (!text) {
        fail(ERROR_EVT_MESSAGE_NOT_FOUND, notfound);
        goto out;
    }
    if (!len && Flags != EvtFormatMessageEvent && Flags != EvtFormatMessageId)
        len = strlen(text);
    ok = out_wide(text, len, BufferSize, Buffer, BufferUsed);
    free(owned);
out:
    obj_release(ev);
    obj_release(meta);
    return ok;
}

/* ------------------------------------------------------------------ event metadata */

EVT_EXPORT EVT_HANDLE WINAPI EvtOpenEventMetadataEnum(EVT_HANDLE PublisherMetadata, DWORD Flags)
{
    obj *meta = get(PublisherMetadata, T_META);
    if (!meta)
        return NULL;
    if (Flags != 0) {
        obj_release(meta);
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        return NULL;
    }
    obj *en = obj_new(T_EMENUM);
    if (!en) {
        obj_release(meta);
        fail(ERROR_OUTOFMEMORY, L"Out of memory.");
        return NULL;
    }
    en->prov = meta->prov;
    en->parent = meta;   /* the enumerator keeps the metadata alive */
    return publish(en);
}

EVT_EXPORT EVT_HANDLE WINAPI EvtNextEventMetadata(EVT_HANDLE EventMetadataEnum, DWORD Flags)
{
    obj *en = get(EventMetadataEnum, T_EMENUM);
    if (!en)
        return NULL;
    EVT_HANDLE result = NULL;
    if (Flags != 0) {
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        goto out;
    }
    const fg_event_meta *m;
    int n = fleetgen_event_metadata(en->prov, &m);
    LONG idx = InterlockedIncrement(&en->epos) - 1;
    if (idx >= n) {
        InterlockedExchange(&en->epos, n);   /* stays at the end */
        fail(ERROR_NO_MORE_ITEMS, L"No more data is available.");
        goto out;
    }
    obj *em = obj_new(T_EMETA);
    if (!em) {
        fail(ERROR_OUTOFMEMORY, L"Out of memory.");
        goto out;
    }
    em->prov = en->prov;
    em->epos = idx;
    result = publish(em);
out:
    obj_release(en);
    return result;
}

EVT_EXPORT BOOL WINAPI EvtGetEventMetadataProperty(EVT_HANDLE EventMetadata, EVT_EVENT_METADATA_PROPERTY_ID PropertyId,
                                                   DWORD Flags, DWORD BufferSize, PEVT_VARIANT Buffer, PDWORD BufferUsed)
{
    obj *em = get(EventMetadata, T_EMETA);
    if (!em)
        return FALSE;
    BOOL ok = FALSE;
    if (Flags != 0 || !BufferUsed || (int)PropertyId < 0 || PropertyId >= EvtEventMetadataPropertyIdEND) {
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        goto out;
    }
    const fg_event_meta *all;
    int n = fleetgen_event_metadata(em->prov, &all);
    if (em->epos >= n) {
        fail(ERROR_INVALID_HANDLE, L"The handle is invalid.");
        goto out;
    }
    const fg_event_meta *m = &all[em->epos];
    EVT_VARIANT v;
    memset(&v, 0, sizeof v);
    v.Type = EvtVarTypeUInt32;
    const char *str = NULL;
    switch (PropertyId) {
    case EventMetadataEventID: v.UInt32Val = m->event_id; break;
    case EventMetadataEventVersion: v.UInt32Val = m->version; break;
    case EventMetadataEventChannel: v.UInt32Val = m->channel; break;
    case EventMetadataEventLevel: v.UInt32Val = m->level; break;
    case EventMetadataEventOpcode: v.UInt32Val = m->opcode; break;
    case EventMetadataEventTask: v.UInt32Val = m->task; break;
    case EventMetadataEventKeyword: v.Type = EvtVarTypeHexInt64; v.UInt64Val = m->keywords; break;
    case EventMetadataEventMessageID: v.UInt32Val = m->message_id; break;
    case EventMetadataEventTemplate:
        if (m->template_xml) {
            v.Type = EvtVarTypeString;
            str = m->template_xml;
        } else {
            v.Type = EvtVarTypeNull;
        }
        break;
    default: break;
    }
    /* the variant, then (for the template) the UTF-16 string it points at, in the same buffer */
    int units = str ? MultiByteToWideChar(CP_UTF8, 0, str, -1, NULL, 0) : 0;
    DWORD need = (DWORD)sizeof(EVT_VARIANT) + (DWORD)units * (DWORD)sizeof(WCHAR);
    *BufferUsed = need;
    if (!Buffer || BufferSize < need) {
        fail(ERROR_INSUFFICIENT_BUFFER, L"The data area passed to a system call is too small.");
        goto out;
    }
    if (str) {
        WCHAR *w = (WCHAR *)(Buffer + 1);
        MultiByteToWideChar(CP_UTF8, 0, str, -1, w, units);
        v.StringVal = w;
    }
    *Buffer = v;
    ok = TRUE;
out:
    obj_release(em);
    return ok;
}


EVT_EXPORT DWORD WINAPI EvtGetExtendedStatus(DWORD BufferSize, LPWSTR Buffer, PDWORD BufferUsed)
{
    const WCHAR *s = g_tls != TLS_OUT_OF_INDEXES ? TlsGetValue(g_tls) : NULL;
    if (!s)
        s = L"";
    DWORD need = (DWORD)wcslen(s) + 1;
    if (!BufferUsed)
        return ERROR_INVALID_PARAMETER;
    *BufferUsed = need;
    if (!Buffer || BufferSize < need)
        return ERROR_INSUFFICIENT_BUFFER;
    memcpy(Buffer, s, need * sizeof(WCHAR));
    return ERROR_SUCCESS;
}

/* ------------------------------------------------------------------ not simulated */

#define NOTSUP_BOOL  { fail(ERROR_NOT_SUPPORTED, L"Not supported by the simulated fleet."); return FALSE; }
#define NOTSUP_NULL  { fail(ERROR_NOT_SUPPORTED, L"Not supported by the simulated fleet."); return NULL; }

EVT_EXPORT BOOL WINAPI EvtExportLog(EVT_HANDLE a, LPCWSTR b, LPCWSTR c, LPCWSTR d, DWORD e) NOTSUP_BOOL
EVT_EXPORT BOOL WINAPI EvtGetEventInfo(EVT_HANDLE a, EVT_EVENT_PROPERTY_ID b, DWORD c, PEVT_VARIANT d, PDWORD e) NOTSUP_BOOL
EVT_EXPORT BOOL WINAPI EvtGetPublisherMetadataProperty(EVT_HANDLE a, EVT_PUBLISHER_METADATA_PROPERTY_ID b, DWORD c,
                                                       DWORD d, PEVT_VARIANT e, PDWORD f) NOTSUP_BOOL
EVT_EXPORT BOOL WINAPI EvtNextPublisherId(EVT_HANDLE a, DWORD b, LPWSTR c, PDWORD d) NOTSUP_BOOL
EVT_EXPORT EVT_HANDLE WINAPI EvtOpenPublisherEnum(EVT_HANDLE a, DWORD b) NOTSUP_NULL
EVT_EXPORT BOOL WINAPI EvtGetQueryInfo(EVT_HANDLE a, EVT_QUERY_PROPERTY_ID b, DWORD c, PEVT_VARIANT d, PDWORD e) NOTSUP_BOOL
EVT_EXPORT BOOL WINAPI EvtGetChannelConfigProperty(EVT_HANDLE a, EVT_CHANNEL_CONFIG_PROPERTY_ID b, DWORD c, DWORD d,
                                                   PEVT_VARIANT e, PDWORD f) NOTSUP_BOOL
EVT_EXPORT EVT_HANDLE WINAPI EvtOpenChannelConfig(EVT_HANDLE a, LPCWSTR b, DWORD c) NOTSUP_NULL
EVT_EXPORT BOOL WINAPI EvtArchiveExportedLog(EVT_HANDLE a, LPCWSTR b, LCID c, DWORD d) NOTSUP_BOOL
EVT_EXPORT BOOL WINAPI EvtClearLog(EVT_HANDLE a, LPCWSTR b, LPCWSTR c, DWORD d) NOTSUP_BOOL
EVT_EXPORT BOOL WINAPI EvtGetObjectArrayProperty(EVT_OBJECT_ARRAY_PROPERTY_HANDLE a, DWORD b, DWORD c, DWORD d, DWORD e,
                                                 PEVT_VARIANT f, PDWORD g) NOTSUP_BOOL
EVT_EXPORT BOOL WINAPI EvtGetObjectArraySize(EVT_OBJECT_ARRAY_PROPERTY_HANDLE a, PDWORD b) NOTSUP_BOOL
EVT_EXPORT BOOL WINAPI EvtSetChannelConfigProperty(EVT_HANDLE a, EVT_CHANNEL_CONFIG_PROPERTY_ID b, DWORD c,
                                                   PEVT_VARIANT d) NOTSUP_BOOL
EVT_EXPORT BOOL WINAPI EvtSaveChannelConfig(EVT_HANDLE a, DWORD b) NOTSUP_BOOL

/* ------------------------------------------------------------------ DllMain: the handle report */

static void write_report(void)
{
    WCHAR path[MAX_PATH + 4];
    if (!env_path(L"ESFAKE_LEAKS", path, MAX_PATH + 4))
        return;
    char text[1024];
    LONG total = 0;
    for (int t = 1; t < T_NTYPES; t++)
        total += g_open[t];
    int n = snprintf(text, sizeof text, "open_handles=%ld\r\n", (long)total);
    for (int t = 1; t < T_NTYPES; t++)
        n += snprintf(text + n, sizeof text - (size_t)n, "open_%s=%ld\r\n", g_type_names[t], (long)g_open[t]);
    n += snprintf(text + n, sizeof text - (size_t)n, "queries=%ld\r\nmax_concurrent_queries=%ld\r\n",
                  (long)g_queries, (long)g_max_inflight);
    HANDLE f = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE)
        return;
    DWORD wrote;
    WriteFile(f, text, (DWORD)n, &wrote, NULL);
    CloseHandle(f);
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    if (reason == DLL_PROCESS_ATTACH) {
        g_load_ticks = now_ticks();
        g_tls = TlsAlloc();
        DisableThreadLibraryCalls(inst);
    } else if (reason == DLL_PROCESS_DETACH) {
        write_report();
    }
    return TRUE;
}
