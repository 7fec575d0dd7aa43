/* briefing batch INPUT... -o OUTDIR: many reports into one folder on all
 * cores (src/batch/batch.h; docs/batch.md). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch/batch.h"
#include "internal.h"
#include "cli.h"

#define DEFAULT_TEMPLATE "briefing.json"
#include "util/xalloc.h"

enum { EXIT_INTERRUPTED = 130 };

static void batch_usage(FILE *to) {
    fputs("usage: briefing batch INPUT... -o OUTDIR [-t TEMPLATE] [-j N] [--shard K/N] [--quiet]\n"
          "\n"
          "  INPUT               a report (.json, or raw .txt/.html/.docx, imported on the\n"
          "                      way), a folder of them (in name order), an NDJSON file\n"
          "                      (.ndjson/.jsonl: one report per line), or - for NDJSON\n"
          "                      on standard input\n"
          "  -o, --output DIR    where OUTDIR/<id>.pdf and OUTDIR/manifest.jsonl go (created\n"
          "                      when missing)\n"
          "  -t, --template FILE template JSON (default: templates/briefing.json)\n"
          "  -j, --jobs N        render threads (default: one per online core)\n"
          "  --name PATTERN      output names from report fields instead of <id>.pdf, e.g.\n"
          "                      \"{{region.name}}{{year}}年简报\" (Chinese kept; / and control\n"
          "                      characters become _; -2, -3 … when two reports give one name)\n"
          "  --shard K/N         render only shard K of N (1 <= K <= N): the reports at\n"
          "                      0-based input positions i with i mod N = K-1; each shard\n"
          "                      writes its own manifest (docs/deploy.md)\n"
          "  --fonts FILE        font manifest (default: fonts/fonts.json)\n"
          "  -q, --quiet         no progress, warnings or summary; errors only\n"
          "  --from, --encoding, --meta   how raw reports are read (briefing import --help)\n"
          "\n"
          "A report that fails is reported and the others are still written.\n"
          "Exit status: 0 every report written, 1 some report failed or the output could\n"
          "not be written, 2 invalid usage or template, 130 interrupted (SIGINT/SIGTERM).\n"
          "See docs/batch.md for the manifest format.\n",
          to);
}

/* Signals are taken by sigwait on a thread of their own: every other thread
 * blocks them, so no write, rename or lock is ever interrupted halfway, and
 * the waiter may call batch_cancel, which a signal handler could not. */
typedef struct sig_waiter {
    sigset_t set;
    batch *b;
    atomic_int got;
} sig_waiter;

static void *wait_signals(void *arg) {
    sig_waiter *w = arg;
    for (;;) {
        int sig = 0;
        if (sigwait(&w->set, &sig) != 0) continue;
        if (sig == SIGUSR1) return NULL; /* sent by cmd_batch: the batch is over */
        atomic_store(&w->got, sig);
        batch_cancel(w->b);
    }
}

/* "K/N" with 1 <= K <= N <= 1000000. */
static bool parse_shard(const char *s, unsigned *k, unsigned *n) {
    char *end;
    errno = 0;
    long a = strtol(s, &end, 10);
    if (errno || end == s || *end != '/' || a < 1) return false;
    const char *rest = end + 1;
    long b = strtol(rest, &end, 10);
    if (errno || end == rest || *end || b < a || b > 1000000) return false;
    *k = (unsigned)a;
    *n = (unsigned)b;
    return true;
}

int cmd_batch(int argc, char **argv, backends *bk) {
    const char *outdir = NULL, *tpath = NULL, *fpath = NULL, *name = NULL;
    unsigned jobs = 0, shard_k = 0, shard_n = 0;
    bool quiet = false;
    const char **inputs = xcalloc((size_t)argc + 1, sizeof *inputs);
    const char **meta = xcalloc((size_t)argc + 1, sizeof *meta);
    import_opts io = {0};
    size_t n_inputs = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        int imp = cli_import_option(argc, argv, &i, &io, meta);
        if (imp < 0) {
            free(inputs);
            free(meta);
            return EXIT_INPUT;
        }
        if (imp) continue;
        if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_next) outdir = argv[++i];
        else if ((!strcmp(a, "-t") || !strcmp(a, "--template")) && has_next) tpath = argv[++i];
        else if (!strcmp(a, "--fonts") && has_next) fpath = argv[++i];
        else if (!strcmp(a, "--name") && has_next) name = argv[++i];
        else if (!strcmp(a, "--shard") && has_next) {
            if (!parse_shard(argv[++i], &shard_k, &shard_n)) {
                fprintf(stderr, "briefing: --shard takes K/N with 1 <= K <= N (got \"%s\")\n",
                        argv[i]);
                free(inputs);
                free(meta);
                return EXIT_INPUT;
            }
        }
        else if ((!strcmp(a, "-j") || !strcmp(a, "--jobs")) && has_next) {
            if (!cli_parse_uint(argv[++i], 1, 256, &jobs)) {
                fprintf(stderr, "briefing: -j takes a number from 1 to 256 (got \"%s\")\n", argv[i]);
                free(inputs);
                free(meta);
                return EXIT_INPUT;
            }
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) quiet = true;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            batch_usage(stdout);
            free(inputs);
            free(meta);
            return EXIT_OK;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "briefing: unknown or incomplete option \"%s\"\n", a);
            batch_usage(stderr);
            free(inputs);
            free(meta);
            return EXIT_INPUT;
        } else inputs[n_inputs++] = a;
    }
    if (!outdir || n_inputs == 0) {
        fprintf(stderr, "briefing: batch needs at least one input and -o OUTDIR\n");
        batch_usage(stderr);
        free(inputs);
        free(meta);
        return EXIT_INPUT;
    }

    diag_list *d = diag_list_new();
    int status = EXIT_OK;
    font_lib *fonts = NULL;
    batch *b = NULL;
    tmpl *t = NULL;
    if ((status = cli_load_setup(tpath, DEFAULT_TEMPLATE, fpath, bk, &t, &fonts, d)) != EXIT_OK)
        goto done;
    /* template and font warnings first: they concern every report */
    cli_diag_print(d);
    diag_clear(d);

    /* Blocked before any thread starts, so every thread inherits the mask. */
    sig_waiter w = {.got = 0};
    sigemptyset(&w.set);
    sigaddset(&w.set, SIGINT);
    sigaddset(&w.set, SIGTERM);
    sigaddset(&w.set, SIGUSR1);
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, &w.set, &old);

    batch_opts o = {.out_dir = outdir,
                    .import = &io,
                    .jobs = jobs,
                    .fallback_epoch = cli_source_date_epoch(),
                    .progress = !quiet && cli_is_terminal(stderr),
                    .quiet = quiet,
                    .log = stderr,
                    .stdin_fd = STDIN_FILENO,
                    .name_pattern = name,
                    .shard_index = shard_k ? shard_k - 1 : 0,
                    .shard_count = shard_n,
                    .backends = bk};
    b = batch_new(t, fonts, &o, d);
    if (!b) {
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        status = EXIT_FAIL;
        goto done;
    }
    w.b = b;
    pthread_t waiter;
    bool waiting = pthread_create(&waiter, NULL, wait_signals, &w) == 0;
    batch_stats st;
    bool ok = batch_run(b, inputs, n_inputs, &st);
    if (waiting) {
        pthread_kill(waiter, SIGUSR1);
        pthread_join(waiter, NULL);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    /* a signal after the last report is not an interruption */
    if (st.interrupted) status = EXIT_INTERRUPTED;
    else if (!ok || st.failed) status = EXIT_FAIL;
done:
    cli_diag_print(d);
    batch_free(b);
    tmpl_free(t);
    font_lib_free(fonts);
    diag_list_free(d);
    free(inputs);
    free(meta);
    return status;
}
