/* libFuzzer target: the marks file of "New since last sweep" (es_marks_parse), which the user
 * may edit or a disk may damage. Invariants: no crash or sanitizer report; a file that parses
 * formats to text that parses again to the same marks. */
#include "es_marks.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    es_marks m;
    es_marks_init(&m);
    char err[300];
    if (es_marks_parse(&m, (const char *)data, size, err, sizeof err)) {
        es_buf b;
        es_buf_init(&b);
        if (es_marks_format(&m, &b)) {
            es_marks r;
            es_marks_init(&r);
            if (!es_marks_parse(&r, b.data, b.len, err, sizeof err) || r.n != m.n)
                abort();
            for (size_t i = 0; i < m.n; i++)
                if (es_marks_get(&r, m.v[i].server, m.v[i].log) != m.v[i].record)
                    abort();
            es_marks_free(&r);
        }
        es_buf_free(&b);
    } else if (!memchr(err, 0, sizeof err) || !err[0]) {
        abort();   /* a refusal always says why */
    }
    es_marks_free(&m);
    return 0;
}
