/* The BinXML parser's own header (src/evtx only): what its three parts share. evtx_tokens.c
 * decodes tokens into evx_ops, evtx_binxml.c walks them, evtx_emit.c writes the stream out. The
 * helpers here run for every token: they are inline. */
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

/* evtx_binxml.c: the walker */
/* Sets p->errmsg ("why at 0xNNNN") unless it already says something; returns -1. */
int  evx_fail(es_evtx_parser *p, const char *why, size_t at);
/* Walks a fragment's tokens [*ppos, end) (a record's, a template body's, a BinXML value's) with
 * substitution values sbase..sbase+nsubs of p->subs; in_tmpl: elements carry a dependency id.
 * 0, or -1 when damaged. */
int  evx_walk(es_evtx_parser *p, size_t *ppos, size_t end, size_t sbase, uint32_t nsubs, int depth, int in_tmpl);

/* evtx_tokens.c: the token decoder */
/* Decodes the token at *ppos (< end) into op and steps over it (OP_TEMPLATE: not stepped over). */
void evx_decode(es_evtx_parser *p, size_t *ppos, size_t end, int in_tmpl, evx_op *op);
/* The template definition at chunk offset def: its body and its cache slot (NULL: no room). */
int  evx_template_lookup(es_evtx_parser *p, uint32_t def, size_t *body, size_t *body_end, evx_tmpl_slot **pslot);
/* Decodes a template's body into p->ops (slot->state T_COMPILED), or leaves it to be walked
 * (T_WALK, -1). */
int  evx_compile(es_evtx_parser *p, evx_tmpl_slot *slot);

/* evtx_emit.c: the output side */
void evx_text_as(es_evtx_parser *p, const char *s, size_t n, int plain);
void evx_text_utf16(es_evtx_parser *p, size_t pos, size_t units);
void evx_cdata_xml(es_evtx_parser *p, const char *s, size_t n);
void evx_elem_close(es_evtx_parser *p);
int  evx_substitution(es_evtx_parser *p, const evx_sub *s, int optional, int depth);
void evx_char_ref(es_evtx_parser *p, unsigned v);
void evx_entity_ref(es_evtx_parser *p, const char *name, size_t len);

#endif
