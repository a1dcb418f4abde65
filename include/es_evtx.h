/* es_evtx: the saved-log (.evtx) parser. Streaming, bytes in, events out: the caller reads the
 * file (ReadFile, fread, a memory map, a fuzzer's buffer) and hands the parser the 4096-byte
 * file header once, then each 64 KiB chunk in turn; the parser calls back once per record with
 * a filled es_event and, when asked, the record rendered as Event Viewer's XML.
 *
 *   es_evtx_file_info fi;
 *   es_evtx_parse_file_header(buf, n, &fi);           // optional: the records are in the chunks
 *   es_evtx_parser *p = es_evtx_new(ES_EVTX_XML);
 *   for each 64 KiB block after the header (ALL of them up to end of file, not only
 *   fi.chunk_count: dirty files keep records past it; the last block may be short):
 *       if (es_evtx_feed_chunk(p, block, n, on_record, ctx) < 0) break;   // callback stopped
 *   es_evtx_stats st = *es_evtx_get_stats(p);          // damaged records, checksum errors...
 *   es_evtx_free(p);
 *
 * Every byte is treated as hostile: a bad chunk or record is skipped and counted, every good
 * record is delivered. Checksum mismatches are counted, never fatal. Memory stays flat: the
 * parser keeps per-chunk caches (names, templates) and reuses its buffers from record to
 * record, so after the first chunks it allocates nothing.
 *
 * Portable core: no windows.h, no file I/O. Strings are UTF-8. One parser per thread. */
#ifndef ES_EVTX_H
#define ES_EVTX_H

#include "es_buf.h"
#include "es_event.h"

#include <stddef.h>
#include <stdint.h>

#define ES_EVTX_FILE_HEADER_SIZE 4096u
#define ES_EVTX_CHUNK_SIZE       65536u

/* ---- file header ---- */

typedef struct es_evtx_file_info {
    uint64_t first_chunk;       /* oldest chunk number */
    uint64_t last_chunk;        /* current chunk number */
    uint64_t next_record_id;
    uint32_t header_size;       /* 128 */
    uint16_t minor, major;      /* 1, 3 */
    uint16_t block_size;        /* 4096 */
    uint16_t chunk_count;       /* chunks the header knows of; more may follow */
    uint32_t flags;             /* 1 dirty, 2 full */
    uint32_t checksum;          /* stored CRC32 of bytes 0..119 */
    int      checksum_ok;
} es_evtx_file_info;

enum {
    ES_EVTX_HDR_OK = 0,
    ES_EVTX_HDR_SHORT = 1,      /* fewer than 128 bytes */
    ES_EVTX_HDR_BAD_SIGNATURE = 2,
    ES_EVTX_HDR_BAD_CHECKSUM = 3/* fields filled; the chunks can still be read */
};

/* Reads the file header (len >= 128; pass the whole 4096 bytes when you have them). Returns
 * one of ES_EVTX_HDR_*; fi is filled for OK and BAD_CHECKSUM. A file whose header is bad may
 * still hold good chunks: a caller that wants to recover what it can goes on feeding chunks. */
int es_evtx_parse_file_header(const void *p, size_t len, es_evtx_file_info *fi);

/* ---- records ---- */

typedef struct es_evtx_record {
    uint64_t    record_id;      /* from the record header */
    uint64_t    written;        /* FILETIME ticks from the record header */
    uint64_t    chunk_index;    /* 0-based count of chunks fed so far */
    uint32_t    offset;         /* of the record inside its chunk */
    uint32_t    size;
    const char *xml;            /* the <Event> element, one line, when ES_EVTX_XML; else NULL */
    size_t      xml_len;
} es_evtx_record;

/* Called once per good record. ev and rec (and every string they point at) are valid only
 * during the call. Return 0 to go on, non-zero to stop: es_evtx_feed_chunk then returns -1. */
typedef int (*es_evtx_record_cb)(void *ctx, const es_event *ev, const es_evtx_record *rec);

/* Called for each problem found (a skipped chunk or record, a checksum mismatch), with a
 * sentence such as "chunk 3: bad signature" or "chunk 2, record at 0x1a28: bad BinXML". */
typedef void (*es_evtx_warn_cb)(void *ctx, const char *msg);

typedef struct es_evtx_stats {
    uint64_t chunks;            /* chunks fed */
    uint64_t empty_chunks;      /* all zero, or no records: skipped silently */
    uint64_t bad_chunks;        /* bad signature or header: skipped, or scanned for records */
    uint64_t records;           /* delivered to the callback */
    uint64_t skipped_records;   /* damaged records that were skipped */
    uint64_t header_crc_errors; /* file header checksum (set by es_evtx_note_file_header) */
    uint64_t chunk_crc_errors;  /* chunk header checksum */
    uint64_t data_crc_errors;   /* event records checksum */
} es_evtx_stats;

#define ES_EVTX_XML 1u          /* also render each record as XML (es_evtx_record.xml) */

typedef struct es_evtx_parser es_evtx_parser;

es_evtx_parser *es_evtx_new(unsigned flags);     /* NULL when out of memory */
void            es_evtx_free(es_evtx_parser *p); /* NULL is fine */
void            es_evtx_set_warn(es_evtx_parser *p, es_evtx_warn_cb cb, void *ctx);
/* Starts a new file: chunk numbering and stats back to zero; buffers are kept. */
void            es_evtx_reset(es_evtx_parser *p);
/* Counts a file header checksum mismatch in the stats (call after es_evtx_parse_file_header). */
void            es_evtx_note_file_header(es_evtx_parser *p, int hdr_result);

/* Parses one chunk: `len` bytes at `chunk` (normally 65536; a short last block is parsed as far
 * as it goes). Returns the number of records delivered, or -1 when the callback stopped. */
long es_evtx_feed_chunk(es_evtx_parser *p, const void *chunk, size_t len, es_evtx_record_cb cb, void *ctx);

const es_evtx_stats *es_evtx_get_stats(const es_evtx_parser *p);

/* CRC32 (IEEE, as the .evtx checksums use); crc starts at 0. */
uint32_t es_evtx_crc32(uint32_t crc, const void *p, size_t n);

/* ======================================================================================
 * Private to the parser's modules (the files of src/evtx define ES_EVTX_INTERNAL before including
 * this header). It lives here, not in src/evtx, so that the build's header dependencies
 * on the public headers rebuild every module when the shared state changes.
 * ====================================================================================== */
#ifdef ES_EVTX_INTERNAL
/* Private to the .evtx parser: the parser state shared by its modules. */
#include "es_buf.h"
#include "es_event.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define EVX_MAX_DEPTH      64      /* nested template instances / BinXML values */
#define EVX_MAX_ELEMENTS   256     /* open elements in one record */
#define EVX_MAX_TOKENS     2000000 /* tokens walked for one record (defeats amplification) */
#define EVX_MAX_XML        (32u << 20)
#define EVX_TMPL_SLOTS     512     /* template cache slots (power of 2) */
#define EVX_MAX_NAME_UNITS 4096    /* longer names are cut (and must fit a uint16_t in UTF-8) */
#define EVX_NAMES_CAP      (4u << 20) /* decoded names kept per chunk */

static inline uint16_t evx_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t evx_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t evx_u64(const uint8_t *p) { return (uint64_t)evx_u32(p) | ((uint64_t)evx_u32(p + 4) << 32); }

/* Appends to a buffer the parser owns; the fast path skips es_buf's NUL (the parser
 * terminates its buffers when a record is done). */
static inline void evx_put(es_buf *b, const void *s, size_t n)
{
    if (b->cap - b->len > n) {
        char *d = b->data + b->len;
        const char *c = (const char *)s;
        /* short copies (names, numbers) without a call: two overlapping words, read and
         * written inside [0, n) */
        if (n >= 8 && n <= 16) {
            uint64_t x, y;
            memcpy(&x, c, 8);
            memcpy(&y, c + n - 8, 8);
            memcpy(d, &x, 8);
            memcpy(d + n - 8, &y, 8);
        } else if (n >= 4 && n < 8) {
            uint32_t x, y;
            memcpy(&x, c, 4);
            memcpy(&y, c + n - 4, 4);
            memcpy(d, &x, 4);
            memcpy(d + n - 4, &y, 4);
        } else if (n < 4) {
            if (n) {
                d[0] = c[0];
                d[n / 2] = c[n / 2];
                d[n - 1] = c[n - 1];
            }
        } else {
            memcpy(d, c, n);
        }
        b->len += n;
    } else {
        es_buf_append(b, s, n);
    }
}
/* evx_put for a source that may be read 16 bytes from its start whatever n is (a name or a
 * text kept in names, which keeps that much slack; a rendered value): a short copy is one move. */
static inline void evx_put_w(es_buf *b, const void *s, size_t n)
{
    if (n <= 16 && b->cap - b->len > 16) {
        memcpy(b->data + b->len, s, 16);
        b->len += n;
    } else {
        evx_put(b, s, n);
    }
}
static inline void evx_putc(es_buf *b, char c)
{
    if (b->cap - b->len > 1)
        b->data[b->len++] = c;
    else
        es_buf_putc(b, c);
}

/* A substitution value: where its bytes are in the chunk, and its type. */
typedef struct evx_sub {
    uint32_t off;
    uint16_t size;
    uint8_t  type;
} evx_sub;

/* The name cache: a hash table by chunk offset (small enough to stay in cache), a slot valid
 * when gen is the current chunk's. A name that finds no free slot near its hash (only a chunk
 * that refers to thousands of names does that) is decoded again at each use. */
#define EVX_NAME_SLOTS 2048     /* power of 2; real chunks use a few hundred */
typedef struct evx_name_slot {
    uint32_t gen;
    uint32_t off;       /* the name structure's chunk offset */
    uint32_t str;       /* offset of the NUL-terminated UTF-8 name in names */
    uint16_t len;
    uint16_t kind;      /* enum evx_name_kind */
} evx_name_slot;

/* Names the event collector looks for, recognised once when a name is decoded. */
enum evx_name_kind {
    N_OTHER = 0, N_SYSTEM, N_EVENTDATA, N_USERDATA, N_DATA, N_EVENTID, N_VERSION, N_LEVEL, N_TASK,
    N_OPCODE, N_KEYWORDS, N_TIMECREATED, N_EVENTRECORDID, N_EXECUTION, N_CHANNEL, N_COMPUTER,
    N_PROVIDER, N_NAME, N_EVENTSOURCENAME, N_SYSTEMTIME, N_PROCESSID, N_THREADID, N_QUALIFIERS,
    N_RENDERINGINFO, N_MESSAGE      /* every kind < 32: the element tables are indexed by kind & 31 */
};

typedef struct evx_tmpl_slot {
    uint32_t gen;       /* valid when it is the current chunk's (see es_evtx_parser.gen) */
    uint32_t key;       /* definition offset + 1 */
    uint32_t body;      /* first byte of the template's BinXML */
    uint32_t end;       /* one past its last byte */
    uint32_t ops;       /* its decoded tokens: first in es_evtx_parser.ops */
    uint32_t nops;
    uint32_t ntok;      /* the tokens they stand for */
    uint32_t state;     /* enum evx_tmpl_state */
} evx_tmpl_slot;

enum evx_tmpl_state { T_NEW = 0, T_COMPILED, T_WALK /* not decoded: walked token by token */ };

/* One BinXML token, decoded: a template's body is decoded once per chunk into a list of these
 * (names resolved, bounds checked), and every instance of the template runs the list. */
typedef struct evx_op {
    uint8_t  op;        /* enum evx_opcode */
    uint8_t  tok;       /* the token byte */
    uint16_t len;       /* name length */
    uint16_t kind;      /* name kind (enum evx_name_kind) */
    uint16_t idx;       /* substitution index; character reference; message (OP_FAIL) */
    uint32_t name;      /* name offset in names */
    uint32_t pos;       /* chunk offset of the token's data; the failure's offset */
    uint32_t units;     /* UTF-16 units (or bytes) of the data; a text's length (OP_TEXTLIT) */
    uint32_t lit;       /* a text's offset in names (OP_TEXTLIT, OP_ATTR_LIT) */
} evx_op;

#define EVX_MAX_OPS (1u << 18)   /* decoded tokens kept per chunk; templates past it are walked */

/* What an element or attribute's text is collected for (es_event fields). */
enum evx_field {
    F_NONE = 0,
    F_EVENTID, F_VERSION, F_LEVEL, F_TASK, F_OPCODE, F_KEYWORDS, F_RECORDID, F_CHANNEL,
    F_COMPUTER, F_PROVIDER, F_SOURCENAME, F_TIME, F_PID, F_TID, F_QUALIFIERS,
    F_RMESSAGE, F_RLEVEL, F_RTASK,  /* RenderingInfo's texts: forwarded events carry them */
    F_DATA,         /* EventData/Data text: a data item */
    F_DATANAME,     /* EventData/Data@Name */
    F_LEAF,         /* an element inside UserData: a data item when it has no child element */
    F_COUNT
};

enum evx_section { S_NONE = 0, S_SYSTEM, S_EVENTDATA, S_USERDATA, S_RENDERING, S_OTHER };

typedef struct evx_elem {
    uint32_t name;          /* offset in names */
    uint16_t name_len;
    uint16_t kind;          /* enum evx_name_kind */
    uint32_t text_start;    /* offset in strs where this element's text starts */
    uint32_t item;          /* data item index + 1 for F_DATA/F_LEAF, else 0 */
    uint32_t xml_start;     /* offset of its '<' in xml */
    uint32_t tag_end;       /* offset just after its attributes in xml */
    uint8_t  field;         /* enum evx_field */
    uint8_t  section;       /* enum evx_section */
    uint8_t  has_child;
    uint8_t  open_tag;      /* XML: "<name ..." written, '>' not yet */
    uint32_t pad;           /* 32 bytes: the stack is indexed with a shift */
} evx_elem;

typedef struct evx_item { uint32_t name, value; } evx_item;   /* offsets in strs */

struct es_evtx_parser {
    unsigned flags;
    /* the chunk being parsed */
    const uint8_t *c;
    size_t clen;
    uint64_t chunk_index;
    /* per-chunk caches */
    evx_name_slot *names_tab;   /* EVX_NAME_SLOTS slots */
    uint32_t gen;
    evx_tmpl_slot tmpl_tab[EVX_TMPL_SLOTS];
    es_buf names;
    evx_op  *ops;               /* decoded template bodies (this chunk's) */
    size_t   nops, capops;
    /* per-record state */
    evx_sub *subs;
    size_t   nsubs, capsubs;
    evx_elem elems[EVX_MAX_ELEMENTS];
    size_t   nelems;
    long     tokens;
    long     xml_elems;     /* elements opened in this record */
    int      in_attr;       /* inside an attribute value */
    size_t   attr_mark;     /* xml length before the attribute, to drop an empty optional one */
    int      attr_content;  /* the attribute got some text */
    int      attr_field;    /* F_* collecting the attribute's text */
    uint32_t attr_start;    /* offset in strs */
    uint64_t time_ft;       /* TimeCreated from a FILETIME value, when seen */
    int      have_time_ft;
    es_buf   xml;
    es_buf   val;           /* one rendered value */
    es_buf   strs;          /* text collected for the event */
    uint32_t field_off[F_COUNT]; /* offset + 1 in strs of each system field's text */
    evx_item *items;
    size_t    nitems, capitems;
    es_data_item *data;
    size_t    capdata;
    uint32_t  cur_dataname; /* offset + 1 of the current Data@Name */
    char      errmsg[96];
    /* output */
    es_evtx_stats stats;
    es_evtx_warn_cb warn;
    void *warn_ctx;
};

/* evtx_binxml.c */
void evx_chunk_begin(es_evtx_parser *p, const uint8_t *chunk, size_t len);
/* Walks the record's BinXML [pos, end). 0 on success, -1 when damaged (p->errmsg says why). */
int  evx_record_walk(es_evtx_parser *p, size_t pos, size_t end);

/* evtx_values.c: appends the text of a value; FILETIMEs also go to *ft (when ft != NULL). */
void evx_render_value(es_buf *out, unsigned type, const uint8_t *v, size_t n, uint64_t *ft, int *have_ft);
void evx_render_scalar(es_buf *out, unsigned type, const uint8_t *v, size_t n, uint64_t *ft, int *have_ft);
/* Steps through the elements of an array value (type has 0x80 set): 1 and the next element's
 * offset/size in v, or 0 at the end. *pos starts at 0. */
int  evx_array_next(unsigned type, const uint8_t *v, size_t n, size_t *pos, size_t *ip, size_t *in);
void evx_render_filetime(es_buf *out, uint64_t ft);
void evx_put_u64(es_buf *out, uint64_t v);
extern const char evx_digits2[201];   /* "00" "01" ... "99" */

/* evtx_xml.c */
void evx_xml_text(es_buf *x, const char *s, size_t n, int in_attr);
void evx_xml_utf16(es_buf *x, const uint8_t *p, size_t units, int in_attr);
/* UTF-16LE text to the event's strings (t) and escaped to the XML (x), in one pass; either may be
 * NULL. The bytes up to lim (the chunk's end) may be read, past the text's. */
void evx_text16(es_buf *t, es_buf *x, const uint8_t *p, size_t units, const uint8_t *lim, int in_attr);

/* evtx_event.c: the event side of the element stream (the per-element steps are inline, below) */
void evx_ev_begin(es_evtx_parser *p);
int  evx_name_kind(const char *s, size_t n);
uint32_t evx_new_item(es_evtx_parser *p);   /* a data item's index + 1; 0 when out of memory */
/* Fills ev (pointers into p's buffers). 0 when out of memory. */
int  evx_ev_finish(es_evtx_parser *p, es_event *ev, uint64_t header_record_id, uint64_t written);

/* The collector's steps for each element, attribute and text: called for every token, so they
 * are inline. evx_ev_open: an element was opened (parent NULL for the root); evx_ev_attr: an
 * attribute of the current element starts; evx_ev_text_target: where text for the current element
 * or attribute is collected (NULL: not wanted). */
/* element kinds in System that have attributes we want (kept in evx_elem.field as well) */
#define K_PROVIDER  (F_COUNT + 1)
#define K_TIME      (F_COUNT + 2)
#define K_EXEC      (F_COUNT + 3)

static inline void evx_ev_open(es_evtx_parser *p, evx_elem *e, const evx_elem *parent, size_t depth)
{
    e->field = F_NONE;
    e->item = 0;
    e->has_child = 0;
    e->text_start = UINT32_MAX;
    if (!parent) {
        e->section = S_NONE;
        return;
    }
    /* a parent's own text is not kept once it has child elements */
    ((evx_elem *)parent)->has_child = 1;
    /* tables rather than switches: the element kinds come in no order a branch predictor
     * could learn */
    static const uint8_t section_of[32] = {[N_SYSTEM] = S_SYSTEM, [N_EVENTDATA] = S_EVENTDATA,
                                           [N_USERDATA] = S_USERDATA, [N_RENDERINGINFO] = S_RENDERING};
    static const uint8_t rendering_field[32] = {[N_MESSAGE] = F_RMESSAGE, [N_LEVEL] = F_RLEVEL,
                                                [N_TASK] = F_RTASK};
    static const uint8_t system_field[32] = {
        [N_EVENTID] = F_EVENTID, [N_EVENTRECORDID] = F_RECORDID, [N_EXECUTION] = K_EXEC, [N_VERSION] = F_VERSION,
        [N_LEVEL] = F_LEVEL, [N_TASK] = F_TASK, [N_TIMECREATED] = K_TIME, [N_OPCODE] = F_OPCODE,
        [N_KEYWORDS] = F_KEYWORDS, [N_CHANNEL] = F_CHANNEL, [N_COMPUTER] = F_COMPUTER, [N_PROVIDER] = K_PROVIDER};
    unsigned kind = e->kind & 31u;
    if (depth == 1) {
        uint8_t sec = section_of[kind];
        e->section = sec ? sec : S_OTHER;
        return;
    }
    e->section = parent->section;
    if (e->section == S_SYSTEM) {
        if (depth == 2)
            e->field = system_field[kind];
    } else if (e->section == S_EVENTDATA) {
        if (depth == 2 && e->kind == N_DATA) {
            e->field = F_DATA;
            e->item = evx_new_item(p);
        }
    } else if (e->section == S_USERDATA) {
        e->field = F_LEAF;
    } else if (e->section == S_RENDERING) {
        if (depth == 2)
            e->field = rendering_field[kind];
    }
}

static inline void evx_ev_attr(es_evtx_parser *p, unsigned kind)
{
    /* the field an attribute's text goes to, by its element's field and its name */
    static const uint8_t attr_field[F_COUNT + 4][32] = {
        [K_PROVIDER] = {[N_NAME] = F_PROVIDER, [N_EVENTSOURCENAME] = F_SOURCENAME},
        [K_TIME] = {[N_SYSTEMTIME] = F_TIME},
        [K_EXEC] = {[N_PROCESSID] = F_PID, [N_THREADID] = F_TID},
        [F_EVENTID] = {[N_QUALIFIERS] = F_QUALIFIERS},
        [F_DATA] = {[N_NAME] = F_DATANAME}};
    const evx_elem *e = &p->elems[p->nelems - 1];
    int f = e->field < F_COUNT + 4 ? attr_field[e->field][kind & 31u] : F_NONE;
    if (f == F_DATANAME && !e->item)
        f = F_NONE;
    p->attr_field = f;
    p->attr_start = (uint32_t)p->strs.len;
}

static inline void evx_ev_attr_end(es_evtx_parser *p)
{
    int f = p->attr_field;
    if (f == F_NONE)
        return;
    p->attr_field = F_NONE;
    evx_putc(&p->strs, '\0');
    if (p->strs.failed)
        return;
    if (f == F_DATANAME) {
        const evx_elem *e = &p->elems[p->nelems - 1];
        p->items[e->item - 1].name = p->attr_start + 1;
    } else {
        p->field_off[f] = p->attr_start + 1;
    }
}

static inline es_buf *evx_ev_text_target(es_evtx_parser *p)
{
    if (p->in_attr)
        return p->attr_field ? &p->strs : NULL;
    if (!p->nelems)
        return NULL;
    evx_elem *e = &p->elems[p->nelems - 1];
    if (e->field == F_NONE || e->field > F_COUNT || (e->field == F_LEAF && e->has_child))
        return NULL;
    if (e->text_start == UINT32_MAX)
        e->text_start = (uint32_t)p->strs.len;
    return &p->strs;
}

static inline void evx_ev_text(es_evtx_parser *p, const char *s, size_t n)
{
    es_buf *t = evx_ev_text_target(p);
    if (t)
        evx_put(t, s, n);
}

static inline void evx_ev_close(es_evtx_parser *p, evx_elem *e)
{
    int f = e->field;
    if (f == F_NONE || f > F_COUNT)
        return;
    if (f == F_LEAF && e->has_child)
        return;
    uint32_t v = 0;   /* 0: empty text */
    if (e->text_start != UINT32_MAX) {
        evx_putc(&p->strs, '\0');
        if (p->strs.failed)
            return;
        v = e->text_start + 1;
    }
    if (f == F_DATA) {
        if (e->item)
            p->items[e->item - 1].value = v;
    } else if (f == F_LEAF) {
        uint32_t it = evx_new_item(p);
        if (!it)
            return;
        uint32_t nm = (uint32_t)p->strs.len;
        es_buf_append(&p->strs, p->names.data + e->name, e->name_len);
        if (!es_buf_putc(&p->strs, '\0'))
            return;
        p->items[it - 1].name = nm + 1;
        p->items[it - 1].value = v;
    } else {
        p->field_off[f] = v ? v : UINT32_MAX;   /* UINT32_MAX: present but empty */
    }
}

#endif /* ES_EVTX_INTERNAL */

#endif
