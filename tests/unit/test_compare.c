/* Comparisons (templates/compare.json, render_reports): indicators matched
 * by key when they have one, else by label; rows sorted by the chosen
 * indicator, largest first, reports without it last; the bar chart drawn as
 * rects in proportion to the values, labelled in Chinese; an unknown sort
 * indicator is an error. (tests/compare/compare.sh runs the real inputs
 * through the command line.) */
#include "doc_util.h"

static const char *const reports_json[] = {
    /* 甲县: keyed indicators. */
    "{\"id\":\"a\",\"region\":{\"name\":\"甲县\"},\"year\":2021,\"title\":\"甲县报告\",\"summary\":[\"甲。\"],"
    "\"indicators\":[{\"label\":\"调解成功率\",\"key\":\"mediation-rate\",\"value\":97.5,\"unit\":\"%\"},"
    "{\"label\":\"行政复议案件\",\"key\":\"review-cases\",\"value\":40,\"unit\":\"件\"},"
    "{\"label\":\"甲县独有\",\"value\":1}],\"sections\":[]}",
    /* 乙县: the same keys under other labels. */
    "{\"id\":\"b\",\"region\":{\"name\":\"乙县\"},\"year\":2021,\"title\":\"乙县报告\",\"summary\":[\"乙。\"],"
    "\"indicators\":[{\"label\":\"矛盾纠纷调解成功率\",\"key\":\"mediation-rate\",\"value\":99.25,\"unit\":\"%\"},"
    "{\"label\":\"复议案件\",\"key\":\"review-cases\",\"value\":12,\"unit\":\"件\"},"
    "{\"label\":\"法律顾问\",\"value\":8,\"unit\":\"名\"}],\"sections\":[]}",
    /* 丙县: no keys: matched by label only. */
    "{\"id\":\"c\",\"region\":{\"name\":\"丙县\"},\"year\":2021,\"title\":\"丙县报告\",\"summary\":[\"丙。\"],"
    "\"indicators\":[{\"label\":\"法律顾问\",\"value\":20,\"unit\":\"名\"},"
    "{\"label\":\"调解成功率\",\"value\":95,\"unit\":\"%\"}],\"sections\":[]}",
};
#define N (sizeof reports_json / sizeof *reports_json)

static const layout_line *find_line(const layout_doc *doc, const char *text, size_t from) {
    for (size_t i = from; i < doc->n_lines; i++) {
        char *s = doc_line_text(doc, &doc->lines[i]);
        bool hit = !strcmp(s, text);
        free(s);
        if (hit) return &doc->lines[i];
    }
    return NULL;
}

int main(void) {
    diag_list *d = diag_list_new();
    font_lib *fl = font_lib_load("fonts/fonts.json", d);
    tmpl *t = tmpl_load("templates/compare.json", d);
    diag_print(d, stderr);
    CHECK(fl && t);
    if (!fl || !t) return CHECK_DONE();
    report *rs[N];
    for (size_t i = 0; i < N; i++) {
        rs[i] = report_parse(reports_json[i], strlen(reports_json[i]), "r.json", d);
        CHECK(rs[i] != NULL);
    }
    diag_print(d, stderr);

    /* Sorted by the key "mediation-rate": 乙 99.25, 甲 97.5; 丙's 调解成功率
     * has no key, so it is another indicator and 丙 comes last. */
    render_opts o = {.keep_layout = true, .fallback_epoch = -1, .sort = "mediation-rate"};
    render_result res = {0};
    CHECK(render_reports((const report *const *)rs, N, t, fl, &o, &res, d));
    const layout_doc *doc = res.layout;
    if (doc) {
        /* Columns: the two keyed indicators (2 reports each) and 法律顾问
         * (乙 and 丙, by label); headers name the first report's label. */
        CHECK(find_line(doc, "调解成功率（%）", 0) != NULL);
        CHECK(find_line(doc, "矛盾纠纷调解成功率（%）", 0) == NULL);
        CHECK(find_line(doc, "甲县独有", 0) == NULL);
        const layout_line *a = find_line(doc, "甲县", 0), *b = find_line(doc, "乙县", 0),
                          *c = find_line(doc, "丙县", 0);
        CHECK(a && b && c);
        if (a && b && c) CHECK(b->baseline > a->baseline && a->baseline > c->baseline);
        CHECK(find_line(doc, "99.25", 0) && find_line(doc, "97.5", 0) && find_line(doc, "—", 0));
        /* The chart: one bar per report with the value, widths in
         * proportion, value labels with their unit, in the chart's order. */
        const layout_page *pg = &doc->pages[0];
        CHECK(pg->n_rects >= 2);
        double w[2] = {0, 0};
        size_t bars = 0;
        for (size_t i = 0; i < pg->n_rects; i++)
            if (pg->rects[i].color == 0xC0504D && bars < 2) w[bars++] = pg->rects[i].w;
        CHECK(bars == 2);
        CHECK(bars == 2 && fabs(w[0] / w[1] - 99.25 / 97.5) < 1e-6);
        CHECK(find_line(doc, "99.25%", 0) && find_line(doc, "97.5%", 0));
        const layout_line *cap = find_line(doc, "调解成功率", 0);
        CHECK(cap && !strcmp(cap->block, "caption"));
        CHECK(pg->n_rules >= 4); /* table rules, the zero line and the axis */
        /* Text extraction sees the regions and values. */
        buf text;
        buf_init(&text);
        CHECK(doc_pdftotext(res.pdf, res.pdf_len, "", true, &text));
        CHECK(text.data && strstr(text.data, "甲县") && strstr(text.data, "99.25%"));
        CHECK(text.data && strstr(text.data, "2021年法治政府建设主要指标对比"));
        buf_free(&text);
    }
    render_result_free(&res);

    /* The sort indicator may be named by any of its labels. */
    diag_clear(d);
    o.sort = "矛盾纠纷调解成功率";
    CHECK(render_reports((const report *const *)rs, N, t, fl, &o, &res, d));
    if (res.layout) {
        const layout_line *a = find_line(res.layout, "甲县", 0), *b = find_line(res.layout, "乙县", 0);
        CHECK(a && b && b->baseline > a->baseline);
    }
    render_result_free(&res);

    /* By label without a key: 法律顾问, 丙 20 before 乙 8, 甲 last. */
    o.sort = "法律顾问";
    CHECK(render_reports((const report *const *)rs, N, t, fl, &o, &res, d));
    if (res.layout) {
        const layout_line *a = find_line(res.layout, "甲县", 0), *b = find_line(res.layout, "乙县", 0),
                          *c = find_line(res.layout, "丙县", 0);
        CHECK(a && b && c && c->baseline > b->baseline && b->baseline > a->baseline);
    }
    render_result_free(&res);

    /* An indicator no report has: an error naming it, no document. */
    diag_clear(d);
    o.sort = "不存在的指标";
    CHECK(!render_reports((const report *const *)rs, N, t, fl, &o, &res, d));
    CHECK(doc_has_diag(d, "--sort \"不存在的指标\": no report has an indicator"));
    CHECK(res.pdf == NULL);

    /* A template that shows one report's text cannot compare several. */
    diag_clear(d);
    tmpl *one = tmpl_load("templates/briefing.json", d);
    o.sort = NULL;
    CHECK(one && !render_reports((const report *const *)rs, N, one, fl, &o, &res, d));
    CHECK(doc_has_diag(d, "templates/briefing.json: $.blocks[1]: a \"meta\" block shows one report"));
    tmpl_free(one);

    /* Without --sort: input order, and the chart shows the first column. */
    diag_clear(d);
    CHECK(render_reports((const report *const *)rs, N, t, fl, &o, &res, d));
    if (res.layout) {
        const layout_line *a = find_line(res.layout, "甲县", 0), *b = find_line(res.layout, "乙县", 0);
        CHECK(a && b && a->baseline > b->baseline);
    }
    render_result_free(&res);
    for (size_t i = 0; i < N; i++) report_free(rs[i]);

    tmpl_free(t);
    font_lib_free(fl);
    diag_list_free(d);
    return CHECK_DONE();
}
