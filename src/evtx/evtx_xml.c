/* The XML writer: text and attribute values escaped so that every record is one well-formed
 * line. '&', '<', '>' are escaped everywhere, '"' in attribute values; CR, LF and TAB become
 * character references (the record stays on one line); other control characters, which XML 1.0
 * does not allow at all, become U+FFFD. */
#define ES_EVTX_INTERNAL
#include "es_evtx.h"

/* 0: copy; 1: needs escaping */
static const uint8_t SPECIAL[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0,
};

void evx_xml_text(es_buf *x, const char *s, size_t n, int in_attr)
{
    /* worst case: every byte becomes "&quot;" */
    if (x->cap - x->len <= n * 6 && !es_buf_reserve(x, n * 6))
        return;
    char *o = x->data + x->len;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    /* 8 bytes at a time while none of them needs escaping (SWAR: a byte below 0x20, or equal
     * to one of the special characters) */
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    const uint64_t quote = in_attr ? ones * '"' : ones * '&';
    while (i < n) {
        size_t stop = n;
        if (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, u + i, 8);
            uint64_t a = w ^ (ones * '&'), l = w ^ (ones * '<'), g = w ^ (ones * '>'), q = w ^ quote;
            uint64_t hit = ((w - ones * 0x20) & ~w) | ((a - ones) & ~a) | ((l - ones) & ~l) | ((g - ones) & ~g) |
                           ((q - ones) & ~q);
            if (!(hit & high)) {
                memcpy(o, u + i, 8);
                o += 8;
                i += 8;
                continue;
            }
            stop = i + 8;   /* these 8 one by one, then words again */
        }
        for (; i < stop; i++) {
            unsigned char ch = u[i];
            if (!SPECIAL[ch]) {
                *o++ = (char)ch;
                continue;
            }
            switch (ch) {
            case '&': memcpy(o, "&amp;", 5); o += 5; break;
            case '<': memcpy(o, "&lt;", 4); o += 4; break;
            case '>': memcpy(o, "&gt;", 4); o += 4; break;
            case '"':
                if (in_attr) {
                    memcpy(o, "&quot;", 6);
                    o += 6;
                } else {
                    *o++ = '"';
                }
                break;
            case '\t': memcpy(o, "&#9;", 4); o += 4; break;
            case '\n': memcpy(o, "&#10;", 5); o += 5; break;
            case '\r': memcpy(o, "&#13;", 5); o += 5; break;
            default: memcpy(o, "\xEF\xBF\xBD", 3); o += 3; break;
            }
        }
    }
    x->len = (size_t)(o - x->data);
    x->data[x->len] = 0;
}

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#define EVX_SSE2 1
#include <emmintrin.h>
#endif

static inline size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* One ASCII character that needs escaping (SPECIAL), as evx_xml_text writes it. */
static inline char *put_escaped(char *o, unsigned ch, int in_attr)
{
    switch (ch) {
    case '&': memcpy(o, "&amp;", 5); return o + 5;
    case '<': memcpy(o, "&lt;", 4); return o + 4;
    case '>': memcpy(o, "&gt;", 4); return o + 4;
    case '"':
        if (in_attr) {
            memcpy(o, "&quot;", 6);
            return o + 6;
        }
        *o = '"';
        return o + 1;
    case '\t': memcpy(o, "&#9;", 4); return o + 4;
    case '\n': memcpy(o, "&#10;", 5); return o + 5;
    case '\r': memcpy(o, "&#13;", 5); return o + 5;
    default: memcpy(o, "\xEF\xBF\xBD", 3); return o + 3;
    }
}

/* UTF-16LE text (up to its first NUL) to the event's strings and to the XML in one pass:
 * t (when not NULL) gets the UTF-8, as es_utf16le_to_utf8 writes it, and x (when not NULL) the
 * same escaped, as evx_xml_text writes it. Without t, x gets U+FFFE and U+FFFF as U+FFFD (they
 * are not XML characters; evx_xml_utf16's rule). Runs of 8 (SSE2) or 4 code units that are
 * printable ASCII needing no escape are copied without looking at each unit. */
void evx_text16(es_buf *t, es_buf *x, const uint8_t *p, size_t units, const uint8_t *lim, int in_attr)
{
    /* room for the worst case, plus 16 bytes: the vector path stores 8 at a time */
    if (t && t->cap - t->len <= units * 3 + 16 && !es_buf_reserve(t, units * 3 + 16))
        return;
    if (x && x->cap - x->len <= units * 6 + 16 && !es_buf_reserve(x, units * 6 + 16))
        return;
    char *to = t ? t->data + t->len : NULL, *xo = x ? x->data + x->len : NULL;
    const int map_nonchars = t == NULL;
    size_t i = 0;
    while (i < units) {
#ifdef EVX_SSE2
        if ((size_t)(lim - (p + 2 * i)) >= 16) {
            /* 8 units (reading past the text is fine while inside the chunk): the plain ones
             * at the start are copied; the first one that is not goes the slow way */
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 2 * i));
            __m128i ok = _mm_and_si128(_mm_cmpgt_epi16(v, _mm_set1_epi16(0x1F)), _mm_cmplt_epi16(v, _mm_set1_epi16(0x80)));
            __m128i sp = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi16(v, _mm_set1_epi16('&')), _mm_cmpeq_epi16(v, _mm_set1_epi16('<'))),
                                      _mm_or_si128(_mm_cmpeq_epi16(v, _mm_set1_epi16('>')),
                                                   _mm_cmpeq_epi16(v, _mm_set1_epi16(in_attr ? '"' : '&'))));
            unsigned plain = (unsigned)_mm_movemask_epi8(_mm_andnot_si128(sp, ok));
            size_t k = plain == 0xFFFF ? 8 : (size_t)__builtin_ctz(~plain) / 2;
            if (k > units - i)
                k = units - i;
            if (k) {
                __m128i b = _mm_packus_epi16(v, v);
                if (to) {
                    _mm_storel_epi64((__m128i *)(void *)to, b);
                    to += k;
                }
                if (xo) {
                    _mm_storel_epi64((__m128i *)(void *)xo, b);
                    xo += k;
                }
                i += k;
                if (k == 8)
                    continue;
            }
            if (i >= units)
                break;
            /* the first unit that is not plain: a NUL ends the text */
            unsigned nul = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi16(v, _mm_setzero_si128()));
            if ((nul >> (2 * k)) & 1)
                break;
        }
#else
        if (units - i >= 4) {
            /* 4 units in 16-bit lanes: all below 0x80, none below 0x20 or special */
            uint64_t w = (uint64_t)evx_u32(p + 2 * i) | ((uint64_t)evx_u32(p + 2 * i + 4) << 32);
            const uint64_t ones = 0x0001000100010001ull, high = 0x8000800080008000ull;
            if ((w & 0xFF80FF80FF80FF80ull) == 0) {
                uint64_t a = w ^ (ones * '&'), l = w ^ (ones * '<'), g = w ^ (ones * '>'),
                         q = w ^ (ones * (in_attr ? '"' : '&'));
                uint64_t hit = ((w - ones * 0x20) & ~w) | ((a - ones) & ~a) | ((l - ones) & ~l) | ((g - ones) & ~g) |
                               ((q - ones) & ~q);
                if (!(hit & high)) {
                    char b[4] = {(char)w, (char)(w >> 16), (char)(w >> 32), (char)(w >> 48)};
                    if (to) {
                        memcpy(to, b, 4);
                        to += 4;
                    }
                    if (xo) {
                        memcpy(xo, b, 4);
                        xo += 4;
                    }
                    i += 4;
                    continue;
                }
            }
        }
#endif
        /* one unit the slow way (a few when the vector path cannot be used) */
#ifdef EVX_SSE2
        size_t stop = i + 1;
#else
        size_t stop = units - i > 4 ? i + 4 : units;
#endif
        while (i < stop) {
            uint32_t u = (uint32_t)p[2 * i] | ((uint32_t)p[2 * i + 1] << 8);
            i++;
            if (u < 0x80) {
                if (u == 0) {
                    i = units;   /* the text ends at its first NUL */
                    break;
                }
                if (to)
                    *to++ = (char)u;
                if (xo) {
                    if (SPECIAL[u] && (u != '"' || in_attr))
                        xo = put_escaped(xo, u, in_attr);
                    else
                        *xo++ = (char)u;
                }
                continue;
            }
            uint32_t cp = u;
            if (u >= 0xD800 && u <= 0xDBFF) {
                uint32_t lo = i < units ? ((uint32_t)p[2 * i] | ((uint32_t)p[2 * i + 1] << 8)) : 0;
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    i++;
                    if (stop < i)
                        stop = i;
                } else {
                    cp = 0xFFFD;
                }
            } else if (u >= 0xDC00 && u <= 0xDFFF) {
                cp = 0xFFFD;
            }
            if (to)
                to += put_utf8(to, cp);
            if (xo)
                xo += put_utf8(xo, map_nonchars && (cp == 0xFFFE || cp == 0xFFFF) ? 0xFFFD : cp);
        }
    }
    if (t) {
        t->len = (size_t)(to - t->data);
        t->data[t->len] = 0;
    }
    if (x) {
        x->len = (size_t)(xo - x->data);
        x->data[x->len] = 0;
    }
}

/* UTF-16LE straight to escaped UTF-8 (up to the first NUL): the common case of a string value
 * that nobody collects, without a trip through a scratch buffer. */
void evx_xml_utf16(es_buf *x, const uint8_t *p, size_t units, int in_attr) { evx_text16(NULL, x, p, units, p + 2 * units, in_attr); }
