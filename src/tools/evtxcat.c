/* evtxcat: saved event logs (.evtx) as EventSweep's CSV rows, or as Event Viewer's XML.
 *
 *   evtxcat [--xml] [--hours N] FILE|DIR...
 *
 * CSV (the default) is the app's export format (es_export.h): Server is the file's base name,
 * Received is now. --xml writes each record's <Event> element on a line of its own. --hours N
 * keeps the events created in the last N hours (0, the default, keeps all). A directory means
 * every *.evtx in it (not recursive), in name order.
 *
 * Exit status: 0 when every record was read, 2 when damaged records were skipped (counted on
 * stderr), 1 when a file cannot be read or the command line is wrong.
 *
 * Files are read one 64 KiB chunk at a time, so memory stays flat however large they are. */
#include "es_buf.h"
#include "es_event.h"
#include "es_evtx.h"
#include "es_export.h"
#include "es_row.h"
#include "es_time.h"
#include "es_utf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <windows.h>
#else
#include <dirent.h>
#include <sys/stat.h>
#endif

#define OUT_FLUSH (1u << 20)

typedef struct cat {
    int      xml;
    unsigned hours;
    uint64_t now;
    es_buf   out;
    es_buf   scratch;
    const char *server;
    uint64_t rows;
    int      warnings_shown;
    const char *file;
} cat;

static void flush_out(cat *c)
{
    if (c->out.len) {
        fwrite(c->out.data, 1, c->out.len, stdout);
        es_buf_clear(&c->out);
    }
}

static int on_record(void *ctx, const es_event *ev, const es_evtx_record *rec)
{
    cat *c = ctx;
    if (c->hours && !es_time_in_window(ev->time_created, c->now, c->hours))
        return 0;
    if (c->xml) {
        es_buf_append(&c->out, rec->xml, rec->xml_len);
        es_buf_putc(&c->out, '\n');
    } else {
        es_row r;
        char task[16];
        es_row_from_event(&r, ev, 0, c->now, &c->scratch, task, sizeof task);
        es_export_row(&c->out, c->server, &r);
    }
    c->rows++;
    if (c->out.len >= OUT_FLUSH)
        flush_out(c);
    return 0;
}

#define MAX_WARNINGS_SHOWN 10

static void on_warn(void *ctx, const char *msg)
{
    cat *c = ctx;
    if (c->warnings_shown++ < MAX_WARNINGS_SHOWN)
        fprintf(stderr, "evtxcat: %s: %s\n", c->file, msg);
}

/* ---- platform: open a file, list a directory (UTF-8 names) ---- */

#ifdef _WIN32
static wchar_t *widen(const char *s)
{
    size_t n = strlen(s);
    size_t units = es_utf8_utf16_len(s, n) + 1;
    uint16_t *w = malloc(units * sizeof *w);
    if (w)
        es_utf8_to_utf16(s, n, w, units);
    return (wchar_t *)w;
}

static char *narrow(const wchar_t *w)
{
    es_buf b;
    es_buf_init(&b);
    es_utf16le_to_utf8(&b, w, wcslen(w), 1);
    if (!b.data)
        es_buf_putc(&b, 0);
    return b.data;
}

static FILE *open_file(const char *path)
{
    wchar_t *w = widen(path);
    FILE *f = w ? _wfopen(w, L"rb") : NULL;
    free(w);
    return f;
}

static int is_dir(const char *path)
{
    wchar_t *w = widen(path);
    DWORD a = w ? GetFileAttributesW(w) : INVALID_FILE_ATTRIBUTES;
    free(w);
    return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
}

/* Fills names with the *.evtx file names of dir (malloc'd). Returns -1 when it cannot list. */
static int list_dir(const char *dir, char ***names, size_t *n)
{
    es_buf pat;
    es_buf_init(&pat);
    es_buf_puts(&pat, dir);
    es_buf_puts(&pat, "\\*.evtx");
    wchar_t *w = widen(pat.data);
    es_buf_free(&pat);
    if (!w)
        return -1;
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(w, &fd);
    free(w);
    *names = NULL;
    *n = 0;
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError() == ERROR_FILE_NOT_FOUND ? 0 : -1;
    size_t cap = 0;
    do {
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
            continue;
        size_t len = wcslen(fd.cFileName);
        if (len < 5 || _wcsicmp(fd.cFileName + len - 5, L".evtx") != 0)
            continue;   /* FindFirstFile also matches 8.3 aliases such as "*.evtxx" */
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(*names, cap * sizeof *nn);
            if (!nn)
                break;
            *names = nn;
        }
        (*names)[(*n)++] = narrow(fd.cFileName);
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    return 0;
}
#define PATH_SEP "\\"
#else
static FILE *open_file(const char *path) { return fopen(path, "rb"); }

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int list_dir(const char *dir, char ***names, size_t *n)
{
    DIR *d = opendir(dir);
    *names = NULL;
    *n = 0;
    if (!d)
        return -1;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 5, ".evtx") != 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(*names, cap * sizeof *nn);
            if (!nn)
                break;
            *names = nn;
        }
        char *s = malloc(len + 1);
        if (!s)
            break;
        memcpy(s, e->d_name, len + 1);
        (*names)[(*n)++] = s;
    }
    closedir(d);
    return 0;
}
#define PATH_SEP "/"
#endif

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static const char *base_name(const char *path)
{
    const char *b = path;
    for (const char *s = path; *s; s++)
        if (*s == '/' || *s == '\\')
            b = s + 1;
    return b;
}

/* ---- one file ---- */

/* Returns 0 when all was read, 2 when damaged records were skipped, 1 when unreadable. */
static int cat_file(cat *c, es_evtx_parser *p, const char *path)
{
    static unsigned char buf[ES_EVTX_CHUNK_SIZE];
    FILE *f = open_file(path);
    if (!f) {
        fprintf(stderr, "evtxcat: %s: cannot open: %s\n", path, strerror(errno));
        return 1;
    }
    c->file = path;
    c->server = base_name(path);
    c->warnings_shown = 0;
    es_evtx_reset(p);
    size_t n = fread(buf, 1, ES_EVTX_FILE_HEADER_SIZE, f);
    if (ferror(f)) {
        fprintf(stderr, "evtxcat: %s: cannot read: %s\n", path, strerror(errno));
        fclose(f);
        return 1;
    }
    es_evtx_file_info fi;
    int h = es_evtx_parse_file_header(buf, n, &fi);
    if (h == ES_EVTX_HDR_SHORT || (h == ES_EVTX_HDR_BAD_SIGNATURE && n < ES_EVTX_FILE_HEADER_SIZE)) {
        fprintf(stderr, "evtxcat: %s: not an .evtx file (%s)\n", path,
                h == ES_EVTX_HDR_SHORT ? "too short" : "no file header");
        fclose(f);
        return 1;
    }
    if (h == ES_EVTX_HDR_BAD_SIGNATURE)
        fprintf(stderr, "evtxcat: %s: bad file header signature; looking for chunks anyway\n", path);
    else if (h == ES_EVTX_HDR_BAD_CHECKSUM)
        fprintf(stderr, "evtxcat: %s: file header checksum mismatch\n", path);
    es_evtx_note_file_header(p, h);
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        es_evtx_feed_chunk(p, buf, n, on_record, c);
        if (n < sizeof buf)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "evtxcat: %s: read error: %s\n", path, strerror(errno));
        rc = 1;
    }
    fclose(f);
    flush_out(c);
    const es_evtx_stats *st = es_evtx_get_stats(p);
    if (h == ES_EVTX_HDR_BAD_SIGNATURE && st->records == 0) {
        fprintf(stderr, "evtxcat: %s: not an .evtx file (no file header, no records)\n", path);
        return 1;
    }
    if (c->warnings_shown > MAX_WARNINGS_SHOWN)
        fprintf(stderr, "evtxcat: %s: %d more warnings not shown\n", path, c->warnings_shown - MAX_WARNINGS_SHOWN);
    if (st->skipped_records || st->bad_chunks) {
        fprintf(stderr, "evtxcat: %s: %llu records read, %llu damaged records skipped, %llu bad chunks\n", path,
                (unsigned long long)st->records, (unsigned long long)st->skipped_records,
                (unsigned long long)st->bad_chunks);
        if (st->skipped_records && rc == 0)
            rc = 2;
    }
    if (st->chunk_crc_errors || st->data_crc_errors)
        fprintf(stderr, "evtxcat: %s: checksum mismatches: %llu chunk headers, %llu record areas (records kept)\n",
                path, (unsigned long long)st->chunk_crc_errors, (unsigned long long)st->data_crc_errors);
    return rc;
}

static int worse(int a, int b)
{
    /* 1 (unreadable) beats 2 (damaged) beats 0 */
    if (a == 1 || b == 1)
        return 1;
    return a > b ? a : b;
}

static void usage(void)
{
    fprintf(stderr, "usage: evtxcat [--xml] [--hours N] FILE|DIR...\n"
                    "  --xml      write each event's XML (one <Event> per line) instead of CSV rows\n"
                    "  --hours N  only events created in the last N hours (0..%u; 0 = all, the default)\n"
                    "  A directory means every *.evtx file in it, in name order.\n",
            ES_HOURS_MAX);
}

static int run(int argc, char **argv)
{
    cat c;
    memset(&c, 0, sizeof c);
    es_buf_init(&c.out);
    es_buf_init(&c.scratch);
    c.now = ES_UNIX_EPOCH_TICKS + (uint64_t)time(NULL) * ES_TICKS_PER_SEC;
    int first_file = 0, opts_done = 0;
    char **files = calloc((size_t)argc + 1, sizeof *files);
    size_t nfiles = 0;
    if (!files)
        return 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!opts_done && strcmp(a, "--") == 0) {
            opts_done = 1;
        } else if (!opts_done && strcmp(a, "--xml") == 0) {
            c.xml = 1;
        } else if (!opts_done && (strcmp(a, "--hours") == 0 || strncmp(a, "--hours=", 8) == 0)) {
            const char *v = a[7] == '=' ? a + 8 : (i + 1 < argc ? argv[++i] : NULL);
            char *endp = NULL;
            unsigned long h = 0;
            if (v && *v >= '0' && *v <= '9') {
                errno = 0;
                h = strtoul(v, &endp, 10);
            }
            if (!v || !endp || *endp || errno || h > ES_HOURS_MAX) {
                fprintf(stderr, "evtxcat: --hours: \"%s\" is not a whole number from 0 to %u\n", v ? v : "",
                        ES_HOURS_MAX);
                free(files);
                return 1;
            }
            c.hours = (unsigned)h;
        } else if (!opts_done && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            usage();
            free(files);
            return 0;
        } else if (!opts_done && a[0] == '-' && a[1]) {
            fprintf(stderr, "evtxcat: unknown option \"%s\"\n", a);
            usage();
            free(files);
            return 1;
        } else {
            files[nfiles++] = argv[i];
        }
    }
    (void)first_file;
    if (nfiles == 0) {
        fprintf(stderr, "evtxcat: no FILE or DIR given\n");
        usage();
        free(files);
        return 1;
    }
#ifdef _WIN32
    _setmode(_fileno(stdout), _O_BINARY);
#endif
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    es_evtx_parser *p = es_evtx_new(c.xml ? ES_EVTX_XML : 0);
    if (!p) {
        fprintf(stderr, "evtxcat: out of memory\n");
        free(files);
        return 1;
    }
    es_evtx_set_warn(p, on_warn, &c);
    if (!c.xml) {
        es_export_rows_header(&c.out);
        flush_out(&c);
    }
    int rc = 0;
    for (size_t i = 0; i < nfiles; i++) {
        const char *path = files[i];
        if (is_dir(path)) {
            char **names;
            size_t n;
            if (list_dir(path, &names, &n) < 0) {
                fprintf(stderr, "evtxcat: %s: cannot list the directory: %s\n", path, strerror(errno));
                rc = worse(rc, 1);
                continue;
            }
            qsort(names, n, sizeof *names, cmp_names);
            for (size_t k = 0; k < n; k++) {
                es_buf full;
                es_buf_init(&full);
                es_buf_puts(&full, path);
                size_t pl = strlen(path);
                if (pl && path[pl - 1] != '/' && path[pl - 1] != '\\')
                    es_buf_puts(&full, PATH_SEP);
                es_buf_puts(&full, names[k]);
                if (full.data)
                    rc = worse(rc, cat_file(&c, p, full.data));
                es_buf_free(&full);
                free(names[k]);
            }
            free(names);
        } else {
            rc = worse(rc, cat_file(&c, p, path));
        }
    }
    flush_out(&c);
    fflush(stdout);
    es_evtx_free(p);
    es_buf_free(&c.out);
    es_buf_free(&c.scratch);
    free(files);
    return rc;
}

#ifdef _WIN32
int wmain(int argc, wchar_t **wargv)
{
    char **argv = calloc((size_t)argc + 1, sizeof *argv);
    if (!argv)
        return 1;
    for (int i = 0; i < argc; i++) {
        argv[i] = narrow(wargv[i]);
        if (!argv[i]) {
            fprintf(stderr, "evtxcat: out of memory\n");
            return 1;
        }
    }
    int rc = run(argc, argv);
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
    return rc;
}
#else
int main(int argc, char **argv) { return run(argc, argv); }
#endif
