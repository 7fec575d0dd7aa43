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

#endif
