/* BinXML: the walker. A record's fragments, token by token: what each decoded token does to the
 * element stream (exec), template instances (their substitution values; a template's body run
 * from its decoded tokens, or walked when it could not be decoded), a substitution's value as
 * text, and failures as messages. The tokens are decoded in evtx_tokens.c; the stream goes to
 * the XML writer (when asked) and the es_event collector through the output steps of
 * evtx_binxml.h and evtx_emit.c.
 *
 * Every offset is checked against the range it must lie in (the record, a template, a BinXML
 * value, the chunk); recursion (template instances, BinXML values) is capped by EVX_MAX_DEPTH
 * and the work for one record by EVX_MAX_TOKENS, so a cycle of templates ends as a damaged
 * record. */
#include "evtx_binxml.h"
#include "es_utf.h"

#include <stdlib.h>

/* ---- failures, chunks, template instances ---- */

void evx_fail_msg(es_evtx_parser *p, const char *why, size_t at)
{
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

static void raw_xml(es_evtx_parser *p, const char *s, size_t n)
{
    if (WANT_XML(p))
        evx_put(&p->xml, s, n);
}

/* Reads a UTF-16 string of `units` code units at pos (bounds checked by the caller) into val. */
static const char *utf16_val(es_evtx_parser *p, size_t pos, size_t units, size_t *n)
{
    p->val.len = 0;   /* (its users go by length) */
    es_utf16le_to_utf8(&p->val, p->c + pos, units, 1);
    *n = p->val.len;
    return p->val.data ? p->val.data : "";
}

static int walk(es_evtx_parser *p, size_t *ppos, size_t end, size_t sbase, uint32_t nsubs, int depth, int in_tmpl);
static int run_ops(es_evtx_parser *p, const evx_tmpl_slot *slot, size_t sbase, uint32_t nsubs, int depth, size_t at);

static int template_instance(es_evtx_parser *p, size_t *ppos, size_t end, int depth)
{
    size_t pos = *ppos;
    if (end - pos < 10)
        return evx_fail(p, "truncated template instance", pos);
    uint32_t def = evx_u32(p->c + pos + 6);
    pos += 10;
    size_t body, body_end;
    evx_tmpl_slot *slot;
    if (def == pos) {
        /* the definition follows inline */
        if (end - pos < 24)
            return evx_fail(p, "truncated template definition", pos);
        size_t size = evx_u32(p->c + pos + 20);
        if (size > end - pos - 24) {
            return evx_fail(p, "template definition past the end", pos);
        }
        if (evx_template_lookup(p, def, &body, &body_end, &slot) < 0)
            return evx_fail(p, "bad template definition", pos);
        pos += 24 + size;
    } else {
        if (evx_template_lookup(p, def, &body, &body_end, &slot) < 0)
            return evx_fail(p, "bad template offset", def);
    }
    /* the substitution values: [u32 count][count x (u16 size, u8 type, u8 0)][values] */
    if (end - pos < 4)
        return evx_fail(p, "truncated substitution count", pos);
    size_t count = evx_u32(p->c + pos);
    pos += 4;
    if (count > (end - pos) / 4)
        return evx_fail(p, "bad substitution count", pos - 4);
    size_t voff = pos + count * 4;
    if (p->nsubs + count > p->capsubs) {
        size_t cap = p->capsubs ? p->capsubs : 64;
        while (cap < p->nsubs + count)
            cap *= 2;
        evx_sub *ns = realloc(p->subs, cap * sizeof *ns);
        if (!ns)
            return evx_fail(p, "out of memory", pos);
        p->subs = ns;
        p->capsubs = cap;
    }
    size_t base = p->nsubs;
    for (size_t i = 0; i < count; i++) {
        const uint8_t *d = p->c + pos + i * 4;
        size_t sz = evx_u16(d);
        if (sz > end - voff)
            return evx_fail(p, "substitution value past the end", voff);
        evx_sub *s = &p->subs[base + i];
        s->off = (uint32_t)voff;
        s->size = (uint16_t)sz;
        s->type = d[2];
        voff += sz;
    }
    p->nsubs = base + count;
    if (slot && slot->state == T_NEW)
        evx_compile(p, slot);
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

/* ---- running decoded tokens ---- */

/* Values of every type but strings are rendered as digits, hex, GUIDs, SIDs, times, true/false
 * or %g numbers (joined by commas): nothing in them needs escaping. */
static inline int plain_type(unsigned type)
{
    type &= 0x7F;
    return type != 0x01 && type != 0x02;
}

/* A substitution value as the element stream's text: rendered by evtx_values.c (the commonest,
 * unsigned integers, here); an array as an element's whole content repeats the element; a
 * BinXML value is walked as a fragment of its own. */
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
            if (k++ && evx_elem_repeat(p) < 0)
                return -1;
            p->val.len = 0;   /* (its users go by length) */
            evx_render_scalar(&p->val, s->type & 0x7F, p->c + s->off + ip, in, NULL, NULL);
            evx_text_as(p, p->val.data ? p->val.data : "", p->val.len, plain_type(s->type));
        }
        return 0;
    }
    if (s->type == 0x01) {
        evx_text_utf16(p, s->off, s->size / 2);
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
        evx_text_as(p, b, (size_t)(e - b), 1);
        return 0;
    }
    p->val.len = 0;   /* (its users go by length) */
    int time_attr = p->in_attr && p->attr_field == F_TIME;
    evx_render_value(&p->val, s->type, p->c + s->off, s->size, time_attr ? &p->time_ft : NULL,
                     time_attr ? &p->have_time_ft : NULL);
    if (p->val.len)
        evx_text_as(p, p->val.data, p->val.len, plain_type(s->type));
    return 0;
}

/* OP_FAIL's messages, by M_... (evtx_binxml.h) */
static const char *const MSG[] = {"truncated token", "truncated name reference", "truncated name", "bad name offset",
                                  "unsupported value type", "unknown BinXML token"};

#if defined(__GNUC__) || defined(__clang__)
#define EVX_INLINE inline __attribute__((always_inline))
#else
#define EVX_INLINE inline
#endif

static EVX_INLINE int op_open(es_evtx_parser *p, const evx_op *o)
{
    attr_finish(p);
    if (p->nelems >= EVX_MAX_ELEMENTS)
        return evx_fail(p, "elements nested too deep", o->pos);
    evx_content_prep(p);
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
        evx_elem_close(p);
}

static EVX_INLINE int op_attr(es_evtx_parser *p, const evx_op *o, size_t base_elems)
{
    attr_finish(p);
    if (p->nelems <= base_elems || p->elems[p->nelems - 1].open_tag != 2)
        return evx_fail(p, "attribute outside a start tag", o->pos);
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

/* A template's text value, decoded when the template was (lit_text, evtx_tokens.c): what
 * evx_text_utf16 does with it, without decoding it again. */
static EVX_INLINE void text_lit(es_evtx_parser *p, const evx_op *o)
{
    if (o->units == 0 || p->nelems == 0)
        return;
    if (p->in_attr)
        p->attr_content = 1;
    else
        evx_content_prep(p);
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
        return evx_fail(p, MSG[o->idx], o->pos);
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
        evx_text_utf16(p, o->pos, o->units);
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
        evx_text_as(p, p->val.data, p->val.len, 0);
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
            evx_content_prep(p);
            if (WANT_XML(p))
                evx_cdata_xml(p, s, n);
            evx_ev_text(p, s, n);
        }
        return 0;
    case OP_CHARREF:
        evx_char_ref(p, o->idx);
        return 0;
    case OP_ENTITY:
        evx_entity_ref(p, evx_name_at(p, o->name), o->len);
        return 0;
    case OP_PI:
        attr_finish(p);
        if (p->nelems) {
            evx_content_prep(p);
            if (WANT_XML(p)) {
                raw_xml(p, "<?", 2);
                raw_xml(p, evx_name_at(p, o->name), o->len);
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
        evx_elem_close(p);
}

static int walk(es_evtx_parser *p, size_t *ppos, size_t end, size_t sbase, uint32_t nsubs, int depth, int in_tmpl)
{
    if (depth > EVX_MAX_DEPTH)
        return evx_fail(p, "nesting too deep", *ppos);
    size_t pos = *ppos;
    size_t base_elems = p->nelems;
    while (pos < end) {
        if (++p->tokens > EVX_MAX_TOKENS)
            return evx_fail(p, "too many tokens", pos);
        if (p->xml.len > EVX_MAX_XML)
            return evx_fail(p, "record too large as XML", pos);
        evx_op o;
        evx_decode(p, &pos, end, in_tmpl, &o);
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

/* Runs a decoded template body (what walk does with its tokens). */
static int run_ops(es_evtx_parser *p, const evx_tmpl_slot *slot, size_t sbase, uint32_t nsubs, int depth, size_t at)
{
    if (depth > EVX_MAX_DEPTH)
        return evx_fail(p, "nesting too deep", at);
    size_t base_elems = p->nelems, first = slot->ops, nops = slot->nops;
    /* the tokens are counted up front (a body that stops early counts in full) */
    p->tokens += (long)slot->ntok;
    if (p->tokens > EVX_MAX_TOKENS)
        return evx_fail(p, "too many tokens", at);
    for (size_t i = 0; i < nops; i++) {
        /* p->ops is read again for each token: a substitution (a BinXML value) can decode
         * another template, and p->ops move; exec does not look at the token after that */
        const evx_op *o = &p->ops[first + i];
        if (p->xml.len > EVX_MAX_XML)
            return evx_fail(p, "record too large as XML", o->pos);
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
        return evx_fail(p, "record without any element", pos);
    return 0;
}
