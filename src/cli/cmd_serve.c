/* briefing serve [--listen ADDR:PORT] [--templates DIR] [-j N]: the HTTP API
 * and web page (src/serve/serve.h; docs/api.md). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli.h"
#include "serve/serve.h"
#include "util/xalloc.h"

static void serve_usage(FILE *to) {
    fputs("usage: briefing serve [--listen ADDRESS:PORT] [--templates DIR] [-j N]\n"
          "\n"
          "An HTTP API and a web page (http://ADDRESS:PORT/) that turn reports into\n"
          "briefings: POST /v1/render, /v1/batch, /v1/check; GET /v1/templates,\n"
          "/healthz, /metrics (docs/api.md).\n"
          "\n"
          "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; port 0 picks a\n"
          "                      free one). The server has no authentication: an address\n"
          "                      other than loopback is used only when given, with a warning\n"
          "  --templates DIR     the templates offered, by name (default: the folders\n"
          "                      -t NAME searches, see briefing templates)\n"
          "  -j, --jobs N        render threads (default: one per online core)\n"
          "  --queue N           renders waiting for a thread before 503 (default 8 per thread)\n"
          "  --deadline S        seconds a request may take once received (default 30)\n"
          "  --timeout S         idle or slow connections are closed after S seconds (default 30)\n"
          "  --fonts FILE        font manifest (default: fonts/fonts.json)\n"
          "\n"
          "Prints \"listening on http://ADDRESS:PORT/\" on standard output once it answers.\n"
          "SIGTERM or SIGINT: new requests are refused, requests in progress finish.\n"
          "Exit status: 0 after a signal, 1 cannot listen or load, 2 invalid usage.\n",
          to);
}

/* Each connection holds a descriptor: lift the soft limit to the hard one so
 * that a few thousand connections can be open (the usual soft limit is 1024). */
static void raise_fd_limit(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

int cmd_serve(int argc, char **argv, backends *b) {
    const char *listen = NULL, *tdir = NULL, *fpath = NULL;
    unsigned jobs = 0, queue = 0, deadline = 30, timeout = 30;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        bool bad = false;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            serve_usage(stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "--listen") && has_next) listen = argv[++i];
        else if (!strcmp(a, "--templates") && has_next) tdir = argv[++i];
        else if (!strcmp(a, "--fonts") && has_next) fpath = argv[++i];
        else if ((!strcmp(a, "-j") || !strcmp(a, "--jobs")) && has_next)
            bad = !cli_parse_uint(argv[++i], 1, 256, &jobs);
        else if (!strcmp(a, "--queue") && has_next) bad = !cli_parse_uint(argv[++i], 1, 100000, &queue);
        else if (!strcmp(a, "--deadline") && has_next)
            bad = !cli_parse_uint(argv[++i], 1, 3600, &deadline);
        else if (!strcmp(a, "--timeout") && has_next)
            bad = !cli_parse_uint(argv[++i], 1, 3600, &timeout);
        else {
            fprintf(stderr, "briefing: unknown or incomplete option \"%s\"\n", a);
            serve_usage(stderr);
            return EXIT_INPUT;
        }
        if (bad) {
            fprintf(stderr, "briefing: %s: invalid value \"%s\"\n", a, argv[i]);
            return EXIT_INPUT;
        }
    }
    raise_fd_limit();
    char *dirs[CLI_TEMPLATE_DIRS];
    size_t nd = 0;
    if (tdir) dirs[nd++] = xstrdup(tdir);
    else nd = cli_template_dirs(dirs);
    char *data_dir = cli_data_dir();
    char *fdef = xasprintf("%s/fonts/fonts.json", data_dir);

    /* Blocked before any thread starts, so that every thread inherits the
     * mask and this thread alone takes them, with sigwait. */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    /* a client that goes away mid-answer must not kill the server */
    signal(SIGPIPE, SIG_IGN);

    diag_list *d = diag_list_new();
    serve_opts o = {.listen = listen,
                    .template_dirs = (const char *const *)dirs,
                    .n_template_dirs = nd,
                    .fonts_path = fpath ? fpath : fdef,
                    .jobs = jobs,
                    .queue = queue,
                    .deadline_s = deadline,
                    .conn_timeout_s = timeout,
                    .fallback_epoch = cli_source_date_epoch(),
                    .log = stderr,
                    .backends = b};
    int status = EXIT_OK;
    serve *s = serve_new(&o, d);
    if (!s || !serve_start(s, d)) {
        status = EXIT_FAIL;
    } else {
        diag_print(d, stderr); /* templates left out */
        diag_clear(d);
        if (!serve_is_loopback(s))
            fprintf(stderr, "briefing serve: warning: listening on %s, which is not a loopback "
                            "address: the server has no authentication, so anyone who can reach "
                            "it can use it\n",
                    listen);
        const char *l = listen ? listen : "127.0.0.1:8080";
        const char *colon = strrchr(l, ':');
        printf("listening on http://%.*s:%u/ (%zu templates)\n", (int)(colon - l), l,
               serve_port(s), serve_template_count(s));
        fflush(stdout);
        int sig = 0;
        while (sigwait(&set, &sig) != 0) {
        }
        fprintf(stderr, "briefing serve: %s: finishing the requests in progress\n",
                sig == SIGINT ? "SIGINT" : "SIGTERM");
        serve_stop(s, 30);
    }
    diag_print(d, stderr);
    serve_free(s);
    diag_list_free(d);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    for (size_t i = 0; i < nd; i++) free(dirs[i]);
    free(data_dir);
    free(fdef);
    return status;
}

/* The entry the program calls after loading this module (src/cli/module.c):
 * the module links the backends in (raw reports, fontconfig). */
__attribute__((visibility("default"))) int briefing_module_serve(int argc, char **argv);
int briefing_module_serve(int argc, char **argv) {
    return cli_run_command(cmd_serve, argc, argv, backends_new_linked());
}
