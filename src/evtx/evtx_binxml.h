/* The BinXML parser's own header (src/evtx only): what its three parts share. evtx_tokens.c
 * decodes tokens into evx_ops, evtx_binxml.c walks them and runs what they say, evtx_emit.c
 * writes out the stream's less common parts. The output steps here (text, ending a start tag,
 * closing an element) run for every token: they are inline, so the walker's loop calls nothing
 * in another file on its way (the parser's speed depends on it). */
#ifndef EVTX_BINXML_H
#define EVTX_BINXML_H

#define ES_EVTX_INTERNAL
#include "es_evtx.h"

#define WANT_XML(p) ((p)->flags & ES_EVTX_XML)

enum evx_opcode {
    OP_END = 0, OP_FAIL, OP_OPEN, OP_CLOSE_START, OP_CLOSE, OP_TEXT16, OP_TEXT8, OP_ATTR, OP_CDATA,
    OP_CHARREF, OP_ENTITY, OP_PI, OP_TEMPLATE, OP_SUB, OP_NOP,
    /* in decoded template bodies only: two tokens in one; a text value decoded once */
    OP_OPEN_CS, OP_ATTR_SUB, OP_SUB_CLOSE, OP_TEXTLIT, OP_ATTR_LIT
};

/* OP_FAIL's messages (evx_op.idx), in evtx_binxml.c's MSG */
enum { M_TRUNC_TOKEN, M_TRUNC_NAMEREF, M_TRUNC_NAME, M_BAD_NAME, M_VALUE_TYPE, M_UNKNOWN_TOKEN };

static inline const char *evx_name_at(const es_evtx_parser *p, uint32_t str) { return p->names.data + str; }
/* "<Name", "</Name>", " Name=\"" of a name (see get_name, evtx_tokens.c) */
#define OPEN_TAG(p, str) ((p)->names.data + (str) - 1)
#define END_TAG(p, str, len) ((p)->names.data + (str) + (len) + 1)
#define ATTR_TAG(p, str, len) ((p)->names.data + (str) + 2 * (size_t)(len) + 4)

/* Content is coming for the current element: its start tag is ended ('>'). */
static inline void evx_content_prep(es_evtx_parser *p)
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

/* Text as UTF-8; `plain` when it is known to need no escaping (a number, a GUID...). s can be
 * read 16 bytes from its start (p->val, or a buffer that big): see evx_put_w. */
static inline void evx_text_as(es_evtx_parser *p, const char *s, size_t n, int plain)
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

/* Text given as UTF-16LE in the chunk (string values and value tokens): decoded once, into the
 * event's strings when they collect it (and escaped from there into the XML), else straight
 * into the XML. */
static inline void evx_text_utf16(es_evtx_parser *p, size_t pos, size_t units)
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

/* Closes the current element: "/>" or its end tag, and the collector's step. */
static inline void evx_elem_close(es_evtx_parser *p)
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

/* evtx_binxml.c: the walker */
/* Writes "why at 0xNNNN" into p->errmsg. */
void evx_fail_msg(es_evtx_parser *p, const char *why, size_t at);
/* The record is damaged: p->errmsg says why unless it already says something. Returns -1. */
static inline int evx_fail(es_evtx_parser *p, const char *why, size_t at)
{
    if (!p->errmsg[0])
        evx_fail_msg(p, why, at);
    return -1;
}

/* evtx_tokens.c: the token decoder */
/* Decodes the token at *ppos (< end) into op and steps over it (OP_TEMPLATE: not stepped over). */
void evx_decode(es_evtx_parser *p, size_t *ppos, size_t end, int in_tmpl, evx_op *op);
/* The template definition at chunk offset def: its body and its cache slot (NULL: no room). */
int  evx_template_lookup(es_evtx_parser *p, uint32_t def, size_t *body, size_t *body_end, evx_tmpl_slot **pslot);
/* Decodes a template's body into p->ops (slot->state T_COMPILED), or leaves it to be walked
 * (T_WALK, -1). */
int  evx_compile(es_evtx_parser *p, evx_tmpl_slot *slot);

/* evtx_emit.c: the output side, out of line */
void evx_cdata_xml(es_evtx_parser *p, const char *s, size_t n);
/* Closes the current element and opens a copy of it (same name, same attributes). */
int  evx_elem_repeat(es_evtx_parser *p);
void evx_char_ref(es_evtx_parser *p, unsigned v);
void evx_entity_ref(es_evtx_parser *p, const char *name, size_t len);

#endif
