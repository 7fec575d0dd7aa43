/* Page content: everything is wrapped in q ... Q, so the graphics state
 * libharu tracks for the page (it has drawn nothing) is the one left behind.
 * Numbers go through buf_put_num: locale-independent, no "-0". */
#include "pdf_content.h"

#include <math.h>

/* Positions to 1/1000 pt; colours to 4 decimals (1/255 = 0.0039). */
enum { POS_DECIMALS = 3, COLOR_DECIMALS = 4, ADJ_DECIMALS = 3, TC_DECIMALS = 6 };

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
 * across runs; q/Q around the page restores the caller's). */
typedef struct text_state {
    int64_t font; /* -1: none */
    double size;
    int64_t fill, stroke; /* 0xRRGGBB or -1 */
    int render;           /* Tr */
    double line_width;    /* -1: unknown */
    bool round_join;
    double tc;            /* Tc, as written */
    bool in_text;         /* inside the page's BT ... ET */
    double lx, ly;        /* start of the current text line (Td is relative to it) */
} text_state;

static bool same_run(const layout_glyph *a, const pdf_glyph_ref *ra, const layout_glyph *b,
                     const pdf_glyph_ref *rb) {
    return ra->font == rb->font && a->size == b->size && a->color == b->color &&
           a->bold == b->bold && fabs(a->y - b->y) < 1e-6;
}

/* A placement closer than this to where the pen already is needs no TJ
 * number: far below a device pixel (0.03 pt at 2400 dpi). */
#define PEN_TOLERANCE 0.002

/* The gap after glyph k's /W advance, in points. */
static double gap_at(const pdf_font *f, const layout_glyph *g, const pdf_glyph_ref *refs,
                     size_t k) {
    return g[k + 1].x - g[k].x - f->pairs[refs[k].pair].width * g[k].size / 1000.0;
}

/* The Tc for a run: the space most of its glyphs leave after their /W
 * advance. A justified line spreads its slack evenly, so one Tc places
 * most glyphs and TJ numbers remain only where punctuation is squeezed or
 * a gap differs (without it every glyph carried a number: a third of a
 * page's bytes). The majority gap to 1e-4 pt (Boyer-Moore vote, two
 * passes, no sorting), then the mean of the gaps that voted for it to
 * 1e-6 pt, so that rounding does not add up along the line into TJ
 * numbers of its own. Runs of one or two glyphs, and runs without a
 * majority, keep the Tc in force: changing it would cost as much as the
 * numbers it saves. */
static double run_tc(const pdf_font *f, const layout_glyph *g, const pdf_glyph_ref *refs,
                     size_t n, double current) {
    if (n < 3) return current;
    long long cand = 0;
    size_t votes = 0;
    for (size_t k = 0; k + 1 < n; k++) {
        long long v = llround(gap_at(f, g, refs, k) * 10000.0);
        if (votes == 0) cand = v;
        if (v == cand) votes++;
        else votes--;
    }
    size_t count = 0;
    double sum = 0;
    for (size_t k = 0; k + 1 < n; k++) {
        double gap = gap_at(f, g, refs, k);
        if (llround(gap * 10000.0) != cand) continue;
        count++;
        sum += gap;
    }
    if (2 * count <= n - 1) return current;
    double tc = round(sum / (double)count * 1e6) / 1e6;
    return fabs(tc - current) < 1e-6 ? current : tc;
}

static void put_run_state(buf *b, const pdf_font *f, const layout_glyph *g, size_t font,
                          text_state *ts) {
    double size = g->size;
    uint32_t color = g->color & 0xffffff;
    if (ts->font != (int64_t)font || ts->size != size) {
        buf_putc(b, '/');
        buf_puts(b, f->res_name);
        buf_putc(b, ' ');
        put_num(b, size, POS_DECIMALS);
        buf_puts(b, "Tf\n");
        ts->font = (int64_t)font;
        ts->size = size;
    }
    if (ts->fill != (int64_t)color) {
        put_color(b, color, "rg");
        ts->fill = color;
    }
    if (g->bold) {
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
}

/* One run: [state] dx dy Td [Tc] [<cids> adj <cids> ...] TJ, inside the
 * page's one text object. Td moves from the previous run's start, so
 * lines of one measure repeat the same numbers (deflate likes that). The
 * pen is tracked with the numbers actually written (rounded Td, Tc and TJ
 * adjustments), so rounding never accumulates past PEN_TOLERANCE. */
static void put_run(buf *b, const pdf_fontset *fs, const layout_glyph *g, const pdf_glyph_ref *refs,
                    size_t n, text_state *ts) {
    const pdf_font *f = &fs->fonts[refs[0].font];
    double size = g[0].size;
    if (!ts->in_text) {
        buf_puts(b, "BT\n");
        ts->in_text = true;
        ts->lx = ts->ly = 0;
    }
    put_run_state(b, f, &g[0], refs[0].font, ts);
    double dx = round((g[0].x - ts->lx) * 1000.0) / 1000.0;
    double dy = round((g[0].y - ts->ly) * 1000.0) / 1000.0;
    put_num(b, dx, POS_DECIMALS);
    put_num(b, dy, POS_DECIMALS);
    buf_puts(b, "Td\n");
    ts->lx += dx;
    ts->ly += dy;
    double tc = run_tc(f, g, refs, n, ts->tc);
    if (tc != ts->tc) {
        put_num(b, tc, TC_DECIMALS);
        buf_puts(b, "Tc\n");
        ts->tc = tc;
    }
    buf_puts(b, "[<");
    double pen = ts->lx;
    for (size_t k = 0; k < n; k++) {
        const pdf_font_pair *p = &f->pairs[refs[k].pair];
        put_hex4(b, p->cid);
        pen += p->width * size / 1000.0 + tc;
        if (k + 1 == n) break;
        double off = g[k + 1].x - pen;
        if (fabs(off) < PEN_TOLERANCE) continue;
        double adj = round(-off * 1000.0 / size * 1000.0) / 1000.0;
        if (adj == 0) continue;
        buf_puts(b, "> ");
        buf_put_num(b, adj, ADJ_DECIMALS);
        buf_puts(b, " <");
        pen -= adj * size / 1000.0;
    }
    buf_puts(b, ">] TJ\n");
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
    text_state ts = {-1, -1, fill, stroke, 0, lw, false, 0, false, 0, 0};
    size_t i = 0;
    while (i < pg->n_glyphs) {
        size_t j = i + 1;
        while (j < pg->n_glyphs && same_run(&pg->glyphs[i], &refs[i], &pg->glyphs[j], &refs[j]))
            j++;
        put_run(b, fs, &pg->glyphs[i], &refs[i], j - i, &ts);
        i = j;
    }
    if (ts.in_text) buf_puts(b, "ET\n");
    buf_puts(b, "Q\n");
}
