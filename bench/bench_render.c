/* Milliseconds per report, rendered in one process with fonts and template
 * loaded once and a glyph cache kept from one document to the next (the
 * situation of a batch worker; --no-cache: every document flattens its CFF
 * glyphs afresh). Prints one line per report and a total.
 *
 *   bench_render [-n ROUNDS] [-t TEMPLATE] [--no-cache] REPORT.json...
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "internal.h"
#include "util/utf8.h"

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static size_t count_chars(const report *r) {
    size_t n = utf8_count(r->title, strlen(r->title));
    for (size_t i = 0; i < r->n_summary; i++) n += utf8_count(r->summary[i], strlen(r->summary[i]));
    /* sections, iteratively with an explicit stack of (array, count) */
    struct { const report_section *s; size_t n; } stack[REPORT_MAX_DEPTH + 2];
    size_t sp = 0;
    stack[sp].s = r->sections;
    stack[sp++].n = r->n_sections;
    while (sp) {
        sp--;
        const report_section *s = stack[sp].s;
        size_t cnt = stack[sp].n;
        for (size_t i = 0; i < cnt; i++) {
            n += utf8_count(s[i].title, strlen(s[i].title));
            for (size_t p = 0; p < s[i].n_paragraphs; p++)
                n += utf8_count(s[i].paragraphs[p], strlen(s[i].paragraphs[p]));
            if (s[i].n_sections && sp < REPORT_MAX_DEPTH + 1) {
                stack[sp].s = s[i].sections;
                stack[sp++].n = s[i].n_sections;
            }
        }
    }
    return n;
}

int main(int argc, char **argv) {
#if defined(M_MMAP_THRESHOLD)
    /* the allocator settings of the briefing command (src/cli/main.c) */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
    int rounds = 20;
    const char *tpath = "templates/briefing.json";
    int first = 1;
    bool cached = true;
    while (first < argc && argv[first][0] == '-') {
        if (!strcmp(argv[first], "--no-cache")) {
            cached = false;
            first++;
            continue;
        }
        if (!strcmp(argv[first], "-n") && first + 1 < argc) rounds = atoi(argv[first + 1]);
        else if (!strcmp(argv[first], "-t") && first + 1 < argc) tpath = argv[first + 1];
        else break;
        first += 2;
    }
    if (first >= argc || rounds < 1) {
        fprintf(stderr, "usage: bench_render [-n ROUNDS] [-t TEMPLATE] [--no-cache] REPORT.json...\n");
        return 2;
    }
    diag_list *d = diag_list_new();
    double t0 = now_ms();
    font_lib *fonts = font_lib_load("fonts/fonts.json", d);
    tmpl *t = tmpl_load(tpath, d);
    backends *b = backends_new_linked();
    if (t && fonts) render_add_system_fonts(t, fonts, b, d);
    backends_free(b);
    double t_setup = now_ms() - t0;
    if (!fonts || !t) {
        diag_print(d, stderr);
        return 1;
    }
    printf("setup (fonts + template): %.2f ms; glyph cache %s\n", t_setup,
           cached ? "kept across documents, as in a batch" : "off");
    render_cache *cache = cached ? render_cache_new() : NULL;
    render_opts ro = {.fallback_epoch = -1, .cache = cache};
    printf("%-28s %8s %6s %9s %10s\n", "report", "chars", "pages", "KB", "ms/report");
    double total_ms = 0;
    size_t total_docs = 0;
    for (int i = first; i < argc; i++) {
        diag_clear(d);
        report *r = report_load(argv[i], d);
        if (!r) {
            diag_print(d, stderr);
            continue;
        }
        render_result res = {0};
        double best = 1e300, sum = 0;
        bool ok = true;
        for (int k = 0; k < rounds && ok; k++) {
            render_result_free(&res);
            double a = now_ms();
            ok = render_report(r, t, fonts, &ro, &res, d);
            double ms = now_ms() - a;
            sum += ms;
            if (ms < best) best = ms;
        }
        if (ok) {
            printf("%-28s %8zu %6zu %9.1f %10.2f  (best %.2f)\n", r->id, count_chars(r), res.pages,
                   (double)res.pdf_len / 1024.0, sum / rounds, best);
            total_ms += sum;
            total_docs += (size_t)rounds;
        }
        render_result_free(&res);
        report_free(r);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    if (total_docs)
        printf("mean %.2f ms per report over %zu renders; peak RSS %.1f MB\n", total_ms / (double)total_docs,
               total_docs, (double)ru.ru_maxrss / 1024.0);
    render_cache_free(cache);
    tmpl_free(t);
    font_lib_free(fonts);
    diag_list_free(d);
    return 0;
}
