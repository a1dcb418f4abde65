/* es_diag: why a source failed and what to do about it — the common Windows errors of a sweep
 * mapped to their likely cause and remedy — and the probe that tells apart the causes of "The
 * RPC server is unavailable" (1722): a name that does not resolve, a computer that does not
 * answer on TCP 135 (the RPC endpoint mapper), or one whose port 135 answers while a firewall
 * blocks the RPC ports the Event Log service listens on.
 *
 * The probe's network calls come through a function table (es_probe_ops): the Windows shell
 * fills it from Winsock (src/win/probe_winsock.c), tests with a simulation.
 *
 * Portable core: no windows.h. The error numbers are Win32's. */
#ifndef ES_DIAG_H
#define ES_DIAG_H

#include <stddef.h>
#include <stdint.h>

/* What the probe found (0: no probe was run). */
typedef enum es_probe_verdict {
    ES_PROBE_NONE = 0,
    ES_PROBE_NO_NAME,     /* the name does not resolve */
    ES_PROBE_NO_135,      /* no address answers on TCP 135 */
    ES_PROBE_ONLY_135,    /* TCP 135 answers: the RPC ports behind it do not */
    ES_PROBE_COUNT
} es_probe_verdict;

typedef struct es_diag {
    const char *tag;      /* a few words for the source list's short line: "host down or firewall?" */
    const char *cause;    /* a sentence: the likely cause */
    const char *remedy;   /* a sentence: what to do */
} es_diag;

/* The diagnosis of `error` for a server (is_file = 0) or a saved log (1), refined by the
 * probe's verdict for 1722. Returns 0 (and *d zeroed) for errors without one: 0, a Stop (1223),
 * the memory budget (8), or an error not in the table. */
int es_diagnose(uint32_t error, int is_file, es_probe_verdict probe, es_diag *d);

/* "Likely cause: <cause> To fix: <remedy>" into out (NUL-terminated, cut to cap); its length,
 * 0 when there is no diagnosis. */
size_t es_diag_text(uint32_t error, int is_file, es_probe_verdict probe, char *out, size_t cap);

/* ---- the probe ---- */

typedef struct es_probe_ops {
    void *ctx;
    /* Resolves name into at most max addresses the implementation keeps (in ctx); returns how
     * many, 0 when the name does not resolve, -1 when the resolver failed otherwise (no
     * verdict). A name that is an IP address yields itself. */
    int (*resolve)(void *ctx, const char *name, int max);
    /* A TCP connection to address i (0 <= i < resolved count) on port, within timeout_ms:
     * 1 when it was accepted, 0 when refused, unreachable or timed out, -1 when it could not
     * tell (a call of its own failed: no socket, an unexpected error). */
    int (*connect)(void *ctx, int i, unsigned port, unsigned timeout_ms);
} es_probe_ops;

#define ES_PROBE_MAX_ADDRS 4
#define ES_RPC_EPM_PORT    135

/* Runs the probe for a server that answered 1722: resolve, then TCP 135 on each address (at
 * most ES_PROBE_MAX_ADDRS) until one answers. Returns its verdict; ES_PROBE_NONE when the
 * resolver failed for another reason than an unknown name, or when a connect could not tell
 * and none answered ("does not answer" is said only when every address was asked). */
es_probe_verdict es_probe_rpc(const es_probe_ops *ops, const char *name, unsigned timeout_ms);

/* Whether error is one the probe refines (1722). */
int es_probe_wanted(uint32_t error);

#endif
