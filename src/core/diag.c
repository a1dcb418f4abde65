/* The diagnosis of a failed source (es_diag.h): a table of the errors a sweep meets, each with
 * a short tag for the source list, its likely cause and the remedy; 1722 refined by the probe. */
#include "es_diag.h"

#include <stdio.h>
#include <string.h>

#define FOR_SERVER 1
#define FOR_FILE   2
#define FOR_BOTH   3

typedef struct entry {
    uint32_t error;
    int      kinds;
    es_diag  d;
} entry;

/* The firewall rule group admins know from the server's own firewall (wf.msc). */
#define RELM "\"Remote Event Log Management\""

static const entry k_table[] = {
    {1722, FOR_SERVER, {"host down or firewall?",
        "The computer is off or unreachable, or a firewall blocks the RPC ports the Event Log service uses.",
        "Check that it is running and reachable; on its firewall, enable the " RELM " rules."}},
    {1753, FOR_SERVER, {"Event Log service not reachable",
        "The RPC endpoint mapper answered, but no Event Log endpoint is registered: the Windows Event Log service "
        "is not running there, or remote access to it is blocked.",
        "Check the Windows Event Log service on the server and its " RELM " firewall rules."}},
    {1723, FOR_SERVER, {"server too busy",
        "The server is too busy to take the call.",
        "Retry failed later, or read fewer sources at once (Limits...)."}},
    {1726, FOR_SERVER, {"connection broke off",
        "The connection broke off while the events were read (the network, a restart, or a server under load).",
        "Retry failed reads the source again; the rows received so far are replaced, not doubled."}},
    {1727, FOR_SERVER, {"connection broke off",
        "The call failed before it ran: the connection broke off.",
        "Retry failed reads the source again."}},
    {1115, FOR_SERVER, {"server shutting down",
        "The server is shutting down.",
        "Retry failed once it is back."}},
    {5, FOR_SERVER, {"not in Event Log Readers?",
        "Your account may not read this log on that server: it is not in the server's \"Event Log Readers\" "
        "group (or the log's own access list), or, for a local account of a workgroup server, remote UAC "
        "strips its administrator rights.",
        "Add the account to \"Event Log Readers\" on the server, or sweep with an account that is in it; for "
        "local accounts see LocalAccountTokenFilterPolicy."}},
    {5, FOR_FILE, {"no permission",
        "Your account may not read this file or folder.",
        "Check its permissions, or copy the log somewhere you can read it."}},
    {1326, FOR_SERVER, {"wrong user or password",
        "The user name or password is wrong, or the account is unknown to that server.",
        "Check the account and its password; a domain account is written DOMAIN\\name."}},
    {1327, FOR_SERVER, {"account restricted",
        "The account may not log on from here (logon hours, workstations, or an empty password).",
        "Check the account's restrictions, or use another account."}},
    {1330, FOR_SERVER, {"password expired",
        "The account's password has expired.",
        "Change the password, then sweep again."}},
    {1331, FOR_SERVER, {"account disabled",
        "The account is disabled.",
        "Use another account, or have it enabled."}},
    {1909, FOR_SERVER, {"account locked out",
        "The account is locked out, often after wrong passwords.",
        "Wait for the lockout to end or have it unlocked, and check the password before sweeping again."}},
    {1385, FOR_SERVER, {"network logon not granted",
        "The account has not been granted \"Access this computer from the network\" on that server.",
        "Grant it in the server's user rights, or use an account that has it."}},
    {1311, FOR_SERVER, {"no domain controller",
        "No domain controller could be reached to check the logon.",
        "Check this computer's network and DNS settings for the domain."}},
    {1398, FOR_SERVER, {"clocks differ (Kerberos)",
        "The clocks of this computer and the server (or its domain controller) differ by more than Kerberos "
        "allows (5 minutes by default).",
        "Fix the time synchronisation (w32tm /resync) on the computer that is wrong."}},
    {0x80090324u, FOR_SERVER, {"clocks differ (Kerberos)",
        "The clocks of this computer and the server (or its domain controller) differ by more than Kerberos "
        "allows (5 minutes by default).",
        "Fix the time synchronisation (w32tm /resync) on the computer that is wrong."}},
    {1825, FOR_SERVER, {"Kerberos failed",
        "Kerberos could not authenticate to the server: a wrong or duplicate service principal name, or an IP "
        "address or alias used instead of its name.",
        "Use the server's DNS name; check its SPNs (setspn -Q HOST/name)."}},
    {0x80090322u, FOR_SERVER, {"Kerberos: wrong principal",
        "Kerberos reached a different computer than the name says (a stale DNS record or a duplicate SPN).",
        "Check the server's DNS record and its SPNs (setspn -X)."}},
    {50, FOR_SERVER, {"classic API: Negotiate only",
        "Read through the classic event log API, another account logs on with Negotiate only: not with "
        "Kerberos or NTLM alone, as this account asks; and this computer is read with your own logon.",
        "Connect as... with Negotiate, or read with the Windows Event Log API (Limits...)."}},
    {1460, FOR_BOTH, {"stopped answering",
        "The source stopped answering for longer than the time limit; the rows received are kept.",
        "Retry failed later, or raise the longest wait in Limits... for slow links."}},
    {15007, FOR_SERVER, {"no such log there",
        "This server has no log of that name: the channel is not installed or not enabled there.",
        "Check the log's name (any channel path works, e.g. Microsoft-Windows-TaskScheduler/Operational)."}},
    {15001, FOR_SERVER, {"query refused",
        "The server refused the query: its Windows accepts less of the XPath subset, or the query is too long.",
        "Simplify the filter or the view (fewer IDs, ranges instead of lists)."}},
    {15011, FOR_SERVER, {"log cleared while read",
        "The log was cleared or wrapped around while it was read.",
        "Retry failed reads it again."}},
    {2, FOR_FILE, {"file not found",
        "The file or folder is not there (moved, deleted, or a typing error).",
        "Check the path, or Remove the entry."}},
    {3, FOR_FILE, {"path not found",
        "A folder on the path does not exist.",
        "Check the path, or Remove the entry."}},
    {53, FOR_FILE, {"share not reachable",
        "The computer of the network path does not answer, or file sharing is blocked.",
        "Check the server name and that its file sharing (SMB, TCP 445) is reachable."}},
    {67, FOR_FILE, {"no such share",
        "The share named in the path does not exist on that computer.",
        "Check the share name."}},
    {32, FOR_FILE, {"file in use",
        "Another program holds the file open for writing: a live log cannot be read as a file.",
        "Save a copy first (Event Viewer's Save All Events As, or wevtutil epl), or read the log from the server."}},
    {13, FOR_FILE, {"not an event log",
        "The file is not a Windows event log (.evtx), or it is damaged beyond reading.",
        "Check that it is an .evtx file; a damaged one may be readable in part once repaired by a copy."}},
    {1392, FOR_FILE, {"file damaged",
        "The file is damaged.",
        "Read a good copy of it."}},
};

static const es_diag k_probe[ES_PROBE_COUNT] = {
    [ES_PROBE_NO_NAME] = {"name does not resolve",
        "The name does not resolve: DNS knows no computer of that name.",
        "Check the spelling and the DNS suffix, or give its full DNS name or IP address."},
    [ES_PROBE_NO_135] = {"no answer on TCP 135",
        "The computer does not answer on TCP port 135 (the RPC endpoint mapper): it is off or unreachable, or "
        "a firewall blocks it.",
        "Check that it is running and reachable; on its firewall, enable the " RELM " rules (RPC-EPMAP)."},
    [ES_PROBE_ONLY_135] = {"RPC ports blocked by a firewall",
        "TCP port 135 answers, but the RPC ports behind it do not: a firewall lets the endpoint mapper through "
        "and blocks the dynamic RPC ports the Event Log service listens on.",
        "On the server's firewall, enable the " RELM " rules (RPC and RPC-EPMAP); on firewalls between, allow "
        "the dynamic RPC ports (49152-65535)."},
};

int es_diagnose(uint32_t error, int is_file, es_probe_verdict probe, es_diag *d)
{
    memset(d, 0, sizeof *d);
    if (!is_file && es_probe_wanted(error) && probe > ES_PROBE_NONE && probe < ES_PROBE_COUNT) {
        *d = k_probe[probe];
        return 1;
    }
    int kind = is_file ? FOR_FILE : FOR_SERVER;
    for (size_t i = 0; i < sizeof k_table / sizeof *k_table; i++)
        if (k_table[i].error == error && (k_table[i].kinds & kind)) {
            *d = k_table[i].d;
            return 1;
        }
    return 0;
}

size_t es_diag_text(uint32_t error, int is_file, es_probe_verdict probe, char *out, size_t cap)
{
    es_diag d;
    if (cap)
        out[0] = 0;
    if (!es_diagnose(error, is_file, probe, &d) || cap == 0)
        return 0;
    int n = snprintf(out, cap, "Likely cause: %s To fix: %s", d.cause, d.remedy);
    if (n < 0)
        return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

int es_probe_wanted(uint32_t error) { return error == 1722; }

es_probe_verdict es_probe_rpc(const es_probe_ops *ops, const char *name, unsigned timeout_ms)
{
    int n = ops->resolve(ops->ctx, name, ES_PROBE_MAX_ADDRS);
    if (n < 0)
        return ES_PROBE_NONE;   /* the resolver failed (no answer, out of memory): say nothing */
    if (n == 0)
        return ES_PROBE_NO_NAME;
    if (n > ES_PROBE_MAX_ADDRS)
        n = ES_PROBE_MAX_ADDRS;
    int unknown = 0;
    for (int i = 0; i < n; i++) {
        int c = ops->connect(ops->ctx, i, ES_RPC_EPM_PORT, timeout_ms);
        if (c > 0)
            return ES_PROBE_ONLY_135;
        unknown |= c < 0;
    }
    return unknown ? ES_PROBE_NONE : ES_PROBE_NO_135;
}
