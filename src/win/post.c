/* Posting with back-pressure (see post.h). */
#include "post.h"

BOOL post_retry(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp, volatile LONG *give_up)
{
    DWORD pause = 1;
    for (;;) {
        if (give_up && *give_up)
            return FALSE;
        if (PostMessageW(hwnd, msg, wp, lp))
            return TRUE;
        DWORD e = GetLastError();
        if (e != ERROR_NOT_ENOUGH_QUOTA && e != ERROR_NOT_ENOUGH_MEMORY)
            return FALSE; /* the window is gone */
        if (!IsWindow(hwnd))
            return FALSE;
        Sleep(pause);
        if (pause < 64)
            pause *= 2;
    }
}
