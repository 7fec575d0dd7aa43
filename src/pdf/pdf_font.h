/* The fonts of one document: which (glyph, text) pairs each face uses, their
 * CIDs, and the embedded objects (Type0 / CIDFontType2 / FontDescriptor /
 * FontFile2 subset / ToUnicode / CIDToGIDMap) written through libharu's
 * object API. Internal to the PDF writer. */
#ifndef BRIEFING_PDF_FONT_H
#define BRIEFING_PDF_FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../layout/layout.h"
#include "pdf_internal.h"

/* A distinct (glyph, text, extra width) triple of one face. Two code points
 * drawn with one glyph are two pairs with two CIDs, so text extraction returns
 * each; a glyph followed by a Han–Latin gap gets a CID whose width holds it. */
typedef struct pdf_font_pair {
    uint32_t gid;                /* glyph id in the face */
    uint32_t text_off, text_len; /* in the layout's text pool */
    uint32_t cid;                /* assigned by pdf_fontset_embed */
    int32_t width;               /* advance in 1/1000 em, as written in /W */
    int16_t extra;               /* spacing the glyph carries (layout_glyph.extra) */
} pdf_font_pair;

typedef struct pdf_font {
    const font_face *face;
    char res_name[16]; /* resource name in page /Font dicts: "BF<n>" */
    pdf_font_pair *pairs;
    size_t n_pairs, cap_pairs;
    uint32_t *table; /* open addressing: pair index + 1, 0 = empty */
    size_t table_cap;
    HPDF_Dict type0;   /* set by pdf_fontset_embed */
    buf w_text;        /* the /W array, written by the CIDFont's write hook */
    size_t file_bytes; /* uncompressed subset size */
    unsigned n_glyphs; /* glyphs in the subset */
} pdf_font;

typedef struct pdf_fontset {
    const layout_doc *doc;
    pdf_font *fonts;
    size_t n_fonts, cap_fonts;
    size_t last; /* font of the previous lookup */
} pdf_fontset;

/* Where a layout glyph went: font index in the set, pair index in the font. */
typedef struct pdf_glyph_ref {
    uint32_t font, pair;
} pdf_glyph_ref;

void pdf_fontset_init(pdf_fontset *fs, const layout_doc *doc);
void pdf_fontset_free(pdf_fontset *fs);

/* Registers the glyph's (face, gid, text); returns where it went. */
pdf_glyph_ref pdf_fontset_add(pdf_fontset *fs, const layout_glyph *g);

/* Subsets every face, assigns CIDs and widths, and creates the font objects
 * in the document. False with a diagnostic on failure. */
bool pdf_fontset_embed(pdf_fontset *fs, pdf_ctx *c);

#endif
