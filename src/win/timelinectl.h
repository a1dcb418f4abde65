/* timelinectl: the timeline control (issue #9) — servers x time buckets drawn with GDI, each
 * cell coloured by its worst level and, in intensity, by its number of events (the rule the
 * HTML report shares: es_tl_cell_rgb). Server names on the left (ellipsised), the local-time
 * axis on top, a status line (the hovered or selected cell) and the legend below.
 *
 * A click on a cell with events, or Enter/Space on the selected one (the arrow keys, Home/End
 * and Page Up/Down move the selection), sends the parent WM_NOTIFY TLN_CELLCLICK with the
 * server and the cell's time range [t0, t1) = [start + b*step, start + (b+1)*step). A cell
 * without events is selected but sends nothing (it would filter to no rows).
 *
 * Vertical scrolling (scroll bar, wheel) when more servers than fit; the cells fill the width.
 * Font: WM_SETFONT (the dialog's); every size follows the font, so a DPI change that sends a
 * new font rescales the control. Double-buffered; WM_PRINTCLIENT paints into a given DC. */
#ifndef TIMELINECTL_H
#define TIMELINECTL_H

#include <windows.h>
#include <stdint.h>

#include "es_summary.h"

#define TIMELINE_CLASS L"EventSweepTimeline"

#define TLN_CELLCLICK 1   /* WM_NOTIFY code sent to the parent, lParam = (NMTIMELINE *) */
typedef struct NMTIMELINE {
    NMHDR        hdr;
    const WCHAR *server;  /* never NULL ("" for a server without a name); valid during the notification */
    uint64_t     t0, t1;  /* FILETIME ticks (UTC), [t0, t1) */
} NMTIMELINE;

BOOL timeline_register(HINSTANCE inst);   /* once, at start */
HWND timeline_create(HWND parent, int id); /* a child window (WS_CHILD|WS_TABSTOP, hidden until shown) */
/* Gives the control a grid to draw: takes ownership of tl (a malloc'ed es_timeline: the control
 * calls es_timeline_free(tl) then free(tl)) and of names (tl->nservers malloc'ed WCHAR* strings,
 * each free'd, and the array free'd; NULL entries allowed; names NULL: no names). tl NULL: the
 * empty state ("No rows to chart"; names, if not NULL, is free'd as an empty array). A grid
 * without events shows the empty state too. The scroll position stays while the servers are as
 * many, the selection while the buckets are the same times too; otherwise both reset. */
void timeline_set(HWND h, es_timeline *tl, WCHAR **names);

/* ---- for tests and the host ---- */

/* The cell's rectangle in client coordinates; FALSE when it is outside the grid or scrolled out
 * of view (a partly shown last row counts as shown). */
BOOL timeline_cell_rect(HWND h, size_t server, size_t bucket, RECT *out);
/* The keyboard selection; FALSE when there is none. */
BOOL timeline_get_selection(HWND h, size_t *server, size_t *bucket);
/* The status line's text for a cell: "dc01 · 2026-11-28 13:00–13:15 · 42 events, worst: Error". */
void timeline_cell_text(HWND h, size_t server, size_t bucket, WCHAR *out, size_t cap);

#endif
