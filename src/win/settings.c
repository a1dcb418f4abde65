/* Per-user settings under %APPDATA%\EventSweep (see settings.h). */
#include "settings.h"
#include "winutil.h"
#include "es_buf.h"
#include "es_cmdline.h"
#include "es_listfile.h"
#include "es_time.h"

#include <shlobj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define MAX_SETTINGS_FILE (16u << 20)

void settings_defaults(settings *s)
{
    memset(s, 0, sizeof *s);
    wcscpy(s->log, L"System");
    s->hours = ES_DEFAULT_HOURS;
    s->timeout = ES_DEFAULT_TIMEOUT;
    s->threads = ES_DEFAULT_THREADS;
    s->burst_servers = ES_BURST_DEFAULT_SERVERS;
    s->burst_minutes = ES_BURST_DEFAULT_MINUTES;
}

static BOOL folder(WCHAR *out, size_t cap, BOOL create)
{
    WCHAR *base = NULL;
    if (FAILED(SHGetKnownFolderPath(&FOLDERID_RoamingAppData, 0, NULL, &base)))
        return FALSE;
    swprintf(out, cap, L"%ls\\EventSweep", base);
    CoTaskMemFree(base);
    if (create)
        CreateDirectoryW(out, NULL);
    return TRUE;
}

BOOL settings_file(const WCHAR *name, WCHAR *out, size_t cap, BOOL create)
{
    WCHAR dir[MAX_PATH];
    if (!folder(dir, MAX_PATH, create))
        return FALSE;
    return swprintf(out, cap, L"%ls\\%ls", dir, name) > 0;
}

static int add_server(void *ctx, const char *entry, size_t line)
{
    (void)line;
    settings *s = ctx;
    if (!es_grow(&s->servers, &s->capservers, s->nservers + 1, sizeof *s->servers))
        return 1;
    s->servers[s->nservers] = _strdup(entry);
    if (s->servers[s->nservers])
        s->nservers++;
    return 0;
}

static int int_in(const char *v, int lo, int hi, int *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*v == 0 || *end != 0 || n < lo || n > hi)
        return 0;
    *out = (int)n;
    return 1;
}

static int set_key(void *ctx, const char *entry, size_t line)
{
    (void)line;
    settings *s = ctx;
    const char *eq = strchr(entry, '=');
    if (!eq)
        return 0;
    char key[32];
    size_t kl = (size_t)(eq - entry);
    if (kl >= sizeof key)
        return 0;
    memcpy(key, entry, kl);
    key[kl] = 0;
    const char *v = eq + 1;
    int n;
    if (strcmp(key, "log") == 0 && *v)
        wu_to_wide_buf(v, s->log, 256);
    else if (strcmp(key, "hours") == 0 && int_in(v, 0, (int)ES_HOURS_MAX, &n))
        s->hours = n;
    else if (strcmp(key, "timeout") == 0 && int_in(v, 1, ES_MAX_TIMEOUT, &n))
        s->timeout = n;
    else if (strcmp(key, "max_seconds") == 0 && int_in(v, 0, ES_MAX_TIMEOUT, &n))
        s->max_seconds = n;
    else if (strcmp(key, "max_memory_mb") == 0 && int_in(v, 0, ES_MAX_MEMORY_MB, &n))
        s->max_memory_mb = n;
    else if (strcmp(key, "threads") == 0 && int_in(v, 1, ES_MAX_THREADS, &n))
        s->threads = n;
    else if (strcmp(key, "engine") == 0 && int_in(v, 0, 2, &n))
        s->engine = n;
    else if (strcmp(key, "burst_servers") == 0 && int_in(v, 2, ES_BURST_MAX_SERVERS, &n))
        s->burst_servers = n;
    else if (strcmp(key, "burst_minutes") == 0 && int_in(v, 1, ES_BURST_MAX_MINUTES, &n))
        s->burst_minutes = n;
    else if (strcmp(key, "levels") == 0)
        wu_to_wide_buf(v, s->levels, 160);
    else if (strcmp(key, "ids") == 0)
        wu_to_wide_buf(v, s->ids, SETTINGS_FILTER_TEXT);
    else if (strcmp(key, "providers") == 0)
        wu_to_wide_buf(v, s->providers, SETTINGS_FILTER_TEXT);
    else if (strcmp(key, "maximized") == 0 && int_in(v, 0, 1, &n))
        s->maximized = n;
    else if (strcmp(key, "columns") == 0) {
        /* "W:O,W:O,...": each column's width (dialog units) and display position */
        int w[SETTINGS_MAX_COLS], o[SETTINGS_MAX_COLS], k = 0, used = 0, seen[SETTINGS_MAX_COLS] = {0};
        const char *p = v;
        while (*p && k < SETTINGS_MAX_COLS && sscanf(p, "%d:%d%n", &w[k], &o[k], &used) == 2) {
            if (w[k] < 0 || w[k] > 2000 || o[k] < 0 || o[k] >= SETTINGS_MAX_COLS)
                return 0;
            k++;
            p += used;
            if (*p == ',')
                p++;
        }
        for (int i = 0; i < k; i++) {
            if (o[i] >= k || seen[o[i]]++)
                return 0;   /* not a permutation: keep the defaults */
        }
        s->ncols = k;
        memcpy(s->col_width, w, sizeof w);
        memcpy(s->col_order, o, sizeof o);
    } else if (strcmp(key, "window") == 0) {
        long l, t, r, b;
        if (sscanf(v, "%ld,%ld,%ld,%ld", &l, &t, &r, &b) == 4 && r > l && b > t) {
            s->window.left = l;
            s->window.top = t;
            s->window.right = r;
            s->window.bottom = b;
        }
    }
    return 0;
}

static void load_file(const WCHAR *dir, const WCHAR *name, es_listfile_cb cb, void *ctx)
{
    WCHAR path[MAX_PATH + 64];
    swprintf(path, MAX_PATH + 64, L"%ls\\%ls", dir, name);
    char *data;
    size_t len;
    if (wu_read_file(path, MAX_SETTINGS_FILE, &data, &len) != 0)
        return;
    char err[128];
    es_listfile_parse(data, len, cb, ctx, err, sizeof err);
    free(data);
}

void settings_load(settings *s)
{
    WCHAR dir[MAX_PATH];
    if (!folder(dir, MAX_PATH, FALSE))
        return;
    load_file(dir, L"settings.ini", set_key, s);
    load_file(dir, L"servers.txt", add_server, s);
}

DWORD settings_save(const settings *s, char *const *servers, size_t nservers)
{
    WCHAR dir[MAX_PATH], path[MAX_PATH + 64];
    if (!folder(dir, MAX_PATH, TRUE))
        return ERROR_PATH_NOT_FOUND;
    es_buf b;
    es_buf_init(&b);
    char *log = wu_utf8(s->log);
    es_buf_printf(&b, "# EventSweep settings (UTF-8). Passwords are never stored here.\r\n");
    es_buf_printf(&b, "log=%s\r\nhours=%d\r\ntimeout=%d\r\nmax_seconds=%d\r\nmax_memory_mb=%d\r\nthreads=%d\r\nengine=%d\r\nmaximized=%d\r\n",
                  log ? log : "System", s->hours, s->timeout, s->max_seconds, s->max_memory_mb, s->threads,
                  s->engine, s->maximized ? 1 : 0);
    es_buf_printf(&b, "burst_servers=%d\r\nburst_minutes=%d\r\n", s->burst_servers, s->burst_minutes);
    free(log);
    for (int i = 0; i < s->ncols; i++)
        es_buf_printf(&b, "%s%d:%d%s", i ? "" : "columns=", s->col_width[i], s->col_order[i],
                      i + 1 < s->ncols ? "," : "\r\n");
    /* The filter texts as typed: a line each (the edits are single-line, so no line ends). */
    const WCHAR *ft[3] = {s->levels, s->ids, s->providers};
    const char *fk[3] = {"levels", "ids", "providers"};
    for (int i = 0; i < 3; i++) {
        char *u = wu_utf8(ft[i]);
        es_buf_printf(&b, "%s=%s\r\n", fk[i], u ? u : "");
        free(u);
    }
    if (s->window.right > s->window.left)
        es_buf_printf(&b, "window=%ld,%ld,%ld,%ld\r\n", (long)s->window.left, (long)s->window.top,
                      (long)s->window.right, (long)s->window.bottom);
    swprintf(path, MAX_PATH + 64, L"%ls\\settings.ini", dir);
    DWORD err = b.failed ? ERROR_NOT_ENOUGH_MEMORY : wu_write_file_atomic(path, b.data, b.len);
    if (!err && servers) {
        es_buf_clear(&b);
        es_buf_puts(&b, "# EventSweep server list: one server or .evtx path per line\r\n");
        for (size_t i = 0; i < nservers; i++)
            es_buf_printf(&b, "%s\r\n", servers[i]);
        swprintf(path, MAX_PATH + 64, L"%ls\\servers.txt", dir);
        err = b.failed ? ERROR_NOT_ENOUGH_MEMORY : wu_write_file_atomic(path, b.data, b.len);
    }
    es_buf_free(&b);
    return err;
}

void settings_free(settings *s)
{
    for (size_t i = 0; i < s->nservers; i++)
        free(s->servers[i]);
    free(s->servers);
    s->servers = NULL;
    s->nservers = s->capservers = 0;
}
