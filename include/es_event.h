/* es_event: one event as EventSweep sees it, whatever it came from — a live server through
 * the Windows Event Log API, or a record of a saved .evtx file.
 *
 * Portable core: no windows.h. Strings are UTF-8 and NUL-terminated; every pointer is borrowed
 * from whoever filled the event (an engine's render buffer, a parser's chunk) and is valid only
 * until that producer moves on. es_batch_add() copies what it keeps. */
#ifndef ES_EVENT_H
#define ES_EVENT_H

#include <stddef.h>
#include <stdint.h>

typedef struct es_buf es_buf;

/* The Security log's audit keywords (what Event Viewer shows as Audit Success / Failure). */
#define ES_KEYWORD_AUDIT_SUCCESS 0x20000000000000ull   /* 9007199254740992 */
#define ES_KEYWORD_AUDIT_FAILURE 0x10000000000000ull   /* 4503599627370496 */

typedef struct es_data_item {
    const char *name;    /* EventData/Data@Name, or the element name inside UserData; may be "" */
    const char *value;   /* rendered value text; never NULL */
} es_data_item;

typedef struct es_event {
    uint64_t time_created;  /* FILETIME ticks: 100 ns units since 1601-01-01 UTC */
    uint64_t record_id;     /* EventRecordID */
    uint64_t keywords;
    uint32_t event_id;      /* without qualifiers (the low 16 bits of the full value) */
    uint32_t process_id;
    uint32_t thread_id;
    uint16_t qualifiers;
    uint16_t task;
    uint8_t  level;         /* 0 LogAlways (shown as Information), 1 Critical .. 5 Verbose */
    uint8_t  opcode;
    uint8_t  version;
    const char *provider;   /* Provider@Name (or EventSourceName for classic sources) */
    const char *channel;
    const char *computer;
    const char *level_text; /* publisher's level name; NULL: es_level_name(level) */
    const char *task_text;  /* publisher's task name; NULL: "None" or "(N)" */
    const char *message;    /* formatted message; NULL: built from the data values */
    const es_data_item *data;
    size_t ndata;
} es_event;

/* The level names Event Viewer uses; level 0 (LogAlways) shows as "Information". */
const char *es_level_name(unsigned level);

/* Event Viewer's levels by severity, most severe first: Critical 1, Error 2, Warning 3,
 * Information (and LogAlways, 0) 4, Verbose 5, then custom levels in their order. */
static inline unsigned es_level_rank(unsigned level)
{
    return level == 0 ? 4u : level <= 5 ? level : 6u + level;
}

/* Task text as Event Viewer shows it when the publisher has no name for the task:
 * "None" for 0, "(N)" otherwise. Writes into out (at least 16 bytes); returns out. */
const char *es_task_fallback(unsigned task, char *out, size_t outlen);

/* What Event Viewer shows when an event's message cannot be formatted: the event's data
 * values, in order, separated by "; ". Appends to b; appends nothing when there are none. */
void es_event_data_message(const es_event *ev, es_buf *b);

#endif
