/* libFuzzer target: arbitrary bytes as a font file, through the TrueType
 * subsetter (src/font/font_ttf.c) and, when they hold a CFF table, the CFF
 * reader and subsetter (src/font/font_cff*.c), which read font tables in
 * place and must refuse what they cannot read instead of reading past it. The first byte
 * chooses exact or simplified outlines and whether the glyphs are also read
 * through a font_reader, the next ones which glyphs to keep.
 *
 * Invariants: no crash, leak or undefined behaviour (the sanitizers); a
 * subset that was written is itself a font the subsetter accepts, with the
 * same number of glyphs, and subsetting it again keeps its glyphs; reading
 * the glyphs through a reader gives the same verdict and the same bytes; a
 * CFF subset opens again with one glyph more than asked for, glyph k + 1
 * having CID k + 1, and subsets again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb.h>

#include "font/font_cff.h"
#include "font/font_ttf.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_GIDS = 8 };

typedef struct span {
    const uint8_t *p;
    size_t len;
} span;

/* What font_face_read does for a file: copies, refusing ranges outside it. */
static bool read_span(void *v, const void *at, size_t len, void *dst) {
    const span *s = v;
    uintptr_t lo = (uintptr_t)s->p, a = (uintptr_t)at;
    if (a < lo || a - lo > s->len || len > s->len - (a - lo)) abort(); /* never asked */
    memcpy(dst, at, len);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 + MAX_GIDS) return 0;
    double tolerance = (data[0] & 1) ? 2.0 + (data[0] >> 5) : 0;
    bool with_reader = (data[0] & 2) != 0;
    uint32_t gids[MAX_GIDS];
    uint8_t raw[MAX_GIDS];
    memcpy(raw, data + 1, MAX_GIDS);
    for (int i = 0; i < MAX_GIDS; i++)
        gids[i] = data[1 + i] % 16;
    data += 1 + MAX_GIDS;
    size -= 1 + MAX_GIDS;

    hb_blob_t *blob = hb_blob_create((const char *)data, (unsigned)size, HB_MEMORY_MODE_READONLY,
                                     NULL, NULL);
    hb_face_t *face = hb_face_create(blob, 0);
    unsigned count = hb_face_get_glyph_count(face);
    size_t n = 0;
    for (int i = 0; i < MAX_GIDS; i++)
        if (gids[i] < count) gids[n++] = gids[i];
    buf out;
    buf_init(&out);
    uint32_t new_gid[MAX_GIDS];
    unsigned n_glyphs = 0;
    char err[160];
    bool supported = font_ttf_supported(face);
    bool made = supported && font_ttf_subset(face, "Fuzz", gids, n, tolerance, NULL, &out, new_gid,
                                            &n_glyphs, err, sizeof err);
    if (supported && with_reader) {
        span whole = {data, size};
        font_reader rd = {read_span, &whole};
        buf viaread;
        buf_init(&viaread);
        uint32_t ng[MAX_GIDS];
        unsigned cnt = 0;
        bool made2 = font_ttf_subset(face, "Fuzz", gids, n, tolerance, &rd, &viaread, ng, &cnt, err,
                                    sizeof err);
        if (made2 != made || (made && (viaread.len != out.len || cnt != n_glyphs ||
                                       memcmp(viaread.data, out.data, out.len) != 0 ||
                                       memcmp(ng, new_gid, n * sizeof *ng) != 0))) {
            fprintf(stderr, "fuzz: reading the glyphs changed the subset\n");
            abort();
        }
        buf_free(&viaread);
    }
    if (made) {
        hb_blob_t *sub_blob = hb_blob_create(out.data, (unsigned)out.len,
                                             HB_MEMORY_MODE_READONLY, NULL, NULL);
        hb_face_t *sub = hb_face_create(sub_blob, 0);
        if (!font_ttf_supported(sub) || hb_face_get_glyph_count(sub) != n_glyphs) {
            fprintf(stderr, "fuzz: the subset is not a font the subsetter accepts\n");
            abort();
        }
        uint32_t again[MAX_GIDS], again_new[MAX_GIDS];
        for (size_t i = 0; i < n; i++)
            again[i] = new_gid[i];
        buf out2;
        buf_init(&out2);
        unsigned n2 = 0;
        if (!font_ttf_subset(sub, "Fuzz", again, n, 0, NULL, &out2, again_new, &n2, err, sizeof err) ||
            n2 != n_glyphs) {
            fprintf(stderr, "fuzz: the subset cannot be subset again: %s\n", err);
            abort();
        }
        buf_free(&out2);
        hb_face_destroy(sub);
        hb_blob_destroy(sub_blob);
    }
    buf_free(&out);
    hb_blob_t *table = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
    unsigned tlen = 0;
    const unsigned char *in_file = (const unsigned char *)hb_blob_get_data(table, &tlen);
    /* the table on its own, exactly its size: a read past its end would
     * otherwise land in the rest of the input, unseen by ASan */
    unsigned char *tp = in_file && tlen ? malloc(tlen) : NULL;
    if (tp) memcpy(tp, in_file, tlen);
    font_cff *cff = tp ? font_cff_open(tp, tlen, err, sizeof err) : NULL;
    if (cff) {
        size_t m = 0;
        uint32_t cg[MAX_GIDS];
        for (int i = 0; i < MAX_GIDS; i++)
            if (raw[i] % 16u < font_cff_glyph_count(cff)) cg[m++] = raw[i] % 16u;
        buf sub;
        buf_init(&sub);
        if (font_cff_subset(cff, cg, m, NULL, NULL, &sub, err, sizeof err)) {
            /* a cache changes nothing: filled, then read */
            font_cff_cache *cache = font_cff_cache_new();
            span tspan = {tp, tlen};
            font_reader crd = {read_span, &tspan};
            for (int round = 0; round < 3; round++) {
                buf viac;
                buf_init(&viac);
                /* through a reader, as a one-document process reads; then
                 * filling the cache and reading it */
                if (!font_cff_subset(cff, cg, m, round ? NULL : &crd, round ? cache : NULL, &viac,
                                     err, sizeof err) ||
                    viac.len != sub.len || memcmp(viac.data, sub.data, sub.len) != 0) {
                    fprintf(stderr, "fuzz: a CFF subset through a reader or cache differs\n");
                    abort();
                }
                buf_free(&viac);
            }
            font_cff_cache_free(cache);
            font_cff *again = font_cff_open((const unsigned char *)sub.data, sub.len, err, sizeof err);
            if (!again || font_cff_glyph_count(again) != m + 1) {
                fprintf(stderr, "fuzz: a CFF subset that does not open again: %s\n", err);
                abort();
            }
            for (size_t k = 0; k <= m; k++)
                if (font_cff_cid(again, (uint32_t)k) != k) {
                    fprintf(stderr, "fuzz: CFF subset glyph %zu has another CID\n", k);
                    abort();
                }
            buf twice;
            buf_init(&twice);
            uint32_t all[MAX_GIDS];
            for (size_t k = 0; k < m; k++) all[k] = (uint32_t)k + 1;
            if (!font_cff_subset(again, all, m, NULL, NULL, &twice, err, sizeof err)) {
                fprintf(stderr, "fuzz: a CFF subset cannot be subset again: %s\n", err);
                abort();
            }
            buf_free(&twice);
            font_cff_free(again);
        }
        buf_free(&sub);
        font_cff_free(cff);
    }
    free(tp);
    hb_blob_destroy(table);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return 0;
}
