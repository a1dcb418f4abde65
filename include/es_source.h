/* es_source: what the sweep knows about one source (a server, or a saved .evtx file) and
 * the states it goes through. Portable core: no windows.h; the engines that read a source live
 * in the Win32 shell (src/win/source_*.c) behind one small interface (src/win/source.h). */
#ifndef ES_SOURCE_H
#define ES_SOURCE_H

#include <stdint.h>

typedef enum es_state {
    ES_STATE_IDLE = 0,      /* not part of a sweep yet */
    ES_STATE_WAITING,       /* queued: the thread limit is reached */
    ES_STATE_CONNECTING,    /* opening the session and the query */
    ES_STATE_READING,       /* events are arriving */
    ES_STATE_DONE,          /* finished without error */
    ES_STATE_FAILED,        /* finished with an error (also cancelled and timed out) */
    ES_STATE_FOLLOWING,     /* live follow: every event so far is read, new ones come as they happen */
    ES_STATE_RECONNECTING   /* live follow: the server was lost; the next try comes after a pause */
} es_state;

/* Win32 error codes the core needs to name; the values are Windows' own. */
#define ES_ERR_OK              0u
#define ES_ERR_ACCESS_DENIED   5u
#define ES_ERR_CANCELLED       1223u
#define ES_ERR_TIMEOUT         1460u

typedef struct es_source_status {
    const char *name;        /* as the user typed it */
    es_state    state;
    uint64_t    events;      /* rows received from this source */
    uint32_t    error;       /* Win32 error code, 0 when none */
    const char *error_text;  /* "Access is denied." ; NULL or "" when none */
    double      seconds;     /* from connect to end */
    const char *log;         /* the log read ("System"; a saved log's channel), NULL or "" when unknown */
    const char *coverage;    /* the log does not reach back to the window's start: the sentence
                                (es_coverage_text); NULL or "" when covered or unknown */
} es_source_status;

const char *es_state_name(es_state s);   /* "waiting", "connecting", ... */

#endif
