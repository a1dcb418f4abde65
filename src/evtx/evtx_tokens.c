/* BinXML: the token decoder. A token's bytes into an evx_op (names resolved, bounds checked),
 * the chunk's caches of names and of template definitions (by chunk offset), and a template's
 * body decoded once per chunk into a list of ops (evx_compile) that every instance runs. Nothing
 * here writes output: that is the walker's (evtx_binxml.c). */
#include "evtx_binxml.h"
#include "es_utf.h"

#include <stdlib.h>

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

/* ---- templates ---- */

/* Finds the definition at def: its body [*body, *body_end) and its cache slot (NULL when the
 * cache has no room for it). */
int evx_template_lookup(es_evtx_parser *p, uint32_t def, size_t *body, size_t *body_end, evx_tmpl_slot **pslot)
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

/* ---- tokens ---- */

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
 * (and the chunk's names): what the token does to the output is exec's business (evtx_binxml.c),
 * so a decoded template body can be run for every instance. A template instance (OP_TEMPLATE) is
 * left for the caller to step over. */
void evx_decode(es_evtx_parser *p, size_t *ppos, size_t end, int in_tmpl, evx_op *op)
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

/* ---- template bodies, decoded once per chunk ---- */

/* A text value of a template (OP_TEXT16) that is plain printable ASCII (nothing to escape, the
 * same in the XML and in the event's strings) is decoded once, into names, and becomes an
 * OP_TEXTLIT: lit is its offset, units its length (0 when the text is empty: its first unit is
 * NUL, as evx_text_utf16 sees it). Anything else stays OP_TEXT16. */
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
int evx_compile(es_evtx_parser *p, evx_tmpl_slot *slot)
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
        evx_decode(p, &pos, end, 1, o);
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
