/* The grid of GB/T 9704-2012 (templates/gbt9704.json) on every input: the
 * type area 156 × 225 mm at 37 mm from the top and 28 mm from the left; text
 * lines on a grid of 22 lines at a 29.53 pt pitch, 28 characters of
 * 15.75 pt on a full line from the type area's left edge; the title centred;
 * page numbers 7 mm below the type area, odd pages right and even pages left,
 * one character in; the date 4 characters in from the right, the issuer
 * centred over it. */
#include "doc_util.h"

#define MM (72.0 / 25.4)
#define EPS 0.01

static const char *const inputs[] = {"input/hengshan-2021.json", "input/kundulun-2022.json",
                                     "input/luhuo-2021.json",    "input/daye-2020.json",
                                     "input/fuxing-2020.json"};

/* Blocks set on the grid (the table and its captions are not). */
static bool on_grid(const char *block) {
    return !strcmp(block, "title") || !strcmp(block, "summary") || !strcmp(block, "paragraph") ||
           !strncmp(block, "heading", 7) || !strcmp(block, "signature") ||
           !strcmp(block, "attachment");
}

static void check_report(const char *path, const tmpl *t, const font_lib *fl, size_t *full_pages,
                         size_t *full_lines, size_t *solid_lines) {
    diag_list *d = diag_list_new();
    report *r = report_load(path, d);
    CHECK(r != NULL);
    if (!r) return;
    render_opts o = {.keep_layout = true, .fallback_epoch = -1};
    render_result res = {0};
    CHECK(render_report(r, t, fl, &o, &res, d));
    const layout_doc *doc = res.layout;
    if (!doc) return;
    const double left = 28 * MM, top = t->page_height - 37 * MM, bottom = top - 225 * MM;
    const double right = left + 156 * MM, size = 15.75, pitch = 29.53;
    size_t off_grid = 0, bad_step = 0, too_many = 0, bad_full = 0, bad_glyph = 0, bad_footer = 0;
    for (size_t p = 0; p < doc->n_pages; p++) {
        size_t n = 0;
        double prev = 0;
        for (size_t i = 0; i < doc->n_lines; i++) {
            const layout_line *l = &doc->lines[i];
            if (l->page != p) continue;
            if (!strcmp(l->block, "footer")) {
                /* — N —: top of the characters 7 mm below the type area;
                 * odd pages right, even pages left, one character (14 pt) in. */
                bool odd = (p + 1) % 2 == 1;
                bool ok = fabs(l->baseline - (bottom - 7 * MM - 0.88 * 14)) < EPS &&
                          (odd ? fabs(l->x1 - (right - 14)) < EPS : fabs(l->x0 - (left + 14)) < EPS);
                if (!ok) fprintf(stderr, "    %s page %zu: footer at %.2f, %.2f–%.2f\n", path, p + 1,
                                 l->baseline, l->x0, l->x1);
                bad_footer += !ok;
                continue;
            }
            if (!on_grid(l->block)) continue;
            /* The baseline of grid line k, for characters of this block's
             * size centred on the grid's 15.75 pt character box. */
            double s = !strcmp(l->block, "title") ? 22 : size;
            double k = (top - size / 2 - (0.88 - 0.5) * s - l->baseline) / pitch;
            if (fabs(k - round(k)) > 0.001) {
                off_grid++;
                fprintf(stderr, "    %s page %zu: %s line off the grid (%.4f)\n", path, p + 1, l->block, k);
            }
            /* Consecutive lines of body size: whole pitches apart. */
            if (s == size) {
                double m = (prev - l->baseline) / pitch;
                if (prev && (m < 0.999 || fabs(m - round(m)) > 0.001)) bad_step++;
                prev = l->baseline;
            }
            n++;
            /* A full line: justified, flush left: from the left of the type
             * area, 28 characters wide. */
            if ((l->flags & LAYOUT_LINE_JUSTIFIED) && !strcmp(l->block, "paragraph") &&
                fabs(l->x0 - left) < EPS) {
                (*full_lines)++;
                if (fabs(l->x1 - (left + 28 * size)) > EPS) bad_full++;
                /* 28 characters set solid, no punctuation adjusted: glyph k
                 * at left + 15.75 k. */
                char *text = doc_line_text(doc, l);
                size_t chars = utf8_count(text, strlen(text));
                bool han = true;
                for (const char *c = text; *c; c++) han &= (unsigned char)*c >= 0x80;
                if (chars == 28 && han && l->shrink == 0 && l->stretch == 0) {
                    (*solid_lines)++;
                    const layout_page *pg = &doc->pages[p];
                    size_t at = 0;
                    for (size_t g = 0; g < pg->n_glyphs; g++) {
                        const layout_glyph *lg = &pg->glyphs[g];
                        if (fabs(lg->y - l->baseline) > EPS || lg->x < l->x0 - EPS || lg->x > l->x1) continue;
                        if (fabs(lg->x - (left + (double)at * size)) > EPS || lg->size != (float)size) bad_glyph++;
                        at++;
                    }
                    if (at != 28) bad_glyph++;
                }
                free(text);
            }
        }
        if (n > 22) too_many++;
        if (n == 22) (*full_pages)++;
    }
    CHECK(off_grid == 0);
    CHECK(bad_step == 0);
    CHECK(too_many == 0);
    CHECK(bad_full == 0);
    CHECK(bad_glyph == 0);
    CHECK(bad_footer == 0);

    /* The title: 22 pt, centred on the measure; the signature: the date's
     * right end 4 characters in from the right, the issuer centred over it. */
    const layout_line *date = NULL, *issuer = NULL;
    for (size_t i = 0; i < doc->n_lines; i++) {
        const layout_line *l = &doc->lines[i];
        if (!strcmp(l->block, "title"))
            CHECK(fabs((l->x0 + l->x1) / 2 - (left + 14 * size)) < 0.5);
        if (!strcmp(l->block, "signature")) {
            if (issuer || !r->issuer) date = l;
            else issuer = l;
        }
    }
    if (r->date) {
        CHECK(date != NULL);
        if (date) CHECK(fabs(date->x1 - (left + 24 * size)) < EPS);
        /* Centred over the date, unless too long for that: then flush right. */
        if (date && issuer)
            CHECK(fabs((issuer->x0 + issuer->x1) / 2 - (date->x0 + date->x1) / 2) < 0.5 ||
                  fabs(issuer->x1 - (left + 28 * size)) < EPS);
        if (date && issuer) CHECK(fabs(issuer->baseline - date->baseline - pitch) < EPS);
    }
    render_result_free(&res);
    report_free(r);
    diag_print(d, stderr);
    diag_list_free(d);
}

int main(void) {
    diag_list *d = diag_list_new();
    font_lib *fl = font_lib_load("fonts/fonts.json", d);
    tmpl *t = tmpl_load("templates/gbt9704.json", d);
    diag_print(d, stderr);
    CHECK(fl && t);
    if (!fl || !t) return CHECK_DONE();
    /* The template's geometry as the standard gives it. */
    CHECK(fabs(t->margin_top - 37 * MM) < 1e-6 && fabs(t->margin_left - 28 * MM) < 1e-6);
    CHECK(fabs(t->page_width - t->margin_left - t->margin_right - 156 * MM) < 0.01);
    CHECK(fabs(t->page_height - t->margin_top - t->margin_bottom - 225 * MM) < 0.01);
    CHECK(t->grid && t->grid_lines == 22 && t->grid_chars == 28 && t->grid_pitch == 29.53);
    CHECK(fabs(tmpl_measure(t) - 441) < 1e-9);
    CHECK(t->han_latin_gap == 0);
    size_t full_pages = 0, full_lines = 0, solid = 0;
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++)
        check_report(inputs[i], t, fl, &full_pages, &full_lines, &solid);
    fprintf(stderr, "  %zu pages of 22 lines, %zu full lines, %zu of 28 characters set solid\n",
            full_pages, full_lines, solid);
    CHECK(full_pages >= 10);
    CHECK(solid >= 20);
    tmpl_free(t);
    font_lib_free(fl);
    diag_list_free(d);
    return CHECK_DONE();
}
