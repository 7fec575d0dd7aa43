/* Shaping: text → clusters of HarfBuzz glyphs with advances, choosing per
 * character the first face of a fallback chain that has it. A shaper holds
 * reusable buffers and belongs to one document (one thread); faces are shared.
 * Results are owned by the shape_result and freed with shape_result_free. */
#ifndef BRIEFING_SHAPE_H
#define BRIEFING_SHAPE_H

#include <stddef.h>
#include <stdint.h>

#include "../font/font.h"

typedef struct shaper shaper;

typedef struct shape_glyph {
    uint32_t gid;
    double dx, dy;   /* offset from the pen, points */
    double advance;  /* points */
} shape_glyph;

/* One cluster: the smallest unit layout may move or break around. */
typedef struct shape_item {
    uint32_t start, len;      /* byte range in the shaped text */
    uint32_t cp;              /* first code point of the cluster */
    const font_face *face;
    uint32_t glyph_start, n_glyphs;
    double advance;           /* natural advance, points */
    uint8_t missing;          /* no face of the chain has cp: drawn as .notdef */
} shape_item;

typedef struct shape_result {
    shape_item *items;
    size_t n_items, cap_items;
    shape_glyph *glyphs;
    size_t n_glyphs, cap_glyphs;
} shape_result;

shaper *shaper_new(void);
void shaper_free(shaper *s); /* accepts NULL */

/* Shapes text[0..len) at size points with the faces of chain (n >= 1, none
 * NULL). The result is reset first and may be reused across calls. */
void shape_text(shaper *s, const font_face *const *chain, size_t n, const char *text, size_t len,
                double size, shape_result *out);

void shape_result_free(shape_result *r);

#endif
