/* The PDF writer: turns a layout_doc into PDF bytes with libharu, embedding
 * every font used as a true subset (Type0 / CIDFontType2 / Identity-H, with a
 * ToUnicode CMap) written through libharu's object API. */
#ifndef BRIEFING_PDF_H
#define BRIEFING_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "../layout/layout.h"
#include "../util/diag.h"

typedef struct pdf_info {
    const char *title, *author, *subject, *keywords, *creator; /* UTF-8, may be NULL */
    /* "D:YYYYMMDDHHmmSS" parts; year 0 means no date is written. */
    int year, month, day, hour, minute, second;
    /* How far embedded TrueType outlines may move to take fewer bytes, in
     * units of 1/1000 em; 0 embeds them exactly (see font_ttf_subset). */
    double font_tolerance;
    /* Read glyph outlines from the font files rather than through their
     * mappings (font_face_read): for a process that writes one document.
     * The bytes written are the same either way. */
    bool read_outlines;
    /* Glyph programs kept from earlier documents by this thread (may be
     * NULL): see font_cff_cache. */
    struct font_cff_cache *cff_cache;
} pdf_info;

/* Writes the document into a new malloc'ed buffer (*out, *out_len) that the
 * caller frees. The same layout and info always give the same bytes. Returns
 * false with a diagnostic on failure. */
bool pdf_write(const layout_doc *doc, const pdf_info *info, char **out, size_t *out_len,
               diag_list *d);

#endif
