/* The SIMULATED FLEET's bookmarks: EvtCreateBookmark (from nothing or from XML, parsed
 * defensively), EvtUpdateBookmark, EvtRender(EvtRenderBookmark), and EvtSeek on a result set.
 * Test-only, part of the fake wevtapi.dll; see tests/fake/README ("Bookmarks"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake.h"

#define EVT_EXPORT

/* ------------------------------------------------------------------ bookmarks */

#define BM_MAX      64      /* channels in one bookmark */
#define BM_CHANNEL  256
#define BM_XML_MAX  65536   /* characters of bookmark XML accepted */

typedef struct bm_entry { char channel[BM_CHANNEL]; uint64_t record_id; } bm_entry;
struct fake_bm { int n, current; bm_entry e[BM_MAX]; };

static SRWLOCK g_bm_lock = SRWLOCK_INIT;

static int bm_find(const struct fake_bm *b, const char *channel)
{
    for (int i = 0; i < b->n; i++)
        if (!_stricmp(b->e[i].channel, channel))
            return i;
    return -1;
}

int bm_lookup(obj *bm, const char *channel, uint64_t *rid)
{
    AcquireSRWLockShared(&g_bm_lock);
    int i = bm_find(bm->bm, channel);
    if (i >= 0)
        *rid = bm->bm->e[i].record_id;
    ReleaseSRWLockShared(&g_bm_lock);
    return i >= 0;
}

/* ---- the bookmark XML, parsed defensively: the text may come from a hostile file ---- */

typedef struct px { const char *p; } px;

static void px_ws(px *x)
{
    while (*x->p == ' ' || *x->p == '\t' || *x->p == '\r' || *x->p == '\n')
        x->p++;
}

static int px_lit(px *x, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(x->p, lit, n))
        return 0;
    x->p += n;
    return 1;
}

/* One attribute: name='value' or name="value" (entities &amp; &lt; &gt; &apos; &quot; and &#N;
 * decoded, to ASCII only). 1 with name/value, 0 when none follows, -1 when malformed. */
static int px_attr(px *x, char *name, size_t ncap, char *val, size_t vcap)
{
    px_ws(x);
    size_t n = 0;
    while ((*x->p >= 'A' && *x->p <= 'Z') || (*x->p >= 'a' && *x->p <= 'z')) {
        if (n + 1 >= ncap)
            return -1;
        name[n++] = *x->p++;
    }
    name[n] = 0;
    if (!n)
        return 0;
    px_ws(x);
    if (*x->p++ != '=')
        return -1;
    px_ws(x);
    char q = *x->p++;
    if (q != '\'' && q != '"')
        return -1;
    size_t v = 0;
    while (*x->p != q) {
        char c = *x->p++;
        if (!c || c == '<')
            return -1;
        if (c == '&') {
            static const struct { const char *e; char c; } ents[] = {
                {"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"apos;", '\''}, {"quot;", '"'}};
            int found = 0;
            for (size_t i = 0; i < sizeof ents / sizeof *ents && !found; i++)
                if (px_lit(x, ents[i].e))
                    c = ents[i].c, found = 1;
            if (!found && px_lit(x, "#")) {
                unsigned long cp = 0;
                int digits = 0;
                for (; *x->p >= '0' && *x->p <= '9' && digits < 8; x->p++, digits++)
                    cp = cp * 10 + (unsigned long)(*x->p - '0');
                if (!digits || cp == 0 || cp > 127 || *x->p++ != ';')
                    return -1;
                c = (char)cp;
                found = 1;
            }
            if (!found)
                return -1;
        }
        if (v + 1 >= vcap)
            return -1;
        val[v++] = c;
    }
    x->p++;
    val[v] = 0;
    return 1;
}

static int parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            return 0;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 1;
}

/* <BookmarkList [Direction='...']> (<Bookmark Channel='C' RecordId='N' [IsCurrent='true']/>)*
 * </BookmarkList>, or <BookmarkList/>; white space between; an optional <?xml ...?> first.
 * Returns NULL when malformed (why says what). */
static const char *bm_parse(const char *text, struct fake_bm *b)
{
    px x = {text};
    char name[32], val[BM_CHANNEL];
    int r;
    memset(b, 0, sizeof *b);
    b->current = -1;
    px_ws(&x);
    if (px_lit(&x, "<?xml")) {
        const char *e = strstr(x.p, "?>");
        if (!e)
            return NULL;
        x.p = e + 2;
        px_ws(&x);
    }
    if (!px_lit(&x, "<BookmarkList"))
        return NULL;
    while ((r = px_attr(&x, name, sizeof name, val, sizeof val)) == 1)
        if (strcmp(name, "Direction"))
            return NULL;
    if (r < 0)
        return NULL;
    px_ws(&x);
    if (px_lit(&x, "/>"))
        goto end;
    if (!px_lit(&x, ">"))
        return NULL;
    for (;;) {
        px_ws(&x);
        if (px_lit(&x, "</BookmarkList"))
            break;
        if (!px_lit(&x, "<Bookmark") || b->n >= BM_MAX)
            return NULL;
        bm_entry e = {"", 0};
        int has_channel = 0, has_id = 0, current = 0;
        while ((r = px_attr(&x, name, sizeof name, val, sizeof val)) == 1) {
            if (!strcmp(name, "Channel") && !has_channel && val[0]) {
                strcpy(e.channel, val);
                has_channel = 1;
            } else if (!strcmp(name, "RecordId") && !has_id && parse_u64(val, &e.record_id)) {
                has_id = 1;
            } else if (!strcmp(name, "IsCurrent") && (!strcmp(val, "true") || !strcmp(val, "false"))) {
                current = val[0] == 't';
            } else {
                return NULL;
            }
        }
        px_ws(&x);
        if (r < 0 || !has_channel || !has_id || !px_lit(&x, "/>"))
            return NULL;
        int i = bm_find(b, e.channel);
        if (i < 0)
            i = b->n++;
        b->e[i] = e;
        if (current)
            b->current = i;
    }
    px_ws(&x);
    if (!px_lit(&x, ">"))
        return NULL;
end:
    px_ws(&x);
    return *x.p ? NULL : x.p;
}

EVT_EXPORT EVT_HANDLE WINAPI EvtCreateBookmark(LPCWSTR BookmarkXml)
{
    struct fake_bm *b = calloc(1, sizeof *b);
    obj *o = b ? obj_new(T_BOOKMARK) : NULL;
    if (!o) {
        free(b);
        fail(ERROR_OUTOFMEMORY, L"Out of memory.");
        return NULL;
    }
    o->bm = b;
    b->current = -1;
    if (BookmarkXml) {
        size_t len = wcsnlen(BookmarkXml, BM_XML_MAX + 1);
        int n = len <= BM_XML_MAX ? WideCharToMultiByte(CP_UTF8, 0, BookmarkXml, (int)len, NULL, 0, NULL, NULL) : 0;
        char *t = n > 0 ? malloc((size_t)n + 1) : NULL;
        if (t)
            t[WideCharToMultiByte(CP_UTF8, 0, BookmarkXml, (int)len, t, n, NULL, NULL)] = 0;
        if (!t || !bm_parse(t, b)) {
            free(t);
            obj_release(o);
            fail(ERROR_EVT_MALFORMED_XML_TEXT, L"The specified XML text was not well-formed (a bookmark: "
                 L"<BookmarkList><Bookmark Channel='...' RecordId='N'/></BookmarkList>).");
            return NULL;
        }
        free(t);
    }
    return publish(o);
}

EVT_EXPORT BOOL WINAPI EvtUpdateBookmark(EVT_HANDLE Bookmark, EVT_HANDLE Event)
{
    obj *bm = get(Bookmark, T_BOOKMARK), *ev = bm ? get(Event, T_EVENT) : NULL;
    BOOL ok = FALSE;
    if (ev) {
        AcquireSRWLockExclusive(&g_bm_lock);
        struct fake_bm *b = bm->bm;
        int i = bm_find(b, ev->channel);
        if (i < 0 && b->n < BM_MAX) {
            i = b->n++;
            snprintf(b->e[i].channel, sizeof b->e[i].channel, "%s", ev->channel);
        }
        if (i >= 0) {
            b->e[i].record_id = ev->k;
            b->current = i;
            ok = TRUE;
        }
        ReleaseSRWLockExclusive(&g_bm_lock);
        if (!ok)
            fail(ERROR_INVALID_PARAMETER, L"The bookmark holds too many channels.");
    }
    obj_release(ev);
    obj_release(bm);
    return ok;
}

/* EvtRender(NULL, bookmark, EvtRenderBookmark, ...): the XML Windows writes, UTF-16, BufferUsed
 * in bytes with the NUL. */
BOOL bookmark_render(EVT_HANDLE h, DWORD size, PVOID buf, PDWORD used, PDWORD count)
{
    obj *bm = get(h, T_BOOKMARK);
    if (!bm)
        return FALSE;
    size_t cap = 64 + (size_t)BM_MAX * (BM_CHANNEL * 6 + 80), n = 0;
    char *t = malloc(cap);
    BOOL ok = FALSE;
    if (!t) {
        fail(ERROR_OUTOFMEMORY, L"Out of memory.");
        goto out;
    }
    AcquireSRWLockShared(&g_bm_lock);
    n += (size_t)sprintf(t + n, "<BookmarkList>\r\n");
    for (int i = 0; i < bm->bm->n; i++) {
        n += (size_t)sprintf(t + n, "  <Bookmark Channel='");
        for (const char *c = bm->bm->e[i].channel; *c; c++) {
            const char *esc = *c == '\'' ? "&apos;" : *c == '&' ? "&amp;" : *c == '<' ? "&lt;" : NULL;
            if (esc)
                n += (size_t)sprintf(t + n, "%s", esc);
            else
                t[n++] = *c;
        }
        n += (size_t)sprintf(t + n, "' RecordId='%llu'%s/>\r\n", (unsigned long long)bm->bm->e[i].record_id,
                             i == bm->bm->current ? " IsCurrent='true'" : "");
    }
    ReleaseSRWLockShared(&g_bm_lock);
    n += (size_t)sprintf(t + n, "</BookmarkList>");
    int units = MultiByteToWideChar(CP_UTF8, 0, t, (int)n + 1, NULL, 0);
    *used = (DWORD)units * sizeof(WCHAR);
    if (count)
        *count = 0;
    if (units <= 0) {
        fail(ERROR_INVALID_DATA, L"Bad text.");
    } else if (!buf || size < *used) {
        fail(ERROR_INSUFFICIENT_BUFFER, L"The data area passed to a system call is too small.");
    } else {
        MultiByteToWideChar(CP_UTF8, 0, t, (int)n + 1, buf, units);
        ok = TRUE;
    }
out:
    free(t);
    obj_release(bm);
    return ok;
}

/* ------------------------------------------------------------------ EvtSeek */

static int q_match(const obj *q, uint64_t k)
{
    return k >= q->first && k <= q->last && rec_match(q, q->xq, k, q->qnow, q->ignore_time);
}

/* From record k (excluded), the count-th record of the result set in direction dir (+1: the
 * order EvtNext returns them, -1: back), or 0 when the set ends first. */
static uint64_t q_walk(const obj *q, uint64_t k, int dir, uint64_t count)
{
    int up = q->reverse ? dir < 0 : dir > 0;   /* towards higher record ids */
    while (count) {
        if (up ? k >= q->last : k <= q->first)
            return 0;
        k = up ? k + 1 : k - 1;
        if (q_match(q, k))
            count--;
    }
    return k;
}

/* The result set's first (dir +1) or last (dir -1) record, or 0 when it is empty. */
static uint64_t q_end(const obj *q, int dir)
{
    int from_low = q->reverse ? dir < 0 : dir > 0;
    uint64_t k = from_low ? q->first - 1 : q->last + 1;
    if (q->first > q->last)
        return 0;
    return q_walk(q, k, from_low == !q->reverse ? 1 : -1, 1);
}

/* EvtSeek on a result set of EvtQuery: EvtSeekRelativeToFirst (offset >= 0), ...ToLast (<= 0)
 * and ...ToBookmark (any), with EvtSeekStrict; the record it lands on is the one the next
 * EvtNext returns first. As EVT_SEEK_FLAGS documents: a bookmarked record that is not in the
 * result set (by record id) counts from where it would be (offsets 0 and 1 both land on the
 * first record after it); past either end, without EvtSeekStrict, the last record within the
 * boundary. Our choices: strict and a missing bookmarked record ERROR_NOT_FOUND, strict and past
 * an end ERROR_EVT_QUERY_RESULT_INVALID_POSITION; a bookmark without this channel
 * ERROR_NOT_FOUND; EvtSeekRelativeToCurrent ERROR_NOT_SUPPORTED. */
EVT_EXPORT BOOL WINAPI EvtSeek(EVT_HANDLE ResultSet, LONGLONG Position, EVT_HANDLE Bookmark, DWORD Timeout, DWORD Flags)
{
    obj *q = get(ResultSet, T_QUERY), *bm = NULL;
    if (!q)
        return FALSE;
    BOOL ok = FALSE;
    DWORD origin = Flags & EvtSeekOriginMask;
    int strict = (Flags & EvtSeekStrict) != 0;
    if (Timeout != 0 || (Flags & ~(DWORD)(EvtSeekOriginMask | EvtSeekStrict)) || origin < EvtSeekRelativeToFirst ||
        origin > EvtSeekRelativeToBookmark || ((origin == EvtSeekRelativeToBookmark) != (Bookmark != NULL)) ||
        (origin == EvtSeekRelativeToFirst && Position < 0) || (origin == EvtSeekRelativeToLast && Position > 0)) {
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        goto done;
    }
    if (origin == EvtSeekRelativeToCurrent) {
        fail(ERROR_NOT_SUPPORTED, L"The simulated fleet seeks relative to the first, the last or a bookmarked record.");
        goto done;
    }
    if (Bookmark && !(bm = get(Bookmark, T_BOOKMARK)))
        goto done;
    EnterCriticalSection(&q->cs);
    uint64_t mag = Position < 0 ? (uint64_t)(-(Position + 1)) + 1 : (uint64_t)Position, x = 0, rid = 0;
    int dir = Position < 0 ? -1 : 1, past = 0;
    if (q->broken) {
        fail(RPC_S_CALL_FAILED, L"The remote procedure call failed.");
        goto out;
    }
    if (origin == EvtSeekRelativeToFirst || origin == EvtSeekRelativeToLast) {
        uint64_t base = q_end(q, origin == EvtSeekRelativeToFirst ? 1 : -1);
        x = base && mag ? q_walk(q, base, dir, mag) : base;
        past = base && !x;
    } else {
        if (!bm_lookup(bm, q->channel, &rid) || (strict && !q_match(q, rid))) {
            fail(ERROR_NOT_FOUND, L"The bookmarked event is not in the result set.");
            goto out;
        }
        if (q_match(q, rid))
            x = mag ? q_walk(q, rid, dir, mag) : rid;
        else   /* not in the set: count from where it would be */
            x = q_walk(q, rid, dir, mag ? mag : 1);
        past = !x;
    }
    if (past && strict) {
        fail(ERROR_EVT_QUERY_RESULT_INVALID_POSITION, L"The seek goes past the end of the result set.");
        goto out;
    }
    if (!x)   /* the last record within the boundary (none: an empty set, at its end) */
        x = q_end(q, dir > 0 ? -1 : 1);
    if (!x) {
        q->nleft = 0;
    } else {
        q->pos = x;
        q->nleft = q->reverse ? x - q->first + 1 : q->last - x + 1;
    }
    ok = TRUE;
out:
    LeaveCriticalSection(&q->cs);
done:
    obj_release(bm);
    obj_release(q);
    return ok;
}
