/* Comparisons (blocks "compare" and "chart"): one row per report, one column
 * per indicator the reports share. Indicators are matched by their key when
 * they have one, else by label; the rows can be sorted by one indicator,
 * which the chart then draws. */
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"
#include "render_internal.h"

static const char *ident(const report_indicator *ind) { return ind->key ? ind->key : ind->label; }

static const tmpl_block *compare_block(const tmpl *t) {
    for (size_t i = 0; i < t->n_blocks; i++)
        if (t->blocks[i].type == TMPL_BLOCK_COMPARE) return &t->blocks[i];
    return NULL;
}

static bool same_unit(const char *a, const char *b) {
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Columns first by how many reports have them, then by first appearance. */
static int by_count(const void *pa, const void *pb) {
    const rcol *a = pa, *b = pb;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return a->first < b->first ? -1 : a->first > b->first;
}

/* Rows by the sort column, largest first; reports without the indicator
 * last; ties in input order (insertion sort: stable, and n is small). */
static void sort_rows(rcompare *m, size_t n) {
    for (size_t i = 1; i < n; i++) {
        size_t v = m->order[i], j = i;
        const report_indicator *a = m->cells[v * m->n_cols + (size_t)m->sort_col];
        while (j > 0) {
            const report_indicator *b = m->cells[m->order[j - 1] * m->n_cols + (size_t)m->sort_col];
            bool before = a && (!b || a->value > b->value);
            if (!before) break;
            m->order[j] = m->order[j - 1];
            j--;
        }
        m->order[j] = v;
    }
}

/* One indicator of one report, for matching across reports by sorting. */
typedef struct iref {
    const char *id;
    size_t report, index, seq; /* seq: order over all reports */
    bool dup;                  /* a second indicator of the same report: not compared */
} iref;

static int iref_id_cmp(const void *a, const void *b) {
    return strcmp(((const iref *)a)->id, ((const iref *)b)->id);
}

static int iref_cmp(const void *a, const void *b) {
    const iref *x = a, *y = b;
    int r = strcmp(x->id, y->id);
    if (r) return r;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Every indicator identity with the number of reports having it, found by
 * sorting (O(n log n): a report may hold 100,000 indicators). Fills
 * *cols_out and returns the count; refs (sorted) is kept for the cells. */
static size_t identities(rctx *c, iref **refs_out, size_t *n_refs, rcol **cols_out) {
    size_t total = 0;
    for (size_t r = 0; r < c->n; r++) total += c->rs[r]->n_indicators;
    iref *refs = xcalloc(total + 1, sizeof *refs);
    size_t k = 0;
    for (size_t r = 0; r < c->n; r++)
        for (size_t i = 0; i < c->rs[r]->n_indicators; i++, k++)
            refs[k] = (iref){ident(&c->rs[r]->indicators[i]), r, i, k, false};
    qsort(refs, total, sizeof *refs, iref_cmp);
    rcol *cols = xcalloc(total + 1, sizeof *cols);
    size_t n = 0;
    for (size_t a = 0; a < total;) {
        size_t b = a;
        while (b < total && !strcmp(refs[b].id, refs[a].id)) b++;
        const report_indicator *first = &c->rs[refs[a].report]->indicators[refs[a].index];
        rcol *col = &cols[n++];
        *col = (rcol){refs[a].id, first->label, first->unit, 0, refs[a].seq};
        for (size_t q = a; q < b; q++) {
            if (q > a && refs[q].report == refs[q - 1].report) {
                const report *rep = c->rs[refs[q].report];
                char *p = xasprintf("$.indicators[%zu]", refs[q].index);
                diag_add(c->d, DIAG_WARNING, rep->source, p,
                         "\"%s\" appears more than once; the first is compared", refs[q].id);
                free(p);
                refs[q].dup = true;
                continue;
            }
            col->count++;
        }
        a = b;
    }
    *refs_out = refs;
    *n_refs = total;
    *cols_out = cols;
    return n;
}

/* The identity a --sort name means: an identity itself, or the label or key
 * of any indicator. */
static const char *resolve_sort(rctx *c, const rcol *all, size_t n_all, const char *sort) {
    for (size_t k = 0; k < n_all; k++)
        if (!strcmp(all[k].id, sort)) return all[k].id;
    for (size_t r = 0; r < c->n; r++)
        for (size_t i = 0; i < c->rs[r]->n_indicators; i++) {
            const report_indicator *ind = &c->rs[r]->indicators[i];
            if (!strcmp(ind->label, sort) || (ind->key && !strcmp(ind->key, sort))) return ident(ind);
        }
    return NULL;
}

bool rc_compare_build(rctx *c) {
    const tmpl_block *cb = compare_block(c->t);
    size_t n = c->n;
    size_t min_reports = cb ? cb->min_reports : 2, max_columns = cb ? cb->max_columns : 6;
    if (min_reports > n) min_reports = n;
    const char *sort = c->opts && c->opts->sort ? c->opts->sort : cb ? cb->sort : NULL;
    rcompare *m = xcalloc(1, sizeof(rcompare));
    c->cmp = m;
    m->sort_col = -1;

    iref *refs;
    size_t n_refs;
    rcol *all;
    size_t n_all = identities(c, &refs, &n_refs, &all);
    qsort(all, n_all, sizeof(rcol), by_count);
    size_t chosen = 0;
    while (chosen < n_all && chosen < max_columns && all[chosen].count >= min_reports) chosen++;

    long sort_at = -1;
    if (sort) {
        const char *id = resolve_sort(c, all, n_all, sort);
        for (size_t k = 0; id && k < n_all && sort_at < 0; k++)
            if (!strcmp(all[k].id, id)) sort_at = (long)k;
        if (sort_at < 0) {
            buf have;
            buf_init(&have);
            for (size_t k = 0; k < chosen; k++) buf_printf(&have, "%s%s", k ? "、" : "", all[k].label);
            if (c->opts && c->opts->sort) {
                diag_add(c->d, DIAG_ERROR, NULL, NULL,
                         "--sort \"%s\": no report has an indicator with this key or label "
                         "(compared: %s)",
                         sort, have.data ? have.data : "none");
            } else {
                char *p = xasprintf("%s.sort", cb->path);
                diag_add(c->d, DIAG_ERROR, c->t->source, p,
                         "no report has an indicator \"%s\" (compared: %s)", sort,
                         have.data ? have.data : "none");
                free(p);
            }
            buf_free(&have);
            free(all);
            free(refs);
            return false;
        }
        if ((size_t)sort_at >= chosen) {
            /* The indicator sorted by is always shown, in the last column if
             * there is no other room. */
            size_t to = chosen < max_columns ? chosen++ : chosen - 1;
            all[to] = all[sort_at];
            sort_at = (long)to;
        }
    }
    m->n_cols = chosen;
    m->cols = xcalloc(chosen + 1, sizeof(rcol));
    memcpy(m->cols, all, chosen * sizeof(rcol));
    free(all);
    m->sort_col = sort_at >= 0 ? sort_at : (chosen ? 0 : -1);
    if (chosen == 0)
        diag_add(c->d, DIAG_WARNING, NULL, NULL,
                 "the %zu reports share no indicator (matched by key, else by label)", n);

    m->cells = xcalloc(n * chosen + 1, sizeof(report_indicator *));
    m->order = xcalloc(n, sizeof(size_t));
    m->row_labels = xcalloc(n, sizeof(char *));
    bool years_differ = false;
    for (size_t r = 0; r < n; r++) years_differ |= c->rs[r]->year != c->rs[0]->year;
    for (size_t r = 0; r < n; r++) {
        const report *rep = c->rs[r];
        m->order[r] = r;
        bool twice = false;
        for (size_t q = 0; q < n; q++) twice |= q != r && !strcmp(c->rs[q]->region_name, rep->region_name);
        m->row_labels[r] = years_differ || twice ? xasprintf("%s（%d）", rep->region_name, rep->year)
                                                 : xstrdup(rep->region_name);
    }
    /* The cells: for each shown column, the run of its identity in refs. */
    for (size_t k = 0; k < chosen; k++) {
        iref key = {m->cols[k].id, 0, 0, 0, false};
        iref *hit = bsearch(&key, refs, n_refs, sizeof *refs, iref_id_cmp);
        /* bsearch lands anywhere in the identity's run: back to its start. */
        while (hit && hit > refs && !strcmp(hit[-1].id, key.id)) hit--;
        for (; hit && hit < refs + n_refs && !strcmp(hit->id, key.id); hit++) {
            if (hit->dup) continue;
            const report *rep = c->rs[hit->report];
            const report_indicator *ind = &rep->indicators[hit->index];
            m->cells[hit->report * chosen + k] = ind;
            if (!same_unit(ind->unit, m->cols[k].unit)) {
                char *p = xasprintf("$.indicators[%zu].unit", hit->index);
                diag_add(c->d, DIAG_WARNING, rep->source, p,
                         "unit \"%s\" differs from \"%s\" of the column \"%s\"; the cell shows "
                         "its unit",
                         ind->unit ? ind->unit : "", m->cols[k].unit ? m->cols[k].unit : "",
                         m->cols[k].label);
                free(p);
            }
        }
    }
    free(refs);
    if (sort && m->sort_col >= 0) sort_rows(m, n);
    return true;
}

static char *value_text(const report_indicator *ind, bool with_unit) {
    char v[64];
    render_format_number(ind->value, v, sizeof v);
    return xasprintf("%s%s", v, with_unit && ind->unit ? ind->unit : "");
}

void rc_compare_table(rctx *c, const tmpl_block *b) {
    const rcompare *m = c->cmp;
    if (!m || m->n_cols == 0) return;
    size_t nc = m->n_cols + 1, n = c->n;
    tmpl_width *widths = xcalloc(nc, sizeof(tmpl_width));
    tmpl_cell_align *align = xcalloc(nc, sizeof(tmpl_cell_align));
    const char **header = xcalloc(nc, sizeof(char *));
    char **owned = xcalloc(nc + n * nc, sizeof(char *));
    size_t nown = 0;
    buf rh;
    buf_init(&rh);
    char *rhp = xasprintf("%s.row_header", b->path);
    rc_expand(c, b->row_header, rhp, false, &rh);
    free(rhp);
    widths[0] = (tmpl_width){TMPL_WIDTH_AUTO, 0};
    align[0] = TMPL_CELL_LEFT;
    header[0] = rh.data ? rh.data : "";
    for (size_t k = 0; k < m->n_cols; k++) {
        widths[k + 1] = (tmpl_width){TMPL_WIDTH_FR, 1};
        align[k + 1] = TMPL_CELL_DECIMAL;
        const rcol *col = &m->cols[k];
        char *h = col->unit ? xasprintf("%s（%s）", col->label, col->unit) : xstrdup(col->label);
        owned[nown++] = h;
        header[k + 1] = h;
    }
    layout_table_row *rows = xcalloc(n, sizeof(layout_table_row));
    layout_table_cell *cells = xcalloc(n * nc, sizeof(layout_table_cell));
    for (size_t i = 0; i < n; i++) {
        size_t r = m->order[i];
        layout_table_cell *row = &cells[i * nc];
        rows[i] = (layout_table_row){row, false};
        row[0] = (layout_table_cell){m->row_labels[r], NULL};
        for (size_t k = 0; k < m->n_cols; k++) {
            const report_indicator *ind = m->cells[r * m->n_cols + k];
            if (!ind) {
                row[k + 1] = (layout_table_cell){"—", NULL};
                continue;
            }
            char *v = value_text(ind, !same_unit(ind->unit, m->cols[k].unit));
            owned[nown++] = v;
            row[k + 1] = (layout_table_cell){v, NULL};
        }
    }
    buf cap;
    buf_init(&cap);
    char *cp = xasprintf("%s.caption", b->path);
    bool has_cap = b->text && rc_expand(c, b->text, cp, false, &cap);
    layout_table tbl = {nc, widths, align, header, rows, n, has_cap ? cap.data : NULL, cp,
                        &c->t->table};
    if (!c->failed) layout_table_add(c->e, &tbl);
    free(cp);
    buf_free(&cap);
    buf_free(&rh);
    for (size_t i = 0; i < nown; i++) free(owned[i]);
    free(owned);
    free(cells);
    free(rows);
    free(header);
    free(align);
    free(widths);
}

void rc_compare_chart(rctx *c, const tmpl_block *b) {
    const rcompare *m = c->cmp;
    if (!m || m->sort_col < 0) return;
    layout_bar *bars = xcalloc(c->n, sizeof(layout_bar));
    char **texts = xcalloc(c->n, sizeof(char *));
    size_t nb = 0;
    for (size_t i = 0; i < c->n; i++) {
        size_t r = m->order[i];
        const report_indicator *ind = m->cells[r * m->n_cols + (size_t)m->sort_col];
        if (!ind) continue;
        texts[nb] = value_text(ind, true);
        bars[nb] = (layout_bar){m->row_labels[r], ind->value, texts[nb]};
        nb++;
    }
    buf cap;
    buf_init(&cap);
    char *cp = xasprintf("%s.caption", b->path);
    bool has_cap = b->text && rc_expand(c, b->text, cp, false, &cap);
    layout_chart ch = {.caption = has_cap ? cap.data : NULL,
                       .caption_style = b->style2,
                       .label_style = b->style,
                       .bars = bars,
                       .n_bars = nb,
                       .bar_height = b->bar_height,
                       .bar_gap = b->bar_gap,
                       .label_width = b->label_width,
                       .bar_color = b->bar_color,
                       .axis_color = 0x000000};
    if (!c->failed) layout_chart_add(c->e, &ch);
    free(cp);
    buf_free(&cap);
    for (size_t i = 0; i < nb; i++) free(texts[i]);
    free(texts);
    free(bars);
}

void rc_compare_free(rcompare *m, size_t n_reports) {
    if (!m) return;
    for (size_t r = 0; m->row_labels && r < n_reports; r++) free(m->row_labels[r]);
    free(m->row_labels);
    free(m->cols);
    free(m->cells);
    free(m->order);
    free(m);
}
