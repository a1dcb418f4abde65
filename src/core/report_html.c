/* The HTML report (see es_report.h): one self-contained document, every foreign text escaped. */
#include "es_report.h"
#include "es_time.h"
#include "es_utf.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ---- escaping ---- */

static const char k_fffd[] = "\xEF\xBF\xBD";

/* Bytes copied as they are without a look: printable ASCII but & < > " ', and TAB, LF, CR. */
static inline int plain(unsigned char c)
{
    return (c >= 0x20 && c < 0x7F && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'') || c == '\t' ||
           c == '\n' || c == '\r';
}

int es_html_escape(es_buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0;   /* bytes [run, i) are copied as they are */
    for (size_t i = 0; i < n;) {
        while (i < n && plain(p[i]))
            i++;
        if (i >= n)
            break;
        unsigned char c = p[i];
        const char *rep = NULL;
        size_t k = 1;
        if (c < 0x80) {
            switch (c) {
            case '&': rep = "&amp;"; break;
            case '<': rep = "&lt;"; break;
            case '>': rep = "&gt;"; break;
            case '"': rep = "&quot;"; break;
            case '\'': rep = "&#39;"; break;
            case '\t': case '\n': case '\r': break;
            default:
                if (c < 0x20 || c == 0x7F)
                    rep = k_fffd;
            }
        } else {
            uint32_t cp;
            k = es_utf8_decode(p + i, n - i, &cp);
            if (k == 1 || (cp >= 0x80 && cp <= 0x9F))   /* invalid, or a C1 control */
                rep = k_fffd;
        }
        if (rep) {
            es_buf_append(b, s + run, i - run);
            es_buf_puts(b, rep);
            run = i + k;
        }
        i += k;
    }
    es_buf_append(b, s + run, n - run);
    return !b->failed;
}

int es_html_puts(es_buf *b, const char *s) { return s ? es_html_escape(b, s, strlen(s)) : !b->failed; }

int es_sink_buf_write(void *ctx, const char *p, size_t n) { return es_buf_append(ctx, p, n); }

/* ---- the writer: a buffer flushed through the sink ---- */

typedef struct w {
    es_buf         b;
    const es_sink *out;
    int            err;
} w;

static void flush(w *x)
{
    if (!x->err && x->b.failed)
        x->err = 1;
    if (!x->err && x->b.len && !x->out->write(x->out->ctx, x->b.data, x->b.len))
        x->err = 1;
    es_buf_clear(&x->b);
}

static void maybe_flush(w *x)
{
    if (x->b.len >= (64u << 10))
        flush(x);
}

static void raw(w *x, const char *s) { es_buf_puts(&x->b, s); }
static void text(w *x, const char *s) { es_html_puts(&x->b, s ? s : ""); }

/* <tag [class="cls"]>escaped text</tag> */
static void cell(w *x, const char *tag, const char *cls, const char *s)
{
    es_buf_printf(&x->b, "<%s%s%s%s>", tag, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    text(x, s);
    es_buf_printf(&x->b, "</%s>", tag);
}

static void num_cell(w *x, uint64_t v)
{
    es_buf_printf(&x->b, "<td class=\"n\">%" PRIu64 "</td>", v);
}

/* "2026-11-28 13:02:07" UTC (with_ms: ".123" too) */
static const char *when(uint64_t t, char out[ES_ISO8601_LEN], int with_ms)
{
    es_time_iso8601(t, out);
    out[10] = ' ';
    out[with_ms ? 23 : 19] = 0;
    return out;
}

static const char *level_class(unsigned level)
{
    static const char *const k[] = {"l4", "l1", "l2", "l3", "l4", "l5"};
    return level <= 5 ? k[level] : "l6";
}


static const char k_style[] =
    "body{font:13px/1.4 'Segoe UI',Arial,sans-serif;color:#1b1f24;margin:24px;}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ccd3db}"
    "p.gen{color:#59636e;margin:0}"
    "table{border-collapse:collapse;margin:4px 0}th,td{border:1px solid #d5dbe1;padding:3px 6px;"
    "text-align:left;vertical-align:top;white-space:nowrap}thead th{background:#e9eef3}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "table.kv th{background:#f3f5f7;width:9em}table.kv td,td.err{white-space:normal}"
    "td.msg{white-space:pre-wrap;word-break:break-word;max-width:48em}"
    "td.err{color:#a3231c}tr.fail td{background:#fdf0ef}"
    "tr.burst td{background:#fff1cc;font-weight:600}span.burst{color:#a35a00}"
    ".l1{color:#7a0010;font-weight:700}.l2{color:#d0302a;font-weight:600}.l3{color:#a36a00}"
    ".l5{color:#6b7280}.more{color:#59636e;font-style:italic}"
    "svg text{font:11px 'Segoe UI',Arial,sans-serif;fill:#1b1f24}"
    ".legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:-2px}"
    "@media print{body{margin:0;font-size:10px}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "thead{display:table-header-group}tr{break-inside:avoid}h2{break-after:avoid}"
    "svg{max-width:100%;height:auto}th,td{white-space:normal;padding:2px 4px}"
    "td.msg{max-width:none;min-width:40%;word-break:normal;overflow-wrap:anywhere}}";

/* ---- the sections ---- */

static void head(w *x, const es_report *r)
{
    const char *title = r->title && *r->title ? r->title : "EventSweep report";
    raw(x, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
           "<meta name=\"referrer\" content=\"no-referrer\">\n");
    cell(x, "title", NULL, title);
    raw(x, "\n<style>");
    raw(x, k_style);
    raw(x, "</style></head>\n<body>\n");
    cell(x, "h1", NULL, title);
    if (r->generated) {
        char t[ES_ISO8601_LEN];
        es_buf_printf(&x->b, "<p class=\"gen\">Generated %s UTC by EventSweep.</p>\n", when(r->generated, t, 0));
    }
}

static void params(w *x, const es_report *r)
{
    const char *k[] = {"Servers", "Logs", "Window", "Filters"};
    const char *v[] = {r->servers, r->logs, r->window, r->filters};
    raw(x, "<h2>Sweep</h2>\n<table class=\"kv\">");
    for (size_t i = 0; i < 4; i++) {
        raw(x, "<tr>");
        cell(x, "th", NULL, k[i]);
        cell(x, "td", NULL, v[i] && *v[i] ? v[i] : (i == 3 ? "none" : "-"));
        raw(x, "</tr>\n");
    }
    raw(x, "</table>\n");
}

static void sources(w *x, const es_report *r)
{
    es_buf_printf(&x->b, "<h2>Sources (%zu)</h2>\n", r->nsources);
    raw(x, "<table><thead><tr><th>Source</th><th>Log</th><th>State</th><th>Events</th><th>Seconds</th>"
           "<th>Error and likely cause</th><th>Coverage</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < r->nsources; i++) {
        const es_source_status *st = &r->sources[i];
        int ok = st->state == ES_STATE_DONE && st->error == 0;
        raw(x, ok ? "<tr>" : "<tr class=\"fail\">");
        cell(x, "td", NULL, st->name);
        cell(x, "td", NULL, st->log);
        cell(x, "td", NULL, es_state_name(st->state));
        num_cell(x, st->events);
        es_buf_printf(&x->b, "<td class=\"n\">%.1f</td>", st->seconds);
        raw(x, "<td class=\"err\">");
        if (st->error)
            es_buf_printf(&x->b, "(%" PRIu32 ") ", st->error);
        text(x, st->error_text);
        raw(x, "</td>");
        cell(x, "td", NULL, st->coverage);
        raw(x, "</tr>\n");
        maybe_flush(x);
    }
    raw(x, "</tbody></table>\n");
}

static void summary(w *x, const es_summary *s)
{
    char t1[ES_ISO8601_LEN], t2[ES_ISO8601_LEN];
    raw(x, "<h2>Fleet summary</h2>\n");
    es_buf_printf(&x->b, "<p>%zu events by source and ID in %" PRIu64 " rows; %zu seen on %u or more servers within "
                         "%u minutes (highlighted).</p>\n", s->ngroups, s->rows, s->nbursts, s->burst_servers,
                  s->burst_minutes);
    raw(x, "<table class=\"sum\"><thead><tr><th>Source</th><th>Event ID</th><th>Level</th><th>Events</th>"
           "<th>Servers</th><th>First (UTC)</th><th>Last (UTC)</th><th>Burst</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < s->ngroups; i++) {
        const es_sum_group *g = &s->groups[i];
        raw(x, g->burst ? "<tr class=\"burst\">" : "<tr>");
        cell(x, "td", NULL, g->provider);
        num_cell(x, g->event_id);
        cell(x, "td", level_class(g->level), es_level_name(g->level));
        num_cell(x, g->count);
        num_cell(x, g->servers);
        cell(x, "td", NULL, when(g->first, t1, 0));
        cell(x, "td", NULL, when(g->last, t2, 0));
        if (g->burst)
            es_buf_printf(&x->b, "<td><span class=\"burst\">%" PRIu32 " servers from %s</span></td>", g->burst_servers,
                          when(g->burst_start, t1, 0));
        else
            raw(x, "<td></td>");
        raw(x, "</tr>\n");
        maybe_flush(x);
    }
    raw(x, "</tbody></table>\n");
}

/* The server's name for the SVG label: at most 28 code points, then an ellipsis. */
static void short_name(w *x, const char *s)
{
    size_t n = strlen(s), i = 0;
    for (unsigned cps = 0; i < n && cps < 28; cps++) {
        uint32_t cp;
        i += es_utf8_decode((const unsigned char *)s + i, n - i, &cp);
    }
    es_html_escape(&x->b, s, i);
    if (i < n)
        raw(x, "\xE2\x80\xA6");
}

#define TL_LABEL 190   /* px: the server names */
#define TL_ROW   18
#define TL_TOP   22

static void timeline(w *x, const es_timeline *t, const es_rowset *rs)
{
    char t1[ES_ISO8601_LEN], t2[ES_ISO8601_LEN];
    raw(x, "<h2>Timeline</h2>\n");
    if (!t->nservers || !t->nbuckets) {
        raw(x, "<p>No servers.</p>\n");
        return;
    }
    unsigned cw = (unsigned)(960 / t->nbuckets);
    cw = cw < 8 ? 8 : cw > 24 ? 24 : cw;
    size_t width = TL_LABEL + t->nbuckets * cw + 50, height = TL_TOP + t->nservers * TL_ROW + 4;
    uint64_t mins = t->step / (60u * ES_TICKS_PER_SEC);
    es_buf_printf(&x->b, "<p>%zu servers, %zu buckets of %" PRIu64 " %s (UTC); colour: the worst level, "
                         "intensity: the number of events (at most %" PRIu32 " in one cell).</p>\n",
                  t->nservers, t->nbuckets, mins % 60 ? mins : mins % 1440 ? mins / 60 : mins / 1440,
                  mins % 60 ? "min" : mins % 1440 ? "h" : "day(s)", t->max_count);
    es_buf_printf(&x->b, "<svg width=\"%zu\" height=\"%zu\" viewBox=\"0 0 %zu %zu\" role=\"img\" "
                         "aria-label=\"Events per server and time\">\n", width, height, width, height);
    size_t every = (90 + cw - 1) / cw;   /* a time label every ~90 px */
    for (size_t b = 0; b < t->nbuckets; b += every) {
        uint64_t at = t->start + b * t->step;
        int days = t->step >= 24 * ES_TICKS_PER_HOUR;
        when(at, t1, 0);
        t1[days ? 10 : 16] = 0;   /* "YYYY-MM-DD", or "MM-DD HH:MM" below */
        es_buf_printf(&x->b, "<text x=\"%zu\" y=\"12\">%s</text><line x1=\"%zu\" y1=\"15\" x2=\"%zu\" y2=\"%zu\" "
                             "stroke=\"#ccd3db\"/>\n", TL_LABEL + b * cw, t1 + (days ? 0 : 5),
                      TL_LABEL + b * cw, TL_LABEL + b * cw, height - 2);
    }
    for (size_t s = 0; s < t->nservers; s++) {
        const char *name;
        uint64_t a, z;
        es_timeline_cell_range(t, rs, s, 0, &name, &a, &z);
        size_t y = TL_TOP + s * TL_ROW;
        raw(x, "<g><text x=\"4\" y=\"");
        es_buf_printf(&x->b, "%zu\">", y + 13);
        short_name(x, name);
        raw(x, "<title>");
        text(x, name);
        es_buf_printf(&x->b, "</title></text><rect x=\"%d\" y=\"%zu\" width=\"%zu\" height=\"%d\" fill=\"#%06" PRIx32 "\"/>\n",
                      TL_LABEL, y + 1, t->nbuckets * cw, TL_ROW - 2, (uint32_t)ES_TL_EMPTY_RGB);
        for (size_t b = 0; b < t->nbuckets; b++) {
            const es_tl_cell *c = es_timeline_cell(t, s, b);
            if (!c->count)
                continue;
            /* the colour rule the window's timeline shares (es_tl_cell_rgb): the level's hue at
               the count's intensity over the empty cell's colour */
            unsigned op = es_tl_alpha(c->count, t->max_count);
            es_timeline_cell_range(t, rs, s, b, &name, &a, &z);
            es_buf_printf(&x->b, "<rect x=\"%zu\" y=\"%zu\" width=\"%u\" height=\"%d\" fill=\"#%06" PRIx32 "\" "
                                 "fill-opacity=\"%u.%03u\"><title>", TL_LABEL + b * cw, y + 1, cw - 1, TL_ROW - 2,
                          es_level_rgb(c->level), op / 1000, op % 1000);
            text(x, name);
            es_buf_printf(&x->b, ", %s to %s: %" PRIu32 " events, worst %s</title></rect>\n", when(a, t1, 0),
                          when(z, t2, 0), c->count, es_level_name(c->level));
        }
        raw(x, "</g>\n");
        maybe_flush(x);
    }
    raw(x, "</svg>\n<p class=\"legend\">");
    for (unsigned l = 1; l <= 5; l++)
        es_buf_printf(&x->b, "<span style=\"background:#%06" PRIx32 "\"></span>%s", es_level_rgb(l),
                      es_level_name(l));
    raw(x, "</p>\n");
}

static void rows(w *x, const es_report *r, atomic_int *cancel)
{
    const es_rowset *rs = r->rows;
    size_t n = rs ? rs->n : 0, shown = r->max_rows && r->max_rows < n ? r->max_rows : n;
    es_buf_printf(&x->b, "<h2>Events (%zu)</h2>\n", n);
    raw(x, "<table class=\"rows\"><thead><tr><th>Server</th><th>TimeCreated (UTC)</th><th>Level</th><th>Source</th>"
           "<th>EventID</th><th>Task</th><th>RecordID</th><th>Computer</th><th>Message</th>"
           "<th>Received (UTC)</th><th>Log</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < shown && !x->err; i++) {
        if ((i & 1023) == 0 && cancel && atomic_load_explicit(cancel, memory_order_relaxed))
            x->err = 1;
        const es_row *e = es_rowset_row(rs, i);
        char t[ES_ISO8601_LEN];
        raw(x, "<tr>");
        cell(x, "td", NULL, es_rowset_server(rs, e));
        cell(x, "td", NULL, when(e->time_created, t, 1));
        cell(x, "td", level_class(e->level), e->level_text);
        cell(x, "td", NULL, e->provider);
        num_cell(x, e->event_id);
        cell(x, "td", NULL, e->task_text);
        num_cell(x, e->record_id);
        cell(x, "td", NULL, e->computer);
        cell(x, "td", "msg", e->message);
        cell(x, "td", NULL, when(e->received, t, 1));
        cell(x, "td", NULL, es_rowset_log(rs, e));
        raw(x, "</tr>\n");
        maybe_flush(x);
    }
    raw(x, "</tbody></table>\n");
    if (shown < n)
        es_buf_printf(&x->b, "<p class=\"more\">and %zu more rows (the report holds the first %zu).</p>\n", n - shown,
                      shown);
}

int es_report_html(const es_report *r, const es_sink *out, atomic_int *cancel)
{
    static const es_rowset k_none;
    const es_rowset *rs = r->rows ? r->rows : &k_none;
    es_summary own_s;
    es_timeline own_t;
    const es_summary *s = r->summary;
    const es_timeline *t = r->timeline;
    int ok = 1;
    if (!s) {
        ok = es_summary_build(rs, r->burst_servers, r->burst_minutes, &own_s, cancel) && es_summary_sort(&own_s, ES_SUM_COUNT, 1);
        s = &own_s;
    }
    if (ok && !t) {
        ok = es_timeline_build(rs, 0, 0, 0, &own_t, cancel);
        t = &own_t;
    }
    w x = {.out = out};
    es_buf_init(&x.b);
    if (ok) {
        head(&x, r);
        params(&x, r);
        sources(&x, r);
        summary(&x, s);
        timeline(&x, t, rs);
        rows(&x, r, cancel);
        raw(&x, "</body></html>\n");
        flush(&x);
        ok = !x.err;
    }
    es_buf_free(&x.b);
    if (!r->summary)
        es_summary_free(&own_s);
    if (!r->timeline && t == &own_t)
        es_timeline_free(&own_t);
    return ok;
}
