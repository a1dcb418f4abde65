/* Source entries: servers and saved logs (see es_names.h).
 *
 * Decisions beyond the header:
 *  - Surrounding white space is ignored; so is one pair of surrounding double quotes
 *    (Explorer's "Copy as path" adds them, and '"' can be in no name or path).
 *  - A name without dots is a NetBIOS name when it has 1-15 characters, and a single-label DNS
 *    host name ("webserver-frontend01") when it has 16-63: Windows resolves it through the
 *    DNS suffix search list. The latter follows the DNS label rules below.
 *  - A name without dots of digits only ("1234") is rejected, whatever its length: Windows
 *    itself refuses such computer names, and the resolver would read "1234" as the IPv4
 *    address 0.0.4.210. The same goes for "0x" followed by hex digits.
 *  - Non-ASCII letters are allowed in a NetBIOS name (computer names like "BÜRO-PC" exist;
 *    the 15 is counted in characters), but not in a DNS name, single-label or dotted: the
 *    message asks for the punycode ("xn--") form.
 *  - '_' is allowed in DNS labels, as Windows' DNS and resolver allow it (legacy host names
 *    with underscores are common in AD domains).
 *  - IP literals are read by iplit.c ("010.1.1.1" is rejected: Windows reads a leading-zero
 *    number as octal).
 *  - A NetBIOS/DNS entry with one ':' gets a "no port number" message; two or more ':' are
 *    read as IPv6.
 *  - A path may not contain wildcards, < > | ", or ':' except after a drive letter; "\\?\" and
 *    "\\.\" prefixes are accepted. "\\server" without a share is a server; "\\server\" (a
 *    separator but no share) is an incomplete UNC path.
 *  - Keys: NetBIOS and DNS names fold to lower case and a DNS name drops its trailing dot
 *    ("srv01." has a dot, so it is read as a DNS name), so "SRV01" and "srv01." share a key,
 *    as do "WebServer-Frontend01" and "webserver-frontend01.";
 *    IPv6 keys are the RFC 5952 text of the address (plus a lower-case "%zone"), so "::1" and
 *    "0:0:0:0:0:0:0:1" are the same; a path key folds case, turns '/' into '\' and drops
 *    trailing separators (not the one of a drive root "c:\").
 *
 * Portable core: no windows.h. */
#include "es_names.h"
#include "es_iplit.h"
#include "es_utf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SHOWN_MAX 80 /* bytes of the entry quoted in a message */

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_xdigit(unsigned char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static unsigned char lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c; }
static int is_sep(unsigned char c) { return c == '\\' || c == '/'; }

static int eq_ci(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (k != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)s[i]) != lower((unsigned char)lit[i]))
            return 0;
    return 1;
}

static int ends_ci(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n >= k && eq_ci(s + n - k, k, lit);
}

/* Writes "\"<entry>\": " and the formatted sentence to err. The entry is cut at SHOWN_MAX bytes
 * (on a character boundary) and control characters are shown as '?'. */
static void vfail(char *err, size_t err_len, const char *s, size_t n, const char *fmt, va_list ap)
{
    if (!err || err_len == 0)
        return;
    char shown[SHOWN_MAX + 8];
    size_t w = 0, i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = es_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (w + k > SHOWN_MAX) {
            memcpy(shown + w, "...", 3);
            w += 3;
            break;
        }
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || (cp == 0xFFFD && k == 1)) {
            shown[w++] = '?';
        } else {
            memcpy(shown + w, s + i, k);
            w += k;
        }
        i += k;
    }
    shown[w] = '\0';
    int m = snprintf(err, err_len, "\"%s\": ", shown);
    if (m < 0 || (size_t)m >= err_len)
        return;
    vsnprintf(err + m, err_len - (size_t)m, fmt, ap);
}

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static es_name_kind fail(char *err, size_t err_len, const char *s, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(err, err_len, s, n, fmt, ap);
    va_end(ap);
    return ES_NAME_INVALID;
}

/* Copies n bytes of s to canon; 0 when it does not fit. */
static int put_canon(char *canon, size_t canon_len, const char *s, size_t n)
{
    if (!canon)
        return 1;
    if (n >= canon_len)
        return 0;
    memcpy(canon, s, n);
    canon[n] = '\0';
    return 1;
}

static es_name_kind done(es_name_kind k, const char *s, size_t n, const char *e, size_t en, char *canon, size_t canon_len,
                         char *err, size_t err_len)
{
    if (!put_canon(canon, canon_len, s, n))
        return fail(err, err_len, e, en, "the entry is too long.");
    return k;
}

/* ---- paths ---- */

static es_name_kind parse_path(const char *s, size_t n, char *canon, size_t canon_len, char *err, size_t err_len)
{
    size_t i = 0;
    if (n >= 4 && is_sep((unsigned char)s[0]) && is_sep((unsigned char)s[1]) && (s[2] == '?' || s[2] == '.') &&
        is_sep((unsigned char)s[3])) {
        i = 4; /* "\\?\C:\..." or "\\.\..." */
    } else if (n >= 2 && is_sep((unsigned char)s[0]) && is_sep((unsigned char)s[1])) {
        size_t a = 2;
        while (a < n && !is_sep((unsigned char)s[a]))
            a++;
        if (a == 2)
            return fail(err, err_len, s, n, "a UNC path needs a server name, e.g. \\\\server\\share\\folder.");
        size_t b = a + 1;
        while (b < n && !is_sep((unsigned char)s[b]))
            b++;
        if (a >= n || b == a + 1)
            return fail(err, err_len, s, n, "a UNC path needs a share name after the server, e.g. \\\\server\\share\\folder.");
        i = b;
    }
    size_t base = i;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '<': case '>': case '|': case '"':
            return fail(err, err_len, s, n, "a path cannot contain \"%c\".", c);
        case '*': case '?':
            return fail(err, err_len, s, n, "a path cannot contain wildcards (* or ?); give the folder instead.");
        case ':':
            if (!(i == base + 1 && is_alpha((unsigned char)s[base])))
                return fail(err, err_len, s, n, "a path can contain \":\" only after a drive letter (C:).");
            break;
        default:
            break;
        }
    }
    return done(ES_NAME_PATH, s, n, s, n, canon, canon_len, err, err_len);
}

static int looks_like_path(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is_sep((unsigned char)s[i]))
            return 1;
    if (n >= 2 && is_alpha((unsigned char)s[0]) && s[1] == ':' && !es_ipv6_is_text(s, n))
        return 1;
    return ends_ci(s, n, ".evtx");
}

/* ---- server names ---- */

static es_name_kind parse_dns(const char *e, size_t en, const char *s, size_t n, char *canon, size_t canon_len, char *err,
                              size_t err_len)
{
    size_t body = n;
    if (body > 0 && s[body - 1] == '.')
        body--;
    size_t i = 0, last = 0;
    while (i <= body) {
        size_t j = i;
        while (j < body && s[j] != '.')
            j++;
        size_t ln = j - i;
        if (ln == 0)
            return fail(err, err_len, e, en, "a DNS name cannot have an empty part (two dots together, or a dot at the start).");
        for (size_t k = i; k < j; k++) {
            unsigned char c = (unsigned char)s[k];
            if (c >= 0x80)
                return fail(err, err_len, e, en,
                            "a DNS name can contain only ASCII letters, digits and '-'; write an international name in its punycode form (xn--...).");
            if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_')
                return fail(err, err_len, e, en, "a DNS name cannot contain \"%c\".", c);
        }
        if (ln > 63)
            return fail(err, err_len, e, en, "a part of a DNS name (between dots) has at most 63 characters; one has %u.", (unsigned)ln);
        if (s[i] == '-' || s[j - 1] == '-')
            return fail(err, err_len, e, en, "a part of a DNS name cannot start or end with a hyphen (\"%.*s\").",
                        (int)(ln > 63 ? 63 : ln), s + i);
        last = i;
        i = j + 1;
    }
    if (body > 253)
        return fail(err, err_len, e, en, "a DNS name has at most 253 characters; this one has %u.", (unsigned)body);
    int alldig = 1;
    for (size_t k = last; k < body; k++)
        if (!is_digit((unsigned char)s[k]))
            alldig = 0;
    if (alldig)
        return fail(err, err_len, e, en, "the last part of a DNS name cannot be all digits.");
    return done(ES_NAME_DNS, s, n, e, en, canon, canon_len, err, err_len);
}

/* A name without dots: a NetBIOS name of 1-15 characters, or a single-label DNS host name of
 * 16-63 ASCII characters (Windows resolves it through the DNS suffix search list). */
static es_name_kind parse_single(const char *e, size_t en, const char *s, size_t n, char *canon, size_t canon_len, char *err,
                                 size_t err_len)
{
    size_t chars = 0;
    int alldig = 1, ascii = 1;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += es_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        chars++;
        if (!(cp >= '0' && cp <= '9'))
            alldig = 0;
        if (cp >= 0x80)
            ascii = 0;
    }
    int hex = n > 2 && s[0] == '0' && lower((unsigned char)s[1]) == 'x';
    for (size_t i = 2; hex && i < n; i++)
        if (!is_xdigit((unsigned char)s[i]))
            hex = 0;
    if (alldig || hex)
        return fail(err, err_len, e, en, "a server name cannot be all digits (Windows would read it as an IP address).");
    if (chars <= 15)
        return done(ES_NAME_NETBIOS, s, n, e, en, canon, canon_len, err, err_len);
    if (!ascii)
        return fail(err, err_len, e, en,
                    "non-ASCII letters are allowed only in a NetBIOS name of at most 15 characters (this one has %u); write a longer name in its punycode form (xn--...).",
                    (unsigned)chars);
    if (chars > 63)
        return fail(err, err_len, e, en, "a single-label host name has at most 63 characters; this one has %u.", (unsigned)chars);
    return parse_dns(e, en, s, n, canon, canon_len, err, err_len);
}

/* e/en: the entry as typed (for messages); s/n: the server part. */
static es_name_kind parse_server(const char *e, size_t en, const char *s, size_t n, char *canon, size_t canon_len, char *err,
                                 size_t err_len)
{
    char why[200];
    uint8_t a[16];
    if ((n == 1 && s[0] == '.') || eq_ci(s, n, "localhost") || eq_ci(s, n, "localhost."))
        return done(ES_NAME_LOCAL, s, n, e, en, canon, canon_len, err, err_len);
    if (s[0] == '[') {
        if (s[n - 1] != ']') {
            const char *rb = memchr(s, ']', n);
            if (rb && rb + 1 < s + n && rb[1] == ':')
                return fail(err, err_len, e, en, "a port number cannot be given; remove \"%.*s\".", (int)(s + n - rb - 1), rb + 1);
            return fail(err, err_len, e, en, "an IPv6 address in brackets needs the closing \"]\".");
        }
        if (!memchr(s + 1, ':', n - 2))
            return fail(err, err_len, e, en, "only an IPv6 address can be put in brackets.");
        if (!es_ipv6_parse(s + 1, n - 2, a, NULL, why, sizeof why))
            return fail(err, err_len, e, en, "is not a valid IPv6 address (%s).", why);
        return done(ES_NAME_IPV6, s + 1, n - 2, e, en, canon, canon_len, err, err_len);
    }
    size_t colons = 0;
    const char *first_colon = NULL;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ':') {
            if (!colons)
                first_colon = s + i;
            colons++;
        }
    if (colons >= 2) {
        if (!es_ipv6_parse(s, n, a, NULL, why, sizeof why))
            return fail(err, err_len, e, en, "is not a valid IPv6 address (%s).", why);
        return done(ES_NAME_IPV6, s, n, e, en, canon, canon_len, err, err_len);
    }
    if (colons == 1) {
        int port = first_colon + 1 < s + n;
        for (const char *p = first_colon + 1; p < s + n; p++)
            if (!is_digit((unsigned char)*p))
                port = 0;
        if (port)
            return fail(err, err_len, e, en, "a port number cannot be given; remove \"%.*s\".", (int)(s + n - first_colon),
                        first_colon);
        return fail(err, err_len, e, en, "a server name cannot contain \":\".");
    }
    int digits_dots = 1, dots = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.')
            dots++;
        else if (!is_digit((unsigned char)s[i]))
            digits_dots = 0;
    }
    if (digits_dots && dots) {
        if (!es_ipv4_parse(s, n, a, why, sizeof why))
            return fail(err, err_len, e, en, "%s.", why);
        return done(ES_NAME_IPV4, s, n, e, en, canon, canon_len, err, err_len);
    }
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += es_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        switch (cp) {
        case ' ':
            return fail(err, err_len, e, en, "a server name cannot contain a space.");
        case ',':
            return fail(err, err_len, e, en, "a server name cannot contain a comma; give each server separately.");
        case '*': case '?': case '"': case '<': case '>': case '|':
            return fail(err, err_len, e, en, "a server name cannot contain \"%c\".", (char)cp);
        case 0xA0: case 0x1680: case 0x202F: case 0x205F: case 0x3000: case 0xFEFF:
            return fail(err, err_len, e, en, "a server name cannot contain a non-breaking or invisible space (U+%04X).", (unsigned)cp);
        default:
            if (cp >= 0x2000 && cp <= 0x200F)
                return fail(err, err_len, e, en, "a server name cannot contain a non-breaking or invisible space (U+%04X).",
                            (unsigned)cp);
            break;
        }
    }
    if (dots)
        return parse_dns(e, en, s, n, canon, canon_len, err, err_len);
    return parse_single(e, en, s, n, canon, canon_len, err, err_len);
}

es_name_kind es_name_parse(const char *text, char *canon, size_t canon_len, char *err, size_t err_len)
{
    if (err && err_len)
        err[0] = '\0';
    if (canon && canon_len)
        canon[0] = '\0';
    if (!text)
        text = "";
    const char *s = text;
    size_t n = strlen(text);
    while (n && is_space((unsigned char)s[0]))
        s++, n--;
    while (n && is_space((unsigned char)s[n - 1]))
        n--;
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s++;
        n -= 2;
        while (n && is_space((unsigned char)s[0]))
            s++, n--;
        while (n && is_space((unsigned char)s[n - 1]))
            n--;
    }
    if (n == 0)
        return fail(err, err_len, s, 0, "the entry is empty.");
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = es_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (cp == 0xFFFD && k == 1)
            return fail(err, err_len, s, n, "the entry is not valid UTF-8 text.");
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
            return fail(err, err_len, s, n, "the entry contains a control character.");
        i += k;
    }
    if (n >= 2 && s[0] == '\\' && s[1] == '\\') {
        const char *r = s + 2;
        size_t rn = n - 2;
        /* A name ending in ".evtx" is always a saved log, with or without the "\\": so the
         * canonical form, read again, is the same kind of entry. */
        for (size_t i = 0; i < rn; i++)
            if (is_sep((unsigned char)r[i]))
                return parse_path(s, n, canon, canon_len, err, err_len);
        if (ends_ci(r, rn, ".evtx"))
            return parse_path(s, n, canon, canon_len, err, err_len);
        if (rn == 0)
            return fail(err, err_len, s, n, "the server name after \\\\ is missing.");
        return parse_server(s, n, r, rn, canon, canon_len, err, err_len);
    }
    if (looks_like_path(s, n))
        return parse_path(s, n, canon, canon_len, err, err_len);
    return parse_server(s, n, s, n, canon, canon_len, err, err_len);
}

/* ---- keys ---- */

char *es_name_key(const char *canon, es_name_kind kind, char *key, size_t key_len)
{
    if (!key || key_len == 0)
        return key;
    if (!canon)
        canon = "";
    size_t n = strlen(canon);
    size_t w = 0;
    switch (kind) {
    case ES_NAME_LOCAL:
        snprintf(key, key_len, "%s", "localhost");
        return key;
    case ES_NAME_IPV6:
        es_ipv6_key(canon, n, key, key_len);
        return key;
    case ES_NAME_DNS:
        if (n > 1 && canon[n - 1] == '.')
            n--;
        break;
    case ES_NAME_PATH:
        for (size_t i = 0; i < n && w + 1 < key_len; i++) {
            unsigned char c = (unsigned char)canon[i];
            key[w++] = c == '/' ? '\\' : (char)lower(c);
        }
        while (w > 1 && key[w - 1] == '\\' && !(w == 3 && key[1] == ':') && !(w == 2 && key[0] == '\\'))
            w--;
        key[w] = '\0';
        return key;
    default:
        break;
    }
    for (size_t i = 0; i < n && w + 1 < key_len; i++)
        key[w++] = (char)lower((unsigned char)canon[i]);
    key[w] = '\0';
    return key;
}

const char *es_name_kind_text(es_name_kind k)
{
    switch (k) {
    case ES_NAME_LOCAL: return "this computer";
    case ES_NAME_NETBIOS: return "NetBIOS name";
    case ES_NAME_DNS: return "DNS name";
    case ES_NAME_IPV4: return "IPv4 address";
    case ES_NAME_IPV6: return "IPv6 address";
    case ES_NAME_PATH: return "saved log";
    default: return "invalid entry";
    }
}
