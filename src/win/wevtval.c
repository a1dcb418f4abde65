/* Sessions and EVT_VARIANT values as text (see wevtval.h). */
#include "wevtval.h"
#include "winutil.h"
#include "es_time.h"

#include <string.h>

BOOL wevt_open_session(const wevt_api *api, const WCHAR *server, es_name_kind kind, const account *acct,
                       EVT_HANDLE *session, DWORD *err)
{
    *session = NULL;
    *err = 0;
    if (kind == ES_NAME_LOCAL && !acct)
        return TRUE;
    EVT_RPC_LOGIN login;
    memset(&login, 0, sizeof login);
    login.Server = (LPWSTR)(kind == ES_NAME_LOCAL ? L"localhost" : server);
    login.Flags = EvtRpcLoginAuthDefault;
    WCHAR secret[512];
    if (acct) {
        if (!account_reveal(acct, secret, 512)) {
            *err = ERROR_DECRYPTION_FAILED;
            return FALSE;
        }
        login.User = (LPWSTR)account_user(acct);
        login.Domain = (LPWSTR)account_domain(acct);
        login.Password = secret;
        login.Flags = account_auth(acct);
    }
    *session = api->OpenSession(EvtRpcLogin, &login, 0, 0);
    DWORD e = *session ? 0 : GetLastError();
    SecureZeroMemory(secret, sizeof secret);   /* the password in clear lived only for the call */
    login.Password = NULL;
    *err = e;
    return *session != NULL;
}

/* ---- EVT_VARIANT values as text (the data values of an event) ---- */

static void append_guid(es_buf *b, const GUID *g)
{
    es_buf_printf(b, "{%08lX-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", (unsigned long)g->Data1, g->Data2,
                  g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5],
                  g->Data4[6], g->Data4[7]);
}

static void append_sid(es_buf *b, const BYTE *sid)
{
    if (!sid) return;
    unsigned subs = sid[1];
    uint64_t auth = 0;
    for (int i = 2; i < 8; i++)
        auth = (auth << 8) | sid[i];
    es_buf_printf(b, "S-%u-%llu", sid[0], (unsigned long long)auth);
    for (unsigned i = 0; i < subs && i < 15; i++) {
        const BYTE *s = sid + 8 + 4 * i;
        es_buf_printf(b, "-%lu", (unsigned long)((DWORD)s[0] | (DWORD)s[1] << 8 | (DWORD)s[2] << 16 | (DWORD)s[3] << 24));
    }
}

static void append_scalar(es_buf *b, const EVT_VARIANT *v, DWORD type, DWORD i, BOOL arr)
{
    char t[ES_ISO8601_LEN];
    switch (type) {
    case EvtVarTypeString: wu_append_utf8(b, arr ? v->StringArr[i] : v->StringVal, (size_t)-1); break;
    case EvtVarTypeAnsiString: es_buf_puts(b, arr ? v->AnsiStringArr[i] : v->AnsiStringVal); break;
    case EvtVarTypeSByte: es_buf_printf(b, "%d", arr ? v->SByteArr[i] : v->SByteVal); break;
    case EvtVarTypeByte: es_buf_printf(b, "%u", arr ? v->ByteArr[i] : v->ByteVal); break;
    case EvtVarTypeInt16: es_buf_printf(b, "%d", arr ? v->Int16Arr[i] : v->Int16Val); break;
    case EvtVarTypeUInt16: es_buf_printf(b, "%u", arr ? v->UInt16Arr[i] : v->UInt16Val); break;
    case EvtVarTypeInt32: es_buf_printf(b, "%ld", (long)(arr ? v->Int32Arr[i] : v->Int32Val)); break;
    case EvtVarTypeUInt32: es_buf_printf(b, "%lu", (unsigned long)(arr ? v->UInt32Arr[i] : v->UInt32Val)); break;
    case EvtVarTypeInt64: es_buf_printf(b, "%lld", (long long)(arr ? v->Int64Arr[i] : v->Int64Val)); break;
    case EvtVarTypeUInt64: es_buf_printf(b, "%llu", (unsigned long long)(arr ? v->UInt64Arr[i] : v->UInt64Val)); break;
    case EvtVarTypeSingle: es_buf_printf(b, "%g", (double)(arr ? v->SingleArr[i] : v->SingleVal)); break;
    case EvtVarTypeDouble: es_buf_printf(b, "%g", arr ? v->DoubleArr[i] : v->DoubleVal); break;
    case EvtVarTypeBoolean: es_buf_puts(b, (arr ? v->BooleanArr[i] : v->BooleanVal) ? "true" : "false"); break;
    case EvtVarTypeGuid: append_guid(b, arr ? &v->GuidArr[i] : v->GuidVal); break;
    case EvtVarTypeSizeT: es_buf_printf(b, "%llu", (unsigned long long)(arr ? v->SizeTArr[i] : v->SizeTVal)); break;
    case EvtVarTypeFileTime: {
        uint64_t ft = arr ? ((uint64_t)v->FileTimeArr[i].dwHighDateTime << 32 | v->FileTimeArr[i].dwLowDateTime)
                          : v->FileTimeVal;
        es_buf_puts(b, es_time_iso8601(ft, t));
        break;
    }
    case EvtVarTypeSysTime: {
        const SYSTEMTIME *st = arr ? &v->SysTimeArr[i] : v->SysTimeVal;
        es_buf_printf(b, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", st->wYear, st->wMonth, st->wDay, st->wHour,
                      st->wMinute, st->wSecond, st->wMilliseconds);
        break;
    }
    case EvtVarTypeSid: append_sid(b, (const BYTE *)(arr ? v->SidArr[i] : v->SidVal)); break;
    case EvtVarTypeHexInt32: es_buf_printf(b, "0x%lx", (unsigned long)(arr ? v->UInt32Arr[i] : v->UInt32Val)); break;
    case EvtVarTypeHexInt64: es_buf_printf(b, "0x%llx", (unsigned long long)(arr ? v->UInt64Arr[i] : v->UInt64Val)); break;
    case EvtVarTypeBinary:
        if (!arr && v->BinaryVal)
            for (DWORD k = 0; k < v->Count; k++)
                es_buf_printf(b, "%02X", v->BinaryVal[k]);
        break;
    case EvtVarTypeEvtXml: wu_append_utf8(b, arr ? v->XmlValArr[i] : v->XmlVal, (size_t)-1); break;
    default: break;
    }
}

void wevt_append_variant(es_buf *b, const EVT_VARIANT *v)
{
    DWORD type = v->Type & EVT_VARIANT_TYPE_MASK;
    if (type == EvtVarTypeNull)
        return;
    if (v->Type & EVT_VARIANT_TYPE_ARRAY) {
        for (DWORD i = 0; i < v->Count; i++) {
            if (i)
                es_buf_puts(b, ", ");
            append_scalar(b, v, type, i, TRUE);
        }
    } else {
        append_scalar(b, v, type, 0, FALSE);
    }
}
