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
    for (int i = 0; i < argc; i++) {
        diag_list *d = diag_list_new();
        report *r = report_load(argv[i], d);
        diag_print(d, stderr);
        if (!r) status = EXIT_INPUT;
        else
            printf("%s: ok (%zu sections, %zu indicators)\n", argv[i], r->n_sections,
                   r->n_indicators);
        report_free(r);
        diag_list_free(d);
    }
    return status;
}

