/* sendctrl: a test helper (never shipped). Starts a program in this console, sends it Ctrl+C
 * (or Ctrl+Break) after a delay, and exits with its exit code.
 *
 *   sendctrl.exe [--break|--group] [--no-std] [--dump] [--limit MS] DELAY_MS PROGRAM [ARGS...]
 *
 * The child shares this console (no CREATE_NEW_CONSOLE): a GUI child reaches it with
 * AttachConsole(ATTACH_PARENT_PROCESS). Unless --no-std, the child is given this process's
 * standard handles (STARTF_USESTDHANDLES), as a shell does for `prog > out.txt 2>&1`.
 *
 * Default: GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0), to every process attached to the console,
 * as a Ctrl+C typed there; sendctrl itself ignores it (SetConsoleCtrlHandler(NULL, TRUE)).
 * --group: the child starts in its own process group (CREATE_NEW_PROCESS_GROUP, which also makes
 * it start with Ctrl+C ignored until it calls SetConsoleCtrlHandler(NULL, FALSE)) and gets
 * GenerateConsoleCtrlEvent(CTRL_C_EVENT, its pid): delivered to that group's processes that
 * re-enabled Ctrl+C (the older SDK pages say so; the current page says a Ctrl+C "cannot be
 * limited to a process group", which in practice means the group starts with it disabled).
 * Under Wine 8 this is the only Ctrl+C that reaches a child (measured): there a child created
 * without CREATE_NEW_PROCESS_GROUP still got a group of its own, and group 0 means the sender's
 * own group, not every process of the console.
 * --break: as --group, with GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, its pid) (Ctrl+Break
 * cannot be disabled). Wine 8 does not implement it: the call fails with error 6.
 *
 * --dump: when the child has exited, the console's screen text (what a GUI child wrote to
 * CONOUT$) is copied to stderr, each line as "console: TEXT" in UTF-8.
 *
 * Then waits for the child (--limit, default 20000 ms) and exits with its exit code. Lines on
 * stderr say what happened ("sendctrl: ..."). Exit 120 usage, 121 the child could not be
 * started, 122 the event could not be sent (the child is then terminated with 122), 123 the
 * child did not exit within the limit (it is then terminated). */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

/* Appends one argument quoted the way CommandLineToArgvW and the C runtime read it back. */
static void quote_arg(WCHAR *out, size_t cap, const WCHAR *arg)
{
    size_t n = wcslen(out);
    if (n && n + 1 < cap)
        out[n++] = L' ';
    if (*arg && !wcspbrk(arg, L" \t\n\v\"")) {
        for (; *arg && n + 1 < cap; arg++)
            out[n++] = *arg;
        out[n] = 0;
        return;
    }
    if (n + 1 < cap)
        out[n++] = L'"';
    for (const WCHAR *p = arg;; p++) {
        size_t bs = 0;
        while (*p == L'\\') {
            p++;
            bs++;
        }
        /* backslashes are doubled before a quote and before the closing quote */
        size_t times = (*p == 0 || *p == L'"') ? bs * 2 : bs;
        for (size_t i = 0; i < times && n + 1 < cap; i++)
            out[n++] = L'\\';
        if (*p == 0)
            break;
        if (*p == L'"' && n + 1 < cap)
            out[n++] = L'\\';
        if (n + 1 < cap)
            out[n++] = *p;
    }
    if (n + 1 < cap)
        out[n++] = L'"';
    out[n] = 0;
}

/* Copies the console's screen text, up to the cursor's row, to h as "console: LINE\n" (UTF-8). */
static void dump_console(HANDLE h)
{
    HANDLE con = CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                             OPEN_EXISTING, 0, NULL);
    CONSOLE_SCREEN_BUFFER_INFO info;
    if (con == INVALID_HANDLE_VALUE || !GetConsoleScreenBufferInfo(con, &info)) {
        fwprintf(stderr, L"sendctrl: cannot read the console: error %lu\n", GetLastError());
        return;
    }
    WCHAR row[1024];
    char u[4096];
    int w = info.dwSize.X < 1024 ? info.dwSize.X : 1024;
    for (SHORT y = 0; y <= info.dwCursorPosition.Y; y++) {
        DWORD n = 0;
        COORD at = {0, y};
        if (!ReadConsoleOutputCharacterW(con, row, (DWORD)w, at, &n))
            break;
        while (n && (row[n - 1] == L' ' || row[n - 1] == 0))
            n--;
        if (!n)
            continue;
        int len = WideCharToMultiByte(CP_UTF8, 0, row, (int)n, u, (int)sizeof u - 1, NULL, NULL);
        DWORD wr;
        WriteFile(h, "console: ", 9, &wr, NULL);
        WriteFile(h, u, (DWORD)len, &wr, NULL);
        WriteFile(h, "\n", 1, &wr, NULL);
    }
    CloseHandle(con);
}

static int usage(void)
{
    fwprintf(stderr, L"usage: sendctrl.exe [--break|--group] [--no-std] [--dump] [--limit MS] DELAY_MS PROGRAM [ARGS...]\n");
    return 120;
}

int wmain(int argc, WCHAR **argv)
{
    BOOL brk = FALSE, grp = FALSE, std = TRUE, dump = FALSE;
    DWORD limit = 20000;
    int i = 1;
    for (; i < argc && argv[i][0] == L'-' && argv[i][1] == L'-'; i++) {
        if (wcscmp(argv[i], L"--break") == 0)
            brk = TRUE;
        else if (wcscmp(argv[i], L"--group") == 0)
            grp = TRUE;
        else if (wcscmp(argv[i], L"--no-std") == 0)
            std = FALSE;
        else if (wcscmp(argv[i], L"--dump") == 0)
            dump = TRUE;
        else if (wcscmp(argv[i], L"--limit") == 0 && i + 1 < argc)
            limit = (DWORD)wcstoul(argv[++i], NULL, 10);
        else
            return usage();
    }
    if (argc - i < 2)
        return usage();
    WCHAR *end;
    DWORD delay = (DWORD)wcstoul(argv[i], &end, 10);
    if (*end)
        return usage();
    i++;

    static WCHAR cmd[32768];
    cmd[0] = 0;
    for (int k = i; k < argc; k++)
        quote_arg(cmd, sizeof cmd / sizeof cmd[0], argv[k]);

    STARTUPINFOW si;
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    /* read before AllocConsole below, which may replace them with the new console's */
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE), out = GetStdHandle(STD_OUTPUT_HANDLE),
           err = GetStdHandle(STD_ERROR_HANDLE);

    /* A console that the events can be sent in. Wine gives a program started from a Unix shell
     * with no terminal on stdin, stdout or stderr (a test run with `>out.txt 2>&1 </dev/null`)
     * a placeholder console ("shell, no window") on which every console call fails with
     * ERROR_INVALID_ACCESS, GenerateConsoleCtrlEvent too. Then this process leaves it and makes
     * a console of its own, which the child shares. On Windows the console sendctrl was
     * started in is kept; one is made only when there is none (a service, DETACHED_PROCESS). */
    DWORD plist[8];
    if (GetConsoleProcessList(plist, 8) == 0) {
        DWORD e = GetLastError();
        FreeConsole();
        if (!AllocConsole()) {
            fwprintf(stderr, L"sendctrl: no usable console (error %lu) and AllocConsole failed: error %lu\n", e,
                     GetLastError());
            return 121;
        }
        fwprintf(stderr, L"sendctrl: no usable console (error %lu): made one with AllocConsole\n", e);
    }

    /* This process stays to report the child's exit code. */
    SetConsoleCtrlHandler(NULL, TRUE);

    if (std) {
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdInput = in;
        si.hStdOutput = out;
        si.hStdError = err;
        /* only inheritable handles reach the child */
        HANDLE *hs[] = {&si.hStdInput, &si.hStdOutput, &si.hStdError};
        for (int k = 0; k < 3; k++)
            if (*hs[k] && *hs[k] != INVALID_HANDLE_VALUE)
                SetHandleInformation(*hs[k], HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    }
    PROCESS_INFORMATION pi;
    DWORD flags = CREATE_UNICODE_ENVIRONMENT | (brk || grp ? CREATE_NEW_PROCESS_GROUP : 0);
    if (!CreateProcessW(NULL, cmd, NULL, NULL, std, flags, NULL, NULL, &si, &pi)) {
        fwprintf(stderr, L"sendctrl: cannot start %ls: error %lu\n", cmd, GetLastError());
        return 121;
    }
    CloseHandle(pi.hThread);

    if (WaitForSingleObject(pi.hProcess, delay) == WAIT_OBJECT_0) {
        DWORD code = 0;
        GetExitCodeProcess(pi.hProcess, &code);
        fwprintf(stderr, L"sendctrl: the child exited (code %lu, 0x%lx) before the %ls was sent\n", code, code,
                 brk ? L"Ctrl+Break" : L"Ctrl+C");
        return (int)code;
    }
    DWORD t0 = GetTickCount();
    BOOL sent = brk ? GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, pi.dwProcessId)
                    : GenerateConsoleCtrlEvent(CTRL_C_EVENT, grp ? pi.dwProcessId : 0);
    if (!sent) {
        DWORD e = GetLastError();
        fwprintf(stderr, L"sendctrl: GenerateConsoleCtrlEvent(%ls) failed: error %lu\n",
                 brk ? L"CTRL_BREAK_EVENT" : L"CTRL_C_EVENT", e);
        TerminateProcess(pi.hProcess, 122);
        WaitForSingleObject(pi.hProcess, 5000);
        return 122;
    }
    fwprintf(stderr, L"sendctrl: sent %ls to %ls after %lu ms\n", brk ? L"CTRL_BREAK_EVENT" : L"CTRL_C_EVENT",
             brk || grp ? L"the child's process group" : L"the whole console (group 0)", delay);
    if (WaitForSingleObject(pi.hProcess, limit) != WAIT_OBJECT_0) {
        fwprintf(stderr, L"sendctrl: the child did not exit within %lu ms of the event; terminated\n", limit);
        TerminateProcess(pi.hProcess, 123);
        WaitForSingleObject(pi.hProcess, 5000);
        return 123;
    }
    DWORD code = 0;
    GetExitCodeProcess(pi.hProcess, &code);
    fwprintf(stderr, L"sendctrl: the child exited with code %lu (0x%lx), %lu ms after the event\n", code, code,
             GetTickCount() - t0);
    CloseHandle(pi.hProcess);
    if (dump)
        dump_console(err);
    return (int)code;
}
