/* A mailing: every report the inputs name becomes one message, written as
 * OUTDIR/<id>.eml or sent over SMTP, on a pool of workers (each with its own
 * SMTP connection, reused across its messages). What `briefing mail` runs.
 *
 *   mail_run *m = mail_run_new(&(mail_run_setup){rc, mt, ts, n_t, fonts}, &opts, d);
 *   mail_stats st;
 *   if (m) mail_run_go(m, inputs, n_inputs, &st);   // mail_run_cancel(m) from any thread
 *   mail_run_free(m);
 *
 * Sending: a temporary failure (4xx, a reset, a timeout, no connection) is
 * retried with a doubling wait; a permanent one (5xx) is recorded and not
 * retried; a recipient the server refuses is recorded by address and the
 * others still get the message. Each transaction the server accepts goes
 * into the journal (mail_journal.h) before the worker sends anything else,
 * and a recipient the journal has for a message is not sent that message
 * again: re-running the same command after a failure, a Ctrl-C or a kill
 * sends only what was not accepted. The one exception is a message in flight
 * when the process dies between the server's "250" and the journal write:
 * that message may arrive twice (at most one per worker).
 *
 * When no message can go (authentication refused, TLS required and missing,
 * the server unreachable after every retry), the run stops: messages not yet
 * started are left for the re-run. The manifest lists the reports handled in
 * input order, a prefix of the inputs when the run was stopped or cancelled.
 * Recipient rows no report used are warned about on the log at the end. */
#ifndef BRIEFING_MAIL_RUN_H
#define BRIEFING_MAIL_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../font/font.h"
#include "../import/import.h"
#include "../tmpl/tmpl.h"
#include "../util/diag.h"
#include "mail.h"
#include "mail_smtp.h"

/* What every message is made from; borrowed, must outlive the run. The
 * templates and fonts are shared read-only between the workers. */
typedef struct mail_run_setup {
    mail_recipients *rc;
    const mail_template *mt;
    const tmpl *const *templates; /* the documents attached, in order */
    size_t n_templates;
    const font_lib *fonts;
} mail_run_setup;

typedef struct mail_run_opts {
    const char *from;           /* the From header, e.g. "衡山县司法局 <sfj@example.gov.cn>" */
    const char *out_dir;        /* write OUTDIR/<id>.eml, send nothing; or else */
    const mail_smtp_opts *smtp; /* send through this server */
    const char *journal;        /* with smtp: the journal file (required) */
    const char *manifest;       /* NULL: OUTDIR/manifest.jsonl, or none when sending */
    unsigned jobs;              /* workers (and connections); 0: one per core, or 4 when
                                   sending (waiting on the server; servers cap connections
                                   per client, commonly at 10 or more) */
    double per_minute;          /* at most this many messages a minute; 0: no limit */
    unsigned retries;           /* further attempts after a temporary failure */
    long retry_wait_ms;         /* before the first retry, doubled each time (cap 60 s) */
    long long fallback_epoch;   /* Date for reports without a date; -1: 1970-01-01 */
    size_t max_bytes;           /* 0: MAIL_DEFAULT_MAX_BYTES */
    bool progress;              /* redraw a progress line on log (for a terminal) */
    bool quiet;                 /* no warnings or summary on log; errors still */
    FILE *log;                  /* per-report messages, progress, summary; NULL: none */
    int stdin_fd;               /* read for the input "-" */
    const import_opts *import;  /* how raw reports are read (NULL: detected) */
    struct backends *backends;  /* what reads them (src/backend/backend.h); not owned */
} mail_run_opts;

typedef struct mail_stats {
    size_t reports;  /* handled (in the manifest) */
    size_t done;     /* written, or accepted for every recipient (now or before) */
    size_t already;  /* of done: every recipient was in the journal, nothing sent */
    size_t failed;   /* nothing or not everything went */
    size_t attempts; /* SMTP transactions */
    double seconds;
    bool interrupted; /* mail_run_cancel before the inputs ran out */
    bool stopped;     /* no message could go; the rest is left for a re-run */
} mail_stats;

typedef struct mail_run mail_run;

/* Checks the options, creates OUTDIR, opens and locks the journal, opens the
 * manifest (a temporary renamed by mail_run_go). NULL with diagnostics. */
mail_run *mail_run_new(const mail_run_setup *setup, const mail_run_opts *opts, diag_list *d);

/* Mails every report the inputs name (batch_input.h's forms). False when the
 * run itself failed (manifest or journal unwritable; diagnostics in the list
 * given to mail_run_new); failed reports only count in *stats. Once per run. */
bool mail_run_go(mail_run *m, const char *const *inputs, size_t n_inputs, mail_stats *stats);

/* No new message starts; those in progress finish (or time out). Safe from
 * any thread, not from a signal handler. */
void mail_run_cancel(mail_run *m);

void mail_run_free(mail_run *m); /* accepts NULL */

/* "200 messages: 198 sent, 2 failed, 3.1 s, 65 messages/s" (no newline). */
void mail_summary(const mail_stats *st, bool sending, char *out, size_t size);

#endif
