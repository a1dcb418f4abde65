/* Server list text (see es_listfile.h).
 *
 * Decisions beyond the header:
 *  - Only space and tab are trimmed (a line end is never part of a line).
 *  - UTF-16 text is checked before it is converted: a NUL character ("line N: contains a NUL
 *    character") or a broken surrogate pair ("line N: is not valid UTF-16 text") is an error,
 *    as bad UTF-8 is, so no entry ever holds U+FFFD made up by the conversion.
 *  - Bytes that are not UTF-8 (a Latin-1 or ANSI list) give "line N: is not valid UTF-8 text"
 *    rather than mojibake. A NUL byte in text without a BOM that looks like UTF-16 gets a hint
 *    that UTF-16 needs a byte order mark.
 *
 * Portable core: no windows.h. */
#include "es_listfile.h"
#include "es_buf.h"
#include "es_utf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_err(char *err, size_t err_len, const char *what, size_t line, const char *hint)
{
    if (err && err_len)
        snprintf(err, err_len, "line %lu: %s%s", (unsigned long)line, what, hint);
}

/* Checks UTF-16 units (already in little-endian order at p) for NUL and broken surrogates. */
static int check_utf16(const unsigned char *p, size_t units, char *err, size_t err_len)
{
    size_t line = 1;
    for (size_t i = 0; i < units; i++) {
        unsigned u = (unsigned)p[2 * i] | ((unsigned)p[2 * i + 1] << 8);
        if (u == 0) {
            set_err(err, err_len, "contains a NUL character", line, "");
            return 0;
        }
        if (u >= 0xD800 && u <= 0xDBFF) {
            unsigned lo = i + 1 < units ? ((unsigned)p[2 * i + 2] | ((unsigned)p[2 * i + 3] << 8)) : 0;
            if (lo < 0xDC00 || lo > 0xDFFF) {
                set_err(err, err_len, "is not valid UTF-16 text", line, "");
                return 0;
            }
            i++;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            set_err(err, err_len, "is not valid UTF-16 text", line, "");
            return 0;
        } else if (u == '\r') {
            line++;
            if (i + 1 < units && p[2 * i + 2] == '\n' && p[2 * i + 3] == 0)
                i++;
        } else if (u == '\n') {
            line++;
        }
    }
    return 1;
}

static size_t lines_in(const unsigned char *p, size_t n, int be)
{
    size_t line = 1;
    for (size_t i = 0; i + 1 < n; i += 2) {
        unsigned u = be ? ((unsigned)p[i] << 8 | p[i + 1]) : ((unsigned)p[i] | (unsigned)p[i + 1] << 8);
        if (u == '\n' || (u == '\r' && !(i + 3 < n && (be ? (p[i + 2] == 0 && p[i + 3] == '\n') : (p[i + 2] == '\n' && p[i + 3] == 0)))))
            line++;
    }
    return line;
}

int es_listfile_parse(const void *bytes, size_t len, es_listfile_cb cb, void *ctx, char *err, size_t err_len)
{
    const unsigned char *b = bytes;
    const unsigned char *text;
    size_t tlen;
    int from_utf16 = 0, rc = 0;
    es_buf u8, line;
    es_buf_init(&u8);
    es_buf_init(&line);
    if (err && err_len)
        err[0] = '\0';
    if (!b)
        len = 0;

    if (len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        int be = b[0] == 0xFE;
        const unsigned char *body = b + 2;
        size_t blen = len - 2;
        if (blen % 2) {
            set_err(err, err_len, "the UTF-16 text ends in the middle of a character (an odd number of bytes)",
                    lines_in(body, blen, be), "");
            return -1;
        }
        unsigned char *le = NULL;
        if (be && blen) {
            le = malloc(blen);
            if (!le) {
                if (err && err_len)
                    snprintf(err, err_len, "out of memory");
                return -1;
            }
            for (size_t i = 0; i < blen; i += 2) {
                le[i] = body[i + 1];
                le[i + 1] = body[i];
            }
            body = le;
        }
        if (!check_utf16(body, blen / 2, err, err_len)) {
            free(le);
            return -1;
        }
        int ok = es_utf16le_to_utf8(&u8, body, blen / 2, 0);
        free(le);
        if (!ok) {
            if (err && err_len)
                snprintf(err, err_len, "out of memory");
            return -1;
        }
        text = (const unsigned char *)u8.data;
        tlen = u8.len;
        from_utf16 = 1;
    } else {
        text = b;
        tlen = len;
        if (tlen >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
            text += 3;
            tlen -= 3;
        }
    }

    size_t pos = 0, lineno = 1;
    for (;;) {
        size_t e = pos;
        while (e < tlen && text[e] != '\r' && text[e] != '\n')
            e++;
        if (!from_utf16) {
            for (size_t i = pos; i < e;) {
                uint32_t cp;
                if (text[i] == 0) {
                    /* ASCII saved as UTF-16 without a BOM has a NUL in every other byte. */
                    int looks16 = tlen >= 2 && (text[0] == 0 || text[1] == 0);
                    set_err(err, err_len, "contains a NUL byte", lineno,
                            looks16 ? " (UTF-16 text needs a byte order mark; save it as UTF-8 or Unicode)" : "");
                    rc = -1;
                    goto out;
                }
                size_t k = es_utf8_decode(text + i, e - i, &cp);
                if (cp == 0xFFFD && k == 1) {
                    set_err(err, err_len, "is not valid UTF-8 text", lineno, "");
                    rc = -1;
                    goto out;
                }
                i += k;
            }
        }
        size_t a = pos, z = e;
        while (a < z && (text[a] == ' ' || text[a] == '\t'))
            a++;
        while (z > a && (text[z - 1] == ' ' || text[z - 1] == '\t'))
            z--;
        if (a < z && text[a] != '#' && cb) {
            es_buf_clear(&line);
            if (!es_buf_append(&line, text + a, z - a)) {
                if (err && err_len)
                    snprintf(err, err_len, "out of memory");
                rc = -1;
                goto out;
            }
            rc = cb(ctx, line.data, lineno);
            if (rc)
                goto out;
        }
        if (e >= tlen)
            break;
        if (text[e] == '\r' && e + 1 < tlen && text[e + 1] == '\n')
            e++;
        pos = e + 1;
        lineno++;
    }
out:
    es_buf_free(&u8);
    es_buf_free(&line);
    return rc;
}
