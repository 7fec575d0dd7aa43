/* briefing check REPORT...: validation only. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "briefing.h"
#include "cli.h"
#include "util/buf.h"
#include "util/xalloc.h"

int cmd_check(int argc, char **argv) {
    if (argc < 1) {
        cli_usage(stderr);
        return EXIT_INPUT;
    }
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
        if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "briefing: check: unknown option \"%s\"\n", argv[i]);
            cli_usage(stderr);
            free(meta);
            free(files);
            return EXIT_INPUT;
        }
        files[n_files++] = argv[i];
    }
    for (int i = 0; i < n_files; i++) {
        diag_list *d = diag_list_new();
        report *r = import_load(NULL, files[i], &io, d);
        diag_print(d, stderr);
        if (!r) status = EXIT_INPUT;
        else
            printf("%s: ok (%zu sections, %zu indicators)\n", files[i], r->n_sections,
                   r->n_indicators);
        report_free(r);
        diag_list_free(d);
    }
    free(meta);
    free(files);
    return status;
}

