/* credprompt: the credential prompt and the Credential Manager (credprompt.h). */
#include <windows.h>
#include <wincred.h>
#include <objbase.h>

#include "credprompt.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

typedef DWORD (WINAPI *prompt_fn)(PCREDUI_INFOW, DWORD, ULONG *, LPCVOID, ULONG, LPVOID *, ULONG *, BOOL *, DWORD);
typedef BOOL (WINAPI *unpack_fn)(DWORD, PVOID, DWORD, LPWSTR, DWORD *, LPWSTR, DWORD *, LPWSTR, DWORD *);
typedef BOOL (WINAPI *pack_fn)(DWORD, LPWSTR, LPWSTR, PBYTE, DWORD *);

static struct {
    prompt_fn prompt;
    unpack_fn unpack;
    pack_fn   pack;
} g_cu;
static INIT_ONCE g_cu_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK load_credui(PINIT_ONCE once, PVOID p, PVOID *ctx)
{
    (void)once, (void)p, (void)ctx;
    HMODULE m = LoadLibraryExW(L"credui.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (m) {
        g_cu.prompt = (prompt_fn)(void (*)(void))GetProcAddress(m, "CredUIPromptForWindowsCredentialsW");
        g_cu.unpack = (unpack_fn)(void (*)(void))GetProcAddress(m, "CredUnPackAuthenticationBufferW");
        g_cu.pack = (pack_fn)(void (*)(void))GetProcAddress(m, "CredPackAuthenticationBufferW");
    }
    return TRUE;
}

account *cred_prompt(HWND owner, const WCHAR *user_hint, DWORD auth, DWORD *err)
{
    InitOnceExecuteOnce(&g_cu_once, load_credui, NULL, NULL);
    if (!g_cu.prompt || !g_cu.unpack) {
        *err = ERROR_PROC_NOT_FOUND;
        return NULL;
    }
    /* the user name filled in: a packed buffer with an empty password */
    BYTE *in = NULL;
    DWORD insz = 0;
    if (user_hint && *user_hint && g_cu.pack) {
        g_cu.pack(0, (LPWSTR)user_hint, (LPWSTR)L"", NULL, &insz);
        if (insz && (in = malloc(insz)) != NULL && !g_cu.pack(0, (LPWSTR)user_hint, (LPWSTR)L"", in, &insz)) {
            free(in);
            in = NULL;
            insz = 0;
        }
    }
    CREDUI_INFOW info;
    memset(&info, 0, sizeof info);
    info.cbSize = sizeof info;
    info.hwndParent = owner;
    info.pszCaptionText = L"EventSweep: connect as another account";
    info.pszMessageText = L"The account reads the event logs of the chosen sources. EventSweep keeps its password "
                          L"encrypted in memory while it runs and never writes it anywhere.";
    ULONG pkg = 0, outsz = 0;
    LPVOID out = NULL;
    BOOL save = FALSE;
    DWORD rc = g_cu.prompt(&info, 0, &pkg, in, insz, &out, &outsz, &save, CREDUIWIN_GENERIC);
    free(in);
    if (rc != ERROR_SUCCESS) {
        *err = rc;
        return NULL;
    }
    WCHAR user[514], domain[258], pass[514];
    DWORD ul = 514, dl = 258, pl = 514;
    BOOL ok = g_cu.unpack(0, out, outsz, user, &ul, domain, &dl, pass, &pl);
    *err = ok ? 0 : GetLastError();
    SecureZeroMemory(out, outsz);
    CoTaskMemFree(out);
    account *a = NULL;
    if (ok) {
        WCHAR full[800];
        if (domain[0] && !wcschr(user, L'\\') && !wcschr(user, L'@'))
            _snwprintf(full, 800, L"%ls\\%ls", domain, user);
        else
            _snwprintf(full, 800, L"%ls", user);
        full[799] = 0;
        a = user[0] ? account_new(full, pass, auth) : NULL;
        if (!a)
            *err = user[0] ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_PARAMETER;
    }
    SecureZeroMemory(pass, sizeof pass);
    return a;
}

account *cred_read_generic(const WCHAR *target, DWORD auth, DWORD *err)
{
    PCREDENTIALW c = NULL;
    if (!CredReadW(target, CRED_TYPE_GENERIC, 0, &c)) {
        *err = GetLastError();
        return NULL;
    }
    account *a = NULL;
    DWORD n = c->CredentialBlobSize / sizeof(WCHAR);
    WCHAR pass[514];
    if (c->UserName && c->UserName[0] && n < 514) {
        memcpy(pass, c->CredentialBlob, n * sizeof(WCHAR));
        pass[n] = 0;
        a = account_new(c->UserName, pass, auth);
        SecureZeroMemory(pass, sizeof pass);
        *err = a ? 0 : ERROR_NOT_ENOUGH_MEMORY;
    } else {
        *err = ERROR_INVALID_DATA;   /* no user name, or a password too long */
    }
    if (c->CredentialBlob)
        SecureZeroMemory(c->CredentialBlob, c->CredentialBlobSize);
    CredFree(c);
    return a;
}
