/* probe: why a server answered "The RPC server is unavailable" (1722) — es_diag.h's probe run
 * through Winsock (probe_winsock.c) on a thread of its own. Blocks its caller (a worker thread)
 * at most wait_ms, less when stop(stop_ctx) turns TRUE (checked every 100 ms). */
#ifndef PROBE_H
#define PROBE_H

#include <windows.h>

#include "es_diag.h"

/* ES_PROBE_NONE when there is no answer within wait_ms, or Winsock could not start. Each TCP
 * connect waits at most connect_ms. */
es_probe_verdict probe_server(const WCHAR *server, unsigned connect_ms, unsigned wait_ms, BOOL (*stop)(void *),
                              void *stop_ctx);

#endif
