/* evtxdiff: compares two XML renderings of the same .evtx file record by record:
 *
 *   evtxdiff OURS.xml THEIRS.xml [LABEL]
 *
 * OURS is `evtxcat --xml` (one <Event> per line), THEIRS is libyal's `evtxexport -f xml`
 * (indented, one element per line). Records are matched by EventRecordID; for every record in
 * both, EventID, TimeCreated, Provider, Level, Computer, Channel and the EventData values must be
 * equal after normalisation (entities decoded, hex numbers compared as numbers, times to 100 ns,
 * surrounding white space and CRs ignored). Prints one summary line, the first differences, and
 * exits 1 when any record differs or ours lacks a record theirs has. No dependencies beyond libc. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rec {
    unsigned long long id;
    char *f[7];            /* eventid, time, provider, level, computer, channel, data (joined by \x1f) */
} rec;

static const char *FIELD[7] = {"EventID", "TimeCreated", "Provider", "Level", "Computer", "Channel", "EventData"};

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, len = 0;
    char *b = malloc(cap + 1);
    size_t k;
    while (b && (k = fread(b + len, 1, cap - len, f)) > 0) {
        len += k;
        if (len == cap) {
            cap *= 2;
            char *nb = realloc(b, cap + 1);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
        }
    }
    fclose(f);
    if (b)
        b[len] = 0;
    *n = len;
    return b;
}

static const char *find(const char *s, const char *end, const char *pat)
{
    size_t m = strlen(pat);
    for (; s + m <= end; s++) {
        s = memchr(s, pat[0], (size_t)(end - s));
        if (!s || s + m > end)
            return NULL;
        if (memcmp(s, pat, m) == 0)
            return s;
    }
    return NULL;
}

/* Decodes entities, drops CRs, trims white space. */
static char *norm(const char *s, const char *e)
{
    char *o = malloc((size_t)(e - s) * 3 + 1), *w = o;
    while (s < e) {
        if (*s == '&') {
            const char *semi = memchr(s, ';', (size_t)(e - s));
            if (semi && semi - s < 12) {
                unsigned long v = 0;
                int ok = 1;
                if (s[1] == '#')
                    v = s[2] == 'x' ? strtoul(s + 3, NULL, 16) : strtoul(s + 2, NULL, 10);
                else if (!strncmp(s, "&lt;", 4)) v = '<';
                else if (!strncmp(s, "&gt;", 4)) v = '>';
                else if (!strncmp(s, "&amp;", 5)) v = '&';
                else if (!strncmp(s, "&quot;", 6)) v = '"';
                else if (!strncmp(s, "&apos;", 6)) v = '\'';
                else ok = 0;
                if (ok) {
                    if (v == '\r') {
                        /* CRs are ignored, written or referenced */
                    } else if (v < 0x80) {
                        *w++ = (char)v;
                    } else if (v < 0x800) {
                        *w++ = (char)(0xC0 | (v >> 6));
                        *w++ = (char)(0x80 | (v & 0x3F));
                    } else {
                        *w++ = (char)(0xE0 | (v >> 12));
                        *w++ = (char)(0x80 | ((v >> 6) & 0x3F));
                        *w++ = (char)(0x80 | (v & 0x3F));
                    }
                    s = semi + 1;
                    continue;
                }
            }
        }
        unsigned char ch = (unsigned char)*s;
        if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
            /* XML cannot carry it: a writer may show it as U+FFFD */
            memcpy(w, "\xEF\xBF\xBD", 3);
            w += 3;
        } else if (ch != '\r') {
            *w++ = *s;
        }
        s++;
    }
    *w = 0;
    /* trim */
    char *a = o;
    while (*a && isspace((unsigned char)*a))
        a++;
    size_t n = strlen(a);
    while (n && isspace((unsigned char)a[n - 1]))
        n--;
    memmove(o, a, n);
    o[n] = 0;
    return o;
}

static char *elem_text(const char *s, const char *e, const char *name)
{
    char open[64], close[64];
    snprintf(open, sizeof open, "<%s", name);
    snprintf(close, sizeof close, "</%s>", name);
    const char *a = s;
    while ((a = find(a, e, open)) != NULL) {
        char nc = a[strlen(open)];
        if (nc == '>' || nc == ' ' || nc == '/')
            break;
        a++;
    }
    if (!a)
        return NULL;
    const char *gt = memchr(a, '>', (size_t)(e - a));
    if (!gt)
        return NULL;
    if (gt[-1] == '/')
        return norm(gt, gt);
    const char *c = find(gt, e, close);
    if (!c)
        return NULL;
    return norm(gt + 1, c);
}

static char *attr_val(const char *s, const char *e, const char *elem, const char *attr)
{
    char open[64], at[64];
    snprintf(open, sizeof open, "<%s ", elem);
    snprintf(at, sizeof at, " %s=\"", attr);
    const char *a = find(s, e, open);
    if (!a)
        return NULL;
    const char *gt = memchr(a, '>', (size_t)(e - a));
    if (!gt)
        return NULL;
    const char *v = find(a, gt, at);
    if (!v)
        return NULL;
    v += strlen(at);
    const char *q = memchr(v, '"', (size_t)(gt - v));
    return q ? norm(v, q) : NULL;
}

static char *event_data(const char *s, const char *e)
{
    const char *a = find(s, e, "<EventData");
    size_t cap = 256, len = 0, ndata = 0;
    char *out = malloc(cap);
    out[0] = 0;
    if (!a)
        return out;
    const char *gt = memchr(a, '>', (size_t)(e - a));
    if (!gt || gt[-1] == '/')
        return out;
    const char *end = find(gt, e, "</EventData>");
    if (!end)
        return out;
    const char *d = gt;
    while ((d = find(d, end, "<Data")) != NULL) {
        if (d[5] != '>' && d[5] != ' ' && d[5] != '/') {
            d++;
            continue;
        }
        const char *dg = memchr(d, '>', (size_t)(end - d));
        if (!dg)
            break;
        char *v;
        if (dg[-1] == '/') {
            v = norm(dg, dg);
            d = dg;
        } else {
            const char *c = find(dg, end, "</Data>");
            if (!c)
                break;
            v = norm(dg + 1, c);
            d = c;
        }
        size_t n = strlen(v);
        if (len + n + 2 > cap) {
            cap = (len + n + 2) * 2;
            out = realloc(out, cap);
        }
        if (ndata++)
            out[len++] = '\x1f';
        memcpy(out + len, v, n);
        len += n;
        out[len] = 0;
        free(v);
    }
    return out;
}

static rec *parse(const char *buf, size_t n, size_t *count)
{
    size_t cap = 1024, k = 0;
    rec *r = malloc(cap * sizeof *r);
    const char *end = buf + n, *s = buf;
    while ((s = find(s, end, "<Event ")) != NULL) {
        const char *e = find(s, end, "</Event>");
        if (!e)
            break;
        char *id = elem_text(s, e, "EventRecordID");
        if (id) {
            if (k == cap) {
                cap *= 2;
                r = realloc(r, cap * sizeof *r);
            }
            rec *x = &r[k++];
            x->id = strtoull(id, NULL, 10);
            free(id);
            x->f[0] = elem_text(s, e, "EventID");
            x->f[1] = attr_val(s, e, "TimeCreated", "SystemTime");
            x->f[2] = attr_val(s, e, "Provider", "Name");
            x->f[3] = elem_text(s, e, "Level");
            x->f[4] = elem_text(s, e, "Computer");
            x->f[5] = elem_text(s, e, "Channel");
            x->f[6] = event_data(s, e);
        }
        s = e + 8;
    }
    *count = k;
    return r;
}

static int is_hex(const char *s)
{
    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !s[2])
        return 0;
    for (s += 2; *s; s++)
        if (!isxdigit((unsigned char)*s))
            return 0;
    return 1;
}

static int is_dec(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

/* One value: equal as text, or as hex numbers, or as times to 100 ns. */
static int same_value(const char *a, const char *b, int is_time)
{
    if (strcmp(a, b) == 0)
        return 1;
    if (is_hex(a) && is_hex(b))
        return strtoull(a, NULL, 16) == strtoull(b, NULL, 16);
    /* size_t values: hex here, decimal there */
    if ((is_hex(a) && is_dec(b)) || (is_dec(a) && is_hex(b)))
        return strtoull(a, NULL, 0) == strtoull(b, NULL, 0);
    if (is_time) {
        /* 2016-07-08T18:12:51.681640800Z: compare up to 7 fraction digits */
        const char *da = strchr(a, '.'), *db = strchr(b, '.');
        if (da && db && da - a == db - b && !strncmp(a, b, (size_t)(da - a))) {
            char fa[8] = "0000000", fb[8] = "0000000";
            for (int i = 0; i < 7 && isdigit((unsigned char)da[1 + i]); i++)
                fa[i] = da[1 + i];
            for (int i = 0; i < 7 && isdigit((unsigned char)db[1 + i]); i++)
                fb[i] = db[1 + i];
            return strcmp(fa, fb) == 0;
        }
    }
    return 0;
}

static int same_data(const char *a, const char *b)
{
    /* value by value (\x1f separated) */
    while (1) {
        const char *ea = strchr(a, '\x1f'), *eb = strchr(b, '\x1f');
        size_t la = ea ? (size_t)(ea - a) : strlen(a), lb = eb ? (size_t)(eb - b) : strlen(b);
        char *va = strndup(a, la), *vb = strndup(b, lb);
        int ok = same_value(va, vb, 0);
        free(va);
        free(vb);
        if (!ok)
            return 0;
        if (!ea || !eb)
            return !ea && !eb;
        a = ea + 1;
        b = eb + 1;
    }
}

/* For messages: separators as " | ", line ends as "\\n". */
static char *visible(const char *s)
{
    char *o = malloc(strlen(s) * 3 + 1), *w = o;
    for (; *s; s++) {
        if (*s == '\x1f') {
            memcpy(w, " | ", 3);
            w += 3;
        } else if (*s == '\n') {
            memcpy(w, "\\n", 2);
            w += 2;
        } else {
            *w++ = *s;
        }
    }
    *w = 0;
    return o;
}

static int cmp_id(const void *x, const void *y)
{
    const rec *a = x, *b = y;
    return a->id < b->id ? -1 : a->id > b->id;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: evtxdiff OURS.xml THEIRS.xml [LABEL]\n");
        return 2;
    }
    const char *label = argc > 3 ? argv[3] : argv[1];
    size_t na, nb;
    char *ba = slurp(argv[1], &na), *bb = slurp(argv[2], &nb);
    if (!ba || !bb) {
        fprintf(stderr, "evtxdiff: cannot read input\n");
        return 2;
    }
    size_t ca, cb;
    rec *ra = parse(ba, na, &ca), *rb = parse(bb, nb, &cb);
    qsort(ra, ca, sizeof *ra, cmp_id);
    size_t compared = 0, bad = 0, missing = 0, shown = 0;
    for (size_t i = 0; i < cb; i++) {
        rec key;
        key.id = rb[i].id;
        rec *x = bsearch(&key, ra, ca, sizeof *ra, cmp_id);
        if (!x) {
            missing++;
            if (shown++ < 5)
                printf("     %s: record %llu: theirs has it, ours does not\n", label, rb[i].id);
            continue;
        }
        compared++;
        for (int f = 0; f < 7; f++) {
            const char *a = x->f[f] ? x->f[f] : "", *b = rb[i].f[f] ? rb[i].f[f] : "";
            int ok = f == 6 ? same_data(a, b) : same_value(a, b, f == 1);
            if (!ok) {
                bad++;
                if (shown++ < 5) {
                    char *va = visible(a), *vb = visible(b);
                    printf("     %s: record %llu: %s differs:\n       ours:   %.300s\n       theirs: %.300s\n", label,
                           rb[i].id, FIELD[f], va, vb);
                    free(va);
                    free(vb);
                }
                break;
            }
        }
    }
    printf("%s %s: %zu records compared (ours %zu, theirs %zu), %zu differ, %zu missing from ours\n",
           bad || missing ? "FAIL" : "PASS", label, compared, ca, cb, bad, missing);
    return bad || missing ? 1 : 0;
}
