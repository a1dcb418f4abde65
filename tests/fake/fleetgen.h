/* fleetgen: the SIMULATED FLEET's deterministic event generator and fleet-file parser.
 *
 * Test-only. Portable C (no windows.h): the fake wevtapi.dll (tests/fake/wevtapi.c) serves
 * these events, and native checkers (tests/e2e/check_sweep.c) link the same file to recompute
 * exactly which records a window selects and what every column should say.
 * The fleet file format is described in tests/fake/README.
 *
 * Strings are UTF-8. */
#ifndef FLEETGEN_H
#define FLEETGEN_H

#include <stddef.h>
#include <stdint.h>

/* ---- the fleet file ---- */

#define FLEET_NAME_MAX     128
#define FLEET_CHANNELS_MAX 512

typedef struct fleet_server {
    char     name[FLEET_NAME_MAX];      /* as written in the file; matched case-insensitively */
    uint32_t latency_ms;        /* cost of EvtQuery (the connect); default 50 */
    uint32_t next_latency_ms;   /* cost of each EvtNext call; default 0 */
    uint64_t events;            /* records in each channel; default 2000 */
    uint32_t span_hours;        /* events spread over the last span hours; default 48 */
    uint32_t seed;              /* default 1 */
    int      deny;              /* EvtQuery: ERROR_ACCESS_DENIED (5) */
    int      down;              /* EvtQuery: RPC_S_SERVER_UNAVAILABLE (1722) after the latency */
    uint64_t break_after;       /* > 0: after that many events EvtNext fails RPC_S_CALL_FAILED (1726) */
    int      nochannel;         /* only the channels in `channels` exist */
    char     channels[FLEET_CHANNELS_MAX]; /* comma-separated; "" = the default set */
    int      hang;              /* EvtNext blocks (after hang_after events) until cancelled */
    uint64_t hang_after;
    int      hangquery;         /* EvtQuery blocks until cancelled */
    int      nofilter;          /* the server ignores the time filter (client must filter) */
    int      stuck;             /* EvtNext (after stuck_after events) never returns, EvtCancel or not:
                                   a server that vanished without a reset, or a driver that
                                   ignores cancellation */
    uint64_t stuck_after;
    int      stuckformat;       /* EvtFormatMessage of an event past the first stuckformat_after of
                                   its result set never returns, EvtCancel or not */
    uint64_t stuckformat_after;
    int      clock_load;        /* event times are anchored at the DLL's load, not at each EvtQuery */
    uint32_t edge_hours;        /* > 0: the records lie around the edge_hours boundary (fleet_spread) */
    uint32_t step_ms;           /* edge: the records are step_ms apart; default 1000 */
    int      collector;         /* a Windows Event Forwarding collector: the events' publishers are
                                   not installed on it (EvtOpenPublisherMetadata fails 2), and its
                                   ForwardedEvents carry RenderingInfo (messages rendered at the
                                   source), which EvtFormatMessage(NULL, event, ...) uses */
    char     account[128];      /* "": anyone may read; else the only account it accepts (DOMAIN\name,
                                   any case): the user's own logon gets 5, another name or password 1326 */
    char     password[128];
    uint32_t lockout;           /* > 0: after that many wrong passwords for its account (in this
                                   process, on any server), the account is locked out: 1909 */
    uint32_t flaky;             /* > 0: only its first `flaky` EvtQuery calls meet deny, down, break,
                                   hang, hangquery and stuck; later ones find a healthy server */
    uint64_t first;             /* the log's oldest record (default 1): records 1..first-1 are gone,
                                   no query returns them (EvtGetLogInfo: EvtLogOldestRecordNumber) */
    int      full;              /* the log is full (EvtLogFull): what is gone was overwritten; without
                                   it a log whose first > 1 was cleared */
    int      hanglog;           /* EvtOpenLog blocks until EvtCancel of its session */
    /* A live server (README "Live servers"); times in 100-ns ticks after the DLL's load */
    uint32_t rate;              /* > 0: new records per second after the load (implies clock=load) */
    int      has_drop;          /* dropafter= given: the server is away from drop_at on ... */
    uint64_t drop_at;
    uint64_t down_for;          /* ... for that long (0: for good) */
    int      has_clear;         /* clearat= given: the log is cleared at clear_at */
    uint64_t clear_at;
    uint64_t maxrecords;        /* > 0: the log keeps only its newest maxrecords records */
} fleet_server;

#define FLEET_DEFAULT_CHANNELS "System,Application,Setup,Security,ForwardedEvents"

void fleet_server_defaults(fleet_server *s);
/* Parses one line. Returns 1 for a server, 0 for a blank/comment line, -1 on a syntax error
 * (err gets a sentence). */
int  fleet_parse_line(const char *line, fleet_server *out, char *err, size_t err_len);
/* Parses a whole file's text (LF or CRLF; UTF-8, optional BOM). Returns the number of servers
 * (stored in *out, malloc'ed; free() it), or -1 on error (err says which line). */
int  fleet_parse_text(const char *text, size_t len, fleet_server **out, char *err, size_t err_len);
/* Case-insensitive lookup; NULL when absent. */
const fleet_server *fleet_find(const fleet_server *v, int n, const char *name);
/* 1 when the server has channel `ch` (case-insensitive). */
int  fleet_has_channel(const fleet_server *s, const char *ch);

/* ---- live servers: the log as it is t ticks (100 ns) after the DLL's load ----
 * Records 1..events exist at the load (their times: the load minus fleetgen_age_ms). With
 * rate=N, record events+j is written floor(j * 10^7 / N) ticks after the load; its content is
 * fleetgen_event(k) like any other record's. A clear (clearat) removes every record written up to
 * its moment; maxrecords keeps only the newest records; record numbers always go on (a clear does
 * not restart them). */
#define FLEET_TICKS_PER_SEC 10000000ull

/* The newest record written by t (events when rate is 0). */
uint64_t fleet_newest(const fleet_server *s, uint64_t t);
/* The oldest record still in the log at t (newest + 1 when the log is empty): the largest of
 * first=, the first record after a clear that has happened, and newest - maxrecords + 1. */
uint64_t fleet_oldest(const fleet_server *s, uint64_t t);
/* 1 when records were overwritten (maxrecords) since the last clear, or the line says `full`. */
int      fleet_log_full(const fleet_server *s, uint64_t t);
/* 1 while the server is away (dropafter/downfor). */
int      fleet_is_down(const fleet_server *s, uint64_t t);
/* The time of record k in FILETIME ticks, for a server anchored at `anchor` (the load for live
 * servers): anchor - age for records 1..events, anchor + its write time for later ones. */
uint64_t fleet_record_ticks(const fleet_server *s, uint64_t anchor, uint64_t k);
/* When record k > events is written, in ticks after the load (0 for k <= events). */
uint64_t fleet_write_ticks(const fleet_server *s, uint64_t k);

/* ---- providers ---- */

enum { FG_PROV_SCM = 0, FG_PROV_KERNEL_GENERAL, FG_PROV_EVENTLOG, FG_PROV_LEGACY, FG_NPROV };

const char *fleetgen_provider_name(int prov);
int         fleetgen_provider_by_name(const char *name);     /* -1 when unknown (any case) */
int         fleetgen_provider_has_metadata(int prov);        /* "Legacy App" has none */
const char *fleetgen_provider_guid(int prov);                /* "{...}" or NULL (classic) */

/* ---- events ---- */

#define FG_MAX_DATA 6

typedef struct fg_event {
    uint64_t    record_id;      /* k */
    uint64_t    age_ms;         /* how long before "now" (the EvtQuery time, or the DLL load
                                   with clock=load) it was logged */
    int         provider;       /* FG_PROV_* */
    const char *provider_name;
    const char *provider_guid;  /* NULL: none */
    uint32_t    event_id;
    int         has_qualifiers;
    uint16_t    qualifiers;
    uint8_t     level, opcode, version;
    uint16_t    task;
    uint64_t    keywords;
    uint32_t    process_id, thread_id;
    int         has_user_sid;   /* S-1-5-18 */
    char        computer[FLEET_NAME_MAX + 16];
    int         ndata;
    const char *data_name[FG_MAX_DATA];   /* "" for classic events */
    const char *data[FG_MAX_DATA];        /* may point into `text` below: do not copy the struct */
    char        text[96];
} fg_event;

/* How a server's records are placed in time (its fleet line: events, span, edge, step).
 *  edge_hours == 0: the normal spread over the last span_hours; ages never fall within 5
 *                   minutes of a whole hour, so any whole-hour window selects an unambiguous
 *                   set even when clocks differ by a few minutes.
 *  edge_hours > 0:  around the edge_hours boundary: record k has age
 *                   edge_hours*3600000 + (events/2 - k)*step_ms + step_ms/2, so records
 *                   1..events/2 are older than edge_hours and the rest younger, the closest
 *                   ones step_ms/2 from the boundary (span_hours is not used). */
typedef struct fg_spread {
    uint64_t events;
    uint32_t span_hours;
    uint32_t edge_hours;
    uint32_t step_ms;
} fg_spread;

/* The spread of a fleet line. */
fg_spread fleet_spread(const fleet_server *s);
/* The normal spread (no edge): events over the last span_hours. */
fg_spread fleetgen_spread(uint64_t events, uint32_t span_hours);

/* Record k (1..events) of server `server` (seed and spread as in the fleet file). Record ids
 * ascend with time; only age_ms depends on the spread. */
void fleetgen_event(const char *server, uint32_t seed, const fg_spread *sp, uint64_t k, fg_event *out);
/* How long before the server's anchor ("now": the EvtQuery, or the DLL load with clock=load)
 * record k was logged; strictly decreasing in k. */
uint64_t fleetgen_age_ms(const fg_spread *sp, uint64_t k);
/* The first record id whose age is <= window_ms (events + 1 when none). Records
 * first..events are the window's. */
uint64_t fleetgen_first_in_window(const fg_spread *sp, uint64_t window_ms);

/* What the publisher metadata has (NULL: EvtFormatMessage fails ERROR_EVT_MESSAGE_NOT_FOUND).
 * Level 0 (LogAlways) has no name: see README. */
const char *fleetgen_message_template(int prov, uint32_t event_id);
const char *fleetgen_level_name(int prov, unsigned level);
const char *fleetgen_task_name(int prov, unsigned task);
const char *fleetgen_opcode_name(int prov, unsigned opcode);
/* FormatMessage-style inserts: %1..%99 from values (missing ones stay as written), %n CRLF,
 * %% percent, %t TAB. Returns the length written (output always NUL-terminated, truncated to
 * len-1) — call with len 0 to measure. */
size_t fleetgen_format(const char *tmpl, const char *const *values, int nvalues, char *out, size_t len);

/* What EventSweep should show (all portable, used by the checker):
 *  message: the formatted message, or (no metadata / no message) the non-empty data values
 *           joined by "; " (es_event_data_message);
 *  level:   the publisher's level name, else es_level_name(level) ("Information" for 0);
 *  task:    the publisher's task name, else "None" for 0 or "(N)". */
size_t      fleetgen_expected_message(const fg_event *e, char *out, size_t len);
const char *fleetgen_expected_level(const fg_event *e);
const char *fleetgen_expected_task(const fg_event *e, char *buf, size_t len);


/* ---- this computer's publisher metadata (messages of saved .evtx events) ----
 * A saved log carries no message text: a reader formats it with the publishers installed
 * locally, EvtOpenPublisherMetadata(NULL, name, ...). A manifest provider lists its events
 * (EvtOpenEventMetadataEnum / EvtNextEventMetadata / EvtGetEventMetadataProperty): each
 * (event id, version) has a message id, and EvtFormatMessage(meta, NULL, msgid, n, values,
 * EvtFormatMessageId, ...) formats it. A classic provider (event source) lists no events: its
 * message id is (Qualifiers << 16) | EventID. Message ids here are never equal to an event id
 * or to another provider's, so a wrong mapping formats nothing or the wrong text.
 *
 *   Microsoft-Windows-Kernel-General  manifest; event 1 has versions 0 and 2 and event 12
 *                                     versions 0 and 1, with different messages
 *   EventLog                          manifest (in the simulation); 6100 and 6101 have no
 *                                     message (message id FG_NO_MESSAGE)
 *   Service Control Manager           classic: no events listed; 7036/7040 with Qualifiers
 *                                     16384, 7000/7034 with 49152
 *   Legacy App                        no metadata at all */

#define FG_NO_MESSAGE 0xFFFFFFFFu   /* EventMetadataEventMessageID of an event without a message */

typedef struct fg_event_meta {
    uint32_t    event_id;
    uint32_t    version;
    uint32_t    message_id;     /* FG_NO_MESSAGE: none */
    uint32_t    channel;        /* index into the publisher's channels (always 0 here) */
    uint32_t    level, opcode, task;
    uint64_t    keywords;
    const char *template_xml;   /* EventMetadataEventTemplate; NULL: the event has no template */
} fg_event_meta;

/* The events a provider's metadata lists, in enumeration order; the count (0 for classic
 * providers and for providers without metadata). */
int         fleetgen_event_metadata(int prov, const fg_event_meta **out);
/* The provider's message table: the text of a message id, or NULL. */
const char *fleetgen_message_by_id(int prov, uint32_t message_id);
/* What EventSweep should show as the Message of an event read from a saved file, following
 * the local-publisher contract: metadata → message id → formatted with the data values, or,
 * when any step fails, the non-empty data values joined by "; ". */
size_t      fleetgen_expected_file_message(const char *provider, uint32_t event_id, unsigned version,
                                           unsigned qualifiers, const char *const *values, int nvalues,
                                           char *out, size_t len);

/* FNV-1a of a lower-cased name; the generator's per-server hash. */
uint64_t fleetgen_name_hash(const char *name);

#endif
