/* The briefing command line: a thin layer over the library (src/internal.h; the public API is include/briefing/briefing.h).
 * Exit status: 0 success, 1 a document could not be rendered or written,
 * 2 invalid input or usage. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <string.h>

#include "cli.h"

typedef struct {
    const char *name;
    cli_command run;
    bool own_help; /* prints its own usage for --help; else the general one */
} command;

static const command commands[] = {
    {"import", cmd_import, true},   {"render", cmd_render, false}, {"check", cmd_check, true},
    {"batch", cmd_batch, true},     {"compare", cmd_compare, false}, {"mail", cmd_mail, true},
    {"templates", cmd_templates, true}, {"serve", cmd_serve, true},
};

static bool asks_help(int argc, char **argv) {
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return true;
    return false;
}

int main(int argc, char **argv) {
    /* Past a file size limit (ulimit -f) the kernel sends SIGXFSZ, whose
     * default action kills the process with the temporary file half
     * written. Ignored, write() fails with EFBIG instead, and
     * file_write_atomic removes the temporary and reports the error. */
    signal(SIGXFSZ, SIG_IGN);
#if defined(M_MMAP_THRESHOLD)
    /* A document's buffers (font programs, compressed streams, layout
     * arrays) are 0.1 to 10 MB and die when it is written. Above 128 KB
     * glibc would map each from the kernel and unmap it on free, so every
     * document paid for fresh zeroed pages: a third of the time in a
     * batch. Kept in the heap instead, they are reused; past 32 MB they
     * still go back to the system. */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
    if (argc < 2) {
        cli_usage(stderr);
        return EXIT_INPUT;
    }
    const char *cmd = argv[1];
    char *help_argv[] = {argv[0], NULL, (char *)"--help", NULL};
    if (!strcmp(cmd, "help") && argc >= 3) { /* briefing help CMD: CMD --help */
        cmd = help_argv[1] = argv[2];
        argc = 3;
        argv = help_argv;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        cli_usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("briefing %s\n", BRIEFING_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (strcmp(cmd, commands[i].name)) continue;
        if (!commands[i].own_help && asks_help(argc - 2, argv + 2)) {
            cli_usage(stdout);
            return EXIT_OK;
        }
        /* the backends (raw import, fontconfig) are loaded from their module
         * only if the command comes to need them (module.c) */
        return cli_run_command(commands[i].run, argc - 2, argv + 2,
                               backends_new_lazy(cli_load_backends));
    }
    fprintf(stderr, "briefing: unknown command \"%s\"\n", cmd);
    if (argv == help_argv) return EXIT_INPUT; /* briefing help NOSUCH */
    cli_usage(stderr);
    return EXIT_INPUT;
}
