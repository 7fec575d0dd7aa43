/* Tables: three-line tables whose header repeats on every page. */
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"
#include "engine_internal.h"

/* ---- tables --------------------------------------------------------------- */

#define CELL_PAD_X 4.0
#define CELL_PAD_Y 3.0
#define RULE_THICK 1.0
#define RULE_THIN 0.5

static double cell_lines(layout_engine *e, tmpl_style_id style, const char *text, double w,
                         const char *path, run *r) {
    layout_prepare(e, r, style, text, strlen(text), w, path, false);
    return (double)(r->n_lines ? r->n_lines : 1);
}

static double row_height(layout_engine *e, const layout_table *t, const layout_table_row *row,
                         tmpl_style_id style, const double *colw) {
    double h = 0;
    size_t nc = row->group ? 1 : t->n_cols;
    /* Measuring shapes the cells once more when they are placed; the text
     * pool keeps only the placed copy, and warnings come from placing. */
    size_t pool_len = e->pool.len;
    bool quiet = e->quiet;
    e->quiet = true;
    for (size_t c = 0; c < nc; c++) {
        run r;
        double w = row->group ? (e->right - e->left) : colw[c];
        double lines = cell_lines(e, style, row->cells[c].text, w - 2 * CELL_PAD_X,
                                  row->cells[c].path, &r);
        double ch = lines * layout_pitch(&e->t->styles[style]);
        if (ch > h) h = ch;
    }
    e->pool.len = pool_len;
    e->quiet = quiet;
    return h + 2 * CELL_PAD_Y;
}

static void place_row(layout_engine *e, const layout_table *t, const layout_table_row *row,
                      tmpl_style_id style, const double *colx, const double *colw) {
    size_t nc = row->group ? 1 : t->n_cols;
    const tmpl_style *st = &e->t->styles[style];
    double pitch = layout_pitch(st);
    for (size_t c = 0; c < nc; c++) {
        run r;
        double w = row->group ? (e->right - e->left) : colw[c];
        double x = row->group ? e->left : colx[c];
        cell_lines(e, style, row->cells[c].text, w - 2 * CELL_PAD_X, row->cells[c].path, &r);
        tmpl_align al = row->group ? st->align : (style == TMPL_STYLE_TABLE_HEADER
                                                      ? TMPL_CENTER
                                                      : t->align[c]);
        if (al == TMPL_JUSTIFY) al = TMPL_LEFT;
        for (size_t li = 0; li < r.n_lines; li++)
            layout_place_line(e, &r, li, x + CELL_PAD_X, e->y - CELL_PAD_Y - (double)li * pitch, al,
                       li + 1 == r.n_lines);
    }
}

void layout_table_add(layout_engine *e, const layout_table *t) {
    double total = e->right - e->left;
    double *colx = xcalloc(t->n_cols + 1, sizeof(double));
    double *colw = xcalloc(t->n_cols + 1, sizeof(double));
    double x = e->left;
    for (size_t c = 0; c < t->n_cols; c++) {
        colx[c] = x;
        colw[c] = t->widths[c] * total;
        x += colw[c];
    }
    layout_table_cell *hc = xcalloc(t->n_cols, sizeof(layout_table_cell));
    for (size_t c = 0; c < t->n_cols; c++) hc[c].text = t->header[c];
    layout_table_row header = {hc, false};
    const tmpl_style *cell_st = &e->t->styles[TMPL_STYLE_TABLE_CELL];

    layout_cur_page(e);
    layout_space(e, cell_st->space_before);
    if (t->caption) {
        layout_text(e, TMPL_STYLE_TABLE_GROUP, t->caption, strlen(t->caption), "$.indicators", 0,
                    0);
    }
    double hh = row_height(e, t, &header, TMPL_STYLE_TABLE_HEADER, colw);
    bool open = false; /* a table segment is open on the current page */
    for (size_t i = 0; i < t->n_rows && !e->failed; i++) {
        const layout_table_row *row = &t->rows[i];
        tmpl_style_id rs = row->group ? TMPL_STYLE_TABLE_GROUP : TMPL_STYLE_TABLE_CELL;
        double rh = row_height(e, t, row, rs, colw);
        /* A group row is kept with the row after it. */
        double keep = rh;
        if (row->group && i + 1 < t->n_rows)
            keep += row_height(e, t, &t->rows[i + 1],
                               t->rows[i + 1].group ? TMPL_STYLE_TABLE_GROUP : TMPL_STYLE_TABLE_CELL,
                               colw);
        if (open && e->y - keep - RULE_THICK < e->bottom - 1e-6) {
            layout_push_rule(e, e->left, e->y - RULE_THICK / 2, e->right, e->y - RULE_THICK / 2,
                     RULE_THICK, 0);
            layout_new_page(e);
            open = false;
        }
        if (!open) {
            layout_need(e, RULE_THICK + hh + RULE_THIN + keep);
            layout_push_rule(e, e->left, e->y - RULE_THICK / 2, e->right, e->y - RULE_THICK / 2, RULE_THICK,
                     0);
            e->y -= RULE_THICK;
            place_row(e, t, &header, TMPL_STYLE_TABLE_HEADER, colx, colw);
            e->y -= hh;
            layout_push_rule(e, e->left, e->y - RULE_THIN / 2, e->right, e->y - RULE_THIN / 2, RULE_THIN, 0);
            e->y -= RULE_THIN;
            open = true;
        }
        place_row(e, t, row, rs, colx, colw);
        e->y -= rh;
    }
    if (open) {
        layout_push_rule(e, e->left, e->y - RULE_THICK / 2, e->right, e->y - RULE_THICK / 2, RULE_THICK, 0);
        e->y -= RULE_THICK;
    }
    e->y -= cell_st->space_after;
    free(hc);
    free(colx);
    free(colw);
}

