/* The rows and status CSV files (see es_export.h). */
#include "es_export.h"
#include "es_csv.h"
#include "es_time.h"

#include <inttypes.h>
#include <stdio.h>

void es_export_rows_header(es_buf *b)
{
    es_buf_puts(b, ES_CSV_BOM "Server,TimeCreated,Level,Source,EventID,Task,RecordID,Computer,Message,Received,Log" ES_CSV_EOL);
}

void es_export_row(es_buf *b, const char *server, const char *log, const es_row *r)
{
    char t1[ES_ISO8601_LEN], t2[ES_ISO8601_LEN], id[16], rec[24];
    snprintf(id, sizeof id, "%" PRIu32, r->event_id);
    snprintf(rec, sizeof rec, "%" PRIu64, r->record_id);
    const char *f[11] = {server, es_time_iso8601(r->time_created, t1), r->level_text, r->provider, id,
                         r->task_text, rec, r->computer, r->message, es_time_iso8601(r->received, t2), log ? log : ""};
    es_csv_row(b, f, 11);
}

void es_export_status_header(es_buf *b)
{
    es_buf_puts(b, ES_CSV_BOM "Source,State,Events,ErrorCode,Error,Seconds,Coverage,Log" ES_CSV_EOL);
}

void es_export_status_row(es_buf *b, const es_source_status *st)
{
    char ev[24], code[16], secs[32];
    int ok = st->state == ES_STATE_DONE && st->error == 0;
    snprintf(ev, sizeof ev, "%" PRIu64, st->events);
    snprintf(code, sizeof code, "%" PRIu32, st->error);
    snprintf(secs, sizeof secs, "%.3f", st->seconds);
    const char *f[8] = {st->name, ok ? "ok" : "error", ev, code, st->error_text ? st->error_text : "", secs,
                        st->coverage ? st->coverage : "", st->log ? st->log : ""};
    es_csv_row(b, f, 8);
}
