/* The logs of a sweep (es_logs.h). */
#include "es_logs.h"
#include "es_utf.h"

#include <stdio.h>
#include <string.h>

size_t es_logs_parse(const char *text, char names[][ES_LOG_NAME_MAX], size_t max, char *err, size_t errlen)
{
    size_t n = 0;
    if (err && errlen)
        err[0] = 0;
    if (max > ES_MAX_LOGS)
        max = ES_MAX_LOGS;
    const char *p = text ? text : "";
    while (*p) {
        const char *e = p;
        while (*e && *e != ',' && *e != ';')
            e++;
        const char *a = p, *b = e;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        size_t len = (size_t)(b - a);
        if (len) {
            if (len >= ES_LOG_NAME_MAX) {
                snprintf(err, errlen, "Log: \"%.40s...\" is too long for a log name.", a);
                return 0;
            }
            for (size_t i = 0; i < len; i++)
                if ((unsigned char)a[i] < 0x20 || a[i] == 0x7f || a[i] == '*' || a[i] == '?' || a[i] == '"') {
                    snprintf(err, errlen, "Log: \"%.*s\" is not a log name (it holds %s).", (int)(len < 60 ? len : 60), a,
                             a[i] == '*' || a[i] == '?' ? "a wildcard" : a[i] == '"' ? "a quote" : "a control character");
                    return 0;
                }
            if (n == max) {
                snprintf(err, errlen, "Log: at most %zu logs in one sweep.", max);
                return 0;
            }
            memcpy(names[n], a, len);
            names[n][len] = 0;
            for (size_t k = 0; k < n; k++)
                if (es_ascii_ieq(names[k], names[n])) {
                    snprintf(err, errlen, "Log: \"%s\" is listed twice.", names[n]);
                    return 0;
                }
            n++;
        }
        p = *e ? e + 1 : e;
    }
    if (n == 0)
        snprintf(err, errlen, "Log: enter the name of a log, such as System, or several separated by commas "
                              "(System, Application).");
    return n;
}
