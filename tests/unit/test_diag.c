/* The diagnosis of a failed source (es_diag.h): every error of the table says a cause and a
 * remedy in whole sentences with a short tag, servers and files apart; 1722 is refined by the
 * probe, whose order of calls is checked against a simulated network. */
#include "es_diag.h"
#include "testlib.h"

#include <string.h>

static int sentence(const char *s) { return s && strlen(s) > 10 && s[strlen(s) - 1] == '.'; }

TEST(server_errors_have_a_diagnosis)
{
    static const uint32_t errs[] = {1722, 1753, 1723, 1726, 1727, 1115, 5, 1326, 1327, 1330, 1331, 1909, 1385,
                                    1311, 1398, 0x80090324u, 1825, 0x80090322u, 1460, 15007, 15001, 15011};
    for (size_t i = 0; i < sizeof errs / sizeof *errs; i++) {
        es_diag d;
        CHECK_AT(es_diagnose(errs[i], 0, ES_PROBE_NONE, &d) == 1, "error %u has no diagnosis", errs[i]);
        CHECK_AT(d.tag && d.tag[0] && strlen(d.tag) <= 32, "error %u: tag \"%s\"", errs[i], d.tag ? d.tag : "");
        CHECK_AT(sentence(d.cause) && sentence(d.remedy), "error %u: not sentences", errs[i]);
    }
}

TEST(files_and_servers_apart)
{
    es_diag s, f;
    CHECK(es_diagnose(5, 0, ES_PROBE_NONE, &s) && es_diagnose(5, 1, ES_PROBE_NONE, &f));
    CHECK(strstr(s.cause, "Event Log Readers") != NULL);
    CHECK(strstr(f.cause, "Event Log Readers") == NULL && strstr(f.cause, "file") != NULL);
    CHECK(es_diagnose(2, 1, ES_PROBE_NONE, &f) && strstr(f.tag, "not found"));
    CHECK_INT(es_diagnose(15007, 1, ES_PROBE_NONE, &f), 0);   /* no log names in a file */
    CHECK_INT(es_diagnose(1722, 1, ES_PROBE_NONE, &f), 0);
    CHECK(es_diagnose(32, 1, ES_PROBE_NONE, &f) && strstr(f.remedy, "wevtutil epl"));
    CHECK(es_diagnose(1460, 1, ES_PROBE_NONE, &f));           /* a share that stopped answering */
}

TEST(no_diagnosis_for_ok_stop_budget_unknown)
{
    es_diag d;
    static const uint32_t none[] = {0, 1223, 8, 12345, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        CHECK_AT(es_diagnose(none[i], 0, ES_PROBE_NONE, &d) == 0 && d.tag == NULL, "error %u", none[i]);
        char t[64] = "x";
        CHECK_INT(es_diag_text(none[i], 0, ES_PROBE_NONE, t, sizeof t), 0);
        CHECK_STR(t, "");
    }
}

TEST(probe_refines_1722_only)
{
    es_diag plain, d;
    es_diagnose(1722, 0, ES_PROBE_NONE, &plain);
    CHECK(strstr(plain.remedy, "Remote Event Log Management") != NULL);
    CHECK(es_diagnose(1722, 0, ES_PROBE_NO_NAME, &d) && strstr(d.cause, "does not resolve"));
    CHECK(es_diagnose(1722, 0, ES_PROBE_NO_135, &d) && strstr(d.cause, "TCP port 135"));
    CHECK(es_diagnose(1722, 0, ES_PROBE_ONLY_135, &d) && strstr(d.cause, "dynamic RPC ports"));
    CHECK(es_diagnose(5, 0, ES_PROBE_NO_NAME, &d) && strstr(d.cause, "Event Log Readers"));   /* ignored */
    CHECK(es_diagnose(1722, 0, (es_probe_verdict)99, &d) && d.cause == plain.cause);        /* out of range */
    CHECK(es_probe_wanted(1722) && !es_probe_wanted(1753) && !es_probe_wanted(5));
}

TEST(text_is_cut_safely)
{
    char big[600], small[24];
    size_t n = es_diag_text(1326, 0, ES_PROBE_NONE, big, sizeof big);
    CHECK(n == strlen(big) && strncmp(big, "Likely cause: ", 14) == 0 && strstr(big, " To fix: "));
    n = es_diag_text(1326, 0, ES_PROBE_NONE, small, sizeof small);
    CHECK_INT(n, sizeof small - 1);
    CHECK_INT(strlen(small), sizeof small - 1);
    CHECK_INT(es_diag_text(1326, 0, ES_PROBE_NONE, small, 0), 0);
}

/* ---- the probe against a simulated network ---- */

typedef struct sim {
    int  naddrs;          /* what resolve finds */
    int  answers[8];      /* per address: 1 accepts on 135, 0 refuses, -1 the connect cannot tell */
    int  resolves, connects, max_seen;
    unsigned port_seen, timeout_seen;
    char name_seen[64];
} sim;

static int sim_resolve(void *ctx, const char *name, int max)
{
    sim *s = ctx;
    s->resolves++;
    s->max_seen = max;
    snprintf(s->name_seen, sizeof s->name_seen, "%s", name);
    return s->naddrs;
}

static int sim_connect(void *ctx, int i, unsigned port, unsigned timeout_ms)
{
    sim *s = ctx;
    s->connects++;
    s->port_seen = port;
    s->timeout_seen = timeout_ms;
    return i >= 0 && i < 8 ? s->answers[i] : 0;
}

static es_probe_verdict run(sim *s)
{
    es_probe_ops ops = {s, sim_resolve, sim_connect};
    return es_probe_rpc(&ops, "srv01.corp.example", 2500);
}

TEST(probe_steps)
{
    sim s;
    memset(&s, 0, sizeof s);
    CHECK_INT(run(&s), ES_PROBE_NO_NAME);   /* no address: nothing is connected */
    CHECK_INT(s.resolves, 1);
    CHECK_INT(s.connects, 0);
    CHECK_STR(s.name_seen, "srv01.corp.example");
    CHECK_INT(s.max_seen, ES_PROBE_MAX_ADDRS);

    memset(&s, 0, sizeof s);
    s.naddrs = -1;
    CHECK_INT(run(&s), ES_PROBE_NONE);      /* the resolver failed otherwise: no verdict */
    CHECK_INT(s.connects, 0);

    memset(&s, 0, sizeof s);
    s.naddrs = 3;
    CHECK_INT(run(&s), ES_PROBE_NO_135);    /* every address tried */
    CHECK_INT(s.connects, 3);
    CHECK_INT(s.port_seen, 135);
    CHECK_INT(s.timeout_seen, 2500);

    memset(&s, 0, sizeof s);
    s.naddrs = 3;
    s.answers[1] = 1;
    CHECK_INT(run(&s), ES_PROBE_ONLY_135);  /* the second answers: the third is not tried */
    CHECK_INT(s.connects, 2);

    memset(&s, 0, sizeof s);
    s.naddrs = 8;                           /* more than it asked for: at most ES_PROBE_MAX_ADDRS tried */
    s.answers[7] = 1;
    CHECK_INT(run(&s), ES_PROBE_NO_135);
    CHECK_INT(s.connects, ES_PROBE_MAX_ADDRS);

    memset(&s, 0, sizeof s);
    s.naddrs = 2;
    s.answers[0] = -1;                      /* one connect could not tell, the other refused: */
    CHECK_INT(run(&s), ES_PROBE_NONE);      /* "does not answer" is not known */
    CHECK_INT(s.connects, 2);

    memset(&s, 0, sizeof s);
    s.naddrs = 2;
    s.answers[0] = -1;
    s.answers[1] = 1;
    CHECK_INT(run(&s), ES_PROBE_ONLY_135);  /* one that answers is an answer */
}

int main(void)
{
    RUN(server_errors_have_a_diagnosis);
    RUN(files_and_servers_apart);
    RUN(no_diagnosis_for_ok_stop_budget_unknown);
    RUN(probe_refines_1722_only);
    RUN(text_is_cut_safely);
    RUN(probe_steps);
    TESTS_DONE();
}
