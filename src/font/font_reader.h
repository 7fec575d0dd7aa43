/* How a subsetter reads glyph programs when it does not read them through
 * the face's mapping: for a process that renders one document and exits,
 * a read costs less than the page faults of touching each glyph through the
 * font file's mapping (font_face_read). Shared by the TrueType and CFF
 * subsetters. */
#ifndef BRIEFING_FONT_READER_H
#define BRIEFING_FONT_READER_H

#include <stdbool.h>
#include <stddef.h>

/* read() copies len bytes at `at`, a pointer into one of the face's mapped
 * tables, into dst; false when it cannot. */
typedef struct font_reader {
    bool (*read)(void *ctx, const void *at, size_t len, void *dst);
    void *ctx;
} font_reader;

#endif
