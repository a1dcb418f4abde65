/* libFuzzer target for the classic event log's records (es_evtrec.h): a buffer as ReadEventLogW
 * might return it from a hostile server. Every string of every record is walked (ASan sees a
 * pointer outside the decoder's text), the offset only moves forward and stays in the buffer,
 * and a record's data items never exceed the cap. */
#include "es_evtrec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    es_evtrec_decoder d;
    es_evtrec_init(&d);
    size_t off = 0;
    es_evtrec rec;
    char err[200];
    int rc;
    while ((rc = es_evtrec_next(&d, data, size, &off, "System", &rec, err, sizeof err)) == 1) {
        if (off > size || rec.ev.ndata > ES_EVTREC_MAX_STRINGS)
            abort();
        size_t n = strlen(rec.ev.provider) + strlen(rec.ev.computer);
        for (size_t i = 0; i < rec.ev.ndata; i++)
            n += strlen(rec.ev.data[i].value) + strlen(rec.ev.data[i].name);
        if (n > 4 * size + 16)
            abort();   /* UTF-8 of UTF-16 text: at most 3 bytes a unit, plus the NULs */
        if (rec.ev.level > 4 || rec.ev.event_id > 0xFFFF)
            abort();
        /* the XML: one line, one <Data> per string, no raw markup from the server */
        es_buf x;
        es_buf_init(&x);
        if (!es_evtrec_xml(&rec, &x) || memchr(x.data, '\n', x.len))
            abort();
        size_t ndata = 0;
        for (const char *p = x.data; (p = strstr(p, "<Data>")) != NULL; p++)
            ndata++;
        if (ndata != rec.ev.ndata)
            abort();
        es_buf_free(&x);
    }
    if (rc == -1 && !strstr(err, "at byte"))
        abort();   /* a refusal says where */
    es_evtrec_free(&d);
    return 0;
}
