/* check_files: saved .evtx files as EventSweep sources — the fixtures and the checks.
 * Native (Linux) program, linked with tests/e2e/csvcheck.c (the CSV reader and reporting it
 * shares with check_sweep.c), tests/fake/fleetgen.c and the portable core; built and run by
 * tests/e2e/t_files.sh.
 *
 *   check_files --make-fixtures DIR
 *       Writes the fixture tree (below) with event times relative to now, then reads every
 *       fixture back with the core's parser to prove it holds what the checks expect
 *       (PASS/FAIL fixtures-selftest). DIR/generated.txt keeps the generation time.
 *
 *   check_files --check --name TAG --fixtures DIR --winroot WINDIR --hours H
 *               --export ROWS.csv --status STATUS.csv
 *               [--server-rows OUT.csv --server-status OUT.csv] SOURCE...
 *       Checks the app's rows and status lines for the file SOURCEs it was given (Windows
 *       paths under WINDIR, the Windows name of DIR): every fixture event inside the window
 *       exactly once with Server = the file's base name, none outside, every column, the
 *       message formatted through this computer's publisher metadata (the fake's) or the data
 *       values; one status line per file. The lines of other sources (servers) are copied,
 *       byte for byte, to the --server-* files for check_sweep.
 *
 *   check_files --make-expected --fixtures DIR --winroot WINDIR --hours H --export ROWS.csv
 *               --status STATUS.csv SOURCE...
 *       Writes what a correct app would write for those sources (to test the checks).
 *
 *   check_files --samples --name TAG --winroot WINDIR --export ROWS.csv --status STATUS.csv
 *               NAME=EVTXCAT.csv...
 *       For every real sample NAME (a file in WINDIR): the app exported exactly the records
 *       `evtxcat FILE` prints (EVTXCAT.csv), the same rows apart from Received (and, for the
 *       providers the fake has local metadata for, Message/Level/Task), and its status line
 *       says ok with that many events.
 *
 * The fixture tree:
 *   logs/a1-apps.evtx        Service Control Manager (classic: (Qualifiers << 16) | EventID),
 *                            Legacy App (no metadata), an unknown provider, formula leads
 *   logs/b2-system.evtx      Kernel-General (manifest: versions 0/1/2), EventLog (manifest,
 *                            empty inserts, events without a message), UInt32 values
 *   logs/c3-damaged.evtx     one record's BinXML damaged: skipped, the others read
 *   logs/readme.txt          not a .evtx: ignored
 *   logs/sub/d4-nested.evtx  in a subfolder: ignored (folders are not recursive)
 *   single/e5-two-chunks.evtx  a file of two chunks, given as a file source
 *   bad/x.evtx               text, not an event log: error 1392
 *   bad/short.evtx           50 bytes: error 1392
 *   empty/notes.txt          a folder without .evtx: error 2 for the folder
 *   (missing.evtx, nodir)    never created: error 2 or 3 */
#include "../evtx/evtx_writer.h"
#include "csvcheck.h"
#include "es_buf.h"
#include "es_csv.h"
#include "es_event.h"
#include "es_evtx.h"
#include "es_export.h"
#include "es_time.h"
#include "es_utf.h"
#include "fleetgen.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static uint64_t now_ticks(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ES_UNIX_EPOCH_TICKS + (uint64_t)ts.tv_sec * ES_TICKS_PER_SEC + (uint64_t)ts.tv_nsec / 100;
}

/* ------------------------------------------------------------------ the fixture events */

#define SCM "Service Control Manager"
#define KG "Microsoft-Windows-Kernel-General"
#define EL "EventLog"
#define LEGACY "Legacy App"
#define UNKNOWN "Contoso-Sync-Agent"
#define SCM_GUID "{555908d1-a6d7-4695-8e1e-26931d2012f4}"
#define KG_GUID "{a68ca8b7-004f-d7b6-a698-07e2de0f1f5d}"
#define UNI "\xC3\x9Cn\xC3\xAF" "c\xC3\xB8" "d\xC3\xA9 \xE2\x82\xAC \xE6\x97\xA5\xE6\x9C\xAC"   /* Ünïcødé € 日本 */
#define EMOJI "\xF0\x9F\x98\x80"
#define MIN(h, m) ((h) * 60 + (m))
#define DAYS(d) ((d) * 1440)
#define T_U32 8   /* BinXML UInt32; 0 = string */

typedef struct fx_event {
    const char *file;          /* base name */
    int         chunk;         /* 0 or 1 */
    const char *provider, *guid;
    int         has_qual;
    uint16_t    qual;
    uint16_t    id;
    uint8_t     version, level, opcode;
    uint16_t    task;
    uint64_t    keywords;
    uint32_t    age_min;       /* minutes before the fixtures were written */
    const char *channel, *computer;
    int         nd;
    const char *name[6];       /* NULL: <Data> without a Name */
    const char *val[6];
    uint8_t     type[6];
    const char *message;       /* what the Message column must say (before the CSV formula guard) */
    int         damaged;       /* its BinXML is damaged in the file: never delivered */
} fx_event;

#define SCMQ(q) SCM, SCM_GUID, 1, q
#define KGNQ KG, KG_GUID, 0, 0
#define ELQ EL, NULL, 1, 32768
#define LGQ LEGACY, NULL, 1, 0

static const fx_event FX[] = {
    /* ---- logs/a1-apps.evtx: oldest first, as Windows writes them */
    {"a1-apps.evtx", 0, SCMQ(16384), 7036, 0, 4, 0, 0, 0x8080000000000000ull, DAYS(400), "System", "files-host1.example", 2,
     {"param1", "param2"}, {"Windows Time", "stopped"}, {0}, "The Windows Time service entered the stopped state.", 0},
    {"a1-apps.evtx", 0, LGQ, 1001, 0, 4, 0, 0, 0x80000000000000ull, MIN(25, 10), "Application", "files-host1.example", 1,
     {NULL}, {"old legacy value"}, {0}, "old legacy value", 0},
    {"a1-apps.evtx", 0, SCMQ(16384), 7036, 0, 4, 0, 0, 0x8080000000000000ull, MIN(8, 30), "System", "files-host1.example", 2,
     {"param1", "param2"}, {"Netlogon", "stopped"}, {0}, "The Netlogon service entered the stopped state.", 0},
    {"a1-apps.evtx", 0, LGQ, 1000, 0, 2, 0, 2, 0x80000000000000ull, MIN(7, 50), "Application", "files-host1.example", 3,
     {NULL, NULL, NULL}, {"=HYPERLINK(\"http://x.example\",\"click\")", "", "semi;colon"}, {0},
     "=HYPERLINK(\"http://x.example\",\"click\"); semi;colon", 0},
    {"a1-apps.evtx", 0, SCMQ(0), 7036, 0, 4, 0, 0, 0x8080000000000000ull, MIN(6, 40), "System", "files-host1.example", 2,
     {"param1", "param2"}, {"Print Spooler", "stopped"}, {0}, "Print Spooler; stopped", 0},   /* Qualifiers 0: not SCM's message id */
    {"a1-apps.evtx", 0, SCMQ(49152), 7034, 0, 2, 0, 0, 0x8080000000000000ull, MIN(4, 10), "System", "files-host1.example", 2,
     {"param1", "param2"}, {UNI " " EMOJI, "2"}, {0},
     "The " UNI " " EMOJI " service terminated unexpectedly.  It has done this 2 time(s).", 0},
    {"a1-apps.evtx", 0, SCMQ(49152), 7000, 0, 2, 0, 0, 0x8080000000000000ull, MIN(2, 10), "System", "files-host1.example", 2,
     {"param1", "param2"}, {"Remote Access, Dial-Up", "He said \"stop\""}, {0},
     "The Remote Access, Dial-Up service failed to start due to the following error: \r\nHe said \"stop\"", 0},
    {"a1-apps.evtx", 0, SCMQ(16384), 7040, 0, 4, 0, 0, 0x8080000000000000ull, MIN(0, 45), "System", "files-host1.example", 4,
     {"param1", "param2", "param3", "param4"}, {"Windows Update", "demand start", "disabled", "wuauserv"}, {0},
     "The start type of the Windows Update service was changed from demand start to disabled.", 0},
    {"a1-apps.evtx", 0, UNKNOWN, NULL, 0, 0, 42, 0, 3, 0, 0, 0x8000000000000000ull, MIN(0, 20), "Application", "files-host1.example", 2,
     {"Phase", "Detail"}, {"alpha", "beta, gamma"}, {0}, "alpha; beta, gamma", 0},
    {"a1-apps.evtx", 0, SCMQ(16384), 7036, 0, 4, 0, 0, 0x8080000000000000ull, MIN(0, 5), "System", "files-host1.example", 2,
     {"param1", "param2"}, {"Print Spooler", "running"}, {0}, "The Print Spooler service entered the running state.", 0},

    /* ---- logs/b2-system.evtx */
    {"b2-system.evtx", 0, KGNQ, 12, 1, 4, 0, 1, 0x8000000000000010ull, MIN(50, 0), "System", "files-host2.example", 1,
     {"StartTime"}, {"2030-05-01T06:00:00.0000000Z"}, {0}, "The operating system started at system time 2030-05-01T06:00:00.0000000Z.", 0},
    {"b2-system.evtx", 0, ELQ, 6006, 0, 4, 0, 0, 0x80000000000000ull, MIN(10, 0), "System", "files-host2.example", 0,
     {0}, {0}, {0}, "The Event log service was stopped.", 0},
    {"b2-system.evtx", 0, KGNQ, 1, 0, 4, 0, 5, 0x8000000000000010ull, MIN(7, 45), "System", "files-host2.example", 2,
     {"NewTime", "OldTime"}, {"2030-05-02T10:00:00.5000000Z", "2030-05-02T09:59:58.0000000Z"}, {0},
     "The system time was changed from 2030-05-02T09:59:58.0000000Z to 2030-05-02T10:00:00.5000000Z.", 0},   /* version 0 */
    {"b2-system.evtx", 0, KGNQ, 1, 1, 4, 0, 5, 0x8000000000000010ull, MIN(6, 20), "System", "files-host2.example", 2,
     {"NewTime", "OldTime"}, {"2030-05-02T11:00:00.0000000Z", "2030-05-02T11:00:03.0000000Z"}, {0},
     "2030-05-02T11:00:00.0000000Z; 2030-05-02T11:00:03.0000000Z", 0},   /* version 1 is not in the manifest */
    {"b2-system.evtx", 0, KGNQ, 12, 0, 4, 0, 1, 0x8000000000000010ull, MIN(5, 10), "System", "files-host2.example", 1,
     {"StartTime"}, {"2030-05-02T12:00:00.0000000Z"}, {0}, "The system started at 2030-05-02T12:00:00.0000000Z (an early version of this event).", 0},
    {"b2-system.evtx", 0, ELQ, 6013, 0, 4, 0, 0, 0x80000000000000ull, MIN(4, 50), "System", "files-host2.example", 5,
     {NULL, NULL, NULL, NULL, NULL}, {"", "", "", "", "86400"}, {0}, "The system uptime is 86400 seconds.", 0},
    {"b2-system.evtx", 0, ELQ, 6100, 0, 3, 0, 3, 0x80000000000000ull, MIN(3, 30), "System", "files-host2.example", 2,
     {NULL, NULL}, {"a,b", "tab\tinside"}, {0}, "a,b; tab\tinside", 0},   /* no message in the manifest */
    {"b2-system.evtx", 0, KGNQ, 16, 1, 0, 0, 7, 0x8000000000000010ull, MIN(2, 40), "System", "files-host2.example", 3,
     {"HiveName", "KeysUpdated", "DirtyPages"}, {"\\REGISTRY\\MACHINE\\SYSTEM", "17", "4"}, {0, T_U32, T_U32},
     "The access history in hive \\REGISTRY\\MACHINE\\SYSTEM was cleared updating 17 keys and creating 4 modified pages.", 0},
    {"b2-system.evtx", 0, ELQ, 6101, 0, 2, 0, 0, 0x80000000000000ull, MIN(1, 50), "System", "files-host2.example", 1,
     {NULL}, {"first line\r\nsecond line"}, {0}, "first line\r\nsecond line", 0},
    {"b2-system.evtx", 0, KGNQ, 99, 0, 4, 0, 0, 0x8000000000000010ull, MIN(1, 20), "System", "files-host2.example", 1,
     {"Reason"}, {"not in the manifest"}, {0}, "not in the manifest", 0},
    {"b2-system.evtx", 0, ELQ, 6005, 0, 4, 0, 0, 0x80000000000000ull, MIN(0, 55), "System", "files-host2.example", 0,
     {0}, {0}, {0}, "The Event log service was started.", 0},
    {"b2-system.evtx", 0, KGNQ, 13, 1, 4, 0, 2, 0x8000000000000010ull, MIN(0, 30), "System", "files-host2.example", 1,
     {"StopTime"}, {"2030-05-03T00:00:00.0000000Z"}, {0}, "The operating system is shutting down at system time 2030-05-03T00:00:00.0000000Z.", 0},
    {"b2-system.evtx", 0, KGNQ, 1, 2, 4, 0, 5, 0x8000000000000010ull, MIN(0, 10), "System", "files-host2.example", 2,
     {"NewTime", "OldTime"}, {"2030-05-03T01:00:00.0000000Z", "2030-05-03T01:00:07.0000000Z"}, {0},
     "The system time has changed to 2030-05-03T01:00:00.0000000Z from 2030-05-03T01:00:07.0000000Z.", 0},

    /* ---- logs/c3-damaged.evtx */
    {"c3-damaged.evtx", 0, ELQ, 6005, 0, 4, 0, 0, 0x80000000000000ull, MIN(11, 40), "System", "files-host3.example", 0,
     {0}, {0}, {0}, "The Event log service was started.", 0},
    {"c3-damaged.evtx", 0, SCMQ(16384), 7036, 0, 4, 0, 0, 0x8080000000000000ull, MIN(1, 30), "System", "files-host3.example", 2,
     {"param1", "param2"}, {"DHCP Client", "running"}, {0}, "The DHCP Client service entered the running state.", 0},
    {"c3-damaged.evtx", 0, LGQ, 1002, 0, 3, 0, 0, 0x80000000000000ull, MIN(1, 10), "Application", "files-host3.example", 1,
     {NULL}, {"the record before the damaged one"}, {0}, "the record before the damaged one", 0},
    {"c3-damaged.evtx", 0, LGQ, 1003, 0, 1, 0, 0, 0x80000000000000ull, MIN(0, 50), "Application", "files-host3.example", 1,
     {NULL}, {"DAMAGED RECORD"}, {0}, "DAMAGED RECORD", 1},
    {"c3-damaged.evtx", 0, SCMQ(16384), 7036, 0, 4, 0, 0, 0x8080000000000000ull, MIN(0, 40), "System", "files-host3.example", 2,
     {"param1", "param2"}, {"Netlogon", "running"}, {0}, "The Netlogon service entered the running state.", 0},
    {"c3-damaged.evtx", 0, LGQ, 1004, 0, 0, 0, 2, 0x80000000000000ull, MIN(0, 35), "Application", "files-host3.example", 2,
     {NULL, NULL}, {"+1 555 0100", "@SUM(1+1)"}, {0}, "+1 555 0100; @SUM(1+1)", 0},

    /* ---- logs/sub/d4-nested.evtx: must never be read */
    {"d4-nested.evtx", 0, SCMQ(16384), 7036, 0, 4, 0, 0, 0x8080000000000000ull, MIN(0, 15), "System", "files-host4.example", 2,
     {"param1", "param2"}, {"Nested", "running"}, {0}, "The Nested service entered the running state.", 0},

    /* ---- single/e5-two-chunks.evtx: chunk 0, then chunk 1 */
    {"e5-two-chunks.evtx", 0, SCMQ(16384), 7036, 0, 4, 0, 0, 0x8080000000000000ull, MIN(15, 0), "System", "files-host5.example", 2,
     {"param1", "param2"}, {"Volume Shadow Copy", "stopped"}, {0}, "The Volume Shadow Copy service entered the stopped state.", 0},
    {"e5-two-chunks.evtx", 0, KGNQ, 13, 1, 4, 0, 2, 0x8000000000000010ull, MIN(7, 40), "System", "files-host5.example", 1,
     {"StopTime"}, {"2030-06-01T00:00:00.0000000Z"}, {0}, "The operating system is shutting down at system time 2030-06-01T00:00:00.0000000Z.", 0},
    {"e5-two-chunks.evtx", 0, LGQ, 1000, 0, 2, 0, 0, 0x80000000000000ull, MIN(3, 0), "Application", "files-host5.example", 2,
     {NULL, NULL}, {"-5+3", "line feed only\nhere"}, {0}, "-5+3; line feed only\nhere", 0},
    {"e5-two-chunks.evtx", 1, SCMQ(16384), 7040, 0, 4, 0, 0, 0x8080000000000000ull, MIN(2, 0), "System", "files-host5.example", 4,
     {"param1", "param2", "param3", "param4"}, {"BITS", "auto start", "demand start", "BITS"}, {0},
     "The start type of the BITS service was changed from auto start to demand start.", 0},
    {"e5-two-chunks.evtx", 1, ELQ, 6013, 0, 4, 0, 0, 0x80000000000000ull, MIN(1, 0), "System", "files-host5.example", 5,
     {NULL, NULL, NULL, NULL, NULL}, {"", "", "", "", "3600"}, {0}, "The system uptime is 3600 seconds.", 0},
    {"e5-two-chunks.evtx", 1, UNKNOWN, NULL, 0, 0, 7, 1, 4, 0, 0, 0x8000000000000000ull, MIN(0, 3), "Application", "files-host5.example", 1,
     {"Text"}, {"<xml> & 'apostrophes'"}, {0}, "<xml> & 'apostrophes'", 0},
};
#define NFX (sizeof FX / sizeof FX[0])

typedef struct fx_file {
    const char *name;          /* base name */
    const char *rel;           /* path under DIR */
    int         read;          /* 1: a good (or damaged) log */
    uint32_t    error;         /* expected ErrorCode when it cannot be read (0: ok) */
} fx_file;

static const fx_file FILES[] = {
    {"a1-apps.evtx", "logs/a1-apps.evtx", 1, 0},
    {"b2-system.evtx", "logs/b2-system.evtx", 1, 0},
    {"c3-damaged.evtx", "logs/c3-damaged.evtx", 1, 0},
    {"d4-nested.evtx", "logs/sub/d4-nested.evtx", 1, 0},
    {"e5-two-chunks.evtx", "single/e5-two-chunks.evtx", 1, 0},
    {"x.evtx", "bad/x.evtx", 0, 1392},
    {"short.evtx", "bad/short.evtx", 0, 1392},
};
#define NFILES (sizeof FILES / sizeof FILES[0])

static uint64_t g_rid[NFX];    /* record ids, per file in table order from 1 */

static void assign_record_ids(void)
{
    for (size_t i = 0; i < NFX; i++) {
        uint64_t n = 0;
        for (size_t j = 0; j <= i; j++)
            n += strcmp(FX[j].file, FX[i].file) == 0;
        g_rid[i] = n;
    }
}

/* The fixture file of that base name, or NULL. */
static const fx_file *fixture_file(const char *name)
{
    for (size_t k = 0; k < NFILES; k++)
        if (!strcmp(FILES[k].name, name))
            return &FILES[k];
    return NULL;
}

/* The index in FX of record rid of that file, or NFX. */
static size_t fx_find(const char *file, uint64_t rid)
{
    for (size_t i = 0; i < NFX; i++)
        if (!strcmp(FX[i].file, file) && g_rid[i] == rid)
            return i;
    return NFX;
}

/* How many of the file's events are damaged (damaged = 1) or good (damaged = 0). */
static int fx_count(const char *file, int damaged)
{
    int n = 0;
    for (size_t i = 0; i < NFX; i++)
        n += !strcmp(FX[i].file, file) && FX[i].damaged == damaged;
    return n;
}

/* The event's FILETIME: whole minutes before the generation time, plus 123.4 µs so that both
 * truncation and rounding to milliseconds give the same text. */
static uint64_t fx_time(const fx_event *e, uint64_t gen)
{
    uint64_t base = gen - gen % ES_TICKS_PER_MS;
    return base - (uint64_t)e->age_min * 60ull * ES_TICKS_PER_SEC + 1234;
}

/* ------------------------------------------------------------------ writing .evtx */

typedef struct shape { char key[256]; uint32_t def; uint32_t id; } shape;
typedef struct writer { ew_chunk ch; shape shapes[32]; int nshapes; } writer;

static size_t utf16(const char *s, uint8_t *out, size_t cap_bytes)
{
    size_t n = strlen(s);
    size_t units = es_utf8_utf16_len(s, n);
    if (units * 2 > cap_bytes)
        return 0;
    uint16_t *tmp = malloc((units + 1) * sizeof *tmp);
    es_utf8_to_utf16(s, n, tmp, units + 1);
    for (size_t i = 0; i < units; i++) {
        out[2 * i] = (uint8_t)(tmp[i] & 0xFF);
        out[2 * i + 1] = (uint8_t)(tmp[i] >> 8);
    }
    free(tmp);
    return units * 2;
}

static void parse_guid(const char *s, uint8_t g[16])
{
    unsigned a, b, c, d[8];
    sscanf(s, "{%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x}", &a, &b, &c, &d[0], &d[1], &d[2], &d[3], &d[4], &d[5], &d[6], &d[7]);
    g[0] = (uint8_t)a; g[1] = (uint8_t)(a >> 8); g[2] = (uint8_t)(a >> 16); g[3] = (uint8_t)(a >> 24);
    g[4] = (uint8_t)b; g[5] = (uint8_t)(b >> 8);
    g[6] = (uint8_t)c; g[7] = (uint8_t)(c >> 8);
    for (int i = 0; i < 8; i++)
        g[8 + i] = (uint8_t)d[i];
}

/* One record like Windows writes it: a fragment header, then a template instance (the
 * definition inline the first time its shape appears in the chunk, a reference after that),
 * then the substitution values. Returns the record's offset in the chunk. */
static size_t put_event(writer *w, const fx_event *e, uint64_t rid, uint64_t ft)
{
    ew_chunk *ch = &w->ch;
    ew_rec r;
    ew_rec_begin(ch, &r, rid, ft);
    size_t start = r.start;
    char key[256];
    int kn = snprintf(key, sizeof key, "%d|%d", e->nd, e->nd ? 1 : 0);
    for (int i = 0; i < e->nd; i++)
        kn += snprintf(key + kn, sizeof key - (size_t)kn, "|%s:%u", e->name[i] ? e->name[i] : "-", e->type[i]);
    shape *sh = NULL;
    for (int i = 0; i < w->nshapes; i++)
        if (!strcmp(w->shapes[i].key, key))
            sh = &w->shapes[i];
    ew_frag(&r);
    if (sh) {
        ew_tmpl_ref(&r, sh->id, sh->def);
    } else {
        sh = &w->shapes[w->nshapes++];
        snprintf(sh->key, sizeof sh->key, "%s", key);
        sh->id = (uint32_t)w->nshapes;
        sh->def = ew_tmpl_begin(&r, sh->id);
        ew_frag(&r);
        ew_open(&r, "Event", 1);
        ew_attr(&r, "xmlns", 0);
        ew_text(&r, "http://schemas.microsoft.com/win/2004/08/events/event");
        ew_close_start(&r);
        ew_open(&r, "System", 0); ew_close_start(&r);
        ew_open(&r, "Provider", 1); ew_attr(&r, "Name", 1); ew_sub(&r, 0, 1, 1); ew_attr(&r, "Guid", 0); ew_sub(&r, 1, 0x0F, 1); ew_close_empty(&r);
        ew_open(&r, "EventID", 1); ew_attr(&r, "Qualifiers", 0); ew_sub(&r, 2, 6, 1); ew_close_start(&r); ew_sub(&r, 3, 6, 0); ew_end(&r);
        ew_open(&r, "Version", 0); ew_close_start(&r); ew_sub(&r, 4, 4, 0); ew_end(&r);
        ew_open(&r, "Level", 0); ew_close_start(&r); ew_sub(&r, 5, 4, 0); ew_end(&r);
        ew_open(&r, "Task", 0); ew_close_start(&r); ew_sub(&r, 6, 6, 0); ew_end(&r);
        ew_open(&r, "Opcode", 0); ew_close_start(&r); ew_sub(&r, 7, 4, 0); ew_end(&r);
        ew_open(&r, "Keywords", 0); ew_close_start(&r); ew_sub(&r, 8, 0x15, 0); ew_end(&r);
        ew_open(&r, "TimeCreated", 1); ew_attr(&r, "SystemTime", 0); ew_sub(&r, 9, 0x11, 1); ew_close_empty(&r);
        ew_open(&r, "EventRecordID", 0); ew_close_start(&r); ew_sub(&r, 10, 0x0A, 0); ew_end(&r);
        ew_open(&r, "Correlation", 1); ew_attr(&r, "ActivityID", 0); ew_sub(&r, 15, 0x0F, 1); ew_close_empty(&r);
        ew_open(&r, "Execution", 1); ew_attr(&r, "ProcessID", 1); ew_sub(&r, 11, 8, 0); ew_attr(&r, "ThreadID", 0); ew_sub(&r, 12, 8, 0); ew_close_empty(&r);
        ew_open(&r, "Channel", 0); ew_close_start(&r); ew_sub(&r, 13, 1, 0); ew_end(&r);
        ew_open(&r, "Computer", 0); ew_close_start(&r); ew_sub(&r, 14, 1, 0); ew_end(&r);
        ew_end(&r);   /* System */
        ew_open(&r, "EventData", 0); ew_close_start(&r);
        for (int i = 0; i < e->nd; i++) {
            if (e->name[i]) {
                ew_open(&r, "Data", 1); ew_attr(&r, "Name", 0); ew_text(&r, e->name[i]); ew_close_start(&r);
            } else {
                ew_open(&r, "Data", 0); ew_close_start(&r);
            }
            ew_sub(&r, (unsigned)(16 + i), e->type[i] ? e->type[i] : 1, 1);
            ew_end(&r);
        }
        ew_end(&r);   /* EventData */
        ew_end(&r);   /* Event */
        ew_eof(&r);
        ew_tmpl_end(&r);
    }
    static uint8_t sbuf[8][1024];
    uint8_t guid[16], dbuf[6][512];
    uint32_t u32[6];
    uint16_t qual = e->qual, id = e->id, task = e->task;
    uint8_t ver = e->version, lvl = e->level, op = e->opcode;
    uint64_t kw = e->keywords, ftv = ft, ridv = rid;
    uint32_t pid = 4242, tid = 77;
    ew_val v[32];
    size_t n = 0;
    v[n++] = (ew_val){1, sbuf[0], utf16(e->provider, sbuf[0], sizeof sbuf[0])};
    if (e->guid) {
        parse_guid(e->guid, guid);
        v[n++] = (ew_val){0x0F, guid, 16};
    } else {
        v[n++] = (ew_val){0, NULL, 0};
    }
    v[n++] = e->has_qual ? (ew_val){6, &qual, 2} : (ew_val){0, NULL, 0};
    v[n++] = (ew_val){6, &id, 2};
    v[n++] = (ew_val){4, &ver, 1};
    v[n++] = (ew_val){4, &lvl, 1};
    v[n++] = (ew_val){6, &task, 2};
    v[n++] = (ew_val){4, &op, 1};
    v[n++] = (ew_val){0x15, &kw, 8};
    v[n++] = (ew_val){0x11, &ftv, 8};
    v[n++] = (ew_val){0x0A, &ridv, 8};
    v[n++] = (ew_val){8, &pid, 4};
    v[n++] = (ew_val){8, &tid, 4};
    v[n++] = (ew_val){1, sbuf[1], utf16(e->channel, sbuf[1], sizeof sbuf[1])};
    v[n++] = (ew_val){1, sbuf[2], utf16(e->computer, sbuf[2], sizeof sbuf[2])};
    v[n++] = (ew_val){0, NULL, 0};   /* ActivityID: none */
    for (int i = 0; i < e->nd; i++) {
        if (e->type[i] == T_U32) {
            u32[i] = (uint32_t)strtoul(e->val[i], NULL, 10);
            v[n++] = (ew_val){T_U32, &u32[i], 4};
        } else {
            v[n++] = (ew_val){1, dbuf[i], utf16(e->val[i], dbuf[i], sizeof dbuf[i])};
        }
    }
    ew_values(&r, v, n);
    ew_rec_end(ch, &r);
    return start;
}

static int mkdirs(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0755) && errno != EEXIST)
                return 0;
            *p = '/';
        }
    }
    return mkdir(tmp, 0755) == 0 || errno == EEXIST;
}

static int write_bytes(const char *dir, const char *rel, const void *p, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char d[4096];
    snprintf(d, sizeof d, "%s", path);
    char *slash = strrchr(d, '/');
    if (slash) {
        *slash = 0;
        if (!mkdirs(d))
            return 0;
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    int ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

/* Writes one fixture log: its events in table order, chunk by chunk; damaged records get an
 * invalid BinXML token where their fragment header should be (after the chunk checksums
 * were computed, as a disk error would). */
static int write_log(const char *dir, const fx_file *ff, uint64_t gen)
{
    static writer w[2];
    int nchunks = 0;
    size_t damaged_at[8];
    int ndamaged[2] = {0, 0};
    for (int c = 0; c < 2; c++) {
        memset(&w[c], 0, sizeof w[c]);
        ew_chunk_init(&w[c].ch);
    }
    for (size_t i = 0; i < NFX; i++) {
        if (strcmp(FX[i].file, ff->name))
            continue;
        int c = FX[i].chunk;
        size_t at = put_event(&w[c], &FX[i], g_rid[i], fx_time(&FX[i], gen));
        if (FX[i].damaged && ndamaged[c] < 4)
            damaged_at[c * 4 + ndamaged[c]++] = at;
        if (c + 1 > nchunks)
            nchunks = c + 1;
    }
    static uint8_t file[ES_EVTX_FILE_HEADER_SIZE + 2 * ES_EVTX_CHUNK_SIZE];
    memset(file, 0, sizeof file);
    uint64_t next_id = 1;
    for (int c = 0; c < nchunks; c++) {
        ew_chunk_finish(&w[c].ch);
        for (int k = 0; k < ndamaged[c]; k++)
            w[c].ch.c[damaged_at[c * 4 + k] + 24] = 0xEE;   /* the first BinXML byte: not a token */
        memcpy(file + ES_EVTX_FILE_HEADER_SIZE + (size_t)c * ES_EVTX_CHUNK_SIZE, w[c].ch.c, ES_EVTX_CHUNK_SIZE);
        if (w[c].ch.last_id + 1 > next_id)
            next_id = w[c].ch.last_id + 1;
    }
    ew_file_header(file, (unsigned)nchunks, next_id);
    return write_bytes(dir, ff->rel, file, ES_EVTX_FILE_HEADER_SIZE + (size_t)nchunks * ES_EVTX_CHUNK_SIZE);
}

/* ---- reading a fixture back with the core parser (the self-test) ---- */

typedef struct readback {
    const char *file;
    int n, bad;
    char why[512];
} readback;

static int rb_record(void *ctx, const es_event *ev, const es_evtx_record *rec)
{
    readback *rb = ctx;
    rb->n++;
    size_t idx = fx_find(rb->file, ev->record_id);
    const fx_event *e = idx < NFX ? &FX[idx] : NULL;
    char why[400] = "";
    if (!e)
        snprintf(why, sizeof why, "record %" PRIu64 " is not a fixture event", ev->record_id);
    else if (e->damaged)
        snprintf(why, sizeof why, "record %" PRIu64 " should be damaged", ev->record_id);
    else if (strcmp(ev->provider ? ev->provider : "", e->provider) || ev->event_id != e->id || ev->version != e->version ||
             ev->level != e->level || ev->task != e->task || ev->qualifiers != (e->has_qual ? e->qual : 0) ||
             strcmp(ev->computer ? ev->computer : "", e->computer) || (int)ev->ndata != e->nd)
        snprintf(why, sizeof why, "record %" PRIu64 ": provider \"%s\" id %u v%u level %u task %u qual %u computer \"%s\" ndata %zu",
                 ev->record_id, ev->provider ? ev->provider : "(null)", ev->event_id, ev->version, ev->level, ev->task, ev->qualifiers,
                 ev->computer ? ev->computer : "(null)", ev->ndata);
    else {
        for (int i = 0; i < e->nd && !why[0]; i++)
            if (strcmp(ev->data[i].value, e->val[i]) || strcmp(ev->data[i].name, e->name[i] ? e->name[i] : ""))
                snprintf(why, sizeof why, "record %" PRIu64 " value %d: %s=\"%s\", wrote %s=\"%s\"", ev->record_id, i, ev->data[i].name,
                         ev->data[i].value, e->name[i] ? e->name[i] : "", e->val[i]);
    }
    /* the contract's message, computed from the fake's metadata, must be the one written here */
    if (!why[0]) {
        const char *vals[6];
        for (int i = 0; i < e->nd; i++)
            vals[i] = ev->data[i].value;
        char msg[2048];
        fleetgen_expected_file_message(ev->provider, ev->event_id, ev->version, ev->qualifiers, vals, e->nd, msg, sizeof msg);
        if (strcmp(msg, e->message))
            snprintf(why, sizeof why, "record %" PRIu64 ": fixture message \"%.150s\" but the fake's metadata gives \"%.150s\"", ev->record_id,
                     e->message, msg);
    }
    if (why[0] && !rb->bad++)
        snprintf(rb->why, sizeof rb->why, "%s", why);
    return 0;
}

static int selftest_file(const char *dir, const fx_file *ff, char *why, size_t whylen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, ff->rel);
    size_t len;
    char *data = slurp(path, &len);
    if (!data) {
        snprintf(why, whylen, "%s was not written", ff->rel);
        return 0;
    }
    es_evtx_file_info fi;
    int hdr = es_evtx_parse_file_header(data, len, &fi);
    int ok = 1;
    if (!ff->read) {
        if (hdr != ES_EVTX_HDR_SHORT && hdr != ES_EVTX_HDR_BAD_SIGNATURE) {
            snprintf(why, whylen, "%s: header result %d, expected short or bad signature", ff->rel, hdr);
            ok = 0;
        }
        free(data);
        return ok;
    }
    if (hdr != ES_EVTX_HDR_OK) {
        snprintf(why, whylen, "%s: header result %d", ff->rel, hdr);
        free(data);
        return 0;
    }
    es_evtx_parser *p = es_evtx_new(ES_EVTX_XML);
    readback rb = {ff->name, 0, 0, ""};
    for (size_t off = ES_EVTX_FILE_HEADER_SIZE; off < len; off += ES_EVTX_CHUNK_SIZE)
        es_evtx_feed_chunk(p, data + off, len - off < ES_EVTX_CHUNK_SIZE ? len - off : ES_EVTX_CHUNK_SIZE, rb_record, &rb);
    es_evtx_stats st = *es_evtx_get_stats(p);
    es_evtx_free(p);
    free(data);
    int want = fx_count(ff->name, 0), want_damaged = fx_count(ff->name, 1);
    if (rb.bad) {
        snprintf(why, whylen, "%s: %s", ff->rel, rb.why);
        ok = 0;
    } else if (rb.n != want || (want_damaged ? st.skipped_records + st.bad_chunks == 0 : st.skipped_records + st.bad_chunks != 0)) {
        snprintf(why, whylen, "%s: %d records read (want %d), %" PRIu64 " skipped, %" PRIu64 " bad chunks (want %s)", ff->rel, rb.n, want,
                 st.skipped_records, st.bad_chunks, want_damaged ? "some" : "none");
        ok = 0;
    }
    return ok;
}

static int make_fixtures(const char *dir)
{
    uint64_t gen = now_ticks();
    if (!mkdirs(dir)) {
        failf("fixtures", "cannot create %s", dir);
        return 1;
    }
    int ok = 1;
    for (size_t i = 0; i < NFILES; i++) {
        const fx_file *ff = &FILES[i];
        if (ff->read) {
            ok &= write_log(dir, ff, gen);
        } else if (!strcmp(ff->name, "x.evtx")) {
            es_buf b;
            es_buf_init(&b);
            while (b.len < 5000)
                es_buf_puts(&b, "This is not an event log, only text that ends in .evtx.\r\n");
            ok &= write_bytes(dir, ff->rel, b.data, b.len);
            es_buf_free(&b);
        } else {
            uint8_t s[50] = "ElfFile";   /* the right signature, but far too short */
            ok &= write_bytes(dir, ff->rel, s, sizeof s);
        }
    }
    ok &= write_bytes(dir, "logs/readme.txt", "not a log\r\n", 11);
    ok &= write_bytes(dir, "empty/notes.txt", "no logs here\r\n", 14);
    char t[64];
    int tn = snprintf(t, sizeof t, "%" PRIu64 "\n", gen);
    ok &= write_bytes(dir, "generated.txt", t, (size_t)tn);
    if (!ok) {
        failf("fixtures", "cannot write the fixtures under %s", dir);
        return 1;
    }
    int st_ok = 1;
    for (size_t i = 0; i < NFILES; i++) {
        char why[1024];
        if (!selftest_file(dir, &FILES[i], why, sizeof why)) {
            if (st_ok)
                failf("fixtures-selftest", "%s", why);
            else
                detail("%s", why);
            st_ok = 0;
        }
    }
    if (st_ok)
        pass("fixtures-selftest");
    return st_ok ? 0 : 1;
}

/* ------------------------------------------------------------------ Windows paths */

/* Case-insensitive comparison of Windows paths, '/' = '\', doubled separators as one. */
static int path_eq(const char *a, const char *b)
{
    for (;;) {
        while (*a == '\\' || *a == '/') {
            if (a[1] == '\\' || a[1] == '/') a++;
            else break;
        }
        while (*b == '\\' || *b == '/') {
            if (b[1] == '\\' || b[1] == '/') b++;
            else break;
        }
        char x = *a == '/' ? '\\' : (char)tolower((unsigned char)*a);
        char y = *b == '/' ? '\\' : (char)tolower((unsigned char)*b);
        if (x != y) {
            /* a trailing separator on one side only */
            if ((x == '\\' && !a[1] && !y) || (y == '\\' && !b[1] && !x))
                return 1;
            return 0;
        }
        if (!x)
            return 1;
        a++;
        b++;
    }
}

static int path_under(const char *path, const char *root)
{
    size_t n = strlen(root);
    if (strlen(path) < n)
        return 0;
    char *head = strndup(path, n);
    int r = path_eq(head, root) && (path[n] == '\\' || path[n] == '/' || !path[n]);
    free(head);
    return r;
}

static const char *base_name(const char *p)
{
    const char *b = p;
    for (const char *s = p; *s; s++)
        if (*s == '\\' || *s == '/')
            b = s + 1;
    return b;
}

/* ------------------------------------------------------------------ --check */

typedef enum { SRC_FILE_OK, SRC_FILE_ERROR, SRC_FOLDER_EMPTY, SRC_MISSING } src_kind;

typedef struct exp_src {
    char     win[4096];     /* the Windows path its status line must name */
    const fx_file *ff;      /* fixture file (NULL for folders and missing paths) */
    src_kind kind;
    int      folder_group;  /* > 0: the files of one folder source, in name order */
    int      status_rows;
    size_t   status_index;  /* position of its status line */
    uint64_t rows;          /* rows exported for it */
} exp_src;

#define MAX_SRC 256

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Appends the source whose status line names `win`: the fixture file `file` (SRC_FILE_OK or
 * SRC_FILE_ERROR, by whether it reads) or, when file is NULL, a path of that kind. NULL (and
 * FAIL sources) when the file is no fixture or there are too many. */
static exp_src *add_src(exp_src *src, size_t *nsrc, const char *win, const char *file, src_kind kind)
{
    if (*nsrc == MAX_SRC) {
        failf("sources", "more than %d sources", MAX_SRC);
        return NULL;
    }
    exp_src *s = &src[(*nsrc)++];
    snprintf(s->win, sizeof s->win, "%s", win);
    s->kind = kind;
    if (file && !(s->ff = fixture_file(file))) {
        failf("sources", "%s is not a fixture", win);
        return NULL;
    }
    if (file)
        s->kind = s->ff->read ? SRC_FILE_OK : SRC_FILE_ERROR;
    return s;
}

/* What the file SOURCEs (argv[first..]) should produce, from the fixture tree; NULL on failure. */
static exp_src *expand_sources(int argc, char **argv, int first_source, const char *dir, const char *winroot, size_t *nsrc_out,
                               uint64_t *gen_out)
{
    char path[4096];
    size_t glen;
    snprintf(path, sizeof path, "%s/generated.txt", dir);
    char *gtext = slurp(path, &glen);
    if (!gtext) {
        failf("fixtures", "%s is missing (run --make-fixtures first)", path);
        return NULL;
    }
    *gen_out = strtoull(gtext, NULL, 10);
    free(gtext);

    exp_src *src = calloc(MAX_SRC, sizeof *src);
    size_t nsrc = 0;
    int group = 0;
    for (int a = first_source; a < argc; a++) {
        const char *w = argv[a];
        if (!path_under(w, winroot)) {
            failf("sources", "source %s is not under %s", w, winroot);
            return NULL;
        }
        char local[4096];
        const char *rest = w + strlen(winroot);
        while (*rest == '\\' || *rest == '/')
            rest++;
        int n = snprintf(local, sizeof local, "%s/%s", dir, rest);
        for (int i = (int)strlen(dir); i < n; i++)
            if (local[i] == '\\')
                local[i] = '/';
        while (n > 0 && local[n - 1] == '/')
            local[--n] = 0;
        struct stat sb;
        if (stat(local, &sb) != 0) {
            if (!add_src(src, &nsrc, w, NULL, SRC_MISSING))
                return NULL;
            continue;
        }
        if (!S_ISDIR(sb.st_mode)) {
            if (!add_src(src, &nsrc, w, base_name(w), SRC_FILE_OK))
                return NULL;
            continue;
        }
        /* a folder: each of its *.evtx files (not in subfolders) a source, in name order */
        DIR *d = opendir(local);
        char *names[64];
        int nn = 0;
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL && nn < 64) {
            size_t l = strlen(de->d_name);
            char full[8192];
            snprintf(full, sizeof full, "%s/%s", local, de->d_name);
            struct stat fs;
            if (l > 5 && !strcasecmp(de->d_name + l - 5, ".evtx") && stat(full, &fs) == 0 && S_ISREG(fs.st_mode))
                names[nn++] = strdup(de->d_name);
        }
        if (d)
            closedir(d);
        qsort(names, (size_t)nn, sizeof *names, cmp_str);
        if (nn == 0 && !add_src(src, &nsrc, w, NULL, SRC_FOLDER_EMPTY))
            return NULL;
        group++;
        size_t wl = strlen(w);
        const char *sep = wl && (w[wl - 1] == '\\' || w[wl - 1] == '/') ? "" : "\\";
        for (int i = 0; i < nn; i++) {
            char win[8192];
            snprintf(win, sizeof win, "%s%s%s", w, sep, names[i]);
            exp_src *s = add_src(src, &nsrc, win, names[i], SRC_FILE_OK);
            if (!s)
                return NULL;
            s->folder_group = group;
            free(names[i]);
        }
    }
    *nsrc_out = nsrc;
    return src;
}

/* Column j of a file's row is `want` (or `alt`, the publisher's name, when there is one). */
static int column_ok(const csv_row *row, int j, const char *file, uint64_t rid, const char *want, const char *alt)
{
    if (!strcmp(row->f[j], want) || (alt && !strcmp(row->f[j], alt)))
        return 1;
    int other = alt && strcmp(alt, want);
    detail("rows line %zu: %s record %" PRIu64 " %s \"%s\", expected \"%s\"%s%s%s", row->line, file, rid, ROW_HEADER[j], row->f[j], want,
           other ? " or \"" : "", other ? alt : "", other ? "\"" : "");
    return 0;
}

static int run_check(int argc, char **argv, int first_source, const char *dir, const char *winroot, unsigned hours,
                     const char *export_path, const char *status_path, const char *srows_out, const char *sstatus_out)
{
    size_t nsrc;
    uint64_t gen;
    exp_src *src = expand_sources(argc, argv, first_source, dir, winroot, &nsrc, &gen);
    if (!src)
        return 1;

    /* ---- the rows */
    csv *c = csv_load(export_path, "export-format", NULL, ROW_HEADER, ROW_COLS);
    if (!c)
        return 1;
    csv_out split;   /* the servers' rows and status lines, for check_sweep */
    csv_out_init(&split);
    es_buf tmp, tmp2;
    es_buf_init(&tmp);
    es_buf_init(&tmp2);
    int *seen = calloc(NFX, sizeof *seen);
    size_t nfile_rows = 0, nserver_rows = 0, bad_fields = 0, foreign = 0, unknown_rec = 0, bad_cols = 0, bad_msgs = 0, bad_times = 0,
           outside = 0;
    uint64_t run_now = now_ticks();
    for (size_t r = 1; r < c->nrows; r++) {
        csv_row *row = &c->rows[r];
        if (!csv_row_cols(row, ROW_COLS, "rows line", &bad_fields))
            continue;
        /* a fixture file's row? (by base name; other rows are the servers') */
        const fx_file *ff = fixture_file(row->f[0]);
        if (!ff) {
            es_buf_append(&split.rows, c->text + row->start, row->end - row->start);
            nserver_rows++;
            continue;
        }
        nfile_rows++;
        exp_src *s = NULL;
        for (size_t k = 0; k < nsrc; k++)
            if (src[k].ff == ff)
                s = &src[k];
        if (!s || s->kind != SRC_FILE_OK) {
            if (foreign++ < 5)
                detail("rows line %zu: a row for %s, which this run must not read", row->line, row->f[0]);
            continue;
        }
        s->rows++;
        char *end;
        uint64_t rid = strtoull(row->f[6], &end, 10);
        size_t idx = *end ? NFX : fx_find(ff->name, rid);
        if (idx == NFX || FX[idx].damaged) {
            if (unknown_rec++ < 5)
                detail("rows line %zu: %s RecordID \"%s\" is %s", row->line, ff->name, row->f[6],
                       idx == NFX ? "not in the file" : "the damaged record");
            continue;
        }
        const fx_event *e = &FX[idx];
        seen[idx]++;
        if (hours && e->age_min >= hours * 60u) {
            if (outside++ < 5)
                detail("rows line %zu: %s record %" PRIu64 " is %u minutes old, outside the %u-hour window", row->line, ff->name, rid,
                       e->age_min, hours);
        }
        /* columns: Level and Task may be the publisher's names or EventSweep's fallbacks */
        char id[16], task_fb[32];
        snprintf(id, sizeof id, "%u", e->id);
        int prov = fleetgen_provider_by_name(e->provider);
        const char *lv_pub = prov >= 0 ? fleetgen_level_name(prov, e->level) : NULL;
        const char *tk_pub = prov >= 0 ? fleetgen_task_name(prov, e->task) : NULL;
        int col_ok = column_ok(row, 2, ff->name, rid, es_level_name(e->level), lv_pub);
        col_ok &= column_ok(row, 3, ff->name, rid, as_field(e->provider, &tmp), NULL);
        col_ok &= column_ok(row, 4, ff->name, rid, id, NULL);
        col_ok &= column_ok(row, 5, ff->name, rid, es_task_fallback(e->task, task_fb, sizeof task_fb), tk_pub);
        col_ok &= column_ok(row, 7, ff->name, rid, e->computer, NULL);
        col_ok &= column_ok(row, 10, ff->name, rid, e->channel, NULL);   /* Log: the event's own channel */
        bad_cols += !col_ok;
        const char *wm = as_field(e->message, &tmp2);
        if (strcmp(row->f[8], wm)) {
            if (bad_msgs++ < 12)
                detail("rows line %zu: %s record %" PRIu64 " (%s %u v%u) Message is \"%.120s\", expected \"%.120s\"", row->line, ff->name,
                       rid, e->provider, e->id, e->version, row->f[8], wm);
        }
        char want_t[ES_ISO8601_LEN];
        es_time_iso8601(fx_time(e, gen), want_t);
        uint64_t rc;
        if (strcmp(row->f[1], want_t) || !es_time_parse_iso8601(row->f[9], &rc) || rc + 600 * ES_TICKS_PER_SEC < gen ||
            rc > run_now + 60 * ES_TICKS_PER_SEC) {
            if (bad_times++ < 5)
                detail("rows line %zu: %s record %" PRIu64 " TimeCreated \"%s\" (expected \"%s\"), Received \"%s\"", row->line, ff->name, rid,
                       row->f[1], want_t, row->f[9]);
        }
        csv_row_formula(row, "rows line", &bad_fields);
    }
    verdict("export-fields", bad_fields, "%zu bad rows or fields (see above)", bad_fields);
    verdict("export-only-read-files", foreign, "%zu rows of files that must not be read (subfolder, bad files)", foreign);
    verdict("export-records-known", unknown_rec, "%zu rows that are no good record of their file", unknown_rec);
    verdict("export-columns", bad_cols, "%zu rows with a wrong Level/Source/EventID/Task/Computer", bad_cols);
    verdict("export-messages", bad_msgs, "%zu wrong messages of %zu file rows", bad_msgs, nfile_rows);
    verdict("export-times", bad_times, "%zu rows with wrong times", bad_times);
    verdict("export-window", outside, "%zu rows older than the %u-hour window", outside, hours);

    /* every event inside the window exactly once; the ones outside never (checked above) */
    size_t missing = 0, dups = 0, expected = 0;
    for (size_t i = 0; i < NFX; i++) {
        const exp_src *s = NULL;
        for (size_t k = 0; k < nsrc; k++)
            if (src[k].ff && !strcmp(src[k].ff->name, FX[i].file) && src[k].kind == SRC_FILE_OK)
                s = &src[k];
        int want = s && !FX[i].damaged && (hours == 0 || FX[i].age_min < hours * 60u);
        expected += (size_t)want;
        if (want && seen[i] == 0) {
            if (missing++ < 10)
                detail("missing: %s record %" PRIu64 " (%s %u, %u minutes old)", FX[i].file, g_rid[i], FX[i].provider, FX[i].id,
                       FX[i].age_min);
        }
        if (seen[i] > 1) {
            if (dups++ < 5)
                detail("%s record %" PRIu64 " exported %d times", FX[i].file, g_rid[i], seen[i]);
        }
    }
    verdict("export-no-duplicates", dups, "%zu records exported more than once", dups);
    verdict("export-complete", missing, "%zu of %zu window events missing", missing, expected);
    printf("     %s: %zu file rows (%zu expected), %zu other rows\n", g_tag, nfile_rows, expected, nserver_rows);

    /* ---- the status lines */
    csv *sc = csv_load(status_path, "status-format", NULL, STATUS_HEADER, STATUS_COLS);
    if (!sc)
        return 1;
    size_t bad_status = 0, unexpected = 0;
    for (size_t r = 1; r < sc->nrows; r++) {
        const csv_row *row = &sc->rows[r];
        status_line st;
        if (!status_parse(row, &st)) {
            bad_status++;
            continue;
        }
        exp_src *s = NULL;
        for (size_t k = 0; k < nsrc; k++)
            if (path_eq(st.source, src[k].win))
                s = &src[k];
        if (!s) {
            if (path_under(st.source, winroot)) {
                unexpected++;
                detail("status line %zu: \"%s\" is not a source of its own (a folder of files, or a file that must not be read)",
                       row->line, st.source);
            } else {
                es_buf_append(&split.status, sc->text + row->start, row->end - row->start);   /* a server's */
            }
            continue;
        }
        s->status_rows++;
        s->status_index = r;
        char want[160];
        int ok = st.seconds_ok && st.code_ok && !st.coverage[0];   /* saved logs: no coverage */
        if (s->kind == SRC_FILE_OK) {
            /* ok, the rows exported; no error text, or "N damaged records skipped" when the file has some */
            int damaged = fx_count(s->ff->name, 1);
            unsigned long nd = 0;
            char tail[64] = "", canon[96];
            int m = sscanf(st.error, "%lu damaged records skipped%63s", &nd, tail);
            snprintf(canon, sizeof canon, "%lu damaged records skipped", nd);
            int err_ok = damaged ? m == 1 && nd > 0 && !strcmp(st.error, canon) : !st.error[0];
            ok = ok && !strcmp(st.state, "ok") && st.code == 0 && err_ok && st.events == s->rows;
            snprintf(want, sizeof want, "ok, %" PRIu64 " events, 0, %s", s->rows,
                     damaged ? "\"N damaged records skipped\" (N > 0)" : "no error text");
        } else {
            /* error, no events, an error text; the code: the bad file's, 2 for a folder
             * without .evtx, 2 or 3 for a missing path */
            unsigned long c1 = s->kind == SRC_FILE_ERROR ? s->ff->error : 2, c2 = s->kind == SRC_MISSING ? 3 : c1;
            ok = ok && !strcmp(st.state, "error") && (st.code == c1 || st.code == c2) && st.error[0] && st.events == 0;
            snprintf(want, sizeof want, "error, 0 events, %lu%s, an error text", c1,
                     c2 != c1 ? " or 3" : s->kind == SRC_FOLDER_EMPTY ? " (no .evtx in the folder)" : "");
        }
        if (!ok) {
            bad_status++;
            detail("status %s: %s,%s,%s,\"%s\",%s,\"%s\"; expected %s (and no Coverage)", st.source, st.state, row->f[2], row->f[3],
                   st.error, st.seconds_text, st.coverage, want);
        }
    }
    for (size_t k = 0; k < nsrc; k++)
        if (src[k].status_rows != 1) {
            bad_status++;
            detail("status: %s has %d lines, expected 1", src[k].win, src[k].status_rows);
        }
    verdict("status-per-file", bad_status, "%zu wrong or missing status lines", bad_status);
    verdict("status-no-extra-lines", unexpected, "%zu status lines for paths that are no source", unexpected);
    /* a folder's files are sources in name order */
    size_t order_bad = 0;
    for (size_t k = 1; k < nsrc; k++)
        if (src[k].folder_group && src[k].folder_group == src[k - 1].folder_group && src[k].status_rows == 1 &&
            src[k - 1].status_rows == 1 && src[k].status_index < src[k - 1].status_index) {
            order_bad++;
            detail("status: %s is listed before %s", src[k].win, src[k - 1].win);
        }
    verdict("status-folder-name-order", order_bad, "a folder's files are not in name order");

    if (srows_out && sstatus_out && !csv_out_write(&split, srows_out, sstatus_out))
        failf("split", "cannot write %s / %s", srows_out, sstatus_out);
    return g_fail ? 1 : 0;
}

/* ------------------------------------------------------------------ --samples */

typedef struct srow { char *key; char *rid; } srow;
typedef struct sample {
    char   name[512];
    srow  *app, *ref;
    size_t napp, nref, capapp, capref;
    int    status_rows;
    char   status[512];
} sample;

static int cmp_srow(const void *a, const void *b) { return strcmp(((const srow *)a)->key, ((const srow *)b)->key); }

/* The row without Received (Log included: the app's and evtxcat's must agree); for providers the fake formats locally, without Message, Level
 * and Task either (the app formats them, evtxcat cannot). */
static char *row_key(const csv_row *row)
{
    es_buf k;
    es_buf_init(&k);
    int prov = fleetgen_provider_by_name(row->f[3]);
    int local = prov >= 0 && fleetgen_provider_has_metadata(prov);
    for (int j = 0; j < ROW_COLS; j++) {
        if (j == 9)
            continue;   /* Received */
        if (local && (j == 2 || j == 5 || j == 8))
            es_buf_puts(&k, "(local)");
        else
            es_csv_field(&k, row->f[j]);
        es_buf_putc(&k, j < ROW_COLS - 1 ? ',' : 0);
    }
    return k.data;
}

static void add_srow(srow **v, size_t *n, size_t *cap, const csv_row *row)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *v = realloc(*v, *cap * sizeof **v);
    }
    (*v)[*n].key = row_key(row);
    (*v)[*n].rid = strdup(row->f[6]);
    (*n)++;
}

static size_t distinct_rids(srow *v, size_t n)
{
    char **ids = malloc((n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = v[i].rid;
    qsort(ids, n, sizeof *ids, cmp_str);
    size_t d = 0;
    for (size_t i = 0; i < n; i++)
        d += i == 0 || strcmp(ids[i], ids[i - 1]);
    free(ids);
    return d;
}

static int run_samples(int argc, char **argv, int first, const char *winroot, const char *export_path, const char *status_path)
{
    sample *sv = calloc((size_t)(argc - first + 1), sizeof *sv);
    int ns = 0;
    for (int a = first; a < argc; a++) {
        const char *eq = strchr(argv[a], '=');
        if (!eq) {
            failf("usage", "expected NAME=EVTXCAT.csv, got %s", argv[a]);
            return 1;
        }
        sample *s = &sv[ns++];
        snprintf(s->name, sizeof s->name, "%.*s", (int)(eq - argv[a]), argv[a]);
        size_t len;
        char *text = slurp(eq + 1, &len);
        csv c;
        if (!text || !csv_parse(text, len, &c) || !csv_header_ok(&c, ROW_HEADER, ROW_COLS)) {
            failf("reference", "%s: cannot read evtxcat's output %s", s->name, eq + 1);
            return 1;
        }
        for (size_t r = 1; r < c.nrows; r++)
            if (c.rows[r].n == ROW_COLS)
                add_srow(&s->ref, &s->nref, &s->capref, &c.rows[r]);
        free(text);
    }
    csv *c = csv_load(export_path, "export-format", NULL, ROW_HEADER, ROW_COLS);
    if (!c)
        return 1;
    size_t other = 0;
    for (size_t r = 1; r < c->nrows; r++) {
        csv_row *row = &c->rows[r];
        sample *s = NULL;
        for (int i = 0; i < ns && row->n == ROW_COLS; i++)
            if (!strcmp(sv[i].name, row->f[0]))
                s = &sv[i];
        if (!s) {
            if (other++ < 5)
                detail("rows line %zu: Server \"%s\" is none of the samples", row->line, row->n ? row->f[0] : "");
            continue;
        }
        add_srow(&s->app, &s->napp, &s->capapp, row);
    }
    verdict("export-only-samples", other, "%zu rows of no sample file", other);
    csv *sc = csv_load(status_path, "status-format", NULL, STATUS_HEADER, STATUS_COLS);
    if (sc)
        for (size_t r = 1; r < sc->nrows; r++) {
            csv_row *row = &sc->rows[r];
            if (row->n != STATUS_COLS)
                continue;
            for (int i = 0; i < ns; i++) {
                char win[4096];
                snprintf(win, sizeof win, "%s\\%s", winroot, sv[i].name);
                if (path_eq(row->f[0], win)) {
                    sv[i].status_rows++;
                    snprintf(sv[i].status, sizeof sv[i].status, "%s,%s,%s,\"%s\"", row->f[1], row->f[2], row->f[3], row->f[4]);
                    unsigned long long ev = strtoull(row->f[2], NULL, 10);
                    int damaged_text = strstr(row->f[4], " damaged records skipped") != NULL;
                    if (strcmp(row->f[1], "ok") || strcmp(row->f[3], "0") || ev != sv[i].napp || (row->f[4][0] && !damaged_text) ||
                        row->f[6][0])   /* saved logs: no Coverage */
                        sv[i].status_rows += 100;   /* wrong */
                }
            }
        }
    for (int i = 0; i < ns; i++) {
        sample *s = &sv[i];
        size_t da = distinct_rids(s->app, s->napp), dr = distinct_rids(s->ref, s->nref);
        if (s->napp == s->nref && da == dr)
            printf("PASS %s-count %s: %zu records (%zu distinct ids), as evtxcat\n", g_tag, s->name, s->napp, da);
        else
            failf("count", "%s: the app exported %zu records (%zu distinct RecordIDs), evtxcat %zu (%zu distinct)", s->name, s->napp, da,
                  s->nref, dr);
        qsort(s->app, s->napp, sizeof *s->app, cmp_srow);
        qsort(s->ref, s->nref, sizeof *s->ref, cmp_srow);
        size_t ia = 0, ir = 0, diff = 0;
        while (ia < s->napp || ir < s->nref) {
            int cmpv = ia == s->napp ? 1 : ir == s->nref ? -1 : strcmp(s->app[ia].key, s->ref[ir].key);
            if (cmpv == 0) {
                ia++;
                ir++;
                continue;
            }
            if (diff++ < 3)
                detail("%s: only %s: %.300s", s->name, cmpv < 0 ? "the app has" : "evtxcat has", cmpv < 0 ? s->app[ia].key : s->ref[ir].key);
            if (cmpv < 0)
                ia++;
            else
                ir++;
        }
        if (!diff)
            printf("PASS %s-rows %s: every row as evtxcat prints it (Received aside)\n", g_tag, s->name);
        else
            failf("rows", "%s: %zu rows differ from evtxcat's", s->name, diff);
        if (s->status_rows == 1)
            printf("PASS %s-status %s: %s\n", g_tag, s->name, s->status);
        else
            failf("status", "%s: %s (expected one line: ok,%zu,0 and no error text or \"N damaged records skipped\")", s->name,
                  s->status_rows ? s->status : "no status line", s->napp);
    }
    return g_fail ? 1 : 0;
}

/* ------------------------------------------------------------------ --make-expected */

/* Writes the rows and status lines a correct app writes for the file SOURCEs (through the
 * core's own exporter), to test the checks without the app. */
static int make_expected(int argc, char **argv, int first_source, const char *dir, const char *winroot, unsigned hours,
                         const char *export_path, const char *status_path)
{
    size_t nsrc;
    uint64_t gen;
    exp_src *src = expand_sources(argc, argv, first_source, dir, winroot, &nsrc, &gen);
    if (!src)
        return 1;
    csv_out out;
    csv_out_init(&out);
    uint64_t now = now_ticks();
    for (size_t k = 0; k < nsrc; k++) {
        exp_src *s = &src[k];
        uint64_t count = 0;
        int damaged = 0;
        for (size_t i = 0; s->kind == SRC_FILE_OK && i < NFX; i++) {
            const fx_event *e = &FX[i];
            if (strcmp(e->file, s->ff->name))
                continue;
            if (e->damaged) {
                damaged++;
                continue;
            }
            if (hours && e->age_min >= hours * 60u)
                continue;
            char task[32];
            es_row r = {0};
            r.time_created = fx_time(e, gen);
            r.received = now;
            r.record_id = g_rid[i];
            r.event_id = e->id;
            r.task = e->task;
            r.level = e->level;
            r.provider = e->provider;
            r.computer = e->computer;
            r.level_text = es_level_name(e->level);
            r.task_text = es_task_fallback(e->task, task, sizeof task);
            r.message = e->message;
            es_export_row(&out.rows, s->ff->name, e->channel, &r);
            count++;
        }
        char text[64] = "";
        uint32_t code = 0;
        if (s->kind == SRC_FILE_OK && damaged)
            snprintf(text, sizeof text, "%d damaged records skipped", damaged);
        else if (s->kind == SRC_FILE_ERROR)
            code = s->ff->error, snprintf(text, sizeof text, "The file or directory is corrupted and unreadable.");
        else if (s->kind == SRC_FOLDER_EMPTY || s->kind == SRC_MISSING)
            code = 2, snprintf(text, sizeof text, "The system cannot find the file specified.");
        es_source_status ss = {s->win, code ? ES_STATE_FAILED : ES_STATE_DONE, count, code, text, 0.25, NULL};
        es_export_status_row(&out.status, &ss);
    }
    return csv_out_write(&out, export_path, status_path) ? 0 : 1;
}

/* ------------------------------------------------------------------ main */

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    g_tag = "files";
    g_details_max = 40;
    assign_record_ids();
    const char *fixtures = NULL, *winroot = NULL, *export_path = NULL, *status_path = NULL, *srows = NULL, *sstat = NULL;
    unsigned hours = 8;
    int mode = 0, i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--make-fixtures") && v) { mode = 'm'; fixtures = v; i++; continue; }
        if (!strcmp(a, "--check")) { mode = 'c'; continue; }
        if (!strcmp(a, "--samples")) { mode = 's'; continue; }
        if (!strcmp(a, "--make-expected")) { mode = 'e'; continue; }
        if (a[0] != '-' || a[1] != '-')
            break;
        if (!v) { fprintf(stderr, "check_files: %s needs a value\n", a); return 2; }
        if (!strcmp(a, "--name")) g_tag = v;
        else if (!strcmp(a, "--fixtures")) fixtures = v;
        else if (!strcmp(a, "--winroot")) winroot = v;
        else if (!strcmp(a, "--hours")) hours = (unsigned)atoi(v);
        else if (!strcmp(a, "--export")) export_path = v;
        else if (!strcmp(a, "--status")) status_path = v;
        else if (!strcmp(a, "--server-rows")) srows = v;
        else if (!strcmp(a, "--server-status")) sstat = v;
        else { fprintf(stderr, "check_files: unknown option %s\n", a); return 2; }
        i++;
    }
    if (mode == 'm')
        return make_fixtures(fixtures);
    if (mode == 'c' && fixtures && winroot && export_path && status_path)
        return run_check(argc, argv, i, fixtures, winroot, hours, export_path, status_path, srows, sstat);
    if (mode == 'e' && fixtures && winroot && export_path && status_path)
        return make_expected(argc, argv, i, fixtures, winroot, hours, export_path, status_path);
    if (mode == 's' && winroot && export_path && status_path)
        return run_samples(argc, argv, i, winroot, export_path, status_path);
    fprintf(stderr, "usage: check_files --make-fixtures DIR\n"
                    "       check_files --check --name TAG --fixtures DIR --winroot WINDIR --hours H --export ROWS --status STATUS\n"
                    "                   [--server-rows OUT --server-status OUT] SOURCE...\n"
                    "       check_files --make-expected (the --check options but --server-*) SOURCE...\n"
                    "       check_files --samples --name TAG --winroot WINDIR --export ROWS --status STATUS NAME=EVTXCAT.csv...\n");
    return 2;
}
