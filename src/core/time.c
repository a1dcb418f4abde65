/* Calendar math on FILETIME ticks (see es_time.h). Days-from-civil after H. Hinnant's
 * public-domain algorithm, shifted to the 1601 epoch. */
#include "es_time.h"

#include <stdio.h>

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned dd = doy - (153 * mp + 2) / 5 + 1;
    unsigned mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

#define DAYS_1601_TO_1970 134774

void es_time_to_civil(uint64_t ticks, es_civil *c)
{
    uint64_t ms_total = ticks / ES_TICKS_PER_MS;
    uint64_t days = ms_total / 86400000ull;
    uint64_t ms_day = ms_total % 86400000ull;
    civil_from_days((int64_t)days - DAYS_1601_TO_1970, &c->year, &c->month, &c->day);
    c->hour = (int)(ms_day / 3600000ull);
    c->minute = (int)(ms_day / 60000ull % 60);
    c->second = (int)(ms_day / 1000ull % 60);
    c->ms = (int)(ms_day % 1000ull);
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

int es_time_from_civil(const es_civil *c, uint64_t *ticks)
{
    if (c->year < 1601 || c->year > 30827 || c->month < 1 || c->month > 12 || c->day < 1 ||
        c->day > days_in_month(c->year, c->month) || c->hour < 0 || c->hour > 23 || c->minute < 0 ||
        c->minute > 59 || c->second < 0 || c->second > 59 || c->ms < 0 || c->ms > 999)
        return 0;
    int64_t days = days_from_civil(c->year, (unsigned)c->month, (unsigned)c->day) + DAYS_1601_TO_1970;
    uint64_t ms = (uint64_t)days * 86400000ull + (uint64_t)c->hour * 3600000ull +
                  (uint64_t)c->minute * 60000ull + (uint64_t)c->second * 1000ull + (uint64_t)c->ms;
    *ticks = ms * ES_TICKS_PER_MS;
    return 1;
}

char *es_time_iso8601(uint64_t ticks, char out[ES_ISO8601_LEN])
{
    es_civil c;
    es_time_to_civil(ticks, &c);
    if (c.year < 0 || c.year > 9999) {
        snprintf(out, ES_ISO8601_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year, c.month, c.day, c.hour,
                 c.minute, c.second, c.ms);
        return out;
    }
    /* the same text without printf (an export writes two a row; a find looks at one a second) */
    char *p = out;
    p[0] = (char)('0' + c.year / 1000);
    p[1] = (char)('0' + c.year / 100 % 10);
    p[2] = (char)('0' + c.year / 10 % 10);
    p[3] = (char)('0' + c.year % 10);
    p[4] = '-';
    p[5] = (char)('0' + c.month / 10);
    p[6] = (char)('0' + c.month % 10);
    p[7] = '-';
    p[8] = (char)('0' + c.day / 10);
    p[9] = (char)('0' + c.day % 10);
    p[10] = 'T';
    p[11] = (char)('0' + c.hour / 10);
    p[12] = (char)('0' + c.hour % 10);
    p[13] = ':';
    p[14] = (char)('0' + c.minute / 10);
    p[15] = (char)('0' + c.minute % 10);
    p[16] = ':';
    p[17] = (char)('0' + c.second / 10);
    p[18] = (char)('0' + c.second % 10);
    p[19] = '.';
    p[20] = (char)('0' + c.ms / 100);
    p[21] = (char)('0' + c.ms / 10 % 10);
    p[22] = (char)('0' + c.ms % 10);
    p[23] = 'Z';
    p[24] = 0;
    return out;
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char ch = (*p)[i];
        if (ch < '0' || ch > '9')
            return 0;
        v = v * 10 + (ch - '0');
    }
    *p += n;
    *out = v;
    return 1;
}

int es_time_parse_iso8601(const char *s, uint64_t *ticks)
{
    es_civil c = {0};
    const char *p = s;
    if (!digits(&p, 4, &c.year) || *p++ != '-' || !digits(&p, 2, &c.month) || *p++ != '-' ||
        !digits(&p, 2, &c.day) || *p++ != 'T' || !digits(&p, 2, &c.hour) || *p++ != ':' ||
        !digits(&p, 2, &c.minute) || *p++ != ':' || !digits(&p, 2, &c.second))
        return 0;
    uint64_t frac = 0;
    if (*p == '.') {
        p++;
        int n = 0;
        while (*p >= '0' && *p <= '9') {
            if (n == 7)
                return 0;
            frac = frac * 10 + (uint64_t)(*p - '0');
            n++;
            p++;
        }
        if (n == 0)
            return 0;
        for (; n < 7; n++)
            frac *= 10;
    }
    if (*p++ != 'Z' || *p != '\0')
        return 0;
    uint64_t t;
    if (!es_time_from_civil(&c, &t))
        return 0;
    *ticks = t + frac;
    return 1;
}

uint64_t es_window_ms(unsigned hours) { return (uint64_t)hours * 3600000ull; }

uint64_t es_window_start(uint64_t now, unsigned hours)
{
    if (hours == 0)
        return 0;
    uint64_t w = (uint64_t)hours * ES_TICKS_PER_HOUR;
    return now > w ? now - w : 0;
}

int es_time_in_window(uint64_t t, uint64_t now, unsigned hours)
{
    return hours == 0 || t >= es_window_start(now, hours);
}
