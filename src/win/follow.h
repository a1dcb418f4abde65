/* follow: live follow of one server's log, on the source's own worker thread, once the sweep's
 * query has read every event (source_wevt.c calls it).
 *
 * The Windows Event Log API's subscription, pull model: EvtSubscribe with a signal event, then
 * EvtNext until ERROR_NO_MORE_ITEMS, so rows are built on this thread as the sweep's are
 * (wevt_reader.c). The subscription starts after a bookmark on the newest record read
 * (EvtSubscribeStartAfterBookmark | EvtSubscribeStrict): nothing between the query and the
 * subscription is missed or read twice. When the server is lost (EvtSubscribe or EvtNext fails),
 * the source says "reconnecting in N s", waits (2, 5, 10, 30, then 60 s), opens a new session
 * and subscribes again after the same bookmark. When the bookmarked record is no longer in the
 * log (Strict: ERROR_NOT_FOUND; the log wrapped or was cleared while the source was away), the
 * records overwritten are counted from the log's oldest record number and said on the source's
 * line, and what the log still holds is read from its oldest record (Strict again: a record lost
 * before it is read is counted too); the count is made exact when the first record after the gap
 * comes. When the sweep's query read nothing, the subscription starts at the log's oldest record
 * with the same query (future events alone would miss what came between the query and it).
 *
 * A follower holds no slot of the sweep's thread limit and no time cap; each call is still
 * timed. It ends on Stop (then it is a source that ended well: 0) or on a cancel for another
 * reason (that reason). */
#ifndef FOLLOW_H
#define FOLLOW_H

#include "source.h"
#include "wevt.h"
#include "wevt_reader.h"

/* Publishes the handles a cancel must reach (the session, the subscription), as the engine's
 * own set_handles does. */
typedef void (*follow_publish_fn)(worker *w, EVT_HANDLE session, EVT_HANDLE sub);

/* Follows until the sweep stops it. *session is the session the query used (NULL: this
 * computer); it may be replaced by a new one after a reconnect, and is the caller's to close.
 * r is the query's reader (its last_record is the bookmark). Returns 0 or a Win32 error. */
DWORD follow_run(worker *w, const source_query *q, const wevt_api *api, EVT_HANDLE *session, wevt_reader *r,
                 follow_publish_fn publish);

/* The bookmark XML of one record of a channel, as EvtRender(EvtRenderBookmark) writes it (the
 * channel's name escaped for an attribute). Returns the characters written, 0 when it does not
 * fit in cap. */
size_t follow_bookmark_xml(const WCHAR *channel, uint64_t record, WCHAR *out, size_t cap);

#endif
