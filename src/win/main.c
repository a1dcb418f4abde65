/* EventSweep's entry point: hardens DLL loading, reads the command line and the saved
 * settings, builds the source list and runs the window (app.h). The command line and the
 * GUI share one code path: --run presses Start, --export/--status/--exit act when it ends. */
#include "app.h"
#include "console.h"
#include "settings.h"
#include "winutil.h"
#include "es_cmdline.h"
#include "es_listfile.h"
#include "es_names.h"
#include "es_xquery.h"

#include <commctrl.h>
#include <winevt.h>
#include <objbase.h>
#include <shellapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

typedef struct list_ctx {
    char  **items;
    size_t  n, cap;
    es_buf  problems;
    size_t  bad;
    const char *file;
} list_ctx;

static int collect(void *ctx, const char *entry, size_t line)
{
    list_ctx *c = ctx;
    char canon[1024], err[512];
    if (es_name_parse(entry, canon, sizeof canon, err, sizeof err) == ES_NAME_INVALID) {
        c->bad++;
        if (c->file)
            es_buf_printf(&c->problems, "%s, line %zu: %s\n", c->file, line, err);
        else
            es_buf_printf(&c->problems, "%s\n", err);
        return 0;
    }
    if (!es_grow(&c->items, &c->cap, c->n + 1, sizeof *c->items))
        return 1;
    c->items[c->n] = _strdup(entry);
    if (c->items[c->n])
        c->n++;
    return 0;
}

static int fail(const WCHAR *text, BOOL box)
{
    app_report(text, box);
    return 1;
}

static int fail_utf8(const char *text, BOOL box)
{
    WCHAR *w = wu_wide(text);
    int r = fail(w ? w : L"Out of memory.", box);
    free(w);
    return r;
}

int WINAPI wWinMain(HINSTANCE hinst, HINSTANCE prev, LPWSTR cmdline, int show)
{
    (void)prev;
    (void)cmdline;
    (void)show;
    /* DLLs load from System32 only, never from the exe's folder or the current directory. */
    SetDefaultDllDirectories(LOAD_LIBRARY_SEARCH_SYSTEM32);
    SetDllDirectoryW(L"");
    HeapSetInformation(NULL, HeapEnableTerminationOnCorruption, NULL, 0);

    int argc = 0;
    WCHAR **wargv = CommandLineToArgvW(GetCommandLineW(), &argc);
    char **argv = calloc((size_t)argc + 1, sizeof *argv);
    if (!wargv || !argv)
        return fail(L"Out of memory.", TRUE);
    for (int i = 0; i < argc; i++)
        argv[i] = wu_utf8(wargv[i]);

    es_options o;
    char err[512];
    if (!es_cmdline_parse(argc, argv, &o, err, sizeof err)) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s\nRun eventsweep.exe --help for the options.", err);
        return fail_utf8(msg, TRUE);
    }
    if (o.help) {
        fail_utf8(es_cmdline_usage(), TRUE);
        return 0;
    }
    BOOL box = !o.exit_when_done;
    /* A scheduled run joins the console it was started from: its messages go there, and a
     * Ctrl+C there stops the sweep and writes the files rather than killing the process. */
    if (o.exit_when_done)
        console_attach();

    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE);
    settings st;
    settings_defaults(&st);
    settings_load(&st);
    if (o.log) {
        WCHAR *w = wu_wide(o.log);
        if (w) {
            wcsncpy(st.log, w, 255);
            st.log[255] = 0;
            free(w);
        }
    }
    if (o.hours >= 0)
        st.hours = o.hours;
    /* The filter options fill the filter row, as --log and --hours fill theirs (they were
     * checked by es_cmdline_parse; Start reads the row). */
    const char *ftext[3] = {o.levels, o.ids, o.providers};
    WCHAR *fdst[3] = {st.levels, st.ids, st.providers};
    size_t fcap[3] = {160, SETTINGS_FILTER_TEXT, SETTINGS_FILTER_TEXT};
    static const char *const fname[3] = {"levels", "ids", "providers"};
    for (int i = 0; i < 3; i++) {
        if (!ftext[i])
            continue;
        if (strlen(ftext[i]) >= fcap[i]) { /* cut short it would be another filter */
            char msg[200];
            snprintf(msg, sizeof msg, "--%s: the list is longer than the filter row holds (%zu characters).",
                     fname[i], fcap[i] - 1);
            return fail_utf8(msg, box);
        }
        wu_to_wide_buf(ftext[i], fdst[i], (int)fcap[i]);
    }

    /* The marks of "New since last sweep": read now (missing: none yet); a malformed file is an
     * error that names its line (the user's file: nothing is overwritten). */
    es_marks marks;
    es_marks_init(&marks);
    WCHAR def_state[MAX_PATH + 32];
    WCHAR *state_path = o.state_file ? wu_wide(o.state_file)
                                     : settings_file(L"marks.txt", def_state, MAX_PATH + 32, FALSE) ? _wcsdup(def_state) : NULL;
    if (state_path) {
        char *mt = NULL, merr[300];
        size_t ml = 0;
        DWORD e = wu_read_file(state_path, 64u << 20, &mt, &ml);
        if (e == 0 && !es_marks_parse(&marks, mt, ml, merr, sizeof merr)) {
            char msg[1200];
            char *p8 = wu_utf8(state_path);
            snprintf(msg, sizeof msg, "--state: \"%s\": %s Correct or delete the file.", p8 ? p8 : "", merr);
            free(p8);
            free(mt);
            return fail_utf8(msg, box);
        }
        free(mt);
        if (e && e != ERROR_FILE_NOT_FOUND && e != ERROR_PATH_NOT_FOUND && o.state_file) {
            char msg[600];
            snprintf(msg, sizeof msg, "--state: cannot read \"%s\" (error %lu).", o.state_file, (unsigned long)e);
            return fail_utf8(msg, box);
        }
    }

    /* --query: an Event Viewer view, read and checked now (a bad one is a usage error); Start
     * checks it against the log and the sources, and each sweep parses its own copy. */
    char *view_text = NULL;
    size_t view_len = 0;
    if (o.query_file) {
        WCHAR *path = wu_wide(o.query_file);
        DWORD e = path ? wu_read_file(path, 16u << 20, &view_text, &view_len) : ERROR_NOT_ENOUGH_MEMORY;
        free(path);
        char msg[1024], perr[512];
        if (e) {
            WCHAR et[256];
            wu_error_text(e, et, 256);
            char *u = wu_utf8(et);
            snprintf(msg, sizeof msg, "--query: cannot read \"%s\": %s (%lu)", o.query_file, u ? u : "", (unsigned long)e);
            free(u);
            return fail_utf8(msg, box);
        }
        es_xquery *q = es_xquery_parse(view_text, view_len, perr, sizeof perr);
        if (!q) {
            snprintf(msg, sizeof msg, "--query: \"%s\": %s", o.query_file, perr);
            free(view_text);
            return fail_utf8(msg, box);
        }
        es_xquery_free(q);
    }

    list_ctx lc;
    memset(&lc, 0, sizeof lc);
    es_buf_init(&lc.problems);
    BOOL from_cmdline = o.servers_file != NULL || o.nsources > 0;
    if (o.servers_file) {
        WCHAR *path = wu_wide(o.servers_file);
        char *data = NULL;
        size_t len = 0;
        DWORD e = path ? wu_read_file(path, 64u << 20, &data, &len) : ERROR_NOT_ENOUGH_MEMORY;
        free(path);
        if (e) {
            WCHAR et[256];
            wu_error_text(e, et, 256);
            char *u = wu_utf8(et), msg[1024];
            snprintf(msg, sizeof msg, "--servers: cannot read \"%s\": %s (%lu)", o.servers_file, u ? u : "",
                     (unsigned long)e);
            free(u);
            return fail_utf8(msg, box);
        }
        lc.file = o.servers_file;
        if (es_listfile_parse(data, len, collect, &lc, err, sizeof err) < 0) {
            char msg[1024];
            snprintf(msg, sizeof msg, "--servers: \"%s\": %s", o.servers_file, err);
            free(data);
            return fail_utf8(msg, box);
        }
        free(data);
    }
    lc.file = NULL;
    for (size_t i = 0; i < o.nsources; i++)
        collect(&lc, o.sources[i], 0);
    if (lc.bad)
        return fail_utf8(lc.problems.data, box);
    if (!from_cmdline) {
        for (size_t i = 0; i < st.nservers; i++)
            collect(&lc, st.servers[i], 0);
        if (lc.bad) /* a saved list edited by hand: keep the good entries, say what was dropped */
            app_report(L"Some entries of the saved server list were not valid and were left out.", FALSE);
    }
    if (o.run && lc.n == 0 && from_cmdline)
        return fail(L"--run: no servers to read (the list is empty).", box);

    INITCOMMONCONTROLSEX icc = {sizeof icc, ICC_LISTVIEW_CLASSES | ICC_BAR_CLASSES | ICC_UPDOWN_CLASS |
                                                ICC_STANDARD_CLASSES};
    InitCommonControlsEx(&icc);

    app_init init;
    memset(&init, 0, sizeof init);
    init.st = &st;
    init.sources = lc.items;
    init.nsources = lc.n;
    init.sources_from_cmdline = from_cmdline;
    init.marks = &marks;
    init.since_last = o.since_last != 0;
    init.state_path = state_path;
    /* Not shown in the window, so a command-line value is for this run only: it must not
     * become the saved default without the user seeing it. */
    init.timeout = o.timeout > 0 ? o.timeout : st.timeout;
    init.max_seconds = o.max_seconds >= 0 ? o.max_seconds : st.max_seconds;
    init.max_memory_mb = o.max_memory_mb > 0 ? o.max_memory_mb : st.max_memory_mb;
    init.max_rows = o.max_rows > 0 ? o.max_rows : 0;
    init.threads = o.threads > 0 ? o.threads : st.threads;
    init.retry = o.retry;
    init.burst_servers = o.burst_servers ? o.burst_servers : (unsigned)st.burst_servers;
    init.burst_minutes = o.burst_minutes ? o.burst_minutes : (unsigned)st.burst_minutes;
    init.follow = o.follow != 0;
    init.follow_minutes = o.follow_minutes;
    init.user = o.user ? wu_wide(o.user) : NULL;
    init.credential = o.credential ? wu_wide(o.credential) : NULL;
    init.auth = !o.auth || !strcmp(o.auth, "negotiate") ? EvtRpcLoginAuthNegotiate
                : !strcmp(o.auth, "kerberos") ? EvtRpcLoginAuthKerberos : EvtRpcLoginAuthNTLM;
    init.engine = !o.engine ? st.engine : !strcmp(o.engine, "wevt") ? 1 : !strcmp(o.engine, "classic") ? 2 : 0;
    init.run = o.run;
    init.exit_when_done = o.exit_when_done;
    init.export_path = o.export_file ? wu_wide(o.export_file) : NULL;
    init.status_path = o.status_file ? wu_wide(o.status_file) : NULL;
    init.html_path = o.html_file ? wu_wide(o.html_file) : NULL;
    init.find = o.find;
    init.view_text = view_text;
    init.view_len = view_len;
    init.view_file = o.query_file;
    if (o.sort) {
        char e[8];
        init.sort_set = es_order_parse(o.sort, &init.sort, e, sizeof e);   /* checked by the parser */
    }
    int code = mainwnd_run(hinst, &init);
    if (o.exit_when_done)
        console_finished(code); /* a console being closed waits for this */

    free(view_text);
    free(init.user);
    free(init.credential);
    free(init.export_path);
    free(init.status_path);
    free(init.html_path);
    free(init.state_path);
    es_marks_free(&marks);
    for (size_t i = 0; i < lc.n; i++)
        free(lc.items[i]);
    free(lc.items);
    es_buf_free(&lc.problems);
    settings_free(&st);
    es_cmdline_free(&o);
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
    LocalFree(wargv);
    CoUninitialize();
    return code;
}
