/* es_time: FILETIME ticks (100 ns units since 1601-01-01 UTC, the unit of every Windows event
 * time) to and from calendar dates and ISO 8601 text, and the time-window rule.
 * Portable core: no windows.h. */
#ifndef ES_TIME_H
#define ES_TIME_H

#include <stddef.h>
#include <stdint.h>

#define ES_TICKS_PER_MS   10000ull
#define ES_TICKS_PER_SEC  10000000ull
#define ES_TICKS_PER_HOUR (3600ull * ES_TICKS_PER_SEC)
#define ES_UNIX_EPOCH_TICKS 116444736000000000ull  /* 1970-01-01 in FILETIME ticks */
#define ES_HOURS_MAX 8760u                          /* one year: the largest window */

typedef struct es_civil {
    int year, month, day;            /* proleptic Gregorian; month 1-12 */
    int hour, minute, second, ms;
} es_civil;

void     es_time_to_civil(uint64_t ticks, es_civil *c);
/* Returns 0 when c is out of range (year 1601..30827, month/day/time fields valid). */
int      es_time_from_civil(const es_civil *c, uint64_t *ticks);

/* "2026-11-24T21:22:28.123Z" (UTC, milliseconds, 24 characters + NUL). Returns out. */
#define ES_ISO8601_LEN 32
char    *es_time_iso8601(uint64_t ticks, char out[ES_ISO8601_LEN]);
/* Parses the form above; also accepts no fraction, or 1-7 fraction digits. 1 on success. */
int      es_time_parse_iso8601(const char *s, uint64_t *ticks);

/* The time window: "events of the last `hours` hours" as seen at `now`. hours == 0 means
 * no limit. An event is inside when now - window <= time (events stamped a little in the
 * future, from a server whose clock runs ahead, are inside). */
uint64_t es_window_start(uint64_t now, unsigned hours);     /* 0 when there is no limit */
int      es_time_in_window(uint64_t t, uint64_t now, unsigned hours);
/* The window in milliseconds, as the XPath timediff() filter wants it. */
uint64_t es_window_ms(unsigned hours);

#endif
