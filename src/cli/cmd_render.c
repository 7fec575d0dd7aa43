/* briefing render REPORT [-t TEMPLATE] [-o OUT.pdf]: one report (JSON or a raw
 * document, through import) into one PDF. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "cli.h"

#define DEFAULT_TEMPLATE "briefing.json"
#include "util/buf.h"
#include "util/xalloc.h"

int cmd_render(int argc, char **argv, backends *b) {
    const char *in = NULL, *out = NULL, *tpath = NULL, *fpath = NULL, *dump = NULL;
    const char **vars = xcalloc((size_t)argc + 1, sizeof(char *));
    const char **meta = xcalloc((size_t)argc + 1, sizeof(char *));
    import_opts io = {0};
    size_t n_vars = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        int imp = cli_import_option(argc, argv, &i, &io, meta);
        if (imp < 0) {
            free(vars);
            free(meta);
            return EXIT_INPUT;
        }
        if (imp) continue;
        if ((!strcmp(a, "-t") || !strcmp(a, "--template")) && has_next) tpath = argv[++i];
        else if (!strcmp(a, "--set") && has_next && cli_is_assignment(argv[i + 1])) vars[n_vars++] = argv[++i];
        else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_next) out = argv[++i];
        else if (!strcmp(a, "--fonts") && has_next) fpath = argv[++i];
        else if (!strcmp(a, "--dump-lines") && has_next) dump = argv[++i];
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "briefing: unknown or incomplete option \"%s\"\n", a);
            cli_usage(stderr);
            free(vars);
            free(meta);
            return EXIT_INPUT;
        } else if (!in) in = a;
        else {
            fprintf(stderr, "briefing: render takes one report (got \"%s\" too)\n", a);
            free(vars);
            free(meta);
            return EXIT_INPUT;
        }
    }
    if (!in) {
        cli_usage(stderr);
        free(vars);
        free(meta);
        return EXIT_INPUT;
    }
    diag_list *d = diag_list_new();
    int status = EXIT_OK;
    font_lib *fonts = NULL;
    tmpl *t = NULL;
    char *outpath = NULL;
    render_result res = {0};
    cli_prefault_heap(&in, 1);
    report *r = NULL;
    importer *im = importer_new(b);
    if (!strcmp(in, "-")) { /* the report on standard input */
        size_t len = 0;
        char *data = cli_read_fd(STDIN_FILENO, "<stdin>", REPORT_MAX_BYTES, &len, d);
        if (data) r = import_parse(im, data, len, "<stdin>", &io, NULL, d);
        free(data);
    } else {
        r = import_load(im, in, &io, d);
    }
    if (!r) {
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
                        .vars = vars,
                        .n_vars = n_vars,
                        .read_outlines = true}; /* one document, then exit */
    if (!render_report(r, t, fonts, &opts, &res, d)) {
        status = EXIT_FAIL;
        goto done;
    }
    outpath = out ? xstrdup(out) : xasprintf("%s.pdf", r->id);
    /* The line dump first: when it cannot be written, no PDF is either, so
     * a failed run (status 1) never leaves a new PDF behind. */
    if (dump && !cli_dump_lines(res.layout, dump, d)) status = EXIT_FAIL;
    if (status == EXIT_OK && !strcmp(outpath, "-")) {
        /* -o -: the PDF on standard output (not atomic: a pipe has no rename) */
        if (fwrite(res.pdf, 1, res.pdf_len, stdout) != res.pdf_len || fflush(stdout) != 0) {
            diag_add(d, DIAG_ERROR, "<stdout>", NULL, "cannot write the PDF: %s", strerror(errno));
            status = EXIT_FAIL;
        }
    } else if (status == EXIT_OK && !file_write_atomic(outpath, res.pdf, res.pdf_len, d)) {
        status = EXIT_FAIL;
    }
done:
    cli_diag_print(d);
    render_result_free(&res);
    free(outpath);
    report_free(r);
    importer_free(im);
    tmpl_free(t);
    font_lib_free(fonts);
    diag_list_free(d);
    free(vars);
    free(meta);
    return status;
}

