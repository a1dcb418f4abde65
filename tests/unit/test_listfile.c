/* Unit tests: server list text (es_listfile). */
#include "es_buf.h"
#include "es_listfile.h"
#include "testlib.h"

/* Collects "line:entry|" for every entry. */
typedef struct collect {
    es_buf out;
    size_t calls;
    size_t stop_after; /* 0: never stop */
} collect;

static int on_entry(void *ctx, const char *entry, size_t line)
{
    collect *c = ctx;
    es_buf_printf(&c->out, "%u:%s|", (unsigned)line, entry);
    c->calls++;
    return c->stop_after && c->calls == c->stop_after ? 7 : 0;
}

/* Parses n bytes; returns the collected text (static) and sets *rc and err. */
static const char *run(const void *bytes, size_t n, int *rc, char *err, size_t err_len)
{
    static char result[2048];
    collect c;
    memset(&c, 0, sizeof c);
    es_buf_init(&c.out);
    *rc = es_listfile_parse(bytes, n, on_entry, &c, err, err_len);
    snprintf(result, sizeof result, "%s", c.out.data ? c.out.data : "");
    es_buf_free(&c.out);
    return result;
}

#define RUN_STR(s, rc, err) run(s, sizeof(s) - 1, rc, err, sizeof err)

TEST(listfile_utf8_lines_comments_trimming)
{
    char err[200];
    int rc;
    const char *text = "# servers\r\n"
                       "srv01\r\n"
                       "\r\n"
                       "   \t\r\n"
                       "  srv02.corp.example.com \t\r\n"
                       "\t# indented comment\n"
                       "C:\\logs\\#1 a.evtx\n"
                       "srv03 # not a comment\r"
                       "srv04\r"
                       "\r"
                       "last";
    CHECK_STR(run(text, strlen(text), &rc, err, sizeof err),
              "2:srv01|5:srv02.corp.example.com|7:C:\\logs\\#1 a.evtx|8:srv03 # not a comment|9:srv04|11:last|");
    CHECK_INT(rc, 0);
    CHECK_STR(err, "");
}

TEST(listfile_empty_and_blank)
{
    char err[200];
    int rc;
    CHECK_STR(run("", 0, &rc, err, sizeof err), "");
    CHECK_INT(rc, 0);
    CHECK_STR(run(NULL, 0, &rc, err, sizeof err), "");
    CHECK_INT(rc, 0);
    CHECK_STR(RUN_STR("\n\n\r\n  \n#x\n", &rc, err), "");
    CHECK_INT(rc, 0);
    CHECK_STR(RUN_STR("\xEF\xBB\xBF", &rc, err), "");
    CHECK_INT(rc, 0);
    CHECK_STR(RUN_STR("\xFF\xFE", &rc, err), "");
    CHECK_INT(rc, 0);
    CHECK_STR(RUN_STR("a\n", &rc, err), "1:a|");
    CHECK_STR(RUN_STR("a\r\n", &rc, err), "1:a|");
    CHECK_STR(RUN_STR("\r\n\r\nb", &rc, err), "3:b|");
    CHECK_STR(RUN_STR("\n\rb", &rc, err), "3:b|"); /* LF then CR: two line ends */
    CHECK_INT(es_listfile_parse("a\nb", 3, NULL, NULL, NULL, 0), 0);
}

TEST(listfile_bom_and_non_ascii)
{
    char err[200];
    int rc;
    CHECK_STR(RUN_STR("\xEF\xBB\xBFsrv01\nB\xC3\x9CRO-PC\n", &rc, err), "1:srv01|2:B\xC3\x9CRO-PC|");
    CHECK_INT(rc, 0);
    /* A BOM only counts at the very start. */
    CHECK_STR(RUN_STR("a\n\xEF\xBB\xBF" "b\n", &rc, err), "1:a|2:\xEF\xBB\xBF" "b|");
}

TEST(listfile_utf16)
{
    char err[200];
    int rc;
    /* LE: "# c\r\nsrv01\r\n  Ü2 \r\n😀" */
    static const unsigned char le[] = {0xFF, 0xFE, '#', 0, ' ', 0, 'c', 0, '\r', 0, '\n', 0, 's', 0, 'r', 0, 'v', 0, '0', 0,
                                       '1', 0, '\r', 0, '\n', 0, ' ', 0, ' ', 0, 0xDC, 0, '2', 0, ' ', 0, '\r', 0, '\n', 0,
                                       0x3D, 0xD8, 0x00, 0xDE};
    CHECK_STR(run(le, sizeof le, &rc, err, sizeof err), "2:srv01|3:\xC3\x9C" "2|4:\xF0\x9F\x98\x80|");
    CHECK_INT(rc, 0);
    /* BE: "a\rb\n" */
    static const unsigned char be[] = {0xFE, 0xFF, 0, 'a', 0, '\r', 0, 'b', 0, '\n', 0xD8, 0x3D, 0xDE, 0x00};
    CHECK_STR(run(be, sizeof be, &rc, err, sizeof err), "1:a|2:b|3:\xF0\x9F\x98\x80|");
    CHECK_INT(rc, 0);
    /* Odd byte count. */
    static const unsigned char odd[] = {0xFF, 0xFE, 'a', 0, '\n', 0, 'b'};
    CHECK_STR(run(odd, sizeof odd, &rc, err, sizeof err), "");
    CHECK_INT(rc, -1);
    CHECK_STR(err, "line 2: the UTF-16 text ends in the middle of a character (an odd number of bytes)");
    /* A NUL character. */
    static const unsigned char nul[] = {0xFF, 0xFE, 'a', 0, '\n', 0, 'b', 0, 0, 0};
    CHECK_STR(run(nul, sizeof nul, &rc, err, sizeof err), "");
    CHECK_INT(rc, -1);
    CHECK_STR(err, "line 2: contains a NUL character");
    /* A lone surrogate (high, then low). */
    static const unsigned char lone[] = {0xFF, 0xFE, 'a', 0, '\r', 0, '\n', 0, '\r', 0, 0x3D, 0xD8, 'x', 0};
    run(lone, sizeof lone, &rc, err, sizeof err);
    CHECK_INT(rc, -1);
    CHECK_STR(err, "line 3: is not valid UTF-16 text");
    static const unsigned char lone2[] = {0xFE, 0xFF, 0xDC, 0x00};
    run(lone2, sizeof lone2, &rc, err, sizeof err);
    CHECK_INT(rc, -1);
    CHECK_STR(err, "line 1: is not valid UTF-16 text");
    static const unsigned char high_at_end[] = {0xFF, 0xFE, 0x3D, 0xD8};
    run(high_at_end, sizeof high_at_end, &rc, err, sizeof err);
    CHECK_INT(rc, -1);
}

TEST(listfile_bad_bytes)
{
    char err[200];
    int rc;
    /* Latin-1 "Büro" on line 4. */
    CHECK_STR(RUN_STR("a\nb\n\nB\xFCro\nc\n", &rc, err), "1:a|2:b|");
    CHECK_INT(rc, -1);
    CHECK_STR(err, "line 4: is not valid UTF-8 text");
    /* Bad bytes in a comment line are still an error: the file is not UTF-8. */
    RUN_STR("# caf\xE9\nsrv01\n", &rc, err);
    CHECK_INT(rc, -1);
    CHECK_STR(err, "line 1: is not valid UTF-8 text");
    /* Truncated and overlong sequences. */
    RUN_STR("ok\n\xE2\x82", &rc, err);
    CHECK_STR(err, "line 2: is not valid UTF-8 text");
    RUN_STR("\xC0\xAF", &rc, err);
    CHECK_STR(err, "line 1: is not valid UTF-8 text");
    RUN_STR("\xED\xA0\x80", &rc, err); /* an encoded surrogate */
    CHECK_STR(err, "line 1: is not valid UTF-8 text");
    /* A NUL byte. */
    CHECK_STR(RUN_STR("a\r\nb\r\nc\0d\n", &rc, err), "1:a|2:b|");
    CHECK_INT(rc, -1);
    CHECK_STR(err, "line 3: contains a NUL byte");
    /* UTF-16 without a BOM gets a hint. */
    static const unsigned char nobom[] = {'s', 0, 'r', 0, 'v', 0};
    run(nobom, sizeof nobom, &rc, err, sizeof err);
    CHECK_INT(rc, -1);
    CHECK_STR(err, "line 1: contains a NUL byte (UTF-16 text needs a byte order mark; save it as UTF-8 or Unicode)");
    /* A literal U+FFFD is valid text. */
    CHECK_STR(RUN_STR("\xEF\xBF\xBD\n", &rc, err), "1:\xEF\xBF\xBD|");
    CHECK_INT(rc, 0);
    /* err may be NULL. */
    CHECK_INT(es_listfile_parse("\xFF\xFF", 2, NULL, NULL, NULL, 0), -1);
    /* A small err buffer is cut, still terminated. */
    char small[8];
    CHECK_INT(es_listfile_parse("\xFF", 1, NULL, NULL, small, sizeof small), -1);
    CHECK_STR(small, "line 1:");
}

TEST(listfile_callback_stops)
{
    char err[200];
    collect c;
    memset(&c, 0, sizeof c);
    es_buf_init(&c.out);
    c.stop_after = 2;
    CHECK_INT(es_listfile_parse("a\nb\nc\n\xFF\n", 9, on_entry, &c, err, sizeof err), 7);
    CHECK_STR(c.out.data, "1:a|2:b|");
    es_buf_free(&c.out);
}

TEST(listfile_long_lines)
{
    es_buf in;
    es_buf_init(&in);
    for (int i = 0; i < 3; i++) {
        for (int k = 0; k < 10000; k++)
            es_buf_putc(&in, (char)('a' + (k + i) % 26));
        es_buf_puts(&in, "\r\n");
    }
    collect c;
    memset(&c, 0, sizeof c);
    es_buf_init(&c.out);
    char err[100];
    CHECK_INT(es_listfile_parse(in.data, in.len, on_entry, &c, err, sizeof err), 0);
    CHECK_INT(c.calls, 3);
    CHECK_INT(c.out.len, 3 * (10000 + 3));
    es_buf_free(&c.out);
    es_buf_free(&in);
}

int main(void)
{
    RUN(listfile_utf8_lines_comments_trimming);
    RUN(listfile_empty_and_blank);
    RUN(listfile_bom_and_non_ascii);
    RUN(listfile_utf16);
    RUN(listfile_bad_bytes);
    RUN(listfile_callback_stops);
    RUN(listfile_long_lines);
    TESTS_DONE();
}
