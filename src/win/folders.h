/* folders: turns the saved-log entries of a sweep (a .evtx file, or a folder of them) into the
 * list of files to read, on a background thread: a folder on a slow or dead share must not
 * freeze the window. A file reached twice — a folder and a file inside it, two spellings of one
 * path, a drive letter and a UNC path to the same share — is read once: files are compared by
 * volume and file ID (with size and times, so that cloned servers' files stay apart), not by
 * spelling; the later entries simply do not list it again. The result comes back as
 * SWM_EXPAND_DONE (lParam = expand_job*), which the UI frees with expand_free(); if the window
 * is gone the thread frees it. */
#ifndef FOLDERS_H
#define FOLDERS_H

#include <windows.h>

#include "export.h"

#define SWM_EXPAND_DONE (SWM_LAST + 3)

typedef struct expand_entry {
    size_t  entry;      /* the window's index of the list entry */
    WCHAR  *path;       /* as the user gave it */
    DWORD   error;      /* 0, or why it could not be listed */
    WCHAR **files;      /* full paths, in name order (a file entry: itself), each read once */
    size_t  nfiles;
    size_t  ndup;       /* files left out: an earlier entry of the job lists them already */
    size_t  dup_of;     /* when ndup: the job index of the entry that lists them, SIZE_MAX if several do */
} expand_entry;

typedef struct expand_job {
    expand_entry *e;
    size_t        n;
} expand_job;

BOOL expand_start(HWND hwnd, expand_job *job);
void expand_free(expand_job *job);

#endif
