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


const char evx_digits2[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                              "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                              "8081828384858687888990919293949596979899";

void evx_put_u64(es_buf *out, uint64_t v)
{
    if (out->cap - out->len <= 24 && !es_buf_reserve(out, 24))
        return;
    size_t k = 1;   /* digits */
    for (uint64_t p10 = 10; k < 20 && v >= p10; p10 *= 10)
        k++;
    char *o = out->data + out->len, *w = o + k;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        w -= 2;
        memcpy(w, evx_digits2 + 2 * r, 2);
    }
    if (v >= 10) {
        w -= 2;
        memcpy(w, evx_digits2 + 2 * v, 2);
    } else {
        *--w = (char)('0' + v);
    }
    out->len += k;
    out->data[out->len] = 0;
}

static void put_i64(es_buf *out, int64_t v)
{
    if (v < 0) {
        evx_putc(out, '-');
        evx_put_u64(out, (uint64_t)0 - (uint64_t)v);
    } else {
        evx_put_u64(out, (uint64_t)v);
    }
}

static void put_hex(es_buf *out, uint64_t v, int width)
{
    static const char hex2l[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                                "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
                                "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
                                "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
                                "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
                                "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
                                "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
                                "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    /* all 16 digits, then as many as it takes (at least width) */
    char tmp[16];
    for (int i = 0; i < 8; i++)
        memcpy(tmp + 14 - 2 * i, hex2l + 2 * ((v >> (8 * i)) & 0xFF), 2);
    int k = 1;   /* significant digits */
#if defined(__GNUC__) || defined(__clang__)
    if (v)
        k = (64 - __builtin_clzll(v) + 3) / 4;
#else
    for (uint64_t t = v >> 4; t; t >>= 4)
        k++;
#endif
    if (k < width)
        k = width;
    if (out->cap - out->len <= (size_t)k + 2 && !es_buf_reserve(out, (size_t)k + 2))
        return;
    char *o = out->data + out->len;
    o[0] = '0';
    o[1] = 'x';
    memcpy(o + 2, tmp + 16 - k, (size_t)k);
    out->len += (size_t)k + 2;
    out->data[out->len] = 0;
}

/* Little-endian unsigned of up to 8 bytes (fewer when the value is short). */
static inline uint64_t le(const uint8_t *v, size_t n, size_t want)
{
    if (n >= want) {
        switch (want) {
        case 1: return v[0];
        case 2: return evx_u16(v);
        case 4: return evx_u32(v);
        default: return evx_u64(v);
        }
    }
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++)
        x |= (uint64_t)v[i] << (8 * i);
    return x;
}

static void put_2(char *o, int v) { memcpy(o, evx_digits2 + 2 * ((unsigned)v % 100), 2); }

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
    memcpy(o + 25, evx_digits2 + 2 * (frac % 100), 2);
    frac /= 100;
    memcpy(o + 23, evx_digits2 + 2 * (frac % 100), 2);
    frac /= 100;
    memcpy(o + 21, evx_digits2 + 2 * (frac % 100), 2);
    o[20] = (char)('0' + frac / 100 % 10);
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

/* "00" .. "FF" */
static const char HEX2[] =
    "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
    "202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F"
    "404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F"
    "606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F"
    "808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9F"
    "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF"
    "C0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"
    "E0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF";

static void render_guid(es_buf *out, const uint8_t *v, size_t n)
{
    if (n < 16)
        return;
    /* {33221100-5544-7766-8899-AABBCCDDEEFF} */
    static const int8_t order[20] = {3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15};
    if (out->cap - out->len <= 38 && !es_buf_reserve(out, 38))
        return;
    char *o = out->data + out->len, *start = o;
    *o++ = '{';
    for (int i = 0; i < 20; i++) {
        int k = order[i];
        if (k < 0) {
            *o++ = '-';
        } else {
            memcpy(o, HEX2 + 2 * v[k], 2);
            o += 2;
        }
    }
    *o++ = '}';
    out->len += (size_t)(o - start);
    out->data[out->len] = 0;
}

static void render_sid(es_buf *out, const uint8_t *v, size_t n)
{
    if (n < 8) {
        return;
    }
    uint64_t auth = 0;
    for (int i = 2; i < 8; i++)
        auth = (auth << 8) | v[i];
    evx_put(out, "S-", 2);
    evx_put_u64(out, v[0]);
    evx_putc(out, '-');
    if (auth >> 32)
        put_hex(out, auth, 12);
    else
        evx_put_u64(out, auth);
    size_t subs = v[1];
    for (size_t i = 0; i < subs && 8 + i * 4 + 4 <= n; i++) {
        evx_putc(out, '-');
        evx_put_u64(out, evx_u32(v + 8 + i * 4));
    }
}

static void render_hex_bytes(es_buf *out, const uint8_t *v, size_t n)
{
    if (!es_buf_reserve(out, n * 2))
        return;
    char *o = out->data + out->len;
    for (size_t i = 0; i < n; i++)
        memcpy(o + 2 * i, HEX2 + 2 * v[i], 2);
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
    char *o = out->data + out->len;
    for (size_t i = 0; i < n; i++) {
        /* 8 bytes at a time while they are ASCII and not NUL */
        while (n - i >= 8) {
            uint64_t w = (uint64_t)evx_u32(v + i) | ((uint64_t)evx_u32(v + i + 4) << 32);
            const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
            if (((w - ones) & ~w & high) | (w & high))
                break;
            memcpy(o, v + i, 8);
            o += 8;
            i += 8;
        }
        if (i >= n)
            break;
        uint8_t b = v[i];
        if (b == 0)
            break;
        if (b < 0x80) {
            *o++ = (char)b;
        } else {
            /* Windows-1252 as UTF-8: 2 or 3 bytes */
            uint32_t u = b < 0xA0 ? CP1252[b - 0x80] : b;
            if (u < 0x800) {
                *o++ = (char)(0xC0 | (u >> 6));
                *o++ = (char)(0x80 | (u & 0x3F));
            } else {
                *o++ = (char)(0xE0 | (u >> 12));
                *o++ = (char)(0x80 | ((u >> 6) & 0x3F));
                *o++ = (char)(0x80 | (u & 0x3F));
            }
        }
    }
    out->len = (size_t)(o - out->data);
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
    case 0x0D:
        if (le(v, n, 8))
            evx_put(out, "true", 4);
        else
            evx_put(out, "false", 5);
        return;
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
                    evx_putc(out, ',');
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
                evx_putc(out, ',');
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
            evx_putc(out, ',');
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
