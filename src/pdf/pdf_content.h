/* Page content streams: rectangles, rules and text runs as PDF operators.
 * Internal to the PDF writer. */
#ifndef BRIEFING_PDF_CONTENT_H
#define BRIEFING_PDF_CONTENT_H

#include "../layout/layout.h"
#include "../util/buf.h"
#include "pdf_font.h"

/* Appends the operators of one page to b. refs[i] is where the page's glyph
 * i went in fs (pdf_fontset_add), after pdf_fontset_embed assigned CIDs. */
void pdf_content_page(buf *b, const pdf_fontset *fs, const layout_page *page,
                      const pdf_glyph_ref *refs);

#endif
