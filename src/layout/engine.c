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


static const font_face *const *style_chain(const layout_engine *e, tmpl_style_id s, size_t *n) {
    *n = e->n_chain[s];
    return e->chain[s];
}

layout_engine *layout_engine_new(const tmpl *t, const font_lib *fonts, const char *source,
                                 diag_list *d) {
    layout_engine *e = xcalloc(1, sizeof(layout_engine));
    e->t = t;
    e->source = source;
    e->d = d;
    bool ok = true;
    for (int s = 0; s < TMPL_STYLE_COUNT; s++) {
        const tmpl_font_role *role = tmpl_font_role_find(t, t->styles[s].font);
        for (size_t i = 0; role && i < role->n_families && e->n_chain[s] < MAX_CHAIN; i++) {
            const font_face *f = font_lib_find(fonts, role->families[i]);
            if (f) e->chain[s][e->n_chain[s]++] = f;
        }
        if (e->n_chain[s] == 0) {
            char *path = xasprintf("$.fonts.%s", t->styles[s].font);
            diag_add(d, DIAG_ERROR, t->source, path,
                     "none of the fonts of role \"%s\" is installed (see fonts/fonts.json)",
                     t->styles[s].font);
            free(path);
            ok = false;
            break;
        }
    }
    if (!ok) {
        free(e);
        return NULL;
    }
    e->sh = shaper_new();
    e->doc = xcalloc(1, sizeof(layout_doc));
    buf_init(&e->pool);
    e->left = t->margin_left;
    e->right = t->page_width - t->margin_right;
    e->top = t->page_height - t->margin_top;
    e->bottom = t->margin_bottom;
    e->fresh = true;
    e->y = e->top;
    e->doc->n_pages = 0;
    return e;
}

void layout_engine_free(layout_engine *e) {
    if (!e) return;
    shaper_free(e->sh);
    shape_result_free(&e->sr);
    free(e->items);
    free(e->lines);
    free(e->xs);
    free(e->caps);
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

/* ---- pages ---------------------------------------------------------------- */

void layout_new_page(layout_engine *e) {
    layout_doc *d = e->doc;
    if (d->n_pages >= LAYOUT_MAX_PAGES) {
        /* Callers expect a page to write on: the last one is reused, and
         * everything placed from now on is thrown away with the document. */
        if (!e->failed)
            diag_add(e->d, DIAG_ERROR, e->source, NULL,
                     "the document needs more than %d pages (the limit); shorten the report or "
                     "use a template with a larger type area",
                     LAYOUT_MAX_PAGES);
        e->failed = true;
        e->y = e->top;
        e->fresh = true;
        return;
    }
    size_t old = e->cap_pages;
    xgrow(&d->pages, &e->cap_pages, d->n_pages + 1, sizeof(layout_page));
    if (e->cap_pages != old) {
        e->caps = xrealloc(e->caps, e->cap_pages * sizeof(page_caps));
    }
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

/* Moves to a new page unless h fits below the cursor (or the page is empty,
 * where nothing would be gained). */
void layout_need(layout_engine *e, double h) {
    layout_cur_page(e);
    if (!e->fresh && e->y - h < e->bottom - 1e-6) layout_new_page(e);
}

void layout_space(layout_engine *e, double h) {
    layout_cur_page(e);
    if (!e->fresh) e->y -= h;
}

/* ---- text ----------------------------------------------------------------- */

/* Whether a character belongs to a right-to-left script (Arabic, Hebrew,
 * ...), which the shaper sets left to right. */
static bool is_rtl(hb_unicode_funcs_t *uf, uint32_t cp) {
    if (cp < 0x0590) return false;
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

/* Warnings for the text just shaped: each character no font of the style's
 * role has (once per character per block), and right-to-left text (once per
 * block). A paragraph of 100,000 emoji would otherwise print 100,000 lines. */
static void char_warnings(layout_engine *e, const char *path, const tmpl_style *st) {
    enum { SEEN = 16 };
    uint32_t seen[SEEN];
    size_t n_seen = 0;
    bool rtl_done = false;
    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    for (size_t i = 0; i < e->sr.n_items; i++) {
        const shape_item *it = &e->sr.items[i];
        char u[8] = {0};
        if (!rtl_done && is_rtl(uf, it->cp)) {
            rtl_done = true;
            if (char_warning_allowed(e)) {
                utf8_encode(it->cp, u);
                diag_add(e->d, DIAG_WARNING, e->source, path,
                         "right-to-left text (U+%04X \"%s\") is not supported; it is set left to "
                         "right",
                         it->cp, u);
            }
        }
        if (!it->missing) continue;
        bool known = false;
        for (size_t k = 0; k < n_seen && !known; k++) known = seen[k] == it->cp;
        if (known) continue;
        if (n_seen < SEEN) seen[n_seen++] = it->cp;
        if (!char_warning_allowed(e)) continue;
        utf8_encode(it->cp, u);
        diag_add(e->d, DIAG_WARNING, e->source, path,
                 "character U+%04X \"%s\" is in none of the fonts of role \"%s\"; drawn as a box",
                 it->cp, it->cp >= 0x20 ? u : "", st->font);
    }
}

/* Shapes and breaks text for a measure; results live in e->sr, e->items and
 * e->lines until the next call. */
void layout_prepare(layout_engine *e, run *r, tmpl_style_id style, const char *text, size_t len,
                    double measure, const char *path, bool indent) {
    const tmpl_style *st = &e->t->styles[style];
    size_t nc;
    const font_face *const *chain = style_chain(e, style, &nc);
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
    shape_text(e->sh, chain, nc, text, len, st->size, &e->sr);
    if (!e->quiet) char_warnings(e, path, st);
    r->n_items = e->sr.n_items;
    xgrow(&e->items, &e->cap_items, r->n_items + 1, sizeof(lb_item));
    r->p = (lb_params){.size = st->size,
                       .measure = measure,
                       .first_indent = indent ? st->indent * st->size : 0,
                       .han_latin_gap = e->t->han_latin_gap * st->size};
    if (r->p.first_indent > measure / 2) r->p.first_indent = 0;
    lb_prepare(&e->sr, text, &r->p, e->items);
    r->n_lines = lb_break(e->items, r->n_items, &r->p, &e->lines, &e->cap_lines);
}

double layout_pitch(const tmpl_style *st) { return st->size * st->leading; }

/* Places line li of the prepared run with its left edge at x and its line
 * box top at top. */
void layout_place_line(layout_engine *e, const run *r, size_t li, double x, double top,
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
    double pitch = layout_pitch(st);
    double baseline = top - (pitch - st->size) / 2 - st->size * ASCENT;

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
        int16_t extra = (int16_t)lround(gap_after * 1000.0 / st->size);
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
        .block = tmpl_style_name(r->style),
        .shrink = adj < 0 ? -adj : 0,
        .stretch = adj > 0 ? adj : 0,
        .flags = (last ? LAYOUT_LINE_LAST : 0) | (justify ? LAYOUT_LINE_JUSTIFIED : 0) |
                 (ln->pushed ? LAYOUT_LINE_PUSHED : 0) | (ln->squeezed ? LAYOUT_LINE_SQUEEZED : 0) |
                 (ln->forced ? LAYOUT_LINE_FORCED : 0),
    };
    e->fresh = false;
}

double layout_line_height(const layout_engine *e, tmpl_style_id style) {
    return layout_pitch(&e->t->styles[style]);
}

static void add_outline(layout_engine *e, const char *text, size_t len, int level, double y) {
    layout_doc *d = e->doc;
    xgrow(&d->outline, &e->cap_outline, d->n_outline + 1, sizeof(layout_outline));
    d->outline[d->n_outline++] =
        (layout_outline){xstrndup(text, len), level, d->n_pages - 1, y};
}

/* How many lines of the given pitch still fit on the current page. */
static size_t lines_fit(const layout_engine *e, double pitch) {
    double room = e->y - e->bottom + 1e-6;
    return room <= 0 ? 0 : (size_t)floor(room / pitch);
}

void layout_text(layout_engine *e, tmpl_style_id style, const char *text, size_t len,
                 const char *path, int outline_level, double keep_after) {
    const tmpl_style *st = &e->t->styles[style];
    if (e->failed) return;
    run r;
    layout_prepare(e, &r, style, text, len, e->right - e->left, path, true);
    if (r.n_lines == 0) return;
    double pitch = layout_pitch(st);
    layout_cur_page(e);
    layout_space(e, st->space_before);
    if (outline_level > 0) {
        /* A heading stays with the first lines of what follows, unless even
         * an empty page could not hold them all (a chain of sub-headings
         * longer than a page): moving would not help, and each heading of
         * the chain would then start a page of its own. */
        double keep = (double)r.n_lines * pitch + st->space_after + keep_after;
        if (keep > e->top - e->bottom) keep = (double)r.n_lines * pitch;
        layout_need(e, keep);
        add_outline(e, e->pool.data + r.pool_base, r.text_len, outline_level, e->y);
    }
    size_t j = 0, n = r.n_lines;
    while (j < n) {
        if (e->failed) return;
        size_t k = lines_fit(e, pitch);
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
            layout_place_line(e, &r, j, e->left, e->y, st->align, j + 1 == n);
            e->y -= pitch;
        }
        if (j < n) layout_new_page(e);
    }
    e->y -= st->space_after;
}

void layout_add_rule(layout_engine *e, double space_before, double space_after) {
    layout_cur_page(e);
    layout_space(e, space_before);
    layout_need(e, e->t->rule_width);
    double y = e->y - e->t->rule_width / 2;
    layout_push_rule(e, e->left, y, e->right, y, e->t->rule_width, e->t->rule_color);
    e->y -= e->t->rule_width + space_after;
    e->fresh = false;
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

bool layout_failed(const layout_engine *e) { return e->failed; }

layout_doc *layout_finish(layout_engine *e) {
    if (e->char_unlisted)
        diag_add(e->d, DIAG_WARNING, e->source, NULL,
                 "%zu more character warnings not listed (the first %d are)", e->char_unlisted,
                 LAYOUT_MAX_CHAR_WARNINGS);
    layout_cur_page(e);
    layout_doc *d = e->doc;
    const tmpl *t = e->t;
    if (t->footer) {
        const tmpl_style *st = &t->styles[TMPL_STYLE_FOOTER];
        char pages[32], num[32];
        snprintf(pages, sizeof pages, "%zu", d->n_pages);
        for (size_t p = 0; p < d->n_pages; p++) {
            snprintf(num, sizeof num, "%zu", p + 1);
            buf a, b;
            buf_init(&a);
            buf_init(&b);
            replace_all(&a, t->footer, "{{page}}", num);
            replace_all(&b, a.data ? a.data : "", "{{pages}}", pages);
            run r;
            layout_prepare(e, &r, TMPL_STYLE_FOOTER, b.data ? b.data : "", b.len, e->right - e->left,
                    "$.footer.text", false);
            /* Footers belong to page p, whatever page the flow ended on. */
            size_t keep = d->n_pages;
            d->n_pages = p + 1;
            double pitch = layout_pitch(st);
            double top = e->bottom - t->footer_offset + (pitch - st->size) / 2 + st->size * ASCENT;
            for (size_t li = 0; li < r.n_lines; li++)
                layout_place_line(e, &r, li, e->left, top - (double)li * pitch, st->align, true);
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
