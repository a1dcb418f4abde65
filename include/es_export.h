/* es_export: the CSV files EventSweep writes. Their columns are fixed because scripts and
 * tests read them:
 *   rows:   Server,TimeCreated,Level,Source,EventID,Task,RecordID,Computer,Message,Received,Log
 *   status: Source,State,Events,ErrorCode,Error,Seconds,Coverage,Log
 * (Coverage and Log came last, deliberately, when the sweep learned to tell a log's coverage
 * and to read several logs: scripts that read the columns by name, or the first ones by
 * position, keep working.)
 * Files are UTF-8 with BOM and CRLF line ends; times are UTC ISO 8601 with milliseconds.
 * Portable core: no windows.h. */
#ifndef ES_EXPORT_H
#define ES_EXPORT_H

#include "es_buf.h"
#include "es_row.h"
#include "es_source.h"

void es_export_rows_header(es_buf *b);     /* BOM + header line */
void es_export_row(es_buf *b, const char *server, const char *log, const es_row *r);   /* log may be NULL: "" */
void es_export_status_header(es_buf *b);   /* BOM + header line */
void es_export_status_row(es_buf *b, const es_source_status *st);

#endif
