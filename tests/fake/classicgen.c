/* classicgen: classic event records as bytes (see classicgen.h). */
#include "classicgen.h"

#include <string.h>

static size_t u16len(const char *s)   /* UTF-16 units of a UTF-8 string, NUL included (BMP only) */
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
        if ((*p & 0xC0) != 0x80)
            n++;
    return n + 1;
}

static void put16(unsigned char *p, uint32_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }

/* UTF-8 (BMP) to UTF-16LE with its NUL; returns bytes written */
static size_t putstr(unsigned char *p, const char *s)
{
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    size_t k = 0;
    while (*u) {
        uint32_t c = *u++;
        if (c >= 0xE0 && u[0] && u[1]) { c = (c & 0x0F) << 12 | (uint32_t)(u[0] & 0x3F) << 6 | (u[1] & 0x3F); u += 2; }
        else if (c >= 0xC0 && u[0]) { c = (c & 0x1F) << 6 | (u[0] & 0x3F); u += 1; }
        put16(p + 2 * k++, c);
    }
    put16(p + 2 * k++, 0);
    return 2 * k;
}

size_t cg_record_size(const cg_record *r)
{
    size_t n = 56 + 2 * (u16len(r->source) + u16len(r->computer));
    n = (n + 3) & ~(size_t)3;   /* the SID is DWORD-aligned */
    n += r->sid_len;
    for (uint16_t i = 0; i < r->nstrings; i++)
        n += 2 * u16len(r->strings[i]);
    n += r->data_len;
    n = (n + 3) & ~(size_t)3;
    return n + 4;
}

size_t cg_record_write(const cg_record *r, void *out, size_t cap)
{
    size_t size = cg_record_size(r);
    if (size > cap)
        return 0;
    unsigned char *p = out;
    memset(p, 0, size);
    put32(p, (uint32_t)size);
    put32(p + 4, 0x654c664cu);
    put32(p + 8, r->record_number);
    put32(p + 12, r->time_generated);
    put32(p + 16, r->time_generated);
    put32(p + 20, r->event_id);
    put16(p + 24, r->event_type);
    put16(p + 26, r->nstrings);
    put16(p + 28, r->category);
    size_t at = 56;
    at += putstr(p + at, r->source);
    at += putstr(p + at, r->computer);
    at = (at + 3) & ~(size_t)3;
    put32(p + 40, r->sid_len);
    put32(p + 44, r->sid_len ? (uint32_t)at : 0);
    at += r->sid_len;
    put32(p + 36, (uint32_t)at);
    for (uint16_t i = 0; i < r->nstrings; i++)
        at += putstr(p + at, r->strings[i]);
    put32(p + 48, r->data_len);
    put32(p + 52, (uint32_t)at);
    if (r->data_len)
        memcpy(p + at, r->data, r->data_len);
    put32(p + size - 4, (uint32_t)size);
    return size;
}
