/* UTF-16LE <-> UTF-8 (see es_utf.h). */
#include "es_utf.h"

static size_t put_utf8(unsigned char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

int es_utf16le_to_utf8(es_buf *out, const void *p, size_t n, int stop_at_nul)
{
    const unsigned char *s = p;
    if (n > (SIZE_MAX - 16) / 3 || !es_buf_reserve(out, n * 3))
        return 0;
    unsigned char *o = (unsigned char *)out->data + out->len;
    unsigned char *start = o;
    size_t i = 0;
    /* ASCII fast path: most event text is ASCII. */
    while (i < n) {
        uint32_t u = (uint32_t)s[2 * i] | ((uint32_t)s[2 * i + 1] << 8);
        if (u < 0x80 && u != 0) {
            *o++ = (unsigned char)u;
            i++;
            continue;
        }
        if (u == 0) {
            if (stop_at_nul)
                break;
            *o++ = 0;
            i++;
            continue;
        }
        uint32_t cp = u;
        i++;
        if (u >= 0xD800 && u <= 0xDBFF) {
            uint32_t lo = i < n ? ((uint32_t)s[2 * i] | ((uint32_t)s[2 * i + 1] << 8)) : 0;
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                i++;
            } else {
                cp = 0xFFFD;
            }
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            cp = 0xFFFD;
        }
        o += put_utf8(o, cp);
    }
    out->len += (size_t)(o - start);
    out->data[out->len] = '\0';
    return 1;
}

size_t es_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t need;
    uint32_t v, min;
    if ((c & 0xE0) == 0xC0) { need = 2; v = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { need = 3; v = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { need = 4; v = c & 0x07; min = 0x10000; }
    else { *cp = 0xFFFD; return 1; }
    if (len < need) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return need;
}

size_t es_utf8_utf16_len(const char *s, size_t len)
{
    size_t units = 0, i = 0;
    while (i < len) {
        uint32_t cp;
        i += es_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        units += cp >= 0x10000 ? 2 : 1;
    }
    return units;
}

size_t es_utf8_to_utf16(const char *s, size_t len, uint16_t *out, size_t cap)
{
    size_t w = 0, i = 0;
    if (cap == 0)
        return 0;
    while (i < len) {
        uint32_t cp;
        size_t k = es_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (cp >= 0x10000) {
            if (w + 2 > cap - 1)
                break;
            cp -= 0x10000;
            out[w++] = (uint16_t)(0xD800 + (cp >> 10));
            out[w++] = (uint16_t)(0xDC00 + (cp & 0x3FF));
        } else {
            if (w + 1 > cap - 1)
                break;
            out[w++] = (uint16_t)cp;
        }
        i += k;
    }
    out[w] = 0;
    return w;
}

int es_ascii_ieq(const char *a, const char *b) { return es_ascii_icmp(a, b) == 0; }

int es_ascii_icmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y || !x)
            return x - y;
    }
}
