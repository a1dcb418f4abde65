/* libFuzzer target for the .evtx parser (es_evtx.h).
 *
 * An input that starts with a file header is read as a whole file (header, then 64 KiB chunks,
 * the last one short); any other input is fed as one chunk. Every record's strings are walked
 * so that a pointer to freed or foreign memory shows up under ASan, and the XML is checked for
 * the structure the writer promises (one line, tags balanced). */
#include "es_evtx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t touch(const char *s)
{
    return s ? strlen(s) : 0;
}

static int on_record(void *ctx, const es_event *ev, const es_evtx_record *rec)
{
    size_t n = touch(ev->provider) + touch(ev->channel) + touch(ev->computer);
    for (size_t i = 0; i < ev->ndata; i++)
        n += touch(ev->data[i].name) + touch(ev->data[i].value);
    if (rec->xml) {
        if (strlen(rec->xml) != rec->xml_len)
            abort();   /* the XML holds no NUL */
        if (memchr(rec->xml, '\n', rec->xml_len))
            abort();   /* one line per record */
        /* tags balanced: "<x" opens, "</" and "/>" close; CDATA sections and processing
         * instructions are skipped whole (their text may hold '<' and "/>") */
        const char *x = rec->xml;
        size_t len = rec->xml_len;
        long depth = 0;
        for (size_t i = 0; i < len; i++) {
            if (x[i] == '/' && i + 1 < len && x[i + 1] == '>') {
                depth--;
            } else if (x[i] == '<') {
                if (len - i >= 9 && memcmp(x + i, "<![CDATA[", 9) == 0) {
                    const char *e = strstr(x + i + 9, "]]>");
                    if (!e)
                        abort();   /* a CDATA section not closed */
                    i = (size_t)(e - x) + 2;
                    continue;
                }
                if (i + 1 < len && x[i + 1] == '?') {
                    const char *e = strstr(x + i + 2, "?>");
                    if (!e)
                        abort();   /* a PI not closed */
                    i = (size_t)(e - x) + 1;
                    continue;
                }
                if (i + 1 < len && x[i + 1] == '/')
                    depth--;
                else
                    depth++;
            }
            if (depth < 0)
                abort();
        }
        if (depth != 0)
            abort();   /* every element closed */
    }
    *(volatile size_t *)ctx += n;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static es_evtx_parser *p;
    static size_t sink;
    if (!p)
        p = es_evtx_new(ES_EVTX_XML);
    if (!p)
        return 0;
    es_evtx_reset(p);
    if (size >= 128 && memcmp(data, "ElfFile", 8) == 0) {
        es_evtx_file_info fi;
        es_evtx_note_file_header(p, es_evtx_parse_file_header(data, size, &fi));
        for (size_t off = ES_EVTX_FILE_HEADER_SIZE; off < size; off += ES_EVTX_CHUNK_SIZE) {
            size_t n = size - off < ES_EVTX_CHUNK_SIZE ? size - off : ES_EVTX_CHUNK_SIZE;
            es_evtx_feed_chunk(p, data + off, n, on_record, &sink);
        }
    } else {
        es_evtx_feed_chunk(p, data, size, on_record, &sink);
    }
    return 0;
}
