/* The marks of "New since last sweep" (see es_marks.h). */
#include "es_marks.h"
#include "es_utf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MARK_NAME_MAX 1024   /* a server name or a channel path is far shorter */

void es_marks_init(es_marks *m) { memset(m, 0, sizeof *m); }

void es_marks_free(es_marks *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].server);
        free(m->v[i].log);
    }
    free(m->v);
    es_marks_init(m);
}

static es_mark *find(const es_marks *m, const char *server, const char *log)
{
    for (size_t i = 0; i < m->n; i++)
        if (es_ascii_ieq(m->v[i].server, server) && es_ascii_ieq(m->v[i].log, log))
            return &m->v[i];
    return NULL;
}

uint64_t es_marks_get(const es_marks *m, const char *server, const char *log)
{
    const es_mark *k = find(m, server, log);
    return k ? k->record : 0;
}

static char *dup(const char *s)   /* strdup is not C11 */
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

static int name_ok(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n <= MARK_NAME_MAX && !strpbrk(s, "\t\r\n");
}

int es_marks_set(es_marks *m, const char *server, const char *log, uint64_t record)
{
    if (!name_ok(server) || !name_ok(log))
        return 0;
    es_mark *k = find(m, server, log);
    if (k) {
        k->record = record;
        return 1;
    }
    if (!es_grow(&m->v, &m->cap, m->n + 1, sizeof *m->v))
        return 0;
    char *s = dup(server), *l = dup(log);
    if (!s || !l) {
        free(s);
        free(l);
        return 0;
    }
    m->v[m->n++] = (es_mark){s, l, record};
    return 1;
}

int es_marks_parse(es_marks *m, const char *text, size_t len, char *err, size_t errlen)
{
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    size_t line = 0;
    char name[MARK_NAME_MAX + 1], log[MARK_NAME_MAX + 1];
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        size_t end = e > i && text[e - 1] == '\r' ? e - 1 : e;
        line++;
        const char *p = text + i;
        size_t n = end - i;
        i = e + 1;
        if (n == 0 || p[0] == '#')
            continue;
        const char *t1 = memchr(p, '\t', n);
        const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(p + n - t1 - 1)) : NULL;
        if (!t1 || !t2 || t1 == p || t2 == t1 + 1 || (size_t)(t1 - p) > MARK_NAME_MAX ||
            (size_t)(t2 - t1 - 1) > MARK_NAME_MAX || memchr(p, 0, n)) {
            snprintf(err, errlen, "line %zu: not SERVER, LOG and RECORD separated by tabs.", line);
            return 0;
        }
        memcpy(name, p, (size_t)(t1 - p));
        name[t1 - p] = 0;
        memcpy(log, t1 + 1, (size_t)(t2 - t1 - 1));
        log[t2 - t1 - 1] = 0;
        const char *d = t2 + 1, *de = p + n;
        uint64_t v = 0;
        int digits = 0;
        for (; d < de && *d >= '0' && *d <= '9' && digits < 20; d++, digits++) {
            uint64_t nv = v * 10 + (uint64_t)(*d - '0');
            if (nv / 10 != v)
                break;
            v = nv;
        }
        if (!digits || d != de) {
            snprintf(err, errlen, "line %zu: \"%.*s\" is not a record number.", line, (int)(de - (t2 + 1) > 40 ? 40 : de - (t2 + 1)),
                     t2 + 1);
            return 0;
        }
        if (!es_marks_set(m, name, log, v)) {
            snprintf(err, errlen, "line %zu: out of memory.", line);
            return 0;
        }
    }
    return 1;
}

int es_marks_format(const es_marks *m, es_buf *out)
{
    es_buf_puts(out, "# EventSweep: the last record read of each server's log, for \"New since last sweep\".\r\n"
                     "# SERVER<TAB>LOG<TAB>RECORD. No secrets.\r\n");
    for (size_t i = 0; i < m->n; i++)
        es_buf_printf(out, "%s\t%s\t%llu\r\n", m->v[i].server, m->v[i].log, (unsigned long long)m->v[i].record);
    return !out->failed;
}
