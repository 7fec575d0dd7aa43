/* briefing mail REPORT... --to RECIPIENTS.csv --from ADDRESS (-o OUTDIR |
 * --smtp URL): one message per report with its briefing(s) attached, written
 * as .eml files or sent (src/mail/mail_run.h, docs/mail.md). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "cli.h"
#include "import/import.h"
#include "mail/mail.h"
#include "mail/mail_run.h"
#include "util/xalloc.h"

#define MAX_TEMPLATES 8
#define DEFAULT_JOURNAL "mail-journal.jsonl"
#define DEFAULT_SEND_MANIFEST "mail-manifest.jsonl"

enum { EXIT_INTERRUPTED = 130 };

static void mail_usage(FILE *to) {
    fputs("usage: briefing mail REPORT... --to RECIPIENTS.csv --from ADDRESS\n"
          "                     (-o OUTDIR | --smtp URL) [-t TEMPLATE]... [options]\n"
          "\n"
          "  REPORT              report files (JSON or raw .txt/.html/.docx), folders of them,\n"
          "                      NDJSON files, or - (as briefing batch takes them)\n"
          "  --to FILE           recipients: a CSV with the header id,name,to,cc (bcc\n"
          "                      optional), UTF-8 or GB18030; id is a report's id or region\n"
          "  --from ADDRESS      the sender, e.g. \"衡山县司法局 <sfj@example.gov.cn>\"\n"
          "  -o, --output DIR    write OUTDIR/<id>.eml and OUTDIR/manifest.jsonl; send nothing\n"
          "  --smtp URL          send: smtp://HOST[:PORT] (STARTTLS when the server offers it)\n"
          "                      or smtps://HOST[:PORT]. Credentials from the environment\n"
          "                      (BRIEFING_SMTP_USER, BRIEFING_SMTP_PASSWORD) or ~/.netrc,\n"
          "                      never from the command line\n"
          "  --require-tls       with smtp://: fail unless the server offers STARTTLS (always\n"
          "                      so when there are credentials)\n"
          "  --plaintext-auth    let credentials go without TLS (a server with no STARTTLS)\n"
          "  --cacert FILE       trust this CA (a server with its own certificate)\n"
          "  --journal FILE      what the server accepted (default " DEFAULT_JOURNAL "):\n"
          "                      a re-run sends only what is not in it\n"
          "  --manifest FILE     one line per report (default OUTDIR/manifest.jsonl, or\n"
          "                      " DEFAULT_SEND_MANIFEST " when sending)\n"
          "  -j, --jobs N        workers, each with its own connection (default: one per\n"
          "                      core, or 4 when sending)\n"
          "  --rate N[/s|/min|/h]  at most N messages per minute (or second, hour)\n"
          "  --retries N         more attempts after a temporary failure (default 3)\n"
          "  --retry-wait SECONDS  before the first retry, doubled each time (default 2)\n"
          "  --timeout SECONDS   for one message, connecting included (default 60)\n"
          "  -t, --template T    a briefing to attach (default: templates/summary.json);\n"
          "                      give -t twice to attach two documents\n"
          "  --mail-template F   subject, greeting, text (default: templates/mail.json)\n"
          "  --max-size BYTES    a larger message is an error (default 20 MB)\n"
          "  --fonts FILE        font manifest (default: fonts/fonts.json)\n"
          "  -q, --quiet         no progress, warnings or summary; errors only\n"
          "  --input-format FMT, --encoding ENC, --meta KEY=VALUE   how raw reports are read\n"
          "\n"
          "Exit status: 0 every message written or sent, 1 some message failed (or the run\n"
          "stopped: re-run the same command to send the rest), 2 invalid usage,\n"
          "recipients or template, 130 interrupted. See docs/mail.md.\n",
          to);
}

static bool parse_size(const char *s, size_t *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || end == s || v < 1024 || v > (1ull << 34)) return false;
    *out = (size_t)v;
    return true;
}

/* Seconds, with decimals ("0.5"), to milliseconds in [1, 86400000]. */
static bool parse_seconds(const char *s, long *ms) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || end == s || !(v > 0) || v > 86400) return false;
    *ms = (long)ceil(v * 1000);
    return true;
}

/* "30", "30/min", "2/s", "600/h": messages per minute. */
static bool parse_rate(const char *s, double *per_min) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !(v > 0) || v > 1e6) return false;
    if (!*end || !strcmp(end, "/min") || !strcmp(end, "/m")) *per_min = v;
    else if (!strcmp(end, "/s")) *per_min = v * 60;
    else if (!strcmp(end, "/h")) *per_min = v / 60;
    else return false;
    return true;
}

/* Signals are taken by sigwait on a thread of their own (as in batch): the
 * workers never see them, and the waiter may call mail_run_cancel. */
typedef struct sig_waiter {
    sigset_t set;
    mail_run *m;
    atomic_int got;
    atomic_bool over; /* set by cmd_mail before its SIGUSR1: another's is ignored */
} sig_waiter;

static void *wait_signals(void *arg) {
    sig_waiter *w = arg;
    for (;;) {
        int sig = 0;
        if (sigwait(&w->set, &sig) != 0) continue;
        if (sig == SIGUSR1) {
            if (atomic_load(&w->over)) return NULL;
            continue;
        }
        /* A second Ctrl-C: stop at once. What the server accepted is in the
         * journal already; a message in flight may go again on the re-run. */
        if (atomic_exchange(&w->got, sig)) _exit(EXIT_INTERRUPTED);
        fputs("briefing: interrupted: finishing the messages in flight (Ctrl-C again to stop "
              "at once)\n",
              stderr);
        mail_run_cancel(w->m);
    }
}

typedef struct mail_args {
    const char *to, *from, *outdir, *mtpath, *fpath, *smtp, *cacert, *journal, *manifest;
    const char *tpaths[MAX_TEMPLATES];
    size_t n_t, max_bytes;
    unsigned jobs, retries;
    long retry_wait_ms, timeout_ms;
    double per_min;
    bool require_tls, plaintext_auth, quiet, help;
    const char **ins;
    size_t n_in;
    import_opts io;
    const char **meta;
} mail_args;

static bool bad_value(const char *opt, const char *what) {
    fprintf(stderr, "briefing: mail: %s takes %s\n", opt, what);
    return false;
}

static bool parse_args(int argc, char **argv, mail_args *a) {
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        bool next = i + 1 < argc;
        /* --from is the sender here (as mail programs have it); raw
         * reports' format is --input-format */
        if (!strcmp(s, "--from") && next) {
            a->from = argv[++i];
            continue;
        }
        if (!strcmp(s, "--input-format") && next) {
            if (!import_format_parse(argv[++i], &a->io.from))
                return bad_value("--input-format", "txt, html, docx or json");
            continue;
        }
        int imp = cli_import_option(argc, argv, &i, &a->io, a->meta);
        if (imp < 0) return false;
        if (imp) continue;
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) a->help = true;
        else if (!strcmp(s, "--to") && next) a->to = argv[++i];
        else if ((!strcmp(s, "-o") || !strcmp(s, "--output")) && next) a->outdir = argv[++i];
        else if (!strcmp(s, "--smtp") && next) a->smtp = argv[++i];
        else if (!strcmp(s, "--require-tls")) a->require_tls = true;
        else if (!strcmp(s, "--plaintext-auth")) a->plaintext_auth = true;
        else if (!strcmp(s, "--cacert") && next) a->cacert = argv[++i];
        else if (!strcmp(s, "--journal") && next) a->journal = argv[++i];
        else if (!strcmp(s, "--manifest") && next) a->manifest = argv[++i];
        else if (!strcmp(s, "--mail-template") && next) a->mtpath = argv[++i];
        else if (!strcmp(s, "--fonts") && next) a->fpath = argv[++i];
        else if (!strcmp(s, "-q") || !strcmp(s, "--quiet")) a->quiet = true;
        else if ((!strcmp(s, "-t") || !strcmp(s, "--template")) && next) {
            if (a->n_t == MAX_TEMPLATES) return bad_value("-t", "at most 8 templates");
            a->tpaths[a->n_t++] = argv[++i];
        } else if (!strcmp(s, "--max-size") && next) {
            if (!parse_size(argv[++i], &a->max_bytes)) return bad_value(s, "bytes, 1024 or more");
        } else if ((!strcmp(s, "-j") || !strcmp(s, "--jobs")) && next) {
            if (!cli_parse_uint(argv[++i], 1, 64, &a->jobs)) return bad_value(s, "1 to 64");
        } else if (!strcmp(s, "--retries") && next) {
            if (!cli_parse_uint(argv[++i], 0, 20, &a->retries)) return bad_value(s, "0 to 20");
        } else if (!strcmp(s, "--retry-wait") && next) {
            if (!parse_seconds(argv[++i], &a->retry_wait_ms))
                return bad_value(s, "seconds (e.g. 2 or 0.5)");
        } else if (!strcmp(s, "--timeout") && next) {
            if (!parse_seconds(argv[++i], &a->timeout_ms))
                return bad_value(s, "seconds (e.g. 60)");
        } else if (!strcmp(s, "--rate") && next) {
            if (!parse_rate(argv[++i], &a->per_min))
                return bad_value(s, "N, N/s, N/min or N/h (messages)");
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "briefing: mail: unknown or incomplete option \"%s\"\n", s);
            return false;
        } else {
            a->ins[a->n_in++] = s;
        }
    }
    return true;
}

static bool check_args(const mail_args *a) {
    const char *why = NULL;
    if (!a->n_in || !a->to || !a->from || (!a->outdir && !a->smtp))
        why = "mail needs reports, --to RECIPIENTS.csv, --from ADDRESS and -o OUTDIR or "
              "--smtp URL";
    else if (a->outdir && a->smtp)
        why = "mail: -o writes the messages, --smtp sends them: give one";
    else if (!a->smtp &&
             (a->require_tls || a->plaintext_auth || a->cacert || a->journal || a->per_min > 0))
        why = "mail: --require-tls, --plaintext-auth, --cacert, --journal and --rate are for "
              "--smtp";
    if (why) fprintf(stderr, "briefing: %s\n", why);
    return !why;
}

/* Loads recipients, mail template, attachment templates and fonts. */
static int load_setup(const mail_args *a, backends *b, mail_run_setup *s, tmpl **ts,
                      diag_list *d) {
    s->rc = mail_recipients_load(a->to, d);
    char *data_dir = cli_data_dir();
    char *default_mt = xasprintf("%s/templates/mail.json", data_dir);
    s->mt = s->rc ? mail_template_load(a->mtpath ? a->mtpath : default_mt, d) : NULL;
    free(default_mt);
    free(data_dir);
    if (!s->rc || !s->mt) return EXIT_INPUT;
    size_t n_t = a->n_t ? a->n_t : 1;
    font_lib *fonts = NULL;
    for (size_t k = 0; k < n_t; k++) {
        font_lib *f = NULL;
        /* NULL: the default, templates/summary.json */
        int st = cli_load_setup(a->n_t ? a->tpaths[k] : NULL, "summary.json", a->fpath, b, &ts[k],
                                &f, d);
        if (!fonts) fonts = f;
        else font_lib_free(f);
        if (st != EXIT_OK) {
            s->fonts = fonts;
            return st;
        }
    }
    s->templates = (const tmpl *const *)ts;
    s->n_templates = n_t;
    s->fonts = fonts;
    return EXIT_OK;
}

static int run(const mail_args *a, backends *b, const mail_run_setup *setup, diag_list *d) {
    mail_smtp_opts so = {.url = a->smtp,
                         .require_tls = a->require_tls,
                         .plaintext_auth = a->plaintext_auth,
                         .cacert = a->cacert,
                         .user = getenv("BRIEFING_SMTP_USER"),
                         .password = getenv("BRIEFING_SMTP_PASSWORD"),
                         .timeout_ms = a->timeout_ms};
    if (so.user && !so.user[0]) so.user = NULL;
    if (!so.user) so.password = NULL;
    bool tty = cli_is_terminal(stderr);
    mail_run_opts o = {.from = a->from,
                       .out_dir = a->outdir,
                       .smtp = a->smtp ? &so : NULL,
                       .journal = a->smtp ? (a->journal ? a->journal : DEFAULT_JOURNAL) : NULL,
                       .manifest = a->manifest ? a->manifest
                                   : a->smtp   ? DEFAULT_SEND_MANIFEST
                                               : NULL,
                       .jobs = a->jobs,
                       .per_minute = a->per_min,
                       .retries = a->retries,
                       .retry_wait_ms = a->retry_wait_ms,
                       .fallback_epoch = cli_source_date_epoch(),
                       .max_bytes = a->max_bytes,
                       .progress = !a->quiet && tty,
                       .quiet = a->quiet,
                       .log = stderr,
                       .stdin_fd = STDIN_FILENO,
                       .import = &a->io,
                       .backends = b};

    sig_waiter w = {.got = 0};
    sigemptyset(&w.set);
    sigaddset(&w.set, SIGINT);
    sigaddset(&w.set, SIGTERM);
    sigaddset(&w.set, SIGUSR1);
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, &w.set, &old);
    mail_run *m = mail_run_new(setup, &o, d);
    if (!m) {
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return EXIT_INPUT;
    }
    if (a->smtp && !a->quiet)
        fprintf(stderr, "sending through %s; journal %s\n", a->smtp, o.journal);
    w.m = m;
    pthread_t waiter;
    bool waiting = pthread_create(&waiter, NULL, wait_signals, &w) == 0;
    mail_stats st;
    bool ok = mail_run_go(m, a->ins, a->n_in, &st);
    if (waiting) {
        atomic_store(&w.over, true);
        pthread_kill(waiter, SIGUSR1);
        pthread_join(waiter, NULL);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    mail_run_free(m);
    if (st.interrupted) return EXIT_INTERRUPTED;
    return ok && !st.failed && !st.stopped ? EXIT_OK : EXIT_FAIL;
}

int cmd_mail(int argc, char **argv, backends *b) {
    mail_args a = {.retries = 3};
    a.ins = xcalloc((size_t)argc + 1, sizeof *a.ins);
    a.meta = xcalloc((size_t)argc + 1, sizeof *a.meta);
    int status = EXIT_INPUT;
    if (!parse_args(argc, argv, &a)) {
        mail_usage(stderr);
        goto out;
    }
    if (a.help) {
        mail_usage(stdout);
        status = EXIT_OK;
        goto out;
    }
    if (!check_args(&a)) {
        mail_usage(stderr);
        goto out;
    }
    diag_list *d = diag_list_new();
    tmpl *ts[MAX_TEMPLATES] = {0};
    mail_run_setup setup = {0};
    status = load_setup(&a, b, &setup, ts, d);
    /* setup warnings first: they concern every message */
    cli_diag_print(d);
    diag_clear(d);
    if (status == EXIT_OK) status = run(&a, b, &setup, d);
    cli_diag_print(d);
    for (size_t k = 0; k < MAX_TEMPLATES; k++) tmpl_free(ts[k]);
    font_lib_free((font_lib *)setup.fonts);
    mail_template_free((mail_template *)setup.mt);
    mail_recipients_free(setup.rc);
    diag_list_free(d);
out:
    free(a.ins);
    free(a.meta);
    return status;
}

/* The entry the program calls after loading this module (src/cli/module.c):
 * the module links the backends in (raw reports, fontconfig). */
__attribute__((visibility("default"))) int briefing_module_mail(int argc, char **argv);
int briefing_module_mail(int argc, char **argv) {
    return cli_run_command(cmd_mail, argc, argv, backends_new_linked());
}
