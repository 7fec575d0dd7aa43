/* Rendering: reports through a template into PDF bytes. This file holds the
 * front door and the text blocks; tables are in render_table.c, highlights
 * and problems in render_points.c, comparisons in render_compare.c, and
 * what they all use ({{field}} expansion, numbers, dates) in render_text.c:
 * calls go from this file down to those and from them to render_text.c,
 * never back. */
#define _POSIX_C_SOURCE 200809L
#include "render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../backend/backend.h"
#include "../font/font_cff.h"
#include "../layout/engine.h"
#include "../pdf/pdf.h"
#include "../util/buf.h"
#include "../util/xalloc.h"
#include "render_internal.h"

struct render_cache {
    font_cff_cache *cff;
};

static void add_meta(rctx *c, const tmpl_block *b) {
    layout_engine *e = c->e;
    const report *r = c->r;
    buf out;
    buf_init(&out);
    if (b->text) {
        if (rc_expand(c, b->text, b->path, false, &out) && out.len)
            layout_text(e, b->style, out.data, out.len, b->path, 0, 0);
        buf_free(&out);
        return;
    }
    if (r->issuer) buf_puts(&out, r->issuer);
    if (r->issuer && c->date_zh) buf_puts(&out, "\u3000\u3000");
    if (c->date_zh) buf_puts(&out, c->date_zh);
    if (out.len) layout_text(e, b->style, out.data, out.len, "$.issuer", 0, 0);
    buf_free(&out);
}

static tmpl_style_id heading_style(int depth) {
    return depth == 1   ? TMPL_STYLE_HEADING1
           : depth == 2 ? TMPL_STYLE_HEADING2
           : depth == 3 ? TMPL_STYLE_HEADING3
                        : TMPL_STYLE_HEADING4;
}

/* The room a heading must keep below it on its page so that at least two
 * lines of its text follow it, or, when a sub-heading comes first, that
 * heading and what it must keep in turn (so "一、" never stays behind alone
 * above "（一）"). Three lines, not two: a three-line paragraph given two would
 * leave its last line alone on the next page (a widow), so the widow rule
 * would keep one line here, and the orphan rule would then move it all. */
static double keep_after(const layout_engine *e, const tmpl *t, const report_section *s, int depth) {
    if (s->n_paragraphs) return 3 * layout_line_height(e, TMPL_STYLE_PARAGRAPH);
    if (!s->n_sections || depth >= REPORT_MAX_DEPTH) return 0;
    const tmpl_style *st = &t->styles[heading_style(depth + 1)];
    return st->space_before + layout_line_height(e, heading_style(depth + 1)) + st->space_after +
           keep_after(e, t, &s->sections[0], depth + 1);
}

static void add_sections(layout_engine *e, const tmpl *t, const report_section *s, size_t n,
                         int depth, const char *parent) {
    tmpl_style_id hs = heading_style(depth);
    for (size_t i = 0; i < n && !layout_failed(e); i++) {
        char *path = xasprintf("%s[%zu]", parent, i);
        char *tp = xasprintf("%s.title", path);
        layout_text(e, hs, s[i].title, strlen(s[i].title), tp, depth, keep_after(e, t, &s[i], depth));
        free(tp);
        for (size_t p = 0; p < s[i].n_paragraphs; p++) {
            char *pp = xasprintf("%s.paragraphs[%zu]", path, p);
            layout_text(e, TMPL_STYLE_PARAGRAPH, s[i].paragraphs[p], strlen(s[i].paragraphs[p]), pp,
                        0, 0);
            free(pp);
        }
        char *sub = xasprintf("%s.sections", path);
        add_sections(e, t, s[i].sections, s[i].n_sections, depth + 1, sub);
        free(sub);
        free(path);
    }
}

static void add_text(rctx *c, const tmpl_block *b) {
    buf left, right;
    buf_init(&left);
    buf_init(&right);
    bool ok = rc_expand(c, b->text, b->path, b->optional, &left);
    if (ok && b->right) {
        char *rp = xasprintf("%s.right", b->path);
        ok = rc_expand(c, b->right, rp, b->optional, &right);
        free(rp);
    }
    if (ok && b->right)
        layout_text_pair(c->e, b->style, left.data ? left.data : "", right.data ? right.data : "",
                         b->path);
    else if (ok && left.len)
        layout_text(c->e, b->style, left.data, left.len, b->path, 0, 0);
    buf_free(&left);
    buf_free(&right);
}

/* Issuer and date at the end of an official document: the date's right end
 * date_inset characters in from the right edge, the issuer centred over the
 * date (GB/T 9704 7.3.5). */
static void add_signature(rctx *c, const tmpl_block *b) {
    layout_engine *e = c->e;
    const tmpl_style *st = &c->t->styles[b->style];
    buf is, dt;
    buf_init(&is);
    buf_init(&dt);
    char *ip = xasprintf("%s.issuer", b->path), *dp = xasprintf("%s.date", b->path);
    if (rc_expand(c, b->issuer, ip, false, &is) && rc_expand(c, b->date, dp, false, &dt) &&
        (is.len || dt.len)) {
        double m = layout_measure(e);
        double right = m - b->date_inset * st->size;
        double dw = dt.len ? layout_text_width(e, b->style, dt.data, dt.len) : 0;
        double iw = is.len ? layout_text_width(e, b->style, is.data, is.len) : 0;
        double cx = dt.len ? right - dw / 2 : right - iw / 2;
        double ix = cx - iw / 2;
        if (ix + iw > m) ix = m - iw;
        if (ix < 0) ix = 0;
        double dx = right - dw > 0 ? right - dw : 0;
        layout_vspace(e, st->space_before);
        /* Issuer and date stay together on one page. */
        layout_keep(e, (is.len && dt.len ? 2 : 1) * layout_line_height(e, b->style));
        /* +1 pt: the box holds the line it was measured for. */
        if (is.len) layout_text_box(e, b->style, is.data, is.len, "$.issuer", ix, ix + iw + 1, TMPL_LEFT);
        if (dt.len) layout_text_box(e, b->style, dt.data, dt.len, "$.date", dx, dx + dw + 1, TMPL_LEFT);
        layout_vspace(e, st->space_after);
    }
    free(ip);
    free(dp);
    buf_free(&is);
    buf_free(&dt);
}

/* ---- one layout pass ------------------------------------------------------- */

static layout_doc *layout_pass(rctx *c, diag_list *d) {
    const tmpl *t = c->t;
    diag_list *keep = c->d;
    c->d = d;
    c->failed = false;
    c->e = layout_engine_new(t, c->fonts, c->source, d);
    if (!c->e) {
        c->d = keep;
        return NULL;
    }
    layout_engine *e = c->e;
    if (t->footer) {
        buf f;
        buf_init(&f);
        if (rc_expand(c, t->footer, "$.footer.text", false, &f)) layout_set_footer(e, f.data ? f.data : "");
        buf_free(&f);
    }
    for (size_t i = 0; i < t->n_blocks && !c->failed && !layout_failed(e); i++) {
        const tmpl_block *b = &t->blocks[i];
        switch (b->type) {
        case TMPL_BLOCK_TITLE: {
            buf out;
            buf_init(&out);
            if (rc_expand(c, b->text, b->path, false, &out) && out.len)
                layout_text(e, b->style, out.data, out.len, "$.title", 0, 0);
            buf_free(&out);
            break;
        }
        case TMPL_BLOCK_META: add_meta(c, b); break;
        case TMPL_BLOCK_RULE:
            layout_add_rule_styled(e, b->space_before, b->space_after, b->width, b->color);
            break;
        case TMPL_BLOCK_INDICATORS: rc_indicators(c, b); break;
        case TMPL_BLOCK_SUMMARY:
            for (size_t k = 0; k < c->r->n_summary; k++) {
                char *path = xasprintf("$.summary[%zu]", k);
                layout_text(e, b->style, c->r->summary[k], strlen(c->r->summary[k]), path, 0, 0);
                free(path);
            }
            break;
        case TMPL_BLOCK_SECTIONS:
            add_sections(e, t, c->r->sections, c->r->n_sections, 1, "$.sections");
            break;
        case TMPL_BLOCK_TEXT: add_text(c, b); break;
        case TMPL_BLOCK_POINTS: rc_points_layout(c, b, &c->points[i]); break;
        case TMPL_BLOCK_SIGNATURE: add_signature(c, b); break;
        case TMPL_BLOCK_PAGE_BREAK: layout_page_break(e); break;
        case TMPL_BLOCK_SPACE: layout_vspace(e, b->width); break;
        case TMPL_BLOCK_COMPARE: rc_compare_table(c, b); break;
        case TMPL_BLOCK_CHART: rc_compare_chart(c, b); break;
        case TMPL_BLOCK_TYPE_COUNT: break;
        }
    }
    c->d = keep;
    if (c->failed) {
        layout_engine_free(e);
        c->e = NULL;
        return NULL;
    }
    /* The page limit of the layout stage (an error is in d). */
    bool failed = layout_failed(e);
    layout_doc *doc = layout_finish(e);
    c->e = NULL;
    if (failed) {
        layout_doc_free(doc);
        return NULL;
    }
    return doc;
}

/* Lays the document out; with a page limit, cuts highlights and problems
 * sentence by sentence until it fits, and as a last resort drops the pages
 * past the limit. Trial passes report into a scratch list, so the warnings
 * the user sees are those of the final document only. */
static layout_doc *layout_fit(rctx *c, size_t *cuts) {
    const tmpl *t = c->t;
    if (!t->page_limit) return layout_pass(c, c->d);
    for (;;) {
        diag_list *scratch = diag_list_new();
        layout_doc *doc = layout_pass(c, scratch);
        size_t pages = doc ? doc->n_pages : 0;
        layout_doc_free(doc);
        diag_list_free(scratch);
        if (!doc || pages <= t->page_limit || !rc_points_cut(c)) break;
    }
    layout_doc *doc = layout_pass(c, c->d);
    rc_points_report(c, cuts);
    if (doc && doc->n_pages > t->page_limit) {
        diag_add(c->d, DIAG_WARNING, t->source, "$.page_limit",
                 "%s takes %zu pages even with every highlight and problem cut; pages after %u "
                 "dropped",
                 c->source, doc->n_pages, t->page_limit);
        layout_doc_truncate(doc, t->page_limit);
        (*cuts)++;
    }
    return doc;
}

static void set_date(pdf_info *info, const report *r, long long epoch) {
    int y, m, d;
    if (r && r->date && sscanf(r->date, "%d-%d-%d", &y, &m, &d) == 3) {
        info->year = y, info->month = m, info->day = d;
        return;
    }
    if (epoch >= 0) {
        time_t tt = (time_t)epoch;
        struct tm tm;
        /* A PDF date has a four-digit year: later epochs give no date
         * rather than a document that cannot be written. */
        if (gmtime_r(&tt, &tm) && tm.tm_year + 1900 <= 9999) {
            info->year = tm.tm_year + 1900, info->month = tm.tm_mon + 1, info->day = tm.tm_mday;
            info->hour = tm.tm_hour, info->minute = tm.tm_min, info->second = tm.tm_sec;
        }
    }
}

/* Blocks that show the text of one report. */
static bool single_report_block(tmpl_block_type type) {
    return type == TMPL_BLOCK_META || type == TMPL_BLOCK_INDICATORS || type == TMPL_BLOCK_SUMMARY ||
           type == TMPL_BLOCK_SECTIONS || type == TMPL_BLOCK_POINTS ||
           type == TMPL_BLOCK_SIGNATURE;
}

static void fill_doc_fields(rctx *c) {
    snprintf(c->count, sizeof c->count, "%zu", c->n);
    int lo = c->rs[0]->year, hi = lo;
    buf regions;
    buf_init(&regions);
    for (size_t i = 0; i < c->n; i++) {
        if (c->rs[i]->year < lo) lo = c->rs[i]->year;
        if (c->rs[i]->year > hi) hi = c->rs[i]->year;
        bool seen = false;
        for (size_t j = 0; j < i; j++) seen |= !strcmp(c->rs[j]->region_name, c->rs[i]->region_name);
        if (!seen) buf_printf(&regions, "%s%s", regions.len ? "、" : "", c->rs[i]->region_name);
    }
    c->years = lo == hi ? xasprintf("%d", lo) : xasprintf("%d—%d", lo, hi);
    c->regions = buf_steal(&regions, NULL);
    if (c->r) {
        snprintf(c->year, sizeof c->year, "%d", c->r->year);
        c->date_zh = rc_chinese_date(c->r->date);
    }
}

bool render_reports(const report *const *reports, size_t n, const tmpl *t, const font_lib *fonts,
                    const render_opts *opts, render_result *out, diag_list *d) {
    *out = (render_result){0};
    if (n == 0) {
        diag_add(d, DIAG_ERROR, NULL, NULL, "no report to render");
        return false;
    }
    rctx c = {.t = t, .fonts = fonts, .opts = opts, .d = d, .rs = reports, .n = n,
              .r = n == 1 ? reports[0] : NULL, .source = n == 1 ? reports[0]->source : "the comparison"};
    bool ok = true;
    for (size_t i = 0; i < t->n_blocks; i++)
        if (n > 1 && single_report_block(t->blocks[i].type)) {
            diag_add(d, DIAG_ERROR, t->source, t->blocks[i].path,
                     "a \"%s\" block shows one report; this template cannot compare %zu reports",
                     tmpl_block_type_name(t->blocks[i].type), n);
            ok = false;
        }
    for (size_t i = 0; opts && i < opts->n_vars; i++) {
        const char *v = opts->vars[i], *eq = strchr(v, '=');
        if (!eq || !tmpl_var_find(t, v, (size_t)(eq - v)))
            diag_add(d, DIAG_WARNING, t->source, "$.variables",
                     "no variable \"%.*s\" to set (the template declares %zu)",
                     (int)(eq ? eq - v : (long)strlen(v)), v, t->n_vars);
    }
    if (!ok) return false;
    fill_doc_fields(&c);
    c.points = xcalloc(t->n_blocks, sizeof(rpoints));
    for (size_t i = 0; i < t->n_blocks; i++)
        if (t->blocks[i].type == TMPL_BLOCK_POINTS) rc_points_collect(&c, &t->blocks[i], &c.points[i]);
    for (size_t i = 0; i < t->n_blocks && ok; i++)
        if (t->blocks[i].type == TMPL_BLOCK_COMPARE || t->blocks[i].type == TMPL_BLOCK_CHART) {
            ok = rc_compare_build(&c);
            break;
        }
    layout_doc *doc = ok ? layout_fit(&c, &out->cuts) : NULL;
    if (doc) {
        const report *r0 = reports[0];
        char *subject = c.r ? xasprintf("%s%d年法治政府建设情况简报", r0->region_name, r0->year)
                            : xasprintf("%s年法治政府建设情况对比", c.years);
        char *keywords = xasprintf("%s, %s, 法治政府建设", c.regions, c.years);
        char *title = c.r ? NULL : xasprintf("%s法治政府建设情况对比（%s）", c.years, c.regions);
        pdf_info info = {.title = c.r ? r0->title : title,
                         .author = c.r ? r0->issuer : NULL,
                         .subject = subject,
                         .keywords = keywords,
                         .creator = "briefing " BRIEFING_VERSION,
                         .font_tolerance = c.t->outline_tolerance,
                         .read_outlines = opts && opts->read_outlines,
                         .cff_cache = opts && opts->cache ? opts->cache->cff : NULL};
        set_date(&info, c.r, opts ? opts->fallback_epoch : -1);
        ok = pdf_write(doc, &info, &out->pdf, &out->pdf_len, d);
        free(subject);
        free(keywords);
        free(title);
        out->pages = doc->n_pages;
        if (ok && opts && opts->keep_layout)
            out->layout = doc;
        else
            layout_doc_free(doc);
    } else {
        ok = false;
    }
    for (size_t i = 0; i < t->n_blocks; i++) rc_points_free(&c.points[i]);
    free(c.points);
    rc_compare_free(c.cmp, n);
    free(c.date_zh);
    free(c.years);
    free(c.regions);
    if (!ok) render_result_free(out);
    return ok;
}

bool render_report(const report *r, const tmpl *t, const font_lib *fonts, const render_opts *opts,
                   render_result *out, diag_list *d) {
    const report *one[1] = {r};
    return render_reports(one, 1, t, fonts, opts, out, d);
}

render_cache *render_cache_new(void) {
    render_cache *k = xcalloc(1, sizeof *k);
    k->cff = font_cff_cache_new();
    return k;
}

void render_cache_free(render_cache *k) {
    if (!k) return;
    font_cff_cache_free(k->cff);
    free(k);
}

void render_result_free(render_result *res) {
    free(res->pdf);
    layout_doc_free(res->layout);
    *res = (render_result){0};
}

bool render_add_system_fonts(const tmpl *t, font_lib *fonts, backends *b, diag_list *d) {
    size_t n = 0;
    for (size_t r = 0; r < t->n_fonts; r++) n += t->fonts[r].n_families;
    const char **names = xcalloc(n ? n : 1, sizeof *names);
    n = 0;
    for (size_t r = 0; r < t->n_fonts; r++)
        for (size_t i = 0; i < t->fonts[r].n_families; i++) names[n++] = t->fonts[r].families[i];
    bool failed = false;
    font_lib_add_system(fonts, b, names, n, &failed, d);
    free(names);
    return !failed;
}

bool render_check_fonts(const tmpl *t, const font_lib *fonts, diag_list *d) {
    bool ok = true;
    for (size_t s = 0; s < t->n_styles; s++) {
        const tmpl_font_role *role = tmpl_font_role_find(t, t->styles[s].font);
        bool said = false; /* one error per role */
        for (size_t k = 0; k < s && !said; k++) said = tmpl_font_role_find(t, t->styles[k].font) == role;
        bool any = false;
        for (size_t i = 0; role && i < role->n_families && !any; i++)
            any = font_lib_find(fonts, role->families[i]) != NULL;
        if (any || said) continue;
        char *path = xasprintf("$.fonts.%s", t->styles[s].font);
        diag_add(d, DIAG_ERROR, t->source, path,
                 "none of the fonts of role \"%s\" is installed (`fc-list : family` lists the "
                 "system's; fonts/fonts.json adds others)",
                 t->styles[s].font);
        free(path);
        ok = false;
    }
    return ok;
}
