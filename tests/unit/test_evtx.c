/* Unit tests: the .evtx parser (es_evtx.h) on small files built here with tests/evtx/evtx_writer.h:
 * templates and every substitution type, names and templates reused from the chunk caches,
 * entity/character references, CDATA, PIs, several fragments, UserData, arrays, nested BinXML;
 * bad checksums, bad signatures, truncation, a record of size 0, template cycles, random
 * corruption (run under ASan/UBSan by the Makefile). */
#include "../evtx/evtx_writer.h"
#include "es_buf.h"
#include "es_event.h"
#include "es_evtx.h"
#include "testlib.h"

/* ---- collecting what the parser delivers ---- */

#define MAXREC 64
typedef struct got {
    int n;
    es_event ev[MAXREC];
    char xml[MAXREC][4096];
    char data[MAXREC][16][2][128];   /* copies of the data items: the pointers die with the callback */
    char prov[MAXREC][64], chan[MAXREC][64], comp[MAXREC][64];
    int stop_after;
} got;

static void cp(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "(null)");
}

static int collect(void *ctx, const es_event *ev, const es_evtx_record *rec)
{
    got *g = ctx;
    if (g->n < MAXREC) {
        int i = g->n;
        g->ev[i] = *ev;
        cp(g->xml[i], sizeof g->xml[i], rec->xml);
        cp(g->prov[i], 64, ev->provider);
        cp(g->chan[i], 64, ev->channel);
        cp(g->comp[i], 64, ev->computer);
        for (size_t k = 0; k < ev->ndata && k < 16; k++) {
            cp(g->data[i][k][0], 128, ev->data[k].name);
            cp(g->data[i][k][1], 128, ev->data[k].value);
        }
        g->ev[i].data = NULL;
        g->ev[i].provider = g->ev[i].channel = g->ev[i].computer = NULL;
    }
    g->n++;
    return g->stop_after && g->n >= g->stop_after;
}

/* ---- a record like Windows writes: System from a template, EventData values ---- */

#define FT_2016 131124751716816408ull   /* 2016-07-08T18:12:51.6816408Z */

typedef struct dval { unsigned type; const void *p; size_t n; } dval;

/* Writes the template instance (definition inline unless def != 0) and its values. Data items
 * are named d0, d1, ... Returns the definition offset. */
static uint32_t sys_record(ew_rec *r, uint32_t def, uint64_t rid, uint16_t eid, const dval *d, size_t nd)
{
    static const uint8_t guid[16] = {0x25, 0x96, 0x84, 0x54, 0x78, 0x54, 0x94, 0x49, 0xA5, 0xBA, 0x3E, 0x3B, 0x03, 0x28, 0xC3, 0x0D};
    uint16_t qual = 0x4000, task = 12544;
    uint8_t ver = 2, lvl = 4, op = 1;
    uint64_t kw = 0x8020000000000000ull, ft = FT_2016;
    uint32_t pid = 456, tid = 460;
    const char *prov = "Microsoft-Windows-Security-Auditing", *chan = "Security", *comp = "HOST-1";
    char pbuf[128], cbuf[32], hbuf[32];
    /* strings as UTF-16 */
    size_t pl = strlen(prov), cl = strlen(chan), hl = strlen(comp);
    for (size_t i = 0; i < pl; i++) { pbuf[2 * i] = prov[i]; pbuf[2 * i + 1] = 0; }
    for (size_t i = 0; i < cl; i++) { cbuf[2 * i] = chan[i]; cbuf[2 * i + 1] = 0; }
    for (size_t i = 0; i < hl; i++) { hbuf[2 * i] = comp[i]; hbuf[2 * i + 1] = 0; }
    if (!def) {
        def = ew_tmpl_begin(r, 1);
        ew_frag(r);
        ew_open(r, "Event", 1);
        ew_attr(r, "xmlns", 0);
        ew_text(r, "http://schemas.microsoft.com/win/2004/08/events/event");
        ew_close_start(r);
        ew_open(r, "System", 0); ew_close_start(r);
        ew_open(r, "Provider", 1); ew_attr(r, "Name", 1); ew_sub(r, 0, 1, 1); ew_attr(r, "Guid", 0); ew_sub(r, 1, 0x0F, 1); ew_close_empty(r);
        ew_open(r, "EventID", 1); ew_attr(r, "Qualifiers", 0); ew_sub(r, 2, 6, 1); ew_close_start(r); ew_sub(r, 3, 6, 0); ew_end(r);
        ew_open(r, "Version", 0); ew_close_start(r); ew_sub(r, 4, 4, 0); ew_end(r);
        ew_open(r, "Level", 0); ew_close_start(r); ew_sub(r, 5, 4, 0); ew_end(r);
        ew_open(r, "Task", 0); ew_close_start(r); ew_sub(r, 6, 6, 0); ew_end(r);
        ew_open(r, "Opcode", 0); ew_close_start(r); ew_sub(r, 7, 4, 0); ew_end(r);
        ew_open(r, "Keywords", 0); ew_close_start(r); ew_sub(r, 8, 0x15, 0); ew_end(r);
        ew_open(r, "TimeCreated", 1); ew_attr(r, "SystemTime", 0); ew_sub(r, 9, 0x11, 1); ew_close_empty(r);
        ew_open(r, "EventRecordID", 0); ew_close_start(r); ew_sub(r, 10, 0x0A, 0); ew_end(r);
        ew_open(r, "Correlation", 1); ew_attr(r, "ActivityID", 0); ew_sub(r, 15, 0x0F, 1); ew_close_empty(r);
        ew_open(r, "Execution", 1); ew_attr(r, "ProcessID", 1); ew_sub(r, 11, 8, 0); ew_attr(r, "ThreadID", 0); ew_sub(r, 12, 8, 0); ew_close_empty(r);
        ew_open(r, "Channel", 0); ew_close_start(r); ew_sub(r, 13, 1, 0); ew_end(r);
        ew_open(r, "Computer", 0); ew_close_start(r); ew_sub(r, 14, 1, 0); ew_end(r);
        ew_end(r);   /* System */
        ew_open(r, "EventData", 0); ew_close_start(r);
        for (size_t i = 0; i < nd; i++) {
            char nm[24];
            snprintf(nm, sizeof nm, "d%u", (unsigned)i);
            ew_open(r, "Data", 1); ew_attr(r, "Name", 0); ew_text(r, nm); ew_close_start(r);
            ew_sub(r, (unsigned)(16 + i), d[i].type, 1);
            ew_end(r);
        }
        ew_end(r);   /* EventData */
        ew_end(r);   /* Event */
        ew_eof(r);
        ew_tmpl_end(r);
    } else {
        ew_tmpl_ref(r, 1, def);
    }
    ew_val v[64];
    size_t n = 0;
    v[n++] = (ew_val){1, pbuf, pl * 2};
    v[n++] = (ew_val){0x0F, guid, 16};
    v[n++] = (ew_val){6, &qual, 2};
    v[n++] = (ew_val){6, &eid, 2};
    v[n++] = (ew_val){4, &ver, 1};
    v[n++] = (ew_val){4, &lvl, 1};
    v[n++] = (ew_val){6, &task, 2};
    v[n++] = (ew_val){4, &op, 1};
    v[n++] = (ew_val){0x15, &kw, 8};
    v[n++] = (ew_val){0x11, &ft, 8};
    v[n++] = (ew_val){0x0A, &rid, 8};
    v[n++] = (ew_val){8, &pid, 4};
    v[n++] = (ew_val){8, &tid, 4};
    v[n++] = (ew_val){1, cbuf, cl * 2};
    v[n++] = (ew_val){1, hbuf, hl * 2};
    v[n++] = (ew_val){0, NULL, 0};   /* ActivityID: NULL, the attribute is dropped */
    for (size_t i = 0; i < nd && n < 64; i++)
        v[n++] = (ew_val){d[i].type, d[i].p, d[i].n};
    ew_values(r, v, n);
    return def;
}

static long feed(const ew_chunk *ch, size_t len, got *g, es_evtx_stats *st)
{
    es_evtx_parser *p = es_evtx_new(ES_EVTX_XML);
    long r = es_evtx_feed_chunk(p, ch->c, len, collect, g);
    if (st)
        *st = *es_evtx_get_stats(p);
    es_evtx_free(p);
    return r;
}

/* ---- tests ---- */

TEST(system_fields_and_xml)
{
    static ew_chunk ch;
    ew_chunk_init(&ch);
    ew_rec r;
    ew_rec_begin(&ch, &r, 7, FT_2016 - 5);
    const char s[] = {'h', 0, 'i', 0};
    dval d[1] = {{1, s, 4}};
    sys_record(&r, 0, 7, 4624, d, 1);
    ew_rec_end(&ch, &r);
    ew_chunk_finish(&ch);
    static got g;
    memset(&g, 0, sizeof g);
    es_evtx_stats st;
    CHECK_INT(feed(&ch, sizeof ch.c, &g, &st), 1);
    CHECK_INT(g.n, 1);
    CHECK_INT(st.records, 1);
    CHECK_INT(st.skipped_records, 0);
    CHECK_INT(st.chunk_crc_errors, 0);
    CHECK_INT(st.data_crc_errors, 0);
    es_event *e = &g.ev[0];
    CHECK_INT(e->event_id, 4624);
    CHECK_INT(e->qualifiers, 0x4000);
    CHECK_INT(e->version, 2);
    CHECK_INT(e->level, 4);
    CHECK_INT(e->task, 12544);
    CHECK_INT(e->opcode, 1);
    CHECK(e->keywords == 0x8020000000000000ull);
    CHECK(e->time_created == FT_2016);
    CHECK_INT(e->record_id, 7);
    CHECK_INT(e->process_id, 456);
    CHECK_INT(e->thread_id, 460);
    CHECK_STR(g.prov[0], "Microsoft-Windows-Security-Auditing");
    CHECK_STR(g.chan[0], "Security");
    CHECK_STR(g.comp[0], "HOST-1");
    CHECK_INT(e->ndata, 1);
    CHECK_STR(g.data[0][0][0], "d0");
    CHECK_STR(g.data[0][0][1], "hi");
    CHECK(e->message == NULL);
    CHECK_STR(g.xml[0],
              "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System>"
              "<Provider Name=\"Microsoft-Windows-Security-Auditing\" Guid=\"{54849625-5478-4994-A5BA-3E3B0328C30D}\"/>"
              "<EventID Qualifiers=\"16384\">4624</EventID><Version>2</Version><Level>4</Level><Task>12544</Task>"
              "<Opcode>1</Opcode><Keywords>0x8020000000000000</Keywords>"
              "<TimeCreated SystemTime=\"2016-07-08T18:12:51.681640800Z\"/><EventRecordID>7</EventRecordID>"
              "<Correlation/><Execution ProcessID=\"456\" ThreadID=\"460\"/><Channel>Security</Channel>"
              "<Computer>HOST-1</Computer></System><EventData><Data Name=\"d0\">hi</Data></EventData></Event>");
}

TEST(every_value_type)
{
    static ew_chunk ch;
    ew_chunk_init(&ch);
    ew_rec r;
    ew_rec_begin(&ch, &r, 1, FT_2016);
    int8_t i8 = -5;
    uint8_t u8 = 250;
    int16_t i16 = -300;
    uint16_t u16 = 65000;
    int32_t i32 = -70000;
    uint32_t u32 = 4000000000u;
    int64_t i64 = -5000000000ll;
    uint64_t u64 = 18000000000000000000ull;
    float f = 1.5f;
    double dd = 0.25;
    uint32_t b_true = 1, b_odd = 2, b_false = 0;
    uint8_t bin[3] = {0x01, 0xAB, 0xFF};
    uint8_t guid[16] = {0x25, 0x96, 0x84, 0x54, 0x78, 0x54, 0x94, 0x49, 0xA5, 0xBA, 0x3E, 0x3B, 0x03, 0x28, 0xC3, 0x0D};
    uint64_t sz = 0x24c, ft = FT_2016;
    uint16_t st[8] = {2021, 3, 3, 31, 23, 53, 27, 5};
    uint8_t sid[16] = {1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 0x02, 0, 0};   /* S-1-5-32-544 */
    uint8_t sid_short[12] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0};                /* cut short */
    uint32_t h32 = 0x3e7;
    uint64_t h64 = 0x3e7;
    const char ansi[] = "caf\xE9";
    const char sarr[] = {'a', 0, 0, 0, 0, 0, 'b', 0, 'c', 0, 0, 0};
    uint16_t u16arr[3] = {1, 2, 3};
    dval d[] = {
        {0x03, &i8, 1}, {0x04, &u8, 1}, {0x05, &i16, 2}, {0x06, &u16, 2}, {0x07, &i32, 4}, {0x08, &u32, 4},
        {0x09, &i64, 8}, {0x0A, &u64, 8}, {0x0B, &f, 4}, {0x0C, &dd, 8}, {0x0D, &b_true, 4}, {0x0D, &b_odd, 4},
        {0x0D, &b_false, 4}, {0x0E, bin, 3}, {0x0F, guid, 16}, {0x10, &sz, 8}, {0x11, &ft, 8}, {0x12, st, 16},
        {0x13, sid, 16}, {0x13, sid_short, 12}, {0x14, &h32, 4}, {0x15, &h64, 8}, {0x02, ansi, 4},
        {0x81, sarr, sizeof sarr}, {0x86, u16arr, 6}, {0x00, NULL, 0},
    };
    size_t nd = sizeof d / sizeof d[0];
    sys_record(&r, 0, 1, 1, d, nd);
    ew_rec_end(&ch, &r);
    ew_chunk_finish(&ch);
    static got g;
    memset(&g, 0, sizeof g);
    feed(&ch, sizeof ch.c, &g, NULL);
    CHECK_INT(g.n, 1);
    static const char *want[] = {
        "-5", "250", "-300", "65000", "-70000", "4000000000", "-5000000000", "18000000000000000000", "1.5", "0.25",
        "true", "true", "false", "01ABFF", "{54849625-5478-4994-A5BA-3E3B0328C30D}", "0x000000000000024c",
        "2016-07-08T18:12:51.681640800Z", "2021-03-31T23:53:27.005Z", "S-1-5-32-544", "S-1-5-21", "0x3e7", "0x3e7",
        "caf\xC3\xA9",
        /* the string array expands into three Data elements: a, "", b...; see below */
    };
    size_t nw = sizeof want / sizeof want[0];
    for (size_t i = 0; i < nw && i < 16; i++)
        CHECK_AT(strcmp(g.data[0][i][1], want[i]) == 0, "d%zu = \"%s\", expected \"%s\"", i, g.data[0][i][1], want[i]);
    /* items past the 16 copied: check in the XML */
    CHECK(strstr(g.xml[0], "<Data Name=\"d16\">2016-07-08T18:12:51.681640800Z</Data>"
                           "<Data Name=\"d17\">2021-03-31T23:53:27.005Z</Data><Data Name=\"d18\">S-1-5-32-544</Data>"
                           "<Data Name=\"d19\">S-1-5-21</Data>") != NULL);
    CHECK(strstr(g.xml[0], "<Data Name=\"d20\">0x3e7</Data><Data Name=\"d21\">0x3e7</Data>") != NULL);
    CHECK(strstr(g.xml[0], "<Data Name=\"d22\">caf\xC3\xA9</Data>") != NULL);
    CHECK(strstr(g.xml[0], "<Data Name=\"d23\">a</Data><Data Name=\"d23\"/><Data Name=\"d23\">bc</Data>") != NULL);
    CHECK(strstr(g.xml[0], "<Data Name=\"d24\">1</Data><Data Name=\"d24\">2</Data><Data Name=\"d24\">3</Data>") != NULL);
    CHECK(strstr(g.xml[0], "<Data Name=\"d25\"/>") != NULL);
    CHECK_INT(g.ev[0].ndata, nd + 2 + 2);   /* the arrays added 2 + 2 items */
}

TEST(templates_and_names_come_from_the_chunk_cache)
{
    static ew_chunk ch;
    ew_chunk_init(&ch);
    ew_rec r;
    uint32_t def = 0;
    for (int i = 0; i < 5; i++) {
        ew_rec_begin(&ch, &r, (uint64_t)(100 + i), FT_2016);
        const char s[] = {(char)('0' + i), 0};
        dval d[1] = {{1, s, 2}};
        def = sys_record(&r, def, (uint64_t)(100 + i), (uint16_t)(4600 + i), d, 1);
        ew_rec_end(&ch, &r);
    }
    ew_chunk_finish(&ch);
    static got g;
    memset(&g, 0, sizeof g);
    CHECK_INT(feed(&ch, sizeof ch.c, &g, NULL), 5);
    for (int i = 0; i < 5 && i < g.n; i++) {
        CHECK_INT(g.ev[i].record_id, 100 + i);
        CHECK_INT(g.ev[i].event_id, 4600 + i);
        char want[2] = {(char)('0' + i), 0};
        CHECK_STR(g.data[i][0][1], want);
    }
    /* the 2nd..5th records are the 1st with other values of the same widths: same length */
    CHECK(strlen(g.xml[4]) == strlen(g.xml[0]));
    CHECK(strstr(g.xml[4], "<EventID Qualifiers=\"16384\">4604</EventID>") != NULL);
}

/* A template's fixed texts and names of every length from 1 to 20 (the parser copies short
 * ones 16 bytes at a time), texts that need escaping, an empty fixed attribute (dropped); the
 * second record runs the template as decoded for the first. */
TEST(fixed_texts_and_names_in_a_template)
{
    static ew_chunk ch;
    ew_chunk_init(&ch);
    static const char up[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", low[] = "abcdefghijklmnopqrstuvwxyz";
    static char want[4096];
    size_t wl = 0;
    uint32_t def = 0;
    for (int k = 0; k < 2; k++) {
        ew_rec r;
        ew_rec_begin(&ch, &r, (uint64_t)(1 + k), FT_2016);
        if (k == 0) {
            def = ew_tmpl_begin(&r, 9);
            ew_frag(&r);
            ew_open(&r, "Event", 0);
            ew_close_start(&r);
            wl += (size_t)snprintf(want + wl, sizeof want - wl, "<Event>");
            for (int len = 1; len <= 20; len++) {
                char name[24], val[24], txt[24];
                name[0] = 'n';
                memset(name + 1, 'x', (size_t)len - 1);
                name[len] = 0;
                memcpy(val, up, (size_t)len);
                val[len] = 0;
                memcpy(txt, low, (size_t)len);
                txt[len] = 0;
                int special = len % 4 == 0;
                ew_open(&r, name, 1);
                ew_attr(&r, "v", 0);
                ew_text(&r, val);
                ew_close_start(&r);
                ew_text(&r, special ? "x&y<z>\"q" : txt);
                ew_end(&r);
                wl += (size_t)snprintf(want + wl, sizeof want - wl, "<%s v=\"%s\">%s</%s>", name, val,
                                       special ? "x&amp;y&lt;z&gt;\"q" : txt, name);
            }
            ew_open(&r, "Empty", 1);
            ew_attr(&r, "z", 0);
            ew_text(&r, "");
            ew_close_empty(&r);
            ew_open(&r, "Q", 1);
            ew_attr(&r, "a", 0);
            ew_text(&r, "say \"hi\" & <bye>");
            ew_close_empty(&r);
            ew_end(&r);
            ew_eof(&r);
            ew_tmpl_end(&r);
            wl += (size_t)snprintf(want + wl, sizeof want - wl,
                                   "<Empty/><Q a=\"say &quot;hi&quot; &amp; &lt;bye&gt;\"/></Event>");
        } else {
            ew_tmpl_ref(&r, 9, def);
        }
        ew_values(&r, NULL, 0);
        ew_rec_end(&ch, &r);
    }
    ew_chunk_finish(&ch);
    static got g;
    memset(&g, 0, sizeof g);
    es_evtx_stats st;
    CHECK_INT(feed(&ch, sizeof ch.c, &g, &st), 2);
    CHECK_INT(st.skipped_records, 0);
    CHECK_STR(g.xml[0], want);
    CHECK_STR(g.xml[1], want);
}

/* Whole records (their XML, whatever its length) for the tests below. */
typedef struct big_got {
    int n;
    char *xml[4];
    size_t len[4];
} big_got;

static int collect_big(void *ctx, const es_event *ev, const es_evtx_record *rec)
{
    (void)ev;
    big_got *g = ctx;
    if (g->n < 4 && rec->xml) {
        g->xml[g->n] = malloc(rec->xml_len + 1);
        if (g->xml[g->n])
            memcpy(g->xml[g->n], rec->xml, rec->xml_len + 1);
        g->len[g->n] = rec->xml_len;
    }
    g->n++;
    return 0;
}

/* More names in one chunk than the name cache keeps near their hash: the ones left out are
 * decoded at each use, with the same result. */
TEST(a_chunk_with_thousands_of_names)
{
    static ew_chunk ch;
    ew_chunk_init(&ch);
    static char want[65536];
    size_t wl = 0;
    ew_rec r;
    ew_rec_begin(&ch, &r, 1, FT_2016);
    ew_frag(&r);
    ew_open(&r, "Event", 0);
    ew_close_start(&r);
    wl += (size_t)snprintf(want + wl, sizeof want - wl, "<Event>");
    for (int i = 0; i < 1800; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%04d", i);
        ew_open(&r, name, 0);
        ew_close_empty(&r);
        wl += (size_t)snprintf(want + wl, sizeof want - wl, "<%s/>", name);
    }
    ew_end(&r);
    ew_eof(&r);
    ew_rec_end(&ch, &r);
    CHECK(ch.len < sizeof ch.c - 64);
    ew_chunk_finish(&ch);
    wl += (size_t)snprintf(want + wl, sizeof want - wl, "</Event>");
    static big_got g;
    memset(&g, 0, sizeof g);
    es_evtx_parser *p = es_evtx_new(ES_EVTX_XML);
    CHECK_INT(es_evtx_feed_chunk(p, ch.c, sizeof ch.c, collect_big, &g), 1);
    CHECK_INT(es_evtx_get_stats(p)->skipped_records, 0);
    es_evtx_free(p);
    CHECK(g.xml[0] && strcmp(g.xml[0], want) == 0);
    free(g.xml[0]);
}

/* The records checksum over areas of many lengths (short ones are done by tables, long ones
 * may be done by carry-less multiplication: both must agree with es_evtx_crc32). */
TEST(records_checksum_of_every_length)
{
    static ew_chunk ch;
    for (int k = 0; k < 48; k++) {
        ew_chunk_init(&ch);
        ew_rec r;
        ew_rec_begin(&ch, &r, 1, FT_2016);
        ew_frag(&r);
        ew_open(&r, "Event", 0);
        ew_close_start(&r);
        char txt[64];
        memset(txt, 'a' + k % 26, (size_t)k);
        txt[k] = 0;
        if (k)
            ew_text(&r, txt);
        ew_end(&r);
        ew_eof(&r);
        ew_rec_end(&ch, &r);
        ew_chunk_finish(&ch);
        static got g;
        memset(&g, 0, sizeof g);
        es_evtx_stats st;
        CHECK_INT(feed(&ch, sizeof ch.c, &g, &st), 1);
        CHECK_INT(st.chunk_crc_errors, 0);
        CHECK_INT(st.data_crc_errors, 0);
        ch.c[512 + 16 + (size_t)k % 8] ^= 0x40;   /* a bit of the record's time: a mismatch */
        memset(&g, 0, sizeof g);
        CHECK_INT(feed(&ch, sizeof ch.c, &g, &st), 1);
        CHECK_INT(st.data_crc_errors, 1);
    }
}

/* Line breaks and control characters in a CDATA section or a PI: the record stays one line of
 * well-formed XML; the event keeps the text as it is. */
TEST(line_breaks_in_cdata_and_pi)
{
    static ew_chunk ch;
    ew_chunk_init(&ch);
    ew_rec r;
    ew_rec_begin(&ch, &r, 7, FT_2016);
    ew_frag(&r);
    ew_open(&r, "Event", 0);
    ew_close_start(&r);
    ew_open(&r, "UserData", 0);
    ew_close_start(&r);
    ew_open(&r, "Blob", 0);
    ew_close_start(&r);
    ew_cdata(&r, "a\nb\r\n<c/>\x01]]>d\te");
    ew_end(&r);
    ew_pi(&r, "t", "x\ny?>");
    ew_end(&r);
    ew_end(&r);
    ew_eof(&r);
    ew_rec_end(&ch, &r);
    ew_chunk_finish(&ch);
    static got g;
    memset(&g, 0, sizeof g);
    CHECK_INT(feed(&ch, sizeof ch.c, &g, NULL), 1);
    CHECK_STR(g.xml[0], "<Event><UserData><Blob><![CDATA[a]]>&#10;<![CDATA[b]]>&#13;<![CDATA[]]>&#10;<![CDATA[<c/>"
                        "\xEF\xBF\xBD]]]]><![CDATA[>d\te]]></Blob><?t x y >?></UserData></Event>");
    CHECK(strchr(g.xml[0], '\n') == NULL);
    CHECK_INT(g.ev[0].ndata, 1);
    CHECK_STR(g.data[0][0][0], "Blob");
    CHECK_STR(g.data[0][0][1], "a\nb\r\n<c/>\x01]]>d\te");
}

TEST(references_cdata_pi_and_several_fragments)
{
    static ew_chunk ch;
    ew_chunk_init(&ch);
    ew_rec r;
    ew_rec_begin(&ch, &r, 9, FT_2016);
    /* no template: elements written directly in the record (no dependency ids) */
    ew_frag(&r);
    ew_open(&r, "Event", 0); ew_close_start(&r);
    ew_open(&r, "System", 0); ew_close_start(&r);
    ew_open(&r, "Provider", 1); ew_attr(&r, "EventSourceName", 0); ew_text(&r, "Classic"); ew_entity(&r, "amp"); ew_text(&r, "Co"); ew_close_empty(&r);
    ew_open(&r, "EventID", 0); ew_close_start(&r); ew_text(&r, "1000"); ew_end(&r);
    ew_end(&r);
    ew_open(&r, "UserData", 0); ew_close_start(&r);
    ew_open(&r, "Wrapper", 0); ew_close_start(&r);
    ew_open(&r, "Path", 0); ew_close_start(&r); ew_text(&r, "a"); ew_charref(&r, 0x3c); ew_text(&r, "b"); ew_end(&r);
    ew_open(&r, "Blob", 0); ew_close_start(&r); ew_cdata(&r, "x]]>y"); ew_end(&r);
    ew_open(&r, "Odd", 0); ew_close_start(&r); ew_entity(&r, "nbsp"); ew_end(&r);
    ew_pi(&r, "target", "data");
    ew_end(&r);
    ew_end(&r);
    ew_end(&r);
    ew_eof(&r);
    /* a second fragment, then a damaged third (a lone template-instance token) */
    ew_frag(&r);
    ew_open(&r, "Extra", 0); ew_close_empty(&r);
    ew_eof(&r);
    ew_frag(&r);
    ew_u8(&ch, 0x0C);
    ew_rec_end(&ch, &r);
    ew_chunk_finish(&ch);
    static got g;
    memset(&g, 0, sizeof g);
    es_evtx_stats st;
    CHECK_INT(feed(&ch, sizeof ch.c, &g, &st), 1);
    CHECK_INT(st.skipped_records, 0);
    CHECK_STR(g.prov[0], "Classic&Co");
    CHECK_INT(g.ev[0].event_id, 1000);
    CHECK_INT(g.ev[0].record_id, 9);   /* no EventRecordID element: the record header's */
    CHECK(g.ev[0].time_created == FT_2016);   /* no TimeCreated: when it was written */
    CHECK_INT(g.ev[0].ndata, 3);
    CHECK_STR(g.data[0][0][0], "Path");
    CHECK_STR(g.data[0][0][1], "a<b");
    CHECK_STR(g.data[0][1][0], "Blob");
    CHECK_STR(g.data[0][1][1], "x]]>y");
    CHECK_STR(g.data[0][2][1], "&nbsp;");
    CHECK_STR(g.xml[0],
              "<Event><System><Provider EventSourceName=\"Classic&amp;Co\"/><EventID>1000</EventID></System>"
              "<UserData><Wrapper><Path>a&#60;b</Path><Blob><![CDATA[x]]]]><![CDATA[>y]]></Blob>"
              "<Odd>&amp;nbsp;</Odd><?target data?></Wrapper></UserData></Event><Extra/>");
}

TEST(nested_binxml_value)
{
    static ew_chunk ch;
    ew_chunk_init(&ch);
    ew_rec r;
    ew_rec_begin(&ch, &r, 3, FT_2016);
    /* the nested fragment is built in the chunk first, then copied as a value */
    size_t mark = ch.len;
    ew_rec tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.ch = &ch;
    ew_frag(&tmp);
    ew_open(&tmp, "Inner", 1); ew_attr(&tmp, "k", 0); ew_text(&tmp, "v"); ew_close_start(&tmp);
    ew_text(&tmp, "t"); ew_end(&tmp);
    ew_eof(&tmp);
    size_t n = ch.len - mark;
    uint8_t nested[256];
    memcpy(nested, ch.c + mark, n);
    ch.len = mark;
    ch.nnames = 0;   /* the names were defined in bytes just thrown away */
    /* the value's names are inline at its own offset, so it must be written where it was
     * built: put it as the record's first value area by writing the template after it */
    dval d[1] = {{0x21, nested, n}};
    (void)d;
    /* simpler: record = fragment with template whose body holds <Data>{sub0}</Data> */
    ew_frag(&r);
    ew_tmpl_begin(&r, 5);
    ew_frag(&r);
    ew_open(&r, "Event", 0); ew_close_start(&r);
    ew_open(&r, "UserData", 0); ew_close_start(&r);
    ew_sub(&r, 0, 0x21, 0);
    ew_end(&r);
    ew_end(&r);
    ew_eof(&r);
    ew_tmpl_end(&r);
    ew_u32(&ch, 1);
    ew_u16(&ch, (unsigned)n); ew_u8(&ch, 0x21); ew_u8(&ch, 0);
    /* rebuild the nested fragment in place so its inline name offsets are right */
    tmp.ch = &ch;
    size_t at = ch.len;
    ew_frag(&tmp);
    ew_open(&tmp, "Inner", 1); ew_attr(&tmp, "k", 0); ew_text(&tmp, "v"); ew_close_start(&tmp);
    ew_text(&tmp, "t"); ew_end(&tmp);
    ew_eof(&tmp);
    CHECK_INT(ch.len - at, n);
    ew_eof(&r);
    ew_rec_end(&ch, &r);
    ew_chunk_finish(&ch);
    static got g;
    memset(&g, 0, sizeof g);
    CHECK_INT(feed(&ch, sizeof ch.c, &g, NULL), 1);
    CHECK_STR(g.xml[0], "<Event><UserData><Inner k=\"v\">t</Inner></UserData></Event>");
    CHECK_INT(g.ev[0].ndata, 1);
    CHECK_STR(g.data[0][0][0], "Inner");
    CHECK_STR(g.data[0][0][1], "t");
}

/* A chunk of three good records, for the damage tests. */
static void three_records(ew_chunk *ch, size_t *offs)
{
    ew_chunk_init(ch);
    ew_rec r;
    uint32_t def = 0;
    for (int i = 0; i < 3; i++) {
        offs[i] = ch->len;
        ew_rec_begin(ch, &r, (uint64_t)(1 + i), FT_2016);
        const char s[] = {'x', 0};
        dval d[1] = {{1, s, 2}};
        def = sys_record(&r, def, (uint64_t)(1 + i), 100, d, 1);
        ew_rec_end(ch, &r);
    }
    ew_chunk_finish(ch);
}

TEST(checksum_mismatches_are_counted_not_fatal)
{
    static ew_chunk ch;
    size_t offs[3];
    three_records(&ch, offs);
    ch.c[124] ^= 1;   /* header checksum */
    ch.c[52] ^= 1;    /* records checksum */
    static got g;
    memset(&g, 0, sizeof g);
    es_evtx_stats st;
    CHECK_INT(feed(&ch, sizeof ch.c, &g, &st), 3);
    CHECK_INT(st.chunk_crc_errors, 1);
    CHECK_INT(st.data_crc_errors, 1);
    CHECK_INT(st.skipped_records, 0);

    uint8_t hdr[ES_EVTX_FILE_HEADER_SIZE];
    ew_file_header(hdr, 1, 4);
    es_evtx_file_info fi;
    CHECK_INT(es_evtx_parse_file_header(hdr, sizeof hdr, &fi), ES_EVTX_HDR_OK);
    CHECK_INT(fi.chunk_count, 1);
    CHECK_INT(fi.major, 3);
    CHECK_INT(fi.next_record_id, 4);
    hdr[100] ^= 1;
    CHECK_INT(es_evtx_parse_file_header(hdr, sizeof hdr, &fi), ES_EVTX_HDR_BAD_CHECKSUM);
    CHECK_INT(fi.chunk_count, 1);
    hdr[0] = 'X';
    CHECK_INT(es_evtx_parse_file_header(hdr, sizeof hdr, &fi), ES_EVTX_HDR_BAD_SIGNATURE);
    CHECK_INT(es_evtx_parse_file_header(hdr, 50, &fi), ES_EVTX_HDR_SHORT);
    /* known CRC32 value */
    CHECK(es_evtx_crc32(0, "123456789", 9) == 0xCBF43926u);
}

TEST(bad_signature_chunk_still_gives_its_records)
{
    static ew_chunk ch;
    size_t offs[3];
    three_records(&ch, offs);
    memset(ch.c, 0, 128);   /* header wiped, records intact */
    static got g;
    memset(&g, 0, sizeof g);
    es_evtx_stats st;
    CHECK_INT(feed(&ch, sizeof ch.c, &g, &st), 3);
    CHECK_INT(st.bad_chunks, 1);
    /* an all-zero chunk is empty, not bad */
    static ew_chunk z;
    memset(&z, 0, sizeof z);
    memset(&g, 0, sizeof g);
    CHECK_INT(feed(&z, sizeof z.c, &g, &st), 0);
    CHECK_INT(st.empty_chunks, 1);
    CHECK_INT(st.bad_chunks, 0);
}

TEST(record_of_size_zero_is_skipped_and_the_next_kept)
{
    static ew_chunk ch;
    size_t offs[3];
    three_records(&ch, offs);
    ew_set32(ch.c + offs[1] + 4, 0);   /* the middle record's size */
    static got g;
    memset(&g, 0, sizeof g);
    es_evtx_stats st;
    CHECK_INT(feed(&ch, sizeof ch.c, &g, &st), 2);
    CHECK_INT(st.skipped_records, 1);
    CHECK_INT(g.ev[0].record_id, 1);
    CHECK_INT(g.ev[1].record_id, 3);
}

TEST(missing_template_makes_a_damaged_record)
{
    static ew_chunk ch;
    size_t offs[3];
    three_records(&ch, offs);
    /* wipe the first record's BinXML (it holds the template the others use) */
    memset(ch.c + offs[0] + 24, 0, 64);
    static got g;
    memset(&g, 0, sizeof g);
    es_evtx_stats st;
    long n = feed(&ch, sizeof ch.c, &g, &st);
    CHECK_INT(n, 0);
    CHECK_INT(st.skipped_records, 3);
}

TEST(template_cycle_and_deep_nesting_end)
{
    static ew_chunk ch;
    ew_chunk_init(&ch);
    ew_rec r;
    ew_rec_begin(&ch, &r, 1, FT_2016);
    ew_frag(&r);
    uint32_t def = ew_tmpl_begin(&r, 9);
    ew_frag(&r);
    ew_open(&r, "Loop", 0); ew_close_start(&r);
    ew_tmpl_ref(&r, 9, def);   /* the template instantiates itself */
    ew_u32(&ch, 0);
    ew_end(&r);
    ew_eof(&r);
    ew_tmpl_end(&r);
    ew_u32(&ch, 0);
    ew_eof(&r);
    ew_rec_end(&ch, &r);
    ew_chunk_finish(&ch);
    static got g;
    memset(&g, 0, sizeof g);
    es_evtx_stats st;
    CHECK_INT(feed(&ch, sizeof ch.c, &g, &st), 0);
    CHECK_INT(st.skipped_records, 1);
}

TEST(truncated_chunks_never_crash)
{
    static ew_chunk ch;
    size_t offs[3];
    three_records(&ch, offs);
    es_evtx_parser *p = es_evtx_new(ES_EVTX_XML);
    static got g;
    long last = 0;
    for (size_t len = 0; len <= ch.len + 8; len++) {
        memset(&g, 0, sizeof g);
        /* a copy of exactly len bytes, so ASan sees any read past it */
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, ch.c, len);
        long n = es_evtx_feed_chunk(p, copy, len, collect, &g);
        free(copy);
        CHECK_AT(n >= 0 && n <= 3, "len %zu: %ld records", len, n);
        CHECK_AT(n >= last || len < offs[2], "fewer records with more bytes at %zu", len);
        last = n;
    }
    CHECK_INT(last, 3);
    es_evtx_free(p);
}

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

TEST(random_corruption_never_crashes)
{
    static ew_chunk ch, bad;
    size_t offs[3];
    three_records(&ch, offs);
    es_evtx_parser *p = es_evtx_new(ES_EVTX_XML);
    static got g;
    for (int it = 0; it < 3000; it++) {
        memcpy(&bad, &ch, sizeof ch);
        int flips = 1 + (int)(rnd() % 8);
        for (int k = 0; k < flips; k++) {
            size_t at = 512 + rnd() % (ch.len - 512);
            bad.c[at] = (uint8_t)rnd();
        }
        memset(&g, 0, sizeof g);
        long n = es_evtx_feed_chunk(p, bad.c, bad.len, collect, &g);
        CHECK_AT(n >= 0 && n <= 3 + 3, "iteration %d: %ld", it, n);
    }
    const es_evtx_stats *st = es_evtx_get_stats(p);
    CHECK(st->chunks == 3000);
    es_evtx_free(p);
}

TEST(callback_can_stop_and_file_feeding_works)
{
    static ew_chunk ch;
    size_t offs[3];
    three_records(&ch, offs);
    static got g;
    memset(&g, 0, sizeof g);
    g.stop_after = 2;
    es_evtx_parser *p = es_evtx_new(0);
    CHECK_INT(es_evtx_feed_chunk(p, ch.c, sizeof ch.c, collect, &g), -1);
    CHECK_INT(g.n, 2);
    CHECK(g.xml[0][0] == '(');   /* no XML asked for: rec->xml is NULL */
    /* the same chunk again as the 2nd chunk of a file: records counted on */
    g.stop_after = 0;
    CHECK_INT(es_evtx_feed_chunk(p, ch.c, sizeof ch.c, collect, &g), 3);
    CHECK_INT(es_evtx_get_stats(p)->records, 5);
    CHECK_INT(es_evtx_get_stats(p)->chunks, 2);
    es_evtx_reset(p);
    CHECK_INT(es_evtx_get_stats(p)->records, 0);
    es_evtx_free(p);
    es_evtx_free(NULL);
}

/* ---- RenderingInfo: the texts a forwarded event's source rendered ---- */

typedef struct rtexts { int n; char msg[4][128], level[4][64], task[4][64]; } rtexts;

static int collect_texts(void *ctx, const es_event *ev, const es_evtx_record *rec)
{
    (void)rec;
    rtexts *t = ctx;
    if (t->n < 4) {
        cp(t->msg[t->n], 128, ev->message);
        cp(t->level[t->n], 64, ev->level_text);
        cp(t->task[t->n], 64, ev->task_text);
    }
    t->n++;
    return 0;
}

static void rendered_record(ew_chunk *ch, uint64_t id, const char *msg, const char *level, const char *task)
{
    ew_rec r;
    ew_rec_begin(ch, &r, id, FT_2016);
    ew_frag(&r);
    ew_open(&r, "Event", 0); ew_close_start(&r);
    ew_open(&r, "System", 0); ew_close_start(&r);
    ew_open(&r, "Provider", 1); ew_attr(&r, "Name", 0); ew_text(&r, "Microsoft-Windows-Security-Auditing"); ew_close_empty(&r);
    ew_open(&r, "EventID", 0); ew_close_start(&r); ew_text(&r, "4624"); ew_end(&r);
    ew_open(&r, "Level", 0); ew_close_start(&r); ew_text(&r, "0"); ew_end(&r);
    ew_open(&r, "Task", 0); ew_close_start(&r); ew_text(&r, "12544"); ew_end(&r);
    ew_end(&r);
    ew_open(&r, "EventData", 0); ew_close_start(&r);
    ew_open(&r, "Data", 0); ew_close_start(&r); ew_text(&r, "S-1-5-18"); ew_end(&r);
    ew_end(&r);
    if (msg) {
        ew_open(&r, "RenderingInfo", 1); ew_attr(&r, "Culture", 0); ew_text(&r, "en-US"); ew_close_start(&r);
        ew_open(&r, "Message", 0); ew_close_start(&r); ew_text(&r, msg); ew_entity(&r, "amp"); ew_text(&r, " more"); ew_end(&r);
        ew_open(&r, "Level", 0); ew_close_start(&r); ew_text(&r, level); ew_end(&r);
        ew_open(&r, "Task", 0); ew_close_start(&r); ew_text(&r, task); ew_end(&r);
        ew_end(&r);
    }
    ew_end(&r);
    ew_eof(&r);
    ew_rec_end(ch, &r);
}

TEST(rendering_info_gives_message_level_and_task)
{
    static ew_chunk ch;
    ew_chunk_init(&ch);
    rendered_record(&ch, 1, "An account was successfully logged on. ", "Information", "Logon");
    rendered_record(&ch, 2, "Neutral culture ", "4", "12544");   /* numbers say less than the standard names */
    rendered_record(&ch, 3, NULL, NULL, NULL);                     /* not forwarded: no texts */
    ew_chunk_finish(&ch);
    es_evtx_parser *p = es_evtx_new(0);
    rtexts t;
    memset(&t, 0, sizeof t);
    CHECK_INT(es_evtx_feed_chunk(p, ch.c, sizeof ch.c, collect_texts, &t), 3);
    es_evtx_free(p);
    CHECK_STR(t.msg[0], "An account was successfully logged on. & more");
    CHECK_STR(t.level[0], "Information");
    CHECK_STR(t.task[0], "Logon");
    CHECK_STR(t.msg[1], "Neutral culture & more");
    CHECK_STR(t.level[1], "(null)");
    CHECK_STR(t.task[1], "(null)");
    CHECK_STR(t.msg[2], "(null)");
    CHECK_STR(t.level[2], "(null)");
}

int main(void)
{
    RUN(system_fields_and_xml);
    RUN(every_value_type);
    RUN(templates_and_names_come_from_the_chunk_cache);
    RUN(fixed_texts_and_names_in_a_template);
    RUN(a_chunk_with_thousands_of_names);
    RUN(records_checksum_of_every_length);
    RUN(references_cdata_pi_and_several_fragments);
    RUN(rendering_info_gives_message_level_and_task);
    RUN(line_breaks_in_cdata_and_pi);
    RUN(nested_binxml_value);
    RUN(checksum_mismatches_are_counted_not_fatal);
    RUN(bad_signature_chunk_still_gives_its_records);
    RUN(record_of_size_zero_is_skipped_and_the_next_kept);
    RUN(missing_template_makes_a_damaged_record);
    RUN(template_cycle_and_deep_nesting_end);
    RUN(truncated_chunks_never_crash);
    RUN(random_corruption_never_crashes);
    RUN(callback_can_stop_and_file_feeding_works);
    TESTS_DONE();
}
