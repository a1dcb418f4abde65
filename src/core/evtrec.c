/* The classic event log's records (es_evtrec.h): hostile bytes in, es_event out. */
#include "es_evtrec.h"
#include "es_utf.h"
#include "es_time.h"

#include <stdio.h>
#include <string.h>

static uint32_t u32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t u16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }

void es_evtrec_init(es_evtrec_decoder *d)
{
    memset(d, 0, sizeof *d);
    es_buf_init(&d->text);
}

void es_evtrec_free(es_evtrec_decoder *d) { es_buf_free(&d->text); }

uint8_t es_evtrec_level(uint16_t t)
{
    switch (t) {
    case 0x0001: return 2;   /* EVENTLOG_ERROR_TYPE */
    case 0x0002: return 3;   /* EVENTLOG_WARNING_TYPE */
    case 0x0008:             /* EVENTLOG_AUDIT_SUCCESS */
    case 0x0010: return 0;   /* EVENTLOG_AUDIT_FAILURE: LogAlways, shown as Information */
    default: return 4;       /* EVENTLOG_INFORMATION_TYPE, EVENTLOG_SUCCESS, anything else */
    }
}

uint64_t es_evtrec_keywords(uint16_t t)
{
    return t == 0x0008 ? ES_KEYWORD_AUDIT_SUCCESS : t == 0x0010 ? ES_KEYWORD_AUDIT_FAILURE : 0;
}

uint64_t es_evtrec_ticks(uint32_t s) { return ((uint64_t)s + 11644473600ull) * 10000000ull; }

/* A NUL-terminated UTF-16 string at rec[at, end): appended (as UTF-8 and a NUL) to text; its
 * offset in *o. Returns the bytes consumed (through the NUL), 0 when no NUL is found before end
 * (the string is kept, cut), or SIZE_MAX when out of memory. */
static size_t take_string(es_buf *text, const unsigned char *rec, size_t at, size_t end, size_t *o)
{
    size_t n = 0;
    while (at + 2 * n + 1 < end && u16(rec + at + 2 * n) != 0)
        n++;
    int terminated = at + 2 * n + 1 < end;
    *o = text->len;
    if (!es_utf16le_to_utf8(text, rec + at, n, 0) || !es_buf_putc(text, 0))
        return SIZE_MAX;
    return terminated ? 2 * n + 2 : 0;
}

static void say(char *err, size_t errlen, size_t at, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "a classic event record at byte %zu %s", at, what);
}

int es_evtrec_next(es_evtrec_decoder *d, const void *buf, size_t len, size_t *off, const char *channel,
                   es_evtrec *out, char *err, size_t errlen)
{
    const unsigned char *all = buf;
    size_t at = *off;
    if (at >= len)
        return 0;
    if (len - at < ES_EVTREC_HEADER) {
        say(err, errlen, at, "is cut short (fewer than 56 bytes)");
        return -1;
    }
    const unsigned char *r = all + at;
    uint32_t length = u32(r);
    if (u32(r + 4) != ES_EVTREC_SIGNATURE) {
        say(err, errlen, at, "lacks its LfLe signature");
        return -1;
    }
    if (length < ES_EVTREC_HEADER + 4 || length > len - at || (length & 3)) {
        say(err, errlen, at, "has an impossible length");
        return -1;
    }
    if (u32(r + length - 4) != length) {
        say(err, errlen, at, "does not end with its length");
        return -1;
    }
    size_t end = length - 4;   /* the record's variable part lies in [56, end) */
    memset(out, 0, sizeof *out);
    es_buf_clear(&d->text);
    out->record_number = u32(r + 8);
    out->time_generated = u32(r + 12);
    out->time_written = u32(r + 16);
    uint32_t id = u32(r + 20);
    out->event_type = u16(r + 24);
    out->nstrings = u16(r + 26);
    uint16_t category = u16(r + 28);
    uint32_t str_off = u32(r + 36);

    size_t o_source, o_computer, used;
    size_t pos = ES_EVTREC_HEADER;
    if ((used = take_string(&d->text, r, pos, end, &o_source)) == SIZE_MAX)
        return -2;
    if (used == 0) {
        out->cut = 1;
        pos = end;
    } else {
        pos += used;
    }
    if ((used = take_string(&d->text, r, pos, end, &o_computer)) == SIZE_MAX)
        return -2;
    if (used == 0)
        out->cut = 1;
    /* the insertion strings: NumStrings of them from StringOffset, each NUL-terminated */
    size_t nkeep = out->nstrings < ES_EVTREC_MAX_STRINGS ? out->nstrings : ES_EVTREC_MAX_STRINGS;
    size_t kept = 0;
    if (out->nstrings > ES_EVTREC_MAX_STRINGS)
        out->cut = 1;
    if (nkeep && (str_off < ES_EVTREC_HEADER || str_off >= end)) {
        out->cut = 1;   /* strings said to lie outside the record: none are read */
        nkeep = 0;
    }
    pos = str_off;
    for (; kept < nkeep; kept++) {
        if (pos >= end) {
            out->cut = 1;
            break;
        }
        if ((used = take_string(&d->text, r, pos, end, &d->offs[4 + kept])) == SIZE_MAX)
            return -2;
        if (used == 0) {
            out->cut = 1;
            kept++;
            break;
        }
        pos += used;
    }
    /* pointers only now: the text buffer no longer moves */
    const char *t = d->text.data;
    for (size_t i = 0; i < kept; i++) {
        d->items[i].name = "";
        d->items[i].value = t + d->offs[4 + i];
    }
    es_event *ev = &out->ev;
    ev->record_id = out->record_number;
    ev->time_created = es_evtrec_ticks(out->time_generated);
    ev->event_id = id & 0xFFFFu;
    ev->qualifiers = (uint16_t)(id >> 16);
    ev->level = es_evtrec_level(out->event_type);
    ev->keywords = es_evtrec_keywords(out->event_type);
    ev->task = category;
    ev->provider = t + o_source;
    ev->computer = t + o_computer;
    ev->channel = channel;
    ev->data = kept ? d->items : NULL;
    ev->ndata = kept;
    *off = at + length;
    return 1;
}

static void esc(es_buf *b, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '&': es_buf_puts(b, "&amp;"); break;
        case '<': es_buf_puts(b, "&lt;"); break;
        case '>': es_buf_puts(b, "&gt;"); break;
        case '"': es_buf_puts(b, "&quot;"); break;
        case '\r': es_buf_puts(b, "&#13;"); break;
        case '\n': es_buf_puts(b, "&#10;"); break;
        default: es_buf_putc(b, *s);
        }
}

int es_evtrec_xml(const es_evtrec *r, es_buf *b)
{
    const es_event *e = &r->ev;
    char t[ES_ISO8601_LEN];
    es_buf_puts(b, "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><Provider Name=\"");
    esc(b, e->provider);
    es_buf_printf(b, "\"/><EventID Qualifiers=\"%u\">%u</EventID><Level>%u</Level><Task>%u</Task>"
                     "<Keywords>0x%llx</Keywords><TimeCreated SystemTime=\"%s\"/><EventRecordID>%llu</EventRecordID><Channel>",
                  (unsigned)e->qualifiers, (unsigned)e->event_id, (unsigned)e->level, (unsigned)e->task,
                  (unsigned long long)(e->keywords | 0x80000000000000ull), es_time_iso8601(e->time_created, t),
                  (unsigned long long)e->record_id);
    esc(b, e->channel);
    es_buf_puts(b, "</Channel><Computer>");
    esc(b, e->computer);
    es_buf_puts(b, "</Computer></System>");
    if (e->ndata) {
        es_buf_puts(b, "<EventData>");
        for (size_t i = 0; i < e->ndata; i++) {
            es_buf_puts(b, "<Data>");
            esc(b, e->data[i].value);
            es_buf_puts(b, "</Data>");
        }
        es_buf_puts(b, "</EventData>");
    }
    es_buf_puts(b, "</Event>");
    return !b->failed;
}

int es_classic_log_known(const char *name)
{
    static const char *const k[] = {"Application", "System", "Security", "Setup", "HardwareEvents",
                                    "Internet Explorer", "Key Management Service", "Windows PowerShell",
                                    "Directory Service", "DNS Server", "DFS Replication",
                                    "File Replication Service", "Media Center"};
    for (size_t i = 0; name && i < sizeof k / sizeof *k; i++)
        if (es_ascii_ieq(name, k[i]))
            return 1;
    return 0;
}
