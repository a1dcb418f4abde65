/* Unit tests: source entries (es_names). */
#include "es_names.h"
#include "testlib.h"

static const struct {
    const char *in;
    es_name_kind kind;
    const char *canon;
} valid[] = {
    {"SRV01", ES_NAME_NETBIOS, "SRV01"},
    {"  srv01\t", ES_NAME_NETBIOS, "srv01"},
    {"\\\\srv01", ES_NAME_NETBIOS, "srv01"},
    {"a", ES_NAME_NETBIOS, "a"},
    {"ABCDEFGHIJKLMNO", ES_NAME_NETBIOS, "ABCDEFGHIJKLMNO"},
    {"srv_01-a", ES_NAME_NETBIOS, "srv_01-a"},
    {"B\xC3\x9CRO-PC", ES_NAME_NETBIOS, "B\xC3\x9CRO-PC"},
    {"1srv", ES_NAME_NETBIOS, "1srv"},
    {"\"srv01\"", ES_NAME_NETBIOS, "srv01"},
    {"srv01.corp.example.com", ES_NAME_DNS, "srv01.corp.example.com"},
    {"srv01.corp.example.com.", ES_NAME_DNS, "srv01.corp.example.com."},
    {"\\\\srv01.corp.example.com", ES_NAME_DNS, "srv01.corp.example.com"},
    {"my_host.corp.local", ES_NAME_DNS, "my_host.corp.local"},
    {"xn--bcher-kva.example", ES_NAME_DNS, "xn--bcher-kva.example"},
    {"1.2.3.4a", ES_NAME_DNS, "1.2.3.4a"},
    {"a-b.c-d", ES_NAME_DNS, "a-b.c-d"},
    {"this-name-is-too-long.example", ES_NAME_DNS, "this-name-is-too-long.example"},
    /* Single-label host names of 16-63 characters: DNS names (the DNS suffix search list). */
    {"webserver-frontend01", ES_NAME_DNS, "webserver-frontend01"},
    {"ok1000-n200-l250", ES_NAME_DNS, "ok1000-n200-l250"},
    {"this-name-is-too-long", ES_NAME_DNS, "this-name-is-too-long"},
    {"ABCDEFGHIJKLMNOP", ES_NAME_DNS, "ABCDEFGHIJKLMNOP"},
    {"\\\\WebServer-Frontend01", ES_NAME_DNS, "WebServer-Frontend01"},
    {"legacy_host_name_01", ES_NAME_DNS, "legacy_host_name_01"},
    {".", ES_NAME_LOCAL, "."},
    {"localhost", ES_NAME_LOCAL, "localhost"},
    {"LocalHost", ES_NAME_LOCAL, "LocalHost"},
    {"\\\\.", ES_NAME_LOCAL, "."},
    {"10.0.0.5", ES_NAME_IPV4, "10.0.0.5"},
    {"0.0.0.0", ES_NAME_IPV4, "0.0.0.0"},
    {"255.255.255.255", ES_NAME_IPV4, "255.255.255.255"},
    {"\\\\192.168.1.10", ES_NAME_IPV4, "192.168.1.10"},
    {"fe80::1", ES_NAME_IPV6, "fe80::1"},
    {"::", ES_NAME_IPV6, "::"},
    {"::1", ES_NAME_IPV6, "::1"},
    {"1::", ES_NAME_IPV6, "1::"},
    {"2001:db8:0:0:1:0:0:1", ES_NAME_IPV6, "2001:db8:0:0:1:0:0:1"},
    {"2001:DB8::8:800:200C:417A", ES_NAME_IPV6, "2001:DB8::8:800:200C:417A"},
    {"1:2:3:4:5:6:7::", ES_NAME_IPV6, "1:2:3:4:5:6:7::"},
    {"::2:3:4:5:6:7:8", ES_NAME_IPV6, "::2:3:4:5:6:7:8"},
    {"::ffff:10.0.0.1", ES_NAME_IPV6, "::ffff:10.0.0.1"},
    {"0:0:0:0:0:ffff:10.0.0.1", ES_NAME_IPV6, "0:0:0:0:0:ffff:10.0.0.1"},
    {"[fe80::1]", ES_NAME_IPV6, "fe80::1"},
    {"fe80::1%12", ES_NAME_IPV6, "fe80::1%12"},
    {"[fe80::1%eth0]", ES_NAME_IPV6, "fe80::1%eth0"},
    {"\\\\[::1]", ES_NAME_IPV6, "::1"},
    {"a::1", ES_NAME_IPV6, "a::1"},
    {"c::", ES_NAME_IPV6, "c::"},
    {"C:\\logs\\a.evtx", ES_NAME_PATH, "C:\\logs\\a.evtx"},
    {"c:/logs", ES_NAME_PATH, "c:/logs"},
    {"C:", ES_NAME_PATH, "C:"},
    {"D:relative.evtx", ES_NAME_PATH, "D:relative.evtx"},
    {"\\\\server\\share\\x.evtx", ES_NAME_PATH, "\\\\server\\share\\x.evtx"},
    {"\\\\server\\share", ES_NAME_PATH, "\\\\server\\share"},
    {"//server/share/dir", ES_NAME_PATH, "//server/share/dir"},
    {"logs\\old", ES_NAME_PATH, "logs\\old"},
    {"./a", ES_NAME_PATH, "./a"},
    {"System.EVTX", ES_NAME_PATH, "System.EVTX"},
    {"\"C:\\My Logs\\a b.evtx\"", ES_NAME_PATH, "C:\\My Logs\\a b.evtx"},
    {"C:\\logs\\#1 old.evtx", ES_NAME_PATH, "C:\\logs\\#1 old.evtx"},
    {"\\\\?\\C:\\very\\long\\path.evtx", ES_NAME_PATH, "\\\\?\\C:\\very\\long\\path.evtx"},
    {"\\\\?\\UNC\\srv\\share\\a.evtx", ES_NAME_PATH, "\\\\?\\UNC\\srv\\share\\a.evtx"},
};

TEST(names_valid_table)
{
    char canon[300], err[300];
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        es_name_kind k = es_name_parse(valid[i].in, canon, sizeof canon, err, sizeof err);
        CHECK_AT(k == valid[i].kind, "\"%s\": kind %s, expected %s (%s)", valid[i].in, es_name_kind_text(k),
                 es_name_kind_text(valid[i].kind), err);
        CHECK_AT(k == ES_NAME_INVALID || strcmp(canon, valid[i].canon) == 0, "\"%s\": canon \"%s\", expected \"%s\"",
                 valid[i].in, canon, valid[i].canon);
        CHECK_AT(k == ES_NAME_INVALID || err[0] == '\0', "\"%s\": err set on success: %s", valid[i].in, err);
    }
}

static const struct {
    const char *in;
    const char *err; /* exact message, or NULL: any message that names the entry */
} invalid[] = {
    {"", "\"\": the entry is empty."},
    {"   \t ", "\"\": the entry is empty."},
    {"\"\"", "\"\": the entry is empty."},
    {"srv 01", "\"srv 01\": a server name cannot contain a space."},
    {"srv01.corp example.com", "\"srv01.corp example.com\": a server name cannot contain a space."},
    {"10.0.0.256", "\"10.0.0.256\": 256 is not a valid IPv4 number (0-255)."},
    {"10.0.0.1000", "\"10.0.0.1000\": 1000 is not a valid IPv4 number (0-255)."},
    {"10.0.0.99999999999999999999999", NULL},
    {"010.1.1.1",
     "\"010.1.1.1\": 010 has a leading zero, which Windows reads as an octal number; write it without leading zeros."},
    {"10.00.1.1", NULL},
    {"10.0.0", "\"10.0.0\": an IPv4 address has four numbers from 0 to 255 separated by dots."},
    {"10.0.0.1.2", "\"10.0.0.1.2\": an IPv4 address has four numbers from 0 to 255 separated by dots."},
    {"10..0.1", NULL},
    {"10.0.0.1.", NULL},
    {"B\xC3\x9CRO-PC-FRONTEND01",
     "\"B\xC3\x9CRO-PC-FRONTEND01\": non-ASCII letters are allowed only in a NetBIOS name of at most 15 characters (this one has 18); write a longer name in its punycode form (xn--...)."},
    {"1234567890123456789", "\"1234567890123456789\": a server name cannot be all digits (Windows would read it as an IP address)."},
    {"0x0123456789abcdef01", "\"0x0123456789abcdef01\": a server name cannot be all digits (Windows would read it as an IP address)."},
    {"-webserver-frontend", "\"-webserver-frontend\": a part of a DNS name cannot start or end with a hyphen (\"-webserver-frontend\")."},
    {"webserver-frontend-", "\"webserver-frontend-\": a part of a DNS name cannot start or end with a hyphen (\"webserver-frontend-\")."},
    {"webserver!frontend01", "\"webserver!frontend01\": a DNS name cannot contain \"!\"."},
    {"1234", "\"1234\": a server name cannot be all digits (Windows would read it as an IP address)."},
    {"0x7f", NULL},
    {"srv*", "\"srv*\": a server name cannot contain \"*\"."},
    {"srv?", NULL},
    {"srv<1>", NULL},
    {"srv|1", NULL},
    {"srv\"1", NULL},
    {"srv01,srv02", "\"srv01,srv02\": a server name cannot contain a comma; give each server separately."},
    {"srv\x01", "\"srv?\": the entry contains a control character."},
    {"srv\xC2\xA0" "01", "\"srv\xC2\xA0" "01\": a server name cannot contain a non-breaking or invisible space (U+00A0)."},
    {"srv\xE9", "\"srv?\": the entry is not valid UTF-8 text."},
    {"srv01:5985", "\"srv01:5985\": a port number cannot be given; remove \":5985\"."},
    {"srv:abc", "\"srv:abc\": a server name cannot contain \":\"."},
    {"\\\\", "\"\\\\\": the server name after \\\\ is missing."},
    {"a..b", "\"a..b\": a DNS name cannot have an empty part (two dots together, or a dot at the start)."},
    {".corp.example", NULL},
    {"..", NULL},
    {"-srv.corp.example", "\"-srv.corp.example\": a part of a DNS name cannot start or end with a hyphen (\"-srv\")."},
    {"srv-.corp", NULL},
    {"srv.-corp", NULL},
    {"b\xC3\xBC" "cher.example",
     "\"b\xC3\xBC" "cher.example\": a DNS name can contain only ASCII letters, digits and '-'; write an international name in its punycode form (xn--...)."},
    {"srv.example.123", "\"srv.example.123\": the last part of a DNS name cannot be all digits."},
    {"srv!.example", "\"srv!.example\": a DNS name cannot contain \"!\"."},
    {"fe80::1::2", "\"fe80::1::2\": is not a valid IPv6 address (\"::\" can appear only once)."},
    {"1:2:3:4:5:6:7", NULL},
    {"1:2:3:4:5:6:7:8:9", NULL},
    {"1:2:3:4:5:6:7:8::", NULL},
    {"12345::1", "\"12345::1\": is not a valid IPv6 address (a group has more than 4 hex digits)."},
    {":1::2", NULL},
    {"1::2:", NULL},
    {":::", "\":::\": is not a valid IPv6 address (a group between colons is empty)."},
    {"fe80::g", NULL},
    {"fe80::1%", "\"fe80::1%\": is not a valid IPv6 address (the zone after \"%\" is empty)."},
    {"fe80::1%a b", NULL},
    {"::ffff:10.0.0.256", "\"::ffff:10.0.0.256\": is not a valid IPv6 address (in its IPv4 part, 256 is not a valid IPv4 number (0-255))."},
    {"::ffff:10.0.0.1:1", NULL},
    {"1:2:3:4:5:6:7:1.2.3.4", NULL},
    {"[fe80::1", "\"[fe80::1\": an IPv6 address in brackets needs the closing \"]\"."},
    {"[::1]:5985", "\"[::1]:5985\": a port number cannot be given; remove \":5985\"."},
    {"[srv01]", "\"[srv01]\": only an IPv6 address can be put in brackets."},
    {"[10.0.0.1]", NULL},
    {"[]", NULL},
    {"\\\\server\\", "\"\\\\server\\\": a UNC path needs a share name after the server, e.g. \\\\server\\share\\folder."},
    {"\\\\\\share", NULL},
    {"C:\\logs\\*.evtx", "\"C:\\logs\\*.evtx\": a path cannot contain wildcards (* or ?); give the folder instead."},
    {"C:\\a|b", "\"C:\\a|b\": a path cannot contain \"|\"."},
    {"C:\\a:b", "\"C:\\a:b\": a path can contain \":\" only after a drive letter (C:)."},
    {"http://srv01/", NULL},
    {"logs\\a\x7f", NULL},
};

TEST(names_invalid_table)
{
    char canon[300], err[300];
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        strcpy(canon, "junk");
        es_name_kind k = es_name_parse(invalid[i].in, canon, sizeof canon, err, sizeof err);
        CHECK_AT(k == ES_NAME_INVALID, "\"%s\": accepted as %s", invalid[i].in, es_name_kind_text(k));
        CHECK_AT(err[0] == '"', "\"%s\": message does not name the entry: %s", invalid[i].in, err);
        size_t n = strlen(err);
        CHECK_AT(n > 0 && err[n - 1] == '.', "\"%s\": message is not a sentence: %s", invalid[i].in, err);
        if (invalid[i].err)
            CHECK_AT(strcmp(err, invalid[i].err) == 0, "\"%s\": message\n       %s\n     expected\n       %s", invalid[i].in, err,
                     invalid[i].err);
        CHECK_AT(canon[0] == '\0', "\"%s\": canon not cleared", invalid[i].in);
    }
}

TEST(names_dns_lengths)
{
    char name[400], err[300], canon[400];
    /* A 63-character label is fine; 64 is not. */
    memset(name, 'a', 63);
    strcpy(name + 63, ".example");
    CHECK_INT(es_name_parse(name, canon, sizeof canon, err, sizeof err), ES_NAME_DNS);
    memset(name, 'a', 64);
    strcpy(name + 64, ".example");
    CHECK_INT(es_name_parse(name, canon, sizeof canon, err, sizeof err), ES_NAME_INVALID);
    CHECK(strstr(err, "at most 63 characters; one has 64.") != NULL);
    /* 253 characters in all is fine (without the trailing dot); 254 is not. */
    size_t w = 0;
    while (w < 253) {
        size_t k = 253 - w >= 50 ? 49 : 253 - w;
        memset(name + w, 'b', k);
        w += k;
        if (w < 253)
            name[w++] = '.';
    }
    name[w] = '\0';
    CHECK_INT(strlen(name), 253);
    CHECK_INT(es_name_parse(name, canon, sizeof canon, err, sizeof err), ES_NAME_DNS);
    strcpy(name + 253, ".");
    CHECK_INT(es_name_parse(name, canon, sizeof canon, err, sizeof err), ES_NAME_DNS);
    name[253] = 'c';
    name[254] = '\0';
    CHECK_INT(es_name_parse(name, canon, sizeof canon, err, sizeof err), ES_NAME_INVALID);
    CHECK(strstr(err, "at most 253 characters; this one has 254.") != NULL);
    /* A name without dots: 63 characters is a single-label DNS name; 64 is not. */
    memset(name, 'h', 63);
    name[63] = '\0';
    CHECK_INT(es_name_parse(name, canon, sizeof canon, err, sizeof err), ES_NAME_DNS);
    CHECK_STR(canon, name);
    name[63] = 'h';
    name[64] = '\0';
    CHECK_INT(es_name_parse(name, canon, sizeof canon, err, sizeof err), ES_NAME_INVALID);
    CHECK(strstr(err, "\": a single-label host name has at most 63 characters; this one has 64.") != NULL);
    memset(name, 'h', 70);
    name[70] = '\0';
    CHECK_INT(es_name_parse(name, canon, sizeof canon, err, sizeof err), ES_NAME_INVALID);
    CHECK(strstr(err, "\": a single-label host name has at most 63 characters; this one has 70.") != NULL);
    /* 16 characters, one of them non-ASCII: too long for NetBIOS, not allowed in DNS. */
    CHECK_INT(es_name_parse("\xC3\x9C" "123456789abcdef", canon, sizeof canon, err, sizeof err), ES_NAME_INVALID);
    CHECK(strstr(err, "non-ASCII letters are allowed only in a NetBIOS name of at most 15 characters (this one has 16)") != NULL);
    /* 15 characters of NetBIOS counted as characters, not bytes. */
    CHECK_INT(es_name_parse("\xC3\x9C\xC3\x9C\xC3\x9C\xC3\x9C\xC3\x9C\xC3\x9C\xC3\x9C\xC3\x9C" "1234567", canon, sizeof canon, err, sizeof err),
              ES_NAME_NETBIOS);
}

TEST(names_small_buffers_and_nulls)
{
    char canon[8], err[16];
    CHECK_INT(es_name_parse("srv01", canon, sizeof canon, err, sizeof err), ES_NAME_NETBIOS);
    CHECK_INT(es_name_parse("srv01.example.com", canon, sizeof canon, err, sizeof err), ES_NAME_INVALID);
    CHECK_INT(strlen(err), 15); /* cut, still terminated */
    char big[300];
    CHECK_INT(es_name_parse("srv01.example.com", canon, sizeof canon, big, sizeof big), ES_NAME_INVALID);
    CHECK_STR(big, "\"srv01.example.com\": the entry is too long.");
    CHECK_INT(es_name_parse("srv01.example.com", NULL, 0, NULL, 0), ES_NAME_DNS);
    CHECK_INT(es_name_parse("srv 01", NULL, 0, NULL, 0), ES_NAME_INVALID);
    CHECK_INT(es_name_parse(NULL, NULL, 0, big, sizeof big), ES_NAME_INVALID);
    CHECK_STR(big, "\"\": the entry is empty.");
    /* A long entry is cut in the message. */
    char longname[400];
    memset(longname, 'x', 300);
    strcpy(longname + 300, " y");
    CHECK_INT(es_name_parse(longname, NULL, 0, big, sizeof big), ES_NAME_INVALID);
    CHECK(strstr(big, "...\": a server name cannot contain a space.") != NULL);
    CHECK(strlen(big) < 200);
}

static int same_key(const char *a, const char *b)
{
    char ca[300], cb[300], ka[300], kb[300];
    es_name_kind x = es_name_parse(a, ca, sizeof ca, NULL, 0);
    es_name_kind y = es_name_parse(b, cb, sizeof cb, NULL, 0);
    if (!x || !y)
        return -1;
    es_name_key(ca, x, ka, sizeof ka);
    es_name_key(cb, y, kb, sizeof kb);
    return strcmp(ka, kb) == 0;
}

TEST(names_keys)
{
    CHECK_INT(same_key("SRV01", "srv01"), 1);
    CHECK_INT(same_key("\\\\SRV01", "srv01"), 1);
    CHECK_INT(same_key("srv01.Corp.Example.COM.", "srv01.corp.example.com"), 1);
    CHECK_INT(same_key("srv01.", "SRV01"), 1);
    CHECK_INT(same_key("WebServer-Frontend01", "webserver-frontend01."), 1);
    CHECK_INT(same_key("\\\\OK1000-N200-L250", "ok1000-n200-l250"), 1);
    CHECK_INT(same_key("webserver-frontend01", "webserver-frontend02"), 0);
    CHECK_INT(same_key(".", "LOCALHOST"), 1);
    CHECK_INT(same_key("\\\\.", "localhost"), 1);
    CHECK_INT(same_key("::1", "0:0:0:0:0:0:0:1"), 1);
    CHECK_INT(same_key("[FE80::1%ETH0]", "fe80:0:0:0:0:0:0:1%eth0"), 1);
    CHECK_INT(same_key("::ffff:10.0.0.1", "::FFFF:a00:1"), 1);
    CHECK_INT(same_key("fe80::1%1", "fe80::1%2"), 0);
    CHECK_INT(same_key("C:\\Logs\\A.evtx", "c:/logs/a.EVTX"), 1);
    CHECK_INT(same_key("C:\\Logs\\", "c:\\logs"), 1);
    CHECK_INT(same_key("\\\\srv\\share\\", "//SRV/share"), 1);
    CHECK_INT(same_key("srv01", "srv02"), 0);
    CHECK_INT(same_key("10.0.0.1", "10.0.0.2"), 0);
    char k[64];
    CHECK_STR(es_name_key("2001:db8:0:0:1:0:0:1", ES_NAME_IPV6, k, sizeof k), "2001:db8::1:0:0:1");
    CHECK_STR(es_name_key("2001:0:0:1:0:0:0:1", ES_NAME_IPV6, k, sizeof k), "2001:0:0:1::1");
    CHECK_STR(es_name_key("::", ES_NAME_IPV6, k, sizeof k), "::");
    CHECK_STR(es_name_key("1:0:0:0:0:0:0:0", ES_NAME_IPV6, k, sizeof k), "1::");
    CHECK_STR(es_name_key("1:0:2:3:4:5:6:7", ES_NAME_IPV6, k, sizeof k), "1:0:2:3:4:5:6:7");
    CHECK_STR(es_name_key("C:\\", ES_NAME_PATH, k, sizeof k), "c:\\");
    CHECK_STR(es_name_key("SRV01.example.", ES_NAME_DNS, k, sizeof k), "srv01.example");
    CHECK_STR(es_name_key("ABCDEFGH", ES_NAME_NETBIOS, k, 4), "abc");
}

TEST(names_kind_text)
{
    CHECK_STR(es_name_kind_text(ES_NAME_NETBIOS), "NetBIOS name");
    CHECK_STR(es_name_kind_text(ES_NAME_DNS), "DNS name");
    CHECK_STR(es_name_kind_text(ES_NAME_IPV4), "IPv4 address");
    CHECK_STR(es_name_kind_text(ES_NAME_IPV6), "IPv6 address");
    CHECK_STR(es_name_kind_text(ES_NAME_LOCAL), "this computer");
    CHECK_STR(es_name_kind_text(ES_NAME_PATH), "saved log");
    CHECK_STR(es_name_kind_text(ES_NAME_INVALID), "invalid entry");
    CHECK_STR(es_name_kind_text((es_name_kind)99), "invalid entry");
}

/* Found by tests/fuzz/t_fuzz_names.sh: "\\\\80::1%ets00.evtx" was read as an IPv6 server whose
 * canonical form ("80::1%ets00.evtx") read again as a file. A name ending in .evtx is a saved
 * log with or without the "\\\\", and a UNC path needs a share. */
TEST(names_evtx_suffix_is_always_a_path)
{
    char canon[256], err[256];
    CHECK_INT(es_name_parse("\\\\80::1%ets00.evtx", canon, sizeof canon, err, sizeof err), ES_NAME_INVALID);
    CHECK(strstr(err, "share") != NULL);
    CHECK_INT(es_name_parse("\\\\srv.evtx", canon, sizeof canon, err, sizeof err), ES_NAME_INVALID);
    CHECK_INT(es_name_parse("80::1%ets00.evtx", canon, sizeof canon, err, sizeof err), ES_NAME_INVALID); /* ":" in a path */
    CHECK_INT(es_name_parse("\\\\srv01", canon, sizeof canon, err, sizeof err), ES_NAME_NETBIOS);
    CHECK_STR(canon, "srv01");
}

int main(void)
{
    RUN(names_valid_table);
    RUN(names_invalid_table);
    RUN(names_dns_lengths);
    RUN(names_small_buffers_and_nulls);
    RUN(names_keys);
    RUN(names_kind_text);
    RUN(names_evtx_suffix_is_always_a_path);
    TESTS_DONE();
}
