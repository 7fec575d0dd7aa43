/* A report into a PDF briefing through the public API: what a program
 * outside this tree writes.
 *
 *   cc render.c $(pkg-config --cflags --libs briefing) -o render
 *   ./render REPORT OUT.pdf [TEMPLATE]
 *
 * REPORT may be report JSON or a raw .docx/.html/.txt report. */
#include <stdio.h>

#include <briefing/briefing.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s REPORT OUT.pdf [TEMPLATE]\n", argv[0]);
        return 2;
    }
    bf_diag *d = bf_diag_new();
    bf_setup *setup = bf_setup_load(argc > 3 ? argv[3] : NULL, NULL, d);
    bf_report *report = setup ? bf_report_load(argv[1], d) : NULL;
    unsigned char *pdf = NULL;
    size_t len = 0;
    bf_render_options opts = {.size = sizeof opts}; /* the defaults; see briefing.h */
    int status = report && bf_render(setup, report, &opts, &pdf, &len, d) &&
                         bf_write_file(argv[2], pdf, len, d)
                     ? 0
                     : 1;
    for (size_t i = 0; i < bf_diag_count(d); i++) fprintf(stderr, "%s\n", bf_diag_text(d, i));
    if (!status)
        printf("%s: %s, %zu bytes (briefing %s)\n", argv[2], bf_report_title(report), len,
               bf_version());
    bf_free(pdf);
    bf_report_free(report);
    bf_setup_free(setup);
    bf_diag_free(d);
    return status;
}
