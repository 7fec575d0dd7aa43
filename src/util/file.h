/* Whole-file reads and atomic writes. */
#ifndef BRIEFING_FILE_H
#define BRIEFING_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* Reads the file into a new NUL-terminated buffer the caller frees. Files
 * larger than max_bytes are refused with a diagnostic. */
char *file_read_all(const char *path, size_t max_bytes, size_t *len, diag_list *d);

/* Writes data to a temporary file in the target's folder, syncs it and renames
 * it over path, so a failure (full disk, signal) never leaves a partial file at
 * path. Returns false with a diagnostic on failure and removes the temporary. */
bool file_write_atomic(const char *path, const void *data, size_t len, diag_list *d);

/* Group commit, for many files at once (batch): file_write_temp writes each
 * to a temporary beside its target without syncing; one file_sync_fs makes a
 * whole group durable (one journal commit instead of one per file); then
 * file_commit renames each into place. Whatever fails or stops in between,
 * a target name only ever holds a complete, synced file.
 *
 * file_write_temp returns the temporary's name (the caller passes it to
 * file_commit or file_discard, which free it), or NULL with a diagnostic. */
char *file_write_temp(const char *path, const void *data, size_t len, diag_list *d);
/* Syncs the file system holding path (a file or folder). */
bool file_sync_fs(const char *path, diag_list *d);
/* Renames tmp to path; on failure removes tmp, with a diagnostic. Frees tmp. */
bool file_commit(char *tmp, const char *path, diag_list *d);
/* Removes tmp and frees it. */
void file_discard(char *tmp);

#endif
