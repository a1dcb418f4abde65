/* BinXML: the output side's less common steps, out of line: CDATA sections, character and
 * entity references, and repeating an element (an array value's items). Each is written to the
 * XML (when asked: ES_EVTX_XML) and handed to the es_event collector (evtx_event.c). The steps
 * taken for every token (text, closing an element) are inline in evtx_binxml.h. */
#include "evtx_binxml.h"
#include "es_utf.h"

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

/* Closes the current element and opens a copy of it (same name, same attributes). */
int evx_elem_repeat(es_evtx_parser *p)
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
