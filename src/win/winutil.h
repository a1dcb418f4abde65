/* winutil: small Win32 helpers shared by the shell: UTF-8 <-> UTF-16 strings, error text,
 * time, file writing. Nothing here touches a window. */
#ifndef WINUTIL_H
#define WINUTIL_H

#include <windows.h>
#include <stdint.h>

#include "es_buf.h"

/* Heap strings: free with free(). NULL in -> NULL out; NULL on out of memory. */
char  *wu_utf8(const WCHAR *w);
WCHAR *wu_wide(const char *s);
/* Appends the UTF-8 form of a UTF-16 string of n units (n == (size_t)-1: NUL-terminated). */
int    wu_append_utf8(es_buf *b, const WCHAR *w, size_t n);
/* UTF-8 into a fixed WCHAR buffer, truncated to fit (always NUL-terminated). */
void   wu_to_wide_buf(const char *s, WCHAR *out, int cap);

/* "Access is denied." for a Win32 or Event Log error code, without the trailing line end;
 * a built-in text for common codes the system table may lack; "Error N." as the last resort. */
void   wu_error_text(DWORD code, WCHAR *out, size_t cap);

/* "<what>: <error text> (<code>)", the form every error the user sees takes. */
void   wu_error_sentence(WCHAR *out, size_t cap, const WCHAR *what, DWORD code);

uint64_t wu_now_ticks(void);   /* UTC now as FILETIME ticks */

/* Writes the whole buffer to a new file (replacing it) through a temporary file in the same
 * folder, so a failed write never leaves a half file under the final name. Returns 0 or a
 * Win32 error code. */
DWORD  wu_write_file_atomic(const WCHAR *path, const void *data, size_t len);
/* Reads a whole file (at most max bytes) into *data (free()). Returns 0 or a Win32 error code. */
DWORD  wu_read_file(const WCHAR *path, size_t max, char **data, size_t *len);

/* Runs work(job) on a new thread, then posts msg (lParam = job) to hwnd with post_retry (on a
 * full queue it waits and tries again while the window exists): from then on the job belongs
 * to the window's thread. If the window is gone, free_job(job) is called instead, so a job is
 * never leaked. Returns FALSE (the caller keeps the job) when no thread could start. */
BOOL   wu_run_job(HWND hwnd, UINT msg, void *job, void (*work)(void *job), void (*free_job)(void *job));

/* A report ListView's sort arrow: on column col (-1: none), down when desc; the others' cleared. */
void   wu_sort_arrow(HWND lv, int col, BOOL desc);

#endif
