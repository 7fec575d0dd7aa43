/* The one-page summary (templates/summary.json): every input gives exactly
 * one page with the masthead, the eight key indicators and the highlights
 * and problems; a report whose highlights cannot fit is cut at sentence
 * boundaries, marked with ……, and each cut is reported as a warning; content
 * that cannot fit even then is dropped with a warning, still on one page. */
#include "doc_util.h"

static const char *const inputs[] = {"input/hengshan-2021.json", "input/kundulun-2022.json",
                                     "input/luhuo-2021.json",    "input/daye-2020.json",
                                     "input/fuxing-2020.json"};

static size_t count_block(const layout_doc *doc, const char *block) {
    size_t n = 0;
    for (size_t i = 0; i < doc->n_lines; i++) n += !strcmp(doc->lines[i].block, block);
    return n;
}

static bool doc_contains(const layout_doc *doc, const char *text) {
    buf all;
    buf_init(&all);
    for (size_t i = 0; i < doc->n_lines; i++)
        buf_append(&all, layout_doc_text(doc, doc->lines[i].text_off), doc->lines[i].text_len);
    bool hit = all.data && strstr(all.data, text);
    buf_free(&all);
    return hit;
}

/* A report whose highlights and problems are far too long for a page. */
static char *long_report(int subsections, int sentences) {
    buf b;
    buf_init(&b);
    buf_puts(&b, "{\"id\":\"long\",\"region\":{\"name\":\"长文县\"},\"year\":2022,\"title\":\"长文县2022年法治政府建设情况报告\","
                 "\"issuer\":\"长文县人民政府\",\"date\":\"2023-01-05\",\"indicators\":[");
    for (int i = 0; i < 12; i++)
        buf_printf(&b, "%s{\"label\":\"指标%d\",\"value\":%d.5,\"unit\":\"件\",\"category\":\"类%d\"}", i ? "," : "", i, i * 7, i % 4);
    buf_puts(&b, "],\"sections\":[");
    const char *titles[2] = {"一、主要举措和成效", "二、存在的问题和不足"};
    for (int s = 0; s < 2; s++) {
        buf_printf(&b, "%s{\"title\":\"%s\",\"sections\":[", s ? "," : "", titles[s]);
        for (int k = 0; k < subsections; k++) {
            buf_printf(&b, "%s{\"title\":\"（%d）第%d项工作\",\"paragraphs\":[\"", k ? "," : "", k + 1, k + 1);
            for (int q = 0; q < sentences; q++)
                buf_printf(&b, "这是第%d部分第%d节的第%d句话，内容较长，用来检验一页简报在篇幅不够时按句子截断的行为是否正确。", s + 1, k + 1, q + 1);
            buf_puts(&b, "\"]}");
        }
        buf_puts(&b, "]}");
    }
    buf_puts(&b, "]}");
    return buf_steal(&b, NULL);
}

int main(void) {
    diag_list *d = diag_list_new();
    font_lib *fl = font_lib_load("fonts/fonts.json", d);
    tmpl *t = tmpl_load("templates/summary.json", d);
    diag_print(d, stderr);
    CHECK(fl && t);
    if (!fl || !t) return CHECK_DONE();
    CHECK(t->page_limit == 1);

    /* Every input: one page, masthead and both headings, 8 table rows. */
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        diag_clear(d);
        report *r = report_load(inputs[i], d);
        render_opts o = {.keep_layout = true, .fallback_epoch = -1};
        render_result res = {0};
        CHECK(r && render_report(r, t, fl, &o, &res, d));
        if (!res.layout) continue;
        CHECK(res.pages == 1);
        CHECK(count_block(res.layout, "masthead") == 1);
        CHECK(doc_contains(res.layout, "法治政府建设简报"));
        CHECK(doc_contains(res.layout, "工作亮点") && doc_contains(res.layout, "存在问题"));
        CHECK(count_block(res.layout, "point") >= 6); /* three and three, a line or more each */
        /* 8 rows of 4 cells: category, label, value, unit. */
        CHECK(count_block(res.layout, "table_cell") == 4 * 8);
        /* Every cut is reported: a …… in the text has a warning. */
        bool cut_text = doc_contains(res.layout, "……"), warned = doc_has_diag(d, "cut at a sentence boundary");
        CHECK(cut_text == warned);
        size_t reported = 0;
        for (size_t k = 0; k < diag_size(d); k++) reported += strstr(diag_text_at(d, k), "to fit 1 page") != NULL;
        CHECK(res.cuts == reported);
        render_result_free(&res);
        report_free(r);
    }

    /* Far too long: cut sentence by sentence, each cut a warning, one page. */
    diag_clear(d);
    char *json = long_report(5, 12);
    render_result res = {0};
    CHECK(doc_render(json, t, fl, NULL, &res, d));
    if (res.layout) {
        CHECK(res.pages == 1);
        CHECK(res.cuts >= 1);
        CHECK(doc_has_diag(d, "long.json") || doc_has_diag(d, "test.json"));
        CHECK(doc_has_diag(d, "cut at a sentence boundary to fit 1 page"));
        CHECK(doc_has_diag(d, "$.sections[0].sections[0].paragraphs[0]"));
        CHECK(doc_contains(res.layout, "……"));
        /* Cut at a sentence boundary: what is kept ends a sentence, then ……. */
        CHECK(doc_contains(res.layout, "是否正确……"));
        CHECK(!doc_contains(res.layout, "内容较长……"));
        /* The masthead and the table are never cut. */
        CHECK(count_block(res.layout, "masthead") == 1);
        CHECK(count_block(res.layout, "table_cell") == 4 * 8);
    }
    render_result_free(&res);
    free(json);

    /* A masthead that alone is longer than a page: every point goes, then
     * the pages past the first, each reported. */
    diag_clear(d);
    buf name;
    buf_init(&name);
    buf_puts(&name, "briefing_name=");
    for (int i = 0; i < 60; i++) buf_puts(&name, "非常长的简报名称");
    const char *vars[] = {name.data};
    render_opts o = {.fallback_epoch = -1, .vars = vars, .n_vars = 1};
    json = long_report(3, 3);
    CHECK(doc_render(json, t, fl, &o, &res, d));
    CHECK(res.pages == 1);
    CHECK(doc_has_diag(d, "dropped to fit 1 page"));
    CHECK(doc_has_diag(d, "pages after 1 dropped"));
    CHECK(res.pdf && res.pdf_len > 0);
    render_result_free(&res);
    free(json);
    buf_free(&name);

    /* An unknown --set name is a warning, not silence. */
    diag_clear(d);
    const char *bad[] = {"isue=3"};
    render_opts o2 = {.fallback_epoch = -1, .vars = bad, .n_vars = 1};
    json = long_report(3, 1);
    CHECK(doc_render(json, t, fl, &o2, &res, d));
    CHECK(doc_has_diag(d, "no variable \"isue\" to set"));
    render_result_free(&res);
    free(json);

    tmpl_free(t);
    font_lib_free(fl);
    diag_list_free(d);
    return CHECK_DONE();
}
