/* ctrl_probe: a GUI-subsystem test program (never shipped) that uses src/win/console.c the way
 * EventSweep does in --exit mode: attach to the parent's console, install the interrupt handler
 * with a hidden window's message, and exit when the message arrives. tests/win/t_console.sh runs
 * it under sendctrl.exe.
 *
 *   ctrl_probe.exe [--no-attach] [--no-handler] [--keep-ignore] [--early MS] [--timeout MS]
 *                  [--simulate EVENT [--hang]] [--say TEXT]
 *
 * Exit codes: 40 + the CTRL_*_EVENT the message carried (40 Ctrl+C, 41 Ctrl+Break, 42 close of
 * the console), set with console_finished() and returned from wWinMain; 3 no message within the
 * timeout (default 10000 ms).
 *   --no-handler      console_on_interrupt() is not called (the default handling applies).
 *   --keep-ignore     after console_on_interrupt(), SetConsoleCtrlHandler(NULL, TRUE) undoes its
 *                     re-enabling of Ctrl+C (so a started-in-a-new-group probe ignores Ctrl+C).
 *   --early MS        the handler is installed with no window, MS ms pass, then the window is
 *                     made and given to console_on_interrupt(): a request in that gap must be
 *                     posted then.
 *   --simulate EVENT  a thread calls console_ctrl_handler(EVENT) after 500 ms, as Windows does on
 *                     its own thread (1 CTRL_BREAK_EVENT, 2 CTRL_CLOSE_EVENT: Wine 8 sends
 *                     neither). For CTRL_CLOSE_EVENT, when the handler returns the thread ends
 *                     the process with 99 (Windows would end it then); the window calls
 *                     console_finished(42) and then returns 77 only after 2 s more: 42 means
 *                     the handler ended the process with the window's code.
 *   --hang            with --simulate 2: the window never calls console_finished(), so the
 *                     handler gives up after CONSOLE_CLOSE_WAIT_MS (exit 99).
 *   --say TEXT        console_write(TEXT) at start (non-ASCII text checks the UTF-8). */
#include "console.h"

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#define WM_PROBE_CLOSE (WM_APP + 1)

static BOOL hang;
static int simulate = -1;
static DWORD timeout_ms = 10000;
static int code = 3;

static void say(const WCHAR *fmt, ...)
{
    WCHAR line[512];
    va_list ap;
    va_start(ap, fmt);
    _vsnwprintf(line, 511, fmt, ap);
    va_end(ap);
    line[511] = 0;
    console_write(line);
}

static DWORD WINAPI simulate_thread(void *arg)
{
    (void)arg;
    Sleep(500);
    BOOL r = console_ctrl_handler((DWORD)simulate);
    say(L"ctrl_probe: the handler returned %d for event %d", r, simulate);
    if (simulate == CTRL_CLOSE_EVENT)
        ExitProcess(99); /* what Windows does once a CTRL_CLOSE_EVENT handler returns */
    return 0;
}

static LRESULT CALLBACK wndproc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
    switch (msg) {
    case WM_PROBE_CLOSE:
        say(L"ctrl_probe: close request, event %ld", (long)lp);
        KillTimer(hwnd, 1);
        if (simulate == CTRL_CLOSE_EVENT && hang)
            return 0; /* never finishes */
        Sleep(200);   /* "writing the export and status" */
        code = 40 + (int)lp;
        console_finished(code);
        if (simulate == CTRL_CLOSE_EVENT) {
            Sleep(2000);
            code = 77;
        }
        DestroyWindow(hwnd);
        return 0;
    case WM_TIMER:
        say(L"ctrl_probe: no close request within %lu ms", timeout_ms);
        KillTimer(hwnd, 1);
        code = 3;
        DestroyWindow(hwnd);
        return 0;
    case WM_DESTROY:
        PostQuitMessage(code);
        return 0;
    }
    return DefWindowProcW(hwnd, msg, wp, lp);
}

int WINAPI wWinMain(HINSTANCE hinst, HINSTANCE prev, LPWSTR cmdline, int show)
{
    (void)prev;
    (void)cmdline;
    (void)show;
    BOOL attach = TRUE, handler = TRUE, keep_ignore = FALSE;
    DWORD early = 0;
    const WCHAR *text = NULL;
    for (int i = 1; i < __argc; i++) {
        const WCHAR *a = __wargv[i];
        if (wcscmp(a, L"--no-attach") == 0)
            attach = FALSE;
        else if (wcscmp(a, L"--no-handler") == 0)
            handler = FALSE;
        else if (wcscmp(a, L"--early") == 0 && i + 1 < __argc)
            early = (DWORD)wcstoul(__wargv[++i], NULL, 10);
        else if (wcscmp(a, L"--timeout") == 0 && i + 1 < __argc)
            timeout_ms = (DWORD)wcstoul(__wargv[++i], NULL, 10);
        else if (wcscmp(a, L"--keep-ignore") == 0)
            keep_ignore = TRUE;
        else if (wcscmp(a, L"--simulate") == 0 && i + 1 < __argc)
            simulate = (int)wcstol(__wargv[++i], NULL, 10);
        else if (wcscmp(a, L"--hang") == 0)
            hang = TRUE;
        else if (wcscmp(a, L"--say") == 0 && i + 1 < __argc)
            text = __wargv[++i];
        else
            return 120;
    }
    BOOL att = attach ? console_attach() : FALSE;
    DWORD pl[16];
    DWORD np = GetConsoleProcessList(pl, 16);
    DWORD npe = np ? 0 : GetLastError();
    say(L"ctrl_probe: started, attached=%d, console processes=%lu (error %lu), pid=%lu", att, np, npe,
        GetCurrentProcessId());
    if (text)
        console_write(text);
    if (handler && early) {
        console_on_interrupt(NULL, WM_PROBE_CLOSE);
        Sleep(early);
        say(L"ctrl_probe: before the window, interrupted=%d", console_interrupted());
    }

    WNDCLASSW wc;
    ZeroMemory(&wc, sizeof wc);
    wc.lpfnWndProc = wndproc;
    wc.hInstance = hinst;
    wc.lpszClassName = L"ctrl_probe";
    RegisterClassW(&wc);
    HWND hwnd = CreateWindowW(L"ctrl_probe", L"ctrl_probe", WS_OVERLAPPEDWINDOW, 0, 0, 100, 100, NULL, NULL, hinst,
                              NULL);
    if (!hwnd)
        return 4;
    if (handler)
        console_on_interrupt(hwnd, WM_PROBE_CLOSE);
    if (keep_ignore)
        SetConsoleCtrlHandler(NULL, TRUE);
    SetTimer(hwnd, 1, timeout_ms, NULL);
    if (simulate >= 0)
        CloseHandle(CreateThread(NULL, 0, simulate_thread, NULL, 0, NULL));
    MSG m;
    while (GetMessageW(&m, NULL, 0, 0) > 0) {
        TranslateMessage(&m);
        DispatchMessageW(&m);
    }
    say(L"ctrl_probe: exit %d", code);
    return code;
}

