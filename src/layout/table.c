/* Tables: column widths (fixed, shares, percentages, or from the content),
 * cell padding, three-line or grid ruling, zebra rows, numbers aligned on
 * their decimal point, cell text broken by the Chinese line rules, a header
 * repeated on every page, rows kept whole unless taller than a page. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"
#include "engine_internal.h"

#define EPS 1e-6

typedef struct tbl {
    layout_engine *e;
    const layout_table *t;
    const tmpl_table *look;
    double x0, width;      /* the table's left edge and width */
    double *colx, *colw;   /* absolute left edge and width of each column */
    double *frac;          /* per column: widest part right of the decimal point */
    /* Per body cell of a decimal column ([row * n_cols + col]): its part
     * right of the decimal point, measured once for the column's width and
     * used again to place the cell (each measure shapes the text). */
    double *cell_frac;
    double *row_h;         /* per row */
    size_t *row_lines;     /* per row: lines of its tallest cell */
    double header_h;
    size_t header_lines;
    double seg_top;        /* top of the table segment on this page */
    bool open;             /* a segment is open on the current page */
    bool any_segment;      /* a segment was opened before (this is a continuation) */
    size_t zebra;          /* body rows since the last group row */
} tbl;

static double thick(const tbl *b) { return b->look->ruling == TMPL_RULING_NONE ? 0 : b->look->rule_thick; }
static double thin(const tbl *b) { return b->look->ruling == TMPL_RULING_NONE ? 0 : b->look->rule_thin; }

static tmpl_style_id row_style(const tbl *b, const layout_table_row *row) {
    return row->group ? b->look->group_style : b->look->cell_style;
}

/* Where the part of a number that goes right of the decimal point starts:
 * at its '.', or after its digits ("497个" → "个"). */
static size_t decimal_split(const char *s) {
    size_t i = 0;
    while (s[i] == '-' || s[i] == '+' || s[i] == 0x20) i++;
    size_t digits = i;
    while ((s[i] >= '0' && s[i] <= '9') || s[i] == ',') i++;
    if (i > digits && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') return i;
    return i > digits ? i : strlen(s);
}

/* The width of text right of its decimal point; full is the natural width
 * of the whole text. */
static double frac_width(tbl *b, tmpl_style_id st, const char *text, double full) {
    size_t split = decimal_split(text);
    if (split >= strlen(text)) return 0;
    return full - layout_natural_width(b->e, st, text, split);
}

/* Lines a text takes in a width (at least one), without keeping it. */
static size_t count_lines(tbl *b, tmpl_style_id st, const char *text, double w) {
    layout_engine *e = b->e;
    size_t pool_len = e->pool.len;
    bool quiet = e->quiet;
    e->quiet = true;
    run r;
    layout_prepare(e, &r, st, text, strlen(text), w, NULL, false);
    e->quiet = quiet;
    e->pool.len = pool_len;
    return r.n_lines ? r.n_lines : 1;
}

static void column_widths(tbl *b) {
    layout_engine *e = b->e;
    const layout_table *t = b->t;
    const tmpl_table *lk = b->look;
    size_t n = t->n_cols;
    double W = e->measure;
    double *nat = xcalloc(n, sizeof(double)), *min = xcalloc(n, sizeof(double));
    double fixed = 0, autos_nat = 0, autos_min = 0, frs = 0, fr_min = 0;
    const tmpl_style *cs = &e->t->styles[lk->cell_style];
    for (size_t c = 0; c < n; c++) {
        const tmpl_width *w = &t->widths[c];
        /* Content widths: header and every cell on one line each; numbers on
         * their decimal point need the widest integer part plus the widest
         * fraction. */
        double hw = layout_natural_width(e, lk->header_style, t->header[c], strlen(t->header[c]));
        double iw = 0, fw = 0, cw = 0;
        for (size_t i = 0; i < t->n_rows; i++) {
            if (t->rows[i].group) continue;
            const char *s = t->rows[i].cells[c].text;
            double full = layout_natural_width(e, lk->cell_style, s, strlen(s));
            if (t->align[c] == TMPL_CELL_DECIMAL) {
                double f = frac_width(b, lk->cell_style, s, full);
                b->cell_frac[i * n + c] = f;
                if (f > fw) fw = f;
                if (full - f > iw) iw = full - f;
            } else if (full > cw) {
                cw = full;
            }
        }
        b->frac[c] = fw;
        if (iw + fw > cw) cw = iw + fw;
        nat[c] = fmax(hw, cw) + 2 * lk->pad_x;
        /* Numbers never wrap; text may, down to a few characters. */
        double least = 3 * cs->size + 2 * lk->pad_x;
        min[c] = t->align[c] == TMPL_CELL_DECIMAL ? cw + 2 * lk->pad_x : fmin(nat[c], least);
        switch (w->kind) {
        case TMPL_WIDTH_FIXED: b->colw[c] = w->value; fixed += w->value; break;
        case TMPL_WIDTH_PERCENT: b->colw[c] = W * w->value / 100; fixed += b->colw[c]; break;
        case TMPL_WIDTH_FR: frs += w->value; fr_min += least; break;
        case TMPL_WIDTH_AUTO: autos_nat += nat[c]; autos_min += min[c]; break;
        }
    }
    double rest = W - fixed;
    if (rest < 0) {
        diag_add(e->d, DIAG_WARNING, e->t->source, "$.table.columns",
                 "fixed columns are %.1f pt wide, wider than the measure (%.1f pt); scaled down",
                 fixed, W);
        for (size_t c = 0; c < n; c++)
            if (t->widths[c].kind == TMPL_WIDTH_FIXED || t->widths[c].kind == TMPL_WIDTH_PERCENT)
                b->colw[c] *= W / fixed;
        rest = 0;
    }
    double for_autos = frs > 0 ? rest - fr_min : rest;
    double k = 1;
    bool shrink = autos_nat > for_autos + EPS;
    if (shrink) k = autos_nat > autos_min ? fmax(0, (for_autos - autos_min) / (autos_nat - autos_min)) : 0;
    double autos = 0;
    for (size_t c = 0; c < n; c++) {
        if (t->widths[c].kind != TMPL_WIDTH_AUTO) continue;
        b->colw[c] = shrink ? min[c] + k * (nat[c] - min[c]) : nat[c];
        if (shrink && autos_min > for_autos && autos_min > 0)
            b->colw[c] = min[c] * fmax(0, for_autos) / autos_min;
        autos += b->colw[c];
    }
    double left = rest - autos;
    if (frs > 0) {
        for (size_t c = 0; c < n; c++)
            if (t->widths[c].kind == TMPL_WIDTH_FR) b->colw[c] = fmax(0, left) * t->widths[c].value / frs;
    } else if (left > EPS && autos > 0) {
        /* A table of automatic columns spans the measure: the room left is
         * shared in proportion to the content. */
        for (size_t c = 0; c < n; c++)
            if (t->widths[c].kind == TMPL_WIDTH_AUTO) b->colw[c] += left * b->colw[c] / autos;
    }
    b->x0 = e->left;
    b->width = 0;
    for (size_t c = 0; c < n; c++) {
        b->colx[c] = b->x0 + b->width;
        b->width += b->colw[c];
    }
    free(nat);
    free(min);
}

static double inner(const tbl *b, size_t c) {
    double w = b->colw[c] - 2 * b->look->pad_x;
    return w > 1 ? w : 1;
}

static size_t measure_row(tbl *b, const layout_table_row *row, tmpl_style_id st) {
    size_t lines = 1;
    size_t nc = row->group ? 1 : b->t->n_cols;
    for (size_t c = 0; c < nc; c++) {
        double w = row->group ? b->width - 2 * b->look->pad_x : inner(b, c);
        if (!row->group && b->t->align[c] == TMPL_CELL_DECIMAL) continue; /* one line */
        size_t n = count_lines(b, st, row->cells[c].text, w);
        if (n > lines) lines = n;
    }
    return lines;
}

static double row_height(const tbl *b, size_t lines, tmpl_style_id st) {
    return (double)lines * layout_pitch(&b->e->t->styles[st]) + 2 * b->look->pad_y;
}

/* Places lines [from, from + n) of every cell of a row whose piece starts at
 * top. Header cells are centred; decimal cells keep their decimal point on
 * the column's. */
static void place_cells(tbl *b, const layout_table_row *row, tmpl_style_id sid, bool header,
                        size_t from, size_t n, double top) {
    layout_engine *e = b->e;
    const tmpl_style *st = &e->t->styles[sid];
    double pitch = layout_pitch(st);
    size_t nc = row->group ? 1 : b->t->n_cols;
    for (size_t c = 0; c < nc; c++) {
        const layout_table_cell *cell = &row->cells[c];
        double x = row->group ? b->x0 + b->look->pad_x : b->colx[c] + b->look->pad_x;
        double w = row->group ? b->width - 2 * b->look->pad_x : inner(b, c);
        tmpl_align al = st->align == TMPL_JUSTIFY ? TMPL_LEFT : st->align;
        /* a header sits like its column's cells: over the labels on the
         * left, over the numbers on the right */
        if (!row->group) {
            switch (b->t->align[c]) {
            case TMPL_CELL_LEFT: al = TMPL_LEFT; break;
            case TMPL_CELL_CENTER: al = TMPL_CENTER; break;
            case TMPL_CELL_RIGHT: al = TMPL_RIGHT; break;
            case TMPL_CELL_DECIMAL:
                al = TMPL_RIGHT;
                if (header) break;
                w -= b->frac[c] - b->cell_frac[(size_t)(row - b->t->rows) * b->t->n_cols + c];
                if (w < 1) w = 1;
                break;
            }
        }
        run r;
        layout_prepare(e, &r, sid, cell->text, strlen(cell->text), w, cell->path, false);
        for (size_t li = from; li < r.n_lines && li < from + n; li++)
            layout_place_line(e, &r, li, x, top - b->look->pad_y - (double)(li - from) * pitch, al,
                              li + 1 == r.n_lines);
    }
    e->fresh = false;
}

/* Vertical rules between the columns of a row piece (grid ruling). */
static void inner_verticals(tbl *b, double top, double bottom) {
    if (b->look->ruling != TMPL_RULING_GRID) return;
    for (size_t c = 1; c < b->t->n_cols; c++)
        layout_push_rule(b->e, b->colx[c], top, b->colx[c], bottom, b->look->rule_thin,
                         b->look->rule_color);
}

static void hrule(tbl *b, double w) {
    if (w <= 0) return;
    layout_engine *e = b->e;
    layout_push_rule(e, b->x0, e->y - w / 2, b->x0 + b->width, e->y - w / 2, w, b->look->rule_color);
    e->y -= w;
}

static void open_segment(tbl *b) {
    layout_engine *e = b->e;
    const tmpl_table *lk = b->look;
    if (b->any_segment && lk->continued && lk->continued[0])
        layout_text_box(e, lk->header_style, lk->continued, strlen(lk->continued), NULL, 0,
                        e->measure, TMPL_LEFT);
    b->seg_top = e->y;
    hrule(b, thick(b));
    layout_table_row header = {NULL, false};
    layout_table_cell *hc = xcalloc(b->t->n_cols, sizeof(layout_table_cell));
    for (size_t c = 0; c < b->t->n_cols; c++) hc[c].text = b->t->header[c];
    header.cells = hc;
    place_cells(b, &header, lk->header_style, true, 0, b->header_lines, e->y);
    inner_verticals(b, e->y, e->y - b->header_h);
    e->y -= b->header_h;
    free(hc);
    hrule(b, thin(b));
    b->open = true;
    b->any_segment = true;
}

static void close_segment(tbl *b) {
    layout_engine *e = b->e;
    if (b->look->ruling == TMPL_RULING_GRID) {
        /* The thin rule under the last row becomes the thick bottom rule. */
        layout_page *pg = layout_cur_page(e);
        if (pg->n_rules && fabs(pg->rules[pg->n_rules - 1].y0 - (e->y + thin(b) / 2)) < EPS) {
            pg->n_rules--;
            e->y += thin(b);
        }
    }
    hrule(b, thick(b));
    if (b->look->ruling == TMPL_RULING_GRID) {
        double w = thick(b);
        layout_push_rule(e, b->x0 + w / 2, b->seg_top, b->x0 + w / 2, e->y, w, b->look->rule_color);
        layout_push_rule(e, b->x0 + b->width - w / 2, b->seg_top, b->x0 + b->width - w / 2, e->y, w,
                         b->look->rule_color);
    }
    b->open = false;
}

/* One piece of a body row: lines [from, from + n) of its cells. */
static void place_piece(tbl *b, const layout_table_row *row, size_t from, size_t n) {
    layout_engine *e = b->e;
    tmpl_style_id st = row_style(b, row);
    double h = row_height(b, n, st);
    if (row->group) {
        b->zebra = 0;
    } else {
        if (b->look->zebra && b->zebra % 2 == 1)
            layout_push_rect(e, b->x0, e->y - h, b->width, h, b->look->zebra_color);
        inner_verticals(b, e->y, e->y - h);
    }
    place_cells(b, row, st, false, from, n, e->y);
    e->y -= h;
    if (b->look->ruling == TMPL_RULING_GRID) hrule(b, thin(b));
}

void layout_table_add(layout_engine *e, const layout_table *t) {
    if (t->n_cols == 0 || e->failed) return;
    tbl b = {.e = e, .t = t, .look = t->look};
    b.colx = xcalloc(t->n_cols, sizeof(double));
    b.colw = xcalloc(t->n_cols, sizeof(double));
    b.frac = xcalloc(t->n_cols, sizeof(double));
    b.row_h = xcalloc(t->n_rows + 1, sizeof(double));
    b.row_lines = xcalloc(t->n_rows + 1, sizeof(size_t));
    b.cell_frac = xcalloc(t->n_rows * t->n_cols + 1, sizeof(double));
    column_widths(&b);
    const tmpl_table *lk = b.look;

    /* Header cells all wrap, decimal columns' too. */
    b.header_lines = 1;
    for (size_t c = 0; c < t->n_cols; c++) {
        size_t n = count_lines(&b, lk->header_style, t->header[c], inner(&b, c));
        if (n > b.header_lines) b.header_lines = n;
    }
    b.header_h = row_height(&b, b.header_lines, lk->header_style);
    for (size_t i = 0; i < t->n_rows; i++) {
        tmpl_style_id st = row_style(&b, &t->rows[i]);
        b.row_lines[i] = measure_row(&b, &t->rows[i], st);
        b.row_h[i] = row_height(&b, b.row_lines[i], st);
    }

    double open_h = thick(&b) + b.header_h + thin(&b);
    double close_h = thick(&b);
    double page_rows = (e->top - e->bottom) - open_h - close_h; /* room for rows on a page */

    layout_cur_page(e);
    layout_space(e, lk->space_before);
    if (t->caption && t->caption[0]) {
        /* The caption stays with the header and the first row. */
        double first = t->n_rows ? fmin(b.row_h[0], page_rows) : 0;
        layout_need(e, layout_line_height(e, lk->caption_style) + open_h + first + close_h);
        layout_text(e, lk->caption_style, t->caption, strlen(t->caption), t->caption_path, 0, 0);
    }
    for (size_t i = 0; i < t->n_rows && !e->failed; i++) {
        const layout_table_row *row = &t->rows[i];
        double rh = b.row_h[i];
        /* A group row is kept with the row after it. */
        double keep = rh;
        if (row->group && i + 1 < t->n_rows) keep += b.row_h[i + 1];
        if (keep > page_rows) keep = rh;
        if (keep > page_rows) keep = row_height(&b, 1, row_style(&b, row));
        if (b.open && e->y - keep - close_h < e->bottom - EPS) {
            close_segment(&b);
            layout_new_page(e);
        }
        if (!b.open) {
            if (!e->fresh && e->y - open_h - keep - close_h < e->bottom - EPS) layout_new_page(e);
            open_segment(&b);
        }
        if (e->y - rh - close_h >= e->bottom - EPS) {
            place_piece(&b, row, 0, b.row_lines[i]);
        } else {
            /* Taller than what a page holds: split between lines, the header
             * repeated above each piece. */
            tmpl_style_id st = row_style(&b, row);
            double pitch = layout_pitch(&e->t->styles[st]);
            size_t done = 0;
            while (done < b.row_lines[i] && !e->failed) {
                double room = e->y - e->bottom - close_h - 2 * lk->pad_y;
                size_t k = room > pitch ? (size_t)floor(room / pitch + EPS) : 1;
                if (k > b.row_lines[i] - done) k = b.row_lines[i] - done;
                place_piece(&b, row, done, k);
                done += k;
                if (done < b.row_lines[i]) {
                    close_segment(&b);
                    layout_new_page(e);
                    open_segment(&b);
                }
            }
        }
        if (!row->group) b.zebra++;
    }
    if (b.open) close_segment(&b);
    e->fresh = false;
    layout_space(e, lk->space_after);
    layout_snap(e);
    free(b.colx);
    free(b.colw);
    free(b.frac);
    free(b.row_h);
    free(b.row_lines);
    free(b.cell_frac);
}
