/* evtxcat's platform layer (evtxcat_os.h): files and directories by UTF-8 name, a temporary
 * file, one lock with its condition, threads — Win32 or POSIX. */
#include "evtxcat_os.h"
#include "es_buf.h"
#include "es_utf.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <windows.h>
#else
#include <dirent.h>
#include <sys/stat.h>
#endif

static void (*s_body)(void *);   /* every thread's body (os_thread_body) */

void os_thread_body(void (*body)(void *)) { s_body = body; }

void os_binary_stdout(void)
{
#ifdef _WIN32
    _setmode(_fileno(stdout), _O_BINARY);
#endif
}

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

char *os_narrow(const wchar_t *w)
{
    es_buf b;
    es_buf_init(&b);
    es_utf16le_to_utf8(&b, w, wcslen(w), 1);
    if (!b.data)
        es_buf_putc(&b, 0);
    return b.data;
}

FILE *os_open_file(const char *path)
{
    wchar_t *w = widen(path);
    FILE *f = w ? _wfopen(w, L"rb") : NULL;
    free(w);
    return f;
}

int os_is_dir(const char *path)
{
    wchar_t *w = widen(path);
    DWORD a = w ? GetFileAttributesW(w) : INVALID_FILE_ATTRIBUTES;
    free(w);
    return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
}

/* Fills names with the *.evtx file names of dir (malloc'd). Returns -1 when it cannot list. */
int os_list_dir(const char *dir, char ***names, size_t *n)
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
        (*names)[(*n)++] = os_narrow(fd.cFileName);
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    return 0;
}

/* tmpfile() of Microsoft's C runtime creates the file in the root of the drive, where a user
 * may not write: the user's temporary folder instead, deleted when closed. */
FILE *os_temp_file(void)
{
    wchar_t dir[MAX_PATH + 1], name[MAX_PATH + 1];
    DWORD n = GetTempPathW(MAX_PATH + 1, dir);
    if (n == 0 || n > MAX_PATH || !GetTempFileNameW(dir, L"evx", 0, name))
        return NULL;
    HANDLE h = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        DeleteFileW(name);
        return NULL;
    }
    int fd = _open_osfhandle((intptr_t)h, _O_BINARY);
    if (fd < 0) {
        CloseHandle(h);
        return NULL;
    }
    FILE *f = _fdopen(fd, "w+b");
    if (f)
        setvbuf(f, NULL, _IONBF, 0);   /* written 1 MiB at a time: a short write is seen at once */
    else
        _close(fd);
    return f;
}

/* strerror of Microsoft's C runtime keeps its text per thread */
const char *os_err_text(int e, char *buf, size_t size)
{
    (void)buf, (void)size;
    return strerror(e);
}

static SRWLOCK            q_lock = SRWLOCK_INIT;
static CONDITION_VARIABLE q_changed = CONDITION_VARIABLE_INIT;
void os_lock(void) { AcquireSRWLockExclusive(&q_lock); }
void os_unlock(void) { ReleaseSRWLockExclusive(&q_lock); }
void os_wait(void) { SleepConditionVariableSRW(&q_changed, &q_lock, INFINITE, 0); }
void os_wake(void) { WakeAllConditionVariable(&q_changed); }

static unsigned __stdcall thread_body(void *arg)
{
    s_body(arg);
    return 0;
}
int os_thread_start(os_thread *t, void *arg)
{
    *t = (HANDLE)_beginthreadex(NULL, 0, thread_body, arg, 0, NULL);
    return *t ? 0 : -1;
}
void os_thread_join(os_thread t)
{
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
}
#else
FILE *os_open_file(const char *path) { return fopen(path, "rb"); }

int os_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int os_list_dir(const char *dir, char ***names, size_t *n)
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

FILE *os_temp_file(void)
{
    FILE *f = tmpfile();
    if (f)
        setvbuf(f, NULL, _IONBF, 0);   /* written 1 MiB at a time: a short write is seen at once */
    return f;
}

const char *os_err_text(int e, char *buf, size_t size)
{
    if (strerror_r(e, buf, size) != 0)
        snprintf(buf, size, "error %d", e);
    return buf;
}

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  q_changed = PTHREAD_COND_INITIALIZER;
void os_lock(void) { pthread_mutex_lock(&q_lock); }
void os_unlock(void) { pthread_mutex_unlock(&q_lock); }
void os_wait(void) { pthread_cond_wait(&q_changed, &q_lock); }
void os_wake(void) { pthread_cond_broadcast(&q_changed); }

static void *thread_body(void *arg)
{
    s_body(arg);
    return NULL;
}
int os_thread_start(os_thread *t, void *arg) { return pthread_create(t, NULL, thread_body, arg) ? -1 : 0; }
void os_thread_join(os_thread t) { pthread_join(t, NULL); }
#endif

