/* Quick find (see es_view.h): a case-insensitive substring of any visible column, as the list
 * displays it — the Message on one line (CR, LF and TAB show as spaces), the IDs in decimal,
 * the time as the window formats it. */
#include "es_view.h"
#include "es_time.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#include <emmintrin.h>
#endif

struct es_find {
    char   *text;       /* folded */
    char   *orig;       /* as given */
    size_t  len;
    int     timelike;   /* only digits, '-', ':', ' ', '.', 'T', 'Z': may be part of a time */
    int     digits;     /* only digits: may be part of an ID */
    uint64_t number;    /* digits: their value (up to 6 of them) */
};

/* ASCII letters fold to lower case and CR, LF, TAB to a space (as the list shows them);
 * every other byte is itself, so UTF-8 sequences compare exactly. */
static const unsigned char g_fold[256] = {
      0,   1,   2,   3,   4,   5,   6,   7,   8,  32,  32,  11,  12,  32,  14,  15,
     16,  17,  18,  19,  20,  21,  22,  23,  24,  25,  26,  27,  28,  29,  30,  31,
     32,  33,  34,  35,  36,  37,  38,  39,  40,  41,  42,  43,  44,  45,  46,  47,
     48,  49,  50,  51,  52,  53,  54,  55,  56,  57,  58,  59,  60,  61,  62,  63,
     64,  97,  98,  99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
    112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122,  91,  92,  93,  94,  95,
     96,  97,  98,  99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
    112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127,
    128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143,
    144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159,
    160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175,
    176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191,
    192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207,
    208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223,
    224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239,
    240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255,
};

es_find *es_find_new(const char *text, int *oom)
{
    if (oom)
        *oom = 0;
    if (!text || !*text)
        return NULL;
    es_find *f = calloc(1, sizeof *f);
    size_t n = strlen(text);
    if (f) {
        f->text = malloc(n + 1);
        f->orig = malloc(n + 1);
    }
    if (!f || !f->text || !f->orig) {
        if (f) {
            free(f->text);
            free(f->orig);
        }
        free(f);
        if (oom)
            *oom = 1;
        return NULL;
    }
    f->timelike = f->digits = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = g_fold[(unsigned char)text[i]];
        f->text[i] = (char)ch;
        if (ch < '0' || ch > '9') {
            f->digits = 0;
            if (!strchr("-: .tz", ch))
                f->timelike = 0;
        }
    }
    f->text[n] = 0;
    for (size_t i = 0; f->digits && i < n && i < 6; i++)
        f->number = f->number * 10 + (uint64_t)(f->text[i] - '0');
    memcpy(f->orig, text, n + 1);
    f->len = n;
    return f;
}

void es_find_free(es_find *f)
{
    if (f) {
        free(f->text);
        free(f->orig);
        free(f);
    }
}

const char *es_find_text(const es_find *f) { return f ? f->orig : ""; }

int es_find_covers(const es_find *f, const es_find *narrower)
{
    if (!f)
        return 1;
    return narrower && strstr(narrower->text, f->text) != NULL;
}

/* Does the folded needle occur in s? A scan for the first byte, then a compare: no allocation,
 * no copy of the haystack. */
static int contains(const char *s, const es_find *f)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *n = (const unsigned char *)f->text;
    unsigned char first = n[0];
    size_t rest = f->len - 1;
    for (; *p; p++) {
        if (g_fold[*p] != first)
            continue;
        size_t i = 0;
        while (i < rest && p[1 + i] && g_fold[p[1 + i]] == n[1 + i])
            i++;
        if (i == rest)
            return 1;
    }
    return 0;
}

/* The folded needle starts at p (whose bytes up to the needle's length are readable). */
static inline int match_at(const unsigned char *p, const es_find *f)
{
    const unsigned char *n = (const unsigned char *)f->text;
    size_t j = 0;
    while (j < f->len && g_fold[p[j]] == n[j])
        j++;
    return j == f->len;
}

/* The message, whose length the row knows: 8 bytes at a time, looking for the needle's first
 * byte (a letter in either case: OR 0x20 folds ASCII letters, and lets some other bytes through,
 * which the compare then rejects), then a compare. Needles starting with a space (which also
 * stands for CR, LF and TAB) take the plain scan. */
static int contains_len(const char *s, size_t len, const es_find *f)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *n = (const unsigned char *)f->text;
    unsigned char first = n[0];
    if (first == ' ' || len < 16)
        return contains(s, f);
    if (len < f->len)
        return 0;
#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
    /* 16 places at a time: the needle's first byte at the place and its last byte where the
     * needle would end (unless that is a space, which also stands for CR, LF and TAB), both in
     * either case for letters (OR 0x20); a place is compared only when both fit. */
    {
        size_t L = f->len, lastp = len - L;   /* the last place the needle can start */
        unsigned char endc = n[L - 1];
        int both = L > 1 && endc != ' ';
        const __m128i pa = _mm_set1_epi8((char)first), fa = _mm_set1_epi8(first >= 'a' && first <= 'z' ? 0x20 : 0);
        const __m128i pb = _mm_set1_epi8((char)endc), fb = _mm_set1_epi8(endc >= 'a' && endc <= 'z' ? 0x20 : 0);
        if (lastp < 15) {   /* fewer than 16 places */
            for (size_t i = 0; i <= lastp; i++)
                if (match_at(p + i, f))
                    return 1;
            return 0;
        }
        for (size_t i = 0;; i += 16) {
            /* the last 16 places overlap the ones before: those already looked at are masked */
            size_t at = i + 16 <= lastp + 1 ? i : lastp - 15;
            unsigned skip = (unsigned)(i - at);
            /* reads up to p[at + 15 + L - 1] <= p[len - 1] */
            __m128i a = _mm_or_si128(_mm_loadu_si128((const __m128i *)(p + at)), fa);
            unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, pa)) >> skip << skip;
            if (both && mask) {
                __m128i b = _mm_or_si128(_mm_loadu_si128((const __m128i *)(p + at + L - 1)), fb);
                mask &= (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, pb));
            }
            while (mask) {
                unsigned k = (unsigned)__builtin_ctz(mask);
                if (match_at(p + at + k, f))
                    return 1;
                mask &= mask - 1;
            }
            if (at + 16 > lastp)
                return 0;
        }
    }
#endif
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull, lows = ~highs;
    int letter = first >= 'a' && first <= 'z';
    uint64_t pat = ones * first, fold = letter ? ones * 0x20 : 0;
    /* and the second byte at the next place (unless it is a space, which also stands for CR,
     * LF and TAB): a place is looked at only when both bytes fit, far fewer than for one */
    unsigned char second = f->len > 1 ? n[1] : 0;
    int two = f->len > 1 && second != ' ';
    uint64_t pat2 = ones * second, fold2 = second >= 'a' && second <= 'z' ? ones * 0x20 : 0;
    size_t last = len - f->len;   /* the last place the needle can start */
    size_t i = 0;
    for (; i + 8 <= last + 1; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        uint64_t x = (w | fold) ^ pat;
        uint64_t hit;
        if (two) {   /* exact per byte: a zero byte of x (and of y) sets its high bit */
            uint64_t w2;
            memcpy(&w2, p + i + 1, 8);   /* i + 8 <= last + 1 <= len - 1: inside the text */
            uint64_t y = (w2 | fold2) ^ pat2;
            hit = ~(((x & lows) + lows) | x) & ~(((y & lows) + lows) | y) & highs;
        } else {
            hit = (x - ones) & ~x & highs;
        }
        if (!hit)
            continue;
        for (size_t k = i; k < i + 8; k++)
            if (match_at(p + k, f))
                return 1;
    }
    for (; i <= last; i++)
        if (match_at(p + i, f))
            return 1;
    return 0;
}

/* The needle's digits in the number's decimal text. Needles of up to 6 digits test each window
 * of the number's digits as a number, dividing by constants (no text is made); a window lies
 * inside the number while x >= 10^(d-1), so "0042" is not found in 42. */
#define WINDOWS(P, LO)                                                                             \
    for (; x >= (LO); x /= 10)                                                                     \
        if (x % (P) == nv)                                                                         \
            return 1;                                                                              \
    return 0
static int contains_number(uint64_t v, const es_find *f)
{
    uint64_t x = v, nv = f->number;
    switch (f->len) {
    case 1:
        if (v == 0)
            return nv == 0;
        WINDOWS(10, 1);
    case 2: WINDOWS(100, 10);
    case 3: WINDOWS(1000, 100);
    case 4: WINDOWS(10000, 1000);
    case 5: WINDOWS(100000, 10000);
    case 6: WINDOWS(1000000, 100000);
    default: break;
    }
    char t[24], *e = t + sizeof t - 1;
    *e = 0;
    do {
        *--e = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return f->len <= (size_t)(t + sizeof t - 1 - e) && strstr(e, f->text) != NULL;
}
#undef WINDOWS

static int message_contains(const es_row *r, const es_find *f)
{
    size_t len = r->msg_len ? r->msg_len : (r->message[0] ? strlen(r->message) : 0);
    return contains_len(r->message, len, f);
}

/* Per filter pass: the short texts rows share (provider, computer, level, task: a batch keeps one
 * copy of each; the log: one per source and log) are looked at once per copy; the server names once per source; the time once per
 * second. */
#define MEMO_SLOTS 1024
struct es_find_memo {
    const char *key[MEMO_SLOTS];
    uint8_t     val[MEMO_SLOTS];
    int8_t     *src;            /* per source: -1 not yet, 0, 1 */
    size_t      nsrc;
    uint64_t    second;         /* the last time looked at, in whole seconds + 1 (0: none) */
    int         second_match;   /* its text (to the second) holds the needle */
    char        second_text[64];   /* ISO 8601 (no time_text): the text to the second ... */
    size_t      second_len;        /* ... its length, where ".mmmZ" goes */
};

es_find_memo *es_find_memo_new(size_t nsources)
{
    es_find_memo *m = calloc(1, sizeof *m);
    if (m && nsources) {
        m->src = malloc(nsources);
        if (!m->src) {
            free(m);
            return NULL;
        }
        memset(m->src, -1, nsources);
        m->nsrc = nsources;
    }
    return m;
}

void es_find_memo_free(es_find_memo *m)
{
    if (m) {
        free(m->src);
        free(m);
    }
}

static int shared_contains(const char *s, const es_find *f, es_find_memo *m)
{
    if (!m)
        return contains(s, f);
    size_t h = (size_t)(((uintptr_t)s >> 3) * 0x9E3779B97F4A7C15ull >> 54) & (MEMO_SLOTS - 1);
    if (m->key[h] != s) {
        m->key[h] = s;
        m->val[h] = (uint8_t)contains(s, f);
    }
    return m->val[h];
}

int es_find_row_memo(const es_find *f, const es_row *r, const es_view_ctx *c, es_find_memo *m)
{
    if (!f)
        return 1;
    if (f->digits && (contains_number(r->event_id, f) || contains_number(r->record_id, f)))
        return 1;
    if (r->source < c->nsources && c->source_names) {
        if (m && r->source < m->nsrc) {
            if (m->src[r->source] < 0)
                m->src[r->source] = (int8_t)contains(c->source_names[r->source], f);
            if (m->src[r->source])
                return 1;
        } else if (contains(c->source_names[r->source], f)) {
            return 1;
        }
    }
    if (shared_contains(r->level_text, f, m) || shared_contains(r->provider, f, m) ||
        shared_contains(r->task_text, f, m) || shared_contains(r->computer, f, m) ||
        shared_contains(es_view_log(c, r), f, m) || message_contains(r, f))
        return 1;
    if (f->timelike) {
        /* The window's time text is to the second: looked at once per second. ISO 8601 (no
         * time_text) goes on to the millisecond: its text to the second once per second, then
         * per row only where the needle would reach into ".mmmZ". */
        uint64_t sec = r->time_created / ES_TICKS_PER_SEC + 1;
        char own[64], *t = m ? m->second_text : own;
        size_t cut = m ? m->second_len : 0;
        int hit;
        if (m && m->second == sec) {
            hit = m->second_match;
        } else {
            if (c->time_text) {
                c->time_text(c->time_ctx, r->time_created, t, sizeof own);
            } else {
                es_time_iso8601(r->time_created, t);
                cut = strlen(t) - 5;   /* "2026-11-28T09:15:42" of "2026-11-28T09:15:42.250Z" */
                t[cut] = 0;
            }
            hit = contains(t, f);
            if (m) {
                m->second = sec;
                m->second_match = hit;
                m->second_len = cut;
            }
        }
        if (hit || c->time_text)
            return hit;
        unsigned ms = (unsigned)(r->time_created / ES_TICKS_PER_MS % 1000);
        if (f->digits) {   /* no '.' or 'Z': only inside the 3 digits of the milliseconds */
            if (f->len > 3)
                return 0;
            char d[4] = {(char)('0' + ms / 100), (char)('0' + ms / 10 % 10), (char)('0' + ms % 10), 0};
            return strstr(d, f->text) != NULL;
        }
        t[cut] = '.';
        t[cut + 1] = (char)('0' + ms / 100);
        t[cut + 2] = (char)('0' + ms / 10 % 10);
        t[cut + 3] = (char)('0' + ms % 10);
        t[cut + 4] = 'Z';
        t[cut + 5] = 0;
        hit = contains(t + (f->len - 1 < cut ? cut - (f->len - 1) : 0), f);
        t[cut] = 0;
        return hit;
    }
    return 0;
}

int es_find_row(const es_find *f, const es_row *r, const es_view_ctx *c) { return es_find_row_memo(f, r, c, NULL); }
