/* endsession.exe TITLE: what Windows does to a GUI program when the user logs off — for the
 * tests (tests/e2e/t_interrupt.sh), which cannot log a Wine session off.
 *
 * Finds the top-level window with exactly that title, sends it WM_QUERYENDSESSION (its answer is
 * printed) and then WM_ENDSESSION (wParam TRUE, lParam ENDSESSION_LOGOFF), and prints how long
 * the window took to return from it: Windows ends the process soon after that, so whatever the
 * program must save has to be saved by then. Exit code 0 when both messages were answered, 1
 * when the window was not found, 2 when a message timed out (60 s). */
#include <windows.h>
#include <stdio.h>

int wmain(int argc, WCHAR **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: endsession.exe TITLE\n");
        return 1;
    }
    HWND w = NULL;
    for (int i = 0; i < 200 && !w; i++) {
        w = FindWindowW(NULL, argv[1]);
        if (!w)
            Sleep(50);
    }
    if (!w) {
        fprintf(stderr, "endsession: no window titled \"%ls\"\n", argv[1]);
        return 1;
    }
    DWORD_PTR answer = 0;
    if (!SendMessageTimeoutW(w, WM_QUERYENDSESSION, 0, ENDSESSION_LOGOFF, SMTO_NORMAL, 60000, &answer)) {
        fprintf(stderr, "endsession: WM_QUERYENDSESSION not answered (%lu)\n", GetLastError());
        return 2;
    }
    printf("endsession: WM_QUERYENDSESSION answered %lu\n", (unsigned long)answer);
    ULONGLONG t0 = GetTickCount64();
    DWORD_PTR ignored = 0;
    if (!SendMessageTimeoutW(w, WM_ENDSESSION, TRUE, ENDSESSION_LOGOFF, SMTO_NORMAL, 60000, &ignored)) {
        fprintf(stderr, "endsession: WM_ENDSESSION not answered (%lu)\n", GetLastError());
        return 2;
    }
    printf("endsession: WM_ENDSESSION returned after %.2f s\n", (double)(GetTickCount64() - t0) / 1000.0);
    fflush(stdout);
    return 0;
}
