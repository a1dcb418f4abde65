/* xpath: the Windows Event Log query subset (XPath 1.0 subset + band/timediff, and the
 * <QueryList> structured query), compiled once and evaluated against fleetgen events.
 *
 * Test-only, portable C (no windows.h): the fake wevtapi.dll (tests/fake/wevtapi.c) filters
 * with it, and native checkers and tests/fake/xpath_test.c link it directly. What is accepted
 * and what is refused (ERROR_EVT_INVALID_QUERY, 15001) is described in tests/fake/README. */
#ifndef XPATH_H
#define XPATH_H

#include <stddef.h>
#include <stdint.h>

#include "fleetgen.h"

#define XP_MAX_COMPARISONS 20   /* per expression (a plain query, one Select or one Suppress) */

/* xp_compile's verdicts */
enum {
    XP_OK = 0,
    XP_INVALID,        /* outside the subset, malformed, or too many comparisons: 15001 */
    XP_UNSUPPORTED,    /* valid for Windows, but beyond the simulation (a QueryList that reads
                          several channels at once): ERROR_NOT_SUPPORTED */
    XP_NOPATH,         /* a plain XPath without a channel (Path NULL or ""): ERROR_INVALID_PARAMETER */
    XP_NOMEM
};

typedef struct xp_query xp_query;

/* The event being tested: the generated record, its TimeCreated (FILETIME ticks, 100 ns since
 * 1601) and the channel it is read from. */
typedef struct xp_event {
    const fg_event *e;
    uint64_t        time;
    const char     *channel;
} xp_event;

/* Compiles `text` (NULL, "", "*", a plain XPath, or a <QueryList>) for a query whose Path
 * argument is `path` (may be NULL). On success returns XP_OK and *out (free with xp_free).
 * Otherwise returns a verdict and writes a sentence to err. */
int  xp_compile(const char *text, const char *path, xp_query **out, char *err, size_t errlen);
void xp_free(xp_query *q);

/* The channel the query reads: the Path argument for a plain XPath, the Selects' Path for a
 * QueryList (EvtQuery's documentation: its Path is ignored when the structured query specifies
 * the path; a Select without one, in a Query without one, reads the Path argument). */
const char *xp_channel(const xp_query *q);
/* 1 when the query selects every event (no filter at all: NULL, "", "*"). */
int  xp_is_all(const xp_query *q);
/* The earliest TimeCreated (ticks) any selected event can have, from the time terms every
 * selecting branch must satisfy (timediff(@SystemTime) <= / < MS counted from `now`,
 * @SystemTime >= / > 'T'); 0 when there is no such bound. Only an optimisation: xp_match is
 * exact on its own. */
uint64_t xp_min_time(const xp_query *q, uint64_t now);
/* 1 when the event is selected. `now` (ticks) is the query's time, which timediff counts from.
 * ignore_time: every comparison involving TimeCreated or timediff is taken as true (a
 * `nofilter` server). */
int  xp_match(const xp_query *q, const xp_event *ev, uint64_t now, int ignore_time);

/* "YYYY-MM-DDTHH:MM:SS[.fraction]Z" to FILETIME ticks (the fraction's first 7 digits count);
 * 0 when malformed. Also used by the tests. */
int  xp_parse_iso(const char *s, size_t len, uint64_t *ticks);

#endif
