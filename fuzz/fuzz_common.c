#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* A report that exercises every block of a template: meta, a table with
 * categories, a summary, nested sections, mixed Chinese and Latin text. */
static const char fixed_report[] =
    "{\"id\": \"fuzz\", \"region\": {\"name\": \"某县\", \"level\": \"县\", \"parent\": \"某省某市\"},"
    " \"year\": 2021, \"title\": \"某县2021年法治政府建设情况报告\", \"issuer\": \"某县人民政府\","
    " \"date\": \"2022-01-15\", \"summary\": [\"2021年，我县法治政府建设取得新进展（详见下文）。\"],"
    " \"indicators\": [{\"label\": \"政务服务事项\", \"value\": 497, \"unit\": \"个\", \"category\": \"政务服务\"},"
    " {\"label\": \"办结率\", \"value\": 99.65, \"unit\": \"%\", \"category\": \"政务服务\"},"
    " {\"label\": \"复议案件\", \"value\": 12, \"unit\": \"件\"}],"
    " \"sections\": [{\"title\": \"一、主要工作\", \"paragraphs\": [\"坚持依法行政，制定2021-2025年规划，"
    "全面推进“放管服”改革。\"], \"sections\": [{\"title\": \"（一）加强领导\", \"paragraphs\":"
    " [\"成立领导小组。\"]}]}, {\"title\": \"二、存在的问题\", \"paragraphs\": [\"意识有待提高。\"]}]}";

static char *data_path(const char *rel) {
    const char *dir = getenv("BRIEFING_DATA_DIR");
    return xasprintf("%s/%s", dir && *dir ? dir : BRIEFING_SOURCE_DIR, rel);
}

void fuzz_env_load(fuzz_env *env, bool with_template) {
    diag_list *d = diag_list_new();
    char *fonts = data_path("fonts/fonts.json");
    char *tpath = data_path("templates/briefing.json");
    env->fonts = font_lib_load(fonts, d);
    env->t = with_template ? tmpl_load(tpath, d) : NULL;
    env->r = report_parse(fixed_report, strlen(fixed_report), "fixed.json", d);
    if (!env->fonts || (with_template && !env->t) || !env->r) {
        diag_print(d, stderr);
        fprintf(stderr, "fuzz: cannot load the fonts, template or fixed report\n");
        exit(1);
    }
    free(fonts);
    free(tpath);
    diag_list_free(d);
}

void fuzz_expect(bool ok, const char *what, const diag_list *d) {
    if (ok) return;
    diag_print(d, stderr);
    fprintf(stderr, "fuzz: %s\n", what);
    abort();
}

void fuzz_render(const fuzz_env *env, const report *r, const tmpl *t, diag_list *d) {
    render_opts opts = {.keep_layout = false, .fallback_epoch = 0};
    render_result res;
    size_t errors = diag_count(d, DIAG_ERROR);
    if (render_report(r, t, env->fonts, &opts, &res, d)) {
        fuzz_expect(res.pdf && res.pdf_len > 10 && memcmp(res.pdf, "%PDF-", 5) == 0,
                    "render gave no PDF", d);
        bool eof = false;
        for (size_t i = res.pdf_len - 10; i + 5 <= res.pdf_len && !eof; i++)
            eof = memcmp(res.pdf + i, "%%EOF", 5) == 0;
        fuzz_expect(eof, "PDF does not end with %%EOF", d);
    } else {
        fuzz_expect(res.pdf == NULL, "failed render left a PDF", d);
        fuzz_expect(diag_count(d, DIAG_ERROR) > errors, "render failed without an error message", d);
    }
    render_result_free(&res);
}
