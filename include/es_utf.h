/* es_utf: UTF-16LE (what Windows and .evtx files hold) to UTF-8 (what the core keeps), and
 * back for the Win32 shell's display. Invalid sequences (lone surrogates, bad UTF-8) become
 * U+FFFD: input is hostile and text is never dropped silently. Portable core: no windows.h. */
#ifndef ES_UTF_H
#define ES_UTF_H

#include "es_buf.h"

#include <stddef.h>
#include <stdint.h>

/* Appends the UTF-8 form of n UTF-16 code units read little-endian from bytes at p (no
 * alignment needed). Stops early at a NUL unit when stop_at_nul. Returns 0 when out of memory. */
int es_utf16le_to_utf8(es_buf *out, const void *p, size_t n_units, int stop_at_nul);

/* Decodes one UTF-8 code point at s (len bytes available). Returns bytes consumed (>= 1) and
 * sets *cp; an invalid or truncated sequence consumes 1 byte and yields U+FFFD. */
size_t es_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* Number of UTF-16 units needed for the UTF-8 string s (len bytes), invalid bytes as U+FFFD. */
size_t es_utf8_utf16_len(const char *s, size_t len);
/* Writes at most cap-1 units and a NUL terminator; returns the units written (no NUL). */
size_t es_utf8_to_utf16(const char *s, size_t len, uint16_t *out, size_t cap);

/* 1 when a and b are equal but for the case of ASCII letters (other bytes compare exactly). */
int es_ascii_ieq(const char *a, const char *b);
/* The order of a and b when ASCII letters are folded to lower case: < 0, 0, > 0. */
int es_ascii_icmp(const char *a, const char *b);

#endif
