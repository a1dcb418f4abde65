/* account: another account's name and its password, encrypted in memory; and the lockout gate
 * (account.h). */
#include "account.h"

#include <dpapi.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define SECRET_CAP 512   /* WCHARs of a password; a multiple of CRYPTPROTECTMEMORY_BLOCK_SIZE bytes */

/* crypt32.dll is not one of Windows' KnownDLLs: it is loaded from System32 only, at run time,
 * never through the import table (a crypt32.dll planted beside the exe is never used). */
typedef BOOL (WINAPI *protect_fn)(LPVOID, DWORD, DWORD);
static protect_fn g_protect, g_unprotect;
static INIT_ONCE g_crypt_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK load_crypt32(PINIT_ONCE once, PVOID p, PVOID *ctx)
{
    (void)once, (void)p, (void)ctx;
    HMODULE m = LoadLibraryExW(L"crypt32.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (m) {
        g_protect = (protect_fn)(void (*)(void))GetProcAddress(m, "CryptProtectMemory");
        g_unprotect = (protect_fn)(void (*)(void))GetProcAddress(m, "CryptUnprotectMemory");
    }
    return TRUE;
}

static BOOL crypt(BOOL protect, void *p, DWORD n)
{
    InitOnceExecuteOnce(&g_crypt_once, load_crypt32, NULL, NULL);
    protect_fn f = protect ? g_protect : g_unprotect;
    return f && f(p, n, CRYPTPROTECTMEMORY_SAME_PROCESS);
}

struct account {
    volatile LONG refs;
    WCHAR   name[512];        /* as given */
    WCHAR   user[512];
    WCHAR   domain[256];      /* "" when none */
    DWORD   auth;
    WCHAR   secret[SECRET_CAP];   /* the password, encrypted (CryptProtectMemory), padded with zeros */
    BOOL    protected_ok;
    SRWLOCK lock;             /* the gate */
    int     state;            /* 0 not yet logged on, 1 good, 2 bad */
    BOOL    trying;           /* a source is trying it now */
    DWORD   bad_error;
};

account *account_new(const WCHAR *user, const WCHAR *password, DWORD auth)
{
    if (!user || !*user || !password || wcslen(user) >= 512 || wcslen(password) >= SECRET_CAP)
        return NULL;
    account *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->refs = 1;
    a->auth = auth;
    InitializeSRWLock(&a->lock);
    wcscpy(a->name, user);
    const WCHAR *bs = wcschr(user, L'\\');
    if (bs && (size_t)(bs - user) < 256) {   /* DOMAIN\name */
        wcsncpy(a->domain, user, (size_t)(bs - user));
        a->domain[bs - user] = 0;
        wcscpy(a->user, bs + 1);
    } else {                                  /* name@domain (a UPN, given whole) or name */
        wcscpy(a->user, user);
    }
    wcscpy(a->secret, password);
    a->protected_ok = crypt(TRUE, a->secret, sizeof a->secret);
    if (!a->protected_ok) {   /* never keep it in clear */
        SecureZeroMemory(a->secret, sizeof a->secret);
        free(a);
        return NULL;
    }
    return a;
}

account *account_ref(account *a)
{
    if (a)
        InterlockedIncrement(&a->refs);
    return a;
}

void account_unref(account *a)
{
    if (a && InterlockedDecrement(&a->refs) == 0) {
        SecureZeroMemory(a->secret, sizeof a->secret);
        SecureZeroMemory(a, sizeof *a);
        free(a);
    }
}

const WCHAR *account_name(const account *a) { return a->name; }
const WCHAR *account_user(const account *a) { return a->user; }
const WCHAR *account_domain(const account *a) { return a->domain[0] ? a->domain : NULL; }
DWORD account_auth(const account *a) { return a->auth; }

BOOL account_reveal(const account *a, WCHAR *out, size_t cap)
{
    if (cap < SECRET_CAP)
        return FALSE;
    memcpy(out, a->secret, sizeof a->secret);
    if (!crypt(FALSE, out, sizeof a->secret)) {
        SecureZeroMemory(out, sizeof a->secret);
        return FALSE;
    }
    out[SECRET_CAP - 1] = 0;
    return TRUE;
}

BOOL account_error_is_bad(DWORD err)
{
    switch (err) {
    case ERROR_LOGON_FAILURE:        /* 1326 wrong user name or password */
    case ERROR_ACCOUNT_LOCKED_OUT:   /* 1909 */
    case ERROR_ACCOUNT_DISABLED:     /* 1331 */
    case ERROR_PASSWORD_EXPIRED:     /* 1330 */
    case ERROR_ACCOUNT_RESTRICTION:  /* 1327 */
        return TRUE;
    default:
        return FALSE;
    }
}

account_gate_t account_gate(account *a, BOOL (*stop)(void *), void *ctx, DWORD *err)
{
    for (;;) {
        AcquireSRWLockExclusive(&a->lock);
        int state = a->state;
        BOOL go = state == 1 || (state == 0 && !a->trying);
        if (state == 0 && go)
            a->trying = TRUE;   /* this source tries it first */
        DWORD bad = a->bad_error;
        ReleaseSRWLockExclusive(&a->lock);
        if (state == 2) {
            *err = bad;
            return ACCOUNT_SETTLED_BAD;
        }
        if (go)
            return ACCOUNT_GO;
        if (stop && stop(ctx))
            return ACCOUNT_STOPPED;
        Sleep(100);
    }
}

void account_settle(account *a, DWORD err)
{
    AcquireSRWLockExclusive(&a->lock);
    if (a->state == 0) {
        if (err == 0 || err == ERROR_ACCESS_DENIED)
            a->state = 1;   /* it logged on (5: logged on, but not allowed to read that log) */
        else if (account_error_is_bad(err)) {
            a->state = 2;
            a->bad_error = err;
        }
        a->trying = FALSE;  /* inconclusive (a server down): the next source tries */
    }
    ReleaseSRWLockExclusive(&a->lock);
}
