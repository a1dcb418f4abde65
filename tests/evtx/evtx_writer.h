/* evtx_writer: builds small .evtx files for tests, byte by byte, the way Windows lays them out
 * (file header, 64 KiB chunks, records, BinXML with inline names and template definitions).
 * Header-only; used by tests/unit/test_evtx.c. Nothing here checks its input: tests build
 * damaged files on purpose.
 *
 *   ew_chunk ch; ew_chunk_init(&ch);
 *   ew_rec r; ew_rec_begin(&ch, &r, record_id, filetime);
 *   ew_frag(&r); ew_open(&r, "Event", 0); ... ew_eof(&r);
 *   ew_rec_end(&ch, &r);
 *   ew_chunk_finish(&ch);          // header fields and checksums
 */
#ifndef EVTX_WRITER_H
#define EVTX_WRITER_H

#include "es_evtx.h"

#include <stdint.h>
#include <string.h>

#define EW_MAX_NAMES 128

typedef struct ew_chunk {
    uint8_t  c[ES_EVTX_CHUNK_SIZE];
    size_t   len;                       /* bytes used (records end here) */
    uint64_t first_id, last_id;
    size_t   last_rec;
    int      nrec;
    char     names[EW_MAX_NAMES][32];   /* names defined so far, and where */
    uint32_t name_off[EW_MAX_NAMES];
    int      nnames;
} ew_chunk;

typedef struct ew_rec {
    ew_chunk *ch;
    size_t    start;    /* record offset in the chunk */
    int       in_tmpl;  /* elements carry a dependency id inside template definitions */
    size_t    tmpl_size_at;
    size_t    tmpl_body;
} ew_rec;

static inline void ew_put(ew_chunk *ch, const void *p, size_t n)
{
    if (ch->len + n > sizeof ch->c)
        n = sizeof ch->c - ch->len;
    if (n)
        memcpy(ch->c + ch->len, p, n);
    ch->len += n;
}
static inline void ew_u8(ew_chunk *ch, unsigned v) { uint8_t b = (uint8_t)v; ew_put(ch, &b, 1); }
static inline void ew_u16(ew_chunk *ch, unsigned v) { ew_u8(ch, v & 0xFF); ew_u8(ch, (v >> 8) & 0xFF); }
static inline void ew_u32(ew_chunk *ch, uint32_t v) { ew_u16(ch, v & 0xFFFF); ew_u16(ch, v >> 16); }
static inline void ew_u64(ew_chunk *ch, uint64_t v) { ew_u32(ch, (uint32_t)v); ew_u32(ch, (uint32_t)(v >> 32)); }
static inline void ew_set32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void ew_set64(uint8_t *p, uint64_t v) { ew_set32(p, (uint32_t)v); ew_set32(p + 4, (uint32_t)(v >> 32)); }
static inline void ew_utf16(ew_chunk *ch, const char *s)   /* ASCII only */
{
    for (; *s; s++)
        ew_u16(ch, (unsigned char)*s);
}

static inline void ew_chunk_init(ew_chunk *ch)
{
    memset(ch, 0, sizeof *ch);
    ch->len = 512;
}

/* A name reference: the offset of an earlier definition, or a definition right here. */
static inline void ew_name(ew_chunk *ch, const char *name)
{
    for (int i = 0; i < ch->nnames; i++) {
        if (strcmp(ch->names[i], name) == 0) {
            ew_u32(ch, ch->name_off[i]);
            return;
        }
    }
    uint32_t here = (uint32_t)ch->len + 4;
    ew_u32(ch, here);
    if (ch->nnames < EW_MAX_NAMES) {
        strncpy(ch->names[ch->nnames], name, 31);
        ch->name_off[ch->nnames++] = here;
    }
    ew_u32(ch, 0);                          /* next in hash chain */
    ew_u16(ch, 0);                          /* hash (not checked by readers) */
    ew_u16(ch, (unsigned)strlen(name));
    ew_utf16(ch, name);
    ew_u16(ch, 0);
}

static inline void ew_rec_begin(ew_chunk *ch, ew_rec *r, uint64_t id, uint64_t written)
{
    memset(r, 0, sizeof *r);
    r->ch = ch;
    r->start = ch->len;
    ew_put(ch, "**\0\0", 4);
    ew_u32(ch, 0);   /* size, patched */
    ew_u64(ch, id);
    ew_u64(ch, written);
    if (!ch->nrec)
        ch->first_id = id;
    ch->last_id = id;
    ch->last_rec = r->start;
    ch->nrec++;
}

static inline void ew_rec_end(ew_chunk *ch, ew_rec *r)
{
    while ((ch->len + 4 - r->start) % 8)
        ew_u8(ch, 0);
    uint32_t size = (uint32_t)(ch->len + 4 - r->start);
    ew_u32(ch, size);
    ew_set32(ch->c + r->start + 4, size);
}

/* ---- BinXML tokens ---- */
static inline void ew_frag(ew_rec *r) { ew_u8(r->ch, 0x0F); ew_u8(r->ch, 1); ew_u8(r->ch, 1); ew_u8(r->ch, 0); }
static inline void ew_eof(ew_rec *r) { ew_u8(r->ch, 0x00); }
static inline void ew_open(ew_rec *r, const char *name, int has_attrs)
{
    ew_u8(r->ch, has_attrs ? 0x41 : 0x01);
    if (r->in_tmpl)
        ew_u16(r->ch, 0xFFFF);   /* dependency id */
    ew_u32(r->ch, 0);            /* data size (readers do not need it) */
    ew_name(r->ch, name);
    if (has_attrs)
        ew_u32(r->ch, 0);        /* attribute list size */
}
static inline void ew_close_start(ew_rec *r) { ew_u8(r->ch, 0x02); }
static inline void ew_close_empty(ew_rec *r) { ew_u8(r->ch, 0x03); }
static inline void ew_end(ew_rec *r) { ew_u8(r->ch, 0x04); }
static inline void ew_attr(ew_rec *r, const char *name, int more) { ew_u8(r->ch, more ? 0x46 : 0x06); ew_name(r->ch, name); }
static inline void ew_text(ew_rec *r, const char *s)
{
    ew_u8(r->ch, 0x05);
    ew_u8(r->ch, 0x01);
    ew_u16(r->ch, (unsigned)strlen(s));
    ew_utf16(r->ch, s);
}
static inline void ew_cdata(ew_rec *r, const char *s)
{
    ew_u8(r->ch, 0x07);
    ew_u16(r->ch, (unsigned)strlen(s));
    ew_utf16(r->ch, s);
}
static inline void ew_charref(ew_rec *r, unsigned v) { ew_u8(r->ch, 0x08); ew_u16(r->ch, v); }
static inline void ew_entity(ew_rec *r, const char *name) { ew_u8(r->ch, 0x09); ew_name(r->ch, name); }
static inline void ew_pi(ew_rec *r, const char *target, const char *data)
{
    ew_u8(r->ch, 0x0A);
    ew_name(r->ch, target);
    ew_u8(r->ch, 0x0B);
    ew_u16(r->ch, (unsigned)strlen(data));
    ew_utf16(r->ch, data);
}
static inline void ew_sub(ew_rec *r, unsigned idx, unsigned type, int optional)
{
    ew_u8(r->ch, optional ? 0x0E : 0x0D);
    ew_u16(r->ch, idx);
    ew_u8(r->ch, type);
}

/* A template instance whose definition follows inline; write the body with ew_* (elements get
 * dependency ids), then ew_tmpl_end. Returns the definition's offset (for ew_tmpl_ref). */
static inline uint32_t ew_tmpl_begin(ew_rec *r, uint32_t id)
{
    ew_u8(r->ch, 0x0C);
    ew_u8(r->ch, 0x01);
    ew_u32(r->ch, id);
    uint32_t def = (uint32_t)r->ch->len + 4;
    ew_u32(r->ch, def);
    ew_u32(r->ch, 0);                                   /* next template */
    for (int i = 0; i < 16; i++)
        ew_u8(r->ch, (unsigned)(id * 7 + (unsigned)i)); /* GUID */
    r->tmpl_size_at = r->ch->len;
    ew_u32(r->ch, 0);                                   /* data size, patched */
    r->tmpl_body = r->ch->len;
    r->in_tmpl = 1;
    return def;
}
static inline void ew_tmpl_end(ew_rec *r)
{
    ew_set32(r->ch->c + r->tmpl_size_at, (uint32_t)(r->ch->len - r->tmpl_body));
    r->in_tmpl = 0;
}
/* A template instance that uses a definition written earlier in the chunk. */
static inline void ew_tmpl_ref(ew_rec *r, uint32_t id, uint32_t def)
{
    ew_u8(r->ch, 0x0C);
    ew_u8(r->ch, 0x01);
    ew_u32(r->ch, id);
    ew_u32(r->ch, def);
}

typedef struct ew_val {
    unsigned    type;
    const void *data;
    size_t      size;
} ew_val;

/* The substitution values after a template instance. */
static inline void ew_values(ew_rec *r, const ew_val *v, size_t n)
{
    ew_u32(r->ch, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        ew_u16(r->ch, (unsigned)v[i].size);
        ew_u8(r->ch, v[i].type);
        ew_u8(r->ch, 0);
    }
    for (size_t i = 0; i < n; i++)
        ew_put(r->ch, v[i].data, v[i].size);
}

/* Fills the chunk header: ids, offsets, both checksums. */
static inline void ew_chunk_finish(ew_chunk *ch)
{
    uint8_t *c = ch->c;
    memcpy(c, "ElfChnk\0", 8);
    ew_set64(c + 8, ch->first_id);
    ew_set64(c + 16, ch->last_id);
    ew_set64(c + 24, ch->first_id);
    ew_set64(c + 32, ch->last_id);
    ew_set32(c + 40, 128);
    ew_set32(c + 44, (uint32_t)ch->last_rec);
    ew_set32(c + 48, (uint32_t)ch->len);
    ew_set32(c + 52, es_evtx_crc32(0, c + 512, ch->len - 512));
    ew_set32(c + 120, 0);
    uint32_t crc = es_evtx_crc32(0, c, 120);
    crc = es_evtx_crc32(crc, c + 128, 384);
    ew_set32(c + 124, crc);
}

/* A 4096-byte file header for n chunks. */
static inline void ew_file_header(uint8_t *h, unsigned nchunks, uint64_t next_id)
{
    memset(h, 0, ES_EVTX_FILE_HEADER_SIZE);
    memcpy(h, "ElfFile\0", 8);
    ew_set64(h + 8, 0);
    ew_set64(h + 16, nchunks ? nchunks - 1 : 0);
    ew_set64(h + 24, next_id);
    ew_set32(h + 32, 128);
    h[36] = 1; h[38] = 3;
    h[40] = 0x00; h[41] = 0x10;
    h[42] = (uint8_t)nchunks; h[43] = (uint8_t)(nchunks >> 8);
    ew_set32(h + 124, es_evtx_crc32(0, h, 120));
}

#endif
