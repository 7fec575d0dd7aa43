#define _DEFAULT_SOURCE /* sbrk, madvise */
/* The briefing command line: a thin layer over the library (src/internal.h; the public API is include/briefing/briefing.h).
 * Exit status: 0 success, 1 a document could not be rendered or written,
 * 2 invalid input or usage. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv, backends *b);
    bool own_help;     /* prints its own usage for --help; else the general one */
    bool one_document; /* renders at most one document, then exits */
} command;

static const command commands[] = {
    {"import", cmd_import, true, true},      {"render", cmd_render, false, true},
    {"check", cmd_check, true, true},        {"batch", cmd_batch, true, false},
    {"compare", cmd_compare, false, true},   {"mail", cmd_mail, true, false},
    {"templates", cmd_templates, true, true}, {"serve", cmd_serve, true, false},
};

/* A command that renders one document and exits touches 15-20 MB of fresh
 * heap once, a 4 KB page fault at a time, and page faults are dear in a
 * virtual machine: the heap is grown by 32 MB in one step and that range
 * asked to be backed by transparent huge pages (what glibc's tunable
 * glibc.malloc.hugetlb=1 does), which took a fresh `briefing render` from
 * 695 to 461 page faults and 42 to 37 ms here. Only the part of the heap
 * this call added is advised (another allocator, or a heap not grown by
 * the call, leaves everything as it was); where huge pages are off the
 * advice fails and nothing changes. With the kernel's THP defrag setting
 * at "madvise" (Debian's default) a fault there may compact memory first,
 * which on a badly fragmented host can cost more than it saves. Long runs
 * (batch, mail, serve) keep small pages: their heap is reused from one
 * document to the next, and zeroing 2 MB pages cost more than it saved
 * there. */
static void heap_for_one_document(void) {
#if defined(M_TOP_PAD) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    mallopt(M_TOP_PAD, 32 << 20);
    void *before = sbrk(0);
    char *probe = malloc(1 << 20); /* below M_MMAP_THRESHOLD: grows the heap */
    void *after = sbrk(0);
    if (probe && before != (void *)-1 && after != (void *)-1 && after > before &&
        (uintptr_t)probe >= (uintptr_t)before && (uintptr_t)probe < (uintptr_t)after) {
        uintptr_t lo = ((uintptr_t)probe + huge - 1) & ~(huge - 1);
        uintptr_t hi = (uintptr_t)after & ~(huge - 1);
        if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
    free(probe);
#endif
}

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
        if (commands[i].one_document) heap_for_one_document();
        /* the backends (raw import, fontconfig) are loaded from their module
         * only if the command comes to need them (module.c) */
        backends *b = backends_new_lazy(cli_load_backends);
        int status = commands[i].run(argc - 2, argv + 2, b);
        import_process_cleanup(b);
        backends_free(b);
        return status;
    }
    fprintf(stderr, "briefing: unknown command \"%s\"\n", cmd);
    if (argv == help_argv) return EXIT_INPUT; /* briefing help NOSUCH */
    cli_usage(stderr);
    return EXIT_INPUT;
}
