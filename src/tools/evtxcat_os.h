/* evtxcat's platform layer: what differs between Windows and POSIX, so that evtxcat.c holds
 * only the tool (the files in order, their output in turn). Names are UTF-8 on both. */
#ifndef EVTXCAT_OS_H
#define EVTXCAT_OS_H

#include <stddef.h>
#include <stdio.h>
#include <wchar.h>

#ifdef _WIN32
typedef void *os_thread;   /* a thread's HANDLE */
#define OS_PATH_SEP "\\"
char *os_narrow(const wchar_t *w);   /* UTF-16 to UTF-8, malloc'ed; NULL when out of memory */
#else
#include <pthread.h>
typedef pthread_t os_thread;
#define OS_PATH_SEP "/"
#endif

void  os_binary_stdout(void);   /* no CRLF translation (Windows); nothing elsewhere */
FILE *os_open_file(const char *path);   /* for reading, binary; NULL with errno */
int   os_is_dir(const char *path);
/* Fills names with the *.evtx file names of dir (malloc'd). Returns -1 when it cannot list. */
int   os_list_dir(const char *dir, char ***names, size_t *n);
/* A temporary file, unbuffered, deleted when closed; NULL when none can be made. */
FILE *os_temp_file(void);
/* strerror, safe on any thread (buf may be used). */
const char *os_err_text(int e, char *buf, size_t size);

/* The one lock the threads share, and its condition. */
void os_lock(void);
void os_unlock(void);
void os_wait(void);   /* under the lock: waits for os_wake */
void os_wake(void);

/* Threads: every one runs the body given once with os_thread_body. 0, or -1 when it could not start. */
void os_thread_body(void (*body)(void *));
int  os_thread_start(os_thread *t, void *arg);
void os_thread_join(os_thread t);

#endif
