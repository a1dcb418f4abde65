/* es_report: the one-file HTML report of a sweep (issue #9) — the sweep's parameters, each
 * source's state, the fleet summary, the timeline as inline SVG and the rows — self-contained
 * and safe to open: a Content-Security-Policy of default-src 'none' (styles inline only), no
 * script, no external resource, and every text from an event, a server or the user escaped
 * (event data is attacker-controlled).
 *
 * The writer produces bytes through a sink, so the Win32 shell writes a file with its own I/O
 * (a temporary file renamed into place, off the UI thread) and tests write to memory. It reads
 * rows [0, n) of a store like an export does, so it runs on a job thread.
 *
 * Portable core: no windows.h. Text is UTF-8. */
#ifndef ES_REPORT_H
#define ES_REPORT_H

#include "es_buf.h"
#include "es_rowset.h"
#include "es_source.h"
#include "es_summary.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Where the bytes go: write() returns 1, or 0 on an error (the writer stops). */
typedef struct es_sink {
    int  (*write)(void *ctx, const char *p, size_t n);
    void  *ctx;
} es_sink;

/* A sink that appends to an es_buf (ctx: the es_buf). */
int es_sink_buf_write(void *ctx, const char *p, size_t n);

/* Appends s (n bytes) as HTML text or attribute value: & < > " ' as entities, control
 * characters other than TAB, LF and CR (and DEL, and the C1 controls) and invalid UTF-8 as
 * U+FFFD. 0 when out of memory. */
int es_html_escape(es_buf *b, const char *s, size_t n);
int es_html_puts(es_buf *b, const char *s);   /* NULL: nothing */

#define ES_REPORT_ROWS 10000   /* the rows a report holds by default (the rest are counted) */

typedef struct es_report {
    const char *title;          /* NULL: "EventSweep report" */
    uint64_t    generated;      /* FILETIME ticks (UTC) of the report; 0: not shown */
    /* the sweep's parameters, as the user would read them (any may be NULL or "") */
    const char *servers;        /* "dc01, dc02, web01 (3 servers)" */
    const char *logs;           /* "System, Application" */
    const char *window;         /* "last 8 hours, from 2026-11-28T17:00:00Z" */
    const char *filters;        /* es_filter_describe's text, or a custom view's */
    const es_source_status *sources;   /* each source's state, events, error (with its diagnosis) */
    size_t      nsources;
    const es_rowset *rows;      /* the rows shown, in their order */
    size_t      max_rows;       /* rows written at most (then "and M more rows"); 0: all */
    /* The fleet picture. NULL: the writer builds it from rows (defaults: 3 servers within 10
     * minutes; the summary by events, most first; the timeline over the rows' own span). */
    const es_summary  *summary;
    const es_timeline *timeline;
    /* The rule the summary the writer builds flags bursts by (--burst, the window's): the same
     * event on burst_servers servers within burst_minutes minutes; 0: the defaults. */
    unsigned    burst_servers, burst_minutes;
} es_report;

/* Writes the whole document. Returns 1; 0 when the sink failed, memory ran out or cancel was
 * set (what was written is then incomplete). */
int es_report_html(const es_report *r, const es_sink *out, atomic_int *cancel);

#endif
