/* Tables across pages: a report of 300 indicators (some labels long enough
 * to wrap, values with and without decimals) in the default and the
 * GB/T 9704 template. The header is on every page the table is on, no row is
 * split across pages, nothing runs into the bottom margin, and pdftotext
 * gives back every label with its value on the same row. A row taller than a
 * page is split between lines, under a repeated header, losing nothing. */
#include "doc_util.h"

#define N_IND 300

static const char *long_tail = "：依法行政制度体系建设情况的综合评价与年度考核结果";

static void value_of(size_t i, char *out, size_t size) {
    double v = i % 3 == 0 ? (double)i + 0.25 : i % 3 == 1 ? (double)i * 10 : (double)i + 0.125;
    render_format_number(v, out, size);
}

static char *big_report(void) {
    buf b;
    buf_init(&b);
    buf_puts(&b, "{\"id\":\"t300\",\"region\":{\"name\":\"测试县\"},\"year\":2021,"
                 "\"title\":\"测试县2021年法治政府建设情况报告\",\"issuer\":\"测试县司法局\","
                 "\"date\":\"2022-01-10\",\"summary\":[\"为测试表格而作。\"],\"indicators\":[");
    for (size_t i = 0; i < N_IND; i++) {
        char v[64];
        value_of(i, v, sizeof v);
        buf_printf(&b, "%s{\"label\":\"第%03zu项指标%s\",\"value\":%s,\"unit\":\"%s\",\"category\":\"类别%02zu\"}",
                   i ? "," : "", i, i % 7 == 0 ? long_tail : "", v,
                   i % 3 == 0 ? "%" : i % 3 == 1 ? "件" : "万元", i / 25);
    }
    buf_puts(&b, "],\"sections\":[{\"title\":\"一、说明\",\"paragraphs\":[\"本报告用于测试表格。\"]}]}");
    return buf_steal(&b, NULL);
}

static bool is_table_block(const tmpl *t, const char *block) {
    const tmpl_table *lk = &t->table;
    return !strcmp(block, t->styles[lk->cell_style].name) ||
           !strcmp(block, t->styles[lk->header_style].name) ||
           !strcmp(block, t->styles[lk->group_style].name);
}

/* Header on every table page, above every cell of the page; nothing below
 * the bottom margin. Returns the number of pages the table is on. */
static size_t check_pages(const tmpl *t, const layout_doc *doc) {
    const char *cell = t->styles[t->table.cell_style].name;
    const char *hdr = t->styles[t->table.header_style].name;
    size_t table_pages = 0;
    for (size_t p = 0; p < doc->n_pages; p++) {
        double lowest_header = 1e9, highest_cell = -1e9, lowest = 1e9;
        size_t cells = 0, headers = 0;
        for (size_t i = 0; i < doc->n_lines; i++) {
            const layout_line *l = &doc->lines[i];
            if (l->page != p || !is_table_block(t, l->block)) continue;
            if (l->baseline < lowest) lowest = l->baseline;
            if (!strcmp(l->block, cell)) {
                cells++;
                if (l->baseline > highest_cell) highest_cell = l->baseline;
            }
            char *s = doc_line_text(doc, l);
            if (!strcmp(l->block, hdr) && !strcmp(s, "指标")) {
                headers++;
                if (l->baseline < lowest_header) lowest_header = l->baseline;
            }
            free(s);
        }
        if (!cells) continue;
        table_pages++;
        CHECK(headers == 1);
        CHECK(lowest_header > highest_cell);
        CHECK(lowest - 0.12 * t->styles[t->table.cell_style].size >= t->margin_bottom - 0.01);
        if (headers != 1) fprintf(stderr, "    page %zu: %zu headers\n", p + 1, headers);
    }
    return table_pages;
}

/* Each indicator's row whole on one page: its label lines (wrapped or not)
 * and its value on one page, the value on the label's first baseline. */
static void check_rows(const tmpl *t, const layout_doc *doc) {
    const char *cell = t->styles[t->table.cell_style].name;
    size_t whole = 0;
    for (size_t i = 0; i < N_IND; i++) {
        char prefix[32], v[64];
        snprintf(prefix, sizeof prefix, "第%03zu项指标", i);
        value_of(i, v, sizeof v);
        size_t at = doc->n_lines;
        for (size_t k = 0; k < doc->n_lines && at == doc->n_lines; k++) {
            if (strcmp(doc->lines[k].block, cell)) continue;
            char *s = doc_line_text(doc, &doc->lines[k]);
            if (!strncmp(s, prefix, strlen(prefix))) at = k;
            free(s);
        }
        if (at == doc->n_lines) {
            fprintf(stderr, "    row %zu not found\n", i);
            continue;
        }
        const layout_line *first = &doc->lines[at];
        buf label;
        buf_init(&label);
        bool same_page = true, value = false;
        /* Cells are placed one after the other: the label's lines, then the
         * value, then the unit. */
        for (size_t k = at; k < doc->n_lines && k < at + 8; k++) {
            const layout_line *l = &doc->lines[k];
            char *s = doc_line_text(doc, l);
            if (fabs(l->x0 - first->x0) < 0.01 && (k == at || l->baseline < first->baseline - 1)) {
                buf_puts(&label, s);
                same_page &= l->page == first->page;
            } else if (!strcmp(s, v) && l->page == first->page &&
                       fabs(l->baseline - first->baseline) < 0.01) {
                value = true;
            }
            free(s);
            if (value) break;
        }
        char want[256];
        snprintf(want, sizeof want, "%s%s", prefix, i % 7 == 0 ? long_tail : "");
        bool ok = same_page && value && label.data && !strcmp(label.data, want);
        if (!ok)
            fprintf(stderr, "    row %zu: same page %d, value %d, label %s\n", i, same_page, value,
                    label.data ? label.data : "");
        whole += ok;
        buf_free(&label);
    }
    CHECK(whole == N_IND);
}

/* pdftotext -layout keeps a table row on one line: every label there with
 * its value after it. */
static void check_extracted(const render_result *res) {
    buf text;
    buf_init(&text);
    CHECK(doc_pdftotext(res->pdf, res->pdf_len, "-layout", false, &text));
    size_t rows = 0;
    for (size_t i = 0; i < N_IND; i++) {
        char prefix[32], v[64];
        snprintf(prefix, sizeof prefix, "第%03zu项指标", i);
        value_of(i, v, sizeof v);
        bool hit = false;
        for (char *line = text.data; line && *line && !hit;) {
            char *end = strchr(line, '\n');
            size_t ll = end ? (size_t)(end - line) : strlen(line);
            buf sq;
            buf_init(&sq);
            doc_squeeze(line, ll, &sq);
            const char *at = sq.data ? strstr(sq.data, prefix) : NULL;
            hit = at && strstr(at, v);
            buf_free(&sq);
            line = end ? end + 1 : NULL;
        }
        if (!hit) fprintf(stderr, "    extracted text lacks row %s %s\n", prefix, v);
        rows += hit;
    }
    CHECK(rows == N_IND);
    buf_free(&text);
}

/* A template's full indicator table alone: briefing.json shows the top rows
 * up front and the whole table as an appendix; these checks are about one
 * table running over pages. */
static void full_table_only(tmpl *t) {
    for (size_t i = 0; t && i < t->n_blocks; i++)
        if (t->blocks[i].type == TMPL_BLOCK_INDICATORS)
            t->blocks[i].min_rows = t->blocks[i].limit ? SIZE_MAX : 0;
}

static void check_template(const char *path, const font_lib *fl, const char *json) {
    diag_list *d = diag_list_new();
    tmpl *t = tmpl_load(path, d);
    full_table_only(t);
    CHECK(t != NULL);
    render_result res = {0};
    if (t && doc_render(json, t, fl, NULL, &res, d)) {
        size_t pages = check_pages(t, res.layout);
        fprintf(stderr, "  %s: %zu pages, table on %zu\n", path, res.pages, pages);
        CHECK(pages >= 4); /* a table that really continues */
        check_rows(t, res.layout);
        check_extracted(&res);
    } else {
        diag_print(d, stderr);
        CHECK(false);
    }
    render_result_free(&res);
    tmpl_free(t);
    diag_list_free(d);
}

/* One row taller than a page: split between lines over as many pages as it
 * needs, each piece under the header, its text whole and in order. */
static void check_tall_row(const font_lib *fl) {
    diag_list *d = diag_list_new();
    tmpl *t = tmpl_load("templates/briefing.json", d);
    full_table_only(t);
    buf label, json;
    buf_init(&label);
    buf_init(&json);
    for (int i = 0; i < 120; i++) buf_printf(&label, "这是第%d段很长的指标名称，用于测试跨页拆分。", i);
    buf_printf(&json,
               "{\"id\":\"tall\",\"region\":{\"name\":\"测试县\"},\"year\":2021,\"title\":\"长行测试\","
               "\"summary\":[\"测试。\"],\"indicators\":[{\"label\":\"短指标\",\"value\":1},"
               "{\"label\":\"%s\",\"value\":2.5,\"unit\":\"件\"},{\"label\":\"末指标\",\"value\":3}],"
               "\"sections\":[]}",
               label.data);
    render_result res = {0};
    CHECK(t && doc_render(json.data, t, fl, NULL, &res, d));
    if (res.layout) {
        const layout_doc *doc = res.layout;
        buf got;
        buf_init(&got);
        size_t first_page = 0, last_page = 0;
        bool any = false;
        for (size_t i = 0; i < doc->n_lines; i++) {
            const layout_line *l = &doc->lines[i];
            char *s = doc_line_text(doc, l);
            if (!strcmp(l->block, "table_cell") && strstr(s, "很长的指标名称") ) {
                if (!any) first_page = l->page;
                last_page = l->page;
                any = true;
            }
            if (!strcmp(l->block, "table_cell") && (any && l->page >= first_page) &&
                strcmp(s, "2.5") && strcmp(s, "件") && strcmp(s, "末指标") && strcmp(s, "3") &&
                strcmp(s, "短指标") && strcmp(s, "1"))
                buf_puts(&got, s);
            free(s);
        }
        buf want;
        buf_init(&want);
        punct_fullwidth(label.data, label.len, &want);
        CHECK(any && last_page > first_page);
        CHECK(got.data && want.data && !strcmp(got.data, want.data));
        CHECK(check_pages(t, doc) == last_page - first_page + 1);
        buf_free(&want);
        buf_free(&got);
    }
    render_result_free(&res);
    buf_free(&label);
    buf_free(&json);
    tmpl_free(t);
    diag_list_free(d);
}

int main(void) {
    diag_list *d = diag_list_new();
    font_lib *fl = font_lib_load("fonts/fonts.json", d);
    CHECK(fl != NULL);
    if (!fl) return CHECK_DONE();
    char *json = big_report();
    check_template("templates/briefing.json", fl, json);
    check_template("templates/gbt9704.json", fl, json);
    check_tall_row(fl);
    free(json);
    font_lib_free(fl);
    diag_list_free(d);
    return CHECK_DONE();
}
