/* wevt: the Windows Event Log API (wevtapi.dll), loaded at run time from System32 only.
 *
 * wevtapi is not a KnownDLL, so a plain LoadLibrary or an import-table reference would search
 * the exe's folder first: a wevtapi.dll planted beside the exe would run with the user's
 * rights. We never link to it; wevt_load() loads it with LOAD_LIBRARY_SEARCH_SYSTEM32. */
#ifndef WEVT_H
#define WEVT_H

#include <windows.h>
#include <winevt.h>

typedef struct wevt_api {
    HMODULE dll;
    EVT_HANDLE (WINAPI *OpenSession)(EVT_LOGIN_CLASS, PVOID, DWORD, DWORD);
    EVT_HANDLE (WINAPI *Query)(EVT_HANDLE, LPCWSTR, LPCWSTR, DWORD);
    BOOL (WINAPI *Next)(EVT_HANDLE, DWORD, EVT_HANDLE *, DWORD, DWORD, PDWORD);
    EVT_HANDLE (WINAPI *CreateRenderContext)(DWORD, LPCWSTR *, DWORD);
    BOOL (WINAPI *Render)(EVT_HANDLE, EVT_HANDLE, DWORD, DWORD, PVOID, PDWORD, PDWORD);
    EVT_HANDLE (WINAPI *OpenPublisherMetadata)(EVT_HANDLE, LPCWSTR, LPCWSTR, LCID, DWORD);
    BOOL (WINAPI *FormatMessage)(EVT_HANDLE, EVT_HANDLE, DWORD, DWORD, PEVT_VARIANT, DWORD, DWORD, LPWSTR, PDWORD);
    BOOL (WINAPI *Cancel)(EVT_HANDLE);
    BOOL (WINAPI *Close)(EVT_HANDLE);
    /* Event metadata of a publisher (the message of each event ID), for formatting the events
     * of saved .evtx files with the publishers installed on this computer. */
    EVT_HANDLE (WINAPI *OpenEventMetadataEnum)(EVT_HANDLE, DWORD);
    EVT_HANDLE (WINAPI *NextEventMetadata)(EVT_HANDLE, DWORD);
    BOOL (WINAPI *GetEventMetadataProperty)(EVT_HANDLE, EVT_EVENT_METADATA_PROPERTY_ID, DWORD, DWORD, PEVT_VARIANT, PDWORD);
    /* The channels of a server (Log: Browse...). */
    EVT_HANDLE (WINAPI *OpenChannelEnum)(EVT_HANDLE, DWORD);
    BOOL (WINAPI *NextChannelPath)(EVT_HANDLE, DWORD, LPWSTR, PDWORD);
    /* A log's own facts (its oldest record, whether it is full), for the window's coverage. */
    EVT_HANDLE (WINAPI *OpenLog)(EVT_HANDLE, LPCWSTR, DWORD);
    BOOL (WINAPI *GetLogInfo)(EVT_HANDLE, EVT_LOG_PROPERTY_ID, DWORD, PEVT_VARIANT, PDWORD);
    /* Live follow: a subscription (pull model: a signal event, then EvtNext) that starts after a
     * bookmark. NULL when this wevtapi.dll lacks them (follow then says so). */
    EVT_HANDLE (WINAPI *Subscribe)(EVT_HANDLE, HANDLE, LPCWSTR, LPCWSTR, EVT_HANDLE, PVOID, EVT_SUBSCRIBE_CALLBACK, DWORD);
    EVT_HANDLE (WINAPI *CreateBookmark)(LPCWSTR);
} wevt_api;

/* Loads once per process (thread-safe; later calls return the same table). Returns NULL and
 * sets *err when wevtapi.dll or one of its functions is missing. */
const wevt_api *wevt_load(DWORD *err);

#endif
