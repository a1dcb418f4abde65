/* xpath_test: the SIMULATED FLEET's query evaluator (tests/fake/xpath.c), natively.
 * Every supported construct must select exactly the records a plain C predicate over the
 * fleetgen event says; everything outside the subset must be refused (XP_INVALID, which the
 * fake turns into ERROR_EVT_INVALID_QUERY 15001). Built and run by tests/e2e/t_xpath.sh.
 * Prints "PASS name" / "FAIL name: why"; exits 1 when anything failed.
 *
 *   xpath_test            the checks
 *   xpath_test bench N    times N records through the brief's structured filter */
#include "fleetgen.h"
#include "xpath.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int g_fail;
static void failf(const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL %s: ", name);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    g_fail++;
}

#define NEV 3000
static fg_event g_ev[NEV + 1];
static uint64_t g_time[NEV + 1];
static uint64_t g_now;
static const fg_spread *g_sp;
static char g_svc[64];          /* a service name some SCM event has as param1 */
static uint64_t g_kg_first;     /* a Kernel-General record */

typedef int (*pred_fn)(const fg_event *e, uint64_t t);

/* Compiles `query` for channel `path` and compares its selection with `want` over all records;
 * both a selected and an unselected record must exist unless `trivial`. */
static void sel(const char *name, const char *path, const char *query, pred_fn want, int trivial)
{
    xp_query *q;
    char err[400];
    int rc = xp_compile(query, path, &q, err, sizeof err);
    if (rc != XP_OK) {
        failf(name, "refused (%d): %s", rc, err);
        return;
    }
    int bad = 0, nsel = 0;
    uint64_t first_bad = 0, mt = xp_min_time(q, g_now);
    for (int k = 1; k <= NEV; k++) {
        xp_event xe = {&g_ev[k], g_time[k], path ? path : xp_channel(q)};
        int m = xp_match(q, &xe, g_now, 0), w = want(&g_ev[k], g_time[k]);
        nsel += m;
        if (m != w && !bad++)
            first_bad = (uint64_t)k;
        if (m && g_time[k] < mt && !bad++)
            first_bad = (uint64_t)k;   /* the skip bound must never skip a match */
    }
    if (bad)
        failf(name, "%d records differ, first record %llu (level %u id %u provider %s)", bad,
              (unsigned long long)first_bad, g_ev[first_bad].level, g_ev[first_bad].event_id, g_ev[first_bad].provider_name);
    else if (!trivial && (nsel == 0 || nsel == NEV))
        failf(name, "selects %d of %d records: not a discriminating test", nsel, NEV);
    else
        printf("PASS %s\n", name);
    xp_free(q);
}

static void refused(const char *name, const char *path, const char *query, int want_rc, const char *want_text)
{
    xp_query *q;
    char err[400];
    int rc = xp_compile(query, path, &q, err, sizeof err);
    if (rc == XP_OK) {
        failf(name, "accepted: %s", query);
        xp_free(q);
    } else if (rc != want_rc) {
        failf(name, "verdict %d, expected %d (%s)", rc, want_rc, err);
    } else if (want_text && !strstr(err, want_text)) {
        failf(name, "message \"%s\" does not say \"%s\"", err, want_text);
    } else {
        printf("PASS %s\n", name);
    }
}

/* ---- the plain C predicates */
#define WINDOW_8H (8ull * 3600 * 1000 * 10000)
static int p_all(const fg_event *e, uint64_t t) { (void)e; (void)t; return 1; }
static int p_none(const fg_event *e, uint64_t t) { (void)e; (void)t; return 0; }
static int p_level2(const fg_event *e, uint64_t t) { (void)t; return e->level == 2; }
static int p_level123(const fg_event *e, uint64_t t) { (void)t; return e->level >= 1 && e->level <= 3; }
static int p_level_le3_8h(const fg_event *e, uint64_t t) { return e->level <= 3 && g_now - t <= WINDOW_8H; }
static int p_8h(const fg_event *e, uint64_t t) { (void)e; return g_now - t <= WINDOW_8H; }
static int p_ids(const fg_event *e, uint64_t t)
{
    (void)t;
    return e->event_id == 7036 || (e->event_id >= 1000 && e->event_id <= 1003);
}
static int p_prov2(const fg_event *e, uint64_t t)
{
    (void)t;
    return !strcmp(e->provider_name, "Service Control Manager") || !strcmp(e->provider_name, "EventLog");
}
static int p_eventlog(const fg_event *e, uint64_t t) { (void)t; return e->provider == FG_PROV_EVENTLOG; }
static int p_kg_guid(const fg_event *e, uint64_t t) { (void)t; return e->provider == FG_PROV_KERNEL_GENERAL; }
static int p_has_guid(const fg_event *e, uint64_t t) { (void)t; return e->provider_guid != NULL; }
static int p_kw16(const fg_event *e, uint64_t t) { (void)t; return (e->keywords & 16) != 0; }
static int p_audit_s(const fg_event *e, uint64_t t) { (void)t; return (e->keywords & 0x20000000000000ull) != 0; }
static int p_audit_f(const fg_event *e, uint64_t t) { (void)t; return (e->keywords & 0x10000000000000ull) != 0; }
static int p_rec1234(const fg_event *e, uint64_t t) { (void)t; return e->record_id == 1234; }
static int p_rec_range(const fg_event *e, uint64_t t) { (void)t; return e->record_id > 100 && e->record_id <= 250; }
static int p_pid772(const fg_event *e, uint64_t t) { (void)t; return e->process_id == 772; }
static int p_tid(const fg_event *e, uint64_t t) { (void)t; return e->thread_id >= 5000; }
static int p_sid(const fg_event *e, uint64_t t) { (void)t; return e->has_user_sid; }
static int p_task(const fg_event *e, uint64_t t) { (void)t; return e->task == 2 || e->task == 5; }
static int p_version(const fg_event *e, uint64_t t) { (void)t; return e->version == 2; }
static int p_opcode0(const fg_event *e, uint64_t t) { (void)t; return e->opcode == 0; }
static int p_qual(const fg_event *e, uint64_t t) { (void)t; return e->has_qualifiers && e->qualifiers == 49152; }
static int p_data_param1(const fg_event *e, uint64_t t)
{
    (void)t;
    for (int i = 0; i < e->ndata; i++)
        if (e->data_name[i] && !strcmp(e->data_name[i], "param1") && !strcmp(e->data[i], g_svc))
            return 1;
    return 0;
}
static int p_data_running(const fg_event *e, uint64_t t)
{
    (void)t;
    for (int i = 0; i < e->ndata; i++)
        if (!strcmp(e->data[i], "running"))
            return 1;
    return 0;
}
static int p_data_first_svc(const fg_event *e, uint64_t t) { (void)t; return e->ndata > 0 && !strcmp(e->data[0], g_svc); }
static int p_has_data(const fg_event *e, uint64_t t) { (void)t; return e->ndata > 0; }
static int p_kdata(const fg_event *e, uint64_t t)
{
    (void)t;
    return e->provider == FG_PROV_KERNEL_GENERAL && e->ndata >= 2 && !strcmp(e->data_name[1], "KeysUpdated") &&
           atoi(e->data[1]) > 250;
}
static uint64_t g_since;
static int p_since(const fg_event *e, uint64_t t) { (void)e; return t >= g_since; }
static int p_brief(const fg_event *e, uint64_t t)
{
    return t >= g_since && e->level >= 1 && e->level <= 3 &&
           (e->event_id == 7034 || (e->event_id >= 1000 && e->event_id <= 1010)) &&
           (e->provider == FG_PROV_SCM || e->provider == FG_PROV_EVENTLOG || e->provider == FG_PROV_LEGACY) &&
           (e->keywords & 0x20000000000000ull);
}
static int p_qlist(const fg_event *e, uint64_t t)
{
    int s1 = t >= g_since && (e->event_id == 7036 || e->event_id == 7040);
    int s2 = e->level == 2;
    int sup = e->event_id == 7040 || e->event_id == 6101;
    return (s1 || s2) && !sup;
}
static int p_channel(const fg_event *e, uint64_t t) { (void)t; return strcmp(e->computer, "xt.sim.example") == 0; }
static int p_level2_not_scm(const fg_event *e, uint64_t t) { (void)t; return e->level == 2 && e->provider != FG_PROV_SCM; }

static void checks(void)
{
    char q[2048];
    sel("xp-star", "System", "*", p_all, 1);
    sel("xp-null", "System", NULL, p_all, 1);
    sel("xp-empty", "System", "  ", p_all, 1);
    sel("xp-path-form", "System", "*[System/Level=2]", p_level2, 0);
    sel("xp-event-name", "System", "Event[System/Level=2]", p_level2, 0);
    sel("xp-levels", "System", "*[System[(Level=1 or Level=2 or Level=3)]]", p_level123, 0);
    sel("xp-level-le-timediff", "System", "*[System[(Level <= 3) and TimeCreated[timediff(@SystemTime) <= 28800000]]]",
        p_level_le3_8h, 0);
    sel("xp-timediff", "System", "*[System[TimeCreated[timediff(@SystemTime) <= 28800000]]]", p_8h, 0);
    sel("xp-timediff-reversed", "System", "*[System[TimeCreated[28800000 >= timediff(@SystemTime)]]]", p_8h, 0);
    sel("xp-ids", "System", "*[System[(EventID=7036 or (EventID>=1000 and EventID<=1003))]]", p_ids, 0);
    sel("xp-ids-string-literal", "System", "*[System[(EventID='7036' or (EventID>='1000' and EventID<='1003'))]]", p_ids, 0);
    sel("xp-providers", "System", "*[System[Provider[@Name='Service Control Manager' or @Name='EventLog']]]", p_prov2, 0);
    sel("xp-provider-any-case", "System", "*[System[Provider[@Name=\"eventlog\"]]]", p_eventlog, 0);
    snprintf(q, sizeof q, "*[System[Provider[@Guid='%s']]]", fleetgen_provider_guid(FG_PROV_KERNEL_GENERAL));
    sel("xp-provider-guid", "System", q, p_kg_guid, 0);
    sel("xp-attribute-exists", "System", "*[System/Provider/@Guid]", p_has_guid, 0);
    sel("xp-band", "System", "*[System[band(Keywords,16)]]", p_kw16, 0);
    sel("xp-band-audit-success", "Security", "*[System[band(Keywords,9007199254740992)]]", p_audit_s, 0);
    sel("xp-band-audit-failure", "Security", "*[System[band(Keywords,4503599627370496)]]", p_audit_f, 0);
    sel("xp-record-id", "System", "*[System[EventRecordID=1234]]", p_rec1234, 0);
    sel("xp-record-range", "System", "*[System[EventRecordID>100 and EventRecordID<=250]]", p_rec_range, 0);
    sel("xp-process-id", "System", "*[System[Execution[@ProcessID=772]]]", p_pid772, 0);
    sel("xp-thread-id", "System", "*[System/Execution/@ThreadID >= 5000]", p_tid, 0);
    sel("xp-user-sid", "System", "*[System[Security[@UserID='S-1-5-18']]]", p_sid, 0);
    sel("xp-task", "System", "*[System[Task=2 or Task=5]]", p_task, 0);
    sel("xp-version", "System", "*[System[Version=2]]", p_version, 0);
    sel("xp-opcode", "System", "*[System[Opcode=0]]", p_opcode0, 1);
    sel("xp-qualifiers", "System", "*[System[EventID[@Qualifiers=49152]]]", p_qual, 0);
    sel("xp-channel", "System", "*[System[Channel='System']]", p_all, 1);
    sel("xp-channel-other", "System", "*[System[Channel='Application']]", p_none, 1);
    sel("xp-computer", "System", "*[System[Computer='xt.sim.example']]", p_channel, 1);
    snprintf(q, sizeof q, "*[EventData[Data[@Name='param1']='%s']]", g_svc);
    sel("xp-data-named", "System", q, p_data_param1, 0);
    sel("xp-data-bare", "System", "*[EventData[Data='running']]", p_data_running, 0);
    sel("xp-data-path", "System", "*[EventData/Data='running']", p_data_running, 0);
    snprintf(q, sizeof q, "*[EventData/Data[1]='%s']", g_svc);
    sel("xp-data-position", "System", q, p_data_first_svc, 0);
    snprintf(q, sizeof q, "*[EventData/Data[position()=1]='%s']", g_svc);
    sel("xp-data-position-fn", "System", q, p_data_first_svc, 0);
    sel("xp-eventdata-exists", "System", "*[EventData]", p_has_data, 0);
    sel("xp-data-number", "System", "*[EventData[Data[@Name='KeysUpdated'] > 250]]", p_kdata, 0);
    sel("xp-data-text", "System", "*[EventData/Data/text()='running']", p_data_running, 0);
    sel("xp-unknown-element", "System", "*[System[Foo=1]]", p_none, 1);
    sel("xp-unknown-userdata", "System", "*[UserData/*/PrinterName='MyPrinter' and System/Level=1]", p_none, 1);
    sel("xp-not-equal", "System", "*[System[Level=2 and Provider[@Name!='Service Control Manager']]]", p_level2_not_scm, 0);

    /* @SystemTime >= absolute; the brief's example */
    char iso[40];
    g_since = g_now - 20ull * 3600 * 1000 * 10000;
    {
        /* g_now is 2026-11-28T12:00:00Z: 20 hours earlier */
        snprintf(iso, sizeof iso, "2026-11-27T16:00:00.000Z");
    }
    snprintf(q, sizeof q, "*[System[TimeCreated[@SystemTime>='%s']]]", iso);
    sel("xp-since", "System", q, p_since, 0);
    snprintf(q, sizeof q, "*[System[TimeCreated[@SystemTime >= \"2026-11-27T16:00:00.0000000Z\"]]]");
    sel("xp-since-7-digits", "System", q, p_since, 0);
    snprintf(q, sizeof q,
             "*[System[TimeCreated[@SystemTime>='%s'] and (Level=1 or Level=2 or Level=3) and (EventID=7034 or "
             "(EventID>=1000 and EventID<=1010)) and Provider[@Name='Service Control Manager' or @Name='EventLog' or "
             "@Name='Legacy App'] and band(Keywords,9007199254740992)]]", iso);
    sel("xp-brief-structured", "Security", q, p_brief, 0);

    /* QueryList: two Selects and a Suppress, entities, a Select without Path under a Query with one */
    snprintf(q, sizeof q,
             "<QueryList>\n  <Query Id=\"0\" Path=\"System\">\n"
             "    <Select Path=\"System\">*[System[TimeCreated[@SystemTime&gt;='%s'] and (EventID=7036 or EventID=7040)]]</Select>\n"
             "    <Select>*[System[Level=2]]</Select>\n"
             "    <Suppress Path=\"System\">*[System[(EventID=7040 or EventID=6101)]]</Suppress>\n"
             "  </Query>\n</QueryList>", iso);
    sel("xp-querylist", NULL, q, p_qlist, 0);
    {
        xp_query *x;
        char err[400];
        int rc = xp_compile(q, "Application", &x, err, sizeof err);
        if (rc == XP_OK && !strcmp(xp_channel(x), "System"))
            printf("PASS xp-querylist-path-argument-ignored\n");
        else
            failf("xp-querylist-path-argument-ignored", "rc %d channel %s", rc, rc == XP_OK ? xp_channel(x) : err);
        if (rc == XP_OK)
            xp_free(x);
    }
    sel("xp-querylist-two-queries", NULL,
        "<QueryList><Query Id='0' Path='System'><Select>*[System[Level=2]]</Select></Query>"
        "<Query Id='1' Path='System'><Select>*[System[Level=1]]</Select><Select>*[System[Level=3]]</Select></Query></QueryList>",
        p_level123, 0);

    /* 20 comparisons are accepted (band and the time term count), 21 are refused */
    strcpy(q, "*[System[TimeCreated[timediff(@SystemTime) <= 28800000] and band(Keywords,16) and (EventID=1");
    for (int i = 2; i <= 18; i++)
        snprintf(q + strlen(q), sizeof q - strlen(q), " or EventID=%d", i);
    strcat(q, ")]]");
    {
        xp_query *x;
        char err[400];
        int rc = xp_compile(q, "System", &x, err, sizeof err);
        if (rc == XP_OK)
            printf("PASS xp-20-comparisons\n"), xp_free(x);
        else
            failf("xp-20-comparisons", "refused: %s", err);
    }
    strcpy(q + strlen(q) - 3, " or EventID=19)]]");
    refused("xp-21-comparisons", "System", q, XP_INVALID, "21 comparisons");
    snprintf(q, sizeof q, "<QueryList><Query Id='0' Path='System'><Select>*[System[(EventID=1");
    for (int i = 2; i <= 21; i++)
        snprintf(q + strlen(q), sizeof q - strlen(q), " or EventID=%d", i);
    strcat(q, ")]]</Select></Query></QueryList>");
    refused("xp-21-comparisons-in-select", NULL, q, XP_INVALID, "21 comparisons");
    snprintf(q, sizeof q, "<QueryList><Query Id='0' Path='System'><Select>*[System[(EventID=1");
    for (int i = 2; i <= 20; i++)
        snprintf(q + strlen(q), sizeof q - strlen(q), " or EventID=%d", i);
    strcat(q, ")]]</Select><Select>*[System[(EventID=21 or EventID=22)]]</Select></Query></QueryList>");
    {
        xp_query *x;
        char err[400];
        int rc = xp_compile(q, NULL, &x, err, sizeof err);
        if (rc == XP_OK)
            printf("PASS xp-split-into-selects\n"), xp_free(x);
        else
            failf("xp-split-into-selects", "refused: %s", err);
    }

    /* outside the subset */
    refused("xp-refuse-descendant", "System", "*[System//Level=2]", XP_INVALID, "//");
    refused("xp-refuse-descendant-top", "System", "//Event", XP_INVALID, NULL);
    refused("xp-refuse-contains", "System", "*[System[contains(Provider/@Name,'Service')]]", XP_INVALID, "contains");
    refused("xp-refuse-not", "System", "*[System[not(Level=2)]]", XP_INVALID, "not");
    refused("xp-refuse-starts-with", "System", "*[System[starts-with(Computer,'x')]]", XP_INVALID, "starts-with");
    refused("xp-refuse-arith-plus", "System", "*[System[Level+1=3]]", XP_INVALID, "arithmetic");
    refused("xp-refuse-arith-minus", "System", "*[System[Level - 1 = 3]]", XP_INVALID, "arithmetic");
    refused("xp-refuse-arith-mul", "System", "*[System[Level * 2 = 4]]", XP_INVALID, "arithmetic");
    refused("xp-refuse-div", "System", "*[System[Level div 2 = 1]]", XP_INVALID, "arithmetic");
    refused("xp-refuse-union", "System", "*[System/Level=2 | System/Level=3]", XP_INVALID, "'|'");
    refused("xp-refuse-parent", "System", "*[System/Level/../Task=2]", XP_INVALID, "axes");
    refused("xp-refuse-self", "System", "*[System/Level[.=2]]", XP_INVALID, NULL);
    refused("xp-refuse-axis", "System", "*[child::System]", XP_INVALID, NULL);
    refused("xp-refuse-absolute", "System", "*[/Event/System/Level=2]", XP_INVALID, "absolute");
    refused("xp-refuse-variable", "System", "*[System[Level=$x]]", XP_INVALID, NULL);
    refused("xp-refuse-not-an-event", "System", "System[Level=2]", XP_INVALID, "selects events");
    refused("xp-refuse-part-of-event", "System", "*[System/Level=2]/System", XP_INVALID, "whole events");
    refused("xp-refuse-unclosed", "System", "*[System[Level=2]", XP_INVALID, "missing");
    refused("xp-refuse-unterminated-literal", "System", "*[System[Provider[@Name='x]]]", XP_INVALID, NULL);
    refused("xp-refuse-chained", "System", "*[System[1 < Level < 3]]", XP_INVALID, "chained");
    refused("xp-refuse-bad-time", "System", "*[System[TimeCreated[@SystemTime>='yesterday']]]", XP_INVALID, "time");
    refused("xp-refuse-timediff-arg", "System", "*[System[TimeCreated[timediff(Level) <= 5]]]", XP_INVALID, "timediff");
    refused("xp-refuse-band-arity", "System", "*[System[band(Keywords)]]", XP_INVALID, "band");
    refused("xp-refuse-count", "System", "*[count(EventData/Data)=2]", XP_INVALID, "count");
    refused("xp-refuse-namespace", "System", "*[e:System/e:Level=2]", XP_INVALID, "namespace");
    refused("xp-refuse-trailing-and", "System", "*[System[Level=2 and]]", XP_INVALID, NULL);
    refused("xp-refuse-plain-no-path", NULL, "*[System[Level=2]]", XP_NOPATH, NULL);
    refused("xp-refuse-ql-malformed", NULL, "<QueryList><Query Id='0' Path='System'><Select>*</Select></QueryList>",
            XP_INVALID, NULL);
    refused("xp-refuse-ql-no-select", NULL,
            "<QueryList><Query Id='0' Path='System'><Suppress>*[System[Level=2]]</Suppress></Query></QueryList>",
            XP_INVALID, "Select");
    refused("xp-refuse-ql-suppress-other-path", NULL,
            "<QueryList><Query Id='0'><Select Path='System'>*</Select><Suppress Path='Application'>*[System[Level=2]]"
            "</Suppress></Query></QueryList>", XP_INVALID, "Suppress");
    refused("xp-refuse-ql-no-path", NULL, "<QueryList><Query Id='0'><Select>*</Select></Query></QueryList>", XP_NOPATH,
            "Path");
    {
        /* no Path in the query: EvtQuery's Path argument is the channel */
        xp_query *x;
        char err[400];
        int rc = xp_compile("<QueryList><Query Id='0'><Select>*[System[Level=2]]</Select></Query></QueryList>", "Setup", &x,
                            err, sizeof err);
        if (rc == XP_OK && !strcmp(xp_channel(x), "Setup"))
            printf("PASS xp-querylist-without-path-uses-argument\n");
        else
            failf("xp-querylist-without-path-uses-argument", "rc %d %s", rc, rc == XP_OK ? xp_channel(x) : err);
        if (rc == XP_OK)
            xp_free(x);
    }
    refused("xp-refuse-ql-two-queries-without-id", NULL,
            "<QueryList><Query Path='System'><Select>*</Select></Query><Query Path='System'><Select>*</Select></Query>"
            "</QueryList>", XP_INVALID, "Id");
    refused("xp-refuse-ql-bad-xpath", NULL,
            "<QueryList><Query Id='0' Path='System'><Select>*[System[not(Level=2)]]</Select></Query></QueryList>",
            XP_INVALID, "not");
    refused("xp-ql-two-channels-unsupported", NULL,
            "<QueryList><Query Id='0'><Select Path='System'>*</Select><Select Path='Application'>*</Select></Query>"
            "</QueryList>", XP_UNSUPPORTED, NULL);

    /* nofilter: the time terms are taken as true, the rest still filters */
    {
        xp_query *x;
        char err[400];
        if (xp_compile("*[System[(Level <= 3) and TimeCreated[timediff(@SystemTime) <= 1000]]]", "System", &x, err,
                       sizeof err) != XP_OK) {
            failf("xp-ignore-time", "refused: %s", err);
        } else {
            int bad = 0;
            for (int k = 1; k <= NEV; k++) {
                xp_event xe = {&g_ev[k], g_time[k], "System"};
                bad += xp_match(x, &xe, g_now, 1) != (g_ev[k].level <= 3);
            }
            if (bad)
                failf("xp-ignore-time", "%d records differ", bad);
            else
                printf("PASS xp-ignore-time\n");
            xp_free(x);
        }
    }
    /* the skip bound: a time term every branch needs gives one; an "or" without one gives none */
    {
        xp_query *x;
        char err[400];
        uint64_t b1 = 0, b2 = 1;
        if (xp_compile("*[System[TimeCreated[timediff(@SystemTime) <= 28800000] and Level=2]]", "System", &x, err,
                       sizeof err) == XP_OK) {
            b1 = xp_min_time(x, g_now);
            xp_free(x);
        }
        if (xp_compile("*[System[TimeCreated[timediff(@SystemTime) <= 28800000] or Level=2]]", "System", &x, err,
                       sizeof err) == XP_OK) {
            b2 = xp_min_time(x, g_now);
            xp_free(x);
        }
        if (b1 == g_now - WINDOW_8H && b2 == 0)
            printf("PASS xp-time-bound\n");
        else
            failf("xp-time-bound", "bounds %llu %llu", (unsigned long long)b1, (unsigned long long)b2);
    }
    /* the fleet has something for every level filter */
    int lv[6] = {0}, as = 0, af = 0;
    for (int k = 1; k <= NEV; k++) {
        if (g_ev[k].level <= 5)
            lv[g_ev[k].level]++;
        as += (g_ev[k].keywords & 0x20000000000000ull) != 0;
        af += (g_ev[k].keywords & 0x10000000000000ull) != 0;
    }
    if (lv[0] && lv[1] && lv[2] && lv[3] && lv[4] && lv[5] && as && af)
        printf("PASS xp-fleet-spread\n");
    else
        failf("xp-fleet-spread", "levels 0..5: %d %d %d %d %d %d, audit success %d failure %d", lv[0], lv[1], lv[2], lv[3],
              lv[4], lv[5], as, af);
}

/* Every prefix of some valid queries, and each with one byte replaced by a syntax character:
 * compiling never crashes (ASan/UBSan watch) and what compiles evaluates. */
static void robustness(void)
{
    static const char *const base[] = {
        "*[System[TimeCreated[@SystemTime>='2026-11-27T16:00:00.000Z'] and (Level=1 or Level=2) and "
        "(EventID=7034 or (EventID>=1000 and EventID<=1010)) and Provider[@Name='EventLog'] and band(Keywords,16)]]",
        "*[EventData[Data[@Name='param1']='Windows Update']] ",
        "<QueryList><Query Id=\"0\" Path=\"System\"><Select>*[System[TimeCreated[timediff(@SystemTime) &lt;= 5]]]"
        "</Select><Suppress Path='System'>*[System/Level=2]</Suppress></Query></QueryList>",
    };
    static const char subst[] = "[]()/@*'\"=<>!|&;,. 0aZ:$-+";
    char buf[512];
    long compiled = 0, tried = 0;
    for (size_t b = 0; b < sizeof base / sizeof *base; b++) {
        size_t len = strlen(base[b]);
        for (size_t cut = 0; cut <= len; cut++)
            for (size_t r = 0; r <= sizeof subst - 1; r++) {
                memcpy(buf, base[b], len + 1);
                if (r < sizeof subst - 1) {
                    if (cut == len)
                        continue;
                    buf[cut] = subst[r];   /* one byte replaced */
                } else {
                    buf[cut] = 0;          /* a prefix */
                }
                xp_query *x;
                char err[400];
                tried++;
                if (xp_compile(buf, "System", &x, err, sizeof err) == XP_OK) {
                    compiled++;
                    for (int k = 1; k <= 50; k++) {
                        xp_event xe = {&g_ev[k], g_time[k], "System"};
                        (void)xp_match(x, &xe, g_now, k & 1);
                    }
                    (void)xp_min_time(x, g_now);
                    xp_free(x);
                } else if (!err[0]) {
                    failf("xp-robustness", "refused without a message: %s", buf);
                    return;
                }
            }
    }
    printf("PASS xp-robustness (%ld variants, %ld compiled)\n", tried, compiled);
}

static void bench(uint64_t n)
{
    fleet_server s;
    fleet_server_defaults(&s);
    s.events = n;
    fg_spread sp = fleet_spread(&s);
    char q[1024];
    snprintf(q, sizeof q,
             "*[System[TimeCreated[@SystemTime>='1601-01-02T00:00:00.000Z'] and (Level=1 or Level=2 or Level=3) and "
             "(EventID=7034 or (EventID>=1000 and EventID<=1010)) and Provider[@Name='Service Control Manager' or "
             "@Name='EventLog' or @Name='Legacy App'] and band(Keywords,9007199254740992)]]");
    xp_query *x;
    char err[400];
    if (xp_compile(q, "Security", &x, err, sizeof err) != XP_OK) {
        failf("xp-bench", "%s", err);
        return;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t m = 0;
    for (uint64_t k = 1; k <= n; k++) {
        fg_event e;
        fleetgen_event("bench", 1, &sp, k, &e);
        xp_event xe = {&e, g_now - e.age_ms * 10000ull, "Security"};
        m += (uint64_t)xp_match(x, &xe, g_now, 0);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("     %llu records generated and filtered natively in %.0f ms (%llu selected)\n", (unsigned long long)n,
           (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6, (unsigned long long)m);
    xp_free(x);
}

int main(int argc, char **argv)
{
    if (!xp_parse_iso("2026-11-28T12:00:00.000Z", 24, &g_now)) {
        failf("xp-iso", "cannot parse the reference time");
        return 1;
    }
    /* FILETIME of 2026-11-28T12:00:00Z, computed independently: (days since 1601) * 86400 s */
    if (g_now != 134403408000000000ull)
        failf("xp-iso", "2026-11-28T12:00:00Z is %llu ticks", (unsigned long long)g_now);
    else
        printf("PASS xp-iso\n");
    if (argc > 2 && !strcmp(argv[1], "bench")) {
        bench(strtoull(argv[2], NULL, 10));
        return g_fail != 0;
    }
    static fg_spread sp;
    sp = fleetgen_spread(NEV, 48);
    g_sp = &sp;
    for (int k = 1; k <= NEV; k++) {
        fleetgen_event("xt", 5, &sp, (uint64_t)k, &g_ev[k]);
        g_time[k] = g_now - g_ev[k].age_ms * 10000ull;
        if (!g_svc[0] && g_ev[k].provider == FG_PROV_SCM && !strpbrk(g_ev[k].data[0], "'\""))
            snprintf(g_svc, sizeof g_svc, "%s", g_ev[k].data[0]);
        if (!g_kg_first && g_ev[k].provider == FG_PROV_KERNEL_GENERAL)
            g_kg_first = (uint64_t)k;
    }
    checks();
    robustness();
    return g_fail != 0;
}
