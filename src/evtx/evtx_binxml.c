/* BinXML: tokens, names, templates (cached per chunk by offset) and substitutions.
 *
 * One walker turns a record's BinXML into a stream of elements, attributes and text; the
 * stream goes to the XML writer (when asked) and to the es_event collector. Every offset is
 * checked against the range it must lie in (the record, a template, a BinXML value, the chunk);
 * recursion (template instances, BinXML values) is capped by EVX_MAX_DEPTH and the work for one
 * record by EVX_MAX_TOKENS, so a cycle of templates ends as a damaged record. */
#define ES_EVTX_INTERNAL
#include "es_evtx.h"
#include "es_utf.h"

#include <stdlib.h>

#define WANT_XML(p) ((p)->flags & ES_EVTX_XML)

static int fail(es_evtx_parser *p, const char *why, size_t at)
{
    if (!p->errmsg[0]) {
        size_t n = strlen(why);
        if (n > 60)
            n = 60;
        memcpy(p->errmsg, why, n);
        /* " at 0xNNNN" */
        static const char hx[] = "0123456789abcdef";
        char *o = p->errmsg + n;
        memcpy(o, " at 0x", 6);
        o += 6;
        char tmp[8];
        int k = 0;
        uint32_t v = (uint32_t)at;
        do {
            tmp[k++] = hx[v & 15];
            v >>= 4;
        } while (v && k < 8);
        while (k)
            *o++ = tmp[--k];
        *o = 0;
    }
    return -1;
}

void evx_chunk_begin(es_evtx_parser *p, const uint8_t *chunk, size_t len)
{
    p->c = chunk;
    p->clen = len;
    if (++p->gen == 0) {   /* wrapped: forget every old slot */
        memset(p->names_tab, 0, EVX_NAME_SLOTS * sizeof *p->names_tab);
        memset(p->tmpl_tab, 0, sizeof p->tmpl_tab);
        p->gen = 1;
    }
    p->nops = 0;
    es_buf_clear(&p->names);
    if (p->names.failed) {   /* start afresh after a failure */
        es_buf_free(&p->names);
        es_buf_init(&p->names);
    }
}

/* ---- names ---- */

static inline uint32_t hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    return x;
}

/* Keeps a name usable as an XML name: ASCII characters that are not name characters become
 * '_' (non-ASCII letters are kept as they are). */
static void sanitize_name(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x80)
            continue;
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == ':' ||
                 (i > 0 && ((ch >= '0' && ch <= '9') || ch == '-' || ch == '.'));
        if (!ok)
            s[i] = '_';
    }
}

/* The name whose structure is at chunk offset off: [u32 next][u16 hash][u16 units][UTF-16].
 * Kept in names as "<Name\0</Name> Name=\"\0" with *str at "Name": the open tag, the end tag and
 * the attribute are written with one copy each (see OPEN_TAG, END_TAG, ATTR_TAG). */
static int get_name(es_evtx_parser *p, uint32_t off, uint32_t *str, uint32_t *len, unsigned *kind)
{
    if ((size_t)off + 8 > p->clen)
        return -1;
    evx_name_slot *slot = NULL;
    for (uint32_t h = hash32(off), probe = 0; probe < 16; probe++) {
        evx_name_slot *s = &p->names_tab[(h + probe) & (EVX_NAME_SLOTS - 1)];
        if (s->gen != p->gen) {
            slot = s;   /* free: the name goes here */
            break;
        }
        if (s->off == off) {
            *str = s->str;
            *len = s->len;
            *kind = s->kind;
            return 0;
        }
    }
    size_t units = evx_u16(p->c + off + 6);
    if ((size_t)off + 8 + units * 2 > p->clen)
        return -1;
    if (units > EVX_MAX_NAME_UNITS)
        units = EVX_MAX_NAME_UNITS;
    if (p->names.len > EVX_NAMES_CAP)
        return -1;
    if (!es_buf_putc(&p->names, '<'))
        return -1;
    size_t start = p->names.len;
    if (!es_utf16le_to_utf8(&p->names, p->c + off + 8, units, 1))
        return -1;
    if (p->names.len == start && !es_buf_putc(&p->names, '_'))
        return -1;
    sanitize_name(p->names.data + start, p->names.len - start);
    size_t n = p->names.len - start;
    if (!es_buf_reserve(&p->names, 2 * n + 8 + 16))   /* 16: slack for evx_put_w */
        return -1;
    char *d = p->names.data, *o = d + p->names.len;
    *o++ = 0;
    *o++ = '<';
    *o++ = '/';
    memcpy(o, d + start, n);
    o += n;
    *o++ = '>';
    *o++ = ' ';
    memcpy(o, d + start, n);
    o += n;
    *o++ = '=';
    *o++ = '"';
    *o++ = 0;
    p->names.len = (size_t)(o - d);
    *str = (uint32_t)start;
    *len = (uint32_t)n;
    *kind = (unsigned)evx_name_kind(p->names.data + start, n);
    if (slot) {
        slot->gen = p->gen;
        slot->off = off;
        slot->str = *str;
        slot->len = (uint16_t)n;
        slot->kind = (uint16_t)*kind;
    }
    return 0;
}

static inline const char *name_at(const es_evtx_parser *p, uint32_t str) { return p->names.data + str; }
/* "<Name", "</Name>", " Name=\"" of a name (see get_name) */
#define OPEN_TAG(p, str) ((p)->names.data + (str) - 1)
#define END_TAG(p, str, len) ((p)->names.data + (str) + (len) + 1)
#define ATTR_TAG(p, str, len) ((p)->names.data + (str) + 2 * (size_t)(len) + 4)

/* ---- output side ---- */

static inline void content_prep(es_evtx_parser *p)
{
    if (p->nelems) {
        evx_elem *t = &p->elems[p->nelems - 1];
        if (t->open_tag) {
            if (WANT_XML(p))
                evx_putc(&p->xml, '>');
            t->open_tag = 0;
        }
    }
}

static inline void attr_finish(es_evtx_parser *p)
{
    if (!p->in_attr)
        return;
    p->in_attr = 0;
    if (WANT_XML(p)) {
        if (!p->attr_content) {
            p->xml.len = p->attr_mark;   /* an attribute with no value is dropped */
            if (p->xml.data)
                p->xml.data[p->xml.len] = 0;
        } else {
            evx_putc(&p->xml, '"');
        }
    }
    evx_ev_attr_end(p);
}

/* Text as UTF-8; `plain` when it is known to need no escaping (a number, a GUID...). s can be
 * read 16 bytes from its start (p->val, or a buffer that big): see evx_put_w. */
static void text_as(es_evtx_parser *p, const char *s, size_t n, int plain)
{
    if (n == 0 || p->nelems == 0)
        return;
    if (p->in_attr) {
        p->attr_content = 1;
        if (WANT_XML(p)) {
            if (plain)
                evx_put_w(&p->xml, s, n);
            else
                evx_xml_text(&p->xml, s, n, 1);
        }
        if (p->attr_field)
            evx_put_w(&p->strs, s, n);   /* (evx_ev_text) */
        return;
    }
    content_prep(p);
    if (WANT_XML(p)) {
        if (plain)
            evx_put_w(&p->xml, s, n);
        else
            evx_xml_text(&p->xml, s, n, 0);
    }
    es_buf *t = evx_ev_text_target(p);   /* (evx_ev_text) */
    if (t)
        evx_put_w(t, s, n);
}

static void text(es_evtx_parser *p, const char *s, size_t n) { text_as(p, s, n, 0); }

/* Values of every type but strings are rendered as digits, hex, GUIDs, SIDs, times, true/false
 * or %g numbers (joined by commas): nothing in them needs escaping. */
static inline int plain_type(unsigned type)
{
    type &= 0x7F;
    return type != 0x01 && type != 0x02;
}

/* Text given as UTF-16LE in the chunk (string values and value tokens): decoded once, into the
 * event's strings when they collect it (and escaped from there into the XML), else straight
 * into the XML. */
static void text_utf16(es_evtx_parser *p, size_t pos, size_t units)
{
    if (units == 0 || p->nelems == 0 || (p->c[pos] == 0 && p->c[pos + 1] == 0))
        return;
    if (p->in_attr)
        p->attr_content = 1;
    else
        content_prep(p);
    es_buf *t = evx_ev_text_target(p);
    if (t || WANT_XML(p))
        evx_text16(t, WANT_XML(p) ? &p->xml : NULL, p->c + pos, units, p->c + p->clen, p->in_attr);
}

/* A CDATA section's text (UTF-8, n bytes) as one or more sections: "]]>" cannot appear inside
 * (the section is split there); a line break is written between sections as a character
 * reference (the record stays on one line); the other control characters XML does not allow
 * become U+FFFD, as in text. */
static void cdata_xml(es_evtx_parser *p, const char *s, size_t n)
{
    es_buf_append(&p->xml, "<![CDATA[", 9);
    size_t st = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == ']' && i + 2 < n && s[i + 1] == ']' && s[i + 2] == '>') {
            es_buf_append(&p->xml, s + st, i + 2 - st);
            es_buf_append(&p->xml, "]]><![CDATA[", 12);
            st = i + 2;
            i++;
        } else if (ch < 0x20 && ch != '\t') {
            es_buf_append(&p->xml, s + st, i - st);
            if (ch == '\n')
                es_buf_append(&p->xml, "]]>&#10;<![CDATA[", 17);
            else if (ch == '\r')
                es_buf_append(&p->xml, "]]>&#13;<![CDATA[", 17);
            else
                es_buf_append(&p->xml, "\xEF\xBF\xBD", 3);
            st = i + 1;
        }
    }
    es_buf_append(&p->xml, s + st, n - st);
    es_buf_append(&p->xml, "]]>", 3);
}

static void raw_xml(es_evtx_parser *p, const char *s, size_t n)
{
    if (WANT_XML(p))
        evx_put(&p->xml, s, n);
}

static void elem_close(es_evtx_parser *p)
{
    evx_elem *e = &p->elems[p->nelems - 1];
    if (WANT_XML(p)) {
        if (e->open_tag) {
            if (p->xml.cap - p->xml.len > 2) {
                p->xml.data[p->xml.len] = '/';
                p->xml.data[p->xml.len + 1] = '>';
                p->xml.len += 2;
            } else {
                evx_put(&p->xml, "/>", 2);
            }
        } else {
            evx_put_w(&p->xml, END_TAG(p, e->name, e->name_len), (size_t)e->name_len + 3);
        }
    }
    evx_ev_close(p, e);
    p->nelems--;
}

/* Reads a UTF-16 string of `units` code units at pos (bounds checked by the caller) into val. */
static const char *utf16_val(es_evtx_parser *p, size_t pos, size_t units, size_t *n)
{
    p->val.len = 0;   /* (its users go by length) */
    es_utf16le_to_utf8(&p->val, p->c + pos, units, 1);
    *n = p->val.len;
    return p->val.data ? p->val.data : "";
}

/* ---- templates ---- */

/* Finds the definition at def: its body [*body, *body_end) and its cache slot (NULL when the
 * cache has no room for it). */
static int template_lookup(es_evtx_parser *p, uint32_t def, size_t *body, size_t *body_end, evx_tmpl_slot **pslot)
{
    uint32_t h = hash32(def) & (EVX_TMPL_SLOTS - 1);
    evx_tmpl_slot *slot = NULL;
    *pslot = NULL;
    for (int probe = 0; probe < 16; probe++) {
        evx_tmpl_slot *s = &p->tmpl_tab[(h + (uint32_t)probe) & (EVX_TMPL_SLOTS - 1)];
        if (s->gen != p->gen) {   /* free */
            slot = s;
            break;
        }
        if (s->key == def + 1) {
            *body = s->body;
            *body_end = s->end;
            *pslot = s;
            return 0;
        }
    }
    /* [u32 next][16 GUID][u32 size][BinXML] */
    if ((size_t)def + 24 > p->clen)
        return -1;
    size_t size = evx_u32(p->c + def + 20);
    size_t b = (size_t)def + 24;
    size_t e = size > p->clen - b ? p->clen : b + size;   /* a definition cut short is read as far as it goes */
    /* a definition is a fragment: it starts with a fragment header (a zeroed or overwritten
     * definition does not) */
    if (e - b < 4 || p->c[b] != 0x0F)
        return -1;
    *body = b;
    *body_end = e;
    if (slot) {
        slot->gen = p->gen;
        slot->key = def + 1;
        slot->body = (uint32_t)b;
        slot->end = (uint32_t)e;
        slot->state = T_NEW;
        *pslot = slot;
    }
    return 0;
}

static int walk(es_evtx_parser *p, size_t *ppos, size_t end, size_t sbase, uint32_t nsubs, int depth, int in_tmpl);
static int compile(es_evtx_parser *p, evx_tmpl_slot *slot);
static int run_ops(es_evtx_parser *p, const evx_tmpl_slot *slot, size_t sbase, uint32_t nsubs, int depth, size_t at);

static int template_instance(es_evtx_parser *p, size_t *ppos, size_t end, int depth)
{
    size_t pos = *ppos;
    if (end - pos < 10)
        return fail(p, "truncated template instance", pos);
    uint32_t def = evx_u32(p->c + pos + 6);
    pos += 10;
    size_t body, body_end;
    evx_tmpl_slot *slot;
    if (def == pos) {
        /* the definition follows inline */
        if (end - pos < 24)
            return fail(p, "truncated template definition", pos);
        size_t size = evx_u32(p->c + pos + 20);
        if (size > end - pos - 24) {
            return fail(p, "template definition past the end", pos);
        }
        if (template_lookup(p, def, &body, &body_end, &slot) < 0)
            return fail(p, "bad template definition", pos);
        pos += 24 + size;
    } else {
        if (template_lookup(p, def, &body, &body_end, &slot) < 0)
            return fail(p, "bad template offset", def);
    }
    /* the substitution values: [u32 count][count x (u16 size, u8 type, u8 0)][values] */
    if (end - pos < 4)
        return fail(p, "truncated substitution count", pos);
    size_t count = evx_u32(p->c + pos);
    pos += 4;
    if (count > (end - pos) / 4)
        return fail(p, "bad substitution count", pos - 4);
    size_t voff = pos + count * 4;
    if (p->nsubs + count > p->capsubs) {
        size_t cap = p->capsubs ? p->capsubs : 64;
        while (cap < p->nsubs + count)
            cap *= 2;
        evx_sub *ns = realloc(p->subs, cap * sizeof *ns);
        if (!ns)
            return fail(p, "out of memory", pos);
        p->subs = ns;
        p->capsubs = cap;
    }
    size_t base = p->nsubs;
    for (size_t i = 0; i < count; i++) {
        const uint8_t *d = p->c + pos + i * 4;
        size_t sz = evx_u16(d);
        if (sz > end - voff)
            return fail(p, "substitution value past the end", voff);
        evx_sub *s = &p->subs[base + i];
        s->off = (uint32_t)voff;
        s->size = (uint16_t)sz;
        s->type = d[2];
        voff += sz;
    }
    p->nsubs = base + count;
    if (slot && slot->state == T_NEW)
        compile(p, slot);
    int r;
    if (slot && slot->state == T_COMPILED) {
        r = run_ops(p, slot, base, (uint32_t)count, depth + 1, body);
    } else {
        size_t bpos = body;
        r = walk(p, &bpos, body_end, base, (uint32_t)count, depth + 1, 1);
    }
    p->nsubs = base;
    *ppos = voff;
    return r;
}

/* Closes the current element and opens a copy of it (same name, same attributes). */
static int elem_repeat(es_evtx_parser *p)
{
    evx_elem old = p->elems[p->nelems - 1];
    uint32_t prev_name = old.item && old.item <= p->nitems ? p->items[old.item - 1].name : 0;
    elem_close(p);
    p->tokens += 4;
    if (p->tokens > EVX_MAX_TOKENS)
        return fail(p, "too many tokens", 0);
    evx_elem *e = &p->elems[p->nelems];
    e->name = old.name;
    e->name_len = old.name_len;
    e->kind = old.kind;
    e->open_tag = 1;
    e->xml_start = (uint32_t)p->xml.len;
    if (WANT_XML(p)) {
        size_t n = old.tag_end - old.xml_start;
        if (old.tag_end >= old.xml_start && old.tag_end <= p->xml.len && es_buf_reserve(&p->xml, n)) {
            memmove(p->xml.data + p->xml.len, p->xml.data + old.xml_start, n);
            p->xml.len += n;
            p->xml.data[p->xml.len] = 0;
        }
    }
    e->tag_end = (uint32_t)p->xml.len;
    p->nelems++;
    evx_ev_open(p, e, p->nelems > 1 ? &p->elems[p->nelems - 2] : NULL, p->nelems - 1);
    if (e->item && prev_name)
        p->items[e->item - 1].name = prev_name;
    return 0;
}

static int substitution(es_evtx_parser *p, const evx_sub *s, int optional, int depth)
{
    (void)optional;
    if (s->type == 0 || s->size == 0)
        return 0;   /* NULL: an optional substitution's attribute is dropped (no text at all) */
    if (s->type == 0x21) {   /* BinXML value: a fragment in its own right */
        if (p->in_attr)
            return 0;
        size_t pos = s->off;
        return walk(p, &pos, (size_t)s->off + s->size, 0, 0, depth + 1, 0);
    }
    if ((s->type & 0x80) && !p->in_attr && p->nelems && p->elems[p->nelems - 1].open_tag == 1) {
        /* An array as an element's whole content: the element is repeated, one per item,
         * as Windows renders it (<Data>a</Data><Data>b</Data>). */
        size_t at = 0, ip, in;
        int k = 0;
        while (evx_array_next(s->type, p->c + s->off, s->size, &at, &ip, &in)) {
            if (k++ && elem_repeat(p) < 0)
                return -1;
            p->val.len = 0;   /* (its users go by length) */
            evx_render_scalar(&p->val, s->type & 0x7F, p->c + s->off + ip, in, NULL, NULL);
            text_as(p, p->val.data ? p->val.data : "", p->val.len, plain_type(s->type));
        }
        return 0;
    }
    if (s->type == 0x01) {
        text_utf16(p, s->off, s->size / 2);
        return 0;
    }
    if (s->type == 0x04 || s->type == 0x06 || s->type == 0x08 || s->type == 0x0A) {
        /* unsigned integers, the commonest values: straight to text (as evx_render_scalar) */
        const uint8_t *v = p->c + s->off;
        size_t want = s->type == 0x04 ? 1 : s->type == 0x06 ? 2 : s->type == 0x08 ? 4 : 8, n = s->size;
        uint64_t x;
        if (n >= want) {
            x = want == 1 ? v[0] : want == 2 ? evx_u16(v) : want == 4 ? evx_u32(v) : evx_u64(v);
        } else {
            x = 0;
            for (size_t i = 0; i < n; i++)
                x |= (uint64_t)v[i] << (8 * i);
        }
        char tmp[40], *e = tmp + 24, *b = e;   /* 16 readable bytes from b (evx_put_w) */
        while (x >= 100) {
            b -= 2;
            memcpy(b, evx_digits2 + 2 * (x % 100), 2);
            x /= 100;
        }
        if (x >= 10) {
            b -= 2;
            memcpy(b, evx_digits2 + 2 * x, 2);
        } else {
            *--b = (char)('0' + x);
        }
        text_as(p, b, (size_t)(e - b), 1);
        return 0;
    }
    p->val.len = 0;   /* (its users go by length) */
    int time_attr = p->in_attr && p->attr_field == F_TIME;
    evx_render_value(&p->val, s->type, p->c + s->off, s->size, time_attr ? &p->time_ft : NULL,
                     time_attr ? &p->have_time_ft : NULL);
    if (p->val.len)
        text_as(p, p->val.data, p->val.len, plain_type(s->type));
    return 0;
}

static void char_ref(es_evtx_parser *p, unsigned v)
{
    char tmp[16];
    p->val.len = 0;   /* (its users go by length) */
    uint8_t u[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    es_utf16le_to_utf8(&p->val, u, 1, 0);
    int valid = v == 9 || v == 10 || v == 13 || (v >= 0x20 && (v < 0xD800 || v > 0xDFFF) && v != 0xFFFE && v != 0xFFFF);
    if (p->nelems == 0)
        return;
    if (p->in_attr)
        p->attr_content = 1;
    else
        content_prep(p);
    if (WANT_XML(p)) {
        if (valid) {
            int n = 0;
            tmp[n++] = '&';
            tmp[n++] = '#';
            char d[8];
            int k = 0;
            unsigned x = v;
            do {
                d[k++] = (char)('0' + x % 10);
                x /= 10;
            } while (x);
            while (k)
                tmp[n++] = d[--k];
            tmp[n++] = ';';
            es_buf_append(&p->xml, tmp, (size_t)n);
        } else {
            es_buf_append(&p->xml, "\xEF\xBF\xBD", 3);
        }
    }
    if (!p->in_attr || p->attr_field)
        evx_ev_text(p, p->val.data, p->val.len);
}

static void entity_ref(es_evtx_parser *p, const char *name, size_t len)
{
    static const struct { const char *n; const char *v; } pre[] = {
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
    const char *v = NULL;
    for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
        if (strlen(pre[i].n) == len && memcmp(pre[i].n, name, len) == 0)
            v = pre[i].v;
    if (p->nelems == 0)
        return;
    if (p->in_attr)
        p->attr_content = 1;
    else
        content_prep(p);
    if (WANT_XML(p)) {
        /* only the predefined entities are declared; any other is written as text */
        es_buf_append(&p->xml, v ? "&" : "&amp;", v ? 1 : 5);
        es_buf_append(&p->xml, name, len);
        es_buf_putc(&p->xml, ';');
    }
    if (!p->in_attr || p->attr_field) {
        if (v) {
            evx_ev_text(p, v, 1);
        } else {
            evx_ev_text(p, "&", 1);
            evx_ev_text(p, name, len);
            evx_ev_text(p, ";", 1);
        }
    }
}

/* ---- the token walker ---- */

enum evx_opcode {
    OP_END = 0, OP_FAIL, OP_OPEN, OP_CLOSE_START, OP_CLOSE, OP_TEXT16, OP_TEXT8, OP_ATTR, OP_CDATA,
    OP_CHARREF, OP_ENTITY, OP_PI, OP_TEMPLATE, OP_SUB, OP_NOP,
    /* in decoded template bodies only: two tokens in one; a text value decoded once */
    OP_OPEN_CS, OP_ATTR_SUB, OP_SUB_CLOSE, OP_TEXTLIT, OP_ATTR_LIT
};

enum { M_TRUNC_TOKEN, M_TRUNC_NAMEREF, M_TRUNC_NAME, M_BAD_NAME, M_VALUE_TYPE, M_UNKNOWN_TOKEN };
static const char *const MSG[] = {"truncated token", "truncated name reference", "truncated name", "bad name offset",
                                  "unsupported value type", "unknown BinXML token"};

#define DFAIL(m, at)                                                                           \
    do {                                                                                       \
        op->op = OP_FAIL;                                                                      \
        op->idx = (m);                                                                         \
        op->pos = (uint32_t)(at);                                                              \
        return;                                                                                \
    } while (0)
#define NEED(k)                                                                                \
    do {                                                                                       \
        if (end - pos < (size_t)(k))                                                           \
            DFAIL(M_TRUNC_TOKEN, pos);                                                         \
    } while (0)

/* A name reference at *pos (u32 chunk offset) into op; when the name is defined right there
 * (inline), skips over its definition. */
static int name_ref(es_evtx_parser *p, size_t *pos, size_t end, evx_op *op)
{
    if (end - *pos < 4) {
        op->op = OP_FAIL;
        op->idx = M_TRUNC_NAMEREF;
        op->pos = (uint32_t)*pos;
        return -1;
    }
    uint32_t off = evx_u32(p->c + *pos);
    *pos += 4;
    if (off == *pos) {
        size_t units = end - *pos >= 8 ? evx_u16(p->c + *pos + 6) : 0;
        if (end - *pos < 8 || end - *pos < 8 + units * 2 + 2) {
            op->op = OP_FAIL;
            op->idx = M_TRUNC_NAME;
            op->pos = (uint32_t)*pos;
            return -1;
        }
        *pos += 8 + units * 2 + 2;
    }
    uint32_t str, len;
    unsigned kind;
    if (get_name(p, off, &str, &len, &kind) < 0) {
        op->op = OP_FAIL;
        op->idx = M_BAD_NAME;
        op->pos = off;
        return -1;
    }
    op->name = str;
    op->len = (uint16_t)len;
    op->kind = (uint16_t)kind;
    return 0;
}

/* Decodes the token at *ppos (< end) into op and steps over it. Only the bytes are looked at
 * (and the chunk's names): what the token does to the output is exec's business, so a decoded
 * template body can be run for every instance. A template instance (OP_TEMPLATE) is left for
 * the caller to step over. */
static void decode(es_evtx_parser *p, size_t *ppos, size_t end, int in_tmpl, evx_op *op)
{
    const uint8_t *c = p->c;
    size_t pos = *ppos;
    uint8_t tok = c[pos];
    op->tok = tok;
    switch (tok) {
    case 0x00:   /* end of fragment */
        pos++;
        op->op = OP_END;
        break;
    case 0x01:
    case 0x41:   /* open start element: [u16 dependency][u32 size][u32 name][u32 attr size] */
        NEED(11);
        /* Elements of a template definition carry a dependency id; elements written
         * directly in a record or in a BinXML value do not. */
        pos += in_tmpl ? 7 : 5;
        if (name_ref(p, &pos, end, op) < 0)
            return;
        if (tok == 0x41) {
            NEED(4);
            pos += 4;
        }
        op->op = OP_OPEN;
        op->pos = (uint32_t)pos;
        break;
    case 0x02:   /* close start element */
        pos++;
        op->op = OP_CLOSE_START;
        break;
    case 0x03:   /* close empty element */
    case 0x04:   /* end element */
        pos++;
        op->op = OP_CLOSE;
        break;
    case 0x05:
    case 0x45: { /* value: [u8 type][u16 units][UTF-16] */
        NEED(4);
        size_t units = evx_u16(c + pos + 2);
        uint8_t vt = c[pos + 1];
        pos += 4;
        if (vt != 0x01 && vt != 0x02)
            DFAIL(M_VALUE_TYPE, pos - 3);
        size_t bytes = vt == 0x01 ? units * 2 : units;
        NEED(bytes);
        op->op = vt == 0x01 ? OP_TEXT16 : OP_TEXT8;
        op->pos = (uint32_t)pos;
        op->units = (uint32_t)units;
        pos += bytes;
        break;
    }
    case 0x06:
    case 0x46:   /* attribute: [u32 name] */
        pos++;
        if (name_ref(p, &pos, end, op) < 0)
            return;
        op->op = OP_ATTR;
        op->pos = (uint32_t)pos;
        break;
    case 0x07:
    case 0x47: { /* CDATA: [u16 units][UTF-16] */
        NEED(3);
        size_t units = evx_u16(c + pos + 1);
        pos += 3;
        NEED(units * 2);
        op->op = OP_CDATA;
        op->pos = (uint32_t)pos;
        op->units = (uint32_t)units;
        pos += units * 2;
        break;
    }
    case 0x08:
    case 0x48:   /* character reference: [u16] */
        NEED(3);
        op->op = OP_CHARREF;
        op->idx = evx_u16(c + pos + 1);
        pos += 3;
        break;
    case 0x09:
    case 0x49:   /* entity reference: [u32 name] */
        pos++;
        if (name_ref(p, &pos, end, op) < 0)
            return;
        op->op = OP_ENTITY;
        break;
    case 0x0A: { /* processing instruction target: [u32 name], then PI data */
        pos++;
        if (name_ref(p, &pos, end, op) < 0)
            return;
        size_t units = 0, dpos = 0;
        if (pos < end && c[pos] == 0x0B) {
            NEED(3);
            units = evx_u16(c + pos + 1);
            pos += 3;
            NEED(units * 2);
            dpos = pos;
            pos += units * 2;
        }
        op->op = OP_PI;
        op->pos = (uint32_t)dpos;
        op->units = (uint32_t)units;
        break;
    }
    case 0x0B: { /* PI data without a target: skipped */
        NEED(3);
        size_t units = evx_u16(c + pos + 1);
        pos += 3;
        NEED(units * 2);
        pos += units * 2;
        op->op = OP_NOP;
        break;
    }
    case 0x0C:   /* template instance */
        op->op = OP_TEMPLATE;
        op->pos = (uint32_t)pos;
        break;
    case 0x0D:
    case 0x0E:   /* substitution: [u16 index][u8 type] */
        NEED(4);
        op->op = OP_SUB;
        op->idx = evx_u16(c + pos + 1);
        pos += 4;
        break;
    case 0x0F:   /* fragment header: [u8 major][u8 minor][u8 flags] */
        NEED(4);
        pos += 4;
        op->op = OP_NOP;
        break;
    default:
        DFAIL(M_UNKNOWN_TOKEN, pos);
    }
    *ppos = pos;
}

#if defined(__GNUC__) || defined(__clang__)
#define EVX_INLINE inline __attribute__((always_inline))
#else
#define EVX_INLINE inline
#endif

static EVX_INLINE int op_open(es_evtx_parser *p, const evx_op *o)
{
    attr_finish(p);
    if (p->nelems >= EVX_MAX_ELEMENTS)
        return fail(p, "elements nested too deep", o->pos);
    content_prep(p);
    evx_elem *e = &p->elems[p->nelems];
    e->name = o->name;
    e->name_len = o->len;
    e->kind = o->kind;
    e->open_tag = 2;
    p->nelems++;
    p->xml_elems++;
    e->xml_start = (uint32_t)p->xml.len;
    if (WANT_XML(p))
        evx_put_w(&p->xml, OPEN_TAG(p, o->name), (size_t)o->len + 1);
    evx_ev_open(p, e, p->nelems > 1 ? &p->elems[p->nelems - 2] : NULL, p->nelems - 1);
    return 0;
}

static EVX_INLINE void op_close_start(es_evtx_parser *p, size_t base_elems)
{
    attr_finish(p);
    if (p->nelems > base_elems && p->elems[p->nelems - 1].open_tag == 2) {
        p->elems[p->nelems - 1].open_tag = 1;
        p->elems[p->nelems - 1].tag_end = (uint32_t)p->xml.len;
    }
}

static EVX_INLINE void op_close(es_evtx_parser *p, size_t base_elems)
{
    attr_finish(p);
    if (p->nelems > base_elems)
        elem_close(p);
}

static EVX_INLINE int op_attr(es_evtx_parser *p, const evx_op *o, size_t base_elems)
{
    attr_finish(p);
    if (p->nelems <= base_elems || p->elems[p->nelems - 1].open_tag != 2)
        return fail(p, "attribute outside a start tag", o->pos);
    p->in_attr = 1;
    p->attr_content = 0;
    p->attr_mark = p->xml.len;
    if (WANT_XML(p))
        evx_put_w(&p->xml, ATTR_TAG(p, o->name, o->len), (size_t)o->len + 3);
    evx_ev_attr(p, o->kind);
    return 0;
}

static EVX_INLINE int op_sub(es_evtx_parser *p, const evx_op *o, size_t sbase, uint32_t nsubs, int depth)
{
    if (o->idx < nsubs) {
        evx_sub s = p->subs[sbase + o->idx];
        return substitution(p, &s, o->tok == 0x0E, depth);
    }
    return 0;
}

/* A template's text value, decoded when the template was (see lit_text): what text_utf16 does
 * with it, without decoding it again. */
static EVX_INLINE void text_lit(es_evtx_parser *p, const evx_op *o)
{
    if (o->units == 0 || p->nelems == 0)
        return;
    if (p->in_attr)
        p->attr_content = 1;
    else
        content_prep(p);
    const char *s = p->names.data + o->lit;
    es_buf *t = evx_ev_text_target(p);
    if (t)
        evx_put_w(t, s, o->units);
    if (WANT_XML(p))
        evx_put_w(&p->xml, s, o->units);
}

/* Does what a decoded token says. 0: go on; 1: end of the fragment; -1: damaged. Inlined in
 * both loops that call it: each gets its own dispatch. */
static EVX_INLINE int exec(es_evtx_parser *p, const evx_op *o, size_t sbase, uint32_t nsubs, size_t base_elems, int depth)
{
    switch (o->op) {
    case OP_END:
        return 1;
    case OP_FAIL:
        return fail(p, MSG[o->idx], o->pos);
    case OP_OPEN:
        return op_open(p, o);
    case OP_OPEN_CS:   /* an element without attributes: open, close start */
        if (op_open(p, o) < 0)
            return -1;
        op_close_start(p, base_elems);
        return 0;
    case OP_CLOSE_START:
        op_close_start(p, base_elems);
        return 0;
    case OP_CLOSE:
        op_close(p, base_elems);
        return 0;
    case OP_TEXT16:
        text_utf16(p, o->pos, o->units);
        return 0;
    case OP_TEXTLIT:
        text_lit(p, o);
        return 0;
    case OP_ATTR_LIT:   /* an attribute with a fixed value */
        if (op_attr(p, o, base_elems) < 0)
            return -1;
        text_lit(p, o);
        return 0;
    case OP_TEXT8:
        p->val.len = 0;   /* (its users go by length) */
        evx_render_value(&p->val, 0x02, p->c + o->pos, o->units, NULL, NULL);
        text(p, p->val.data, p->val.len);
        return 0;
    case OP_ATTR:
        return op_attr(p, o, base_elems);
    case OP_ATTR_SUB:   /* an attribute whose value is a substitution */
        if (op_attr(p, o, base_elems) < 0)
            return -1;
        return op_sub(p, o, sbase, nsubs, depth);
    case OP_CDATA:
        attr_finish(p);
        if (p->nelems) {
            size_t n;
            const char *s = utf16_val(p, o->pos, o->units, &n);
            content_prep(p);
            if (WANT_XML(p))
                cdata_xml(p, s, n);
            evx_ev_text(p, s, n);
        }
        return 0;
    case OP_CHARREF:
        char_ref(p, o->idx);
        return 0;
    case OP_ENTITY:
        entity_ref(p, name_at(p, o->name), o->len);
        return 0;
    case OP_PI:
        attr_finish(p);
        if (p->nelems) {
            content_prep(p);
            if (WANT_XML(p)) {
                raw_xml(p, "<?", 2);
                raw_xml(p, name_at(p, o->name), o->len);
                if (o->units) {
                    size_t n;
                    const char *s = utf16_val(p, o->pos, o->units, &n);
                    raw_xml(p, " ", 1);
                    /* "?>" cannot appear inside; nor can line breaks (the record stays on one
                     * line) or the control characters XML does not allow: spaces instead */
                    for (size_t i = 0; i < n; i++)
                        if ((s[i] == '?' && i + 1 < n && s[i + 1] == '>') || ((unsigned char)s[i] < 0x20 && s[i] != '\t'))
                            p->val.data[i] = ' ';
                    raw_xml(p, s, n);
                }
                raw_xml(p, "?>", 2);
            }
        }
        return 0;
    case OP_SUB:
        return op_sub(p, o, sbase, nsubs, depth);
    case OP_SUB_CLOSE:   /* an element's content is a substitution: it, then the end tag */
        if (op_sub(p, o, sbase, nsubs, depth) < 0)
            return -1;
        op_close(p, base_elems);
        return 0;
    default:   /* OP_NOP; OP_TEMPLATE is handled by the walker */
        return 0;
    }
}

/* Closes what a fragment left open (a template cut short). */
static void fragment_end(es_evtx_parser *p, size_t base_elems)
{
    attr_finish(p);
    while (p->nelems > base_elems)
        elem_close(p);
}

static int walk(es_evtx_parser *p, size_t *ppos, size_t end, size_t sbase, uint32_t nsubs, int depth, int in_tmpl)
{
    if (depth > EVX_MAX_DEPTH)
        return fail(p, "nesting too deep", *ppos);
    size_t pos = *ppos;
    size_t base_elems = p->nelems;
    while (pos < end) {
        if (++p->tokens > EVX_MAX_TOKENS)
            return fail(p, "too many tokens", pos);
        if (p->xml.len > EVX_MAX_XML)
            return fail(p, "record too large as XML", pos);
        evx_op o;
        decode(p, &pos, end, in_tmpl, &o);
        if (o.op == OP_TEMPLATE) {
            attr_finish(p);
            if (template_instance(p, &pos, end, depth) < 0)
                return -1;
            continue;
        }
        int r = exec(p, &o, sbase, nsubs, base_elems, depth);
        if (r < 0)
            return r;
        if (r > 0)
            break;
    }
    fragment_end(p, base_elems);
    *ppos = pos;
    return 0;
}

/* A text value of a template (OP_TEXT16) that is plain printable ASCII (nothing to escape, the
 * same in the XML and in the event's strings) is decoded once, into names, and becomes an
 * OP_TEXTLIT: lit is its offset, units its length (0 when the text is empty: its first unit is
 * NUL, as text_utf16 sees it). Anything else stays OP_TEXT16. */
static void lit_text(es_evtx_parser *p, evx_op *o)
{
    size_t units = o->units;
    const uint8_t *u = p->c + o->pos;
    if (p->names.len > EVX_NAMES_CAP || units > 4096)
        return;
    size_t n = 0;
    while (n < units && u[2 * n] != 0 && u[2 * n + 1] == 0) {
        uint8_t ch = u[2 * n];
        if (ch < 0x20 || ch > 0x7E || ch == '&' || ch == '<' || ch == '>' || ch == '"')
            return;
        n++;
    }
    if (n < units && (u[2 * n] != 0 || u[2 * n + 1] != 0))
        return;   /* stopped at a unit that is not plain ASCII (not at a NUL) */
    if (!es_buf_reserve(&p->names, n + 1 + 16))   /* 16: slack for evx_put_w */
        return;
    size_t at = p->names.len;
    for (size_t i = 0; i < n; i++)
        p->names.data[at + i] = (char)u[2 * i];
    p->names.len += n;
    evx_putc(&p->names, 0);
    o->op = OP_TEXTLIT;
    o->lit = (uint32_t)at;
    o->units = (uint32_t)n;
}

/* Makes a do what a and then b do, when the pair is one of the common ones (their fields do not
 * overlap: an element's or attribute's name and position, a fixed text's lit/units, a
 * substitution's tok/idx). 1 when b was taken in. */
static int fuse(evx_op *a, const evx_op *b)
{
    switch (a->op) {
    case OP_OPEN:
        if (b->op == OP_CLOSE_START) {
            a->op = OP_OPEN_CS;
            return 1;
        }
        return 0;
    case OP_SUB:
        if (b->op == OP_CLOSE) {
            a->op = OP_SUB_CLOSE;
            return 1;
        }
        return 0;
    case OP_ATTR:
        if (b->op == OP_TEXTLIT) {
            a->op = OP_ATTR_LIT;
            a->lit = b->lit;
            a->units = b->units;
            return 1;
        }
        if (b->op == OP_SUB) {
            a->op = OP_ATTR_SUB;
            a->tok = b->tok;
            a->idx = b->idx;
            return 1;
        }
        return 0;
    default:
        return 0;
    }
}

/* Decodes a template's body into p->ops, once per chunk. A body with a template instance in it
 * (rare) is not decoded: it is walked each time (T_WALK). */
static int compile(es_evtx_parser *p, evx_tmpl_slot *slot)
{
    size_t pos = slot->body, end = slot->end, first = p->nops;
    uint32_t ntok = 0;
    slot->state = T_WALK;
    while (pos < end) {
        ntok++;
        if (p->nops >= p->capops) {
            size_t cap = p->capops ? p->capops * 2 : 1024;
            if (cap > EVX_MAX_OPS)
                goto walk_it;
            evx_op *n = realloc(p->ops, cap * sizeof *n);
            if (!n)
                goto walk_it;
            p->ops = n;
            p->capops = cap;
        }
        evx_op *o = &p->ops[p->nops];
        decode(p, &pos, end, 1, o);
        if (o->op == OP_TEMPLATE)
            goto walk_it;
        if (o->op == OP_NOP)
            continue;
        if (o->op == OP_TEXT16)
            lit_text(p, o);
        p->nops++;
        /* the commonest sequences run as one token (one dispatch instead of several) */
        while (p->nops - first >= 2 && fuse(&p->ops[p->nops - 2], &p->ops[p->nops - 1]))
            p->nops--;
        if (p->ops[p->nops - 1].op == OP_END || p->ops[p->nops - 1].op == OP_FAIL)
            break;
    }
    slot->ops = (uint32_t)first;
    slot->nops = (uint32_t)(p->nops - first);
    slot->ntok = ntok;
    slot->state = T_COMPILED;
    return 0;
walk_it:
    p->nops = first;
    return -1;
}

/* Runs a decoded template body (what walk does with its tokens). */
static int run_ops(es_evtx_parser *p, const evx_tmpl_slot *slot, size_t sbase, uint32_t nsubs, int depth, size_t at)
{
    if (depth > EVX_MAX_DEPTH)
        return fail(p, "nesting too deep", at);
    size_t base_elems = p->nelems, first = slot->ops, nops = slot->nops;
    /* the tokens are counted up front (a body that stops early counts in full) */
    p->tokens += (long)slot->ntok;
    if (p->tokens > EVX_MAX_TOKENS)
        return fail(p, "too many tokens", at);
    for (size_t i = 0; i < nops; i++) {
        /* p->ops is read again for each token: a substitution (a BinXML value) can decode
         * another template, and p->ops move; exec does not look at the token after that */
        const evx_op *o = &p->ops[first + i];
        if (p->xml.len > EVX_MAX_XML)
            return fail(p, "record too large as XML", o->pos);
        int r = exec(p, o, sbase, nsubs, base_elems, depth);
        if (r < 0)
            return r;
        if (r > 0)
            break;
    }
    fragment_end(p, base_elems);
    return 0;
}

int evx_record_walk(es_evtx_parser *p, size_t pos, size_t end)
{
    p->nelems = 0;
    p->nsubs = 0;
    p->tokens = 0;
    p->in_attr = 0;
    p->errmsg[0] = 0;
    p->xml_elems = 0;
    int fragments = 0;
    while (pos < end) {
        if (fragments && p->c[pos] != 0x0F)
            break;   /* padding after the last fragment */
        if (!fragments) {
            if (walk(p, &pos, end, 0, 0, 0, 0) < 0)
                return -1;
        } else {
            /* A later fragment that is damaged (often a few stray bytes before the size
             * copy) is dropped, and what it added undone: the record is still good. */
            size_t xml_len = p->xml.len, strs_len = p->strs.len, nitems = p->nitems;
            uint32_t fo[F_COUNT];
            memcpy(fo, p->field_off, sizeof fo);
            int have_ft = p->have_time_ft;
            uint64_t ft = p->time_ft;
            if (walk(p, &pos, end, 0, 0, 0, 0) < 0) {
                p->xml.len = xml_len;
                if (p->xml.data)
                    p->xml.data[xml_len] = 0;
                p->strs.len = strs_len;
                p->nitems = nitems;
                memcpy(p->field_off, fo, sizeof fo);
                p->have_time_ft = have_ft;
                p->time_ft = ft;
                p->nelems = 0;
                p->in_attr = 0;
                p->attr_field = F_NONE;
                p->errmsg[0] = 0;
                break;
            }
        }
        fragments++;
    }
    if (!fragments || !p->xml_elems)
        return fail(p, "record without any element", pos);
    return 0;
}
