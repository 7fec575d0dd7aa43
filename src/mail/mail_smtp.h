/* One SMTP connection (libcurl), reused across messages.
 *
 *   mail_smtp *s = mail_smtp_new(&(mail_smtp_opts){.url = "smtp://mail.example.gov.cn:587"}, d);
 *   mail_txn t = {.from = "sfj@example.gov.cn", .rcpt = rcpt, .n_rcpt = 2,
 *                 .data = msg.data, .len = msg.len};
 *   mail_smtp_transact(s, &t);   // t.rcpt_code[i], t.delivered, t.failure, t.reply
 *   mail_txn_clear(&t);
 *   mail_smtp_free(s);
 *
 * A transaction is one attempt: MAIL FROM, a RCPT per recipient, DATA. What
 * to retry, when, and what to record is the caller's (mail_run.c): this
 * module only says what the server answered, recipient by recipient, and how
 * the failure is to be read (temporary, permanent, or fatal for the run).
 *
 * Credentials come from the options (the CLI takes them from the environment)
 * or from ~/.netrc through libcurl; they are never logged: the protocol trace
 * this module reads keeps only reply lines and RCPT addresses. */
#ifndef BRIEFING_MAIL_SMTP_H
#define BRIEFING_MAIL_SMTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "../util/diag.h"

typedef struct mail_smtp_opts {
    const char *url;          /* smtp://host[:port] (STARTTLS when offered) or smtps:// */
    bool require_tls;         /* smtp:// fails unless the server offers STARTTLS */
    bool plaintext_auth;      /* let credentials go without TLS (otherwise TLS is
                                 required whenever there are credentials) */
    const atomic_bool *cancel; /* set: a transaction not yet in its data gives up */
    const char *cacert;       /* CA file to trust besides the system's (a self-signed server) */
    const char *user, *password; /* NULL: ~/.netrc if it has the host, else no AUTH */
    const char *netrc;        /* NULL: ~/.netrc */
    long timeout_ms;          /* per transaction, connecting included; 0: 60 s */
    long connect_timeout_ms;  /* 0: 15 s */
} mail_smtp_opts;

typedef struct mail_smtp mail_smtp;

/* NULL with a diagnostic when the URL is not smtp:// or smtps:// or carries
 * credentials (they would show in `ps` and shell histories). Connects lazily,
 * on the first transaction. Strings in opts are copied. */
mail_smtp *mail_smtp_new(const mail_smtp_opts *opts, diag_list *d);
void mail_smtp_free(mail_smtp *s); /* accepts NULL; says QUIT when connected */

typedef enum mail_failure {
    MAIL_OK,        /* the server took the message for every recipient with a 2xx RCPT reply */
    MAIL_TEMPORARY, /* 4xx, a reset, a timeout, no connection: worth another attempt */
    MAIL_PERMANENT, /* 5xx: this message will not go as it is */
    MAIL_FATAL,     /* no message can go: authentication refused, TLS required but
                       missing or failing, a bad certificate */
} mail_failure;

typedef struct mail_txn {
    /* in, borrowed */
    const char *from;          /* envelope sender, a bare address */
    const char *const *rcpt;   /* bare addresses */
    size_t n_rcpt;
    const char *data;          /* the message, CRLF line ends */
    size_t len;
    /* out, owned (mail_txn_clear) */
    int *rcpt_code;     /* n_rcpt reply codes to RCPT; 0: never answered */
    char **rcpt_reply;  /* n_rcpt reply lines, NULL where never answered */
    size_t n_out;       /* the length of rcpt_code and rcpt_reply (n_rcpt when filled) */
    bool delivered;     /* the server accepted the data (for the 2xx recipients) */
    mail_failure failure;
    bool connection;    /* the failure was the connection's (refused, reset, a silent
                           server), not a reply */
    int code;           /* the last reply code, 0: none */
    char *reply;        /* the last reply line ("250 2.0.0 Ok: queued as 4F1"), or NULL */
    char *error;        /* what went wrong, for people; NULL on MAIL_OK */
} mail_txn;

/* Runs one transaction. Returns t->failure == MAIL_OK. */
bool mail_smtp_transact(mail_smtp *s, mail_txn *t);
void mail_txn_clear(mail_txn *t); /* frees the out fields, keeps the in ones */

#endif
