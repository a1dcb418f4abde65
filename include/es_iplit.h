/* es_iplit: IP address literals as a source entry may give them (es_names.h uses these).
 * Portable core: no windows.h. */
#ifndef ES_IPLIT_H
#define ES_IPLIT_H

#include <stddef.h>
#include <stdint.h>

/* A strict dotted quad ("10.0.0.5"). On failure returns 0 and writes a clause (no entry, no
 * period) to why, e.g. "an IPv4 address has four numbers from 0 to 255 separated by dots". */
int  es_ipv4_parse(const char *s, size_t n, uint8_t out[4], char *why, size_t why_len);
/* IPv6 text, "::" compression and an embedded IPv4 tail allowed, with an optional "%zone"
 * (its offset in s goes to *zone_at, which may be NULL; n when there is none). 0 and a clause
 * in why on failure. */
int  es_ipv6_parse(const char *s, size_t n, uint8_t out[16], size_t *zone_at, char *why, size_t why_len);
/* 1 when s (optionally in brackets) is IPv6 text. */
int  es_ipv6_is_text(const char *s, size_t n);
/* The duplicate key of an IPv6 entry: the RFC 5952 text of the address plus its zone in lower
 * case ("::1" and "0:0:0:0:0:0:0:1" share one); text that does not parse is only folded. */
void es_ipv6_key(const char *c, size_t n, char *key, size_t key_len);

#endif
