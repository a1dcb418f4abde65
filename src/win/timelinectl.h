/* The timeline control: servers x time buckets drawn with GDI (issue #9); a click on a cell
 * tells the parent (TLN_CELLCLICK). */
#ifndef TIMELINECTL_H
#define TIMELINECTL_H

#include <windows.h>
#include "es_summary.h"

#define TLN_CELLCLICK 1   /* WM_NOTIFY code sent to the parent, lParam = (NMTIMELINE *) */
typedef struct NMTIMELINE { NMHDR hdr; const WCHAR *server; uint64_t t0, t1; } NMTIMELINE; /* server valid during the notification */
BOOL timeline_register(HINSTANCE inst);                 /* once, at start */
HWND timeline_create(HWND parent, int id);              /* a child window (WS_CHILD|WS_TABSTOP, hidden until shown) */
/* Gives the control a grid to draw: takes ownership of tl (es_timeline_free'd by the control) and of names
   (tl->nservers malloc'ed WCHAR* strings, each free'd, and the array free'd). tl NULL: empty. */
void timeline_set(HWND h, es_timeline *tl, WCHAR **names);

#endif
