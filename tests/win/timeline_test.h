/* timeline_test.h: what the two files of the timeline control's test program share
 * (timeline_test.c: the harness, the window and the first checks; timeline_more.c: the font,
 * re-entry, scrolling, many servers, leaks and the screenshot). */
#ifndef TIMELINE_TEST_H
#define TIMELINE_TEST_H

#include "timelinectl.h"

#include <stdint.h>

#define ID_TL  42
#define MIN    (60ull * 10000000ull)

extern HWND g_top, g_ctl;
extern HFONT g_font;
void begin(const char *name);
void expect(int ok, const char *fmt, ...);
void end(void);
const char *A(const WCHAR *w);            /* a wide text for a FAIL line, ASCII only */

/* what the parent heard of the last TLN_CELLCLICK */
extern int g_notes;
extern WCHAR g_server[256];
extern uint64_t g_t0, g_t1;
extern int g_replace_in_notify;   /* the handler replaces the grid (1) or destroys the control (2) */
extern BOOL g_server_changed;

uint64_t start_of_day(void);                                  /* 2026-11-28 00:00 UTC */
es_timeline *grid(size_t ns, size_t nb, uint64_t step);       /* starts at 06:00 */
void put(es_timeline *t, size_t s, size_t b, uint32_t count, uint8_t level);
WCHAR **names(size_t n, const WCHAR *fmt);
void set_basic(void);                                         /* 8 servers x 48 buckets of 15 min */

void pump(void);
POINT centre(size_t s, size_t b);
void click_at(int x, int y);
void click(size_t s, size_t b);
void key(WPARAM vk);
extern uint32_t *g_px;
extern int g_w, g_h;
void render(void);                                            /* WM_PRINTCLIENT into g_px */
uint32_t px(int x, int y);
uint32_t rgb_of(COLORREF c);
SIZE_T private_bytes(void);

/* timeline_more.c */
void check_font(void);
void check_reentry(void);
void check_scroll(void);
void check_many(void);
void check_no_leak(void);
void show(int seconds);

#endif
