/* CSV field writer (see es_csv.h). */
#include "es_csv.h"

#include <string.h>

static int formula_lead(char c) { return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'; }

void es_csv_field_n(es_buf *b, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ',' || c == '"' || c == '\r' || c == '\n') {
            quote = 1;
            break;
        }
    }
    if (quote)
        es_buf_putc(b, '"');
    if (n && formula_lead(s[0]))
        es_buf_putc(b, '\'');
    if (!quote) {
        es_buf_append(b, s, n);
        return;
    }
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            es_buf_append(b, s + start, i - start + 1);
            es_buf_putc(b, '"');
            start = i + 1;
        }
    }
    es_buf_append(b, s + start, n - start);
    es_buf_putc(b, '"');
}

void es_csv_field(es_buf *b, const char *s) { es_csv_field_n(b, s ? s : "", s ? strlen(s) : 0); }

void es_csv_sep(es_buf *b) { es_buf_putc(b, ','); }

void es_csv_eol(es_buf *b) { es_buf_append(b, ES_CSV_EOL, 2); }

void es_csv_row(es_buf *b, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            es_csv_sep(b);
        es_csv_field(b, fields[i]);
    }
    es_csv_eol(b);
}
