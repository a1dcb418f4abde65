/* IP address literals in source entries (see es_iplit.h): strict IPv4 dotted quads, IPv6 text
 * with an optional %zone, and the RFC 5952 form of an IPv6 address for duplicate keys.
 *
 * Decisions beyond the header: "010.1.1.1" is rejected (Windows reads a leading-zero number as
 * octal); an IPv6 zone holds letters, digits, '-', '_' and '.'.
 *
 * Portable core: no windows.h. */
#include "es_iplit.h"

#include <stdio.h>
#include <string.h>

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_xdigit(unsigned char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static unsigned char lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c; }

static int xval(unsigned char c)
{
    if (is_digit(c))
        return c - '0';
    return lower(c) - 'a' + 10;
}

/* ---- IPv4 ---- */

/* Parses a strict dotted quad. On failure writes a clause (no entry, no period) to why. */
int es_ipv4_parse(const char *s, size_t n, uint8_t out[4], char *why, size_t why_len)
{
    static const char four[] = "an IPv4 address has four numbers from 0 to 255 separated by dots";
    size_t i = 0;
    int parts = 0;
    for (;;) {
        size_t j = i;
        while (j < n && is_digit((unsigned char)s[j]))
            j++;
        size_t nd = j - i;
        if (nd == 0 || parts == 4) {
            snprintf(why, why_len, "%s", four);
            return 0;
        }
        int shown = nd > 20 ? 20 : (int)nd;
        if (nd > 1 && s[i] == '0') {
            snprintf(why, why_len, "%.*s has a leading zero, which Windows reads as an octal number; write it without leading zeros",
                     shown, s + i);
            return 0;
        }
        unsigned v = 0;
        for (size_t k = i; k < j && v <= 255; k++)
            v = v * 10 + (unsigned)(s[k] - '0');
        if (nd > 3 || v > 255) {
            snprintf(why, why_len, "%.*s%s is not a valid IPv4 number (0-255)", shown, s + i, nd > 20 ? "..." : "");
            return 0;
        }
        out[parts++] = (uint8_t)v;
        i = j;
        if (i == n)
            break;
        if (s[i] != '.') {
            snprintf(why, why_len, "%s", four);
            return 0;
        }
        i++;
    }
    if (parts != 4) {
        snprintf(why, why_len, "%s", four);
        return 0;
    }
    return 1;
}

/* ---- IPv6 ---- */

static int zone_char(unsigned char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '.'; }

/* Parses RFC 4291 text, with an optional "%zone". out gets the 16 bytes; *zone_at the offset
 * of '%' (n when none). On failure writes a clause to why. */
int es_ipv6_parse(const char *s, size_t n, uint8_t out[16], size_t *zone_at, char *why, size_t why_len)
{
    const char *pct = memchr(s, '%', n);
    size_t an = pct ? (size_t)(pct - s) : n;
    if (zone_at)
        *zone_at = an;
    if (pct) {
        size_t zn = n - an - 1;
        if (zn == 0) {
            snprintf(why, why_len, "the zone after \"%%\" is empty");
            return 0;
        }
        for (size_t k = an + 1; k < n; k++)
            if (!zone_char((unsigned char)s[k])) {
                snprintf(why, why_len, "the zone after \"%%\" can contain only letters, digits, '-', '_' and '.'");
                return 0;
            }
    }
    uint16_t w[8];
    int nw = 0, dc = -1;
    size_t i = 0;
    if (an == 0) {
        snprintf(why, why_len, "the address is empty");
        return 0;
    }
    if (an >= 2 && s[0] == ':' && s[1] == ':') {
        dc = 0;
        i = 2;
    } else if (s[0] == ':') {
        snprintf(why, why_len, "it cannot start with a single \":\"");
        return 0;
    }
    while (i < an) {
        size_t j = i;
        while (j < an && is_xdigit((unsigned char)s[j]))
            j++;
        if (j < an && s[j] == '.') {
            uint8_t v4[4];
            char sub[160];
            if (nw > 6) {
                snprintf(why, why_len, "it has too many groups");
                return 0;
            }
            if (!es_ipv4_parse(s + i, an - i, v4, sub, sizeof sub)) {
                snprintf(why, why_len, "in its IPv4 part, %s", sub);
                return 0;
            }
            w[nw++] = (uint16_t)((v4[0] << 8) | v4[1]);
            w[nw++] = (uint16_t)((v4[2] << 8) | v4[3]);
            i = an;
            break;
        }
        size_t nd = j - i;
        if (nd == 0) {
            if (j < an && s[j] != ':')
                snprintf(why, why_len, "\"%c\" is not a hex digit", s[j]);
            else
                snprintf(why, why_len, "a group between colons is empty");
            return 0;
        }
        if (nd > 4) {
            snprintf(why, why_len, "a group has more than 4 hex digits");
            return 0;
        }
        if (nw == 8) {
            snprintf(why, why_len, "it has more than 8 groups");
            return 0;
        }
        unsigned v = 0;
        for (size_t k = i; k < j; k++)
            v = v * 16 + (unsigned)xval((unsigned char)s[k]);
        w[nw++] = (uint16_t)v;
        i = j;
        if (i == an)
            break;
        if (s[i] != ':') {
            snprintf(why, why_len, "\"%c\" is not a hex digit", s[i]);
            return 0;
        }
        i++;
        if (i < an && s[i] == ':') {
            if (dc >= 0) {
                snprintf(why, why_len, "\"::\" can appear only once");
                return 0;
            }
            dc = nw;
            i++;
        } else if (i == an) {
            snprintf(why, why_len, "it cannot end with a single \":\"");
            return 0;
        }
    }
    if (dc < 0 && nw != 8) {
        snprintf(why, why_len, "it has %d groups; an IPv6 address has 8, or \"::\" for a run of zero groups", nw);
        return 0;
    }
    if (dc >= 0 && nw > 7) {
        snprintf(why, why_len, "it has too many groups to use \"::\"");
        return 0;
    }
    uint16_t full[8] = {0};
    if (dc < 0) {
        memcpy(full, w, sizeof full);
    } else {
        int tail = nw - dc;
        for (int k = 0; k < dc; k++)
            full[k] = w[k];
        for (int k = 0; k < tail; k++)
            full[8 - tail + k] = w[dc + k];
    }
    for (int k = 0; k < 8; k++) {
        out[2 * k] = (uint8_t)(full[k] >> 8);
        out[2 * k + 1] = (uint8_t)(full[k] & 0xFF);
    }
    return 1;
}

int es_ipv6_is_text(const char *s, size_t n)
{
    uint8_t a[16];
    char why[8];
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
        return es_ipv6_parse(s + 1, n - 2, a, NULL, why, sizeof why);
    return es_ipv6_parse(s, n, a, NULL, why, sizeof why);
}

void es_ipv6_key(const char *c, size_t n, char *key, size_t key_len)
{
    uint8_t a[16];
    size_t zone_at;
    char why[8];
    if (n >= 2 && c[0] == '[' && c[n - 1] == ']')
        c++, n -= 2;
    if (!es_ipv6_parse(c, n, a, &zone_at, why, sizeof why)) {
        size_t w = 0;
        for (size_t i = 0; i < n && w + 1 < key_len; i++)
            key[w++] = (char)lower((unsigned char)c[i]);
        key[w] = '\0';
        return;
    }
    uint16_t g[8];
    for (int k = 0; k < 8; k++)
        g[k] = (uint16_t)((a[2 * k] << 8) | a[2 * k + 1]);
    int best = -1, bestlen = 1; /* RFC 5952: the longest run of 2+ zero groups, the first on a tie */
    for (int k = 0; k < 8;) {
        if (g[k]) {
            k++;
            continue;
        }
        int m = k;
        while (m < 8 && !g[m])
            m++;
        if (m - k > bestlen) {
            best = k;
            bestlen = m - k;
        }
        k = m;
    }
    char t[64];
    size_t w = 0;
    for (int k = 0; k < 8; k++) {
        if (k == best) {
            t[w++] = ':';
            if (k == 0)
                t[w++] = ':';
            k += bestlen - 1;
            continue;
        }
        w += (size_t)snprintf(t + w, sizeof t - w, "%x", (unsigned)g[k]);
        if (k < 7)
            t[w++] = ':';
    }
    t[w] = '\0';
    size_t o = 0;
    for (size_t i = 0; t[i] && o + 1 < key_len; i++)
        key[o++] = t[i];
    for (size_t i = zone_at; i < n && o + 1 < key_len; i++)
        key[o++] = (char)lower((unsigned char)c[i]);
    key[o] = '\0';
}
