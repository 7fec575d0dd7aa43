/* Page content: everything is wrapped in q ... Q, so the graphics state
 * libharu tracks for the page (it has drawn nothing) is the one left behind.
 * Numbers go through buf_put_num: locale-independent, no "-0". */
#include "pdf_content.h"

#include <math.h>

/* Positions to 1/1000 pt; colours to 4 decimals (1/255 = 0.0039). */
enum { POS_DECIMALS = 3, COLOR_DECIMALS = 4, ADJ_DECIMALS = 3 };

static void put_num(buf *b, double v, int decimals) {
    buf_put_num(b, v, decimals);
    buf_putc(b, ' ');
}

static void put_color(buf *b, uint32_t rgb, const char *op) {
    put_num(b, (double)((rgb >> 16) & 0xff) / 255.0, COLOR_DECIMALS);
    put_num(b, (double)((rgb >> 8) & 0xff) / 255.0, COLOR_DECIMALS);
    put_num(b, (double)(rgb & 0xff) / 255.0, COLOR_DECIMALS);
    buf_puts(b, op);
    buf_putc(b, '\n');
}

static void put_hex4(buf *b, uint32_t v) {
    static const char hex[] = "0123456789ABCDEF";
    char s[4] = {hex[(v >> 12) & 15], hex[(v >> 8) & 15], hex[(v >> 4) & 15], hex[v & 15]};
    buf_append(b, s, 4);
}

/* What the content stream has set so far (text state and colours persist
 * across BT/ET; q/Q around the page restores the caller's). */
typedef struct text_state {
    int64_t font; /* -1: none */
    double size;
    int64_t fill, stroke; /* 0xRRGGBB or -1 */
    int render;           /* Tr */
    double line_width;    /* -1: unknown */
    bool round_join;
} text_state;

static bool same_run(const layout_glyph *a, const pdf_glyph_ref *ra, const layout_glyph *b,
                     const pdf_glyph_ref *rb) {
    return ra->font == rb->font && a->size == b->size && a->color == b->color &&
           a->bold == b->bold && fabs(a->y - b->y) < 1e-6;
}

/* One run: BT [state] x y Td [<cids> adj <cids> ...] TJ ET. TJ adjustments
 * carry the difference between where each glyph is placed and where the
 * previous glyph's /W width leaves the pen; the pen is tracked with the
 * rounded adjustments actually written, so rounding never accumulates. */
static void put_run(buf *b, const pdf_fontset *fs, const layout_glyph *g, const pdf_glyph_ref *refs,
                    size_t n, text_state *ts) {
    const pdf_font *f = &fs->fonts[refs[0].font];
    double size = g[0].size;
    uint32_t color = g[0].color & 0xffffff;
    buf_puts(b, "BT\n");
    if (ts->font != (int64_t)refs[0].font || ts->size != size) {
        buf_putc(b, '/');
        buf_puts(b, f->res_name);
        buf_putc(b, ' ');
        put_num(b, size, POS_DECIMALS);
        buf_puts(b, "Tf\n");
        ts->font = refs[0].font;
        ts->size = size;
    }
    if (ts->fill != (int64_t)color) {
        put_color(b, color, "rg");
        ts->fill = color;
    }
    if (g[0].bold) {
        /* synthetic bold: fill and stroke the outlines with the same colour */
        if (ts->render != 2) {
            buf_puts(b, "2 Tr\n");
            ts->render = 2;
        }
        if (!ts->round_join) {
            /* miter joins would spike at the sharp corners of brush strokes */
            buf_puts(b, "1 j\n");
            ts->round_join = true;
        }
        double lw = size * 0.03;
        if (ts->line_width != lw) {
            put_num(b, lw, POS_DECIMALS);
            buf_puts(b, "w\n");
            ts->line_width = lw;
        }
        if (ts->stroke != (int64_t)color) {
            put_color(b, color, "RG");
            ts->stroke = color;
        }
    } else if (ts->render != 0) {
        buf_puts(b, "0 Tr\n");
        ts->render = 0;
    }
    put_num(b, g[0].x, POS_DECIMALS);
    put_num(b, g[0].y, POS_DECIMALS);
    buf_puts(b, "Td\n[<");
    double pen = g[0].x;
    for (size_t k = 0; k < n; k++) {
        const pdf_font_pair *p = &f->pairs[refs[k].pair];
        put_hex4(b, p->cid);
        pen += p->width * size / 1000.0;
        if (k + 1 == n) break;
        double adj = -(g[k + 1].x - pen) * 1000.0 / size;
        double adj_r = round(adj * 1000.0) / 1000.0;
        if (fabs(adj) > 0.001 && adj_r != 0) {
            buf_puts(b, "> ");
            buf_put_num(b, adj_r, ADJ_DECIMALS);
            buf_puts(b, " <");
            pen -= adj_r * size / 1000.0;
        }
    }
    buf_puts(b, ">] TJ\nET\n");
}

void pdf_content_page(buf *b, const pdf_fontset *fs, const layout_page *pg,
                      const pdf_glyph_ref *refs) {
    buf_puts(b, "q\n");
    int64_t fill = -1, stroke = -1;
    double lw = -1;
    for (size_t i = 0; i < pg->n_rects; i++) {
        const layout_rect *r = &pg->rects[i];
        uint32_t color = r->color & 0xffffff;
        if (fill != (int64_t)color) {
            put_color(b, color, "rg");
            fill = color;
        }
        put_num(b, r->x, POS_DECIMALS);
        put_num(b, r->y, POS_DECIMALS);
        put_num(b, r->w, POS_DECIMALS);
        put_num(b, r->h, POS_DECIMALS);
        buf_puts(b, "re f\n");
    }
    for (size_t i = 0; i < pg->n_rules; i++) {
        const layout_rule *r = &pg->rules[i];
        uint32_t color = r->color & 0xffffff;
        double w = r->width > 0 ? r->width : 0;
        if (lw != w) {
            put_num(b, w, POS_DECIMALS);
            buf_puts(b, "w\n");
            lw = w;
        }
        if (stroke != (int64_t)color) {
            put_color(b, color, "RG");
            stroke = color;
        }
        put_num(b, r->x0, POS_DECIMALS);
        put_num(b, r->y0, POS_DECIMALS);
        buf_puts(b, "m ");
        put_num(b, r->x1, POS_DECIMALS);
        put_num(b, r->y1, POS_DECIMALS);
        buf_puts(b, "l S\n");
    }
    text_state ts = {-1, -1, fill, stroke, 0, lw, false};
    size_t i = 0;
    while (i < pg->n_glyphs) {
        size_t j = i + 1;
        while (j < pg->n_glyphs && same_run(&pg->glyphs[i], &refs[i], &pg->glyphs[j], &refs[j]))
            j++;
        put_run(b, fs, &pg->glyphs[i], &refs[i], j - i, &ts);
        i = j;
    }
    buf_puts(b, "Q\n");
}
