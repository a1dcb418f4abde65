/* Posting with back-pressure (see post.h). */
#include "post.h"

post_fn_type post_fn = PostMessageW;

BOOL post_retry(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp, volatile LONG *give_up)
{
    DWORD pause = 1;
    for (;;) {
        if (give_up && *give_up)
            return FALSE;
        if (post_fn(hwnd, msg, wp, lp))
            return TRUE;
        DWORD e = GetLastError();
        if (e != ERROR_NOT_ENOUGH_QUOTA && e != ERROR_NOT_ENOUGH_MEMORY)
            return FALSE; /* the window is gone */
        if (!IsWindow(hwnd))
            return FALSE;
        /* the queue is full: wait for the window's thread to read some (back-pressure on the
         * poster, never on the UI) */
        Sleep(pause);
        if (pause < 64)
            pause *= 2;
    }
}
