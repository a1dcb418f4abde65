/* xmlmini: the smallest XML reader that reads an Event Viewer view file or a <QueryList>:
 * elements, attributes in ' or ", the five named entities and numeric references, comments,
 * processing instructions and the XML declaration (skipped). DOCTYPE and CDATA are refused (no
 * view file holds them, and a DOCTYPE could declare entities). Input is UTF-8 without NUL bytes;
 * the tree lives in the caller's arena. Internal to src/core (es_xquery's parser). */
#ifndef ES_XMLMINI_H
#define ES_XMLMINI_H

#include "es_buf.h"

#include <stddef.h>

#define XM_MAX_DEPTH 64

typedef struct xm_attr {
    const char *name, *value;
    struct xm_attr *next;
} xm_attr;

typedef struct xm_node {
    const char *name;
    xm_attr *attrs;
    const char *text;       /* the element's own character data, entities decoded, concatenated */
    size_t text_len;
    struct xm_node *child, *next;
} xm_node;

/* The root element, or NULL with a message in err ("... at offset N"). */
xm_node *xm_parse(es_arena *a, const char *s, size_t len, char *err, size_t errlen);
const char *xm_attr_get(const xm_node *n, const char *name);     /* NULL when absent */
/* The first element named `name` in document order (n itself included), or NULL. */
const xm_node *xm_find(const xm_node *n, const char *name, int depth);

#endif
