/* Collects es_event's fields from the element stream: System's children and attributes,
 * EventData/Data (name, value) pairs, and the leaf elements of UserData. Text is gathered in
 * p->strs by offset (the buffer may move while a record is walked) and turned into pointers
 * once the record is done. */
#define ES_EVTX_INTERNAL
#include "es_evtx.h"
#include "es_time.h"

#include <stdlib.h>

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

uint32_t evx_new_item(es_evtx_parser *p)
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
    static const struct { const char *name; unsigned char len; unsigned char kind; } known[] = {
        {"System", 6, N_SYSTEM}, {"EventData", 9, N_EVENTDATA}, {"UserData", 8, N_USERDATA}, {"Data", 4, N_DATA},
        {"EventID", 7, N_EVENTID}, {"Version", 7, N_VERSION}, {"Level", 5, N_LEVEL}, {"Task", 4, N_TASK},
        {"Opcode", 6, N_OPCODE}, {"Keywords", 8, N_KEYWORDS}, {"TimeCreated", 11, N_TIMECREATED},
        {"EventRecordID", 13, N_EVENTRECORDID}, {"Execution", 9, N_EXECUTION}, {"Channel", 7, N_CHANNEL},
        {"Computer", 8, N_COMPUTER}, {"Provider", 8, N_PROVIDER}, {"Name", 4, N_NAME},
        {"EventSourceName", 15, N_EVENTSOURCENAME}, {"SystemTime", 10, N_SYSTEMTIME}, {"ProcessID", 9, N_PROCESSID},
        {"ThreadID", 8, N_THREADID}, {"Qualifiers", 10, N_QUALIFIERS}, {"RenderingInfo", 13, N_RENDERINGINFO},
        {"Message", 7, N_MESSAGE}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (known[i].len == n && memcmp(s, known[i].name, n) == 0)
            return known[i].kind;
    return N_OTHER;
}

static const char *str_at(const es_evtx_parser *p, uint32_t off)
{
    if (off == 0 || off == UINT32_MAX || !p->strs.data)
        return "";
    return p->strs.data + off - 1;
}

/* Decimal, or hex with 0x; leading/trailing blanks ignored. Returns 0 when not a number. */
static inline int parse_num(const char *s, uint64_t *out)
{
    while (*s == ' ' || *s == '\t')
        s++;
    uint64_t v = 0;
    int digits = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        /* a hex digit's value + 1; 0 for anything else */
        static const uint8_t hexv[256] = {
            ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9,
            ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11,
            ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16};
        s += 2;
        for (unsigned d; (d = hexv[(unsigned char)*s]) != 0; s++) {
            v = (v << 4) | (d - 1);
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
    /* A forwarded event's RenderingInfo holds the texts its source rendered: the message as
     * Event Viewer shows it. Its Level and Task are taken only when they are words (a
     * culture-neutral rendering holds bare numbers, which say less than the standard names). */
    const char *m = str_at(p, p->field_off[F_RMESSAGE]);
    ev->message = *m ? m : NULL;
    const char *lt = str_at(p, p->field_off[F_RLEVEL]), *tt = str_at(p, p->field_off[F_RTASK]);
    ev->level_text = *lt && !parse_num(lt, &v) ? lt : NULL;
    ev->task_text = *tt && !parse_num(tt, &v) ? tt : NULL;
    return 1;
}
