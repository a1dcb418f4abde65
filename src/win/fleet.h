/* fleet: the fleet picture in the window (issue #9) — the Summary and Timeline tabs of the
 * bottom pane, and the job that computes them.
 *
 * The picture is of the rows the view shows WITHOUT its pick (the find and the sources in focus
 * apply; a click in the summary or the timeline does not collapse the summary to its one line).
 * fleet.c runs one job at a time (registered in jobs.c as JOB_FLEET): it takes a copy of the
 * view's order, find and shown sources and a reference on the row store (rowview_installed),
 * filters, builds the es_summary (its providers copied out of the store, so the list holds no
 * reference that would stop live follow's eviction) and the es_timeline and posts SWM_FLEET_DONE;
 * the UI thread takes the results or frees them. A new job starts when the visible set changed, at most once a second,
 * and only while the Summary or Timeline tab is shown; a change of find or sources cancels the
 * running job, new rows during a sweep wait for it.
 *
 * fleetsum.c is the Summary page (the list, the burst rule, a click picks the event).
 *
 * UI thread only, except the job's thread (fleet.c's job_main). */
#ifndef FLEET_H
#define FLEET_H

#include <windows.h>
#include <commctrl.h>
#include <stdint.h>

#include "srctexts.h"
#include "es_summary.h"
#include "es_view.h"

#define SWM_FLEET_DONE (SWM_LAST + 60)   /* lParam: the fleet job (ownership passes to the UI) */

/* rowview.c: the view as installed (NULL while a sort or find job runs), copies of its sources'
 * texts, and a stamp that changes with a new store or rows retired. */
const es_view *rowview_installed(void);
BOOL           rowview_srcs_copy(src_texts *t, uint32_t **rank);
uint64_t       rowview_stamp(void);

/* ---- fleet.c ---- */

/* The pages, children of the details pane's tab control (details.c places and shows them). */
void fleet_init(HWND tab);
HWND fleet_summary_page(void);
HWND fleet_timeline_page(void);
void fleet_shown(BOOL summary, BOOL timeline);   /* which tab is shown: the job runs for them */
void fleet_done(LPARAM job);                     /* SWM_FLEET_DONE */
void fleet_rule(unsigned *servers, unsigned *minutes);   /* the burst rule now (the report's too; fleetsum.c) */
/* The window's Esc (or Show all rows): TRUE when it cleared a pick. */
BOOL fleet_key(const MSG *m);
void fleet_clear_pick(void);
void fleet_new_sweep(void);   /* a new store: the picture goes */
/* A click's pick (event: a summary group, else a timeline cell); takes p; what: in words. */
void fleet_set_pick(int event, es_pick *p, const WCHAR *what);
int  fleet_pick_is_event(void);   /* the view's pick is a summary group's */
void fleet_rule_changed(void);

/* ---- fleetsum.c: the Summary page ---- */

HWND sumpage_create(HWND parent);          /* the page (a container window, hidden) */
/* Shows a new summary; takes s and texts (malloc'ed: its groups' provider texts, which they
 * point into); ms: how long it took (the list's "fleet_ms" property, for tests). NULL: empty. */
void sumpage_set(es_summary *s, char *texts, LONG ms);
void sumpage_order(es_sum_col *col, int *desc);   /* the order the user chose */
void sumpage_busy(BOOL busy);              /* a job is computing the picture */
void sumpage_clear_selection(void);        /* the pick was cleared elsewhere */
BOOL sumpage_is_list(HWND h);
void sumpage_rescale(void);

#endif
