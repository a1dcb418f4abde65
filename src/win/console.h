/* console: the console a scheduled run (--exit) was started from. EventSweep is a GUI-subsystem
 * exe, so Windows gives it no console of its own: console_attach() joins the parent's, so that
 * messages can be written to it and Ctrl+C / Ctrl+Break typed there (or sent with
 * GenerateConsoleCtrlEvent) reach the app, which treats them as a close request.
 *
 * Use (the window side):
 *   wWinMain, first thing, only with --exit:  console_attach();
 *   app_report():                             if (!console_write(text) && allow_box) MessageBox...
 *   after the window exists, with --exit:     console_on_interrupt(hwnd, WM_APP_CLOSE_REQUEST);
 *   when the export and status are written:   console_finished(exit_code);
 *
 * Without --exit the app stays free of the console (closing that console must not kill a window
 * the user is working in): console_write() then attaches only for the one write and detaches. */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <windows.h>

/* Joins the parent process's console when it has one (AttachConsole(ATTACH_PARENT_PROCESS)).
 * Records the standard handles first, as they were given to the process: a redirected stderr
 * (`> out.txt 2>&1`, a pipe) stays where messages go. Returns TRUE when the process is attached
 * to a console (now or already); safe to call twice. */
BOOL console_attach(void);

/* TRUE when console_attach() attached (or found) a console. */
BOOL console_attached(void);

/* Writes one line (a line end is added) for the user: to stderr when the process was given one
 * (a file or pipe gets UTF-8 and "\n", a console gets WriteConsoleW and "\r\n"); else to the
 * attached console (CONOUT$); else, when console_attach() was never called, to the parent's
 * console attached for this write only. Returns FALSE when there was nowhere to write (the
 * caller may show a message box instead). Thread-safe: lines never interleave. */
BOOL console_write(const WCHAR *line);

/* From now on Ctrl+C, Ctrl+Break and the closing of the console post `msg` (wParam 0, lParam
 * the CTRL_*_EVENT) to `hwnd` instead of killing the process; the window then stops the sweep,
 * writes its files, calls console_finished() and exits itself. Also re-enables Ctrl+C when the
 * process was started in a new process group (which starts with Ctrl+C ignored).
 * May be called again to change the target; hwnd NULL installs the handler early and records a
 * request that arrives before the window exists, posted when a window is given. Log-off and
 * shutdown never come here (a process that has loaded user32 gets WM_QUERYENDSESSION and
 * WM_ENDSESSION instead). */
void console_on_interrupt(HWND hwnd, UINT msg);

/* TRUE once a Ctrl+C, Ctrl+Break or console close has arrived. */
BOOL console_interrupted(void);

/* The window has written its files and the process is about to exit with `exit_code`. When the
 * console is being closed (CTRL_CLOSE_EVENT), Windows ends the process as soon as the handler
 * returns: the handler waits for this call (up to CONSOLE_CLOSE_WAIT_MS) and then ends the
 * process itself with this exit code. Otherwise it only records the code. */
void console_finished(int exit_code);

/* How long the handler holds a CTRL_CLOSE_EVENT open for the window to finish. Windows gives a
 * console's processes 5 s after the close before it ends them anyway. */
#define CONSOLE_CLOSE_WAIT_MS 5000

/* The handler itself, for tests (a program cannot make Windows send itself CTRL_CLOSE_EVENT). */
BOOL WINAPI console_ctrl_handler(DWORD type);

#endif
