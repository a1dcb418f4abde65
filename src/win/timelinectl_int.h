/* timelinectl_int.h: what the timeline control's two files share (timelinectl.c: the window,
 * layout and input; timelinectl_draw.c: painting and the cell's text). Not for other files. */
#ifndef TIMELINECTL_INT_H
#define TIMELINECTL_INT_H

#include "timelinectl.h"

#define MINUTE (60ull * 10000000ull)
#define DAY    (1440ull * MINUTE)
#define MAX_ROWS (1 << 24)       /* more servers or buckets than this: shown as empty */

typedef struct tl {
    HWND          h;
    es_timeline  *t;             /* owned; NULL: empty */
    WCHAR       **names;         /* owned; t->nservers entries, NULL ones allowed */
    HFONT         font;          /* not owned (WM_SETFONT) */
    int           fh, avgw, namew; /* the font's height and average character width; the widest name */
    int           top;           /* the first server row shown */
    int           sel_s, sel_b;  /* the keyboard selection; -1: none */
    int           hot_s, hot_b;  /* under the mouse; -1: none */
    int           press_s, press_b;
    int           wheel;         /* wheel delta not yet scrolled */
    BOOL          tracking;
    /* layout (client coordinates) */
    int           pad, row_h, label_w, grid_x, grid_y, grid_w, grid_h, status_y, legend_y, page;
} tl;

static inline tl *get(HWND h) { return h ? (tl *)GetWindowLongPtrW(h, GWLP_USERDATA) : NULL; }

static inline BOOL empty(const tl *st)
{
    return !st->t || !st->t->nservers || !st->t->nbuckets || !st->t->cells || !st->t->max_count ||
           st->t->nservers > MAX_ROWS || st->t->nbuckets > MAX_ROWS;
}

static inline int nrows(const tl *st) { return empty(st) ? 0 : (int)st->t->nservers; }
static inline int nbk(const tl *st) { return empty(st) ? 0 : (int)st->t->nbuckets; }

static inline const WCHAR *name_of(const tl *st, int s)
{
    return st->names && st->names[s] ? st->names[s] : L"";
}

static inline int cell_x(const tl *st, int b)
{
    return st->grid_x + (int)((int64_t)st->grid_w * b / nbk(st));
}

/* timelinectl.c */
BOOL tl_cell_rect(const tl *st, int s, int b, RECT *r);   /* FALSE: outside the grid or not shown */

/* timelinectl_draw.c */
void tl_cell_text(const tl *st, int s, int b, WCHAR *out, size_t cap);   /* the status line's text */
void tl_paint(tl *st, HDC dc, const RECT *rc);                          /* everything, into dc */
void tl_on_paint(tl *st);                                                /* WM_PAINT, double-buffered */

#endif
