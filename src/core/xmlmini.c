/* A minimal XML reader (see xmlmini.h). Recursive descent over elements, depth-capped. */
#include "xmlmini.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct xr {
    es_arena *a;
    const char *s;
    size_t len, pos;
    char *err;
    size_t errlen;
    int failed;
} xr;

static void fail(xr *r, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = 1;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->errlen)
        snprintf(r->err, r->errlen, "XML: %s at offset %zu", msg, r->pos);
}

static int at(const xr *r, const char *lit)
{
    size_t n = strlen(lit);
    return r->len - r->pos >= n && memcmp(r->s + r->pos, lit, n) == 0;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
/* Name characters: ASCII letters, digits, _ - . : and every non-ASCII byte (UTF-8). */
static int is_name_start(unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80; }
static int is_name_char(unsigned char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

static void skip_space(xr *r)
{
    while (r->pos < r->len && is_space(r->s[r->pos]))
        r->pos++;
}

static const char *name(xr *r)
{
    size_t b = r->pos;
    if (r->pos >= r->len || !is_name_start((unsigned char)r->s[r->pos])) {
        fail(r, "a name was expected");
        return NULL;
    }
    while (r->pos < r->len && is_name_char((unsigned char)r->s[r->pos]))
        r->pos++;
    const char *n = es_arena_strndup(r->a, r->s + b, r->pos - b);
    if (!n)
        fail(r, "out of memory");
    return n;
}

static void put_utf8(es_buf *b, uint32_t cp)
{
    char o[4];
    size_t n;
    if (cp < 0x80) { o[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    es_buf_append(b, o, n);
}

/* At '&': decodes one reference into b. */
static void entity(xr *r, es_buf *b)
{
    static const struct { const char *ref; char c; } named[] = {
        {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (at(r, named[i].ref)) {
            es_buf_putc(b, named[i].c);
            r->pos += strlen(named[i].ref);
            return;
        }
    if (at(r, "&#")) {
        size_t p = r->pos + 2;
        int hex = p < r->len && r->s[p] == 'x';
        p += (size_t)hex;
        uint32_t cp = 0;
        int digits = 0;
        for (; p < r->len && r->s[p] != ';'; p++, digits++) {
            char c = r->s[p];
            int d = c >= '0' && c <= '9' ? c - '0'
                  : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0 || digits > 8)
                break;
            cp = cp * (hex ? 16u : 10u) + (uint32_t)d;
        }
        if (p < r->len && r->s[p] == ';' && digits > 0 && digits <= 8 && cp != 0 && cp <= 0x10FFFF &&
            !(cp >= 0xD800 && cp <= 0xDFFF)) {
            put_utf8(b, cp);
            r->pos = p + 1;
            return;
        }
        fail(r, "a bad character reference");
        return;
    }
    fail(r, "an unknown entity (only &lt; &gt; &amp; &quot; &apos; and &#...; are known)");
}

static int skip_comment_or_pi(xr *r)
{
    const char *end = at(r, "<!--") ? "-->" : at(r, "<?") ? "?>" : NULL;
    if (!end)
        return 0;
    size_t start = r->pos;
    r->pos += 2;
    while (r->pos < r->len && !at(r, end))
        r->pos++;
    if (r->pos >= r->len) {
        r->pos = start;
        fail(r, strcmp(end, "-->") == 0 ? "an unterminated comment" : "an unterminated <? ... ?>");
        return 0;
    }
    r->pos += strlen(end);
    return 1;
}

static xm_node *element(xr *r, int depth)
{
    if (depth > XM_MAX_DEPTH) {
        fail(r, "elements nested more than %d deep", XM_MAX_DEPTH);
        return NULL;
    }
    xm_node *n = es_arena_alloc(r->a, sizeof *n, 8);
    if (!n) {
        fail(r, "out of memory");
        return NULL;
    }
    memset(n, 0, sizeof *n);
    r->pos++; /* '<' */
    if (!(n->name = name(r)))
        return NULL;
    xm_attr **tail = &n->attrs;
    for (;;) {
        skip_space(r);
        if (r->pos >= r->len) {
            fail(r, "<%s> is not closed", n->name);
            return NULL;
        }
        if (at(r, "/>")) {
            r->pos += 2;
            n->text = "";
            return n;
        }
        if (r->s[r->pos] == '>') {
            r->pos++;
            break;
        }
        xm_attr *at_ = es_arena_alloc(r->a, sizeof *at_, 8);
        if (!at_) {
            fail(r, "out of memory");
            return NULL;
        }
        memset(at_, 0, sizeof *at_);
        if (!(at_->name = name(r)))
            return NULL;
        skip_space(r);
        if (r->pos >= r->len || r->s[r->pos] != '=') {
            fail(r, "'=' was expected after the attribute %s", at_->name);
            return NULL;
        }
        r->pos++;
        skip_space(r);
        char q = r->pos < r->len ? r->s[r->pos] : 0;
        if (q != '"' && q != '\'') {
            fail(r, "a quoted value was expected for the attribute %s", at_->name);
            return NULL;
        }
        size_t open = r->pos++;
        es_buf v;
        es_buf_init(&v);
        while (!r->failed && r->pos < r->len && r->s[r->pos] != q) {
            if (r->s[r->pos] == '<')
                fail(r, "'<' inside the attribute %s", at_->name);
            else if (r->s[r->pos] == '&')
                entity(r, &v);
            else
                es_buf_putc(&v, r->s[r->pos++]);
        }
        if (!r->failed && r->pos >= r->len) {
            r->pos = open;
            fail(r, "the value of the attribute %s is not closed", at_->name);
        }
        if (!r->failed && v.failed)
            fail(r, "out of memory");
        at_->value = r->failed ? NULL : es_arena_strndup(r->a, v.data ? v.data : "", v.len);
        es_buf_free(&v);
        if (r->failed)
            return NULL;
        r->pos++;
        *tail = at_;
        tail = &at_->next;
    }
    /* Content: text, references, comments, PIs, child elements, then the end tag. */
    es_buf t;
    es_buf_init(&t);
    xm_node **ctail = &n->child;
    while (!r->failed) {
        if (r->pos >= r->len) {
            fail(r, "<%s> has no end tag", n->name);
            break;
        }
        char c = r->s[r->pos];
        if (c == '&') {
            entity(r, &t);
        } else if (c != '<') {
            es_buf_putc(&t, c);
            r->pos++;
        } else if (at(r, "</")) {
            size_t tag = r->pos;
            r->pos += 2;
            const char *e = name(r);
            if (!e)
                break;
            skip_space(r);
            if (strcmp(e, n->name) != 0 || r->pos >= r->len || r->s[r->pos] != '>') {
                r->pos = tag;
                fail(r, "</%s> does not close <%s>", e, n->name);
                break;
            }
            r->pos++;
            break;
        } else if (at(r, "<!--") || at(r, "<?")) {
            skip_comment_or_pi(r);
        } else if (at(r, "<![CDATA[")) {
            fail(r, "a CDATA section (write the text with &lt; &amp; instead)");
        } else if (at(r, "<!")) {
            fail(r, "a <!DOCTYPE> or declaration inside an element");
        } else {
            xm_node *ch = element(r, depth + 1);
            if (!ch)
                break;
            *ctail = ch;
            ctail = &ch->next;
        }
    }
    if (!r->failed && t.failed)
        fail(r, "out of memory");
    if (!r->failed) {
        n->text_len = t.len;
        n->text = es_arena_strndup(r->a, t.data ? t.data : "", t.len);
        if (!n->text)
            fail(r, "out of memory");
    }
    es_buf_free(&t);
    return r->failed ? NULL : n;
}

xm_node *xm_parse(es_arena *a, const char *s, size_t len, char *err, size_t errlen)
{
    xr r = {a, s, len, 0, err, errlen, 0};
    if (errlen)
        err[0] = '\0';
    const char *nul = memchr(s, '\0', len);
    if (nul) {
        r.pos = (size_t)(nul - s);
        fail(&r, "a NUL byte");
        return NULL;
    }
    xm_node *root = NULL;
    while (!r.failed) {
        skip_space(&r);
        if (r.pos >= r.len)
            break;
        if (skip_comment_or_pi(&r))
            continue;
        if (r.failed)
            break;
        if (at(&r, "<!DOCTYPE") || at(&r, "<!")) {
            fail(&r, "a <!DOCTYPE> or declaration (not accepted in a view file)");
        } else if (r.s[r.pos] != '<') {
            fail(&r, "text outside the root element");
        } else if (root) {
            fail(&r, "a second root element");
        } else {
            root = element(&r, 1);
        }
    }
    if (!r.failed && !root)
        fail(&r, "no element");
    return r.failed ? NULL : root;
}

const char *xm_attr_get(const xm_node *n, const char *nm)
{
    for (const xm_attr *a = n->attrs; a; a = a->next)
        if (strcmp(a->name, nm) == 0)
            return a->value;
    return NULL;
}

const xm_node *xm_find(const xm_node *n, const char *nm, int depth)
{
    if (!n || depth > XM_MAX_DEPTH)
        return NULL;
    if (strcmp(n->name, nm) == 0)
        return n;
    for (const xm_node *c = n->child; c; c = c->next) {
        const xm_node *f = xm_find(c, nm, depth + 1);
        if (f)
            return f;
    }
    return NULL;
}
