/* The .evtx container: file header, 64 KiB chunks, checksums and record framing; the public
 * API of es_evtx.h.
 *
 * File header (4096 bytes, 128 used): "ElfFile\0", first/last chunk u64, next record id u64,
 * header size u32 (128), minor/major u16, block size u16 (4096), chunk count u16, flags u32 at
 * 120, CRC32 of bytes 0..119 at 124.
 * Chunk (65536 bytes): "ElfChnk\0", record numbers/ids, header size u32 at 40, last record
 * offset u32 at 44, free space offset u32 at 48, CRC32 of the records [512, free) at 52, flags
 * at 120, CRC32 of bytes 0..119 and 128..511 at 124; names and templates are referenced by
 * offset from the chunk start; records from 512 on.
 * Record: "**\0\0", size u32, record id u64, written FILETIME, BinXML, size u32 again. */
#define ES_EVTX_INTERNAL
#include "es_evtx.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- CRC32 ---- */

static const uint32_t CRC_NIBBLE[16] = {
    0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC, 0x76DC4190, 0x6B6B51F4, 0x4DB26158, 0x5005713C,
    0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C, 0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C};

uint32_t es_evtx_crc32(uint32_t crc, const void *p, size_t n)
{
    const uint8_t *b = p;
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= b[i];
        crc = (crc >> 4) ^ CRC_NIBBLE[crc & 15];
        crc = (crc >> 4) ^ CRC_NIBBLE[crc & 15];
    }
    return ~crc;
}

typedef struct crc_tables {
    uint32_t t[16][256];
    int clmul;              /* the CPU can carry-less multiply: 1 PCLMULQDQ, 2 also VPCLMULQDQ (AVX2) */
} crc_tables;

/* Carry-less multiplication folding (Intel's "Fast CRC Computation for Generic Polynomials
 * Using PCLMULQDQ Instruction", 2009; the same constants as zlib's SIMD CRC32): 64 bytes per
 * step. Only where the compiler can target PCLMULQDQ for one function and tell at run time
 * whether the CPU has it; everywhere else the table-driven code below does the work. */
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define EVX_HAVE_CLMUL 1
#include <cpuid.h>
#include <emmintrin.h>
#include <immintrin.h>
#include <wmmintrin.h>

/* 0: no carry-less multiply; 1: PCLMULQDQ; 2: also VPCLMULQDQ on 256-bit registers (AVX2, with
 * the OS saving them) */
static int cpu_clmul_level(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    if (!(c & (1u << 1)) || !(d & (1u << 26)))   /* PCLMULQDQ, SSE2 */
        return 0;
    if (!(c & (1u << 27)) || !(c & (1u << 28)))   /* OSXSAVE, AVX */
        return 1;
    unsigned xlo, xhi;
    __asm__ volatile("xgetbv" : "=a"(xlo), "=d"(xhi) : "c"(0));
    (void)xhi;
    if ((xlo & 6) != 6)   /* XMM and YMM state */
        return 1;
    if (__get_cpuid_max(0, NULL) < 7)
        return 1;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & (1u << 5)) && (c & (1u << 10)) ? 2 : 1;   /* AVX2, VPCLMULQDQ */
}

#define CRC_K1K2 _mm_set_epi64x(0x01c6e41596, 0x0154442bd4)   /* fold by 512 bits */
#define CRC_K3K4 _mm_set_epi64x(0x00ccaa009e, 0x01751997d0)   /* fold by 128 bits */

/* a (16 bytes) folded over the 16 bytes after it, b; k: the fold's constants */
__attribute__((target("pclmul,sse2"))) static inline __m128i crc_fold(__m128i a, __m128i b, __m128i k)
{
    return _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(a, k, 0x11), b), _mm_clmulepi64_si128(a, k, 0x00));
}

/* The last 16-byte blocks (n a multiple of 16) folded into x1, then the 128 bits reduced to
 * the CRC (inverted). */
__attribute__((target("pclmul,sse2"))) static uint32_t crc_tail(__m128i x1, const uint8_t *buf, size_t n)
{
    const __m128i k5k0 = _mm_set_epi64x(0, 0x0163cd6124);
    const __m128i poly = _mm_set_epi64x(0x01f7011641, 0x01db710641);
    __m128i x0 = CRC_K3K4, x2, x3;
    while (n >= 16) {
        x1 = crc_fold(x1, _mm_loadu_si128((const __m128i *)(const void *)buf), x0);
        buf += 16;
        n -= 16;
    }
    /* 128 bits to 64, then Barrett reduction to 32 */
    x2 = _mm_clmulepi64_si128(x1, x0, 0x10);
    x3 = _mm_setr_epi32(~0, 0, ~0, 0);
    x1 = _mm_srli_si128(x1, 8);
    x1 = _mm_xor_si128(x1, x2);
    x0 = k5k0;
    x2 = _mm_srli_si128(x1, 4);
    x1 = _mm_and_si128(x1, x3);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x00);
    x1 = _mm_xor_si128(x1, x2);
    x0 = poly;
    x2 = _mm_and_si128(x1, x3);
    x2 = _mm_clmulepi64_si128(x2, x0, 0x10);
    x2 = _mm_and_si128(x2, x3);
    x2 = _mm_clmulepi64_si128(x2, x0, 0x00);
    x1 = _mm_xor_si128(x1, x2);
    return (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(x1, 4));
}

/* n >= 64 and a multiple of 16; crc is the inverted running value. 64 bytes per step. */
__attribute__((target("pclmul,sse2"))) static uint32_t crc_clmul(uint32_t crc, const uint8_t *buf, size_t n)
{
    __m128i x0 = CRC_K1K2, x1, x2, x3, x4;
    x1 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 0x00));
    x2 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 0x10));
    x3 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 0x20));
    x4 = _mm_loadu_si128((const __m128i *)(const void *)(buf + 0x30));
    x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)crc));
    buf += 64;
    n -= 64;
    while (n >= 64) {
        x1 = crc_fold(x1, _mm_loadu_si128((const __m128i *)(const void *)(buf + 0x00)), x0);
        x2 = crc_fold(x2, _mm_loadu_si128((const __m128i *)(const void *)(buf + 0x10)), x0);
        x3 = crc_fold(x3, _mm_loadu_si128((const __m128i *)(const void *)(buf + 0x20)), x0);
        x4 = crc_fold(x4, _mm_loadu_si128((const __m128i *)(const void *)(buf + 0x30)), x0);
        buf += 64;
        n -= 64;
    }
    /* the four lanes into one */
    x0 = CRC_K3K4;
    x1 = crc_fold(x1, x2, x0);
    x1 = crc_fold(x1, x3, x0);
    x1 = crc_fold(x1, x4, x0);
    return crc_tail(x1, buf, n);
}

/* The same with VPCLMULQDQ on 256-bit registers: 128 bytes (8 lanes) per step. n >= 128 and a
 * multiple of 16. */
__attribute__((target("vpclmulqdq,avx2,pclmul,sse2"))) static uint32_t crc_vclmul(uint32_t crc, const uint8_t *buf,
                                                                                     size_t n)
{
    /* fold by 1024 bits: x^(1024+32) and x^(1024-32) mod P, bit-reflected, shifted by one */
    const __m256i k = _mm256_set_epi64x(0x014a7fe880, 0x01e88ef372, 0x014a7fe880, 0x01e88ef372);
    __m256i y0 = _mm256_loadu_si256((const __m256i *)(const void *)(buf + 0x00));
    __m256i y1 = _mm256_loadu_si256((const __m256i *)(const void *)(buf + 0x20));
    __m256i y2 = _mm256_loadu_si256((const __m256i *)(const void *)(buf + 0x40));
    __m256i y3 = _mm256_loadu_si256((const __m256i *)(const void *)(buf + 0x60));
    y0 = _mm256_xor_si256(y0, _mm256_zextsi128_si256(_mm_cvtsi32_si128((int)crc)));
    buf += 128;
    n -= 128;
#define VFOLD(y, off)                                                                          \
    y = _mm256_xor_si256(_mm256_xor_si256(_mm256_clmulepi64_epi128(y, k, 0x00), _mm256_clmulepi64_epi128(y, k, 0x11)), \
                         _mm256_loadu_si256((const __m256i *)(const void *)(buf + (off))))
    while (n >= 128) {
        VFOLD(y0, 0x00);
        VFOLD(y1, 0x20);
        VFOLD(y2, 0x40);
        VFOLD(y3, 0x60);
        buf += 128;
        n -= 128;
    }
#undef VFOLD
    /* the eight 16-byte lanes, in order, into one */
    const __m128i k3k4 = CRC_K3K4;
    __m128i x = _mm256_castsi256_si128(y0);
    x = crc_fold(x, _mm256_extracti128_si256(y0, 1), k3k4);
    x = crc_fold(x, _mm256_castsi256_si128(y1), k3k4);
    x = crc_fold(x, _mm256_extracti128_si256(y1, 1), k3k4);
    x = crc_fold(x, _mm256_castsi256_si128(y2), k3k4);
    x = crc_fold(x, _mm256_extracti128_si256(y2, 1), k3k4);
    x = crc_fold(x, _mm256_castsi256_si128(y3), k3k4);
    x = crc_fold(x, _mm256_extracti128_si256(y3, 1), k3k4);
    return crc_tail(x, buf, n);
}
#endif

static void crc_init(crc_tables *ct)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
        ct->t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int k = 1; k < 16; k++)
            ct->t[k][i] = (ct->t[k - 1][i] >> 8) ^ ct->t[0][ct->t[k - 1][i] & 0xFF];
#ifdef EVX_HAVE_CLMUL
    ct->clmul = cpu_clmul_level();
#else
    ct->clmul = 0;
#endif
}

/* slicing-by-16 (or PCLMULQDQ folding for the bulk, when the CPU has it) */
static uint32_t crc_fast(const crc_tables *ct, uint32_t crc, const uint8_t *b, size_t n)
{
    crc = ~crc;
#ifdef EVX_HAVE_CLMUL
    if (ct->clmul && n >= 64) {
        size_t bulk = n & ~(size_t)15;
        crc = ct->clmul > 1 && bulk >= 128 ? crc_vclmul(crc, b, bulk) : crc_clmul(crc, b, bulk);
        b += bulk;
        n -= bulk;
    }
#endif
    while (n >= 16) {
        uint32_t w0 = evx_u32(b) ^ crc, w1 = evx_u32(b + 4), w2 = evx_u32(b + 8), w3 = evx_u32(b + 12);
        crc = ct->t[15][w0 & 0xFF] ^ ct->t[14][(w0 >> 8) & 0xFF] ^ ct->t[13][(w0 >> 16) & 0xFF] ^ ct->t[12][w0 >> 24] ^
              ct->t[11][w1 & 0xFF] ^ ct->t[10][(w1 >> 8) & 0xFF] ^ ct->t[9][(w1 >> 16) & 0xFF] ^ ct->t[8][w1 >> 24] ^
              ct->t[7][w2 & 0xFF] ^ ct->t[6][(w2 >> 8) & 0xFF] ^ ct->t[5][(w2 >> 16) & 0xFF] ^ ct->t[4][w2 >> 24] ^
              ct->t[3][w3 & 0xFF] ^ ct->t[2][(w3 >> 8) & 0xFF] ^ ct->t[1][(w3 >> 16) & 0xFF] ^ ct->t[0][w3 >> 24];
        b += 16;
        n -= 16;
    }
    while (n--)
        crc = (crc >> 8) ^ ct->t[0][(crc ^ *b++) & 0xFF];
    return ~crc;
}

/* ---- file header ---- */

int es_evtx_parse_file_header(const void *data, size_t len, es_evtx_file_info *fi)
{
    const uint8_t *h = data;
    memset(fi, 0, sizeof *fi);
    if (len < 128)
        return ES_EVTX_HDR_SHORT;
    if (memcmp(h, "ElfFile\0", 8) != 0)
        return ES_EVTX_HDR_BAD_SIGNATURE;
    fi->first_chunk = evx_u64(h + 8);
    fi->last_chunk = evx_u64(h + 16);
    fi->next_record_id = evx_u64(h + 24);
    fi->header_size = evx_u32(h + 32);
    fi->minor = evx_u16(h + 36);
    fi->major = evx_u16(h + 38);
    fi->block_size = evx_u16(h + 40);
    fi->chunk_count = evx_u16(h + 42);
    fi->flags = evx_u32(h + 120);
    fi->checksum = evx_u32(h + 124);
    fi->checksum_ok = es_evtx_crc32(0, h, 120) == fi->checksum;
    return fi->checksum_ok ? ES_EVTX_HDR_OK : ES_EVTX_HDR_BAD_CHECKSUM;
}

/* ---- parser ---- */

typedef struct parser_full {
    es_evtx_parser p;
    crc_tables crc;
} parser_full;

es_evtx_parser *es_evtx_new(unsigned flags)
{
    parser_full *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->p.flags = flags;
    f->p.names_tab = calloc(EVX_NAME_SLOTS, sizeof *f->p.names_tab);
    if (!f->p.names_tab) {
        free(f);
        return NULL;
    }
    es_buf_init(&f->p.names);
    es_buf_init(&f->p.xml);
    es_buf_init(&f->p.val);
    es_buf_init(&f->p.strs);
    crc_init(&f->crc);
    return &f->p;
}

void es_evtx_free(es_evtx_parser *p)
{
    if (!p)
        return;
    es_buf_free(&p->names);
    es_buf_free(&p->xml);
    es_buf_free(&p->val);
    es_buf_free(&p->strs);
    free(p->names_tab);
    free(p->ops);
    free(p->subs);
    free(p->items);
    free(p->data);
    free((parser_full *)p);
}

void es_evtx_set_warn(es_evtx_parser *p, es_evtx_warn_cb cb, void *ctx)
{
    p->warn = cb;
    p->warn_ctx = ctx;
}

void es_evtx_reset(es_evtx_parser *p)
{
    memset(&p->stats, 0, sizeof p->stats);
    p->chunk_index = 0;
}

void es_evtx_note_file_header(es_evtx_parser *p, int hdr_result)
{
    if (hdr_result == ES_EVTX_HDR_BAD_CHECKSUM)
        p->stats.header_crc_errors++;
}

const es_evtx_stats *es_evtx_get_stats(const es_evtx_parser *p) { return &p->stats; }

static void warnf(es_evtx_parser *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#include <stdarg.h>
static void warnf(es_evtx_parser *p, const char *fmt, ...)
{
    if (!p->warn)
        return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->warn(p->warn_ctx, msg);
}

static int all_zero(const uint8_t *b, size_t n)
{
    /* the first byte is 0 and every byte equals the one before it (memcmp is vectorised) */
    return n == 0 || (b[0] == 0 && memcmp(b, b + 1, n - 1) == 0);
}

/* A record at pos: signature and a size that fits. With `strict`, the size must also be
 * repeated at the record's end (what a scan for records after damage asks for); without it, a
 * record cut short (its tail never written, the size copy missing) is still read as far as its
 * BinXML goes. */
static size_t record_size_at(const uint8_t *c, size_t pos, size_t end, int strict)
{
    if (end - pos < 28 || memcmp(c + pos, "**\0\0", 4) != 0)
        return 0;
    size_t size = evx_u32(c + pos + 4);
    if (size < 28 || size > end - pos)
        return 0;
    if (strict && evx_u32(c + pos + size - 4) != size)
        return 0;
    return size;
}

/* The next plausible record at or after pos (8-byte steps are not assumed). */
static size_t resync(const uint8_t *c, size_t pos, size_t end)
{
    while (pos + 28 <= end) {
        const uint8_t *hit = memchr(c + pos, '*', end - pos - 27);
        if (!hit)
            return end;
        pos = (size_t)(hit - c);
        if (record_size_at(c, pos, end, 1))
            return pos;
        pos++;
    }
    return end;
}

long es_evtx_feed_chunk(es_evtx_parser *p, const void *data, size_t len, es_evtx_record_cb cb, void *ctx)
{
    const uint8_t *c = data;
    const crc_tables *ct = &((parser_full *)p)->crc;
    uint64_t idx = p->chunk_index++;
    p->stats.chunks++;
    if (len > ES_EVTX_CHUNK_SIZE)
        len = ES_EVTX_CHUNK_SIZE;
    int sig_ok = len >= 512 && memcmp(c, "ElfChnk\0", 8) == 0;
    size_t end = len;
    if (sig_ok) {
        if (crc_fast(ct, crc_fast(ct, 0, c, 120), c + 128, 384) != evx_u32(c + 124)) {
            p->stats.chunk_crc_errors++;
            warnf(p, "chunk %llu: header checksum mismatch", (unsigned long long)idx);
        }
        size_t free_off = evx_u32(c + 48);
        if (free_off >= 512 && free_off <= len) {
            end = free_off;
            if (crc_fast(ct, 0, c + 512, free_off - 512) != evx_u32(c + 52)) {
                p->stats.data_crc_errors++;
                warnf(p, "chunk %llu: records checksum mismatch", (unsigned long long)idx);
            }
        } else {
            warnf(p, "chunk %llu: free space offset 0x%lx out of range", (unsigned long long)idx, (unsigned long)free_off);
        }
        if (end <= 512) {
            p->stats.empty_chunks++;
            return 0;
        }
    } else {
        if (all_zero(c, len)) {
            p->stats.empty_chunks++;
            return 0;
        }
        p->stats.bad_chunks++;
        if (len < 512) {
            warnf(p, "chunk %llu: truncated (%lu bytes)", (unsigned long long)idx, (unsigned long)len);
            return 0;
        }
        warnf(p, "chunk %llu: bad signature, scanning it for records", (unsigned long long)idx);
    }
    evx_chunk_begin(p, c, len);
    long delivered = 0;
    size_t pos = 512;
    if (!sig_ok) {
        pos = resync(c, pos, end);
    }
    while (pos + 28 <= end) {
        size_t size = record_size_at(c, pos, end, 0);
        int size_copy_ok = size && evx_u32(c + pos + size - 4) == size;
        if (!size) {
            if (all_zero(c + pos, end - pos))
                break;   /* slack after the last record */
            size_t next = resync(c, pos + 1, end);
            p->stats.skipped_records++;
            warnf(p, "chunk %llu, offset 0x%lx: damaged record header, skipped to 0x%lx", (unsigned long long)idx,
                  (unsigned long)pos, (unsigned long)next);
            pos = next;
            continue;
        }
        uint64_t rid = evx_u64(c + pos + 8), written = evx_u64(c + pos + 16);
        evx_ev_begin(p);
        es_buf_clear(&p->xml);
        if (p->xml.failed) {
            es_buf_free(&p->xml);
            es_buf_init(&p->xml);
        }
        es_event ev;
        if (evx_record_walk(p, pos + 24, pos + size - 4) < 0 || !evx_ev_finish(p, &ev, rid, written) ||
            p->xml.failed) {
            p->stats.skipped_records++;
            warnf(p, "chunk %llu, record %llu at 0x%lx: %s", (unsigned long long)idx, (unsigned long long)rid,
                  (unsigned long)pos, p->errmsg[0] ? p->errmsg : "out of memory");
            if (!size_copy_ok) {
                /* the size itself may be wrong: look for the next record from here */
                pos = resync(c, pos + 1, end);
                continue;
            }
        } else {
            if (p->xml.data)
                p->xml.data[p->xml.len] = 0;
            es_evtx_record rec;
            rec.record_id = rid;
            rec.written = written;
            rec.chunk_index = idx;
            rec.offset = (uint32_t)pos;
            rec.size = (uint32_t)size;
            rec.xml = (p->flags & ES_EVTX_XML) ? (p->xml.data ? p->xml.data : "") : NULL;
            rec.xml_len = (p->flags & ES_EVTX_XML) ? p->xml.len : 0;
            p->stats.records++;
            delivered++;
            if (cb && cb(ctx, &ev, &rec))
                return -1;
        }
        pos += size;
    }
    return delivered;
}
