/* es_filter: which events a sweep keeps, by level, event ID, provider and (Security log) audit
 * result; and the query text that makes a server apply it (issue #7).
 *
 * A filter is a plain value: fixed arrays, no heap, so copying it (struct assignment) is a
 * complete copy and worker threads can share one read-only. The parts combine with AND; the
 * items of one part with OR; excluded IDs are taken out of whatever the rest selects.
 *
 * Input (command line and the window; items separated by commas, spaces around items ignored,
 * empty items such as "1,,2" or a trailing comma skipped):
 *   levels     critical, error, warning, information, verbose, audit-success, audit-failure
 *              (any case; "audit success" and "audit_success" too). Information also matches
 *              level 0 (LogAlways), as in Event Viewer. All five levels is the same as none: no
 *              level filter (events of custom levels are then kept too).
 *   IDs        N, LO-HI (0-65535), and either with a leading minus to exclude it: "-4634".
 *              Only exclusions: every event but those.
 *   providers  names, compared without regard to ASCII case. A name may hold ' or " but not
 *              both (an XPath 1.0 string literal cannot), nor control characters, nor commas.
 *
 * Portable core: no windows.h. Text is UTF-8. */
#ifndef ES_FILTER_H
#define ES_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "es_buf.h"
#include "es_event.h"

#define ES_FILTER_MAX_RANGES     1024   /* included, and again excluded, IDs and ranges */
#define ES_FILTER_MAX_PROVIDERS  256
#define ES_FILTER_MAX_NAME       255    /* bytes of one provider name */
#define ES_FILTER_POOL           8192   /* bytes of all provider names, with their NULs */

/* The Security log's audit keywords, as Event Viewer filters them: band(Keywords, mask). */

/* The most comparisons one XPath may hold (a plain query, or one Select or Suppress of a
 * QueryList): EvtQuery asks for a structured query above 20 expressions and servers refuse a
 * Select of about 22 or more (KB970453). Each =, >=, <= and band() counts one. */
#define ES_FILTER_MAX_COMPARISONS 20
/* The most Selects a QueryList may hold (the ID and provider chunks multiply). */
#define ES_FILTER_MAX_SELECTS 1024

enum {
    ES_LEVEL_CRITICAL = 1u << 1,
    ES_LEVEL_ERROR = 1u << 2,
    ES_LEVEL_WARNING = 1u << 3,
    ES_LEVEL_INFORMATION = 1u << 4,   /* also level 0 */
    ES_LEVEL_VERBOSE = 1u << 5,
    ES_LEVEL_ALL = 0x3eu
};
enum { ES_AUDIT_SUCCESS = 1, ES_AUDIT_FAILURE = 2 };

typedef struct es_id_range { uint16_t lo, hi; } es_id_range;

typedef struct es_filter {
    unsigned    levels;      /* ES_LEVEL_* bits; 0 = every level (never ES_LEVEL_ALL) */
    unsigned    audit;       /* ES_AUDIT_* bits; 0 = no keyword filter */
    size_t      ninc, nexc;
    es_id_range inc[ES_FILTER_MAX_RANGES];   /* in the order typed; 0 entries = every ID */
    es_id_range exc[ES_FILTER_MAX_RANGES];
    size_t      nproviders;
    uint16_t    provider[ES_FILTER_MAX_PROVIDERS];  /* offsets into pool */
    char        pool[ES_FILTER_POOL];
} es_filter;

void es_filter_init(es_filter *f);   /* empty: every event */
int  es_filter_is_empty(const es_filter *f);
const char *es_filter_provider(const es_filter *f, size_t i);

/* Each parser replaces its part of f (levels: the levels and the audit bits) and returns 1; on
 * malformed text it returns 0, leaves f as it was and writes a sentence naming the bad part to
 * err, without the option's name, e.g. "\"12a\" is not an event ID (0-65535) or a range such as
 * 1000-1010." Empty text clears the part. */
int  es_filter_parse_levels(es_filter *f, const char *text, char *err, size_t errlen);
int  es_filter_parse_ids(es_filter *f, const char *text, char *err, size_t errlen);
int  es_filter_parse_providers(es_filter *f, const char *text, char *err, size_t errlen);

/* Whether the query stays reasonable: 1, or 0 with a sentence in err when the ID and provider
 * lists would need more than ES_FILTER_MAX_SELECTS Selects. Call it after the three parsers. */
int  es_filter_check(const es_filter *f, char *err, size_t errlen);

/* Whether ev passes the filter (saved logs apply it while parsing). The time is not looked at. */
int  es_filter_match(const es_filter *f, const es_event *ev);

/* A short text for the window: "Error, Warning; IDs 4624, 1000-1010, not 4634; providers:
 * EventLog". Empty when the filter is empty. Appends to out; 0 when out of memory. */
int  es_filter_describe(const es_filter *f, es_buf *out);

/* The query a server runs: the filter and, when since_ticks is not 0, the window's start
 * (TimeCreated >= since, milliseconds). A plain XPath when it holds at most
 * ES_FILTER_MAX_COMPARISONS comparisons and there are no exclusions ("*" when there is nothing
 * to filter); otherwise a <QueryList> on `channel` with several Selects (the ID and provider
 * lists cut into chunks, every pair of chunks) and the exclusions as Suppress, each within the
 * limit. Appends UTF-8 to out; 0 when out of memory. */
int  es_filter_query(const es_filter *f, const char *channel, uint64_t since_ticks, es_buf *out);
/* The same for "since the last sweep": only records after after_record (EventRecordID greater
 * than it, one more comparison in each Select); after_record 0: es_filter_query. */
int  es_filter_query_after(const es_filter *f, const char *channel, uint64_t since_ticks, uint64_t after_record,
                           es_buf *out);

#endif
