/* What rows show of their sources (see srctexts.h). Any thread, one owner at a time. */
#include "srctexts.h"

#include <stdlib.h>
#include <string.h>

BOOL src_texts_alloc(src_texts *s, size_t n)
{
    size_t k = n ? n : 1;
    s->names = calloc(k, sizeof *s->names);
    s->logs = calloc(k, sizeof *s->logs);
    s->flogs = calloc(k, sizeof *s->flogs);
    s->nflogs = calloc(k, sizeof *s->nflogs);
    s->n = 0;
    return s->names && s->logs && s->flogs && s->nflogs;
}

BOOL src_texts_set(src_texts *s, size_t i, const char *name, const char *log, char *const *flogs, uint8_t nflogs)
{
    s->n = i + 1;
    s->names[i] = _strdup(name ? name : "");
    if (!s->names[i] || (log && !(s->logs[i] = _strdup(log))))
        return FALSE;
    if (nflogs && !(s->flogs[i] = calloc(nflogs, sizeof **s->flogs)))
        return FALSE;
    for (unsigned k = 0; k < nflogs; k++) {
        if (!(s->flogs[i][k] = _strdup(flogs[k])))
            return FALSE;
        s->nflogs[i] = (uint8_t)(k + 1);
    }
    return TRUE;
}

void src_texts_free(src_texts *s, BOOL deep)
{
    for (size_t i = 0; deep && i < s->n; i++) {
        free(s->names[i]);
        free(s->logs[i]);
        for (unsigned k = 0; s->flogs[i] && k < s->nflogs[i]; k++)
            free(s->flogs[i][k]);
        free(s->flogs[i]);
    }
    free(s->names);
    free(s->logs);
    free(s->flogs);
    free(s->nflogs);
    memset(s, 0, sizeof *s);
}

es_view_ctx src_texts_ctx(const src_texts *s)
{
    es_view_ctx c = {.source_names = (const char *const *)s->names, .nsources = s->n,
                     .source_logs = (const char *const *)s->logs,
                     .file_logs = (const char *const *const *)s->flogs, .nfile_logs = s->nflogs};
    return c;
}
