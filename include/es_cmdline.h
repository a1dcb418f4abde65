/* es_cmdline: the command line, shared by the GUI and scheduled runs.
 *
 *   eventsweep.exe [--servers FILE] [--log NAME] [--hours N] [--timeout SECONDS]
 *                  [--max-seconds N] [--max-memory MB] [--max-rows N] [--threads N]
 *                  [--retry N] [--engine auto|wevt|classic] [--user NAME | --credential TARGET] [--auth A]
 *                  [--levels LIST] [--ids LIST] [--providers LIST] [--query FILE] [--run] [--export FILE] [--status FILE] [--html FILE] [--exit]
 *                  [--find TEXT] [--sort COLUMN[:asc|:desc]] [--follow | --follow-minutes N]
 *                  [--since-last] [--state FILE] [--burst N,T] [SOURCE...]
 *
 * Options take their value as the next argument or after '=' (--hours=8). "--" ends options.
 * Portable core: no windows.h; arguments are UTF-8. */
#ifndef ES_CMDLINE_H
#define ES_CMDLINE_H

#include <stddef.h>

#define ES_DEFAULT_HOURS    8
#define ES_DEFAULT_TIMEOUT  120     /* seconds: the longest wait for any one answer */
#define ES_MAX_MEMORY_MB    1048576 /* 1 TiB */
#define ES_MAX_ROWS         67108864 /* what the row store can hold (ES_ROWSTORE_MAX_BLOCKS x 4096) */
#define ES_DEFAULT_THREADS  1024    /* sources read at once; waiting threads cost little */
#define ES_MAX_TIMEOUT      86400
#define ES_MAX_THREADS      4096
#define ES_MAX_RETRY        10
#define ES_MAX_FOLLOW_MINUTES 10080   /* a week */
#define ES_BURST_DEFAULT_SERVERS 3  /* es_summary.h's ES_BURST_SERVERS, ES_BURST_MINUTES */
#define ES_BURST_DEFAULT_MINUTES 10
#define ES_BURST_MAX_SERVERS 10000
#define ES_BURST_MAX_MINUTES 10080  /* a week */

typedef struct es_options {
    const char  *servers_file;  /* --servers FILE, or NULL */
    const char  *log;           /* --log NAME, or NULL (the saved/default log) */
    int          hours;         /* --hours N, 0..8760 (0: no limit); -1 when not given */
    int          timeout;       /* --timeout SECONDS, 1..86400: the longest wait for one answer; -1 when not given */
    int          max_seconds;   /* --max-seconds N, 0..86400 (0: no cap); -1 when not given */
    int          max_memory_mb; /* --max-memory MB; -1 when not given */
    int          max_rows;      /* --max-rows N; -1 when not given */
    int          threads;       /* --threads N, 1..4096; -1 when not given */
    const char  *user;          /* --user DOMAIN\\NAME: the credential prompt at start, or NULL */
    const char  *credential;    /* --credential TARGET: a generic credential, or NULL */
    const char  *auth;          /* --auth negotiate|kerberos|ntlm (checked), or NULL */
    const char  *engine;        /* --engine auto|wevt|classic (checked), or NULL */
    int          retry;         /* --retry N, 0..10: failed sources read again up to N times; 0 when not given */
    const char  *levels;        /* --levels LIST (es_filter_parse_levels), or NULL */
    const char  *ids;           /* --ids LIST (es_filter_parse_ids), or NULL */
    const char  *providers;     /* --providers LIST (es_filter_parse_providers), or NULL */
    int          run;           /* --run */
    int          exit_when_done;/* --exit */
    int          help;          /* --help, -h, /? */
    const char  *export_file;   /* --export FILE */
    const char  *status_file;   /* --status FILE */
    const char  *html_file;     /* --html FILE: the one-file HTML report (es_report.h) */
    const char  *query_file;    /* --query FILE: an Event Viewer view, or NULL */
    const char  *find;          /* --find TEXT: the quick find, or NULL */
    const char  *sort;          /* --sort COLUMN[:asc|:desc] (checked by es_order_parse), or NULL */
    int          follow;        /* --follow, or --follow-minutes: live follow after the sweep */
    int          follow_minutes;/* --follow-minutes N, 1..10080 (needs --run): then stop; 0 when not given */
    int          since_last;    /* --since-last: only what is newer than each server's log's mark */
    const char  *state_file;    /* --state FILE: the marks (es_marks.h), or NULL (the per-user file) */
    unsigned     burst_servers; /* --burst N,T: the fleet summary's rule (2..10000 servers within */
    unsigned     burst_minutes; /* 1..10080 minutes); both 0 when not given */
    char       **sources;       /* positional SOURCE arguments (pointers into argv) */
    size_t       nsources;
} es_options;

/* Parses argv[1..argc-1]. o->sources is allocated (free with es_cmdline_free). Returns 1 on
 * success; 0 on a usage error, with err naming the argument, e.g.
 * "--hours: \"abc\" is not a whole number from 0 to 8760." or "unknown option \"--hour\"". */
int  es_cmdline_parse(int argc, char **argv, es_options *o, char *err, size_t err_len);
void es_cmdline_free(es_options *o);
/* "N,T" (servers, minutes) as --burst takes it. Returns 1; 0 with err naming the bad part, e.g.
 * "--burst: the minutes, \"0\", is not a whole number from 1 to 10080." */
int  es_burst_parse(const char *text, unsigned *servers, unsigned *minutes, char *err, size_t err_len);
const char *es_cmdline_usage(void);   /* the usage text, lines separated by \n */

#endif
