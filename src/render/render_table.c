/* The indicator table (block "indicators"): which indicators, grouped by
 * category, in the columns $.table.columns names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/strsort.h"
#include "../util/xalloc.h"
#include "render_internal.h"

/* Is indicator i named by s (its key or its label)? */
static bool names(const report_indicator *ind, const char *s) {
    return !strcmp(ind->label, s) || (ind->key && !strcmp(ind->key, s));
}

/* A group of indicators: refs[start .. start + count); first = its first index. */
typedef struct cat_group {
    size_t first, start, count;
} cat_group;

static int cat_group_cmp(const void *a, const void *b) {
    const cat_group *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* Groups the indicators with shown[i] (all when shown is NULL) by category:
 * groups in order of first appearance, indicators in report order within a
 * group. Sorting by (category, index) finds the groups in O(n log n);
 * comparing every indicator with every category was quadratic, and 20,000
 * indicators with distinct categories took seconds. */
static size_t group_by_category(const report *r, const bool *shown, str_ref **refs_out,
                                cat_group **groups_out) {
    size_t n = r->n_indicators, m = 0;
    str_ref *refs = xcalloc(n + 1, sizeof *refs);
    for (size_t i = 0; i < n; i++)
        if (!shown || shown[i])
            refs[m++] = (str_ref){r->indicators[i].category ? r->indicators[i].category : "", i};
    str_ref_sort(refs, m);
    cat_group *grp = xcalloc(m + 1, sizeof *grp);
    size_t ng = 0;
    for (size_t i = 0; i < m; i++) {
        if (i == 0 || strcmp(refs[i].s, refs[i - 1].s) != 0)
            grp[ng++] = (cat_group){refs[i].index, i, 0};
        grp[ng - 1].count++;
    }
    qsort(grp, ng, sizeof *grp, cat_group_cmp);
    *refs_out = refs;
    *groups_out = grp;
    return ng;
}

/* Ranked indicators first (1 = most important), then the unranked in
 * report order. */
static int by_rank(const void *a, const void *b) {
    const report_indicator *x = *(report_indicator *const *)a, *y = *(report_indicator *const *)b;
    unsigned rx = x->rank ? x->rank : UINT32_MAX, ry = y->rank ? y->rank : UINT32_MAX;
    if (rx != ry) return rx < ry ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* Marks which indicators a table with a limit shows: the preferred ones
 * first, then in report order ("first"), by the report's rank ("rank": the
 * ones import found most important; a report without ranks is spread), or one per category in turn
 * ("spread", so that a short table covers every topic). Shown rows keep
 * the report's order. */
static void choose(rctx *c, const tmpl_block *b, bool *shown) {
    const report *r = c->r;
    size_t n = r->n_indicators, limit = b->limit ? b->limit : n, taken = 0;
    if (limit >= n && b->n_prefer == 0) {
        for (size_t i = 0; i < n; i++) shown[i] = true;
        return;
    }
    for (size_t p = 0; p < b->n_prefer && taken < limit; p++)
        for (size_t i = 0; i < n; i++)
            if (!shown[i] && names(&r->indicators[i], b->prefer[p])) {
                shown[i] = true;
                taken++;
                break;
            }
    if (b->pick == TMPL_PICK_FIRST) {
        for (size_t i = 0; i < n && taken < limit; i++)
            if (!shown[i]) shown[i] = true, taken++;
        return;
    }
    bool ranked = false;
    for (size_t i = 0; i < n && !ranked; i++) ranked = r->indicators[i].rank != 0;
    if (b->pick == TMPL_PICK_RANK && ranked) {
        const report_indicator **order = xmalloc(n * sizeof *order);
        for (size_t i = 0; i < n; i++) order[i] = &r->indicators[i];
        qsort(order, n, sizeof *order, by_rank);
        for (size_t k = 0; k < n && taken < limit; k++) {
            size_t i = (size_t)(order[k] - r->indicators);
            if (!shown[i]) shown[i] = true, taken++;
        }
        free(order);
        return;
    }
    /* Round k takes the k-th indicator of every category that has one, in
     * order of the categories' first appearance. */
    str_ref *refs;
    cat_group *grp;
    size_t ng = group_by_category(r, NULL, &refs, &grp);
    for (size_t round = 0; taken < limit && round < n; round++) {
        bool any = false;
        for (size_t g = 0; g < ng && taken < limit; g++) {
            if (round >= grp[g].count) continue;
            any = true;
            size_t i = refs[grp[g].start + round].index;
            if (!shown[i]) shown[i] = true, taken++;
        }
        if (!any) break;
    }
    free(refs);
    free(grp);
}

static const char *cell_text(const tmpl_column *col, const report_indicator *ind, size_t number,
                             char *tmp, size_t size) {
    switch (col->field) {
    case TMPL_FIELD_LABEL: return ind->label;
    case TMPL_FIELD_VALUE: render_format_number(ind->value, tmp, size); return tmp;
    case TMPL_FIELD_UNIT: return ind->unit ? ind->unit : "";
    case TMPL_FIELD_VALUE_UNIT: {
        char v[64];
        render_format_number(ind->value, v, sizeof v);
        snprintf(tmp, size, "%s%s", v, ind->unit ? ind->unit : "");
        return tmp;
    }
    case TMPL_FIELD_CATEGORY: return ind->category ? ind->category : "";
    case TMPL_FIELD_KEY: return ind->key ? ind->key : "";
    case TMPL_FIELD_NUMBER: snprintf(tmp, size, "%zu", number); return tmp;
    }
    return "";
}

static const char *field_name(tmpl_field f) {
    switch (f) {
    case TMPL_FIELD_LABEL: return "label";
    case TMPL_FIELD_VALUE: case TMPL_FIELD_VALUE_UNIT: return "value";
    case TMPL_FIELD_UNIT: return "unit";
    case TMPL_FIELD_CATEGORY: return "category";
    case TMPL_FIELD_KEY: return "key";
    case TMPL_FIELD_NUMBER: return NULL;
    }
    return NULL;
}

void rc_indicators(rctx *c, const tmpl_block *b) {
    const report *r = c->r;
    const tmpl_table *look = &c->t->table;
    size_t n = r->n_indicators, nc = look->n_columns;
    if (n == 0 || n < b->min_rows) return;
    bool *shown = xcalloc(n, sizeof(bool));
    choose(c, b, shown);
    /* Rows grouped by category: a reader scans one topic at a time. */
    str_ref *refs;
    cat_group *grp;
    size_t n_cats = group_by_category(r, shown, &refs, &grp);
    bool any_cat = false;
    for (size_t k = 0; k < n_cats; k++) any_cat |= refs[grp[k].start].s[0] != 0;
    bool groups = b->group && any_cat;
    layout_table_row *rows = xcalloc(n + n_cats, sizeof(layout_table_row));
    layout_table_cell *cells = xcalloc(nc * n + n_cats, sizeof(layout_table_cell));
    char **owned = xcalloc(2 * nc * n + n_cats, sizeof(char *));
    size_t nr = 0, ncell = 0, nown = 0, number = 0;
    for (size_t k = 0; k < n_cats; k++) {
        const char *cat = refs[grp[k].start].s;
        if (groups) {
            /* A group row's warnings name the category of its first indicator. */
            char *gp = cat[0] ? xasprintf("$.indicators[%zu].category", grp[k].first) : NULL;
            if (gp) owned[nown++] = gp;
            rows[nr++] = (layout_table_row){&cells[ncell], true};
            cells[ncell++] = (layout_table_cell){cat[0] ? cat : "其他", gp};
        }
        for (size_t g = 0; g < grp[k].count; g++) {
            size_t i = refs[grp[k].start + g].index;
            const report_indicator *ind = &r->indicators[i];
            rows[nr++] = (layout_table_row){&cells[ncell], false};
            number++;
            for (size_t col = 0; col < nc; col++) {
                char tmp[128];
                const char *txt = cell_text(&look->columns[col], ind, number, tmp, sizeof tmp);
                char *own = txt == tmp ? xstrdup(tmp) : NULL;
                if (own) owned[nown++] = own;
                const char *f = field_name(look->columns[col].field);
                char *path = f ? xasprintf("$.indicators[%zu].%s", i, f) : NULL;
                if (path) owned[nown++] = path;
                cells[ncell++] = (layout_table_cell){own ? own : txt, path};
            }
        }
    }
    tmpl_width *widths = xcalloc(nc, sizeof(tmpl_width));
    tmpl_cell_align *align = xcalloc(nc, sizeof(tmpl_cell_align));
    const char **header = xcalloc(nc, sizeof(char *));
    buf *hb = xcalloc(nc, sizeof(buf));
    for (size_t col = 0; col < nc; col++) {
        widths[col] = look->columns[col].width;
        align[col] = look->columns[col].align;
        buf_init(&hb[col]);
        char *hp = xasprintf("$.table.columns[%zu].header", col);
        rc_expand(c, look->columns[col].header, hp, false, &hb[col]);
        free(hp);
        header[col] = hb[col].data ? hb[col].data : "";
    }
    buf cap;
    buf_init(&cap);
    char *cap_path = xasprintf("%s.caption", b->path);
    bool has_cap = b->text && rc_expand(c, b->text, cap_path, false, &cap);
    layout_table tbl = {nc,   widths, align, header, rows, nr, has_cap ? cap.data : NULL,
                        cap_path, look};
    if (!c->failed) layout_table_add(c->e, &tbl);
    free(cap_path);
    buf_free(&cap);
    for (size_t col = 0; col < nc; col++) buf_free(&hb[col]);
    free(hb);
    free(header);
    free(align);
    free(widths);
    for (size_t i = 0; i < nown; i++) free(owned[i]);
    free(owned);
    free(cells);
    free(rows);
    free(refs);
    free(grp);
    free(shown);
}
