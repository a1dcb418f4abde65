/* classicgen: writes classic event log records (EVENTLOGRECORD, es_evtrec.h's layout) as a
 * server's ReadEventLogW would return them — for the unit tests, the fuzz seeds and the
 * simulated advapi32 of tests/win/classic_test.c. Portable (no windows.h). */
#ifndef CLASSICGEN_H
#define CLASSICGEN_H

#include <stddef.h>
#include <stdint.h>

typedef struct cg_record {
    uint32_t    record_number;
    uint32_t    time_generated;   /* seconds since 1970 */
    uint32_t    event_id;         /* with qualifiers in the high 16 bits */
    uint16_t    event_type;
    uint16_t    category;
    const char *source;           /* ASCII or UTF-8 */
    const char *computer;
    const char *const *strings;
    uint16_t    nstrings;
    const void *data;             /* binary data (may be NULL) */
    uint32_t    data_len;
    uint32_t    sid_len;          /* a fake SID of this many bytes (0: none) */
} cg_record;

/* Bytes the record takes (a multiple of 4). */
size_t cg_record_size(const cg_record *r);
/* Writes it at out (cap bytes); returns its size, 0 when it does not fit. */
size_t cg_record_write(const cg_record *r, void *out, size_t cap);

#endif
