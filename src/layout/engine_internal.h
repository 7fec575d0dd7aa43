/* What the layout stage's files share: the engine's state and the page-flow
 * primitives. Internal to src/layout/. */
#ifndef BRIEFING_LAYOUT_ENGINE_INTERNAL_H
#define BRIEFING_LAYOUT_ENGINE_INTERNAL_H

#include <stdbool.h>

#include "../shape/shape.h"
#include "../util/buf.h"
#include "engine.h"
#include "linebreak.h"

#define MAX_CHAIN 8
/* Where the baseline sits in a line box of one em: CJK faces draw their
 * ideographic em box from 0.88 em above the baseline to 0.12 em below. */
#define ASCENT 0.88

typedef struct page_caps {
    size_t glyphs, rules, rects;
} page_caps;

/* The font fallback chain of one style. */
typedef struct style_chain {
    const font_face *faces[MAX_CHAIN];
    size_t n;
} style_chain;

struct layout_engine {
    const tmpl *t;
    const char *source;
    diag_list *d;
    style_chain *chains; /* one per template style */
    shaper *sh;
    shape_result sr;
    lb_item *items;
    size_t cap_items;
    lb_line *lines;
    size_t cap_lines;
    double *xs;
    size_t cap_xs;

    layout_doc *doc;
    size_t cap_pages, cap_outline, cap_lines_out;
    page_caps *caps;
    buf pool;
    buf scratch; /* text after punctuation conversion */
    char *footer; /* footer text with {{page}} and {{pages}} left in */

    double left, right, top, bottom; /* type area */
    double measure;                  /* width of text lines from left */
    double y;                        /* top of the free space on the current page */
    bool fresh;                      /* nothing placed on the current page yet */
    /* The page limit was reached (an error is in d): nothing more is laid
     * out, and rendering fails. */
    bool failed;
    /* Set while measuring (table cells, widths): measuring shapes text that
     * is shaped again when placed, and must not warn twice. */
    bool quiet;
    size_t char_warnings;   /* character warnings given so far */
    size_t char_unlisted;   /* ... and those left out after the cap */
};

typedef struct run {
    tmpl_style_id style;
    const tmpl_style *st;
    lb_params p;
    uint32_t pool_base; /* where the text starts in the text pool */
    size_t text_len;    /* its length there (after punctuation conversion) */
    size_t n_items, n_lines;
} run;

void layout_new_page(layout_engine *e);
layout_page *layout_cur_page(layout_engine *e);
void layout_push_rule(layout_engine *e, double x0, double y0, double x1, double y1, double w,
                      uint32_t color);
void layout_push_rect(layout_engine *e, double x, double y, double w, double h, uint32_t color);
/* Moves to a new page unless h fits below the cursor (or the page is empty). */
void layout_need(layout_engine *e, double h);
/* Vertical space, dropped at the top of a page. */
void layout_space(layout_engine *e, double h);
/* On a grid, moves the cursor down to the next grid line. */
void layout_snap(layout_engine *e);
/* Shapes and breaks text for a measure; results live in e->sr, e->items and
 * e->lines until the next call. */
void layout_prepare(layout_engine *e, run *r, tmpl_style_id style, const char *text, size_t len,
                    double measure, const char *path, bool indent);
/* Natural width of text set on one line, without leaving it in the text pool. */
double layout_natural_width(layout_engine *e, tmpl_style_id style, const char *text, size_t len);
double layout_pitch(const tmpl_style *st);
/* Places line li of the prepared run with its left edge at x and its line
 * box top at top. */
void layout_place_line(layout_engine *e, const run *r, size_t li, double x, double top,
                       tmpl_align align, bool last);
/* The same with the baseline given. */
void layout_place_line_at(layout_engine *e, const run *r, size_t li, double x, double baseline,
                          tmpl_align align, bool last);

#endif
