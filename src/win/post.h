/* post: the one routine every background thread (sweep workers, the supervisor, job threads)
 * uses to post a message to a window. Nothing here owns a window. */
#ifndef POST_H
#define POST_H

#include <windows.h>

/* Posts msg to hwnd. When the queue is full (PostMessage fails with ERROR_NOT_ENOUGH_QUOTA, or
 * ERROR_NOT_ENOUGH_MEMORY), waits (1, 2, 4 .. 64 ms) and tries again for as long as the window
 * exists (IsWindow) and *give_up (may be NULL) is 0. Returns TRUE when delivered (lParam's
 * object now belongs to the window's thread); FALSE when the window is gone or give_up was
 * set: the caller still owns lParam. */
BOOL post_retry(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp, volatile LONG *give_up);

/* Test seam: the PostMessage that post_retry calls (PostMessageW). A test may replace it
 * before any thread posts, e.g. to give a queue the 10,000-message quota where the system
 * (Wine) enforces none. The application never changes it. */
typedef BOOL (WINAPI *post_fn_type)(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp);
extern post_fn_type post_fn;

#endif
