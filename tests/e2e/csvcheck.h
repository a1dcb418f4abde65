/* csvcheck: what the end-to-end checkers (check_sweep.c, check_files.c) share — their
 * PASS/FAIL reporting, a strict reader for the app's export and status CSV files, and the
 * helpers around it. Native (Linux), linked with the portable core (src/core).
 *
 * The CSV files EventSweep writes (es_export.h): a UTF-8 BOM, then RFC 4180 records ended by
 * CRLF; fields quoted when they hold a comma, a quote or a line break (which may be a bare LF
 * or CR inside the quotes); a field that begins with a formula character gets an apostrophe. */
#ifndef CSVCHECK_H
#define CSVCHECK_H

#include "es_buf.h"
#include "fleetgen.h"

#include <stddef.h>
#include <stdint.h>

/* ---- reporting: "PASS TAG-what", "FAIL TAG-what: why", detail lines "     ..." */

extern const char *g_tag;       /* the check names' prefix (--name) */
extern int g_fail;              /* FAIL lines printed */
extern int g_details_max;       /* detail lines shown at most (25 unless set) */

void pass(const char *what);
void failf(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* PASS what when bad is 0, else FAIL what with the message */
void verdict(const char *what, size_t bad, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* one detail line (shown by tests/run under a FAIL line), control characters escaped */
void detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- files */

/* The whole file, NUL-terminated (malloc'ed); NULL when it cannot be opened. */
char *slurp(const char *path, size_t *len);
/* An export and its status file being made, each begun with the app's BOM and header. */
typedef struct csv_out { es_buf rows, status; } csv_out;
void csv_out_init(csv_out *o);
/* Writes both files and frees the buffers; 0 on failure. */
int csv_out_write(csv_out *o, const char *rows_path, const char *status_path);

/* ---- CSV */

typedef struct csv_row {
    char **f;                   /* the fields, unquoted */
    int n;
    size_t line;                /* the line the record starts on (1: the header) */
    size_t start, end;          /* the record's bytes in the text, its CRLF included */
} csv_row;

typedef struct csv {
    char *text;                 /* the file (csv_load) */
    size_t len;
    csv_row *rows;              /* rows[0]: the header */
    size_t nrows;
    char err[256];              /* the last format error */
    int bad_eol, bad_quote;     /* records not ended by CRLF; stray or misplaced quotes */
} csv;

extern const char *const ROW_HEADER[11];    /* Server,TimeCreated,...,Message,Received,Log */
extern const char *const STATUS_HEADER[8];  /* Source,State,Events,ErrorCode,Error,Seconds,Coverage,Log */
enum { ROW_COLS = 11, STATUS_COLS = 8 };

/* Strict RFC 4180 with CRLF records after a UTF-8 BOM. 0 when the text cannot be read at all
 * (no BOM, an unterminated quote: c->err says why); format faults it reads past are counted
 * in bad_eol / bad_quote. */
int csv_parse(const char *p, size_t len, csv *c);
/* 1 when the first record is exactly these n names. */
int csv_header_ok(const csv *c, const char *const *want, int n);
/* Reads and parses one of the app's files and prints the format check `check` (its header,
 * line ends and quotes); a file that is missing fails `missing_check` (NULL: `check`).
 * NULL when it cannot be read. */
csv *csv_load(const char *path, const char *check, const char *missing_check, const char *const *hdr, int nh);
/* Checks of an export row, counted into *bad (a detail line, starting "WHERE N", for the first
 * fault counted): csv_row_cols is 1 when the row has n fields, else counts the row;
 * csv_row_formula counts the fields that begin with a formula character (the export puts an
 * apostrophe before =, +, -, @, TAB and CR). */
int csv_row_cols(const csv_row *row, int n, const char *where, size_t *bad);
void csv_row_formula(const csv_row *row, const char *where, size_t *bad);

/* ---- one status line (Source,State,Events,ErrorCode,Error,Seconds,Coverage,Log) */

typedef struct status_line {
    const char *source, *state, *error, *seconds_text, *log;
    const char *coverage;       /* "" when the log covers the window (or it is not known) */
    unsigned long long events;
    unsigned long code;
    int code_ok;                /* ErrorCode is a number */
    double seconds;
    int seconds_ok;             /* Seconds is there and not negative */
} status_line;

/* 0 (with a detail line) when the row has not the seven fields. */
int status_parse(const csv_row *row, status_line *s);

/* ---- the simulated fleet (tests/fake/fleetgen.c, linked with every checker) */

/* The fleet file: the number of servers (*out malloc'ed), or -1 after "FAIL TAG-fleet: ...". */
int fleet_load(const char *path, fleet_server **out);
/* A server list as the app reads it: one name a line, a BOM, blank lines, '#' comments and the
 * blanks around a name skipped. The number of names (*names malloc'ed, each name too), or -1
 * after "FAIL TAG-servers: ..." when the file cannot be read. */
int list_load(const char *path, char ***names);
/* Checks what an export row shares with the record it names (e: fleetgen_event of its server
 * and RecordID): Level, Source, EventID, Task and Computer counted into *bad_cols, Message into
 * *bad_msgs, a detail line for the first few of each. */
void row_check_event(const csv_row *row, const char *server, const fg_event *e, size_t *bad_cols, size_t *bad_msgs);

/* ---- expected values */

int formula_lead(const char *s);
/* The field as a correct export writes it (an apostrophe before a formula lead); may use tmp. */
const char *as_field(const char *s, es_buf *tmp);

#endif
