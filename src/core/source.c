/* Source states (see es_source.h). */
#include "es_source.h"

const char *es_state_name(es_state s)
{
    switch (s) {
    case ES_STATE_IDLE: return "idle";
    case ES_STATE_WAITING: return "waiting";
    case ES_STATE_CONNECTING: return "connecting";
    case ES_STATE_READING: return "reading";
    case ES_STATE_DONE: return "done";
    case ES_STATE_FAILED: return "failed";
    case ES_STATE_FOLLOWING: return "following";
    case ES_STATE_RECONNECTING: return "reconnecting";
    }
    return "?";
}
