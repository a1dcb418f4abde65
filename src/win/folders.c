/* Lists the .evtx files of folder entries on a background thread (see folders.h). */
#include "folders.h"
#include "winutil.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static BOOL ends_with_evtx(const WCHAR *name)
{
    size_t n = wcslen(name);
    return n > 5 && _wcsicmp(name + n - 5, L".evtx") == 0;
}

static int by_name(const void *a, const void *b)
{
    return _wcsicmp(*(WCHAR *const *)a, *(WCHAR *const *)b);
}

static BOOL add_file(expand_entry *e, size_t *cap, const WCHAR *path)
{
    if (!es_grow(&e->files, cap, e->nfiles + 1, sizeof *e->files))
        return FALSE;
    e->files[e->nfiles] = _wcsdup(path);
    if (!e->files[e->nfiles])
        return FALSE;
    e->nfiles++;
    return TRUE;
}

static void expand_one(expand_entry *e)
{
    size_t cap = 0;
    DWORD attrs = GetFileAttributesW(e->path);
    if (attrs == INVALID_FILE_ATTRIBUTES) {
        e->error = GetLastError();
        return;
    }
    if (!(attrs & FILE_ATTRIBUTE_DIRECTORY)) {
        if (!add_file(e, &cap, e->path))
            e->error = ERROR_NOT_ENOUGH_MEMORY;
        return;
    }
    size_t dl = wcslen(e->path);
    while (dl > 0 && (e->path[dl - 1] == L'\\' || e->path[dl - 1] == L'/'))
        dl--;
    size_t cap_path = dl + MAX_PATH + 8;
    WCHAR *pattern = malloc(cap_path * sizeof(WCHAR)), *full = malloc(cap_path * sizeof(WCHAR));
    if (!pattern || !full) {
        free(pattern);
        free(full);
        e->error = ERROR_NOT_ENOUGH_MEMORY;
        return;
    }
    swprintf(pattern, cap_path, L"%.*ls\\*.evtx", (int)dl, e->path);
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileExW(pattern, FindExInfoBasic, &fd, FindExSearchNameMatch, NULL, FIND_FIRST_EX_LARGE_FETCH);
    if (h == INVALID_HANDLE_VALUE) {
        e->error = GetLastError() == ERROR_FILE_NOT_FOUND ? ERROR_FILE_NOT_FOUND : GetLastError();
    } else {
        do {
            /* "*.evtx" can also match longer extensions through 8.3 names: check the real name. */
            if ((fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) || !ends_with_evtx(fd.cFileName))
                continue;
            swprintf(full, cap_path, L"%.*ls\\%ls", (int)dl, e->path, fd.cFileName);
            if (!add_file(e, &cap, full)) {
                e->error = ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
        } while (FindNextFileW(h, &fd));
        FindClose(h);
        if (!e->error && e->nfiles == 0)
            e->error = ERROR_FILE_NOT_FOUND; /* a folder without saved logs: almost surely a mistake */
    }
    free(pattern);
    free(full);
    if (e->nfiles > 1)
        qsort(e->files, e->nfiles, sizeof *e->files, by_name);
}

/* What a file is, whatever its path's spelling: its volume and its ID there. Its size and
 * times are compared too: servers cloned from one image share volume serial numbers, and a file
 * that came with the image (System.evtx) has the same ID on each, so \\a\c$\...\System.evtx and
 * \\b\c$\...\System.evtx must not pass for one file. One file reached twice within a listing
 * has the same size and times (if it was written in between, it is read twice: never lost). */
typedef struct file_key {
    uint64_t volume;
    uint8_t  id[16];
    uint64_t size, created, written;
} file_key;

static BOOL file_identity(const WCHAR *path, file_key *k)
{
    HANDLE h = CreateFileW(path, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return FALSE;
    memset(k, 0, sizeof *k);
    FILE_ID_INFO fid;
    BY_HANDLE_FILE_INFORMATION bh;
    BOOL ok = GetFileInformationByHandle(h, &bh);
    if (ok) {
        k->size = ((uint64_t)bh.nFileSizeHigh << 32) | bh.nFileSizeLow;
        k->created = ((uint64_t)bh.ftCreationTime.dwHighDateTime << 32) | bh.ftCreationTime.dwLowDateTime;
        k->written = ((uint64_t)bh.ftLastWriteTime.dwHighDateTime << 32) | bh.ftLastWriteTime.dwLowDateTime;
        if (GetFileInformationByHandleEx(h, FileIdInfo, &fid, sizeof fid)) {
            k->volume = fid.VolumeSerialNumber;
            memcpy(k->id, fid.FileId.Identifier, sizeof k->id);
        } else { /* file systems and systems without 128-bit IDs: the 64-bit file index */
            k->volume = bh.dwVolumeSerialNumber;
            uint64_t index = ((uint64_t)bh.nFileIndexHigh << 32) | bh.nFileIndexLow;
            memcpy(k->id, &index, sizeof index);
        }
    }
    CloseHandle(h);
    return ok;
}

/* Leaves out of each entry the files an earlier entry lists already. A file whose identity
 * cannot be read is kept: a failed check never costs a file. An entry that failed (its files
 * are not read) neither loses files nor makes others lose theirs. */
static void drop_duplicates(expand_job *job)
{
    file_key *seen = NULL;
    size_t *owner = NULL, nseen = 0, cap = 0, cap_owner = 0;
    for (size_t i = 0; i < job->n; i++) {
        expand_entry *e = &job->e[i];
        size_t kept = 0;
        if (e->error)
            continue;
        for (size_t f = 0; f < e->nfiles; f++) {
            file_key k;
            BOOL dup = FALSE;
            if (file_identity(e->files[f], &k)) {
                for (size_t s = 0; s < nseen && !dup; s++)
                    if (memcmp(&seen[s], &k, sizeof k) == 0) {
                        dup = TRUE;
                        if (e->ndup++ == 0)
                            e->dup_of = owner[s];
                        else if (e->dup_of != owner[s])
                            e->dup_of = SIZE_MAX; /* read through several entries */
                    }
                if (!dup && es_grow(&seen, &cap, nseen + 1, sizeof *seen) &&
                    es_grow(&owner, &cap_owner, nseen + 1, sizeof *owner)) {
                    seen[nseen] = k;
                    owner[nseen++] = i;
                }
            }
            if (dup)
                free(e->files[f]);
            else
                e->files[kept++] = e->files[f];
        }
        e->nfiles = kept;
    }
    free(seen);
    free(owner);
}

static void expand_work(void *param)
{
    expand_job *job = param;
    for (size_t i = 0; i < job->n; i++)
        expand_one(&job->e[i]);
    drop_duplicates(job);
}

static void expand_free_any(void *job) { expand_free(job); }

BOOL expand_start(HWND hwnd, expand_job *job)
{
    return wu_run_job(hwnd, SWM_EXPAND_DONE, job, expand_work, expand_free_any);
}

void expand_free(expand_job *job)
{
    if (!job)
        return;
    for (size_t i = 0; i < job->n; i++) {
        free(job->e[i].path);
        for (size_t k = 0; k < job->e[i].nfiles; k++)
            free(job->e[i].files[k]);
        free(job->e[i].files);
    }
    free(job->e);
    free(job);
}
