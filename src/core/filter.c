/* Query filters: parsing, matching, describing, and the server's query (see es_filter.h).
 *
 * Decisions beyond the header:
 *  - IDs keep the order typed (the query reads as the user wrote it); an item already covered
 *    by an earlier one of the same kind is dropped, so "4624,4624" costs one comparison.
 *  - Providers equal without regard to ASCII case are kept once (the first spelling).
 *  - The query uses the forms Event Viewer generates, so a server treats it as it treats
 *    Event Viewer's: (Level=1 or Level=2), (EventID=N or (EventID>=LO and EventID<=HI)),
 *    Provider[@Name='A' or @Name='B'], band(Keywords,MASK), TimeCreated[@SystemTime>='ISO'].
 *  - Both audit boxes make one band() with both bits: an event with either passes.
 *
 * Portable core: no windows.h. */
#include "es_filter.h"
#include "es_time.h"

#include <stdio.h>
#include <string.h>

static const struct { const char *name; unsigned level, audit; const char *shown; } level_names[] = {
    {"critical", ES_LEVEL_CRITICAL, 0, "Critical"},
    {"error", ES_LEVEL_ERROR, 0, "Error"},
    {"warning", ES_LEVEL_WARNING, 0, "Warning"},
    {"information", ES_LEVEL_INFORMATION, 0, "Information"},
    {"verbose", ES_LEVEL_VERBOSE, 0, "Verbose"},
    {"audit-success", 0, ES_AUDIT_SUCCESS, "Audit Success"},
    {"audit-failure", 0, ES_AUDIT_FAILURE, "Audit Failure"},
};
#define NLEVELS (sizeof level_names / sizeof level_names[0])

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

void es_filter_init(es_filter *f)
{
    f->levels = f->audit = 0;
    f->ninc = f->nexc = f->nproviders = 0;
    f->pool[0] = '\0';
}

int es_filter_is_empty(const es_filter *f)
{
    return !f->levels && !f->audit && !f->ninc && !f->nexc && !f->nproviders;
}

const char *es_filter_provider(const es_filter *f, size_t i) { return f->pool + f->provider[i]; }

static void set_err(char *err, size_t errlen, const char *fmt, const char *item, size_t n)
{
    if (!err || !errlen)
        return;
    /* Long items are cut: the message names the bad part, it need not quote a whole paragraph. */
    char shown[72];
    size_t k = n < 60 ? n : 60;
    memcpy(shown, item, k);
    strcpy(shown + k, n > k ? "..." : "");
    snprintf(err, errlen, fmt, shown);
}

/* Walks comma-separated items, trimmed of spaces and tabs; empty items are skipped. Returns
 * the next item's start and length, or NULL at the end. */
static const char *next_item(const char **p, size_t *n)
{
    for (;;) {
        const char *s = *p;
        if (!s || !*s)
            return NULL;
        const char *comma = strchr(s, ',');
        const char *e = comma ? comma : s + strlen(s);
        *p = comma ? comma + 1 : e;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e > s) {
            *n = (size_t)(e - s);
            return s;
        }
    }
}

int es_filter_parse_levels(es_filter *f, const char *text, char *err, size_t errlen)
{
    unsigned levels = 0, audit = 0;
    size_t n;
    const char *item;
    while ((item = next_item(&text, &n)) != NULL) {
        size_t i;
        for (i = 0; i < NLEVELS; i++) {
            const char *name = level_names[i].name;
            size_t k = 0;
            for (; k < n && name[k]; k++) {
                char c = lower(item[k]);
                if (c == ' ' || c == '_')
                    c = '-';
                if (c != name[k])
                    break;
            }
            if (k == n && !name[k])
                break;
        }
        if (i == NLEVELS) {
            set_err(err, errlen,
                    "\"%s\" is not a level (critical, error, warning, information, verbose, audit-success, "
                    "audit-failure).", item, n);
            return 0;
        }
        levels |= level_names[i].level;
        audit |= level_names[i].audit;
    }
    f->levels = levels == ES_LEVEL_ALL ? 0 : levels;
    f->audit = audit;
    return 1;
}

/* A whole number 0-65535 in s[0..n): digits only. */
static int parse_id(const char *s, size_t n, uint16_t *out)
{
    unsigned v = 0;
    if (n == 0 || n > 5)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > 65535)
        return 0;
    *out = (uint16_t)v;
    return 1;
}

static int covered(const es_id_range *r, size_t n, es_id_range x)
{
    for (size_t i = 0; i < n; i++)
        if (r[i].lo <= x.lo && x.hi <= r[i].hi)
            return 1;
    return 0;
}

int es_filter_parse_ids(es_filter *f, const char *text, char *err, size_t errlen)
{
    /* Parsed into a copy of the lists: f stays as it was when the text is refused. */
    static const char bad[] = "\"%s\" is not an event ID (0-65535) or a range such as 1000-1010.";
    es_id_range inc[ES_FILTER_MAX_RANGES], exc[ES_FILTER_MAX_RANGES];
    size_t ninc = 0, nexc = 0, n;
    const char *item;
    while ((item = next_item(&text, &n)) != NULL) {
        const char *s = item;
        size_t k = n;
        int exclude = 0;
        if (*s == '-') {
            exclude = 1;
            s++;
            k--;
            while (k && (*s == ' ' || *s == '\t')) {
                s++;
                k--;
            }
        }
        es_id_range r;
        const char *dash = memchr(s, '-', k);
        if (dash) {
            const char *a_end = dash, *b = dash + 1;
            while (a_end > s && (a_end[-1] == ' ' || a_end[-1] == '\t'))
                a_end--;
            while (b < s + k && (*b == ' ' || *b == '\t'))
                b++;
            if (!parse_id(s, (size_t)(a_end - s), &r.lo) || !parse_id(b, (size_t)(s + k - b), &r.hi)) {
                set_err(err, errlen, bad, item, n);
                return 0;
            }
            if (r.lo > r.hi) {
                set_err(err, errlen, "\"%s\" is not a range: its first ID is larger than its last.", item, n);
                return 0;
            }
        } else {
            if (!parse_id(s, k, &r.lo)) {
                set_err(err, errlen, bad, item, n);
                return 0;
            }
            r.hi = r.lo;
        }
        es_id_range *list = exclude ? exc : inc;
        size_t *count = exclude ? &nexc : &ninc;
        if (covered(list, *count, r))
            continue;
        if (*count == ES_FILTER_MAX_RANGES) {
            set_err(err, errlen, "too many IDs and ranges (at most 1024 to keep, 1024 to leave out) at \"%s\".",
                    item, n);
            return 0;
        }
        list[(*count)++] = r;
    }
    memcpy(f->inc, inc, ninc * sizeof *inc);
    memcpy(f->exc, exc, nexc * sizeof *exc);
    f->ninc = ninc;
    f->nexc = nexc;
    return 1;
}

static int eq_ci(const char *a, size_t an, const char *b)
{
    size_t i = 0;
    for (; i < an && b[i]; i++)
        if (lower(a[i]) != lower(b[i]))
            return 0;
    return i == an && !b[i];
}

int es_filter_parse_providers(es_filter *f, const char *text, char *err, size_t errlen)
{
    uint16_t offs[ES_FILTER_MAX_PROVIDERS];
    char pool[ES_FILTER_POOL];
    size_t count = 0, used = 0, n;
    const char *item;
    while ((item = next_item(&text, &n)) != NULL) {
        if (memchr(item, '\'', n) && memchr(item, '"', n)) {
            set_err(err, errlen, "provider \"%s\" holds both kinds of quote (' and \"): it cannot be asked for.",
                    item, n);
            return 0;
        }
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)item[i] < 0x20 || item[i] == 0x7f) {
                set_err(err, errlen, "provider \"%s\" holds a control character.", item, n);
                return 0;
            }
        if (n > ES_FILTER_MAX_NAME) {
            set_err(err, errlen, "provider \"%s\" is longer than 255 bytes.", item, n);
            return 0;
        }
        int dup = 0;
        for (size_t i = 0; i < count && !dup; i++)
            dup = eq_ci(item, n, pool + offs[i]);
        if (dup)
            continue;
        if (count == ES_FILTER_MAX_PROVIDERS || used + n + 1 > sizeof pool) {
            set_err(err, errlen, "too many providers (at most 256, 8 KB of names) at \"%s\".", item, n);
            return 0;
        }
        offs[count++] = (uint16_t)used;
        memcpy(pool + used, item, n);
        pool[used + n] = '\0';
        used += n + 1;
    }
    memcpy(f->provider, offs, count * sizeof *offs);
    memcpy(f->pool, pool, used);
    if (!used)
        f->pool[0] = '\0';
    f->nproviders = count;
    return 1;
}

static int in_ranges(const es_id_range *r, size_t n, unsigned id)
{
    for (size_t i = 0; i < n; i++)
        if (r[i].lo <= id && id <= r[i].hi)
            return 1;
    return 0;
}

int es_filter_match(const es_filter *f, const es_event *ev)
{
    if (f->levels) {
        unsigned bit = ev->level <= 5 ? 1u << ev->level : 0;
        if (ev->level == 0 && (f->levels & ES_LEVEL_INFORMATION))
            bit = ES_LEVEL_INFORMATION;
        if (!(f->levels & bit))
            return 0;
    }
    if (f->audit) {
        uint64_t mask = ((f->audit & ES_AUDIT_SUCCESS) ? ES_KEYWORD_AUDIT_SUCCESS : 0) |
                        ((f->audit & ES_AUDIT_FAILURE) ? ES_KEYWORD_AUDIT_FAILURE : 0);
        if (!(ev->keywords & mask))
            return 0;
    }
    unsigned id = ev->event_id & 0xffffu;
    if (f->ninc && !in_ranges(f->inc, f->ninc, id))
        return 0;
    if (f->nexc && in_ranges(f->exc, f->nexc, id))
        return 0;
    if (f->nproviders) {
        const char *p = ev->provider ? ev->provider : "";
        size_t pn = strlen(p), i;
        for (i = 0; i < f->nproviders; i++)
            if (eq_ci(p, pn, es_filter_provider(f, i)))
                break;
        if (i == f->nproviders)
            return 0;
    }
    return 1;
}

static void put_range(es_buf *b, es_id_range r)
{
    if (r.lo == r.hi)
        es_buf_printf(b, "%u", (unsigned)r.lo);
    else
        es_buf_printf(b, "%u-%u", (unsigned)r.lo, (unsigned)r.hi);
}

int es_filter_describe(const es_filter *f, es_buf *out)
{
    const char *sep = "";
    if (f->levels || f->audit) {
        for (size_t i = 0; i < NLEVELS; i++)
            if ((f->levels & level_names[i].level) || (f->audit & level_names[i].audit)) {
                es_buf_printf(out, "%s%s", sep, level_names[i].shown);
                sep = ", ";
            }
        sep = "; ";
    }
    if (f->ninc || f->nexc) {
        es_buf_printf(out, "%sIDs ", sep);
        const char *s = "";
        for (size_t i = 0; i < f->ninc; i++) {
            es_buf_puts(out, s);
            put_range(out, f->inc[i]);
            s = ", ";
        }
        if (f->nexc) {
            es_buf_printf(out, "%snot ", s);
            for (size_t i = 0; i < f->nexc; i++) {
                if (i)
                    es_buf_puts(out, ", ");
                put_range(out, f->exc[i]);
            }
        }
        sep = "; ";
    }
    if (f->nproviders) {
        es_buf_printf(out, "%sproviders: ", sep);
        for (size_t i = 0; i < f->nproviders; i++)
            es_buf_printf(out, "%s%s", i ? ", " : "", es_filter_provider(f, i));
    }
    return !out->failed;
}

/* ---- the query ---- */

static size_t range_cost(es_id_range r) { return r.lo == r.hi ? 1 : 2; }

static size_t level_cost(unsigned levels)
{
    size_t c = 0;
    for (unsigned b = 1; b <= 5; b++)
        c += (levels >> b) & 1;
    return c + ((levels & ES_LEVEL_INFORMATION) ? 1 : 0);
}

/* The comparisons every Select holds whatever the chunk: time, levels, keywords. */
/* Where a server's query starts: the window's start (TimeCreated, 0: none) and, for "since the
 * last sweep", the last record read (EventRecordID greater than it; 0: none). */
typedef struct qstart { uint64_t since, after; } qstart;

static size_t fixed_cost(const es_filter *f, qstart q)
{
    return (q.since ? 1 : 0) + (q.after ? 1 : 0) + level_cost(f->levels) + (f->audit ? 1 : 0);
}

/* Cuts r[0..n) into chunks of at most cap comparisons, in order; writes each chunk's end
 * index to ends (when not NULL) and returns how many there are (1 when n == 0). */
static size_t chunk_ranges(const es_id_range *r, size_t n, size_t cap, size_t *ends)
{
    size_t chunks = 0, used = 0;
    for (size_t i = 0; i < n; i++) {
        size_t c = range_cost(r[i]);
        if (used + c > cap) {
            if (ends)
                ends[chunks] = i;
            chunks++;
            used = 0;
        }
        used += c;
    }
    if (ends)
        ends[chunks] = n;
    return chunks + 1;
}

static void put_id_terms(es_buf *b, const es_id_range *r, size_t n)
{
    es_buf_putc(b, '(');
    for (size_t i = 0; i < n; i++) {
        if (i)
            es_buf_puts(b, " or ");
        if (r[i].lo == r[i].hi)
            es_buf_printf(b, "EventID=%u", (unsigned)r[i].lo);
        else
            es_buf_printf(b, "(EventID>=%u and EventID<=%u)", (unsigned)r[i].lo, (unsigned)r[i].hi);
    }
    es_buf_putc(b, ')');
}

/* One XPath: levels, IDs inc[0..ninc), providers [p0, p1), keywords, time. "*" when empty. */
static void put_xpath(es_buf *b, const es_filter *f, qstart q, const es_id_range *inc, size_t ninc, size_t p0,
                      size_t p1)
{
    size_t start = b->len;
    const char *and = "";
    es_buf_puts(b, "*[System[");
    size_t head = b->len;
    if (f->levels) {
        es_buf_putc(b, '(');
        const char *or = "";
        for (unsigned lv = 1; lv <= 5; lv++)
            if (f->levels & (1u << lv)) {
                es_buf_printf(b, "%sLevel=%u", or, lv);
                or = " or ";
                if (lv == 4)
                    es_buf_puts(b, " or Level=0");
            }
        es_buf_putc(b, ')');
        and = " and ";
    }
    if (ninc) {
        es_buf_puts(b, and);
        put_id_terms(b, inc, ninc);
        and = " and ";
    }
    if (p1 > p0) {
        es_buf_printf(b, "%sProvider[", and);
        for (size_t i = p0; i < p1; i++) {
            const char *name = es_filter_provider(f, i);
            char quote = strchr(name, '\'') ? '"' : '\'';   /* the parser refused names with both */
            es_buf_printf(b, "%s@Name=%c%s%c", i > p0 ? " or " : "", quote, name, quote);
        }
        es_buf_putc(b, ']');
        and = " and ";
    }
    if (f->audit) {
        uint64_t mask = ((f->audit & ES_AUDIT_SUCCESS) ? ES_KEYWORD_AUDIT_SUCCESS : 0) |
                        ((f->audit & ES_AUDIT_FAILURE) ? ES_KEYWORD_AUDIT_FAILURE : 0);
        es_buf_printf(b, "%sband(Keywords,%llu)", and, (unsigned long long)mask);
        and = " and ";
    }
    if (q.since) {
        char iso[ES_ISO8601_LEN];
        es_buf_printf(b, "%sTimeCreated[@SystemTime>='%s']", and, es_time_iso8601(q.since, iso));
        and = " and ";
    }
    if (q.after)
        es_buf_printf(b, "%sEventRecordID>%llu", and, (unsigned long long)q.after);
    if (b->len == head) {   /* nothing to test: every event */
        b->len = start;
        es_buf_puts(b, "*");
    } else {
        es_buf_puts(b, "]]");
    }
}

/* XML text: element content (the XPath of a Select keeps its quotes as Event Viewer writes
 * them) or a double-quoted attribute. */
static void put_xml(es_buf *b, const char *s, int attr)
{
    for (; *s; s++)
        switch (*s) {
        case '&': es_buf_puts(b, "&amp;"); break;
        case '<': es_buf_puts(b, "&lt;"); break;
        case '>': es_buf_puts(b, "&gt;"); break;
        case '"': es_buf_puts(b, attr ? "&quot;" : "\""); break;
        default: es_buf_putc(b, *s); break;
        }
}

/* How a QueryList cuts the lists: providers per Select, the comparisons of an ID chunk. */
typedef struct plan { size_t per_prov, id_cap, selects; } plan;

static plan make_plan(const es_filter *f, qstart q)
{
    /* Each Select gets what the fixed terms leave (at least 13: they are 7 at most). Choose how
     * many providers a Select holds so that the chunks of both lists make the fewest Selects;
     * an ID chunk needs room for a range (2). */
    size_t budget = ES_FILTER_MAX_COMPARISONS - fixed_cost(f, q), np = f->nproviders;
    plan p = {np ? np : 1, budget, 0};
    if (np && f->ninc) {
        p.selects = (size_t)-1;
        for (size_t k = 1; k + 2 <= budget && k <= np; k++) {
            size_t n = ((np + k - 1) / k) * chunk_ranges(f->inc, f->ninc, budget - k, NULL);
            if (n <= p.selects) {
                p.selects = n;
                p.per_prov = k;
            }
        }
        p.id_cap = budget - p.per_prov;
    } else if (np) {
        p.per_prov = budget;
        p.selects = (np + budget - 1) / budget;
    } else {
        p.selects = chunk_ranges(f->inc, f->ninc, budget, NULL);
    }
    return p;
}

int es_filter_check(const es_filter *f, char *err, size_t errlen)
{
    plan p = make_plan(f, (qstart){1, 0}); /* with a time window: the larger of the two */
    if (p.selects <= ES_FILTER_MAX_SELECTS)
        return 1;
    if (err && errlen)
        snprintf(err, errlen, "these event IDs and providers would need %zu queries on each server (at most %d): "
                 "use fewer, or ranges.", p.selects, ES_FILTER_MAX_SELECTS);
    return 0;
}

int es_filter_query(const es_filter *f, const char *channel, uint64_t since, es_buf *out)
{
    return es_filter_query_after(f, channel, since, 0, out);
}

int es_filter_query_after(const es_filter *f, const char *channel, uint64_t since, uint64_t after_record, es_buf *out)
{
    qstart q = {since, after_record};
    size_t ids = 0;
    for (size_t i = 0; i < f->ninc; i++)
        ids += range_cost(f->inc[i]);
    size_t np = f->nproviders;
    if (!f->nexc && fixed_cost(f, q) + ids + np <= ES_FILTER_MAX_COMPARISONS) {
        put_xpath(out, f, q, f->inc, f->ninc, 0, np);
        return !out->failed;
    }
    plan pl = make_plan(f, q);
    size_t per_prov = pl.per_prov;
    size_t ends[ES_FILTER_MAX_RANGES + 1];
    size_t nid_chunks = chunk_ranges(f->inc, f->ninc, pl.id_cap, ends);

    es_buf x;
    es_buf_init(&x);
    es_buf_puts(out, "<QueryList><Query Id=\"0\" Path=\"");
    put_xml(out, channel, 1);
    es_buf_puts(out, "\">");
    for (size_t p0 = 0; p0 < np || (np == 0 && p0 == 0); p0 += per_prov) {
        size_t p1 = p0 + per_prov < np ? p0 + per_prov : np;
        for (size_t c = 0, i0 = 0; c < nid_chunks; i0 = ends[c], c++) {
            es_buf_clear(&x);
            put_xpath(&x, f, q, f->inc + i0, ends[c] - i0, p0, p1);
            es_buf_puts(out, "<Select Path=\"");
            put_xml(out, channel, 1);
            es_buf_puts(out, "\">");
            if (x.data)
                put_xml(out, x.data, 0);
            es_buf_puts(out, "</Select>");
        }
        if (np == 0)
            break;
    }
    /* Exclusions: events of these IDs are taken out of what the Selects return. */
    size_t xends[ES_FILTER_MAX_RANGES + 1];
    size_t nx = f->nexc ? chunk_ranges(f->exc, f->nexc, ES_FILTER_MAX_COMPARISONS, xends) : 0;
    for (size_t c = 0, i0 = 0; c < nx; i0 = xends[c], c++) {
        es_buf_clear(&x);
        es_buf_puts(&x, "*[System[");
        put_id_terms(&x, f->exc + i0, xends[c] - i0);
        es_buf_puts(&x, "]]");
        es_buf_puts(out, "<Suppress Path=\"");
        put_xml(out, channel, 1);
        es_buf_puts(out, "\">");
        if (x.data)
            put_xml(out, x.data, 0);
        es_buf_puts(out, "</Suppress>");
    }
    es_buf_puts(out, "</Query></QueryList>");
    int ok = !x.failed && !out->failed;
    es_buf_free(&x);
    return ok;
}
