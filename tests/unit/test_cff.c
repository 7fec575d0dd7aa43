/* The CFF subsetter (src/font/font_cff*.c), checked with FreeType as an
 * independent reader: the bare CFF a PDF embeds (FontFile3 /CIDFontType0C)
 * loads as CID-keyed; CID k + 1 finds, through the subset's own charset (as
 * a PDF reader looks it up), exactly the outline and advance of the face's
 * glyph gids[k], for a spread of glyphs over every FD of Noto Serif and Sans
 * CJK, a glyph asked for twice included; hb-subset, as the reference, makes
 * the same outlines at about the same size; a TrueType face and damaged
 * tables are refused. Needs fonts-noto-cjk; runs from the
 * repository root. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_CID_H

#include <hb-subset.h>

#include "check.h"
#include "font/font_cff.h"
#include "util/buf.h"

static const struct {
    const char *path;
    unsigned index; /* the SC face in the collection */
} faces[] = {
    {"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2},
    {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2},
    {"/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2},
};

static bool same_outline(FT_Face a, unsigned ga, FT_Face b, unsigned gb) {
    if (FT_Load_Glyph(a, ga, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING) ||
        FT_Load_Glyph(b, gb, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING))
        return false;
    FT_Outline *x = &a->glyph->outline, *y = &b->glyph->outline;
    if (x->n_points != y->n_points || x->n_contours != y->n_contours ||
        a->glyph->metrics.horiAdvance != b->glyph->metrics.horiAdvance)
        return false;
    for (int i = 0; i < x->n_points; i++)
        if (x->points[i].x != y->points[i].x || x->points[i].y != y->points[i].y ||
            (x->tags[i] & 3) != (y->tags[i] & 3))
            return false;
    for (int i = 0; i < x->n_contours; i++)
        if (x->contours[i] != y->contours[i]) return false;
    return true;
}

/* A reader as font_face_read is, over memory: copies, counting in *ctx. */
static bool read_mem(void *ctx, const void *at, size_t len, void *dst) {
    memcpy(dst, at, len);
    ++*(size_t *)ctx;
    return true;
}

/* hb-subset's subset of the same glyphs, hints dropped and subroutines
 * expanded, as the reference; its charset keeps the face's CIDs. */
static bool hb_reference(hb_face_t *face, const uint32_t *gids, size_t n, buf *out) {
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    hb_set_t *gs = hb_subset_input_glyph_set(in);
    for (size_t i = 0; i < n; i++) hb_set_add(gs, gids[i]);
    hb_set_clear(hb_subset_input_set(in, HB_SUBSET_SETS_UNICODE));
    static const char *const drop[] = {"GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx",
                                       "name", "post", "cmap"};
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        hb_set_add(hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG),
                   hb_tag_from_string(drop[i], 4));
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE |
                                      HB_SUBSET_FLAGS_NOTDEF_OUTLINE);
    hb_face_t *sub = hb_subset_or_fail(face, in);
    hb_subset_input_destroy(in);
    if (!sub) return false;
    hb_blob_t *cff = hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '));
    unsigned len = 0;
    const char *data = hb_blob_get_data(cff, &len);
    buf_append(out, data, len);
    hb_blob_destroy(cff);
    hb_face_destroy(sub);
    return len > 0;
}

/* Every glyph of gids drawn by its CID from the subset as in the face. */
static size_t check_subset(FT_Library ft, FT_Face orig, const buf *out, const uint32_t *gids,
                           const uint32_t *cids, size_t n, const char *what) {
    FT_Face sub;
    if (FT_New_Memory_Face(ft, (const FT_Byte *)out->data, (FT_Long)out->len, 0, &sub)) {
        fprintf(stderr, "%s: FreeType cannot open the subset\n", what);
        return n;
    }
    FT_Bool is_cid = 0;
    size_t bad = FT_Get_CID_Is_Internally_CID_Keyed(sub, &is_cid) || !is_cid;
    for (size_t i = 0; i < n; i++)
        /* FreeType takes a glyph index of a bare CID-keyed CFF as a CID and
         * looks it up in the charset: the lookup a PDF reader makes */
        if (!same_outline(orig, gids[i], sub, cids[i])) {
            if (bad < 5)
                fprintf(stderr, "%s: CID %u does not give glyph %u's outline\n", what,
                        (unsigned)cids[i], (unsigned)gids[i]);
            bad++;
        }
    /* a CID the subset does not hold finds nothing */
    if (FT_Load_Glyph(sub, 65534, FT_LOAD_NO_SCALE) == 0 && cids[0] != 65534) bad++;
    FT_Done_Face(sub);
    return bad;
}

static void one_face(FT_Library ft, const char *path, unsigned index) {
    FT_Face orig;
    if (FT_New_Face(ft, path, index, &orig)) {
        fprintf(stderr, "%s missing (fonts-noto-cjk)\n", path);
        CHECK(false);
        return;
    }
    hb_blob_t *blob = hb_blob_create_from_file(path);
    hb_face_t *face = hb_face_create(blob, index);
    hb_blob_t *table = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
    unsigned len = 0;
    const unsigned char *p = (const unsigned char *)hb_blob_get_data(table, &len);
    char err[160] = "";
    font_cff *cff = font_cff_open(p, len, err, sizeof err);
    CHECK(cff != NULL);
    if (!cff) {
        fprintf(stderr, "%s: %s\n", path, err);
        return;
    }
    unsigned count = font_cff_glyph_count(cff);
    CHECK(count == (unsigned)orig->num_glyphs);

    /* every 61st glyph: every FD of the face, with and without subroutines;
     * descending (the order is the caller's) and one glyph twice */
    enum { STEP = 61 };
    size_t n = 0;
    uint32_t *gids = malloc((count / STEP + 3) * sizeof *gids);
    uint32_t *cids = malloc((count / STEP + 3) * sizeof *cids);
    uint32_t *face_cids = malloc((count / STEP + 3) * sizeof *cids);
    for (uint32_t g = count - 1; g > 0 && n < count / STEP + 1; g = g > STEP ? g - STEP : 0)
        gids[n++] = g;
    gids[n++] = gids[3];
    for (size_t i = 0; i < n; i++) cids[i] = (uint32_t)i + 1, face_cids[i] = font_cff_cid(cff, gids[i]);
    buf flat, hb;
    buf_init(&flat);
    buf_init(&hb);
    CHECK(font_cff_subset(cff, gids, n, NULL, NULL, &flat, err, sizeof err));
    CHECK(hb_reference(face, gids, n - 1, &hb));
    /* through a reader: the same bytes, each charstring read once */
    buf via;
    buf_init(&via);
    size_t reads = 0;
    font_reader rd = {read_mem, &reads};
    CHECK(font_cff_subset(cff, gids, n, &rd, NULL, &via, err, sizeof err));
    CHECK(via.len == flat.len && memcmp(via.data, flat.data, flat.len) == 0);
    CHECK(reads == n); /* each distinct glyph once: .notdef and n - 1 (one is asked twice) */
    buf_free(&via);
    /* with a cache: the same bytes when it is empty, half full and full,
     * and the second time nothing is read */
    font_cff_cache *cache = font_cff_cache_new();
    for (int round = 0; round < 3; round++) {
        buf_init(&via);
        reads = 0;
        size_t m = round == 0 ? n / 2 : n;
        buf part;
        buf_init(&part);
        CHECK(font_cff_subset(cff, gids, m, &rd, NULL, &part, err, sizeof err));
        CHECK(font_cff_subset(cff, gids, m, &rd, cache, &via, err, sizeof err));
        CHECK(via.len == part.len && memcmp(via.data, part.data, part.len) == 0);
        if (round == 2) CHECK(reads == m); /* the uncached run's reads only */
        buf_free(&part);
        buf_free(&via);
    }
    font_cff_cache_free(cache);
    CHECK(check_subset(ft, orig, &flat, gids, cids, n, "flat") == 0);
    CHECK(check_subset(ft, orig, &hb, gids, face_cids, n, "hb-subset") == 0);
    /* the same charstrings, hints dropped both ways: within a few percent */
    fprintf(stderr, "%s: %zu glyphs: ours %zu bytes, hb-subset %zu\n", path, n, flat.len, hb.len);
    CHECK(flat.len < hb.len + hb.len / 20 && hb.len < flat.len + flat.len / 20);

    /* a subset of a subset: the flattener reads what it writes */
    font_cff *again = font_cff_open((const unsigned char *)flat.data, flat.len, err, sizeof err);
    CHECK(again != NULL);
    if (again) {
        CHECK(font_cff_glyph_count(again) == n + 1);
        buf twice;
        buf_init(&twice);
        uint32_t two[2] = {2, 1};
        CHECK(font_cff_subset(again, two, 2, NULL, NULL, &twice, err, sizeof err));
        font_cff *third = font_cff_open((const unsigned char *)twice.data, twice.len, err, sizeof err);
        CHECK(third && font_cff_glyph_count(third) == 3 && font_cff_cid(third, 2) == 2);
        font_cff_free(third);
        buf_free(&twice);
        font_cff_free(again);
    }

    /* damaged copies: refused or subset, never read past (ASan watches);
     * a cut table is refused */
    CHECK(font_cff_open(p, 200, err, sizeof err) == NULL);
    unsigned char *copy = malloc(len);
    memcpy(copy, p, len);
    size_t glyph_off = (size_t)(len / 2);
    memset(copy + glyph_off, 0xFF, 4096);
    font_cff *dam = font_cff_open(copy, len, err, sizeof err);
    if (dam) {
        buf d;
        buf_init(&d);
        font_cff_subset(dam, gids, n, NULL, NULL, &d, err, sizeof err);
        buf_free(&d);
        font_cff_free(dam);
    }
    free(copy);

    buf_free(&flat);
    buf_free(&hb);
    free(gids), free(cids), free(face_cids);
    font_cff_free(cff);
    hb_blob_destroy(table);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    FT_Done_Face(orig);
}

int main(void) {
    FT_Library ft;
    FT_Init_FreeType(&ft);
    for (size_t i = 0; i < sizeof faces / sizeof faces[0]; i++) one_face(ft, faces[i].path, faces[i].index);

    /* a TrueType face is not this subsetter's */
    hb_blob_t *tb = hb_blob_create_from_file("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    hb_face_t *tf = hb_face_create(tb, 0);
    hb_blob_t *none = hb_face_reference_table(tf, HB_TAG('C', 'F', 'F', ' '));
    unsigned len = 0;
    const char *data = hb_blob_get_data(none, &len);
    char err[160];
    CHECK(!data || !len || font_cff_open((const unsigned char *)data, len, err, sizeof err) == NULL);
    hb_blob_destroy(none);
    hb_face_destroy(tf);
    hb_blob_destroy(tb);
    FT_Done_FreeType(ft);
    return CHECK_DONE();
}
