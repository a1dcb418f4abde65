/* Collects es_event's fields from the element stream: System's children and attributes,
 * EventData/Data (name, value) pairs, and the leaf elements of UserData. Text is gathered in
 * p->strs by offset (the buffer may move while a record is walked) and turned into pointers
 * once the record is done. */
#define ES_EVTX_INTERNAL
#include "es_evtx.h"
#include "es_time.h"

#include <stdlib.h>

/* element kinds in System that have attributes we want (kept in evx_elem.field as well) */
#define K_PROVIDER  (F_COUNT + 1)
#define K_TIME      (F_COUNT + 2)
#define K_EXEC      (F_COUNT + 3)

static int eq(const char *a, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n == m && memcmp(a, lit, m) == 0;
}

void evx_ev_begin(es_evtx_parser *p)
{
    es_buf_clear(&p->strs);
    if (p->strs.failed) {
        es_buf_free(&p->strs);
        es_buf_init(&p->strs);
    }
    memset(p->field_off, 0, sizeof p->field_off);
    p->nitems = 0;
    p->have_time_ft = 0;
    p->time_ft = 0;
    p->attr_field = F_NONE;
}

static uint32_t new_item(es_evtx_parser *p)
{
    if (p->nitems >= p->capitems) {
        size_t cap = p->capitems ? p->capitems * 2 : 64;
        if (cap > 1u << 20)
            return 0;
        evx_item *n = realloc(p->items, cap * sizeof *n);
        if (!n)
            return 0;
        p->items = n;
        p->capitems = cap;
    }
    p->items[p->nitems].name = 0;
    p->items[p->nitems].value = 0;
    p->nitems++;
    return (uint32_t)p->nitems;
}

int evx_name_kind(const char *s, size_t n)
{
    static const struct { const char *name; int kind; } known[] = {
        {"System", N_SYSTEM}, {"EventData", N_EVENTDATA}, {"UserData", N_USERDATA}, {"Data", N_DATA},
        {"EventID", N_EVENTID}, {"Version", N_VERSION}, {"Level", N_LEVEL}, {"Task", N_TASK},
        {"Opcode", N_OPCODE}, {"Keywords", N_KEYWORDS}, {"TimeCreated", N_TIMECREATED},
        {"EventRecordID", N_EVENTRECORDID}, {"Execution", N_EXECUTION}, {"Channel", N_CHANNEL},
        {"Computer", N_COMPUTER}, {"Provider", N_PROVIDER}, {"Name", N_NAME},
        {"EventSourceName", N_EVENTSOURCENAME}, {"SystemTime", N_SYSTEMTIME}, {"ProcessID", N_PROCESSID},
        {"ThreadID", N_THREADID}, {"Qualifiers", N_QUALIFIERS}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (eq(s, n, known[i].name))
            return known[i].kind;
    return N_OTHER;
}

void evx_ev_open(es_evtx_parser *p, evx_elem *e, const evx_elem *parent, size_t depth)
{
    e->field = F_NONE;
    e->item = 0;
    e->has_child = 0;
    e->text_start = UINT32_MAX;
    if (!parent) {
        e->section = S_NONE;
        return;
    }
    /* a parent's own text is not kept once it has child elements */
    ((evx_elem *)parent)->has_child = 1;
    if (depth == 1) {
        switch (e->kind) {
        case N_SYSTEM: e->section = S_SYSTEM; break;
        case N_EVENTDATA: e->section = S_EVENTDATA; break;
        case N_USERDATA: e->section = S_USERDATA; break;
        default: e->section = S_OTHER; break;
        }
        return;
    }
    e->section = parent->section;
    switch (e->section) {
    case S_SYSTEM:
        if (depth != 2)
            return;
        switch (e->kind) {
        case N_EVENTID: e->field = F_EVENTID; break;
        case N_EVENTRECORDID: e->field = F_RECORDID; break;
        case N_EXECUTION: e->field = K_EXEC; break;
        case N_VERSION: e->field = F_VERSION; break;
        case N_LEVEL: e->field = F_LEVEL; break;
        case N_TASK: e->field = F_TASK; break;
        case N_TIMECREATED: e->field = K_TIME; break;
        case N_OPCODE: e->field = F_OPCODE; break;
        case N_KEYWORDS: e->field = F_KEYWORDS; break;
        case N_CHANNEL: e->field = F_CHANNEL; break;
        case N_COMPUTER: e->field = F_COMPUTER; break;
        case N_PROVIDER: e->field = K_PROVIDER; break;
        default: break;
        }
        return;
    case S_EVENTDATA:
        if (depth == 2 && e->kind == N_DATA) {
            e->field = F_DATA;
            e->item = new_item(p);
        }
        return;
    case S_USERDATA:
        e->field = F_LEAF;
        return;
    default:
        return;
    }
}

void evx_ev_attr(es_evtx_parser *p, unsigned kind)
{
    const evx_elem *e = &p->elems[p->nelems - 1];
    int f = F_NONE;
    switch (e->field) {
    case K_PROVIDER:
        if (kind == N_NAME) f = F_PROVIDER;
        else if (kind == N_EVENTSOURCENAME) f = F_SOURCENAME;
        break;
    case K_TIME: if (kind == N_SYSTEMTIME) f = F_TIME; break;
    case K_EXEC:
        if (kind == N_PROCESSID) f = F_PID;
        else if (kind == N_THREADID) f = F_TID;
        break;
    case F_EVENTID: if (kind == N_QUALIFIERS) f = F_QUALIFIERS; break;
    case F_DATA: if (e->item && kind == N_NAME) f = F_DATANAME; break;
    default: break;
    }
    p->attr_field = f;
    p->attr_start = (uint32_t)p->strs.len;
}

void evx_ev_attr_end(es_evtx_parser *p)
{
    int f = p->attr_field;
    if (f == F_NONE)
        return;
    p->attr_field = F_NONE;
    if (!es_buf_putc(&p->strs, '\0'))
        return;
    if (f == F_DATANAME) {
        const evx_elem *e = &p->elems[p->nelems - 1];
        p->items[e->item - 1].name = p->attr_start + 1;
    } else {
        p->field_off[f] = p->attr_start + 1;
    }
}

es_buf *evx_ev_text_target(es_evtx_parser *p)
{
    if (p->in_attr)
        return p->attr_field ? &p->strs : NULL;
    if (!p->nelems)
        return NULL;
    evx_elem *e = &p->elems[p->nelems - 1];
    if (e->field == F_NONE || e->field > F_COUNT || (e->field == F_LEAF && e->has_child))
        return NULL;
    if (e->text_start == UINT32_MAX)
        e->text_start = (uint32_t)p->strs.len;
    return &p->strs;
}

void evx_ev_text(es_evtx_parser *p, const char *s, size_t n)
{
    es_buf *t = evx_ev_text_target(p);
    if (t)
        evx_put(t, s, n);
}

void evx_ev_close(es_evtx_parser *p, evx_elem *e)
{
    int f = e->field;
    if (f == F_NONE || f > F_COUNT)
        return;
    if (f == F_LEAF && e->has_child)
        return;
    uint32_t v = 0;   /* 0: empty text */
    if (e->text_start != UINT32_MAX) {
        if (!es_buf_putc(&p->strs, '\0'))
            return;
        v = e->text_start + 1;
    }
    if (f == F_DATA) {
        if (e->item)
            p->items[e->item - 1].value = v;
    } else if (f == F_LEAF) {
        uint32_t it = new_item(p);
        if (!it)
            return;
        uint32_t nm = (uint32_t)p->strs.len;
        es_buf_append(&p->strs, p->names.data + e->name, e->name_len);
        if (!es_buf_putc(&p->strs, '\0'))
            return;
        p->items[it - 1].name = nm + 1;
        p->items[it - 1].value = v;
    } else {
        p->field_off[f] = v ? v : UINT32_MAX;   /* UINT32_MAX: present but empty */
    }
}

static const char *str_at(const es_evtx_parser *p, uint32_t off)
{
    if (off == 0 || off == UINT32_MAX || !p->strs.data)
        return "";
    return p->strs.data + off - 1;
}

/* Decimal, or hex with 0x; leading/trailing blanks ignored. Returns 0 when not a number. */
static int parse_num(const char *s, uint64_t *out)
{
    while (*s == ' ' || *s == '\t')
        s++;
    uint64_t v = 0;
    int digits = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        for (;; s++) {
            unsigned d;
            if (*s >= '0' && *s <= '9') d = (unsigned)(*s - '0');
            else if (*s >= 'a' && *s <= 'f') d = (unsigned)(*s - 'a' + 10);
            else if (*s >= 'A' && *s <= 'F') d = (unsigned)(*s - 'A' + 10);
            else break;
            v = (v << 4) | d;
            digits++;
        }
    } else {
        for (; *s >= '0' && *s <= '9'; s++) {
            v = v * 10 + (uint64_t)(*s - '0');
            digits++;
        }
    }
    *out = v;
    return digits > 0;
}

static uint64_t num(const es_evtx_parser *p, int f)
{
    uint64_t v = 0;
    parse_num(str_at(p, p->field_off[f]), &v);
    return v;
}

/* "2016-07-08T18:12:51.681640800Z" with any number of fraction digits. */
static int parse_time(const char *s, uint64_t *ticks)
{
    es_civil c;
    memset(&c, 0, sizeof c);
    int v[6];
    static const char sep[6] = {'-', '-', 'T', ':', ':', 0};
    static const int width[6] = {4, 2, 2, 2, 2, 2};
    for (int i = 0; i < 6; i++) {
        int x = 0;
        for (int k = 0; k < width[i]; k++) {
            if (*s < '0' || *s > '9')
                return 0;
            x = x * 10 + (*s++ - '0');
        }
        v[i] = x;
        if (sep[i]) {
            if (*s != sep[i] && !(i == 2 && *s == ' '))
                return 0;
            s++;
        }
    }
    c.year = v[0]; c.month = v[1]; c.day = v[2]; c.hour = v[3]; c.minute = v[4]; c.second = v[5];
    uint64_t t;
    if (!es_time_from_civil(&c, &t))
        return 0;
    uint64_t frac = 0;
    if (*s == '.') {
        s++;
        int k = 0;
        for (; *s >= '0' && *s <= '9'; s++, k++)
            if (k < 7)
                frac = frac * 10 + (uint64_t)(*s - '0');
        for (; k < 7; k++)
            frac *= 10;
    }
    *ticks = t + frac;
    return 1;
}

int evx_ev_finish(es_evtx_parser *p, es_event *ev, uint64_t header_record_id, uint64_t written)
{
    if (p->strs.failed)
        return 0;
    memset(ev, 0, sizeof *ev);
    uint64_t v;
    if (p->field_off[F_EVENTID] && parse_num(str_at(p, p->field_off[F_EVENTID]), &v)) {
        ev->event_id = (uint32_t)(v & 0xFFFF);
        ev->qualifiers = (uint16_t)(v >> 16);
    }
    if (p->field_off[F_QUALIFIERS] && parse_num(str_at(p, p->field_off[F_QUALIFIERS]), &v))
        ev->qualifiers = (uint16_t)v;
    ev->version = (uint8_t)num(p, F_VERSION);
    ev->level = (uint8_t)num(p, F_LEVEL);
    ev->task = (uint16_t)num(p, F_TASK);
    ev->opcode = (uint8_t)num(p, F_OPCODE);
    ev->keywords = num(p, F_KEYWORDS);
    ev->process_id = (uint32_t)num(p, F_PID);
    ev->thread_id = (uint32_t)num(p, F_TID);
    if (p->field_off[F_RECORDID] && parse_num(str_at(p, p->field_off[F_RECORDID]), &v))
        ev->record_id = v;
    else
        ev->record_id = header_record_id;
    if (p->have_time_ft)
        ev->time_created = p->time_ft;
    else if (!(p->field_off[F_TIME] && parse_time(str_at(p, p->field_off[F_TIME]), &ev->time_created)))
        ev->time_created = written;
    const char *prov = str_at(p, p->field_off[F_PROVIDER]);
    ev->provider = *prov ? prov : str_at(p, p->field_off[F_SOURCENAME]);
    ev->channel = str_at(p, p->field_off[F_CHANNEL]);
    ev->computer = str_at(p, p->field_off[F_COMPUTER]);
    if (p->nitems > p->capdata) {
        size_t cap = p->capdata ? p->capdata : 64;
        while (cap < p->nitems)
            cap *= 2;
        es_data_item *d = realloc(p->data, cap * sizeof *d);
        if (!d)
            return 0;
        p->data = d;
        p->capdata = cap;
    }
    for (size_t i = 0; i < p->nitems; i++) {
        p->data[i].name = str_at(p, p->items[i].name);
        p->data[i].value = str_at(p, p->items[i].value);
    }
    ev->data = p->data;
    ev->ndata = p->nitems;
    return 1;
}
