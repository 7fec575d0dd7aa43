#define _POSIX_C_SOURCE 200809L
#include "render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../layout/engine.h"
#include "../pdf/pdf.h"
#include "../util/buf.h"
#include "../util/xalloc.h"

void render_format_number(double v, char *out, size_t size) {
    if (!isfinite(v)) {
        snprintf(out, size, "%g", v);
        return;
    }
    if (fabs(v) >= 1e15) {
        snprintf(out, size, "%.6g", v);
        return;
    }
    buf b;
    buf_init(&b);
    buf_put_num(&b, v, 4);
    snprintf(out, size, "%s", b.data);
    buf_free(&b);
}

/* "2022-02-21" → "2022年2月21日" (the date was validated by report_). */
static char *chinese_date(const char *iso) {
    int y = 0, m = 0, d = 0;
    if (!iso || sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3) return NULL;
    return xasprintf("%d年%d月%d日", y, m, d);
}

static void add_meta(layout_engine *e, const report *r) {
    char *date = chinese_date(r->date);
    buf b;
    buf_init(&b);
    if (r->issuer) buf_puts(&b, r->issuer);
    if (r->issuer && date) buf_puts(&b, "\u3000\u3000");
    if (date) buf_puts(&b, date);
    if (b.len) layout_text(e, TMPL_STYLE_META, b.data, b.len, "$.issuer", 0, 0);
    buf_free(&b);
    free(date);
}

/* An indicator's category and its place in the report, for grouping. */
typedef struct cat_ref {
    const char *cat;
    size_t index;
} cat_ref;

static int cat_ref_cmp(const void *a, const void *b) {
    const cat_ref *x = a, *y = b;
    int r = strcmp(x->cat, y->cat);
    if (r) return r;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* A group of rows: refs[start .. start + count), first = its first index. */
typedef struct cat_group {
    size_t first, start, count;
} cat_group;

static int cat_group_cmp(const void *a, const void *b) {
    const cat_group *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

static void add_indicators(layout_engine *e, const tmpl *t, const report *r) {
    if (r->n_indicators == 0) return;
    /* Rows grouped by category, groups in order of first appearance, rows in
     * report order within a group: a reader scans one topic at a time.
     * Sorting by (category, index) finds the groups in O(n log n); comparing
     * every indicator with every category was quadratic, and 20,000
     * indicators with distinct categories took seconds. */
    size_t n = r->n_indicators;
    cat_ref *refs = xcalloc(n, sizeof *refs);
    bool any_cat = false;
    for (size_t i = 0; i < n; i++) {
        const char *c = r->indicators[i].category ? r->indicators[i].category : "";
        any_cat |= c[0] != 0;
        refs[i] = (cat_ref){c, i};
    }
    qsort(refs, n, sizeof *refs, cat_ref_cmp);
    cat_group *grp = xcalloc(n, sizeof *grp);
    size_t n_cats = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(refs[i].cat, refs[i - 1].cat) != 0)
            grp[n_cats++] = (cat_group){refs[i].index, i, 0};
        grp[n_cats - 1].count++;
    }
    qsort(grp, n_cats, sizeof *grp, cat_group_cmp);
    bool groups = any_cat && n_cats > 0;
    layout_table_row *rows = xcalloc(n + n_cats, sizeof(layout_table_row));
    layout_table_cell *cells = xcalloc(3 * n + n_cats, sizeof(layout_table_cell));
    char (*values)[64] = xcalloc(n, sizeof *values);
    char **paths = xcalloc(3 * n, sizeof(char *));
    size_t nr = 0, nc = 0;
    for (size_t k = 0; k < n_cats; k++) {
        const char *cat = refs[grp[k].start].cat;
        if (groups) {
            rows[nr++] = (layout_table_row){&cells[nc], true};
            cells[nc++] = (layout_table_cell){cat[0] ? cat : "其他", NULL};
        }
        for (size_t g = 0; g < grp[k].count; g++) {
            size_t i = refs[grp[k].start + g].index;
            const report_indicator *ind = &r->indicators[i];
            render_format_number(ind->value, values[i], sizeof values[i]);
            paths[3 * i] = xasprintf("$.indicators[%zu].label", i);
            paths[3 * i + 1] = xasprintf("$.indicators[%zu].value", i);
            paths[3 * i + 2] = xasprintf("$.indicators[%zu].unit", i);
            rows[nr++] = (layout_table_row){&cells[nc], false};
            cells[nc++] = (layout_table_cell){ind->label, paths[3 * i]};
            cells[nc++] = (layout_table_cell){values[i], paths[3 * i + 1]};
            cells[nc++] = (layout_table_cell){ind->unit ? ind->unit : "", paths[3 * i + 2]};
        }
    }
    static const double widths[3] = {0.56, 0.26, 0.18};
    static const tmpl_align align[3] = {TMPL_LEFT, TMPL_RIGHT, TMPL_LEFT};
    const char *header[3] = {t->table_label_header, t->table_value_header, t->table_unit_header};
    layout_table tbl = {3, widths, align, header, rows, nr, t->table_caption};
    layout_table_add(e, &tbl);
    for (size_t i = 0; i < 3 * n; i++) free(paths[i]);
    free(paths);
    free(values);
    free(cells);
    free(rows);
    free(grp);
    free(refs);
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
    for (size_t i = 0; i < n; i++) {
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

static void set_date(pdf_info *info, const report *r, long long epoch) {
    int y, m, d;
    if (r->date && sscanf(r->date, "%d-%d-%d", &y, &m, &d) == 3) {
        info->year = y, info->month = m, info->day = d;
        return;
    }
    if (epoch >= 0) {
        time_t tt = (time_t)epoch;
        struct tm tm;
        if (gmtime_r(&tt, &tm)) {
            info->year = tm.tm_year + 1900, info->month = tm.tm_mon + 1, info->day = tm.tm_mday;
            info->hour = tm.tm_hour, info->minute = tm.tm_min, info->second = tm.tm_sec;
        }
    }
}

bool render_report(const report *r, const tmpl *t, const font_lib *fonts, const render_opts *opts,
                   render_result *out, diag_list *d) {
    *out = (render_result){0};
    layout_engine *e = layout_engine_new(t, fonts, r->source, d);
    if (!e) return false;
    for (size_t b = 0; b < t->n_blocks; b++) {
        switch (t->blocks[b]) {
        case TMPL_BLOCK_TITLE:
            layout_text(e, TMPL_STYLE_TITLE, r->title, strlen(r->title), "$.title", 0, 0);
            break;
        case TMPL_BLOCK_META:
            add_meta(e, r);
            break;
        case TMPL_BLOCK_RULE:
            layout_add_rule(e, 4, 14);
            break;
        case TMPL_BLOCK_INDICATORS:
            add_indicators(e, t, r);
            break;
        case TMPL_BLOCK_SUMMARY:
            for (size_t i = 0; i < r->n_summary; i++) {
                char *path = xasprintf("$.summary[%zu]", i);
                layout_text(e, TMPL_STYLE_SUMMARY, r->summary[i], strlen(r->summary[i]), path, 0, 0);
                free(path);
            }
            break;
        case TMPL_BLOCK_SECTIONS:
            add_sections(e, t, r->sections, r->n_sections, 1, "$.sections");
            break;
        }
    }
    bool failed = layout_failed(e);
    layout_doc *doc = layout_finish(e);
    if (failed) {
        layout_doc_free(doc);
        return false;
    }

    char *subject = xasprintf("%s%d年法治政府建设情况简报", r->region_name, r->year);
    char *keywords = xasprintf("%s, %d, 法治政府建设", r->region_name, r->year);
    pdf_info info = {.title = r->title,
                     .author = r->issuer,
                     .subject = subject,
                     .keywords = keywords,
                     .creator = "briefing " BRIEFING_VERSION};
    set_date(&info, r, opts ? opts->fallback_epoch : -1);
    bool ok = pdf_write(doc, &info, &out->pdf, &out->pdf_len, d);
    free(subject);
    free(keywords);
    out->pages = doc->n_pages;
    if (ok && opts && opts->keep_layout)
        out->layout = doc;
    else
        layout_doc_free(doc);
    if (!ok) render_result_free(out);
    return ok;
}

void render_result_free(render_result *res) {
    free(res->pdf);
    layout_doc_free(res->layout);
    *res = (render_result){0};
}
