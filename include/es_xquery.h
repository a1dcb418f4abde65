/* es_xquery: an administrator's saved Event Viewer filter — a custom view export
 * (<ViewerConfig>…<QueryList>), the XML tab of "Filter Current Log" (<QueryList>), or a bare XPath
 * (*[System[Level=2]]) — parsed once, then (1) re-serialized as the QueryList sent to every
 * server, with the sweep's time window added to each Select, and (2) evaluated by EventSweep's own
 * matcher on events of saved .evtx files.
 *
 * Who owns what: this module parses, checks and renders; it opens no log and knows no command
 * line or window. The caller (the lead's wiring of --query FILE and "paste a view") reads the
 * file, calls es_xquery_parse, es_xquery_check_channel against the Log box, es_xquery_text for
 * each server's EvtQuery, and es_xquery_local_ok before handing the query to the .evtx workers,
 * which call es_xquery_match per event. The caller frees the query after the sweep's workers
 * are done with it.
 *
 * Threads: a parsed query is immutable. es_xquery_set_now is the only writer: call it before
 * the query is shared (or use es_xquery_match_at, which takes `now`). Every other function only
 * reads, keeps no cache and allocates nothing in match, so any number of worker threads may
 * call es_xquery_match on one query at once.
 *
 * The accepted XPath is Windows' event-query subset (learn.microsoft.com, "Consuming Events",
 * "XPath 1.0 limitations"): a Select/Suppress is `*` or `Event`, with predicates [...]; inside
 * predicates, relative location paths of element steps (System, Provider, EventID, ...,
 * EventData, Data, UserData, any name, or *) and a final attribute step (@Name), each step with
 * its own predicates; `System/Level=2` and `System[Level=2]` alike; `and`, `or`, parentheses;
 * = != < <= > >=; 'string' or "string" and number literals; band(a, b) and
 * timediff(@SystemTime) (milliseconds before now). Refused with the construct's name and its
 * offset in the XPath: `//`, `..`, `.`, `|`, axes (`child::`), arithmetic (+ - * div mod),
 * variables, every other function (not(), contains(), position(), text(), ...), chained
 * comparisons (a=b=c), and more than 20 comparisons in one XPath (each relational operator and
 * each band() counts one; Windows documents 20 and servers refuse a little above, KB970453).
 *
 * Portable core: no windows.h. Texts are UTF-8. */
#ifndef ES_XQUERY_H
#define ES_XQUERY_H

#include "es_buf.h"
#include "es_event.h"

#include <stddef.h>
#include <stdint.h>

#define ES_XQUERY_MAX_COMPARISONS 20

typedef struct es_xquery es_xquery;

/* Parses a view file, a <QueryList> or a bare XPath (len bytes; UTF-8 with or without BOM, or
 * UTF-16 LE/BE with BOM as Event Viewer may save it). Returns NULL with a sentence in err on
 * failure (bad XML, a refused construct, more than 20 comparisons, ...). */
es_xquery *es_xquery_parse(const char *text, size_t len, char *err, size_t errlen);
void es_xquery_free(es_xquery *q);

/* The view's name (<QueryNode><Name>) or "" (a QueryList or a bare XPath has none). */
const char *es_xquery_name(const es_xquery *q);

/* The one log the view names in its Paths, or NULL when it names none (a bare XPath) or
 * several. The window can preselect the Log box with it. */
const char *es_xquery_channel(const es_xquery *q);

/* 1 when every Path of the view (Query, Select and Suppress) equals `log` ignoring ASCII case,
 * or the view names none. Else 0 and a sentence in err, e.g. "This view reads System and
 * Application; EventSweep sweeps one log at a time for now: choose one." */
int es_xquery_check_channel(const es_xquery *q, const char *log, char *err, size_t errlen);

/* 1 when every Select still has at most 20 comparisons once the sweep's time window adds its
 * one (with_window != 0); else 0 and a sentence that suggests splitting the Select or sweeping
 * "all" hours. es_xquery_text makes the same check. */
int es_xquery_check_window(const es_xquery *q, int with_window, char *err, size_t errlen);

/* Appends to out the QueryList to send to a server: canonical (re-serialized from the parsed
 * form, so parse(text(q)) renders the same text again), every Path set to `channel` (NULL:
 * each keeps its own, none when it had none), and when since_ticks != 0 the window
 * TimeCreated[@SystemTime>='YYYY-MM-DDTHH:MM:SS.mmmZ'] added to every Select: inside its
 * top-level System[...] predicate when it has one (the form Event Viewer itself writes), else as
 * `and System[TimeCreated[...]]`. Suppresses are not narrowed. Returns 1, or 0 with a sentence in
 * err (the channel rule, the comparison limit, out of memory). */
int es_xquery_text(const es_xquery *q, const char *channel, uint64_t since_ticks, es_buf *out, char *err,
                   size_t errlen);

/* 1 when es_xquery_match can evaluate the view on events of saved logs. 0 and why when it
 * names something es_event does not keep (Security/@UserID, Correlation, Provider/@Guid,
 * Execution's other attributes, RenderingInfo, a named UserData element, ...): servers can still
 * run the view; saved logs cannot be filtered by it. */
int es_xquery_local_ok(const es_xquery *q, char *why, size_t whylen);

/* `now` for timediff() in es_xquery_match: FILETIME ticks; the clock's time at parse when never
 * set. The sweep sets its one anchor (the moment Start was pressed). Call before sharing the
 * query between threads. */
void es_xquery_set_now(es_xquery *q, uint64_t now_ticks);

/* 1 when the event is selected: in some Query, a Select matches and no Suppress of that Query
 * does (Query elements are unioned, as Windows does). Only meaningful when es_xquery_local_ok.
 *
 * How es_event maps onto the event's XML: System's fields from the es_event's fields
 * (Provider/@Name is ev->provider, which for a classic source may be its EventSourceName);
 * TimeCreated/@SystemTime compares as a time with ISO 8601 literals; numbers compare as 64-bit
 * integers (hex 0x... accepted in string literals); strings compare exactly (case-sensitive, as
 * XPath 1.0). ev->data[] does not say whether an item came from EventData or UserData (the
 * .evtx reader keeps UserData's leaf elements as items named after the element), so both views
 * of it are offered: EventData/Data[@Name='x'] and bare EventData/Data see every item, and
 * UserData/(any element)/x sees the items named x. EventData and UserData exist when the event has items.
 * A UserData element tested by name (UserData/LowOnMemory) cannot be evaluated (local_ok says
 * so). timediff() is now - time in milliseconds (negative for an event stamped after now). */
int es_xquery_match(const es_xquery *q, const es_event *ev);
int es_xquery_match_at(const es_xquery *q, const es_event *ev, uint64_t now_ticks);

#endif
