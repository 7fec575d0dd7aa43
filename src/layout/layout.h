/* Layout output: pages of positioned glyphs and rules, the outline, and the
 * laid-out lines (for --dump-lines). This is what the PDF writer consumes; it
 * knows nothing of libharu. A layout_doc owns all its memory (layout_doc_free).
 * Coordinates are PDF points with the origin at the page's bottom-left. */
#ifndef BRIEFING_LAYOUT_H
#define BRIEFING_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "../font/font.h"

/* The members are ordered widest first: with no padding a glyph takes 48
 * bytes instead of 56, and a document holds one per character. */
typedef struct layout_glyph {
    const font_face *face;
    double x, y;      /* pen position of the glyph origin on the baseline */
    float size;       /* font size in points */
    uint32_t gid;     /* glyph id in face (HarfBuzz output) */
    /* The text this glyph stands for, UTF-8, in the document's text pool
     * (layout_doc_text): a cluster's text goes to its first glyph; further
     * glyphs of the same cluster have text_len 0. */
    uint32_t text_off, text_len;
    uint32_t color;   /* 0xRRGGBB */
    /* Spacing after the glyph that belongs to it in the PDF, 1/1000 em: the
     * gap between Han and Latin text. Carried in the glyph's width rather
     * than as a jump of the pen, so text extraction sees no word break and
     * copies "2021年", not "2021 年". Positions (x) already include it. */
    int16_t extra;
    uint8_t bold;     /* synthetic bold: fill + stroke */
} layout_glyph;

typedef struct layout_rule {
    double x0, y0, x1, y1; /* a straight stroke */
    double width;
    uint32_t color;
} layout_rule;

typedef struct layout_rect {
    double x, y, w, h; /* filled */
    uint32_t color;
} layout_rect;

typedef struct layout_page {
    double width, height;
    layout_glyph *glyphs;
    size_t n_glyphs;
    layout_rule *rules;
    size_t n_rules;
    layout_rect *rects;
    size_t n_rects;
} layout_page;

typedef struct layout_outline {
    char *title; /* UTF-8 */
    int level;   /* 1 = top */
    size_t page; /* 0-based */
    double y;    /* top of the heading */
} layout_outline;

typedef struct layout_line {
    size_t page;
    double baseline, x0, x1;
    uint32_t text_off, text_len; /* in the text pool */
    const char *block;           /* block kind: "title", "paragraph", ... */
    double shrink, stretch;      /* total adjustment applied, points */
    int flags;                   /* LAYOUT_LINE_* */
} layout_line;

enum {
    LAYOUT_LINE_LAST = 1,      /* a paragraph's last line */
    LAYOUT_LINE_JUSTIFIED = 2, /* set flush to the measure */
    LAYOUT_LINE_PUSHED = 4,    /* a prohibited mark pushed a character down */
    LAYOUT_LINE_SQUEEZED = 8,  /* punctuation was compressed to fit a mark */
    LAYOUT_LINE_FORCED = 16,   /* no break opportunity fitted: cut mid-run */
};

typedef struct layout_doc {
    layout_page *pages;
    size_t n_pages;
    layout_outline *outline;
    size_t n_outline;
    layout_line *lines;
    size_t n_lines;
    char *text; /* the text pool */
    size_t text_len;
} layout_doc;

static inline const char *layout_doc_text(const layout_doc *d, uint32_t off) {
    return d->text + off;
}

void layout_doc_free(layout_doc *d); /* accepts NULL */

#endif
