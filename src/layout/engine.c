/* Page flow: pages, the text cursor, text blocks, rules, the layout grid of
 * GB/T 9704 and footers. Tables are in table.c, charts in chart.c, line
 * breaking in linebreak.c. */
#include "engine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../shape/shape.h"
#include "../util/buf.h"
#include "../util/utf8.h"
#include "../util/xalloc.h"
#include "engine_internal.h"
#include "linebreak.h"
#include "punct.h"

#define EPS 1e-6

/* A family the template prefers but the machine lacks is said once per
 * role and document, with the face used instead: a site that expects
 * 仿宋_GB2312 should learn it got a substitute. */
static void report_missing(layout_engine *e, const tmpl *t, const tmpl_font_role *role,
                           size_t style, const font_lib *fonts) {
    for (size_t s = 0; s < style; s++) /* an earlier style with this role said it */
        if (tmpl_font_role_find(t, t->styles[s].font) == role) return;
    buf missing;
    buf_init(&missing);
    const char *used = NULL;
    for (size_t i = 0; i < role->n_families && !used; i++) {
        if (font_lib_find(fonts, role->families[i])) used = role->families[i];
        else buf_printf(&missing, "%s\"%s\"", missing.len ? ", " : "", role->families[i]);
    }
    if (missing.len) {
        char *path = xasprintf("$.fonts.%s", role->name);
        diag_add(e->d, DIAG_WARNING, t->source, path, "%s not installed; using \"%s\"",
                 missing.data, used);
        free(path);
    }
    buf_free(&missing);
}

layout_engine *layout_engine_new(const tmpl *t, const font_lib *fonts, const char *source,
                                 diag_list *d) {
    layout_engine *e = xcalloc(1, sizeof(layout_engine));
    e->t = t;
    e->source = source;
    e->d = d;
    e->chains = xcalloc(t->n_styles, sizeof(style_chain));
    for (size_t s = 0; s < t->n_styles; s++) {
        const tmpl_font_role *role = tmpl_font_role_find(t, t->styles[s].font);
        style_chain *ch = &e->chains[s];
        for (size_t i = 0; role && i < role->n_families && ch->n < MAX_CHAIN; i++) {
            const font_face *f = font_lib_find(fonts, role->families[i]);
            if (f) ch->faces[ch->n++] = f;
        }
        if (role && ch->n) report_missing(e, t, role, s, fonts);
        if (ch->n == 0) {
            char *path = xasprintf("$.fonts.%s", t->styles[s].font);
            diag_add(d, DIAG_ERROR, t->source, path,
                     "none of the fonts of role \"%s\" is installed (`fc-list : family` lists the "
                     "system's; fonts/fonts.json adds others)",
                     t->styles[s].font);
            free(path);
            free(e->chains);
            free(e);
            return NULL;
        }
    }
    e->sh = shaper_new();
    e->doc = xcalloc(1, sizeof(layout_doc));
    buf_init(&e->pool);
    e->left = t->margin_left;
    e->right = t->page_width - t->margin_right;
    e->top = t->page_height - t->margin_top;
    e->bottom = t->margin_bottom;
    e->measure = tmpl_measure(t);
    e->footer = t->footer ? xstrdup(t->footer) : NULL;
    e->fresh = true;
    e->y = e->top;
    return e;
}

void layout_engine_free(layout_engine *e) {
    if (!e) return;
    shaper_free(e->sh);
    shape_result_free(&e->sr);
    free(e->chains);
    free(e->items);
    free(e->lines);
    free(e->xs);
    free(e->caps);
    free(e->footer);
    buf_free(&e->pool);
    buf_free(&e->scratch);
    layout_doc_free(e->doc);
    free(e);
}

void layout_doc_free(layout_doc *d) {
    if (!d) return;
    for (size_t i = 0; i < d->n_pages; i++) {
        free(d->pages[i].glyphs);
        free(d->pages[i].rules);
        free(d->pages[i].rects);
    }
    free(d->pages);
    for (size_t i = 0; i < d->n_outline; i++) free(d->outline[i].title);
    free(d->outline);
    free(d->lines);
    free(d->text);
    free(d);
}

void layout_doc_truncate(layout_doc *d, size_t n) {
    if (!d || d->n_pages <= n) return;
    for (size_t i = n; i < d->n_pages; i++) {
        free(d->pages[i].glyphs);
        free(d->pages[i].rules);
        free(d->pages[i].rects);
    }
    d->n_pages = n;
    size_t k = 0;
    for (size_t i = 0; i < d->n_lines; i++)
        if (d->lines[i].page < n) d->lines[k++] = d->lines[i];
    d->n_lines = k;
    k = 0;
    for (size_t i = 0; i < d->n_outline; i++) {
        if (d->outline[i].page < n)
            d->outline[k++] = d->outline[i];
        else
            free(d->outline[i].title);
    }
    d->n_outline = k;
}

void layout_set_footer(layout_engine *e, const char *text) {
    free(e->footer);
    e->footer = text ? xstrdup(text) : NULL;
}

double layout_measure(const layout_engine *e) { return e->measure; }

size_t layout_page_count(const layout_engine *e) { return e->doc->n_pages; }

/* ---- pages ---------------------------------------------------------------- */

/* The document outgrew LAYOUT_MAX_PAGES: one error, and from now on every
 * layout call returns at once. */
static void page_limit_reached(layout_engine *e) {
    if (!e->failed)
        diag_add(e->d, DIAG_ERROR, e->source, NULL,
                 "the document needs more than %d pages (the limit); shorten the report or use a "
                 "template with a larger type area",
                 LAYOUT_MAX_PAGES);
    e->failed = true;
}

void layout_new_page(layout_engine *e) {
    layout_doc *d = e->doc;
    if (d->n_pages >= LAYOUT_MAX_PAGES) {
        /* Callers expect a page to write on: the last one is reused, and
         * whatever lands on it is thrown away with the document. */
        page_limit_reached(e);
        e->y = e->top;
        e->fresh = true;
        return;
    }
    size_t old = e->cap_pages;
    xgrow(&d->pages, &e->cap_pages, d->n_pages + 1, sizeof(layout_page));
    if (e->cap_pages != old) e->caps = xrealloc(e->caps, e->cap_pages * sizeof(page_caps));
    d->pages[d->n_pages] = (layout_page){.width = e->t->page_width, .height = e->t->page_height};
    e->caps[d->n_pages] = (page_caps){0};
    d->n_pages++;
    e->y = e->top;
    e->fresh = true;
}

layout_page *layout_cur_page(layout_engine *e) {
    if (e->doc->n_pages == 0) layout_new_page(e);
    return &e->doc->pages[e->doc->n_pages - 1];
}

void layout_push_rule(layout_engine *e, double x0, double y0, double x1, double y1, double w,
                      uint32_t color) {
    layout_page *pg = layout_cur_page(e);
    page_caps *c = &e->caps[e->doc->n_pages - 1];
    xgrow(&pg->rules, &c->rules, pg->n_rules + 1, sizeof(layout_rule));
    pg->rules[pg->n_rules++] = (layout_rule){x0, y0, x1, y1, w, color};
}

void layout_push_rect(layout_engine *e, double x, double y, double w, double h, uint32_t color) {
    layout_page *pg = layout_cur_page(e);
    page_caps *c = &e->caps[e->doc->n_pages - 1];
    xgrow(&pg->rects, &c->rects, pg->n_rects + 1, sizeof(layout_rect));
    pg->rects[pg->n_rects++] = (layout_rect){x, y, w, h, color};
}

/* On a grid the last line of a page needs only its characters' height, not
 * the gap below them: that is how 22 lines of 29.53 pt fit in 225 mm. */
static double grid_slack(const layout_engine *e) {
    return e->t->grid ? e->t->grid_pitch - e->t->grid_size : 0;
}

/* Moves to a new page unless h fits below the cursor (or the page is empty,
 * where nothing would be gained). */
void layout_need(layout_engine *e, double h) {
    layout_cur_page(e);
    if (!e->fresh && e->y - h + grid_slack(e) < e->bottom - EPS) layout_new_page(e);
}

void layout_snap(layout_engine *e) {
    if (!e->t->grid) return;
    double p = e->t->grid_pitch;
    double k = ceil((e->top - e->y) / p - 1e-6);
    e->y = e->top - (k > 0 ? k : 0) * p;
}

void layout_space(layout_engine *e, double h) {
    layout_cur_page(e);
    if (e->fresh) return;
    if (e->t->grid) {
        /* Space on a grid is whole lines, so text stays on the grid. */
        layout_snap(e);
        e->y -= round(h / e->t->grid_pitch) * e->t->grid_pitch;
    } else {
        e->y -= h;
    }
}

void layout_vspace(layout_engine *e, double h) { layout_space(e, h); }

void layout_keep(layout_engine *e, double h) {
    layout_snap(e);
    layout_need(e, h);
}

void layout_page_break(layout_engine *e) {
    layout_cur_page(e);
    if (!e->fresh) layout_new_page(e);
}

/* ---- text ----------------------------------------------------------------- */

/* Whether a character belongs to a right-to-left script (Arabic, Hebrew,
 * ...), which the shaper sets left to right. */
static bool is_rtl(hb_unicode_funcs_t *uf, uint32_t cp) {
    /* Every right-to-left script lies in U+0590-U+08FF, U+FB1D-U+FEFF or
     * the supplementary planes' U+10800-U+1EFFF: CJK text, asked about
     * character by character, is answered without a script lookup. */
    if (cp < 0x0590 || (cp >= 0x0900 && cp < 0xFB1D) || (cp >= 0xFF00 && cp < 0x10800) ||
        cp >= 0x1F000)
        return false;
    return hb_script_get_horizontal_direction(hb_unicode_script(uf, cp)) == HB_DIRECTION_RTL;
}

/* Counts one character warning against the document's cap; false when it is
 * over the cap and must not be listed. */
static bool char_warning_allowed(layout_engine *e) {
    if (e->char_warnings < LAYOUT_MAX_CHAR_WARNINGS) {
        e->char_warnings++;
        return true;
    }
    e->char_unlisted++;
    return false;
}

/* A character no font has, at its first place in the text just shaped. */
typedef struct missing_ref {
    uint32_t cp;
    size_t at;
} missing_ref;

static int missing_by_cp(const void *a, const void *b) {
    const missing_ref *x = a, *y = b;
    if (x->cp != y->cp) return x->cp < y->cp ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

static int missing_by_place(const void *a, const void *b) {
    const missing_ref *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* Warnings for the text just shaped: each character no font of the style's
 * role has (once per character per block, in order of first appearance),
 * and right-to-left text (once per block). A paragraph of 100,000 emoji
 * would otherwise print 100,000 lines. */
static void char_warnings(layout_engine *e, const char *path, const tmpl_style *st) {
    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    missing_ref *miss = NULL;
    size_t n_miss = 0, cap = 0;
    for (size_t i = 0; i < e->sr.n_items; i++) {
        const shape_item *it = &e->sr.items[i];
        if (it->missing) {
            xgrow(&miss, &cap, n_miss + 1, sizeof *miss);
            miss[n_miss++] = (missing_ref){it->cp, i};
        }
    }
    for (size_t i = 0; i < e->sr.n_items; i++) {
        uint32_t cp = e->sr.items[i].cp;
        if (!is_rtl(uf, cp)) continue;
        if (char_warning_allowed(e)) {
            char u[8] = {0};
            utf8_encode(cp, u);
            diag_add(e->d, DIAG_WARNING, e->source, path,
                     "right-to-left text (U+%04X \"%s\") is not supported; it is set left to right",
                     cp, u);
        }
        break;
    }
    if (!n_miss) return;
    qsort(miss, n_miss, sizeof *miss, missing_by_cp);
    size_t n = 0;
    for (size_t i = 0; i < n_miss; i++)
        if (i == 0 || miss[i].cp != miss[i - 1].cp) miss[n++] = miss[i];
    qsort(miss, n, sizeof *miss, missing_by_place);
    for (size_t i = 0; i < n; i++) {
        if (!char_warning_allowed(e)) continue;
        char u[8] = {0};
        utf8_encode(miss[i].cp, u);
        diag_add(e->d, DIAG_WARNING, e->source, path,
                 "character U+%04X \"%s\" is in none of the fonts of role \"%s\"; drawn as a box",
                 miss[i].cp, miss[i].cp >= 0x20 ? u : "", st->font);
    }
    free(miss);
}

void layout_prepare(layout_engine *e, run *r, tmpl_style_id style, const char *text, size_t len,
                    double measure, const char *path, bool indent) {
    const tmpl_style *st = &e->t->styles[style];
    const style_chain *chain = &e->chains[style];
    r->style = style;
    r->st = st;
    if (e->t->fullwidth_punct) {
        e->scratch.len = 0;
        punct_fullwidth(text, len, &e->scratch);
        text = e->scratch.data ? e->scratch.data : "";
        len = e->scratch.len;
    }
    r->pool_base = (uint32_t)e->pool.len;
    r->text_len = len;
    buf_append(&e->pool, text, len);
    shape_text(e->sh, chain->faces, chain->n, text, len, st->size, &e->sr);
    if (!e->quiet) char_warnings(e, path, st);
    r->n_items = e->sr.n_items;
    xgrow(&e->items, &e->cap_items, r->n_items + 1, sizeof(lb_item));
    r->p = (lb_params){.size = st->size,
                       .measure = measure,
                       .first_indent = indent ? st->indent * st->size : 0,
                       .han_latin_gap = e->t->han_latin_gap * st->size,
                       .words = style == TMPL_STYLE_TITLE || (style >= TMPL_STYLE_HEADING1 &&
                                                              style <= TMPL_STYLE_HEADING4)};
    if (r->p.first_indent > measure / 2) r->p.first_indent = 0;
    lb_prepare(&e->sr, text, &r->p, e->items);
    r->n_lines = st->align == TMPL_CENTER
                     ? lb_break_balanced(e->items, r->n_items, &r->p, &e->lines, &e->cap_lines)
                     : lb_break(e->items, r->n_items, &r->p, &e->lines, &e->cap_lines);
}

double layout_natural_width(layout_engine *e, tmpl_style_id style, const char *text, size_t len) {
    size_t pool_len = e->pool.len;
    bool quiet = e->quiet;
    e->quiet = true;
    run r;
    layout_prepare(e, &r, style, text, len, 1e9, NULL, false);
    double w = 0;
    for (size_t i = 0; i < r.n_lines; i++) {
        double lw = lb_width(e->items, e->lines[i].start, e->lines[i].end, e->lines[i].first);
        if (lw > w) w = lw;
    }
    e->quiet = quiet;
    e->pool.len = pool_len;
    return w;
}

double layout_text_width(layout_engine *e, tmpl_style_id style, const char *text, size_t len) {
    return layout_natural_width(e, style, text, len);
}

double layout_pitch(const tmpl_style *st) { return st->size * st->leading; }

void layout_place_line(layout_engine *e, const run *r, size_t li, double x, double top,
                       tmpl_align align, bool last) {
    const tmpl_style *st = r->st;
    double pitch = layout_pitch(st);
    layout_place_line_at(e, r, li, x, top - (pitch - st->size) / 2 - st->size * ASCENT, align,
                         last);
}

void layout_place_line_at(layout_engine *e, const run *r, size_t li, double x, double baseline,
                          tmpl_align align, bool last) {
    const lb_line *ln = &e->lines[li];
    const tmpl_style *st = r->st;
    size_t n = ln->end - ln->start;
    xgrow(&e->xs, &e->cap_xs, n + 1, sizeof(double));
    double width;
    bool justify = align == TMPL_JUSTIFY && !last;
    double adj = lb_position(e->items, ln, &r->p, justify, e->xs, &width);
    double off = 0;
    if (align == TMPL_CENTER) off = (r->p.measure - width) / 2;
    else if (align == TMPL_RIGHT) off = r->p.measure - width;

    layout_page *pg = layout_cur_page(e);
    page_caps *c = &e->caps[e->doc->n_pages - 1];
    size_t ng = 0;
    for (size_t k = ln->start; k < ln->end; k++) ng += e->sr.items[k].n_glyphs;
    xgrow(&pg->glyphs, &c->glyphs, pg->n_glyphs + ng, sizeof(layout_glyph));
    for (size_t k = ln->start; k < ln->end; k++) {
        const shape_item *it = &e->sr.items[k];
        if (e->items[k].cls == LB_SPACE && k + 1 == ln->end) continue;
        double pen = x + off + e->xs[k - ln->start];
        double gap_after = k + 1 < ln->end ? lb_mixed_gap(e->items, ln, &r->p, justify, k + 1) : 0;
        /* Around a quote set full width the blank it gained goes into the
         * width of the glyph before it, as the Han-Latin gap does, so that
         * text extraction sees no word break: all of the distance to the
         * next glyph, so the content needs no adjustment there. */
        if (k + 1 < ln->end && (e->items[k].wide || e->items[k + 1].wide)) {
            double natural = 0;
            for (uint32_t g = 0; g < it->n_glyphs; g++)
                natural += e->sr.glyphs[it->glyph_start + g].advance;
            gap_after = e->xs[k + 1 - ln->start] - e->xs[k - ln->start] - natural;
        }
        /* in thousandths of an em, as /W widths are: a gap of 32 em or more
         * (none is, short of a malformed line) would not fit the field */
        double milli = gap_after * 1000.0 / st->size;
        int16_t extra = gap_after != 0 && fabs(milli) < 32000 ? (int16_t)lround(milli) : 0;
        for (uint32_t g = 0; g < it->n_glyphs; g++) {
            const shape_glyph *sg = &e->sr.glyphs[it->glyph_start + g];
            pg->glyphs[pg->n_glyphs++] = (layout_glyph){
                .face = it->face,
                .size = (float)st->size,
                .x = pen + sg->dx,
                .y = baseline + sg->dy,
                .gid = sg->gid,
                .text_off = g == 0 ? r->pool_base + it->start : 0,
                .text_len = g == 0 ? it->len : 0,
                .color = st->color,
                .bold = st->bold && !font_face_is_bold(it->face),
                .extra = g + 1 == it->n_glyphs ? extra : 0,
            };
            pen += sg->advance;
        }
    }
    layout_doc *d = e->doc;
    xgrow(&d->lines, &e->cap_lines_out, d->n_lines + 1, sizeof(layout_line));
    uint32_t t0 = n ? e->sr.items[ln->start].start : 0;
    uint32_t t1 = n ? e->sr.items[ln->end - 1].start + e->sr.items[ln->end - 1].len : 0;
    d->lines[d->n_lines++] = (layout_line){
        .page = d->n_pages - 1,
        .baseline = baseline,
        .x0 = x + off + (n ? e->xs[0] : 0),
        .x1 = x + off + width,
        .text_off = r->pool_base + t0,
        .text_len = t1 - t0,
        .block = st->name,
        .shrink = adj < 0 ? -adj : 0,
        .stretch = adj > 0 ? adj : 0,
        .flags = (last ? LAYOUT_LINE_LAST : 0) | (justify ? LAYOUT_LINE_JUSTIFIED : 0) |
                 (ln->pushed ? LAYOUT_LINE_PUSHED : 0) | (ln->squeezed ? LAYOUT_LINE_SQUEEZED : 0) |
                 (ln->forced ? LAYOUT_LINE_FORCED : 0),
    };
    e->fresh = false;
}

/* How many grid lines one line of a style takes: as many as its own pitch
 * needs, with half a point to spare (15.75 × 1.875 is 29.53125, which is one
 * line of a 29.53 pt grid). */
static double grid_span(const layout_engine *e, const tmpl_style *st) {
    double k = ceil((layout_pitch(st) - 0.5) / e->t->grid_pitch);
    return k < 1 ? 1 : k;
}

double layout_line_height(const layout_engine *e, tmpl_style_id style) {
    const tmpl_style *st = &e->t->styles[style];
    if (e->t->grid) return grid_span(e, st) * e->t->grid_pitch;
    return layout_pitch(st);
}

/* The baseline of a line whose box starts at top: on a grid the characters
 * are centred on the grid's character box (a 22 pt title on a 15.75 pt grid
 * line), elsewhere on the style's own line box. */
static double line_baseline(const layout_engine *e, const tmpl_style *st, double top) {
    if (!e->t->grid) return top - (layout_pitch(st) - st->size) / 2 - st->size * ASCENT;
    double box = (grid_span(e, st) - 1) * e->t->grid_pitch + e->t->grid_size;
    return top - box / 2 - (ASCENT - 0.5) * st->size;
}

static void add_outline(layout_engine *e, const char *text, size_t len, int level, double y) {
    layout_doc *d = e->doc;
    xgrow(&d->outline, &e->cap_outline, d->n_outline + 1, sizeof(layout_outline));
    d->outline[d->n_outline++] = (layout_outline){xstrndup(text, len), level, d->n_pages - 1, y};
}

/* How many lines of a style still fit on the current page. */
static size_t lines_fit(const layout_engine *e, const tmpl_style *st) {
    double room = e->y - e->bottom + EPS;
    if (room <= 0) return 0;
    if (!e->t->grid) return (size_t)floor(room / layout_pitch(st));
    double lines = floor((room - e->t->grid_size) / e->t->grid_pitch) + 1;
    return lines <= 0 ? 0 : (size_t)floor(lines / grid_span(e, st));
}

static void flow_text(layout_engine *e, tmpl_style_id style, const char *text, size_t len,
                      const char *path, int outline_level, double keep_after, double x0,
                      double x1, tmpl_align align, bool indent, bool spaced) {
    const tmpl_style *st = &e->t->styles[style];
    double before = spaced ? st->space_before : 0, after = spaced ? st->space_after : 0;
    if (e->failed) return;
    run r;
    layout_prepare(e, &r, style, text, len, x1 - x0, path, indent);
    if (r.n_lines == 0) return;
    double step = layout_line_height(e, style);
    layout_cur_page(e);
    layout_space(e, before);
    layout_snap(e);
    if (outline_level > 0) {
        /* A heading stays with the first lines of what follows, unless even
         * an empty page could not hold them all (a chain of sub-headings
         * longer than a page): moving would not help, and each heading of
         * the chain would then start a page of its own. */
        double keep = (double)r.n_lines * step + after + keep_after;
        if (keep > e->top - e->bottom) keep = (double)r.n_lines * step;
        layout_need(e, keep);
        add_outline(e, e->pool.data + r.pool_base, r.text_len, outline_level, e->y);
    }
    size_t j = 0, n = r.n_lines;
    /* Fail at once when the lines cannot fit in the pages left, even packed
     * full, rather than after placing millions of glyphs. */
    size_t per_page = (size_t)fmax(1.0, floor((e->top - e->bottom + 1e-6) / step));
    size_t pages_left = LAYOUT_MAX_PAGES - e->doc->n_pages;
    size_t now = lines_fit(e, st);
    if (n > (now ? now : 1) + pages_left * per_page) {
        page_limit_reached(e);
        return;
    }
    while (j < n) {
        if (e->failed) return;
        size_t k = lines_fit(e, st);
        if (k == 0) {
            if (!e->fresh) {
                layout_new_page(e);
                continue;
            }
            k = 1; /* a line taller than the page: place it anyway */
        }
        size_t take = k < n - j ? k : n - j;
        if (take < n - j) {
            /* No line of a paragraph alone at a page's foot (orphan) or head
             * (widow). */
            if (n - j - take == 1 && take >= 2) take--;
            if (j == 0 && take == 1 && !e->fresh) {
                layout_new_page(e);
                continue;
            }
        }
        for (size_t q = 0; q < take; q++, j++) {
            layout_place_line_at(e, &r, j, e->left + x0, line_baseline(e, st, e->y), align,
                                 j + 1 == n);
            e->y -= step;
        }
        if (j < n) layout_new_page(e);
    }
    layout_space(e, after);
}

void layout_text(layout_engine *e, tmpl_style_id style, const char *text, size_t len,
                 const char *path, int outline_level, double keep_after) {
    flow_text(e, style, text, len, path, outline_level, keep_after, 0, e->measure,
              e->t->styles[style].align, true, true);
}

void layout_text_box(layout_engine *e, tmpl_style_id style, const char *text, size_t len,
                     const char *path, double x0, double x1, tmpl_align align) {
    if (x1 - x0 < e->t->styles[style].size) x1 = x0 + e->t->styles[style].size;
    flow_text(e, style, text, len, path, 0, 0, x0, x1, align, false, false);
}

void layout_text_pair(layout_engine *e, tmpl_style_id style, const char *left, const char *right,
                      const char *path) {
    const tmpl_style *st = &e->t->styles[style];
    size_t ll = strlen(left), rl = strlen(right);
    double lw = ll ? layout_text_width(e, style, left, ll) : 0;
    double rw = rl ? layout_text_width(e, style, right, rl) : 0;
    if (!ll || !rl || lw + rw + st->size > e->measure) {
        if (ll) flow_text(e, style, left, ll, path, 0, 0, 0, e->measure, TMPL_LEFT, false, true);
        if (rl) flow_text(e, style, right, rl, path, 0, 0, 0, e->measure, TMPL_RIGHT, false, true);
        return;
    }
    double step = layout_line_height(e, style);
    layout_cur_page(e);
    layout_space(e, st->space_before);
    layout_snap(e);
    if (lines_fit(e, st) == 0) layout_new_page(e);
    double baseline = line_baseline(e, st, e->y);
    run r;
    layout_prepare(e, &r, style, left, ll, e->measure, path, false);
    layout_place_line_at(e, &r, 0, e->left, baseline, TMPL_LEFT, true);
    layout_prepare(e, &r, style, right, rl, e->measure, path, false);
    layout_place_line_at(e, &r, 0, e->left, baseline, TMPL_RIGHT, true);
    e->y -= step;
    layout_space(e, st->space_after);
}

void layout_add_rule_styled(layout_engine *e, double space_before, double space_after,
                            double width, uint32_t color) {
    layout_cur_page(e);
    layout_space(e, space_before);
    layout_need(e, width);
    double y = e->y - width / 2;
    layout_push_rule(e, e->left, y, e->left + e->measure, y, width, color);
    e->y -= width;
    e->fresh = false;
    layout_space(e, space_after);
    layout_snap(e);
}

void layout_add_rule(layout_engine *e, double space_before, double space_after) {
    layout_add_rule_styled(e, space_before, space_after, e->t->rule_width, e->t->rule_color);
}

/* ---- finishing ------------------------------------------------------------ */

static void replace_all(buf *out, const char *s, const char *key, const char *val) {
    size_t kl = strlen(key);
    for (const char *p = s; *p;) {
        const char *q = strstr(p, key);
        if (!q) {
            buf_puts(out, p);
            break;
        }
        buf_append(out, p, (size_t)(q - p));
        buf_puts(out, val);
        p = q + kl;
    }
}

/* The footer of page p (0-based): aligned per the template, odd pages
 * (1, 3, …) on the outside edge's right when the template says "outside". */
static void place_footer(layout_engine *e, size_t p, const char *text, size_t len) {
    const tmpl *t = e->t;
    const tmpl_style *st = &t->styles[TMPL_STYLE_FOOTER];
    double inset = t->footer_inset * st->size;
    bool odd = (p + 1) % 2 == 1;
    tmpl_align al = TMPL_CENTER;
    switch (t->footer_align) {
    case TMPL_FOOTER_LEFT: al = TMPL_LEFT; break;
    case TMPL_FOOTER_RIGHT: al = TMPL_RIGHT; break;
    case TMPL_FOOTER_CENTER: al = TMPL_CENTER; break;
    case TMPL_FOOTER_OUTSIDE: al = odd ? TMPL_RIGHT : TMPL_LEFT; break;
    case TMPL_FOOTER_INSIDE: al = odd ? TMPL_LEFT : TMPL_RIGHT; break;
    }
    double x0 = e->left + (al == TMPL_LEFT ? inset : 0);
    double x1 = e->right - (al == TMPL_RIGHT ? inset : 0);
    run r;
    layout_prepare(e, &r, TMPL_STYLE_FOOTER, text, len, x1 - x0, "$.footer.text", false);
    double baseline = t->footer_edge == TMPL_FOOTER_TOP
                          ? e->bottom - t->footer_offset - st->size * ASCENT
                          : e->bottom - t->footer_offset;
    double pitch = layout_pitch(st);
    for (size_t li = 0; li < r.n_lines; li++)
        layout_place_line_at(e, &r, li, x0, baseline - (double)li * pitch,
                             al == TMPL_JUSTIFY ? TMPL_LEFT : al, true);
}

bool layout_failed(const layout_engine *e) { return e->failed; }

layout_doc *layout_finish(layout_engine *e) {
    if (e->char_unlisted)
        diag_add(e->d, DIAG_WARNING, e->source, NULL,
                 "%zu more character warnings not listed (only the first %d are)", e->char_unlisted,
                 LAYOUT_MAX_CHAR_WARNINGS);
    layout_cur_page(e);
    layout_doc *d = e->doc;
    if (e->footer) {
        char pages[32], num[32];
        snprintf(pages, sizeof pages, "%zu", d->n_pages);
        for (size_t p = 0; p < d->n_pages; p++) {
            snprintf(num, sizeof num, "%zu", p + 1);
            buf a, b;
            buf_init(&a);
            buf_init(&b);
            replace_all(&a, e->footer, "{{page}}", num);
            replace_all(&b, a.data ? a.data : "", "{{pages}}", pages);
            /* Footers belong to page p, whatever page the flow ended on. */
            size_t keep = d->n_pages;
            d->n_pages = p + 1;
            place_footer(e, p, b.data ? b.data : "", b.len);
            d->n_pages = keep;
            buf_free(&a);
            buf_free(&b);
        }
    }
    d->text = buf_steal(&e->pool, &d->text_len);
    e->doc = NULL;
    layout_engine_free(e);
    return d;
}
