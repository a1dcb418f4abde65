/* es_marks: where each server's log was read up to — the highest EventRecordID of the last
 * sweep that read it well — for "New since last sweep" (--since-last). Kept in a text file
 * (%APPDATA%\EventSweep\marks.txt, or --state FILE), one line per server and log:
 *
 *   # comment
 *   SERVER<TAB>LOG<TAB>RECORD
 *
 * Names compare without regard to ASCII case. No secrets: names and numbers only. The file is
 * the user's, so it is read as hostile input: a malformed line is refused with its number.
 *
 * Portable core: no windows.h. */
#ifndef ES_MARKS_H
#define ES_MARKS_H

#include "es_buf.h"

#include <stddef.h>
#include <stdint.h>

typedef struct es_mark {
    char    *server;
    char    *log;
    uint64_t record;
} es_mark;

typedef struct es_marks {
    es_mark *v;
    size_t   n, cap;
} es_marks;

void     es_marks_init(es_marks *m);
void     es_marks_free(es_marks *m);
/* Parses a file's text (UTF-8, an optional BOM; LF or CRLF). Returns 1, or 0 with err naming
 * the line ("line 3: \"abc\" is not a record number."); m holds the lines read before it. */
int      es_marks_parse(es_marks *m, const char *text, size_t len, char *err, size_t errlen);
/* The mark of a server's log; 0 when there is none. */
uint64_t es_marks_get(const es_marks *m, const char *server, const char *log);
/* Sets (or adds) it; 0 when out of memory or a name holds a tab or a line break. */
int      es_marks_set(es_marks *m, const char *server, const char *log, uint64_t record);
/* The file's text; 0 when out of memory. */
int      es_marks_format(const es_marks *m, es_buf *out);

#endif
