/* post: the one way background threads post to the window (see post.c). */
#ifndef POST_H
#define POST_H

#include <windows.h>

/* Posts msg to hwnd. When the queue is full (ERROR_NOT_ENOUGH_QUOTA or ERROR_NOT_ENOUGH_MEMORY)
 * waits (1, 2, 4 .. 64 ms) and tries again for as long as the window exists and *give_up (may
 * be NULL) is 0. Returns TRUE when delivered (lParam's object now belongs to the window's
 * thread); FALSE when the window is gone or give_up was set: the caller still owns lParam. */
BOOL post_retry(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp, volatile LONG *give_up);

#endif
