/* details: the pane under the results that shows the selected event — its fields, its full
 * message, every data name and value (General), and its XML (XML) — in read-only edits the
 * user can select and copy from. The details are fetched from the event's source when a row is
 * selected (fetch.h), never kept for every row.
 *
 * One fetch runs at a time: selecting another row while one runs cancels it and queues the new
 * request (a later selection replaces the queued one); an answer for a row that is no longer
 * selected is dropped. A fetch past the time limit (Limits: the longest wait for one answer) is
 * cancelled, and one that has not come back SWEEP_CANCEL_GRACE_MS after its cancel is left
 * behind (unregistered: its answer is freed when it comes, or by its thread when the window is
 * gone), so a server that never answers holds neither the pane nor the window's close.
 *
 * UI thread only. */
#ifndef DETAILS_H
#define DETAILS_H

#include <windows.h>
#include <commctrl.h>
#include <stddef.h>

#include "fetch.h"

/* Creates the pane's controls (after the results list). */
void details_init(void);
/* Shows the row of the row store with that index (SIZE_MAX: none selected). */
void details_show_row(size_t row);
/* Moves the keyboard focus into the pane (Enter or a double click on a results row). */
void details_focus(void);
/* Where the pane goes, in client pixels of the main window; the gap above it (`gap` pixels,
 * between it and the results) is the splitter the user drags. */
void details_place(int x, int y, int w, int h, int gap);
/* How much of `total` pixels (the results, the gap and the pane) the results get: 65% until
 * the splitter is dragged. */
int  details_results_height(int total);
/* SWM_FETCH_DONE: a fetch's answer (the job now belongs to the pane). */
void details_done(fetch_job *job);
/* Shows page 0 General, 1 XML, 2 Summary, 3 Timeline. */
void details_show_tab(int page);
/* WM_NOTIFY from the pane's tab control. */
void details_notify(const NMHDR *nh);
/* Called with every message before the dialog manager sees it: Enter on the results list
 * (which the dialog manager would turn into a click on the default button, Start) focuses the
 * pane; Ctrl+Tab and Ctrl+Shift+Tab switch its tabs. TRUE when the message was handled. */
BOOL details_key(const MSG *m);

#endif
