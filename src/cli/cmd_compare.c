/* briefing compare REPORT... [-o OUT.pdf] [--sort LABEL_OR_KEY]: one document
 * comparing several reports (templates/compare.json by default). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "cli.h"

#define DEFAULT_TEMPLATE "compare.json"
#include "util/xalloc.h"

/* Does any report have an indicator with this key or label? Checked before
 * rendering so that a mistyped --sort is a usage error (status 2). */
static bool sort_known(report *const *rs, size_t n, const char *sort) {
    for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < rs[r]->n_indicators; i++) {
            const report_indicator *ind = &rs[r]->indicators[i];
            if (!strcmp(ind->label, sort) || (ind->key && !strcmp(ind->key, sort))) return true;
        }
    return false;
}

int cmd_compare(int argc, char **argv, backends *b) {
    const char *out = NULL, *tpath = NULL, *fpath = NULL, *dump = NULL, *sort = NULL;
    const char **ins = xcalloc((size_t)argc + 1, sizeof(char *));
    const char **vars = xcalloc((size_t)argc + 1, sizeof(char *));
    const char **meta = xcalloc((size_t)argc + 1, sizeof(char *));
    import_opts io = {0};
    size_t n_in = 0, n_vars = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        int imp = cli_import_option(argc, argv, &i, &io, meta);
        if (imp < 0) {
            free(ins);
            free(vars);
            free(meta);
            return EXIT_INPUT;
        }
        if (imp) continue;
        if ((!strcmp(a, "-t") || !strcmp(a, "--template")) && has_next) tpath = argv[++i];
        else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_next) out = argv[++i];
        else if (!strcmp(a, "--fonts") && has_next) fpath = argv[++i];
        else if (!strcmp(a, "--dump-lines") && has_next) dump = argv[++i];
        else if (!strcmp(a, "--sort") && has_next) sort = argv[++i];
        else if (!strcmp(a, "--set") && has_next && cli_is_assignment(argv[i + 1])) vars[n_vars++] = argv[++i];
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "briefing: unknown or incomplete option \"%s\"\n", a);
            cli_usage(stderr);
            free(ins);
            free(vars);
            free(meta);
            return EXIT_INPUT;
        } else {
            ins[n_in++] = a;
        }
    }
    if (n_in == 0) {
        cli_usage(stderr);
        free(ins);
        free(vars);
        free(meta);
        return EXIT_INPUT;
    }
    importer *im = importer_new(b);
    diag_list *d = diag_list_new();
    int status = EXIT_OK;
    report **rs = xcalloc(n_in, sizeof(report *));
    font_lib *fonts = NULL;
    tmpl *t = NULL;
    render_result res = {0};
    cli_prefault_heap(ins, n_in);
    /* Every report is read, so that all their problems are listed at once. */
    for (size_t i = 0; i < n_in; i++)
        if (!(rs[i] = import_load(im, ins[i], &io, d))) status = EXIT_INPUT;
    if (status != EXIT_OK) goto done;
    if (sort && !sort_known(rs, n_in, sort)) {
        diag_add(d, DIAG_ERROR, NULL, NULL,
                 "--sort \"%s\": none of the %zu reports has an indicator with this key or label",
                 sort, n_in);
        status = EXIT_INPUT;
        goto done;
    }
    if ((status = cli_load_setup(tpath, DEFAULT_TEMPLATE, fpath, b, &t, &fonts, d)) != EXIT_OK)
        goto done;
    if (!cli_check_vars(t, vars, n_vars, d)) {
        status = EXIT_INPUT;
        goto done;
    }
    render_opts opts = {.keep_layout = dump != NULL,
                        .fallback_epoch = cli_source_date_epoch(),
                        .sort = sort,
                        .vars = vars,
                        .n_vars = n_vars,
                        .read_outlines = true}; /* one document, then exit */
    if (!render_reports((const report *const *)rs, n_in, t, fonts, &opts, &res, d)) {
        status = EXIT_FAIL;
        goto done;
    }
    /* The line dump first: when it cannot be written, no PDF is either, so
     * a failed run (status 1) never leaves a new PDF behind. */
    if (dump && !cli_dump_lines(res.layout, dump, d)) status = EXIT_FAIL;
    if (status == EXIT_OK && !file_write_atomic(out ? out : "compare.pdf", res.pdf, res.pdf_len, d))
        status = EXIT_FAIL;
done:
    cli_diag_print(d);
    render_result_free(&res);
    for (size_t i = 0; i < n_in; i++) report_free(rs[i]);
    free(rs);
    tmpl_free(t);
    font_lib_free(fonts);
    diag_list_free(d);
    importer_free(im);
    free(ins);
    free(vars);
    free(meta);
    return status;
}
