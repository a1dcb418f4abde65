/* Substitution values as text, the way Event Viewer's XML view shows them.
 *
 * A value whose size does not fit its type (hostile or just unusual data) is still rendered:
 * integers take the bytes there are, a short SID shows the parts it has, an unknown type is
 * shown as hex. Rendering never fails a record. */
#define ES_EVTX_INTERNAL
#include "es_evtx.h"
#include "es_time.h"
#include "es_utf.h"

#include <stdio.h>

static const char HEXU[] = "0123456789ABCDEF";
static const char HEXL[] = "0123456789abcdef";

void evx_put_u64(es_buf *out, uint64_t v)
{
    char tmp[24];
    int k = 0;
    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (!es_buf_reserve(out, (size_t)k))
        return;
    char *o = out->data + out->len;
    for (int i = 0; i < k; i++)
        o[i] = tmp[k - 1 - i];
    out->len += (size_t)k;
    out->data[out->len] = 0;
}

static void put_i64(es_buf *out, int64_t v)
{
    if (v < 0) {
        es_buf_putc(out, '-');
        evx_put_u64(out, (uint64_t)0 - (uint64_t)v);
    } else {
        evx_put_u64(out, (uint64_t)v);
    }
}

static void put_hex(es_buf *out, uint64_t v, int width)
{
    char tmp[20];
    int k = 0;
    do {
        tmp[k++] = HEXL[v & 15];
        v >>= 4;
    } while (v);
    while (k < width)
        tmp[k++] = '0';
    if (!es_buf_reserve(out, (size_t)k + 2))
        return;
    char *o = out->data + out->len;
    *o++ = '0';
    *o++ = 'x';
    for (int i = 0; i < k; i++)
        o[i] = tmp[k - 1 - i];
    out->len += (size_t)k + 2;
    out->data[out->len] = 0;
}

/* Little-endian unsigned of up to 8 bytes (fewer when the value is short). */
static uint64_t le(const uint8_t *v, size_t n, size_t want)
{
    uint64_t x = 0;
    if (n > want)
        n = want;
    for (size_t i = 0; i < n; i++)
        x |= (uint64_t)v[i] << (8 * i);
    return x;
}

static void put_2(char *o, int v) { o[0] = (char)('0' + v / 10 % 10); o[1] = (char)('0' + v % 10); }

void evx_render_filetime(es_buf *out, uint64_t ft)
{
    /* 2016-07-08T18:12:51.681640800Z: 7 digits of ticks, then "00" (nanoseconds) */
    es_civil cv;
    es_time_to_civil(ft, &cv);
    unsigned frac = (unsigned)(ft % ES_TICKS_PER_SEC);
    if (!es_buf_reserve(out, 32))
        return;
    char *o = out->data + out->len;
    int y = cv.year;
    o[0] = (char)('0' + y / 1000 % 10);
    o[1] = (char)('0' + y / 100 % 10);
    o[2] = (char)('0' + y / 10 % 10);
    o[3] = (char)('0' + y % 10);
    o[4] = '-';
    put_2(o + 5, cv.month);
    o[7] = '-';
    put_2(o + 8, cv.day);
    o[10] = 'T';
    put_2(o + 11, cv.hour);
    o[13] = ':';
    put_2(o + 14, cv.minute);
    o[16] = ':';
    put_2(o + 17, cv.second);
    o[19] = '.';
    for (int i = 6; i >= 0; i--) {
        o[20 + i] = (char)('0' + frac % 10);
        frac /= 10;
    }
    o[27] = '0';
    o[28] = '0';
    o[29] = 'Z';
    out->len += 30;
    out->data[out->len] = 0;
}

static void render_systemtime(es_buf *out, const uint8_t *v, size_t n)
{
    if (n < 16) {
        return;
    }
    unsigned y = evx_u16(v), mo = evx_u16(v + 2), d = evx_u16(v + 6), h = evx_u16(v + 8), mi = evx_u16(v + 10),
             s = evx_u16(v + 12), ms = evx_u16(v + 14);
    es_buf_printf(out, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", y % 10000, mo % 100, d % 100, h % 100, mi % 100,
                  s % 100, ms % 1000);
}

static void render_guid(es_buf *out, const uint8_t *v, size_t n)
{
    if (n < 16)
        return;
    static const int order[16] = {3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11};
    char t[40];
    int k = 0;
    t[k++] = '{';
    for (int i = 0; i < 16; i++) {
        if (order[i] < 0) {
            t[k++] = '-';
            continue;
        }
        uint8_t b = v[order[i]];
        t[k++] = HEXU[b >> 4];
        t[k++] = HEXU[b & 15];
    }
    for (int i = 12; i < 16; i++) {
        t[k++] = HEXU[v[i] >> 4];
        t[k++] = HEXU[v[i] & 15];
    }
    t[k++] = '}';
    es_buf_append(out, t, (size_t)k);
}

static void render_sid(es_buf *out, const uint8_t *v, size_t n)
{
    if (n < 8) {
        return;
    }
    uint64_t auth = 0;
    for (int i = 2; i < 8; i++)
        auth = (auth << 8) | v[i];
    es_buf_append(out, "S-", 2);
    evx_put_u64(out, v[0]);
    es_buf_putc(out, '-');
    if (auth >> 32)
        put_hex(out, auth, 12);
    else
        evx_put_u64(out, auth);
    size_t subs = v[1];
    for (size_t i = 0; i < subs && 8 + i * 4 + 4 <= n; i++) {
        es_buf_putc(out, '-');
        evx_put_u64(out, evx_u32(v + 8 + i * 4));
    }
}

static void render_hex_bytes(es_buf *out, const uint8_t *v, size_t n)
{
    if (!es_buf_reserve(out, n * 2))
        return;
    char *o = out->data + out->len;
    for (size_t i = 0; i < n; i++) {
        o[2 * i] = HEXU[v[i] >> 4];
        o[2 * i + 1] = HEXU[v[i] & 15];
    }
    out->len += n * 2;
    out->data[out->len] = 0;
}

/* Windows-1252 bytes 0x80..0x9F; the rest are Latin-1. */
static const uint16_t CP1252[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

static void render_ansi(es_buf *out, const uint8_t *v, size_t n)
{
    if (!es_buf_reserve(out, n * 3))
        return;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = v[i];
        if (b == 0)
            break;
        if (b < 0x80) {
            out->data[out->len++] = (char)b;
        } else {
            uint16_t u = b < 0xA0 ? CP1252[b - 0x80] : b;
            uint8_t tmp[2] = {(uint8_t)u, (uint8_t)(u >> 8)};
            es_utf16le_to_utf8(out, tmp, 1, 0);
        }
    }
    out->data[out->len] = 0;
}

static void render_double(es_buf *out, double d)
{
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.15g", d);
    double back = 0;
    if (sscanf(tmp, "%lf", &back) != 1 || back != d)
        snprintf(tmp, sizeof tmp, "%.17g", d);
    es_buf_puts(out, tmp);
}

static void render_float(es_buf *out, float f)
{
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.7g", (double)f);
    float back = 0;
    if (sscanf(tmp, "%f", &back) != 1 || back != f)
        snprintf(tmp, sizeof tmp, "%.9g", (double)f);
    es_buf_puts(out, tmp);
}

/* Size in bytes of one element of a fixed-size type; 0 for variable-size types. */
static size_t elem_size(unsigned t)
{
    switch (t) {
    case 0x03: case 0x04: return 1;
    case 0x05: case 0x06: return 2;
    case 0x07: case 0x08: case 0x0B: case 0x0D: case 0x14: return 4;
    case 0x09: case 0x0A: case 0x0C: case 0x11: case 0x15: return 8;
    case 0x0F: case 0x12: return 16;
    default: return 0;
    }
}

void evx_render_scalar(es_buf *out, unsigned type, const uint8_t *v, size_t n, uint64_t *ft, int *have_ft)
{
    switch (type) {
    case 0x00: return;
    case 0x01: {   /* UTF-16 string, up to its first NUL */
        es_utf16le_to_utf8(out, v, n / 2, 1);
        return;
    }
    case 0x02: render_ansi(out, v, n); return;
    case 0x03: put_i64(out, (int8_t)le(v, n, 1)); return;
    case 0x04: evx_put_u64(out, le(v, n, 1)); return;
    case 0x05: put_i64(out, (int16_t)le(v, n, 2)); return;
    case 0x06: evx_put_u64(out, le(v, n, 2)); return;
    case 0x07: put_i64(out, (int32_t)le(v, n, 4)); return;
    case 0x08: evx_put_u64(out, le(v, n, 4)); return;
    case 0x09: put_i64(out, (int64_t)le(v, n, 8)); return;
    case 0x0A: evx_put_u64(out, le(v, n, 8)); return;
    case 0x0B: {
        uint32_t u = (uint32_t)le(v, n, 4);
        float f;
        memcpy(&f, &u, 4);
        render_float(out, f);
        return;
    }
    case 0x0C: {
        uint64_t u = le(v, n, 8);
        double d;
        memcpy(&d, &u, 8);
        render_double(out, d);
        return;
    }
    case 0x0D: es_buf_puts(out, le(v, n, 8) ? "true" : "false"); return;
    case 0x0E: render_hex_bytes(out, v, n); return;
    case 0x0F: if (n >= 16) render_guid(out, v, n); else render_hex_bytes(out, v, n); return;
    case 0x10: put_hex(out, le(v, n, 8), n >= 8 ? 16 : 8); return;   /* size_t */
    case 0x11: {
        uint64_t t = le(v, n, 8);
        if (ft && have_ft) {
            *ft = t;
            *have_ft = 1;
        }
        evx_render_filetime(out, t);
        return;
    }
    case 0x12: if (n >= 16) render_systemtime(out, v, n); else render_hex_bytes(out, v, n); return;
    case 0x13: if (n >= 8) render_sid(out, v, n); else render_hex_bytes(out, v, n); return;
    case 0x14: put_hex(out, le(v, n, 4), 0); return;
    case 0x15: put_hex(out, le(v, n, 8), 0); return;
    default: render_hex_bytes(out, v, n); return;
    }
}

void evx_render_value(es_buf *out, unsigned type, const uint8_t *v, size_t n, uint64_t *ft, int *have_ft)
{
    if (!(type & 0x80)) {
        evx_render_scalar(out, type, v, n, ft, have_ft);
        return;
    }
    unsigned t = type & 0x7F;
    if (t == 0x01 || t == 0x02) {   /* arrays of strings: NUL-separated */
        size_t unit = t == 0x01 ? 2 : 1, i = 0, start = 0, count = 0;
        size_t units = n / unit;
        for (i = 0; i <= units; i++) {
            int at_end = i == units;
            int nul = !at_end && (unit == 2 ? evx_u16(v + i * 2) == 0 : v[i] == 0);
            if (nul || at_end) {
                if (at_end && i == start)
                    break;
                if (count++)
                    es_buf_putc(out, ',');
                evx_render_scalar(out, t, v + start * unit, (i - start) * unit, NULL, NULL);
                start = i + 1;
            }
        }
        return;
    }
    size_t es = elem_size(t);
    if (t == 0x13) {   /* SIDs: each is 8 + 4 * subauthorities bytes */
        size_t i = 0, count = 0;
        while (i + 8 <= n) {
            size_t sz = 8 + (size_t)v[i + 1] * 4;
            if (sz > n - i)
                sz = n - i;
            if (count++)
                es_buf_putc(out, ',');
            render_sid(out, v + i, sz);
            i += sz;
        }
        return;
    }
    if (t == 0x10)
        es = 8;
    if (es == 0) {
        render_hex_bytes(out, v, n);
        return;
    }
    for (size_t i = 0; i + es <= n; i += es) {
        if (i)
            es_buf_putc(out, ',');
        evx_render_scalar(out, t, v + i, es, NULL, NULL);
    }
}

int evx_array_next(unsigned type, const uint8_t *v, size_t n, size_t *pos, size_t *ip, size_t *in)
{
    unsigned t = type & 0x7F;
    size_t i = *pos;
    if (i >= n)
        return 0;
    if (t == 0x01 || t == 0x02) {
        size_t unit = t == 0x01 ? 2 : 1, k = i;
        while (k + unit <= n && (unit == 2 ? evx_u16(v + k) != 0 : v[k] != 0))
            k += unit;
        *ip = i;
        *in = k - i;
        *pos = k + unit <= n ? k + unit : n;
        return 1;
    }
    if (t == 0x13) {
        if (n - i < 8)
            return 0;
        size_t sz = 8 + (size_t)v[i + 1] * 4;
        if (sz > n - i)
            sz = n - i;
        *ip = i;
        *in = sz;
        *pos = i + sz;
        return 1;
    }
    size_t es = t == 0x10 ? 8 : elem_size(t);
    if (es == 0) {   /* an array of a variable-size type: one element, the whole value */
        *ip = i;
        *in = n - i;
        *pos = n;
        return 1;
    }
    if (n - i < es)
        return 0;
    *ip = i;
    *in = es;
    *pos = i + es;
    return 1;
}
