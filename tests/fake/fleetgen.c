/* fleetgen: deterministic events and the fleet file (see fleetgen.h, README). Portable C. */
#include "fleetgen.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ fleet file */

void fleet_server_defaults(fleet_server *s)
{
    memset(s, 0, sizeof *s);
    s->latency_ms = 50;
    s->events = 2000;
    s->span_hours = 48;
    s->seed = 1;
    s->step_ms = 1000;
    s->first = 1;
}

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

/* "S" or "S.fff" seconds as ticks (100 ns). */
static int parse_secs(const char *s, uint64_t *ticks)
{
    uint64_t whole = 0, frac = 0, scale = FLEET_TICKS_PER_SEC;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        if (whole > 100000000ull)
            return 0;
        whole = whole * 10 + (uint64_t)(*s - '0');
    }
    if (*s == '.') {
        s++;
        for (; *s >= '0' && *s <= '9'; s++) {
            if (scale < 10)
                return 0;
            scale /= 10;
            frac += (uint64_t)(*s - '0') * scale;
        }
    }
    if (*s || !digits)
        return 0;
    *ticks = whole * FLEET_TICKS_PER_SEC + frac;
    return 1;
}

static int parse_u64(const char *s, uint64_t *v)
{
    uint64_t x = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10)
            return 0;
        x = x * 10 + (uint64_t)(*s - '0');
    }
    *v = x;
    return 1;
}

int fleet_parse_line(const char *line, fleet_server *out, char *err, size_t err_len)
{
    char buf[2048];
    size_t n = 0;
    while (line[n] && line[n] != '#' && line[n] != '\r' && line[n] != '\n' && n + 1 < sizeof buf) {
        buf[n] = line[n];
        n++;
    }
    buf[n] = 0;
    fleet_server_defaults(out);
    int tok = 0, step_set = 0, clock_query = 0, downfor_set = 0;
    char *save = buf;
    for (;;) {
        while (*save == ' ' || *save == '\t')
            save++;
        if (!*save)
            break;
        char *t = save;
        while (*save && *save != ' ' && *save != '\t')
            save++;
        if (*save)
            *save++ = 0;
        if (tok++ == 0) {
            if (strlen(t) >= sizeof out->name) {
                snprintf(err, err_len, "server name too long: %s", t);
                return -1;
            }
            strcpy(out->name, t);
            continue;
        }
        char *eq = strchr(t, '=');
        const char *val = eq ? eq + 1 : NULL;
        if (eq)
            *eq = 0;
        uint64_t v = 0;
        int ok = 1;
        if (!val) {
            if (!strcmp(t, "deny")) out->deny = 1;
            else if (!strcmp(t, "down")) out->down = 1;
            else if (!strcmp(t, "nochannel")) out->nochannel = 1;
            else if (!strcmp(t, "hang")) out->hang = 1;
            else if (!strcmp(t, "hangquery")) out->hangquery = 1;
            else if (!strcmp(t, "nofilter")) out->nofilter = 1;
            else if (!strcmp(t, "collector")) out->collector = 1;
            else if (!strcmp(t, "full")) out->full = 1;
            else if (!strcmp(t, "hanglog")) out->hanglog = 1;
            else if (!strcmp(t, "stuck")) { out->stuck = 1; out->stuck_after = 0; }
            else ok = 0;
        } else if (!strcmp(t, "channels")) {
            if (strlen(val) >= sizeof out->channels)
                ok = 0;
            else
                strcpy(out->channels, val);
        } else if (!strcmp(t, "account")) {
            const char *colon = strchr(val, ':');
            if (!colon || colon == val || (size_t)(colon - val) >= sizeof out->account || strlen(colon + 1) >= sizeof out->password)
                ok = 0;
            else {
                memcpy(out->account, val, (size_t)(colon - val));
                out->account[colon - val] = 0;
                strcpy(out->password, colon + 1);
            }
        } else if (!strcmp(t, "clock")) {
            if (!strcmp(val, "load")) out->clock_load = 1;
            else if (!strcmp(val, "query")) { out->clock_load = 0; clock_query = 1; }
            else ok = 0;
        } else if (!strcmp(t, "dropafter") || !strcmp(t, "downfor") || !strcmp(t, "clearat")) {
            uint64_t ticks;
            if (!parse_secs(val, &ticks))
                ok = 0;
            else if (t[1] == 'r') { out->has_drop = 1; out->drop_at = ticks; }
            else if (t[1] == 'o') { out->down_for = ticks; downfor_set = 1; }
            else { out->has_clear = 1; out->clear_at = ticks; }
        } else if (!parse_u64(val, &v)) {
            ok = 0;
        } else if (!strcmp(t, "latency") && v <= 3600000) out->latency_ms = (uint32_t)v;
        else if (!strcmp(t, "next_latency") && v <= 3600000) out->next_latency_ms = (uint32_t)v;
        else if (!strcmp(t, "events") && v <= 100000000) out->events = v;
        else if (!strcmp(t, "span") && v >= 1 && v <= 100000) out->span_hours = (uint32_t)v;
        else if (!strcmp(t, "seed") && v <= 0xFFFFFFFFu) out->seed = (uint32_t)v;
        else if (!strcmp(t, "break") && v >= 1) out->break_after = v;
        else if (!strcmp(t, "flaky") && v >= 1 && v <= 1000) out->flaky = (uint32_t)v;
        else if (!strcmp(t, "lockout") && v >= 1 && v <= 1000) out->lockout = (uint32_t)v;
        else if (!strcmp(t, "first") && v >= 1) out->first = v;
        else if (!strcmp(t, "rate") && v >= 1 && v <= 100000) out->rate = (uint32_t)v;
        else if (!strcmp(t, "maxrecords") && v >= 1) out->maxrecords = v;
        else if (!strcmp(t, "hang")) { out->hang = 1; out->hang_after = v; }
        else if (!strcmp(t, "stuck")) { out->stuck = 1; out->stuck_after = v; }
        else if (!strcmp(t, "stuckformat")) { out->stuckformat = 1; out->stuckformat_after = v; }
        else if (!strcmp(t, "edge") && v >= 1 && v <= 100000) out->edge_hours = (uint32_t)v;
        else if (!strcmp(t, "step") && v >= 1 && v <= 3600000) { out->step_ms = (uint32_t)v; step_set = 1; }
        else ok = 0;
        if (!ok) {
            snprintf(err, err_len, "server %s: bad setting \"%s%s%s\"", out->name, t, val ? "=" : "", val ? val : "");
            return -1;
        }
    }
    if (tok && out->first > out->events + 1) {
        snprintf(err, err_len, "server %s: first=%llu is past its %llu events (first=events+1: an empty log)", out->name,
                 (unsigned long long)out->first, (unsigned long long)out->events);
        return -1;
    }
    if (tok && out->rate) {
        if (clock_query) {
            snprintf(err, err_len, "server %s: rate= needs clock=load (it implies it)", out->name);
            return -1;
        }
        out->clock_load = 1;
    }
    if (tok && downfor_set && !out->has_drop) {
        snprintf(err, err_len, "server %s: downfor= only goes with dropafter=", out->name);
        return -1;
    }
    if (tok && step_set && !out->edge_hours) {
        snprintf(err, err_len, "server %s: step= only goes with edge=", out->name);
        return -1;
    }
    /* edge: the youngest record (k = events) must still lie in the past */
    if (tok && out->edge_hours &&
        (uint64_t)out->edge_hours * 3600000ull + out->step_ms / 2 <= (out->events - out->events / 2) * (uint64_t)out->step_ms) {
        snprintf(err, err_len, "server %s: edge=%u with events=%llu step=%u puts records in the future", out->name,
                 (unsigned)out->edge_hours, (unsigned long long)out->events, (unsigned)out->step_ms);
        return -1;
    }
    return tok ? 1 : 0;
}

int fleet_parse_text(const char *text, size_t len, fleet_server **out, char *err, size_t err_len)
{
    fleet_server *v = NULL;
    int n = 0, cap = 0;
    size_t i = 0, lineno = 0;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        char line[2048];
        size_t ll = j - i < sizeof line - 1 ? j - i : sizeof line - 1;
        memcpy(line, text + i, ll);
        line[ll] = 0;
        lineno++;
        i = j + 1;
        fleet_server s;
        char e[256];
        int r = fleet_parse_line(line, &s, e, sizeof e);
        if (r < 0) {
            snprintf(err, err_len, "line %u: %s", (unsigned)lineno, e);
            free(v);
            return -1;
        }
        if (r == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            fleet_server *nv = realloc(v, (size_t)cap * sizeof *v);
            if (!nv) {
                free(v);
                snprintf(err, err_len, "out of memory");
                return -1;
            }
            v = nv;
        }
        v[n++] = s;
    }
    *out = v;
    return n;
}

const fleet_server *fleet_find(const fleet_server *v, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (ieq(v[i].name, name))
            return &v[i];
    return NULL;
}

int fleet_has_channel(const fleet_server *s, const char *ch)
{
    const char *list = s->channels[0] ? s->channels : (s->nochannel ? "" : FLEET_DEFAULT_CHANNELS);
    size_t cl = strlen(ch);
    while (*list) {
        const char *e = strchr(list, ',');
        size_t l = e ? (size_t)(e - list) : strlen(list);
        if (l == cl) {
            size_t k = 0;
            while (k < l && tolower((unsigned char)list[k]) == tolower((unsigned char)ch[k]))
                k++;
            if (k == l)
                return 1;
        }
        if (!e)
            break;
        list = e + 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ live servers */

uint64_t fleet_newest(const fleet_server *s, uint64_t t)
{
    /* record events+j is written at floor(j * 10^7 / rate): written by t iff j * 10^7 < (t + 1) * rate */
    if (!s->rate)
        return s->events;
    return s->events + ((t + 1) * s->rate - 1) / FLEET_TICKS_PER_SEC;
}

uint64_t fleet_write_ticks(const fleet_server *s, uint64_t k)
{
    if (!s->rate || k <= s->events)
        return 0;
    return (k - s->events) * FLEET_TICKS_PER_SEC / s->rate;
}

static uint64_t cleared_before(const fleet_server *s, uint64_t t)
{
    return s->has_clear && t >= s->clear_at ? fleet_newest(s, s->clear_at) + 1 : 0;
}

uint64_t fleet_oldest(const fleet_server *s, uint64_t t)
{
    uint64_t newest = fleet_newest(s, t), o = s->first ? s->first : 1, c = cleared_before(s, t);
    if (c > o)
        o = c;
    if (s->maxrecords && newest >= s->maxrecords && newest - s->maxrecords + 1 > o)
        o = newest - s->maxrecords + 1;
    return o;
}

int fleet_log_full(const fleet_server *s, uint64_t t)
{
    uint64_t newest = fleet_newest(s, t), c = cleared_before(s, t);
    if (s->full && !c)
        return 1;
    return s->maxrecords && newest >= s->maxrecords && newest - s->maxrecords + 1 > (c ? c : 1);
}

int fleet_is_down(const fleet_server *s, uint64_t t)
{
    return s->has_drop && t >= s->drop_at && (s->down_for == 0 || t - s->drop_at < s->down_for);
}

uint64_t fleet_record_ticks(const fleet_server *s, uint64_t anchor, uint64_t k)
{
    if (k > s->events)
        return anchor + fleet_write_ticks(s, k);
    fg_spread sp = fleet_spread(s);
    return anchor - fleetgen_age_ms(&sp, k) * 10000ull;
}

/* ------------------------------------------------------------------ providers */

static const struct {
    const char *name, *guid;
    int metadata;
} g_prov[FG_NPROV] = {
    {"Service Control Manager", "{555908d1-a6d7-4695-8e1e-26931d2012f4}", 1},
    {"Microsoft-Windows-Kernel-General", "{a68ca8b7-004f-d7b6-a698-07e2de0f1f5d}", 1},
    {"EventLog", NULL, 1},
    {"Legacy App", NULL, 0},
};

const char *fleetgen_provider_name(int p) { return p >= 0 && p < FG_NPROV ? g_prov[p].name : NULL; }
const char *fleetgen_provider_guid(int p) { return p >= 0 && p < FG_NPROV ? g_prov[p].guid : NULL; }
int fleetgen_provider_has_metadata(int p) { return p >= 0 && p < FG_NPROV && g_prov[p].metadata; }

int fleetgen_provider_by_name(const char *name)
{
    for (int i = 0; i < FG_NPROV; i++)
        if (ieq(g_prov[i].name, name))
            return i;
    return -1;
}

static const struct {
    int prov;
    uint32_t id;
    const char *msg;
} g_msgs[] = {
    {FG_PROV_SCM, 7036, "The %1 service entered the %2 state."},
    {FG_PROV_SCM, 7040, "The start type of the %1 service was changed from %2 to %3."},
    {FG_PROV_SCM, 7000, "The %1 service failed to start due to the following error: %n%2"},
    {FG_PROV_SCM, 7034, "The %1 service terminated unexpectedly.  It has done this %2 time(s)."},
    {FG_PROV_KERNEL_GENERAL, 1, "The system time has changed to %1 from %2."},
    {FG_PROV_KERNEL_GENERAL, 12, "The operating system started at system time %1."},
    {FG_PROV_KERNEL_GENERAL, 13, "The operating system is shutting down at system time %1."},
    {FG_PROV_KERNEL_GENERAL, 16, "The access history in hive %1 was cleared updating %2 keys and creating %3 modified pages."},
    {FG_PROV_EVENTLOG, 6005, "The Event log service was started."},
    {FG_PROV_EVENTLOG, 6006, "The Event log service was stopped."},
    {FG_PROV_EVENTLOG, 6013, "The system uptime is %5 seconds."},
    /* EventLog 6100 and 6101 have no message: ERROR_EVT_MESSAGE_NOT_FOUND */
};

const char *fleetgen_message_template(int prov, uint32_t id)
{
    if (!fleetgen_provider_has_metadata(prov))
        return NULL;
    for (size_t i = 0; i < sizeof g_msgs / sizeof g_msgs[0]; i++)
        if (g_msgs[i].prov == prov && g_msgs[i].id == id)
            return g_msgs[i].msg;
    return NULL;
}

const char *fleetgen_level_name(int prov, unsigned level)
{
    static const char *const names[] = {NULL, "Critical", "Error", "Warning", "Information", "Verbose"};
    if (!fleetgen_provider_has_metadata(prov) || level > 5)
        return NULL;
    return names[level];   /* level 0 (win:LogAlways): no name, see README */
}

const char *fleetgen_task_name(int prov, unsigned task)
{
    if (prov != FG_PROV_KERNEL_GENERAL)
        return NULL;
    switch (task) {
    case 1: return "Startup";
    case 2: return "Shutdown";
    case 5: return "Time Change";
    default: return NULL;   /* task 7 has no name on purpose */
    }
}

const char *fleetgen_opcode_name(int prov, unsigned opcode)
{
    return fleetgen_provider_has_metadata(prov) && opcode == 0 ? "Info" : NULL;
}

/* ------------------------------------------------------------------ generator */

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

uint64_t fleetgen_name_hash(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *name; name++) {
        h ^= (uint64_t)tolower((unsigned char)*name);
        h *= 0x100000001b3ull;
    }
    return h;
}

#define ACTIVE_MS_PER_HOUR 3000000ull   /* 50 minutes of each hour hold events: minutes 5..55 */

fg_spread fleet_spread(const fleet_server *s)
{
    fg_spread sp = {s->events, s->span_hours, s->edge_hours, s->step_ms ? s->step_ms : 1000};
    return sp;
}

fg_spread fleetgen_spread(uint64_t events, uint32_t span_hours)
{
    fg_spread sp = {events, span_hours, 0, 1000};
    return sp;
}

/* edge: edge*3600000 + (events/2 - k)*step + step/2, which the parser keeps > 0 */
static uint64_t edge_age_ms(const fg_spread *sp, uint64_t k)
{
    uint64_t base = (uint64_t)sp->edge_hours * 3600000ull + sp->step_ms / 2, half = sp->events / 2;
    if (k <= half)
        return base + (half - k) * sp->step_ms;
    uint64_t d = (k - half) * sp->step_ms;
    return d < base ? base - d : 0;
}

uint64_t fleetgen_age_ms(const fg_spread *sp, uint64_t k)
{
    uint64_t events = sp->events;
    uint32_t span_hours = sp->span_hours;
    if (events == 0 || k == 0 || k > events)
        return 0;
    if (sp->edge_hours)
        return edge_age_ms(sp, k);
    uint64_t j = events - k;   /* 0 = newest */
    /* position in "active time", strictly increasing in j while events <= span*3e6 */
    uint64_t total = (uint64_t)span_hours * ACTIVE_MS_PER_HOUR;
    uint64_t a;
    if (events <= 0xFFFFFFFFull && total <= 0xFFFFFFFFull)
        a = ((2 * j + 1) * total) / (2 * events);
    else
        a = (uint64_t)(((double)(2 * j + 1) * (double)total) / (2.0 * (double)events));
    if (a >= total)
        a = total - 1;
    uint64_t hour = a / ACTIVE_MS_PER_HOUR, within = a % ACTIVE_MS_PER_HOUR;
    return hour * 3600000ull + 300000ull + within;
}

uint64_t fleetgen_first_in_window(const fg_spread *sp, uint64_t window_ms)
{
    /* ages decrease as k grows: find the smallest k with age <= window */
    uint64_t lo = 1, hi = sp->events + 1;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (fleetgen_age_ms(sp, mid) <= window_ms)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

#define X10(s) s s s s s s s s s s
#define K1 X10(X10("0123456789"))
static const char g_long[] = "long value start|" K1 K1 K1 K1 "|long value end";   /* 4,032 bytes */

/* Values chosen to hurt a CSV writer, a UTF-16 converter, a spreadsheet or an HTML page. */
static const char *const g_tricky[] = {
    "Windows Update",
    "Print Spooler",
    "Remote Access, Dial-Up",
    "He said \"stop\"",
    "first line\r\nsecond line",
    "=HYPERLINK(\"http://x.example\",\"click\")",
    "-5+3",
    "@SUM(1+1)",
    "\xC3\x9Cn\xC3\xAF" "c\xC3\xB8" "d\xC3\xA9 \xE2\x82\xAC \xE6\x97\xA5\xE6\x9C\xAC",   /* Ünïcødé € 日本 */
    "+1 555 0100",
    "emoji \xF0\x9F\x98\x80 outside the BMP",
    "",
    "trailing space ",
    "tab\tinside",
    g_long,
    "semi;colon",
    "line feed only\nhere",
    "<xml> & 'apostrophes'",
    "<script>alert(1)</script>",              /* for an HTML report: text, never markup */
    "\"><img src=x onerror=alert(1)>",
};
#define NTRICKY (sizeof g_tricky / sizeof g_tricky[0])

static const char *const g_services[] = {
    "Windows Update", "Print Spooler", "Background Intelligent Transfer Service", "WinHTTP Web Proxy Auto-Discovery Service",
    "Windows Error Reporting Service", "Remote Access, Dial-Up", "He said \"stop\"", "=cmd|' /C calc'!A0",
    "\xC3\x9Cn\xC3\xAF" "c\xC3\xB8" "d\xC3\xA9 \xE2\x82\xAC Service", "Network List Service", "Volume Shadow Copy",
    "Software Protection",
};
#define NSERVICES (sizeof g_services / sizeof g_services[0])

void fleetgen_event(const char *server, uint32_t seed, const fg_spread *sp, uint64_t k, fg_event *e)
{
    memset(e, 0, sizeof *e);
    uint64_t h = mix(fleetgen_name_hash(server) ^ mix((uint64_t)seed * 0x2545F4914F6CDD1Dull) ^ (k * 0xD6E8FEB86659FD93ull));
    uint64_t h2 = mix(h), h3 = mix(h2), h4 = mix(h3);
    unsigned r = (unsigned)(h % 100), sub = (unsigned)(h2 % 20);
    e->record_id = k;
    e->age_ms = fleetgen_age_ms(sp, k);
    if (strchr(server, '.'))
        snprintf(e->computer, sizeof e->computer, "%s", server);
    else
        snprintf(e->computer, sizeof e->computer, "%s.sim.example", server);
    e->thread_id = 100 + (uint32_t)(h4 % 9000);
    if (r < 40) {
        e->provider = FG_PROV_SCM;
        e->keywords = 0x8080000000000000ull;
        e->has_qualifiers = 1;
        e->process_id = 772;
        const char *svc = g_services[h3 % NSERVICES];
        if (sub < 12) {
            e->event_id = 7036; e->qualifiers = 16384; e->level = 4;
            e->data[0] = svc;
            e->data[1] = (h4 >> 20) & 1 ? "running" : "stopped";
            e->ndata = 2;
        } else if (sub < 15) {
            e->event_id = 7040; e->qualifiers = 16384; e->level = 4;
            e->data[0] = svc;
            e->data[1] = (h4 >> 21) & 1 ? "demand start" : "auto start";
            e->data[2] = (h4 >> 22) & 1 ? "disabled" : "auto start";
            e->data[3] = "svcKey";
            e->ndata = 4;
        } else if (sub < 18) {
            e->event_id = 7000; e->qualifiers = 49152; e->level = 2;
            e->data[0] = svc;
            e->data[1] = (h4 >> 23) & 1 ? "The service did not respond to the start or control request in a timely fashion."
                                        : g_tricky[(h4 >> 24) % NTRICKY];
            e->ndata = 2;
        } else {
            e->event_id = 7034; e->qualifiers = 49152; e->level = 2;
            e->data[0] = svc;
            snprintf(e->text, sizeof e->text, "%u", (unsigned)(1 + (h4 >> 25) % 5));
            e->data[1] = e->text;
            e->ndata = 2;
        }
        for (int i = 0; i < e->ndata; i++)
            e->data_name[i] = i == 0 ? "param1" : i == 1 ? "param2" : i == 2 ? "param3" : "param4";
    } else if (r < 60) {
        e->provider = FG_PROV_KERNEL_GENERAL;
        e->keywords = 0x8000000000000010ull;
        e->process_id = 4;
        e->has_user_sid = 1;
        e->version = 1;
        unsigned sec = (unsigned)(k % 60), frac = (unsigned)(h4 % 10000000);
        if (sub < 6) {
            e->event_id = 1; e->level = 4; e->task = 5; e->version = 2;
            snprintf(e->text, sizeof e->text, "2031-01-01T00:00:%02u.%07uZ", sec, frac);
            e->text[30] = 0;   /* two strings in one buffer */
            snprintf(e->text + 31, sizeof e->text - 31, "2031-01-01T00:01:%02u.%07uZ", sec, frac);
            e->data_name[0] = "NewTime"; e->data[0] = e->text;
            e->data_name[1] = "OldTime"; e->data[1] = e->text + 31;
            e->ndata = 2;
        } else if (sub < 10) {
            e->event_id = 12; e->level = 4; e->task = 1;
            snprintf(e->text, sizeof e->text, "2031-01-02T03:04:%02u.%07uZ", sec, frac);
            e->data_name[0] = "StartTime"; e->data[0] = e->text; e->ndata = 1;
        } else if (sub < 13) {
            e->event_id = 13; e->level = 4; e->task = 2;
            snprintf(e->text, sizeof e->text, "2031-01-02T05:06:%02u.%07uZ", sec, frac);
            e->data_name[0] = "StopTime"; e->data[0] = e->text; e->ndata = 1;
        } else {
            e->event_id = 16; e->level = 0; e->task = 7;
            snprintf(e->text, sizeof e->text, "%u", (unsigned)(h4 % 500));
            snprintf(e->text + 16, sizeof e->text - 16, "%u", (unsigned)((h4 >> 16) % 50));
            e->data_name[0] = "HiveName"; e->data[0] = g_tricky[(h4 >> 32) % NTRICKY];
            e->data_name[1] = "KeysUpdated"; e->data[1] = e->text;
            e->data_name[2] = "DirtyPages"; e->data[2] = e->text + 16;
            e->ndata = 3;
        }
    } else if (r < 75) {
        e->provider = FG_PROV_EVENTLOG;
        e->keywords = 0x80000000000000ull;
        e->has_qualifiers = 1;
        e->qualifiers = 32768;
        e->process_id = 1234;
        if (sub < 4) {
            e->event_id = 6005; e->level = 4;
        } else if (sub < 7) {
            e->event_id = 6006; e->level = 4;
        } else if (sub < 11) {
            e->event_id = 6013; e->level = 4;
            snprintf(e->text, sizeof e->text, "%u", (unsigned)(h4 % 9000000));
            e->data[0] = e->data[1] = e->data[2] = e->data[3] = "";
            e->data[4] = e->text;
            e->ndata = 5;
        } else if (sub < 16) {
            e->event_id = 6100; e->level = 3; e->task = 3;
            e->data[0] = g_tricky[h3 % NTRICKY];
            e->data[1] = g_tricky[(h3 >> 16) % NTRICKY];
            e->ndata = 2;
        } else {
            e->event_id = 6101; e->level = 2;
            e->data[0] = g_tricky[h3 % NTRICKY];
            e->ndata = 1;
        }
        for (int i = 0; i < e->ndata; i++)
            e->data_name[i] = "";
    } else {
        e->provider = FG_PROV_LEGACY;
        e->keywords = 0x80000000000000ull;
        e->has_qualifiers = 1;
        e->qualifiers = 0;
        e->process_id = 0;
        e->thread_id = 0;
        static const uint32_t ids[] = {1000, 1001, 1002, 1003, 1004};
        static const uint8_t lv[] = {2, 4, 3, 1, 0};
        unsigned w = sub % 5;
        e->event_id = ids[w];
        e->level = lv[w];
        /* so that every level filter and the audit keywords select something: one in eight
         * Information events is Verbose, and a quarter carry Audit Success, a quarter Audit
         * Failure (on top of Classic), from bits of h4 nothing else uses */
        if (e->level == 4 && ((h4 >> 44) & 7) == 0)
            e->level = 5;
        if (((h4 >> 47) & 3) == 1)
            e->keywords |= 0x20000000000000ull;
        else if (((h4 >> 47) & 3) == 2)
            e->keywords |= 0x10000000000000ull;
        e->task = (h4 >> 40) & 1 ? 2 : 0;
        e->ndata = 1 + (int)((h4 >> 41) % 3);
        for (int i = 0; i < e->ndata; i++) {
            e->data_name[i] = "";
            e->data[i] = g_tricky[(h3 >> (i * 8)) % NTRICKY];
        }
    }
    e->provider_name = g_prov[e->provider].name;
    e->provider_guid = g_prov[e->provider].guid;
}

/* ------------------------------------------------------------------ formatting */

size_t fleetgen_format(const char *t, const char *const *values, int nvalues, char *out, size_t len)
{
    size_t n = 0;
#define PUT(c) do { char c_ = (c); if (n + 1 < len) out[n] = c_; n++; } while (0)
    while (*t) {
        if (*t != '%') {
            PUT(*t++);
            continue;
        }
        t++;
        if (*t >= '1' && *t <= '9') {
            int idx = *t++ - '0';
            if (*t >= '0' && *t <= '9')
                idx = idx * 10 + (*t++ - '0');
            if (idx <= nvalues && values[idx - 1]) {
                for (const char *v = values[idx - 1]; *v; v++)
                    PUT(*v);
            } else {
                char tmp[8];
                snprintf(tmp, sizeof tmp, "%%%d", idx);
                for (char *v = tmp; *v; v++)
                    PUT(*v);
            }
        } else if (*t == 'n') {
            PUT('\r'); PUT('\n'); t++;
        } else if (*t == 't') {
            PUT('\t'); t++;
        } else if (*t == '%') {
            PUT('%'); t++;
        } else if (*t) {
            PUT(*t++);
        }
    }
    if (len)
        out[n < len ? n : len - 1] = 0;
#undef PUT
    return n;
}

/* The app's fallback message: the data values joined by "; ", empty ones skipped. */
static size_t join_values(const char *const *values, int nvalues, char *out, size_t len)
{
    size_t n = 0;
    int first = 1;
    for (int i = 0; i < nvalues; i++) {
        const char *v = values[i];
        if (!v || !*v)
            continue;
        if (!first) {
            if (n + 1 < len) out[n] = ';';
            n++;
            if (n + 1 < len) out[n] = ' ';
            n++;
        }
        for (; *v; v++) {
            if (n + 1 < len) out[n] = *v;
            n++;
        }
        first = 0;
    }
    if (len)
        out[n < len ? n : len - 1] = 0;
    return n;
}

size_t fleetgen_expected_message(const fg_event *e, char *out, size_t len)
{
    const char *t = fleetgen_message_template(e->provider, e->event_id);
    if (t)
        return fleetgen_format(t, e->data, e->ndata, out, len);
    return join_values(e->data, e->ndata, out, len);
}

const char *fleetgen_expected_level(const fg_event *e)
{
    const char *n = fleetgen_level_name(e->provider, e->level);
    if (n)
        return n;
    static const char *const names[] = {"Information", "Critical", "Error", "Warning", "Information", "Verbose"};
    return e->level <= 5 ? names[e->level] : "Unknown";
}

const char *fleetgen_expected_task(const fg_event *e, char *buf, size_t len)
{
    const char *n = fleetgen_task_name(e->provider, e->task);
    if (n)
        return n;
    if (e->task == 0)
        snprintf(buf, len, "None");
    else
        snprintf(buf, len, "(%u)", (unsigned)e->task);
    return buf;
}

/* ------------------------------------------------------------------ local publisher metadata */

#define KG_KEYWORDS 0x8000000000000010ull
#define EL_KEYWORDS 0x80000000000000ull
#define KG_TIME_CHANGE_TEMPLATE                                                                                     \
    "<template xmlns=\"http://schemas.microsoft.com/win/2004/08/events\">"                                        \
    "<data name=\"NewTime\" inType=\"win:SYSTEMTIME\" outType=\"xs:dateTime\"/>"                                  \
    "<data name=\"OldTime\" inType=\"win:SYSTEMTIME\" outType=\"xs:dateTime\"/></template>"

static const fg_event_meta g_kg_meta[] = {
    {1, 0, 0x5000002Au, 0, 4, 0, 5, KG_KEYWORDS, KG_TIME_CHANGE_TEMPLATE},
    {1, 2, 0x5000002Bu, 0, 4, 0, 5, KG_KEYWORDS, KG_TIME_CHANGE_TEMPLATE},
    {12, 0, 0x50000031u, 0, 4, 0, 1, KG_KEYWORDS,
     "<template xmlns=\"http://schemas.microsoft.com/win/2004/08/events\">"
     "<data name=\"StartTime\" inType=\"win:SYSTEMTIME\" outType=\"xs:dateTime\"/></template>"},
    {12, 1, 0x50000032u, 0, 4, 0, 1, KG_KEYWORDS,
     "<template xmlns=\"http://schemas.microsoft.com/win/2004/08/events\">"
     "<data name=\"StartTime\" inType=\"win:SYSTEMTIME\" outType=\"xs:dateTime\"/></template>"},
    {13, 1, 0x50000040u, 0, 4, 0, 2, KG_KEYWORDS,
     "<template xmlns=\"http://schemas.microsoft.com/win/2004/08/events\">"
     "<data name=\"StopTime\" inType=\"win:SYSTEMTIME\" outType=\"xs:dateTime\"/></template>"},
    {16, 1, 0x50000050u, 0, 0, 0, 7, KG_KEYWORDS,
     "<template xmlns=\"http://schemas.microsoft.com/win/2004/08/events\">"
     "<data name=\"HiveName\" inType=\"win:UnicodeString\" outType=\"xs:string\"/>"
     "<data name=\"KeysUpdated\" inType=\"win:UInt32\" outType=\"xs:unsignedInt\"/>"
     "<data name=\"DirtyPages\" inType=\"win:UInt32\" outType=\"xs:unsignedInt\"/></template>"},
};

static const fg_event_meta g_el_meta[] = {
    {6005, 0, 0x30000010u, 0, 4, 0, 0, EL_KEYWORDS, NULL},
    {6006, 0, 0x30000011u, 0, 4, 0, 0, EL_KEYWORDS, NULL},
    {6013, 0, 0x30000012u, 0, 4, 0, 0, EL_KEYWORDS, NULL},
    {6100, 0, FG_NO_MESSAGE, 0, 3, 0, 3, EL_KEYWORDS, NULL},
    {6101, 0, FG_NO_MESSAGE, 0, 2, 0, 0, EL_KEYWORDS, NULL},
};

/* Message table entries other than the current message of an event id (fleetgen_message_template). */
static const struct {
    int prov;
    uint32_t msgid;
    const char *text;
} g_old_msgs[] = {
    {FG_PROV_KERNEL_GENERAL, 0x5000002Au, "The system time was changed from %2 to %1."},
    {FG_PROV_KERNEL_GENERAL, 0x50000031u, "The system started at %1 (an early version of this event)."},
};

/* The classic message ids of Service Control Manager: (Qualifiers << 16) | EventID. */
static const struct {
    uint32_t event_id;
    uint16_t qualifiers;
} g_scm_classic[] = {{7036, 16384}, {7040, 16384}, {7000, 49152}, {7034, 49152}};

int fleetgen_event_metadata(int prov, const fg_event_meta **out)
{
    switch (prov) {
    case FG_PROV_KERNEL_GENERAL: *out = g_kg_meta; return (int)(sizeof g_kg_meta / sizeof g_kg_meta[0]);
    case FG_PROV_EVENTLOG: *out = g_el_meta; return (int)(sizeof g_el_meta / sizeof g_el_meta[0]);
    default: *out = NULL; return 0;
    }
}

const char *fleetgen_message_by_id(int prov, uint32_t msgid)
{
    if (!fleetgen_provider_has_metadata(prov) || msgid == FG_NO_MESSAGE)
        return NULL;
    for (size_t i = 0; i < sizeof g_old_msgs / sizeof g_old_msgs[0]; i++)
        if (g_old_msgs[i].prov == prov && g_old_msgs[i].msgid == msgid)
            return g_old_msgs[i].text;
    const fg_event_meta *m;
    int n = fleetgen_event_metadata(prov, &m);
    for (int i = 0; i < n; i++)
        if (m[i].message_id == msgid)
            return fleetgen_message_template(prov, m[i].event_id);   /* the event's current message */
    if (prov == FG_PROV_SCM)
        for (size_t i = 0; i < sizeof g_scm_classic / sizeof g_scm_classic[0]; i++)
            if (((uint32_t)g_scm_classic[i].qualifiers << 16 | g_scm_classic[i].event_id) == msgid)
                return fleetgen_message_template(prov, g_scm_classic[i].event_id);
    return NULL;
}


size_t fleetgen_expected_file_message(const char *provider, uint32_t event_id, unsigned version, unsigned qualifiers,
                                      const char *const *values, int nvalues, char *out, size_t len)
{
    int prov = provider ? fleetgen_provider_by_name(provider) : -1;
    const char *t = NULL;
    if (prov >= 0 && fleetgen_provider_has_metadata(prov)) {
        const fg_event_meta *m;
        int n = fleetgen_event_metadata(prov, &m);
        uint32_t msgid = FG_NO_MESSAGE;
        if (n == 0)
            msgid = ((uint32_t)qualifiers << 16) | (event_id & 0xFFFFu);
        for (int i = 0; i < n; i++)
            if (m[i].event_id == event_id && m[i].version == version) {
                msgid = m[i].message_id;
                break;
            }
        t = fleetgen_message_by_id(prov, msgid);
    }
    if (t)
        return fleetgen_format(t, values, nvalues, out, len);
    return join_values(values, nvalues, out, len);
}
