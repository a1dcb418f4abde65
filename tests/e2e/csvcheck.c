/* csvcheck: the end-to-end checkers' shared reporting and CSV reading (see csvcheck.h). */
#include "csvcheck.h"

#include "es_csv.h"
#include "es_export.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *g_tag = "check";
int g_fail;
int g_details_max = 25;
static int g_details;

const char *const ROW_HEADER[11] = {"Server", "TimeCreated", "Level", "Source", "EventID", "Task", "RecordID", "Computer", "Message", "Received", "Log"};
const char *const STATUS_HEADER[8] = {"Source", "State", "Events", "ErrorCode", "Error", "Seconds", "Coverage", "Log"};

/* ------------------------------------------------------------------ reporting */

void pass(const char *what) { printf("PASS %s-%s\n", g_tag, what); }

static void vfail(const char *what, const char *fmt, va_list ap)
{
    printf("FAIL %s-%s: ", g_tag, what);
    vprintf(fmt, ap);
    printf("\n");
    g_fail++;
}

void failf(const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(what, fmt, ap);
    va_end(ap);
}

void verdict(const char *what, size_t bad, const char *fmt, ...)
{
    if (!bad) {
        pass(what);
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vfail(what, fmt, ap);
    va_end(ap);
}

void detail(const char *fmt, ...)
{
    if (g_details++ >= g_details_max)
        return;
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    printf("     ");   /* one line: control characters escaped */
    for (const char *p = tmp; *p; p++) {
        if (*p == '\r') fputs("\\r", stdout);
        else if (*p == '\n') fputs("\\n", stdout);
        else if (*p == '\t') fputs("\\t", stdout);
        else putchar(*p);
    }
    putchar('\n');
}

/* ------------------------------------------------------------------ files */

char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    es_buf b;
    es_buf_init(&b);
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        es_buf_append(&b, tmp, n);
    fclose(f);
    if (!b.data)
        es_buf_append(&b, "", 0);
    *len = b.len;
    return b.data;
}

void csv_out_init(csv_out *o)
{
    es_buf_init(&o->rows);
    es_buf_init(&o->status);
    es_export_rows_header(&o->rows);
    es_export_status_header(&o->status);
}

int csv_out_write(csv_out *o, const char *rows_path, const char *status_path)
{
    FILE *f1 = fopen(rows_path, "wb"), *f2 = fopen(status_path, "wb");
    int ok = f1 && f2 && fwrite(o->rows.data, 1, o->rows.len, f1) == o->rows.len &&
             fwrite(o->status.data, 1, o->status.len, f2) == o->status.len;
    if (f1 && fclose(f1))
        ok = 0;
    if (f2 && fclose(f2))
        ok = 0;
    es_buf_free(&o->rows);
    es_buf_free(&o->status);
    return ok;
}

/* ------------------------------------------------------------------ CSV */

int csv_parse(const char *p, size_t len, csv *c)
{
    memset(c, 0, sizeof *c);
    if (len < 3 || memcmp(p, ES_CSV_BOM, 3)) {
        snprintf(c->err, sizeof c->err, "no UTF-8 BOM");
        return 0;
    }
    size_t i = 3, cap = 0, line = 1;
    es_buf field;
    es_buf_init(&field);
    while (i < len) {
        csv_row r = {NULL, 0, line, i, 0};
        int fcap = 0;
        for (;;) {   /* one field */
            es_buf_clear(&field);
            es_buf_append(&field, "", 0);
            if (i < len && p[i] == '"') {
                i++;
                for (;;) {
                    if (i >= len) {
                        snprintf(c->err, sizeof c->err, "line %zu: unterminated quoted field", line);
                        es_buf_free(&field);
                        return 0;
                    }
                    if (p[i] == '"') {
                        if (i + 1 < len && p[i + 1] == '"') {
                            es_buf_putc(&field, '"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (p[i] == '\n')
                        line++;
                    es_buf_putc(&field, p[i++]);
                }
                if (i < len && p[i] != ',' && p[i] != '\r') {
                    c->bad_quote++;
                    snprintf(c->err, sizeof c->err, "line %zu: text after a closing quote", line);
                }
            } else {
                while (i < len && p[i] != ',' && p[i] != '\r' && p[i] != '\n') {
                    if (p[i] == '"' && !c->bad_quote++)
                        snprintf(c->err, sizeof c->err, "line %zu: quote inside an unquoted field", line);
                    es_buf_putc(&field, p[i++]);
                }
            }
            if (r.n == fcap) {
                fcap = fcap ? fcap * 2 : 16;
                r.f = realloc(r.f, (size_t)fcap * sizeof *r.f);
            }
            r.f[r.n++] = strdup(field.data);
            if (i < len && p[i] == ',') {
                i++;
                continue;
            }
            break;
        }
        if (i + 1 < len && p[i] == '\r' && p[i + 1] == '\n') {
            i += 2;
        } else if (i >= len) {
            c->bad_eol++;
            snprintf(c->err, sizeof c->err, "line %zu: the last record does not end with CRLF", line);
        } else {
            c->bad_eol++;
            snprintf(c->err, sizeof c->err, "line %zu: record not ended by CRLF (bare CR or LF)", line);
            while (i < len && p[i] != '\n')
                i++;
            i++;
        }
        r.end = i < len ? i : len;
        line++;
        if (c->nrows == cap) {
            cap = cap ? cap * 2 : 1024;
            c->rows = realloc(c->rows, cap * sizeof *c->rows);
        }
        c->rows[c->nrows++] = r;
    }
    es_buf_free(&field);
    return 1;
}

int csv_header_ok(const csv *c, const char *const *want, int n)
{
    if (c->nrows < 1 || c->rows[0].n != n)
        return 0;
    for (int j = 0; j < n; j++)
        if (strcmp(c->rows[0].f[j], want[j]))
            return 0;
    return 1;
}

csv *csv_load(const char *path, const char *check, const char *missing_check, const char *const *hdr, int nh)
{
    size_t len;
    char *text = slurp(path, &len);
    if (!text) {
        failf(missing_check ? missing_check : check, "%s was not written", path);
        return NULL;
    }
    csv *c = malloc(sizeof *c);
    if (!csv_parse(text, len, c)) {
        failf(check, "%s: %s", path, c->err);
        return NULL;
    }
    c->text = text;
    c->len = len;
    int hok = csv_header_ok(c, hdr, nh);
    if (hok && !c->bad_eol && !c->bad_quote)
        pass(check);
    else
        failf(check, "%s: header %s, %d bad line ends, %d bad quotes %s", path, hok ? "ok" : "wrong", c->bad_eol, c->bad_quote, c->err);
    return c;
}

int formula_lead(const char *s) { return *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r'; }

const char *as_field(const char *s, es_buf *tmp)
{
    if (!formula_lead(s))
        return s;
    es_buf_clear(tmp);
    es_buf_putc(tmp, '\'');
    es_buf_puts(tmp, s);
    return tmp->data;
}

int csv_row_cols(const csv_row *row, int n, const char *where, size_t *bad)
{
    if (row->n == n)
        return 1;
    if (!(*bad)++)
        detail("%s %zu: %d fields", where, row->line, row->n);
    return 0;
}

void csv_row_formula(const csv_row *row, const char *where, size_t *bad)
{
    for (int j = 0; j < row->n; j++)
        if (formula_lead(row->f[j]) && !(*bad)++)
            detail("%s %zu field %s begins with a formula character: %.60s", where, row->line, j < ROW_COLS ? ROW_HEADER[j] : "?",
                   row->f[j]);
}

int status_parse(const csv_row *row, status_line *s)
{
    if (row->n != STATUS_COLS) {
        detail("status line %zu: %d fields", row->line, row->n);
        return 0;
    }
    char *end;
    s->source = row->f[0];
    s->state = row->f[1];
    s->events = strtoull(row->f[2], NULL, 10);
    s->code = strtoul(row->f[3], &end, 10);
    s->code_ok = row->f[3][0] && !*end;
    s->error = row->f[4];
    s->seconds_text = row->f[5];
    s->seconds = strtod(row->f[5], NULL);
    s->seconds_ok = row->f[5][0] && s->seconds >= 0;
    s->coverage = row->f[6];
    s->log = row->f[7];
    return 1;
}

/* ------------------------------------------------------------------ the simulated fleet */

int fleet_load(const char *path, fleet_server **out)
{
    size_t len;
    char *text = slurp(path, &len), err[300];
    int n = text ? fleet_parse_text(text, len, out, err, sizeof err) : -1;
    if (n < 0)
        printf("FAIL %s-fleet: cannot read %s: %s\n", g_tag, path, text ? err : "missing");
    free(text);
    return n;
}

int list_load(const char *path, char ***names)
{
    size_t len;
    char *t = slurp(path, &len);
    if (!t) {
        printf("FAIL %s-servers: cannot read %s\n", g_tag, path);
        return -1;
    }
    int n = 0, cap = 0;
    char **v = NULL, *p = t;
    if (len >= 3 && !memcmp(t, ES_CSV_BOM, 3))
        p += 3;
    for (char *line = strtok(p, "\r\n"); line; line = strtok(NULL, "\r\n")) {
        while (*line == ' ' || *line == '\t')
            line++;
        size_t l = strlen(line);
        while (l && (line[l - 1] == ' ' || line[l - 1] == '\t'))
            line[--l] = 0;
        if (!l || *line == '#')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            v = realloc(v, (size_t)cap * sizeof *v);
        }
        v[n++] = strdup(line);
    }
    free(t);
    *names = v;
    return n;
}

void row_check_event(const csv_row *row, const char *server, const fg_event *e, size_t *bad_cols, size_t *bad_msgs)
{
    static es_buf tmp, msg;   /* kept between calls: a checker is one thread */
    char task[32], id[16];
    snprintf(id, sizeof id, "%u", e->event_id);
    const char *want[8] = {NULL, NULL, fleetgen_expected_level(e), e->provider_name, id,
                           fleetgen_expected_task(e, task, sizeof task), NULL, e->computer};
    for (int j = 2; j < 8; j++) {
        if (!want[j])
            continue;
        const char *w = as_field(want[j], &tmp);
        if (strcmp(row->f[j], w) && (*bad_cols)++ < 8)
            detail("line %zu: %s record %" PRIu64 " %s is \"%.60s\", expected \"%.60s\"", row->line, server, e->record_id,
                   ROW_HEADER[j], row->f[j], w);
    }
    size_t ml = fleetgen_expected_message(e, NULL, 0);
    es_buf_clear(&msg);
    es_buf_reserve(&msg, ml + 1);
    fleetgen_expected_message(e, msg.data, ml + 1);
    msg.len = ml;
    const char *wm = as_field(msg.data, &tmp);
    if (strcmp(row->f[8], wm) && (*bad_msgs)++ < 6)
        detail("line %zu: %s record %" PRIu64 " (%s %u) Message is \"%.80s\", expected \"%.80s\"", row->line, server, e->record_id,
               e->provider_name, e->event_id, row->f[8], wm);
}
