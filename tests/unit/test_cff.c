/* The CFF subsetter (src/pdf/pdf_cff.c), checked with FreeType as an
 * independent reader: the bare CFF a PDF embeds (FontFile3 /CIDFontType0C)
 * loads; the CID it gives for each glyph finds, through the subset's own
 * charset (as a PDF reader looks it up), exactly the glyph's outline in the
 * face; a face that is not CFF is refused. Needs fonts-noto-cjk; runs from
 * the repository root. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_CID_H

#include "check.h"
#include "pdf/pdf_cff.h"
#include "util/buf.h"

#define NOTO "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
#define NOTO_SC 2 /* the face "Noto Serif CJK SC" in the collection */

static bool same_outline(FT_Face a, unsigned ga, FT_Face b, unsigned gb) {
    if (FT_Load_Glyph(a, ga, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING) ||
        FT_Load_Glyph(b, gb, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING))
        return false;
    FT_Outline *x = &a->glyph->outline, *y = &b->glyph->outline;
    if (x->n_points != y->n_points || x->n_contours != y->n_contours) return false;
    for (int i = 0; i < x->n_points; i++)
        if (x->points[i].x != y->points[i].x || x->points[i].y != y->points[i].y ||
            (x->tags[i] & 3) != (y->tags[i] & 3))
            return false;
    return x->n_points > 0 || ga == 0 || a->glyph->metrics.width == 0;
}

int main(void) {
    FT_Library ft;
    FT_Init_FreeType(&ft);
    FT_Face orig;
    if (FT_New_Face(ft, NOTO, NOTO_SC, &orig)) {
        fprintf(stderr, "%s missing (fonts-noto-cjk)\n", NOTO);
        CHECK(false);
        return CHECK_DONE();
    }
    hb_blob_t *blob = hb_blob_create_from_file(NOTO);
    hb_face_t *face = hb_face_create(blob, NOTO_SC);
    CHECK(pdf_cff_supported(face));
    hb_font_t *font = hb_font_create(face);

    /* the characters of a sentence, quotes, digits, an Extension B one */
    const uint32_t cps[] = {0x6CD5, 0x6CBB, 0x653F, 0x5E9C, 0x201C, 0x201D, 0x3002, 0xFF0C,
                            '2',    '0',    'A',    0x5E74, 0x8861, 0x5C71, 0x53BF};
    size_t n = sizeof cps / sizeof cps[0];
    uint32_t gids[32], cids[32];
    for (size_t i = 0; i < n; i++) {
        hb_codepoint_t g = 0;
        CHECK(hb_font_get_nominal_glyph(font, cps[i], &g));
        gids[i] = g;
    }
    buf out;
    buf_init(&out);
    char err[160] = "";
    CHECK(pdf_cff_subset(face, gids, n, &out, cids, err, sizeof err));
    CHECK(out.len > 100 && out.len < 60000);

    FT_Face sub;
    CHECK(FT_New_Memory_Face(ft, (const FT_Byte *)out.data, (FT_Long)out.len, 0, &sub) == 0);
    FT_Bool is_cid = 0;
    CHECK(FT_Get_CID_Is_Internally_CID_Keyed(sub, &is_cid) == 0 && is_cid);
    for (size_t i = 0; i < n; i++) {
        /* FreeType takes a glyph index of a bare CID-keyed CFF as a CID and
         * looks it up in the charset: the lookup a PDF reader makes for the
         * code cids[i] */
        if (!same_outline(orig, gids[i], sub, cids[i])) {
            fprintf(stderr, "U+%04X: CID %u does not give glyph %u's outline\n",
                    (unsigned)cps[i], (unsigned)cids[i], (unsigned)gids[i]);
            CHECK(false);
        } else {
            CHECK(true);
        }
    }
    /* and a CID the subset does not hold finds nothing */
    CHECK(FT_Load_Glyph(sub, 3, FT_LOAD_NO_SCALE) != 0 || gids[0] == 3);
    FT_Done_Face(sub);
    buf_free(&out);

    /* a TrueType face is not this subsetter's */
    hb_blob_t *tb = hb_blob_create_from_file("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    hb_face_t *tf = hb_face_create(tb, 0);
    CHECK(!pdf_cff_supported(tf));
    buf_init(&out);
    uint32_t one = 36, cid = 0;
    CHECK(!pdf_cff_subset(tf, &one, 1, &out, &cid, err, sizeof err));
    buf_free(&out);
    hb_face_destroy(tf);
    hb_blob_destroy(tb);

    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    FT_Done_Face(orig);
    FT_Done_FreeType(ft);
    return CHECK_DONE();
}
