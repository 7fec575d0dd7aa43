/* The shipped reports in input/ keep their promises (input/README.md): they
 * validate without warnings, carry at least ten indicators, every value is
 * written in its quote and every quote is a verbatim piece of the report. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "render/render.h"
#include "report/report.h"
#include "util/xalloc.h"

static bool in_sections(const report_section *s, size_t n, const char *q) {
    for (size_t i = 0; i < n; i++) {
        if (strstr(s[i].title, q)) return true;
        for (size_t p = 0; p < s[i].n_paragraphs; p++)
            if (strstr(s[i].paragraphs[p], q)) return true;
        if (in_sections(s[i].sections, s[i].n_sections, q)) return true;
    }
    return false;
}

static bool in_report(const report *r, const char *q) {
    for (size_t i = 0; i < r->n_summary; i++)
        if (strstr(r->summary[i], q)) return true;
    return in_sections(r->sections, r->n_sections, q);
}

static size_t count_sections(const report_section *s, size_t n) {
    size_t c = n;
    for (size_t i = 0; i < n; i++) c += count_sections(s[i].sections, s[i].n_sections);
    return c;
}

int main(void) {
    DIR *dir = opendir("input");
    CHECK(dir != NULL);
    if (!dir) return CHECK_DONE();
    size_t files = 0;
    struct dirent *de;
    char **names = NULL;
    size_t cap = 0;
    while ((de = readdir(dir))) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json")) continue;
        xgrow(&names, &cap, files + 1, sizeof(char *));
        names[files++] = xasprintf("input/%s", de->d_name);
    }
    closedir(dir);
    CHECK(files >= 5);
    for (size_t f = 0; f < files; f++) {
        diag_list *d = diag_list_new();
        report *r = report_load(names[f], d);
        diag_print(d, stderr);
        CHECK(r != NULL);
        CHECK(diag_size(d) == 0);
        if (r) {
            CHECK(r->n_indicators >= 10);
            CHECK(count_sections(r->sections, r->n_sections) >= 3);
            /* The file is named after the report's id. */
            char *want = xasprintf("input/%s.json", r->id);
            CHECK_STR(names[f], want);
            free(want);
            for (size_t i = 0; i < r->n_indicators; i++) {
                const report_indicator *ind = &r->indicators[i];
                char v[64];
                render_format_number(ind->value, v, sizeof v);
                bool quoted = ind->quote && strstr(ind->quote, v);
                bool sourced = ind->quote && in_report(r, ind->quote);
                CHECK(quoted);
                CHECK(sourced);
                if (!quoted || !sourced)
                    fprintf(stderr, "%s: $.indicators[%zu]: value %s / quote \"%s\"\n", names[f], i,
                            v, ind->quote ? ind->quote : "(none)");
            }
        }
        report_free(r);
        diag_list_free(d);
        free(names[f]);
    }
    free(names);
    return CHECK_DONE();
}
