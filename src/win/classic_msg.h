/* classic_msg: a classic event's message as Event Viewer formats it, from the message file the
 * LOCAL computer registers for the event's source:
 *
 *   HKLM\SYSTEM\CurrentControlSet\Services\EventLog\<log>\<source>  EventMessageFile
 *
 * (REG_EXPAND_SZ; several paths separated by ';'), each path's environment variables expanded,
 * loaded as a data file (LoadLibraryExW with LOAD_LIBRARY_AS_DATAFILE |
 * LOAD_LIBRARY_AS_IMAGE_RESOURCE: no code of it runs), and FormatMessageW of the full event ID
 * (qualifiers included) with the insertion strings as the argument array.
 *
 * The insertion strings are the server's (hostile) data: they are only ever arguments, never
 * the format; the array always holds CLASSIC_MSG_ARGS entries, those the record lacks pointing
 * at an empty string, so a message asking for %7 of a record with two strings reads "" and
 * nothing beyond. A source the server names is looked up only when it is a plain key name (no
 * backslash, at most 255 characters).
 *
 * Modules are cached per source for one reader (a worker's read, one fetch) and freed with it;
 * the lookups, the loads and the formatting run on the reader's thread (never the UI thread),
 * through classic_get_api() (the tests simulate them). A source without a message file, an ID
 * the file lacks, or a failure anywhere: NULL, and the row shows the insertion strings as
 * before. */
#ifndef CLASSIC_MSG_H
#define CLASSIC_MSG_H

#include <windows.h>

#include "es_event.h"

#define CLASSIC_MSG_ARGS  102             /* %1..%99, and slack for a width or precision taken by '*' */
#define CLASSIC_MSG_MAX   (256 * 1024)    /* UTF-16 units of a formatted message kept */

typedef struct classic_msgs classic_msgs;

/* A cache for records of one log (a classic log's name). NULL when out of memory. */
classic_msgs *classic_msgs_new(const WCHAR *log);
/* Frees every module it loaded. NULL is fine. */
void          classic_msgs_free(classic_msgs *m);
/* The message of ev (provider = the record's source, data = its insertion strings), UTF-8,
 * valid until the next call; NULL when there is none (show the insertion strings). */
const char   *classic_msgs_format(classic_msgs *m, const es_event *ev);

#endif
