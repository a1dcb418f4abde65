/* Connect as...: another account for the chosen sources (the selected ones, or every one) — a
 * menu of the authentication to use (Negotiate, Kerberos, NTLM) or the user's own logon again,
 * then the Windows credential prompt (credprompt.h). And the command line's --user (the same
 * prompt at start) and --credential (the Credential Manager). The account is shared by the
 * sources it was given to; the list shows it after their names. UI thread only. */
#include "ui.h"
#include "resource.h"
#include "credprompt.h"
#include "winutil.h"

#include <winevt.h>
#include <stdio.h>
#include <wchar.h>

static DWORD auth_of(int cmd)
{
    return cmd == IDM_AS_KERBEROS ? EvtRpcLoginAuthKerberos : cmd == IDM_AS_NTLM ? EvtRpcLoginAuthNTLM
                                                                                 : EvtRpcLoginAuthNegotiate;
}

static BOOL any_server_chosen(void)
{
    int n = (int)SendMessageW(g.list, LB_GETSELCOUNT, 0, 0);
    for (size_t i = 0; i < g.nsrc; i++)
        if (g.src[i].kind != ES_NAME_PATH && (n <= 0 || SendMessageW(g.list, LB_GETSEL, i, 0) > 0))
            return TRUE;
    return FALSE;
}

void connect_as_menu(void)
{
    if (g.running)
        return;
    if (!any_server_chosen()) {
        message_box(L"Select one or more servers first (saved logs are read with your own rights), or none to "
                    L"choose for every server.", MB_ICONINFORMATION);
        return;
    }
    HMENU m = CreatePopupMenu();
    if (!m)
        return;
    AppendMenuW(m, MF_STRING, IDM_AS_NEGOTIATE, L"Another &account (Negotiate)...");
    AppendMenuW(m, MF_STRING, IDM_AS_KERBEROS, L"Another account (&Kerberos only)...");
    AppendMenuW(m, MF_STRING, IDM_AS_NTLM, L"Another account (&NTLM only)...");
    AppendMenuW(m, MF_SEPARATOR, 0, NULL);
    AppendMenuW(m, MF_STRING, IDM_AS_SELF, L"&Your own logon");
    RECT r;
    GetWindowRect(GetDlgItem(g.dlg, IDC_CONNECT), &r);
    int cmd = TrackPopupMenu(m, TPM_RETURNCMD | TPM_LEFTALIGN | TPM_TOPALIGN | TPM_NONOTIFY, r.left, r.bottom, 0, g.dlg, NULL);
    DestroyMenu(m);
    if (cmd == IDM_AS_SELF) {
        set_account(NULL);
        update_status();
    } else if (cmd) {
        connect_as(auth_of(cmd), NULL);
    }
}

BOOL connect_as(DWORD auth, const WCHAR *user_hint)
{
    DWORD err = 0;
    account *a = cred_prompt(g.dlg, user_hint, auth, &err);
    if (!a) {
        if (err != ERROR_CANCELLED) {
            WCHAR m[400];
            wu_error_sentence(m, 400, L"The credential prompt could not be shown", err);
            message_box(m, MB_ICONERROR);
        }
        return FALSE;
    }
    set_account(a);
    account_unref(a);   /* the sources hold it now */
    update_status();
    return TRUE;
}

/* --credential TARGET: every server is read with that generic credential. */
BOOL connect_as_credential(const WCHAR *cred_target, DWORD auth)
{
    DWORD err = 0;
    account *a = cred_read_generic(cred_target, auth, &err);
    if (!a) {
        WCHAR what[300], m[700];
        _snwprintf(what, 300, L"--credential: the Credential Manager has no usable generic credential \"%ls\"", cred_target);
        what[299] = 0;
        wu_error_sentence(m, 700, what, err);
        app_report(m, TRUE);
        return FALSE;
    }
    SendMessageW(g.list, LB_SETSEL, FALSE, -1);   /* every server */
    set_account(a);
    account_unref(a);
    return TRUE;
}
