/* fake.h: what the simulated fleet's DLL files share (tests/fake/wevtapi.c, subscribe.c).
 * Test-only, private to the fake wevtapi.dll. See tests/fake/README. */
#ifndef FAKE_H
#define FAKE_H

#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winevt.h>

#include "fleetgen.h"
#include "xpath.h"

/* ---- objects and handles (wevtapi.c) ---- */

enum { T_SESSION = 1, T_QUERY, T_EVENT, T_CONTEXT, T_META, T_EMENUM, T_EMETA, T_CHENUM, T_LOG, T_SUB, T_BOOKMARK, T_NTYPES };
typedef struct obj obj;
struct obj {
    int           type;
    volatile LONG refs;
    HANDLE        cancel;       /* session, query, subscription: manual-reset, set by EvtCancel */
    obj          *session;      /* query, meta: the session (a reference); NULL = local */
    const fleet_server *srv;    /* NULL: not in the fleet */
    char          name[FLEET_NAME_MAX];
    /* session: the account it logs on with ("" = the caller's own logon); the password is
     * compared, never logged */
    char          login[300];
    char          login_pass[256];
    /* query, subscription */
    CRITICAL_SECTION cs;
    uint64_t      first, last, pos, returned, nleft;
    int           reverse;
    uint32_t      seq;
    int           broken, stale;   /* query: the server went away (1726) / the log moved under it (15011) */
    /* query, event */
    uint64_t      now;          /* FILETIME ticks of the anchor: EvtQuery, or the DLL load (clock=load) */
    char          channel[64];
    /* event */
    uint64_t      k;
    uint64_t      nth;          /* its position in its result set: 1 = the first returned */
    /* query: the compiled filter (NULL: every record), the moment of EvtQuery (timediff counts
     * from it), and whether the server ignores the time terms (nofilter) */
    xp_query     *xq;
    uint64_t      qnow;
    int           ignore_time;
    /* context */
    DWORD         ctx_flags;
    /* meta */
    int           prov;
    /* event metadata enumerator, event metadata */
    obj          *parent;       /* the publisher metadata (a reference) */
    volatile LONG epos;         /* enumerator: next index; event metadata: its index */
    /* session: an EvtQuery or EvtOpenLog through it reached its server (later ones cost a round
     * trip, next_latency, not the connect) */
    volatile LONG connected;
    /* subscription (subscribe.c), bookmark (subscribe.c): freed by sub_free */
    struct fake_sub *sub;
    struct fake_bm  *bm;
};

obj       *obj_new(int type);
void       obj_release(obj *o);
/* A referenced object of the type (0: any), or NULL with ERROR_INVALID_HANDLE. */
obj       *get(EVT_HANDLE h, int type);
EVT_HANDLE publish(obj *o);
/* Puts n objects in the table; returns 0 (and puts none) when out of memory. */
int        table_add(obj **objs, EVT_HANDLE *out, size_t n);

/* 1 when record k of src's server (its anchor, its channel) is selected by xq (NULL: all). */
int        rec_match(const obj *src, const xp_query *xq, uint64_t k, uint64_t now, int ignore_time);
/* The event handles of records ks[0..n-1] of src (n <= 64); 0 when out of memory (error set). */
int        hand_out(const obj *src, const uint64_t *ks, uint64_t n, uint64_t returned, EVT_HANDLE *out);

/* ---- errors, waits, time (wevtapi.c) ---- */

void     fail(DWORD code, const WCHAR *ext);
void     fail_utf8(DWORD code, const char *msg);
/* Waits ms (INFINITE allowed) unless a or b is cancelled: 0, or ERROR_CANCELLED. */
DWORD    sim_wait(const obj *a, const obj *b, DWORD ms);
int      to_utf8(const WCHAR *w, char *out, int cap);
uint64_t now_ticks(void);
uint64_t mix64(uint64_t x);
extern uint64_t g_load_ticks;   /* DLL_PROCESS_ATTACH: the anchor of clock=load (and live) servers */
/* 100-ns ticks since the DLL's load: the clock of the live keys (rate, dropafter, clearat...) */
static inline uint64_t since_load(void) { uint64_t n = now_ticks(); return n > g_load_ticks ? n - g_load_ticks : 0; }
static inline int fleet_is_live(const fleet_server *s)
{
    return s && (s->rate || s->has_drop || s->has_clear || s->maxrecords);
}
/* The server went away (dropafter) after a handle made `since` ticks after the load, by t: the
 * handle (a result set, a subscription) is dead for good. */
static inline int went_away(const fleet_server *s, uint64_t since, uint64_t t)
{
    return s->has_drop && since <= s->drop_at && t >= s->drop_at;
}

/* ---- the fleet (wevtapi.c) ---- */

extern fleet_server *g_fleet;
extern int g_nfleet;
extern DWORD g_fleet_error;
void  fleet_init(void);
const fleet_server *srv_now(const fleet_server *srv, int count);
/* How a server being contacted answers after the connect's wait: 0 or the error (set). */
DWORD contact_result(const fleet_server *srv, const obj *sess, DWORD waited);
DWORD connect_cost(const obj *sess, const fleet_server *srv);
/* The query text (UTF-16, NULL: all) compiled for path: 1 with *xq and *q8 (its UTF-8, malloc'ed
 * or NULL), or 0 with the error set (15001, 87, ...; *q8 may still need free). */
int   compile_query(LPCWSTR Query, const char *path, xp_query **xq, char **q8);
/* Reaches the server of sess (NULL: "localhost") for channel as EvtQuery does: the connect's
 * wait (EvtCancel of the session: 1223), hangquery, the server's answer, the channel. The server,
 * or NULL with the error set. is_query: counts as an EvtQuery (flaky=, queries=). */
const fleet_server *reach_server(obj *sess, const char *channel, int is_query);

/* ---- subscriptions (subscribe.c) and bookmarks (bookmark.c) ---- */

void sub_free(obj *o);          /* obj_release of a subscription or bookmark */
void sub_closed(obj *o);        /* EvtClose of a subscription: no signal after it returns */
BOOL sub_next(obj *s, DWORD n, EVT_HANDLE *events, DWORD timeout, DWORD *returned);
/* The record a bookmark holds for a channel: 1, or 0 when it holds none. */
int  bm_lookup(obj *bm, const char *channel, uint64_t *rid);
BOOL bookmark_render(EVT_HANDLE h, DWORD size, PVOID buf, PDWORD used, PDWORD count);

#endif
