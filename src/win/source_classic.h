/* The classic event log engine's window on the system: advapi32's OpenEventLogW, ReadEventLogW
 * and CloseEventLog; LogonUserW, ImpersonateLoggedOnUser, RevertToSelf and CloseHandle for
 * another account; and what formats a classic event's message from the local message file
 * (RegGetValueW, LoadLibraryExW, FormatMessageW, FreeLibrary: classic_msg.h). A table, so that a
 * test program can link the same engine and sweep with a simulated API (Wine's classic event log
 * functions are stubs, and advapi32 cannot be replaced there). */
#ifndef SOURCE_CLASSIC_H
#define SOURCE_CLASSIC_H

#include <windows.h>
#include <stdarg.h>

#include "account.h"
#include "es_names.h"

typedef struct classic_api {
    HANDLE (WINAPI *Open)(LPCWSTR server, LPCWSTR log);
    BOOL   (WINAPI *Read)(HANDLE h, DWORD flags, DWORD offset, LPVOID buf, DWORD bytes, DWORD *read, DWORD *needed);
    BOOL   (WINAPI *Close)(HANDLE h);
    /* another account: LogonUserW, ImpersonateLoggedOnUser, RevertToSelf, CloseHandle (a token) */
    BOOL   (WINAPI *LogonAs)(LPCWSTR user, LPCWSTR domain, LPCWSTR password, DWORD type, DWORD provider, PHANDLE token);
    BOOL   (WINAPI *Impersonate)(HANDLE token);
    BOOL   (WINAPI *Revert)(void);
    BOOL   (WINAPI *CloseToken)(HANDLE token);
    /* the message files: RegGetValueW, LoadLibraryExW, FormatMessageW, FreeLibrary */
    LSTATUS (WINAPI *RegValue)(HKEY key, LPCWSTR subkey, LPCWSTR value, DWORD flags, LPDWORD type, PVOID data,
                               LPDWORD bytes);
    HMODULE (WINAPI *LoadModule)(LPCWSTR path, HANDLE file, DWORD flags);
    DWORD  (WINAPI *Format)(DWORD flags, LPCVOID source, DWORD id, DWORD lang, LPWSTR buf, DWORD size, va_list *args);
    BOOL   (WINAPI *Unload)(HMODULE m);
} classic_api;

/* Replaces the system's functions (tests only; before any sweep starts). A NULL member keeps
 * the system's function; NULL restores them all. */
void classic_set_api(const classic_api *api);
/* The table in use. */
const classic_api *classic_get_api(void);

/* Whether the classic API can read a server of this kind as account a (NULL: the user's own
 * logon, always). It logs on with LogonUserW(LOGON32_LOGON_NEW_CREDENTIALS,
 * LOGON32_PROVIDER_WINNT50): Negotiate, never Kerberos or NTLM alone as the account asked; and
 * credentials for the network do nothing on this computer, which it would read with the
 * user's own rights. FALSE then: the sweep does not fall back, the engine refuses (50). */
BOOL classic_account_ok(const account *a, es_name_kind kind);

#endif
