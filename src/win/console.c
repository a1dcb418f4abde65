/* console: the parent's console for a GUI-subsystem exe (console.h). */
#include "console.h"

#include <stdlib.h>
#include <wchar.h>

/* What is written where: one lock, so lines never interleave. */
static SRWLOCK write_lock = SRWLOCK_INIT;
static BOOL    captured;       /* std_err below has been read */
static HANDLE  std_err;        /* stderr as the process was started with it, NULL if none */
static BOOL    attach_called;  /* console_attach() was called: attached for the whole run */
static BOOL    attached;
static HANDLE  conout;         /* CONOUT$ of the attached console, opened on first use */

/* Where a close request goes. A separate lock: the handler must never wait behind a console
 * write (a console in QuickEdit selection blocks writes until the user lets go). */
static SRWLOCK post_lock = SRWLOCK_INIT;
static HWND    target;
static UINT    target_msg;
static DWORD   pending;        /* CTRL_*_EVENT + 1 that arrived before there was a window */
static BOOL    installed;

static volatile LONG interrupted;   /* CTRL_*_EVENT + 1 of the first request */
static volatile LONG finished_code;
static INIT_ONCE     done_once = INIT_ONCE_STATIC_INIT;
static HANDLE        done;          /* set by console_finished() */

static BOOL CALLBACK make_done(INIT_ONCE *once, void *param, void **ctx)
{
    (void)once;
    (void)param;
    (void)ctx;
    done = CreateEventW(NULL, TRUE, FALSE, NULL);
    return TRUE;
}

static HANDLE done_event(void)
{
    InitOnceExecuteOnce(&done_once, make_done, NULL, NULL);
    return done;
}

static BOOL usable(HANDLE h)
{
    if (!h || h == INVALID_HANDLE_VALUE)
        return FALSE;
    DWORD mode;
    return GetFileType(h) != FILE_TYPE_UNKNOWN || GetConsoleMode(h, &mode);
}

/* Called with write_lock held. The standard handles are read before any AttachConsole, which
 * may fill empty ones with console handles: a redirected stderr is what counts. */
static void capture(void)
{
    if (captured)
        return;
    captured = TRUE;
    HANDLE h = GetStdHandle(STD_ERROR_HANDLE);
    std_err = usable(h) ? h : NULL;
}

static BOOL write_line(HANDLE h, const WCHAR *line)
{
    DWORD mode, n;
    size_t len = wcslen(line);
    if (GetConsoleMode(h, &mode))
        return WriteConsoleW(h, line, (DWORD)len, &n, NULL) && WriteConsoleW(h, L"\r\n", 2, &n, NULL);
    /* A file or pipe: UTF-8 and "\n", the line in one write. */
    int need = len ? WideCharToMultiByte(CP_UTF8, 0, line, (int)len, NULL, 0, NULL, NULL) : 0;
    if (len && need <= 0)
        return FALSE;
    char *u = malloc((size_t)need + 1);
    if (!u)
        return FALSE;
    if (need)
        WideCharToMultiByte(CP_UTF8, 0, line, (int)len, u, need, NULL, NULL);
    u[need] = '\n';
    BOOL ok = WriteFile(h, u, (DWORD)need + 1, &n, NULL) && n == (DWORD)need + 1;
    free(u);
    return ok;
}

static HANDLE open_conout(void)
{
    /* GENERIC_READ too: GetConsoleMode needs it, and without the console mode the line would be
     * written as bytes instead of with WriteConsoleW. */
    HANDLE h = CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, 0, NULL);
    return h == INVALID_HANDLE_VALUE ? NULL : h;
}

BOOL console_attach(void)
{
    AcquireSRWLockExclusive(&write_lock);
    capture();
    attach_called = TRUE;
    if (!attached) {
        if (AttachConsole(ATTACH_PARENT_PROCESS))
            attached = TRUE;
        else if (GetLastError() == ERROR_ACCESS_DENIED) /* already attached to one */
            attached = TRUE;
    }
    BOOL r = attached;
    ReleaseSRWLockExclusive(&write_lock);
    return r;
}

BOOL console_attached(void)
{
    AcquireSRWLockShared(&write_lock);
    BOOL r = attached;
    ReleaseSRWLockShared(&write_lock);
    return r;
}

BOOL console_write(const WCHAR *line)
{
    AcquireSRWLockExclusive(&write_lock);
    capture();
    BOOL ok = FALSE;
    if (std_err)
        ok = write_line(std_err, line);
    if (!ok && attached) {
        if (!conout)
            conout = open_conout();
        if (conout)
            ok = write_line(conout, line);
    }
    if (!ok && !attach_called && !attached && AttachConsole(ATTACH_PARENT_PROCESS)) {
        /* A message outside --exit (a bad command line, say): said in the parent's console, which
         * the app then leaves, so that closing it, or Ctrl+C there, does not end the window. */
        HANDLE h = open_conout();
        if (h) {
            ok = write_line(h, line);
            CloseHandle(h);
        }
        FreeConsole();
    }
    ReleaseSRWLockExclusive(&write_lock);
    return ok;
}

/* Runs on a thread Windows starts for the event (Wine: on a thread it starts on SIGINT). */
BOOL WINAPI console_ctrl_handler(DWORD type)
{
    if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT && type != CTRL_CLOSE_EVENT)
        return FALSE; /* logoff/shutdown: not sent to GUI processes; the default applies */
    InterlockedCompareExchange(&interrupted, (LONG)type + 1, 0);
    HANDLE ev = done_event();
    AcquireSRWLockExclusive(&post_lock);
    if (target)
        PostMessageW(target, target_msg, 0, (LPARAM)type);
    else if (!pending)
        pending = type + 1;
    ReleaseSRWLockExclusive(&post_lock);
    if (type == CTRL_CLOSE_EVENT) {
        /* The console is closing. Windows ends every process attached to it as soon as its
         * handler returns (and after 5 s in any case), so returning now would kill the window
         * before it writes the export and status. Hold the handler until the window says its
         * files are written, then end the process here with the window's exit code: once the
         * handler returns the process would end with STATUS_CONTROL_C_EXIT instead, and the
         * window's own return could come too late. The main thread may still be cleaning up;
         * nothing it does after console_finished() matters to the files. If the window does not
         * finish in time, return and let Windows end the process (the files are then those of
         * the temporary-file-and-rename writer: the old ones or none, never half a file). */
        if (ev && WaitForSingleObject(ev, CONSOLE_CLOSE_WAIT_MS) == WAIT_OBJECT_0)
            ExitProcess((UINT)finished_code);
    }
    return TRUE; /* handled: Ctrl+C and Ctrl+Break do not end the process; the window does */
}

void console_on_interrupt(HWND hwnd, UINT msg)
{
    done_event();
    AcquireSRWLockExclusive(&post_lock);
    target = hwnd;
    target_msg = msg;
    if (target && pending) {
        PostMessageW(target, target_msg, 0, (LPARAM)(pending - 1));
        pending = 0;
    }
    BOOL install = !installed;
    installed = TRUE;
    ReleaseSRWLockExclusive(&post_lock);
    if (install) {
        /* A process started with CREATE_NEW_PROCESS_GROUP (cmd's start /b, some schedulers)
         * begins with Ctrl+C ignored; a scheduled run must still stop on it. */
        SetConsoleCtrlHandler(NULL, FALSE);
        SetConsoleCtrlHandler(console_ctrl_handler, TRUE);
    }
}

BOOL console_interrupted(void)
{
    return interrupted != 0;
}

void console_finished(int exit_code)
{
    InterlockedExchange(&finished_code, exit_code);
    HANDLE ev = done_event();
    if (ev)
        SetEvent(ev);
}
