/* classic_msg: a classic event's message from the local message file (classic_msg.h). */
#include "classic_msg.h"
#include "source_classic.h"
#include "winutil.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define SLOTS       512   /* sources cached per reader (a power of two) */
#define SLOTS_USED  384   /* more distinct sources than this (a hostile server): not formatted */
#define FILES       4     /* message files kept per source */
#define SOURCE_MAX  255   /* characters of a registry key's name */
#define KEY_ROOT    L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\"

typedef struct entry {
    char   *source;       /* NULL: a free slot */
    HMODULE mods[FILES];
    int     n;            /* 0: the source has no message file here */
} entry;

struct classic_msgs {
    const classic_api *api;
    WCHAR   log[64];
    entry   slots[SLOTS];
    size_t  used;
    WCHAR  *wide;         /* the insertion strings in UTF-16, NUL-separated */
    size_t  wide_cap;     /* WCHARs */
    es_buf  out;          /* the last message, UTF-8 */
};

classic_msgs *classic_msgs_new(const WCHAR *log)
{
    if (!log || wcslen(log) >= 64)
        return NULL;
    classic_msgs *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->api = classic_get_api();
    wcscpy(m->log, log);
    es_buf_init(&m->out);
    return m;
}

void classic_msgs_free(classic_msgs *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < SLOTS; i++) {
        for (int k = 0; k < m->slots[i].n; k++)
            m->api->Unload(m->slots[i].mods[k]);
        free(m->slots[i].source);
    }
    free(m->wide);
    es_buf_free(&m->out);
    free(m);
}

static BOOL absolute_path(const WCHAR *p)
{
    return (p[0] && p[1] == L':' && p[2] == L'\\') || (p[0] == L'\\' && p[1] == L'\\');
}

/* Loads the message files the registry names for source (wide) into e. */
static void load_files(classic_msgs *m, entry *e, const WCHAR *source)
{
    WCHAR key[64 + SOURCE_MAX + 64];
    swprintf(key, sizeof key / sizeof *key, L"%ls%ls\\%ls", KEY_ROOT, m->log, source);
    WCHAR list[1024];
    DWORD type = 0, bytes = sizeof list - sizeof(WCHAR);
    LSTATUS rc = m->api->RegValue(HKEY_LOCAL_MACHINE, key, L"EventMessageFile",
                                  RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, &type, list, &bytes);
    if (rc != ERROR_SUCCESS || bytes > sizeof list - sizeof(WCHAR))
        return;   /* none, or a list longer than any real one: unformatted */
    list[bytes / sizeof(WCHAR)] = 0;
    WCHAR *p = list;
    while (*p && e->n < FILES) {
        WCHAR *end = wcschr(p, L';');
        WCHAR *next = end ? end + 1 : p + wcslen(p);
        if (end)
            *end = 0;
        while (*p == L' ')
            p++;
        for (size_t n = wcslen(p); n > 0 && p[n - 1] == L' ';)
            p[--n] = 0;
        WCHAR path[MAX_PATH + 1];
        DWORD n = *p ? ExpandEnvironmentStringsW(p, path, MAX_PATH + 1) : 0;
        if (n > 0 && n <= MAX_PATH + 1) {
            /* a data file: its resources are read, none of its code runs; a bare name only from System32 */
            DWORD flags = LOAD_LIBRARY_AS_DATAFILE | LOAD_LIBRARY_AS_IMAGE_RESOURCE;
            HMODULE mod = m->api->LoadModule(path, NULL, absolute_path(path) ? flags : flags | LOAD_LIBRARY_SEARCH_SYSTEM32);
            if (mod)
                e->mods[e->n++] = mod;
        }
        p = next;
    }
}

static entry *lookup(classic_msgs *m, const char *source)
{
    uint32_t h = 2166136261u;   /* FNV-1a */
    for (const unsigned char *s = (const unsigned char *)source; *s; s++)
        h = (h ^ *s) * 16777619u;
    for (size_t i = 0; i < SLOTS; i++) {
        entry *e = &m->slots[(h + i) & (SLOTS - 1)];
        if (e->source && !strcmp(e->source, source))
            return e;
        if (e->source)
            continue;
        if (m->used >= SLOTS_USED || !(e->source = _strdup(source)))
            return NULL;
        m->used++;
        WCHAR *w = wu_wide(source);
        if (w && *w && wcslen(w) <= SOURCE_MAX && !wcschr(w, L'\\'))   /* a plain key name only */
            load_files(m, e, w);
        free(w);
        return e;
    }
    return NULL;
}

/* The insertion strings as an argument array of CLASSIC_MSG_ARGS entries ("" past the last). */
static BOOL make_args(classic_msgs *m, const es_event *ev, DWORD_PTR *args)
{
    size_t n = ev->ndata < 99 ? ev->ndata : 99, need = 0;
    for (size_t i = 0; i < n; i++) {
        const char *v = ev->data[i].value ? ev->data[i].value : "";
        need += (size_t)MultiByteToWideChar(CP_UTF8, 0, v, -1, NULL, 0) + 1;
    }
    if (need > m->wide_cap) {
        WCHAR *nw = realloc(m->wide, need * sizeof *nw);
        if (!nw)
            return FALSE;
        m->wide = nw;
        m->wide_cap = need;
    }
    for (size_t i = 0; i < CLASSIC_MSG_ARGS; i++)
        args[i] = (DWORD_PTR)L"";
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        const char *v = ev->data[i].value ? ev->data[i].value : "";
        int got = MultiByteToWideChar(CP_UTF8, 0, v, -1, m->wide + at, (int)(need - at));
        if (got <= 0)
            m->wide[at] = 0, got = 1;   /* an invalid string: inserted empty */
        args[i] = (DWORD_PTR)(m->wide + at);
        at += (size_t)got;
    }
    return TRUE;
}

const char *classic_msgs_format(classic_msgs *m, const es_event *ev)
{
    if (!m || !ev->provider || !*ev->provider)
        return NULL;
    entry *e = lookup(m, ev->provider);
    if (!e || e->n == 0)
        return NULL;
    DWORD_PTR args[CLASSIC_MSG_ARGS];
    if (!make_args(m, ev, args))
        return NULL;
    DWORD id = (DWORD)ev->qualifiers << 16 | (ev->event_id & 0xFFFF);   /* the message's ID is the full one */
    for (int k = 0; k < e->n; k++) {
        WCHAR *text = NULL;
        DWORD len = m->api->Format(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY |
                                       FORMAT_MESSAGE_ALLOCATE_BUFFER,
                                   e->mods[k], id, 0, (LPWSTR)&text, 0, (va_list *)args);
        if (!len || !text) {
            if (text)
                LocalFree(text);
            continue;   /* not in this file: the next one */
        }
        if (len > CLASSIC_MSG_MAX)
            len = CLASSIC_MSG_MAX;
        while (len > 0 && (text[len - 1] == L'\r' || text[len - 1] == L'\n' || text[len - 1] == L' '))
            len--;   /* messages end with a line break */
        es_buf_clear(&m->out);
        BOOL ok = len > 0 && wu_append_utf8(&m->out, text, len) && es_buf_reserve(&m->out, 0);
        LocalFree(text);
        return ok ? m->out.data : NULL;
    }
    return NULL;
}
