/* es_evtrec: the records of the classic event log API (EVENTLOGRECORD, as ReadEventLogW hands
 * them over, in a buffer of one or more), read from bytes nobody vouches for — a server's answer
 * is hostile input — and turned into es_event as Event Viewer shows a classic event:
 *
 *   EventType  1 Error -> Level 2, 2 Warning -> 3, 4 Information and 0 Success -> 4,
 *              8 Audit Success / 16 Audit Failure -> level 0 (shown as Information) with the
 *              Security log's audit keywords (0x0020000000000000 / 0x0010000000000000)
 *   EventID    the low 16 bits; the high 16 are the qualifiers
 *   Category   the Task ((N), None for 0)
 *   Times      whole seconds since 1970 -> FILETIME ticks
 *   Message    the insertion strings, as Event Viewer shows them when it cannot format the
 *              message (data items named ""; es_event_data_message joins them)
 *
 * Layout (little-endian, documented in winnt.h / "EVENTLOGRECORD structure"): a 56-byte header
 * (Length, Reserved = 'LfLe', RecordNumber, TimeGenerated, TimeWritten, EventID, EventType,
 * NumStrings, EventCategory, ReservedFlags, ClosingRecordNumber, StringOffset, UserSidLength,
 * UserSidOffset, DataLength, DataOffset), then SourceName and ComputerName (NUL-terminated
 * UTF-16), the SID, the strings, the binary data, padding, and Length again.
 *
 * Portable core: no windows.h. */
#ifndef ES_EVTREC_H
#define ES_EVTREC_H

#include "es_buf.h"
#include "es_event.h"

#include <stddef.h>
#include <stdint.h>

#define ES_EVTREC_HEADER     56
#define ES_EVTREC_SIGNATURE  0x654c664cu   /* "LfLe" */
#define ES_EVTREC_MAX_STRINGS 256          /* insertion strings kept per record (more are cut) */


/* One record, its strings converted to UTF-8 in the caller's buffer. */
typedef struct es_evtrec {
    es_event     ev;        /* pointers into the decoder's text buffer */
    uint32_t     record_number;
    uint32_t     time_generated;   /* seconds since 1970-01-01 UTC */
    uint32_t     time_written;
    uint16_t     event_type;
    uint16_t     nstrings;         /* as the header says (data holds at most ES_EVTREC_MAX_STRINGS) */
    int          cut;              /* 1 when strings were missing or cut at the record's end */
} es_evtrec;

typedef struct es_evtrec_decoder {
    es_buf       text;             /* every string of the current record, NUL-separated */
    es_data_item items[ES_EVTREC_MAX_STRINGS];
    size_t       offs[4 + ES_EVTREC_MAX_STRINGS];   /* offsets into text while it may move */
} es_evtrec_decoder;

void es_evtrec_init(es_evtrec_decoder *d);
void es_evtrec_free(es_evtrec_decoder *d);

/* Decodes the record at buf[*off] (len bytes in the buffer). Returns 1 and advances *off past
 * it; 0 at the end of the buffer (*off == len); -1 when the bytes are not a record (err names
 * what is wrong and where: the rest of the buffer cannot be trusted); -2 out of memory.
 * The event's pointers are valid until the next call. `channel` is stored as the event's
 * channel (may be NULL). */
int es_evtrec_next(es_evtrec_decoder *d, const void *buf, size_t len, size_t *off, const char *channel,
                   es_evtrec *out, char *err, size_t errlen);

/* The record as the event XML Windows renders for a classic event (System with Provider, EventID
 * and its Qualifiers, Level, Task, Keywords, TimeCreated, EventRecordID, Channel, Computer; the
 * insertion strings as EventData/Data), every text escaped; one line. Returns 0 when out of
 * memory. */
int es_evtrec_xml(const es_evtrec *r, es_buf *out);

/* The level an EventType shows as, and the keywords it carries (audit types). */
uint8_t  es_evtrec_level(uint16_t event_type);
uint64_t es_evtrec_keywords(uint16_t event_type);

/* Seconds since 1970 -> FILETIME ticks. */
uint64_t es_evtrec_ticks(uint32_t unix_seconds);

/* The classic logs: the names the classic API may be asked for. OpenEventLog opens Application
 * for a name it does not know, so EventSweep never sends it another. Any ASCII case. */
int es_classic_log_known(const char *name);

#endif
