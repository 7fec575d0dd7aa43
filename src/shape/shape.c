#include "shape.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/utf8.h"
#include "../util/xalloc.h"

/* Whether a face has a code point, remembered per shaper: a document asks
 * about the same few thousand characters again and again, and each cmap
 * lookup is a binary search through thousands of ranges of a CJK face.
 * Direct-mapped: a collision only means asking the face again. */
#define CMAP_CACHE_SIZE 1024
typedef struct cmap_slot {
    const font_face *face; /* NULL: empty */
    uint32_t cp;
    bool has;
} cmap_slot;

struct shaper {
    hb_buffer_t *buf;
    hb_language_t lang;
    /* Per code point of the text being shaped: the face index chosen. */
    uint8_t *face_of;
    uint32_t *offsets; /* byte offset of each code point */
    size_t cap;
    cmap_slot *cmap; /* CMAP_CACHE_SIZE slots, allocated on first use */
};

shaper *shaper_new(void) {
    shaper *s = xcalloc(1, sizeof(shaper));
    s->buf = hb_buffer_create();
    s->lang = hb_language_from_string("zh-Hans", -1);
    return s;
}

void shaper_free(shaper *s) {
    if (!s) return;
    hb_buffer_destroy(s->buf);
    free(s->face_of);
    free(s->offsets);
    free(s->cmap);
    free(s);
}

void shape_result_free(shape_result *r) {
    free(r->items);
    free(r->glyphs);
    *r = (shape_result){0};
}

/* Characters that take the face of their neighbours rather than forcing a
 * fallback of their own: spaces and joiners exist in nearly every face, and
 * keeping them in the run avoids needless font switches. */
static int is_neutral(uint32_t cp) {
    return cp == 0x20 || cp == 0x3000 || cp == 0x200D || cp == 0x200C || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           (cp >= 0xE0100 && cp <= 0xE01EF);
}

static bool face_has(shaper *s, const font_face *f, uint32_t cp) {
    if (!s->cmap) s->cmap = xcalloc(CMAP_CACHE_SIZE, sizeof *s->cmap);
    /* Neighbouring code points take neighbouring slots; each face its own
     * stretch of them. */
    size_t h = (cp + (size_t)((uintptr_t)f >> 4) * 0x9E3779B1u) % CMAP_CACHE_SIZE;
    cmap_slot *slot = &s->cmap[h];
    if (slot->face == f && slot->cp == cp) return slot->has;
    *slot = (cmap_slot){f, cp, font_face_glyph(f, cp, NULL)};
    return slot->has;
}

static void shape_run(shaper *s, const font_face *face, const char *text, size_t len,
                      size_t start, size_t end, double size, shape_result *out) {
    hb_buffer_t *b = s->buf;
    hb_buffer_clear_contents(b);
    hb_buffer_add_utf8(b, text, (int)len, (unsigned)start, (int)(end - start));
    hb_buffer_set_direction(b, HB_DIRECTION_LTR);
    hb_buffer_set_language(b, s->lang);
    hb_buffer_guess_segment_properties(b);
    hb_buffer_set_cluster_level(b, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_GRAPHEMES);
    hb_shape(font_face_hb_font(face), b, NULL, 0);

    unsigned n = 0;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(b, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(b, &n);
    double scale = size / (double)font_face_upem(face);
    /* A run has at most one cluster per glyph. */
    xgrow(&out->glyphs, &out->cap_glyphs, out->n_glyphs + n, sizeof(shape_glyph));
    xgrow(&out->items, &out->cap_items, out->n_items + n, sizeof(shape_item));
    for (unsigned i = 0; i < n;) {
        unsigned cl = info[i].cluster, j = i;
        while (j < n && info[j].cluster == cl) j++;
        size_t cend = j < n ? info[j].cluster : end;
        shape_item *it = &out->items[out->n_items++];
        size_t k = cl;
        *it = (shape_item){.start = cl,
                           .len = (uint32_t)(cend - cl),
                           .cp = utf8_next_fast(text, len, &k),
                           .face = face,
                           .glyph_start = (uint32_t)out->n_glyphs,
                           .n_glyphs = j - i};
        for (unsigned g = i; g < j; g++) {
            shape_glyph *sg = &out->glyphs[out->n_glyphs++];
            sg->gid = info[g].codepoint;
            sg->dx = pos[g].x_offset * scale;
            sg->dy = pos[g].y_offset * scale;
            sg->advance = pos[g].x_advance * scale;
            it->advance += sg->advance;
        }
        i = j;
    }
}

void shape_text(shaper *s, const font_face *const *chain, size_t n, const char *text, size_t len,
                double size, shape_result *out) {
    out->n_items = out->n_glyphs = 0;
    if (len == 0) return;
    if (len + 1 > s->cap) {
        s->cap = len + 1;
        s->face_of = xrealloc(s->face_of, s->cap);
        s->offsets = xrealloc(s->offsets, s->cap * sizeof(uint32_t));
    }
    /* Pass 1: choose a face per code point. 255 marks "no face has it". */
    size_t ncp = 0;
    for (size_t i = 0; i < len;) {
        s->offsets[ncp] = (uint32_t)i;
        uint32_t cp = utf8_next_fast(text, len, &i);
        uint8_t f = 255;
        if (is_neutral(cp)) {
            f = 254;
        } else {
            for (size_t k = 0; k < n && k < 250; k++)
                if (face_has(s, chain[k], cp)) {
                    f = (uint8_t)k;
                    break;
                }
        }
        s->face_of[ncp++] = f;
    }
    s->offsets[ncp] = (uint32_t)len;
    /* Neutral characters join the preceding run (or the following one at the
     * start); if the whole text is neutral, the first face takes it. */
    uint8_t prev = 254;
    for (size_t i = 0; i < ncp; i++) {
        if (s->face_of[i] == 254) s->face_of[i] = prev;
        else if (s->face_of[i] != 255) prev = s->face_of[i];
    }
    prev = 0;
    for (size_t i = ncp; i-- > 0;) {
        if (s->face_of[i] == 254) s->face_of[i] = prev;
        else if (s->face_of[i] != 255) prev = s->face_of[i];
    }
    /* Pass 2: shape maximal runs of one face. Characters no face has are
     * shaped with the first face, giving its .notdef box, and flagged. */
    for (size_t i = 0; i < ncp;) {
        uint8_t f = s->face_of[i];
        size_t j = i + 1;
        while (j < ncp && s->face_of[j] == f) j++;
        size_t first = out->n_items;
        const font_face *face = chain[f == 255 ? 0 : f];
        shape_run(s, face, text, len, s->offsets[i], s->offsets[j], size, out);
        if (f == 255)
            for (size_t k = first; k < out->n_items; k++) out->items[k].missing = 1;
        i = j;
    }
}
