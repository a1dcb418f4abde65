/* The 1722 probe's network calls (es_diag.h's es_probe_ops) through Winsock: the name resolved
 * with GetAddrInfoW, then a non-blocking TCP connect to port 135 of each address, bounded by a
 * select() timeout.
 *
 * A resolver cannot be cancelled and may hang on a dead DNS server, and the probe only adds
 * words to an error already known: so it runs on a thread of its own, and the worker waits for
 * it at most wait_ms (waking every 100 ms to see whether the sweep was stopped). A probe that
 * has not answered by then is left to finish alone: it owns its state with the waiter (the last
 * of the two frees it) and touches nothing else. ws2_32.dll is one of Windows' KnownDLLs
 * (loaded from System32 whatever the search order). */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "probe.h"
#include "winutil.h"

#include <stdlib.h>
#include <string.h>

typedef struct ws_ctx {
    SOCKADDR_STORAGE addr[ES_PROBE_MAX_ADDRS];
    int              len[ES_PROBE_MAX_ADDRS];
    int              n;
} ws_ctx;

static int ws_resolve(void *ctx, const char *name, int max)
{
    ws_ctx *c = ctx;
    WCHAR *w = wu_wide(name);
    if (!w)
        return -1;   /* out of memory: no verdict */
    ADDRINFOW hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    int rc = GetAddrInfoW(w, L"135", &hints, &res);
    free(w);
    c->n = 0;
    if (rc != 0)   /* only "no such name" says the name does not resolve; other failures say nothing */
        return rc == WSAHOST_NOT_FOUND || rc == WSANO_DATA ? 0 : -1;
    for (ADDRINFOW *a = res; a && c->n < max && c->n < ES_PROBE_MAX_ADDRS; a = a->ai_next) {
        if (a->ai_addrlen > sizeof c->addr[0])
            continue;
        memcpy(&c->addr[c->n], a->ai_addr, a->ai_addrlen);
        c->len[c->n] = (int)a->ai_addrlen;
        c->n++;
    }
    FreeAddrInfoW(res);
    return c->n;
}

/* One attempt: 1 accepted, 0 refused or no answer within timeout_ms, -1 could not tell. */
static int ws_connect_once(const SOCKADDR_STORAGE *a, int len, unsigned timeout_ms)
{
    SOCKET s = socket(a->ss_family, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET)
        return -1;
    u_long nb = 1;
    int r = -1;
    if (ioctlsocket(s, FIONBIO, &nb) == 0) {
        if (connect(s, (const SOCKADDR *)a, len) == 0) {
            r = 1;
        } else {
            int e = WSAGetLastError();
            if (e == WSAECONNREFUSED || e == WSAENETUNREACH || e == WSAEHOSTUNREACH || e == WSAETIMEDOUT)
                r = 0;
            else if (e == WSAEWOULDBLOCK) {
                fd_set wr, ex;
                FD_ZERO(&wr);
                FD_ZERO(&ex);
                FD_SET(s, &wr);
                FD_SET(s, &ex);
                struct timeval tv = {(long)(timeout_ms / 1000), (long)(timeout_ms % 1000) * 1000};
                int n = select(0, NULL, &wr, &ex, &tv);   /* a socket in both sets counts twice */
                if (n == 0) {
                    r = 0;   /* no answer in time */
                } else if (n > 0) {
                    int se = 0, sl = sizeof se;
                    if (getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&se, &sl) == 0)
                        r = se == 0 && FD_ISSET(s, &wr) ? 1 : se != 0 ? 0 : -1;
                }
            }
        }
    }
    closesocket(s);
    return r;
}

static int ws_connect(void *ctx, int i, unsigned port, unsigned timeout_ms)
{
    ws_ctx *c = ctx;
    if (i < 0 || i >= c->n)
        return 0;
    SOCKADDR_STORAGE a = c->addr[i];
    if (a.ss_family == AF_INET)
        ((SOCKADDR_IN *)&a)->sin_port = htons((u_short)port);
    else if (a.ss_family == AF_INET6)
        ((SOCKADDR_IN6 *)&a)->sin6_port = htons((u_short)port);
    else
        return -1;
    /* A refusal is asked once more after a moment: the answer names the cause an admin goes to
     * fix, so one stray reset must not decide it. A silence (the timeout) is not asked again. */
    ULONGLONG t0 = GetTickCount64();
    int r = ws_connect_once(&a, c->len[i], timeout_ms);
    if (r <= 0 && GetTickCount64() - t0 < timeout_ms / 2) {
        Sleep(100);
        int again = ws_connect_once(&a, c->len[i], timeout_ms);
        if (again > r)   /* accepted, then refused, then could not tell */
            r = again;
    }
    return r;
}

typedef struct probe_run {
    volatile LONG refs;        /* the waiter and the thread */
    ws_ctx        net;
    char         *name;
    unsigned      connect_ms;
    volatile LONG verdict;     /* ES_PROBE_NONE until the thread has one */
} probe_run;

static void run_unref(probe_run *r)
{
    if (InterlockedDecrement(&r->refs) == 0) {
        free(r->name);
        free(r);
    }
}

static DWORD WINAPI probe_thread(void *arg)
{
    probe_run *r = arg;
    WSADATA wd;
    if (WSAStartup(MAKEWORD(2, 2), &wd) == 0) {
        es_probe_ops ops = {&r->net, ws_resolve, ws_connect};
        InterlockedExchange(&r->verdict, (LONG)es_probe_rpc(&ops, r->name, r->connect_ms));
        WSACleanup();
    }
    run_unref(r);
    return 0;
}

es_probe_verdict probe_server(const WCHAR *server, unsigned connect_ms, unsigned wait_ms, BOOL (*stop)(void *),
                              void *stop_ctx)
{
    probe_run *r = calloc(1, sizeof *r);
    if (!r)
        return ES_PROBE_NONE;
    r->name = wu_utf8(server);
    r->connect_ms = connect_ms;
    r->refs = 2;
    HANDLE th = r->name ? CreateThread(NULL, 256 * 1024, probe_thread, r, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL) : NULL;
    if (!th) {
        free(r->name);
        free(r);
        return ES_PROBE_NONE;
    }
    for (unsigned waited = 0; waited < wait_ms && !(stop && stop(stop_ctx)); waited += 100)
        if (WaitForSingleObject(th, 100) == WAIT_OBJECT_0)
            break;
    CloseHandle(th);
    es_probe_verdict v = (es_probe_verdict)InterlockedCompareExchange(&r->verdict, 0, 0);
    run_unref(r);
    return v;
}
