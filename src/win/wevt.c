/* Loads wevtapi.dll from System32 (see wevt.h). */
#include "wevt.h"

#include <string.h>

static wevt_api g_api;
static DWORD g_err;
static INIT_ONCE g_once = INIT_ONCE_STATIC_INIT;

#define GET(field, name)                                                                 \
    do {                                                                                 \
        FARPROC p_ = GetProcAddress(g_api.dll, name);                                    \
        if (!p_)                                                                         \
            goto missing;                                                                \
        memcpy(&g_api.field, &p_, sizeof p_);                                            \
    } while (0)

static BOOL CALLBACK load_once(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    g_api.dll = LoadLibraryExW(L"wevtapi.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (!g_api.dll) {
        g_err = GetLastError();
        return TRUE;
    }
    GET(OpenSession, "EvtOpenSession");
    GET(Query, "EvtQuery");
    GET(Next, "EvtNext");
    GET(CreateRenderContext, "EvtCreateRenderContext");
    GET(Render, "EvtRender");
    GET(OpenPublisherMetadata, "EvtOpenPublisherMetadata");
    GET(FormatMessage, "EvtFormatMessage");
    GET(Cancel, "EvtCancel");
    GET(Close, "EvtClose");
    GET(OpenEventMetadataEnum, "EvtOpenEventMetadataEnum");
    GET(NextEventMetadata, "EvtNextEventMetadata");
    GET(GetEventMetadataProperty, "EvtGetEventMetadataProperty");
    GET(OpenChannelEnum, "EvtOpenChannelEnum");
    GET(NextChannelPath, "EvtNextChannelPath");
    GET(OpenLog, "EvtOpenLog");
    GET(GetLogInfo, "EvtGetLogInfo");
    FARPROC p = GetProcAddress(g_api.dll, "EvtSubscribe");   /* optional (see wevt.h) */
    memcpy(&g_api.Subscribe, &p, sizeof p);
    p = GetProcAddress(g_api.dll, "EvtCreateBookmark");
    memcpy(&g_api.CreateBookmark, &p, sizeof p);
    return TRUE;
missing:
    g_err = ERROR_PROC_NOT_FOUND;
    FreeLibrary(g_api.dll);
    g_api.dll = NULL;
    return TRUE;
}

const wevt_api *wevt_load(DWORD *err)
{
    InitOnceExecuteOnce(&g_once, load_once, NULL, NULL);
    if (!g_api.dll) {
        *err = g_err ? g_err : ERROR_MOD_NOT_FOUND;
        return NULL;
    }
    return &g_api;
}
