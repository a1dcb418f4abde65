/* credprompt: where another account comes from — the Windows credential prompt (credui.dll,
 * loaded from System32 only, through a table: Wine's credui is a stub, and the tests put a
 * simulated credui.dll into the test prefix's system32), or a generic credential of the Windows
 * Credential Manager (CredReadW; created once with cmdkey /generic:TARGET /user:... /pass), so a
 * scheduled task never carries a password on its command line. Every copy of a password in
 * clear is wiped (SecureZeroMemory) as soon as the account holds it encrypted. UI thread. */
#ifndef CREDPROMPT_H
#define CREDPROMPT_H

#include <windows.h>

#include "account.h"

/* The prompt, with user_hint (may be NULL) filled in as the user name. NULL with *err:
 * ERROR_CANCELLED when the user cancelled, another code when the prompt could not be shown. */
account *cred_prompt(HWND owner, const WCHAR *user_hint, DWORD auth, DWORD *err);
/* A generic credential of the Credential Manager. NULL with *err (ERROR_NOT_FOUND: none). */
account *cred_read_generic(const WCHAR *target, DWORD auth, DWORD *err);

#endif
