/* The query bar above the results: the log combo and the Last hours edit with its arrows.
 * Runs on the UI thread only. */
#include "ui.h"
#include "es_cmdline.h"
#include "es_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

static const WCHAR *const k_logs[] = {L"System", L"Application", L"Security", L"Setup", L"ForwardedEvents"};

/* ---- hours: a number 0..8760, shown as "all" for 0 ---- */

int read_hours(void)
{
    WCHAR t[32];
    GetWindowTextW(g.hours, t, 32);
    WCHAR *p = t;
    while (*p == L' ')
        p++;
    if (_wcsicmp(p, L"all") == 0)
        return 0;
    WCHAR *end;
    long v = wcstol(p, &end, 10);
    while (*end == L' ')
        end++;
    if (p == end || *end || v < 0 || v > (long)ES_HOURS_MAX)
        return -1;
    return (int)v;
}

static void show_hours(int h)
{
    WCHAR t[16];
    if (h == 0)
        wcscpy(t, L"all");
    else
        swprintf(t, 16, L"%d", h);
    SetWindowTextW(g.hours, t);
}

/* The log names offered, the saved log and time window. */
void querybar_init(void)
{
    for (size_t i = 0; i < sizeof k_logs / sizeof *k_logs; i++)
        SendMessageW(g.log, CB_ADDSTRING, 0, (LPARAM)k_logs[i]);
    SetWindowTextW(g.log, g.init->st->log);
    SendMessageW(g.spin, UDM_SETRANGE32, 0, ES_HOURS_MAX);
    SendMessageW(g.hours, EM_LIMITTEXT, 5, 0);
    show_hours(g.init->st->hours);
}

/* The arrows: a step from the number shown (the default when it is not a number), in range. */
void querybar_spin(int delta)
{
    int h = read_hours();
    if (h < 0)
        h = ES_DEFAULT_HOURS;
    h += delta;
    if (h < 0)
        h = 0;
    if (h > (int)ES_HOURS_MAX)
        h = (int)ES_HOURS_MAX;
    show_hours(h);
}
