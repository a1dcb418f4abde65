/* Display fallbacks for events (see es_event.h). */
#include "es_event.h"
#include "es_buf.h"

#include <stdio.h>

const char *es_level_name(unsigned level)
{
    switch (level) {
    case 0: return "Information";   /* LogAlways: Event Viewer shows it as Information */
    case 1: return "Critical";
    case 2: return "Error";
    case 3: return "Warning";
    case 4: return "Information";
    case 5: return "Verbose";
    default: return "Unknown";
    }
}

const char *es_task_fallback(unsigned task, char *out, size_t outlen)
{
    if (task == 0)
        snprintf(out, outlen, "None");
    else
        snprintf(out, outlen, "(%u)", task);
    return out;
}

void es_event_data_message(const es_event *ev, es_buf *b)
{
    int first = 1;
    for (size_t i = 0; i < ev->ndata; i++) {
        const char *v = ev->data[i].value;
        if (!v || !*v)
            continue;
        if (!first)
            es_buf_append(b, "; ", 2);
        es_buf_puts(b, v);
        first = 0;
    }
}
