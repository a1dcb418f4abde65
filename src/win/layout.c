/* Layout: where each control of the main window goes, in dialog units, and what a DPI change
 * needs on top of the dialog manager's own scaling. Runs on the UI thread only. */
#include "ui.h"
#include "resource.h"

RECT dlu(int x, int y, int w, int h)
{
    RECT r = {x, y, x + w, y + h};
    MapDialogRect(g.dlg, &r);
    return r;
}

static void place(int id, int x, int y, int w, int h)
{
    SetWindowPos(GetDlgItem(g.dlg, id), NULL, x, y, w, h, SWP_NOZORDER | SWP_NOACTIVATE);
}

void layout(void)
{
    RECT cl;
    GetClientRect(g.dlg, &cl);
    SendMessageW(g.status, WM_SIZE, 0, 0);
    RECT sr;
    GetWindowRect(g.status, &sr);
    int sbh = sr.bottom - sr.top;
    RECT m = dlu(7, 6, 4, 14);              /* margin, top, gap, button height */
    int margin = m.left, top = m.top, gap = m.right - m.left, bh = m.bottom - m.top;
    RECT u = dlu(0, 0, 170, 10);            /* left pane width, label height */
    int W = cl.right, H = cl.bottom - sbh;
    int left_w = u.right;
    if (left_w > W / 3)
        left_w = W / 3;
    RECT lw = dlu(0, 0, 54, 9);
    int btn_w = lw.right, lab_h = lw.bottom;
    int list_top = top + bh + gap;
    int bottom = H - margin;

    /* left pane */
    place(IDC_SERVERS_LABEL, margin, top + (bh - lab_h) / 2, left_w, lab_h);
    place(IDC_SERVERS, margin, list_top, left_w, bottom - 2 * bh - 2 * gap - list_top);
    int bw = (left_w - 2 * gap) / 3;
    if (bw > btn_w)
        bw = btn_w;
    place(IDC_ADD, margin, bottom - bh, bw, bh);
    place(IDC_REMOVE, margin + bw + gap, bottom - bh, bw, bh);
    place(IDC_IMPORT, margin + 2 * (bw + gap), bottom - bh, bw, bh);
    RECT cb_w = dlu(0, 0, 64, 0);
    place(IDC_CONNECT, margin, bottom - 2 * bh - gap, cb_w.right < left_w ? cb_w.right : left_w, bh);

    /* top row, right of the list: buttons at the right edge, then the time window, and the
     * log combo takes what is left */
    RECT b1 = dlu(0, 0, 44, 0), b2 = dlu(0, 0, 62, 0);
    int rx = W - margin - b2.right;
    place(IDC_EXPORT, rx, top, b2.right, bh);
    RECT b3 = dlu(0, 0, 50, 0);
    rx -= gap + b3.right;
    place(IDC_RETRY, rx, top, b3.right, bh);
    rx -= gap + b1.right;
    place(IDC_STOP, rx, top, b1.right, bh);
    rx -= gap + b1.right;
    place(IDC_START, rx, top, b1.right, bh);
    rx -= gap + b1.right;
    place(IDC_LIMITS, rx, top, b1.right, bh);
    RECT w = dlu(0, 0, 32, 0);
    RECT spr;
    GetWindowRect(g.spin, &spr);
    int spin_w = spr.right - spr.left;
    /* "(0 = all)" goes first when the row is too narrow for the log combo and Browse... */
    RECT need = dlu(0, 0, 18 + 60 + 40 + 28 + 40, 0);
    int left_x = margin + left_w + 2 * gap;
    BOOL unit = rx - (2 * gap + w.right) - (gap + spin_w + 6 * gap) - left_x >= need.right;
    ShowWindow(GetDlgItem(g.dlg, IDC_HOURS_UNIT), unit ? SW_SHOWNA : SW_HIDE);
    if (unit) {
        rx -= 2 * gap + w.right;
        place(IDC_HOURS_UNIT, rx, top + (bh - lab_h) / 2 + 1, w.right, lab_h);
    } else {
        rx -= gap;
    }
    w = dlu(0, 0, 28, 0);
    RECT eh = dlu(0, 0, 0, 13);
    rx -= gap / 2 + spin_w + w.right;
    place(IDC_HOURS, rx, top, w.right, eh.bottom);
    SendMessageW(g.spin, UDM_SETBUDDY, (WPARAM)g.hours, 0); /* re-attaches the arrows to the edit */
    w = dlu(0, 0, 40, 0);
    rx -= gap / 2 + w.right;
    place(IDC_HOURS_LABEL, rx, top + (bh - lab_h) / 2 + 1, w.right, lab_h);
    int x = margin + left_w + 2 * gap;
    w = dlu(0, 0, 18, 0);
    place(IDC_LOG_LABEL, x, top + (bh - lab_h) / 2 + 1, w.right, lab_h);
    x += w.right + gap / 2;
    RECT cb = dlu(0, 0, 60, 120), brw = dlu(0, 0, 40, 0);   /* the combo, then Browse... */
    int cw = rx - 3 * gap - brw.right - x;
    if (cw < cb.right)
        cw = cb.right;
    RECT cmax = dlu(0, 0, 220, 0);
    if (cw > cmax.right)
        cw = cmax.right;
    place(IDC_LOG, x, top, cw, cb.bottom);
    place(IDC_LOG_BROWSE, x + cw + gap / 2, top, brw.right, bh);

    /* the filter row, the Find row, then the results and the details pane */
    int lvx = margin + left_w + 2 * gap;
    int fh = filterbar_layout(lvx, list_top, W - margin - lvx);
    int find_top = list_top + fh;
    RECT fr = dlu(0, 0, 22, 13), fe = dlu(0, 0, 200, 0), fc = dlu(0, 0, 200, 0);
    int edit_h = fr.bottom;
    place(IDC_FIND_LABEL, lvx, find_top + (edit_h - lab_h) / 2 + 1, fr.right, lab_h);
    int fw = W - margin - lvx - fr.right - gap - fc.right - gap;
    if (fw > fe.right)
        fw = fe.right;
    if (fw < fr.right * 3)
        fw = fr.right * 3;
    place(IDC_FIND, lvx + fr.right, find_top, fw, edit_h);
    int cx = lvx + fr.right + fw + gap;
    RECT rb = dlu(0, 0, 56, 0);   /* Save report... at the row's right end */
    place(IDC_REPORT, W - margin - rb.right, find_top, rb.right, edit_h);
    RECT pb = dlu(0, 0, 52, 0);   /* Show all rows (a pick is active) before it */
    int pick_x = W - margin - rb.right - gap - pb.right;
    place(IDC_PICK_CLEAR, pick_x, find_top, pb.right, edit_h);
    place(IDC_VIEW_COUNT, cx, find_top + (edit_h - lab_h) / 2 + 1, pick_x - gap - cx, lab_h);
    int res_top = find_top + edit_h + gap;
    int rh = details_results_height(bottom - res_top); /* the details pane takes the rest */
    place(IDC_RESULTS, lvx, res_top, W - margin - lvx, rh);
    details_place(lvx, res_top + rh + gap, W - margin - lvx, bottom - res_top - rh - gap, gap);

    /* status bar parts */
    RECT p1 = dlu(0, 0, 225, 0), p2 = dlu(0, 0, 80, 0);
    RECT p3 = dlu(0, 0, 100, 0);
    int parts[4] = {p1.right, p1.right + p2.right, p1.right + p2.right + p3.right, -1};
    SendMessageW(g.status, SB_SETPARTS, 4, (LPARAM)parts);
}

/* The list's first line is the dialog font in semibold; made again when the DPI changes. */
void make_bold_font(void)
{
    LOGFONTW lf;
    HFONT f = (HFONT)SendMessageW(g.dlg, WM_GETFONT, 0, 0);
    if (g.bold)
        DeleteObject(g.bold);
    g.bold = NULL;
    if (f && GetObjectW(f, sizeof lf, &lf)) {
        lf.lfWeight = FW_SEMIBOLD;
        g.bold = CreateFontIndirectW(&lf);
    }
}

/* After Windows has scaled the dialog for a new monitor DPI (PerMonitorV2): what it does not
 * scale itself — the owner-drawn list's item height, the bold font, the column widths. */
void after_dpi_change(void)
{
    make_bold_font();
    RECT r = {0, 0, 0, 22};
    MapDialogRect(g.dlg, &r);
    SendMessageW(g.list, LB_SETITEMHEIGHT, 0, r.bottom);
    results_rescale();
    layout();
    InvalidateRect(g.dlg, NULL, TRUE);
}
