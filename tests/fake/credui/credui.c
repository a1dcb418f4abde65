/* A test-only credui.dll: the Windows credential prompt, simulated (Wine's credui is a stub).
 * tests/wine-env.sh puts it into the test prefix's system32 with WINEDLLOVERRIDES credui=n, so
 * the app's LoadLibraryExW(L"credui.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32) gets it. Never
 * shipped.
 *
 *   ESFAKE_CREDUI      "USER|PASSWORD": what the user "types" (OK); "cancel": the user cancels
 *                      (ERROR_CANCELLED); unset: ERROR_CANCELLED too
 *   ESFAKE_CREDUI_LOG  a file (Windows path, or a Unix one starting with '/') that gets one line per
 *                      prompt: "prompt<TAB>USER-FILLED-IN<TAB>CAPTION" (never a password)
 *
 * The packed buffers follow the documented protocol (sizes, ERROR_INSUFFICIENT_BUFFER) in a
 * format of its own: the user name, a NUL, the password, a NUL (UTF-16). */
#include <windows.h>
#include <objbase.h>

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define EXPORT __declspec(dllexport)

/* CREDUI_INFOW (wincred.h, not included: its prototypes are dllimport) */
typedef struct fake_credui_info {
    DWORD   cbSize;
    HWND    hwndParent;
    PCWSTR  pszMessageText;
    PCWSTR  pszCaptionText;
    HBITMAP hbmBanner;
} fake_credui_info;

static void log_line(const WCHAR *user, const WCHAR *caption)
{
    WCHAR path[MAX_PATH + 4];
    DWORD n = GetEnvironmentVariableW(L"ESFAKE_CREDUI_LOG", path, MAX_PATH);
    if (!n || n >= MAX_PATH)
        return;
    if (path[0] == L'/') {   /* a Unix path: Z: */
        memmove(path + 2, path, (wcslen(path) + 1) * sizeof(WCHAR));
        path[0] = L'Z';
        path[1] = L':';
        for (WCHAR *p = path; *p; p++)
            if (*p == L'/')
                *p = L'\\';
    }
    HANDLE f = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_ALWAYS, 0, NULL);
    if (f == INVALID_HANDLE_VALUE)
        return;
    char line[1200];
    int k = snprintf(line, sizeof line, "prompt\t%ls\t%ls\n", user ? user : L"", caption ? caption : L"");
    DWORD w;
    if (k > 0)
        WriteFile(f, line, (DWORD)(k < (int)sizeof line ? k : (int)sizeof line - 1), &w, NULL);
    CloseHandle(f);
}

static DWORD pack(const WCHAR *user, const WCHAR *pass, BYTE *out, DWORD *size)
{
    DWORD need = (DWORD)((wcslen(user) + 1 + wcslen(pass) + 1) * sizeof(WCHAR));
    if (!out || *size < need) {
        *size = need;
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memcpy(out, user, (wcslen(user) + 1) * sizeof(WCHAR));
    memcpy(out + (wcslen(user) + 1) * sizeof(WCHAR), pass, (wcslen(pass) + 1) * sizeof(WCHAR));
    *size = need;
    return 0;
}

EXPORT BOOL WINAPI CredPackAuthenticationBufferW(DWORD flags, LPWSTR user, LPWSTR pass, PBYTE out, DWORD *size)
{
    (void)flags;
    if (!user || !pass || !size) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    DWORD e = pack(user, pass, out, size);
    if (e)
        SetLastError(e);
    return e == 0;
}

EXPORT DWORD WINAPI CredUIPromptForWindowsCredentialsW(fake_credui_info *info, DWORD auth_error, ULONG *package,
                                                       LPCVOID in, ULONG insz, LPVOID *out, ULONG *outsz, BOOL *save,
                                                       DWORD flags)
{
    (void)auth_error, (void)package, (void)save, (void)flags;
    if (!out || !outsz)
        return ERROR_INVALID_PARAMETER;
    *out = NULL;
    *outsz = 0;
    WCHAR filled[512] = L"";
    if (in && insz >= sizeof(WCHAR)) {   /* the user name filled in: the first string of the buffer */
        const WCHAR *w = in;
        size_t n = 0, max = insz / sizeof(WCHAR);
        while (n < max && n < 511 && w[n])
            n++;
        memcpy(filled, w, n * sizeof(WCHAR));
        filled[n] = 0;
    }
    log_line(filled, info ? info->pszCaptionText : NULL);
    WCHAR env[1024];
    DWORD n = GetEnvironmentVariableW(L"ESFAKE_CREDUI", env, 1024);
    if (!n || n >= 1024 || !wcscmp(env, L"cancel"))
        return ERROR_CANCELLED;
    WCHAR *bar = wcschr(env, L'|');
    if (!bar)
        return ERROR_CANCELLED;
    *bar = 0;
    DWORD size = 0;
    pack(env, bar + 1, NULL, &size);
    BYTE *buf = CoTaskMemAlloc(size);
    if (!buf)
        return ERROR_OUTOFMEMORY;
    pack(env, bar + 1, buf, &size);
    SecureZeroMemory(env, sizeof env);
    *out = buf;
    *outsz = size;
    return ERROR_SUCCESS;
}

EXPORT BOOL WINAPI CredUnPackAuthenticationBufferW(DWORD flags, PVOID buf, DWORD size, LPWSTR user, DWORD *ulen,
                                                   LPWSTR domain, DWORD *dlen, LPWSTR pass, DWORD *plen)
{
    (void)flags;
    const WCHAR *u = buf;
    size_t max = size / sizeof(WCHAR), n1 = 0;
    while (n1 < max && u[n1])
        n1++;
    if (!buf || n1 >= max || !ulen || !plen) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    const WCHAR *p = u + n1 + 1;
    size_t n2 = 0;
    while (n1 + 1 + n2 < max && p[n2])
        n2++;
    if (*ulen < n1 + 1 || *plen < n2 + 1 || (domain && dlen && *dlen < 1)) {
        *ulen = (DWORD)n1 + 1;
        *plen = (DWORD)n2 + 1;
        if (dlen)
            *dlen = 1;
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return FALSE;
    }
    memcpy(user, u, (n1 + 1) * sizeof(WCHAR));
    memcpy(pass, p, n2 * sizeof(WCHAR));
    pass[n2] = 0;
    *ulen = (DWORD)n1 + 1;
    *plen = (DWORD)n2 + 1;
    if (domain && dlen) {   /* the user name keeps its DOMAIN\ part, as with CREDUIWIN_GENERIC */
        domain[0] = 0;
        *dlen = 1;
    }
    return TRUE;
}
