/* A ZIP archive written front to back into a stream, one whole file at a
 * time, for POST /v1/batch (why not libzip: serve_zip.c). */
#ifndef BRIEFING_SERVE_ZIP_H
#define BRIEFING_SERVE_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"

typedef struct serve_zip {
    uint64_t offset; /* bytes written so far */
    buf central;     /* the central directory, written by serve_zip_finish */
    size_t n;
} serve_zip;

void serve_zip_init(serve_zip *z);
/* Appends the file's local header and bytes (stored: PDFs are compressed
 * already) to out. False, with nothing appended, when the archive would pass
 * what a ZIP without ZIP64 holds (4 GiB, 65,535 files). */
bool serve_zip_add(serve_zip *z, buf *out, const char *name, const void *data, size_t len);
/* Appends the central directory and its end record. */
void serve_zip_finish(serve_zip *z, buf *out);
void serve_zip_free(serve_zip *z);

#endif
