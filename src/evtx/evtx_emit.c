/* BinXML: the output side. The element stream (elements, attributes, text, substitution values)
 * written to the XML (when asked: ES_EVTX_XML) and handed to the es_event collector
 * (evtx_event.c): text and its escaping, CDATA, character and entity references, closing an
 * element, and a substitution's value (rendered by evtx_values.c; an array as a repeated
 * element; a BinXML value walked as a fragment of its own). */
#include "evtx_binxml.h"
#include "es_utf.h"

/* Text as UTF-8; `plain` when it is known to need no escaping (a number, a GUID...). s can be
 * read 16 bytes from its start (p->val, or a buffer that big): see evx_put_w. */
void evx_text_as(es_evtx_parser *p, const char *s, size_t n, int plain)
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
    evx_content_prep(p);
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
void evx_text_utf16(es_evtx_parser *p, size_t pos, size_t units)
{
    if (units == 0 || p->nelems == 0 || (p->c[pos] == 0 && p->c[pos + 1] == 0))
        return;
    if (p->in_attr)
        p->attr_content = 1;
    else
        evx_content_prep(p);
    es_buf *t = evx_ev_text_target(p);
    if (t || WANT_XML(p))
        evx_text16(t, WANT_XML(p) ? &p->xml : NULL, p->c + pos, units, p->c + p->clen, p->in_attr);
}

/* A CDATA section's text (UTF-8, n bytes) as one or more sections: "]]>" cannot appear inside
 * (the section is split there); a line break is written between sections as a character
 * reference (the record stays on one line); the other control characters XML does not allow
 * become U+FFFD, as in text. */
void evx_cdata_xml(es_evtx_parser *p, const char *s, size_t n)
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

void evx_elem_close(es_evtx_parser *p)
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

/* Closes the current element and opens a copy of it (same name, same attributes). */
static int elem_repeat(es_evtx_parser *p)
{
    evx_elem old = p->elems[p->nelems - 1];
    uint32_t prev_name = old.item && old.item <= p->nitems ? p->items[old.item - 1].name : 0;
    evx_elem_close(p);
    p->tokens += 4;
    if (p->tokens > EVX_MAX_TOKENS)
        return evx_fail(p, "too many tokens", 0);
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

int evx_substitution(es_evtx_parser *p, const evx_sub *s, int optional, int depth)
{
    (void)optional;
    if (s->type == 0 || s->size == 0)
        return 0;   /* NULL: an optional substitution's attribute is dropped (no text at all) */
    if (s->type == 0x21) {   /* BinXML value: a fragment in its own right */
        if (p->in_attr)
            return 0;
        size_t pos = s->off;
        return evx_walk(p, &pos, (size_t)s->off + s->size, 0, 0, depth + 1, 0);
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

void evx_char_ref(es_evtx_parser *p, unsigned v)
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
        evx_content_prep(p);
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

void evx_entity_ref(es_evtx_parser *p, const char *name, size_t len)
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
        evx_content_prep(p);
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
