/* briefing check [REPORT...] [-t TEMPLATE] [--fonts FILE]: validation only:
 * reports as they would be read, a template as render would load it (its
 * JSON, its font roles against the installed faces). */
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
#include "util/buf.h"
#include "util/xalloc.h"

static void check_usage(FILE *to) {
    fputs("usage: briefing check [REPORT...] [-t TEMPLATE] [--fonts FILE]\n"
          "\n"
          "  REPORT              a report (JSON, or raw .txt/.html/.docx as render takes\n"
          "                      it); - reads standard input. Prints \"FILE: ok (...)\" or\n"
          "                      every problem found, with its JSON path or line\n"
          "  -t, --template T    validate a template (a file or a name, as render finds\n"
          "                      it): its JSON and that every font role it uses has an\n"
          "                      installed face\n"
          "  --fonts FILE        font manifest for -t (default: the installed fonts.json)\n"
          "  --from, --encoding, --meta   how raw reports are read (briefing import --help)\n"
          "\n"
          "Exit status: 0 everything valid, 2 something is not.\n",
          to);
}

/* The template as render would load it; prints "T: ok (...)" when it is. */
static int check_template(const char *name, const char *fpath, backends *b) {
    diag_list *d = diag_list_new();
    tmpl *t = NULL;
    font_lib *fonts = NULL;
    int status = cli_load_setup(name, "briefing.json", fpath, b, &t, &fonts, d);
    cli_diag_print(d);
    if (status == EXIT_OK)
        printf("%s: ok (%zu styles, %zu blocks, %zu font roles)\n", t->source, t->n_styles,
               t->n_blocks, t->n_fonts);
    else
        status = EXIT_INPUT; /* a template that cannot be used is invalid input here */
    tmpl_free(t);
    font_lib_free(fonts);
    diag_list_free(d);
    return status;
}

int cmd_check(int argc, char **argv, backends *b) {
    const char *tname = NULL, *fpath = NULL;
    int status = EXIT_OK;
    const char **meta = xcalloc((size_t)argc + 1, sizeof(char *));
    import_opts io = {0};
    const char **files = xcalloc((size_t)argc + 1, sizeof(char *));
    int n_files = 0;
    for (int i = 0; i < argc; i++) {
        int imp = cli_import_option(argc, argv, &i, &io, meta);
        if (imp < 0) {
            free(meta);
            free(files);
            return EXIT_INPUT;
        }
        if (imp) continue;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            check_usage(stdout);
            free(meta);
            free(files);
            return EXIT_OK;
        }
        if ((!strcmp(argv[i], "-t") || !strcmp(argv[i], "--template")) && i + 1 < argc) {
            tname = argv[++i];
            continue;
        }
        if (!strcmp(argv[i], "--fonts") && i + 1 < argc) {
            fpath = argv[++i];
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "briefing: check: unknown or incomplete option \"%s\" (briefing check --help)\n", argv[i]);
            free(meta);
            free(files);
            return EXIT_INPUT;
        }
        files[n_files++] = argv[i];
    }
    if (!n_files && !tname) {
        check_usage(stderr);
        free(meta);
        free(files);
        return EXIT_INPUT;
    }
    if (tname) status = check_template(tname, fpath, b);
    importer *im = importer_new(b);
    for (int i = 0; i < n_files; i++) {
        diag_list *d = diag_list_new();
        report *r = NULL;
        if (!strcmp(files[i], "-")) {
            size_t len = 0;
            char *data = cli_read_fd(STDIN_FILENO, "<stdin>", REPORT_MAX_BYTES, &len, d);
            if (data) r = import_parse(im, data, len, "<stdin>", &io, NULL, d);
            free(data);
        } else {
            r = import_load(im, files[i], &io, d);
        }
        cli_diag_print(d);
        if (!r) status = EXIT_INPUT;
        else
            printf("%s: ok (%zu sections, %zu indicators)\n", strcmp(files[i], "-") ? files[i] : "<stdin>", r->n_sections,
                   r->n_indicators);
        report_free(r);
        diag_list_free(d);
    }
    importer_free(im);
    free(meta);
    free(files);
    return status;
}

