/* The classic event log's records (es_evtrec.h): what Event Viewer shows of each field, several
 * records in one buffer, and every way a server's bytes can lie — each refused with where, or
 * read as far as they can be trusted. */
#include "es_evtrec.h"
#include "testlib.h"
#include "../fake/classicgen.c"

#include <stdlib.h>

static const char *const k_strs[] = {"Print Spooler", "stopped", "\xc3\xa9t\xc3\xa9 \xe2\x82\xac"};

static cg_record sample(uint32_t n)
{
    cg_record r;
    memset(&r, 0, sizeof r);
    r.record_number = n;
    r.time_generated = 1764331200u + n;   /* 2025-11-28T12:00:00Z + n s */
    r.event_id = 0x40001B58u;             /* qualifiers 0x4000, ID 7000 */
    r.event_type = 1;
    r.category = 3;
    r.source = "Service Control Manager";
    r.computer = "dc01.corp.example";
    r.strings = k_strs;
    r.nstrings = 3;
    r.data = "\x01\x02\x03";
    r.data_len = 3;
    r.sid_len = 12;
    return r;
}

TEST(one_record_as_event_viewer_shows_it)
{
    unsigned char buf[1024];
    cg_record r = sample(42);
    size_t n = cg_record_write(&r, buf, sizeof buf);
    CHECK(n > 56 && n % 4 == 0);
    es_evtrec_decoder d;
    es_evtrec_init(&d);
    es_evtrec rec;
    size_t off = 0;
    char err[200] = "";
    CHECK_INT(es_evtrec_next(&d, buf, n, &off, "System", &rec, err, sizeof err), 1);
    CHECK_INT(off, n);
    CHECK_INT(rec.ev.record_id, 42);
    CHECK_INT(rec.ev.event_id, 7000);
    CHECK_INT(rec.ev.qualifiers, 0x4000);
    CHECK_INT(rec.ev.level, 2);
    CHECK_INT(rec.ev.task, 3);
    CHECK(rec.ev.time_created == (1764331200ull + 42 + 11644473600ull) * 10000000ull);
    CHECK_STR(rec.ev.provider, "Service Control Manager");
    CHECK_STR(rec.ev.computer, "dc01.corp.example");
    CHECK_STR(rec.ev.channel, "System");
    CHECK_INT(rec.ev.ndata, 3);
    CHECK_STR(rec.ev.data[0].value, "Print Spooler");
    CHECK_STR(rec.ev.data[2].value, "\xc3\xa9t\xc3\xa9 \xe2\x82\xac");
    CHECK_STR(rec.ev.data[1].name, "");
    CHECK(rec.ev.message == NULL);   /* the data values: es_event_data_message */
    CHECK_INT(rec.cut, 0);
    CHECK_INT(es_evtrec_next(&d, buf, n, &off, "System", &rec, err, sizeof err), 0);
    es_evtrec_free(&d);
}

TEST(levels_and_audit_keywords)
{
    CHECK_INT(es_evtrec_level(1), 2);
    CHECK_INT(es_evtrec_level(2), 3);
    CHECK_INT(es_evtrec_level(4), 4);
    CHECK_INT(es_evtrec_level(0), 4);
    CHECK_INT(es_evtrec_level(8), 0);
    CHECK_INT(es_evtrec_level(16), 0);
    CHECK_INT(es_evtrec_level(0x1234), 4);
    CHECK(es_evtrec_keywords(8) == ES_KEYWORD_AUDIT_SUCCESS);
    CHECK(es_evtrec_keywords(16) == ES_KEYWORD_AUDIT_FAILURE);
    CHECK(es_evtrec_keywords(1) == 0 && es_evtrec_keywords(4) == 0);
}

TEST(many_records_in_one_buffer)
{
    size_t cap = 64 * 1024, len = 0;
    unsigned char *buf = malloc(cap);
    for (uint32_t i = 0; i < 100; i++) {
        cg_record r = sample(1000 - i);   /* newest first, as a backwards read returns them */
        r.nstrings = (uint16_t)(i % 4);
        r.event_type = (uint16_t)(i % 2 ? 4 : 16);
        size_t n = cg_record_write(&r, buf + len, cap - len);
        CHECK(n > 0);
        len += n;
    }
    es_evtrec_decoder d;
    es_evtrec_init(&d);
    es_evtrec rec;
    size_t off = 0, count = 0;
    char err[200];
    int rc;
    while ((rc = es_evtrec_next(&d, buf, len, &off, NULL, &rec, err, sizeof err)) == 1) {
        CHECK_INT(rec.ev.record_id, 1000 - count);
        CHECK_INT(rec.ev.ndata, count % 4);
        CHECK_INT(rec.ev.level, count % 2 ? 4 : 0);
        count++;
    }
    CHECK_INT(rc, 0);
    CHECK_INT(count, 100);
    es_evtrec_free(&d);
    free(buf);
}

/* put32: classicgen.c's own (included above) */

/* A broken copy of the sample refused with `what` in the message, or read with cut set. */
static void broken(const char *label, void (*spoil)(unsigned char *b, size_t n), int want, const char *what)
{
    unsigned char buf[1024];
    cg_record r = sample(7);
    size_t n = cg_record_write(&r, buf, sizeof buf);
    spoil(buf, n);
    es_evtrec_decoder d;
    es_evtrec_init(&d);
    es_evtrec rec;
    size_t off = 0;
    char err[200] = "";
    int rc = es_evtrec_next(&d, buf, n, &off, NULL, &rec, err, sizeof err);
    CHECK_AT(rc == want, "%s: returned %d, expected %d", label, rc, want);
    if (want < 0)
        CHECK_AT(strstr(err, what) && strstr(err, "at byte 0"), "%s: \"%s\"", label, err);
    else
        CHECK_AT(rec.cut == 1 && off == n, "%s: cut %d", label, rec.cut);
    es_evtrec_free(&d);
}

static void bad_sig(unsigned char *b, size_t n) { (void)n; b[4] = 'X'; }
static void too_long(unsigned char *b, size_t n) { put32(b, (uint32_t)n + 4); }
static void too_short(unsigned char *b, size_t n) { (void)n; put32(b, 40); }
static void unaligned(unsigned char *b, size_t n) { (void)n; put32(b, (uint32_t)n - 2); }
static void bad_trailer(unsigned char *b, size_t n) { put32(b + n - 4, 12345); }
static void strings_outside(unsigned char *b, size_t n) { put32(b + 36, (uint32_t)n + 100); }
static void strings_in_header(unsigned char *b, size_t n) { (void)n; put32(b + 36, 8); }
static void too_many_strings(unsigned char *b, size_t n) { (void)n; b[26] = 0xFF; b[27] = 0xFF; }
static void no_nul(unsigned char *b, size_t n)   /* the last string runs into the trailer */
{
    uint32_t so = (uint32_t)(b[36] | b[37] << 8);
    for (size_t i = so; i + 4 < n; i += 2)
        b[i] = 'A', b[i + 1] = 0;
}

TEST(hostile_records)
{
    broken("signature", bad_sig, -1, "LfLe");
    broken("length past the buffer", too_long, -1, "impossible length");
    broken("length below the header", too_short, -1, "impossible length");
    broken("unaligned length", unaligned, -1, "impossible length");
    broken("trailer", bad_trailer, -1, "does not end with its length");
    broken("strings outside", strings_outside, 1, NULL);
    broken("strings in the header", strings_in_header, 1, NULL);
    broken("65535 strings", too_many_strings, 1, NULL);
    broken("a string without its NUL", no_nul, 1, NULL);
    /* a buffer shorter than a header */
    es_evtrec_decoder d;
    es_evtrec_init(&d);
    es_evtrec rec;
    size_t off = 0;
    char err[200];
    CHECK_INT(es_evtrec_next(&d, "LfLe", 4, &off, NULL, &rec, err, sizeof err), -1);
    CHECK(strstr(err, "cut short") != NULL);
    es_evtrec_free(&d);
}

TEST(xml_as_windows_renders_it)
{
    static const char *const hostile[] = {"<script>alert(1)</script>", "a & b \"q\"\r\nline"};
    unsigned char buf[1024];
    cg_record r = sample(42);
    r.strings = hostile;
    r.nstrings = 2;
    r.source = "A&B <src>";
    size_t n = cg_record_write(&r, buf, sizeof buf);
    es_evtrec_decoder d;
    es_evtrec_init(&d);
    es_evtrec rec;
    size_t off = 0;
    char err[200];
    CHECK_INT(es_evtrec_next(&d, buf, n, &off, "System", &rec, err, sizeof err), 1);
    es_buf x;
    es_buf_init(&x);
    CHECK(es_evtrec_xml(&rec, &x));
    CHECK(strstr(x.data, "<Provider Name=\"A&amp;B &lt;src&gt;\"/>") != NULL);
    CHECK(strstr(x.data, "<EventID Qualifiers=\"16384\">7000</EventID><Level>2</Level><Task>3</Task>") != NULL);
    CHECK(strstr(x.data, "<Keywords>0x80000000000000</Keywords>") != NULL);
    CHECK(strstr(x.data, "<TimeCreated SystemTime=\"2025-11-28T12:00:42.000Z\"/><EventRecordID>42</EventRecordID>") != NULL);
    CHECK(strstr(x.data, "<Channel>System</Channel><Computer>dc01.corp.example</Computer>") != NULL);
    CHECK(strstr(x.data, "<Data>&lt;script&gt;alert(1)&lt;/script&gt;</Data><Data>a &amp; b &quot;q&quot;&#13;&#10;line</Data>") != NULL);
    CHECK(strchr(x.data, '\n') == NULL && strstr(x.data, "<script>") == NULL);
    es_buf_free(&x);
    es_evtrec_free(&d);
}

TEST(classic_log_names)
{
    CHECK(es_classic_log_known("System") && es_classic_log_known("application") && es_classic_log_known("SECURITY"));
    CHECK(es_classic_log_known("Windows PowerShell") && es_classic_log_known("Directory Service"));
    CHECK(!es_classic_log_known("Microsoft-Windows-TaskScheduler/Operational"));
    CHECK(!es_classic_log_known("ForwardedEvents") && !es_classic_log_known("") && !es_classic_log_known(NULL));
    CHECK(!es_classic_log_known("System "));
}

int main(void)
{
    RUN(one_record_as_event_viewer_shows_it);
    RUN(levels_and_audit_keywords);
    RUN(many_records_in_one_buffer);
    RUN(hostile_records);
    RUN(xml_as_windows_renders_it);
    RUN(classic_log_names);
    TESTS_DONE();
}
