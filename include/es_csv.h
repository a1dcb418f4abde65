/* es_csv: RFC 4180 fields for files that open cleanly in Excel.
 * A field is quoted when it holds a comma, a quote, CR or LF (quotes doubled). A field that
 * begins with '=', '+', '-' or '@' (or TAB or CR, which Excel also treats as a formula lead)
 * gets a leading apostrophe so a spreadsheet shows it as text instead of running it.
 * Portable core: no windows.h. */
#ifndef ES_CSV_H
#define ES_CSV_H

#include "es_buf.h"

#define ES_CSV_BOM "\xEF\xBB\xBF"
#define ES_CSV_EOL "\r\n"

void es_csv_field(es_buf *b, const char *s);          /* one field, no separator */
void es_csv_field_n(es_buf *b, const char *s, size_t n);
void es_csv_sep(es_buf *b);                            /* "," */
void es_csv_eol(es_buf *b);                            /* CRLF */
/* A whole row of NUL-terminated fields, with separators and CRLF. */
void es_csv_row(es_buf *b, const char *const *fields, size_t n);

#endif
