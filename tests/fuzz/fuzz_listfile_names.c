/* libFuzzer harness: server list text (es_listfile) and source entries (es_names).
 *
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
 *       tests/fuzz/fuzz_listfile_names.c src/core/names.c src/core/iplit.c src/core/listfile.c src/core/utf.c src/core/buf.c
 *
 * Besides memory safety it checks: every entry es_listfile_parse delivers is trimmed UTF-8 with
 * no line end; es_name_parse either succeeds with a non-empty canonical form and no message,
 * or fails with a sentence that quotes the entry; parsing the canonical form again gives the
 * same kind and form (except a "\\name.evtx" server, whose canonical "name.evtx" reads as a
 * file); an IPv6 key is itself an IPv6 address with the same key. */
#include "es_listfile.h"
#include "es_names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int ends_evtx(const char *s)
{
    size_t n = strlen(s);
    static const char e[] = ".evtx";
    if (n < 5)
        return 0;
    for (size_t i = 0; i < 5; i++) {
        char c = s[n - 5 + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != e[i])
            return 0;
    }
    return 1;
}

static void check_entry(const char *entry)
{
    char canon[512], err[512], canon2[512], key[512], key2[512];
    es_name_kind k = es_name_parse(entry, canon, sizeof canon, err, sizeof err);
    if (k == ES_NAME_INVALID) {
        size_t n = strlen(err);
        if (canon[0] || err[0] != '"' || n < 2 || err[n - 1] != '.')
            abort();
        return;
    }
    if (k > ES_NAME_PATH || !canon[0] || err[0])
        abort();
    es_name_key(canon, k, key, sizeof key);
    if (k == ES_NAME_DNS && ends_evtx(canon))
        return;
    es_name_kind k2 = es_name_parse(canon, canon2, sizeof canon2, err, sizeof err);
    if (k2 != k || strcmp(canon, canon2) != 0)
        abort();
    if (k == ES_NAME_IPV6) {
        if (es_name_parse(key, canon2, sizeof canon2, err, sizeof err) != ES_NAME_IPV6)
            abort();
        es_name_key(canon2, ES_NAME_IPV6, key2, sizeof key2);
        if (strcmp(key, key2) != 0)
            abort();
    }
}

static int on_entry(void *ctx, const char *entry, size_t line)
{
    size_t *last = ctx;
    size_t n = strlen(entry);
    if (line <= *last && *last != 0)
        abort(); /* line numbers only grow */
    *last = line;
    if (n == 0 || entry[0] == ' ' || entry[0] == '\t' || entry[0] == '#' || entry[n - 1] == ' ' || entry[n - 1] == '\t' ||
        strchr(entry, '\r') || strchr(entry, '\n'))
        abort();
    check_entry(entry);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    size_t last = 0;
    int rc = es_listfile_parse(data, size, on_entry, &last, err, sizeof err);
    if (rc != 0 && rc != -1)
        abort();
    if (rc == -1 && strncmp(err, "line ", 5) != 0 && strcmp(err, "out of memory") != 0)
        abort();
    /* The whole input as one entry, control characters and all. */
    if (size < 4096) {
        char *s = malloc(size + 1);
        if (!s)
            return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        check_entry(s);
        free(s);
    }
    return 0;
}
