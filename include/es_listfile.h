/* es_listfile: the text of a server list (--servers FILE, Import…, the saved list): one source
 * per line; blank lines and lines whose first non-blank character is '#' are skipped; a '#'
 * after an entry is NOT a comment (it may be part of a path). Leading/trailing white space is
 * trimmed. The bytes may be UTF-8 (with or without BOM) or UTF-16 LE/BE with BOM (Notepad's
 * "Unicode"); CRLF, LF and CR line ends are all accepted. A NUL byte in UTF-8 text, or an odd
 * byte count in UTF-16 text, is an error.
 *
 * Portable core: no windows.h. */
#ifndef ES_LISTFILE_H
#define ES_LISTFILE_H

#include <stddef.h>

/* Called once per entry with the trimmed UTF-8 text and its 1-based line number. Return 0 to
 * go on, non-zero to stop (es_listfile_parse then returns that value). */
typedef int (*es_listfile_cb)(void *ctx, const char *entry, size_t line);

/* Returns 0 when every line was delivered, the callback's non-zero value if it stopped, or -1
 * when the bytes are not text it can read (err says why, e.g. "line 3: contains a NUL byte"). */
int es_listfile_parse(const void *bytes, size_t len, es_listfile_cb cb, void *ctx, char *err, size_t err_len);

#endif
