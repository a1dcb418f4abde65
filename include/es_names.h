/* es_names: what a user may type as a source, checked before anything is asked of the network.
 *
 * A source entry is either a server — a NetBIOS name ("SRV01"), a DNS name
 * ("srv01.corp.example.com", or a single-label host name of 16-63 characters such as
 * "webserver-frontend01", resolved through the DNS suffix search list), an IPv4 literal
 * ("10.0.0.5"), an IPv6 literal ("fe80::1", optionally in brackets, optionally with a "%zone"),
 * "." or "localhost" for this computer, a leading "\\" is allowed and dropped — or a saved log:
 * a path to a .evtx file or a folder (drive paths "C:\logs\a.evtx", UNC paths
 * "\\server\share\dir", relative paths containing '\' or '/', or any name ending in ".evtx").
 *
 * Portable core: no windows.h. All text is UTF-8. */
#ifndef ES_NAMES_H
#define ES_NAMES_H

#include <stddef.h>

typedef enum es_name_kind {
    ES_NAME_INVALID = 0,
    ES_NAME_LOCAL,      /* "." or "localhost" (any case) */
    ES_NAME_NETBIOS,    /* 1-15 characters, no dots, not all digits (non-ASCII letters allowed) */
    ES_NAME_DNS,        /* a dotted name, or a name without dots of 16-63 characters (a single-label host name);
                         * labels 1-63 of [A-Za-z0-9_-] (Windows allows '_'), not starting/ending with '-';
                         * total <= 253 */
    ES_NAME_IPV4,
    ES_NAME_IPV6,
    ES_NAME_PATH        /* a .evtx file or a folder */
} es_name_kind;

/* Classifies `text` (leading/trailing white space ignored). On success writes the canonical
 * entry to `canon` (trimmed; "\\" prefix and IPv6 brackets removed; a path is kept as typed)
 * and returns its kind. On failure returns ES_NAME_INVALID and writes a sentence to `err` that
 * names the problem, e.g. "\"srv 01\": a server name cannot contain a space." */
es_name_kind es_name_parse(const char *text, char *canon, size_t canon_len, char *err, size_t err_len);

/* A key for duplicate detection: two entries that name the same source have the same key
 * (case folded, ASCII; "." and "localhost" are the same; trailing '.' of a DNS name dropped;
 * paths: '/' and '\' the same, case folded). Returns key. */
char *es_name_key(const char *canon, es_name_kind kind, char *key, size_t key_len);

const char *es_name_kind_text(es_name_kind k);   /* "NetBIOS name", "DNS name", ... */

#endif
