/* The classic event log engine's window on advapi32 (OpenEventLogW, ReadEventLogW,
 * CloseEventLog): a table, so that a test program can link the same engine and sweep with a
 * simulated API (Wine's are stubs, and advapi32 cannot be replaced there). */
#ifndef SOURCE_CLASSIC_H
#define SOURCE_CLASSIC_H

#include <windows.h>

typedef struct classic_api {
    HANDLE (WINAPI *Open)(LPCWSTR server, LPCWSTR log);
    BOOL   (WINAPI *Read)(HANDLE h, DWORD flags, DWORD offset, LPVOID buf, DWORD bytes, DWORD *read, DWORD *needed);
    BOOL   (WINAPI *Close)(HANDLE h);
} classic_api;

/* Replaces advapi32's functions (tests only; before any sweep starts). */
void classic_set_api(const classic_api *api);

#endif
