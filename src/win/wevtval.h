/* wevtval: what the sweep's server engine (source_wevt.c) and the details pane's fetch
 * (fetch_wevt.c) both do with the Event Log API: open a session to a server the same way, and
 * write an EVT_VARIANT (an event's data value) as text. Any thread; nothing here blocks except
 * wevt_open_session's call into wevtapi, which the caller times or cancels. */
#ifndef WEVTVAL_H
#define WEVTVAL_H

#include <windows.h>

#include "wevt.h"
#include "es_buf.h"
#include "es_names.h"
#include "account.h"

/* The session a source of kind `kind` is read through: EvtRpcLogin for a server — with the
 * user's own logon (EvtRpcLoginAuthDefault), or with acct's name, domain, password and
 * authentication (the password decrypted only for the call and wiped at once) — and NULL, the
 * local session, for "." and localhost without an account. Returns FALSE with *err when the
 * session could not be opened. */
BOOL wevt_open_session(const wevt_api *api, const WCHAR *server, es_name_kind kind, const account *acct,
                       EVT_HANDLE *session, DWORD *err);

/* Appends the text of a value as Event Viewer shows it (arrays joined by ", "); Null appends
 * nothing. */
void wevt_append_variant(es_buf *b, const EVT_VARIANT *v);

#endif
