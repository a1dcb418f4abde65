/* Whether a log covers the sweep's window, and the sentence (see es_coverage.h). */
#include "es_coverage.h"
#include "es_time.h"

#include <stdio.h>

int es_coverage_gap(const es_coverage *c)
{
    return c && c->since && c->oldest_record && c->oldest_time && c->oldest_time > c->since;
}

char *es_time_minute(uint64_t ticks, char out[ES_MINUTE_LEN])
{
    es_civil t;
    es_time_to_civil(ticks, &t);
    snprintf(out, ES_MINUTE_LEN, "%04d-%02d-%02d %02d:%02d", t.year, t.month, t.day, t.hour, t.minute);
    return out;
}

size_t es_coverage_text(const es_coverage *c, const char *when, char *out, size_t len)
{
    if (!es_coverage_gap(c)) {
        if (len)
            out[0] = 0;
        return 0;
    }
    char minute[ES_MINUTE_LEN];
    if (!when)
        when = es_time_minute(c->oldest_time, minute);
    int n = snprintf(out, len, "log starts %s: not the whole window (%s)", when,
                     c->full ? "log full: older events overwritten" : "the log was cleared or created then");
    return n > 0 ? (size_t)n : 0;
}
