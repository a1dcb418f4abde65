/* es_logs: the logs a sweep reads — the Log box or --log, "System, Application" — as a list of
 * channel names. Portable core: no windows.h. */
#ifndef ES_LOGS_H
#define ES_LOGS_H

#include <stddef.h>

#define ES_MAX_LOGS     16
#define ES_LOG_NAME_MAX 256   /* bytes, NUL included */

/* Splits text at commas (and semicolons) into names, trimmed of spaces, in their order; empty
 * items are skipped. Returns how many (>= 1), or 0 with a sentence in err naming the problem:
 * none given, a name too long or holding a control character or a wildcard, a name listed twice
 * (any ASCII case), more than ES_MAX_LOGS. */
size_t es_logs_parse(const char *text, char names[][ES_LOG_NAME_MAX], size_t max, char *err, size_t errlen);

#endif
