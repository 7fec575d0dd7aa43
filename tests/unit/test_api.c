/* The public API (include/briefing/briefing.h) as a program sees it, from
 * this header alone: a render from bytes, every failure a diagnostic and a
 * NULL or false (never a crash), the options' size rule, the version.
 * Runs from the repository root. */
#include <stdio.h>
#include <string.h>

#include <briefing/briefing.h>

#include "check.h"

static bool has(const bf_diag *d, const char *text) {
    for (size_t i = 0; i < bf_diag_count(d); i++)
        if (strstr(bf_diag_text(d, i), text)) return true;
    return false;
}

int main(void) {
    CHECK(strcmp(bf_version(), BF_VERSION) == 0);
    CHECK(BF_VERSION_NUMBER == BF_MAKE_VERSION(BF_VERSION_MAJOR, BF_VERSION_MINOR, BF_VERSION_PATCH));
    bf_diag *d = bf_diag_new();

    /* a setup by name, a report from bytes, a PDF */
    bf_setup *s = bf_setup_load("summary", NULL, d);
    CHECK(s != NULL);
    FILE *f = fopen("input/kundulun-2022.json", "rb");
    static char json[1 << 20];
    size_t n = f ? fread(json, 1, sizeof json, f) : 0;
    if (f) fclose(f);
    bf_report *r = bf_report_parse(json, n, "kundulun.json", d);
    CHECK(r != NULL && strcmp(bf_report_id(r), "kundulun-2022") == 0 && bf_report_title(r) &&
          bf_report_region(r));
    unsigned char *pdf = NULL;
    size_t len = 0;
    const char *vars[] = {"issue=12"};
    bf_render_options o = {.size = sizeof o, .vars = vars, .n_vars = 1};
    CHECK(bf_render(s, r, &o, &pdf, &len, d) && len > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
    bf_free(pdf);
    CHECK(bf_diag_errors(d) == 0);

    /* failures: a diagnostic each, nothing returned */
    const char *bad[] = {"isue=3"};
    o.vars = bad;
    CHECK(!bf_render(s, r, &o, &pdf, &len, d) && pdf == NULL && len == 0);
    CHECK(has(d, "isue: the template has no such variable"));
    bf_render_options zero = {.size = 0};
    CHECK(!bf_render(s, r, &zero, &pdf, &len, d) && has(d, "options.size is 0"));
    CHECK(!bf_render(NULL, r, NULL, &pdf, &len, d) && has(d, "bf_render: no setup"));
    CHECK(!bf_render(s, NULL, NULL, &pdf, &len, d) && has(d, "bf_render: no report"));
    CHECK(bf_report_parse("{\"id\":", 6, "cut.json", d) == NULL);
    CHECK(has(d, "cut.json: invalid JSON: unexpected end of input at line 1, column 7"));
    CHECK(bf_report_load(NULL, d) == NULL && bf_report_load("no/such/file.json", d) == NULL);
    CHECK(bf_setup_load("no-such-template", NULL, d) == NULL && has(d, "no template of that name"));
    CHECK(bf_setup_load("briefing", "no/such/fonts.json", d) == NULL);
    CHECK(!bf_write_file(NULL, "x", 1, d));
    CHECK(bf_diag_errors(d) == bf_diag_count(d) && bf_diag_is_error(d, 0));
    CHECK(bf_diag_text(d, bf_diag_count(d)) == NULL); /* past the end */
    /* a NULL bf_diag discards the reasons */
    CHECK(bf_report_parse("[", 1, "x.json", NULL) == NULL);
    bf_diag_clear(d);
    CHECK(bf_diag_count(d) == 0);

    bf_report_free(r);
    bf_setup_free(s);
    bf_report_free(NULL);
    bf_setup_free(NULL);
    bf_diag_free(d);
    return CHECK_DONE();
}
