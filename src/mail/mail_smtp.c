/* SMTP through libcurl. libcurl says whether a transfer worked and the last
 * reply code, but not what the server answered to each RCPT; that is read
 * from its protocol trace (CURLOPT_DEBUGFUNCTION), of which only reply lines
 * and the RCPT commands are looked at: AUTH lines, which carry credentials,
 * are skipped unread. */
#define _POSIX_C_SOURCE 200809L
#include "mail_smtp.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "../util/xalloc.h"

enum { REPLY_MAX = 400 };

typedef enum { CMD_NONE, CMD_RCPT, CMD_DATA, CMD_BODY, CMD_QUIT, CMD_OTHER } cmd_kind;

struct mail_smtp {
    CURL *c;
    char *url, *cacert, *user, *password, *netrc;
    bool require_tls, plaintext_auth;
    bool has_credentials; /* from the options or ~/.netrc: never sent in the clear */
    const atomic_bool *cancel;
    long timeout_ms, connect_timeout_ms;
    char errbuf[CURL_ERROR_SIZE];
    /* the transaction under way */
    mail_txn *t;
    size_t pos;      /* of t->data sent */
    cmd_kind cmd;    /* the last command sent */
    cmd_kind replied; /* the command the last reply answered */
    size_t n_rcpt_sent;
    int data_code;   /* the reply after the message's data */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static char *dup_or_null(const char *s) {
    return s ? xstrdup(s) : NULL;
}

static bool url_ok(const char *url, diag_list *d) {
    const char *rest = NULL;
    if (!strncmp(url, "smtp://", 7)) rest = url + 7;
    else if (!strncmp(url, "smtps://", 8)) rest = url + 8;
    if (!rest || !*rest || *rest == '/') {
        /* the value may hold a password ("user:pass@host"): not echoed */
        diag_add(d, DIAG_ERROR, NULL, NULL,
                 "--smtp: expected smtp://HOST[:PORT] or smtps://HOST[:PORT]%s",
                 strchr(url, '@') ? " (and no credentials)" : "");
        return false;
    }
    size_t auth = strcspn(rest, "/?#");
    if (memchr(rest, '@', auth)) {
        diag_add(d, DIAG_ERROR, NULL, NULL,
                 "--smtp: the URL carries credentials, which other users can read in the "
                 "process list; put them in BRIEFING_SMTP_USER and BRIEFING_SMTP_PASSWORD or "
                 "in ~/.netrc");
        return false;
    }
    return true;
}

/* The URL's host ("mail.example.gov.cn", "::1"). */
static char *url_host(const char *url) {
    const char *h = strstr(url, "://") + 3;
    if (*h == '[') {
        size_t n = strcspn(h + 1, "]");
        return xstrndup(h + 1, n);
    }
    return xstrndup(h, strcspn(h, ":/?#"));
}

/* Whether a netrc file has a login for host (or a default one), so that
 * libcurl will authenticate: the same tokens libcurl reads. */
static bool netrc_has(const char *path, const char *host) {
    FILE *f = fopen(path, "r");
    if (!f) return false;
    char tok[512];
    bool found = false, after_machine = false;
    while (!found && fscanf(f, "%511s", tok) == 1) {
        if (!strcmp(tok, "default")) found = true;
        else if (after_machine && !strcasecmp(tok, host)) found = true;
        after_machine = !strcmp(tok, "machine");
    }
    fclose(f);
    return found;
}

mail_smtp *mail_smtp_new(const mail_smtp_opts *o, diag_list *d) {
    if (!o->url || !url_ok(o->url, d)) return NULL;
    pthread_once(&curl_once, curl_init_once);
    CURL *c = curl_easy_init();
    if (!c) {
        diag_add(d, DIAG_ERROR, NULL, NULL, "--smtp: libcurl could not start");
        return NULL;
    }
    mail_smtp *s = xcalloc(1, sizeof *s);
    s->c = c;
    s->url = xstrdup(o->url);
    s->cacert = dup_or_null(o->cacert);
    s->user = dup_or_null(o->user);
    s->password = dup_or_null(o->password);
    s->netrc = dup_or_null(o->netrc);
    s->require_tls = o->require_tls;
    s->plaintext_auth = o->plaintext_auth;
    if (s->user) {
        s->has_credentials = true;
    } else {
        const char *home = getenv("HOME");
        char *path = s->netrc ? xstrdup(s->netrc) : home ? xasprintf("%s/.netrc", home) : NULL;
        char *host = url_host(s->url);
        s->has_credentials = path && netrc_has(path, host);
        free(path);
        free(host);
    }
    s->cancel = o->cancel;
    s->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 60000;
    s->connect_timeout_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 15000;
    return s;
}

static void wipe(char *s) {
    if (!s) return;
    volatile char *p = s;
    while (*p) *p++ = 0;
    free(s);
}

void mail_smtp_free(mail_smtp *s) {
    if (!s) return;
    curl_easy_cleanup(s->c);
    free(s->url);
    free(s->cacert);
    free(s->netrc);
    wipe(s->user);
    wipe(s->password);
    free(s);
}

void mail_txn_clear(mail_txn *t) {
    if (t->rcpt_reply)
        for (size_t i = 0; i < t->n_out; i++) free(t->rcpt_reply[i]);
    t->n_out = 0;
    free(t->rcpt_reply);
    free(t->rcpt_code);
    free(t->reply);
    free(t->error);
    t->rcpt_reply = NULL;
    t->rcpt_code = NULL;
    t->reply = t->error = NULL;
    t->delivered = false;
    t->failure = MAIL_OK;
    t->connection = false;
    t->code = 0;
}

/* ---- libcurl callbacks --------------------------------------------------- */

static size_t on_read(char *ptr, size_t size, size_t nmemb, void *user) {
    mail_smtp *s = user;
    size_t room = size * nmemb, left = s->t->len - s->pos;
    size_t n = left < room ? left : room;
    memcpy(ptr, s->t->data + s->pos, n);
    s->pos += n;
    return n;
}

/* A reply line as it may be shown and stored: printable ASCII and UTF-8
 * kept, control characters dropped, at most REPLY_MAX bytes. */
static char *clean_line(const char *p, size_t n) {
    if (n > REPLY_MAX) n = REPLY_MAX;
    char *out = xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch >= 0x20 && ch != 0x7f) out[k++] = (char)ch;
    }
    out[k] = 0;
    return out;
}

static void on_reply_line(mail_smtp *s, const char *p, size_t n) {
    while (n && (p[n - 1] == '\r' || p[n - 1] == '\n')) n--;
    if (n < 3 || !isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) ||
        !isdigit((unsigned char)p[2]) || (n > 3 && p[3] != ' '))
        return; /* a continuation line ("250-PIPELINING") or noise */
    /* the goodbye after a failure must not hide the reply that failed */
    if (s->cmd == CMD_QUIT) return;
    int code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
    mail_txn *t = s->t;
    free(t->reply);
    t->reply = clean_line(p, n);
    t->code = code;
    s->replied = s->cmd;
    if (s->cmd == CMD_RCPT && s->n_rcpt_sent && s->n_rcpt_sent <= t->n_rcpt) {
        size_t i = s->n_rcpt_sent - 1;
        t->rcpt_code[i] = code;
        free(t->rcpt_reply[i]);
        t->rcpt_reply[i] = xstrdup(t->reply);
    } else if (s->cmd == CMD_DATA && code == 354) {
        s->cmd = CMD_BODY;
        return;
    } else if (s->cmd == CMD_BODY) {
        s->data_code = code;
    }
    s->cmd = CMD_NONE;
}

/* A cancelled run gives up a transaction that has not reached the message's
 * data: nothing is delivered by it. One in the data runs to its end (or its
 * timeout), so the journal can record it. */
static int on_progress(void *user, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un) {
    (void)dt, (void)dn, (void)ut, (void)un;
    mail_smtp *s = user;
    return s->cancel && atomic_load(s->cancel) && s->cmd != CMD_BODY && s->cmd != CMD_DATA;
}

static int on_trace(CURL *c, curl_infotype type, char *data, size_t size, void *user) {
    (void)c;
    mail_smtp *s = user;
    if (type == CURLINFO_HEADER_OUT) {
        /* one command per call; AUTH and its continuations are not read */
        if (size >= 8 && !strncasecmp(data, "RCPT TO:", 8)) {
            s->cmd = CMD_RCPT;
            s->n_rcpt_sent++;
        } else if (size >= 4 && !strncasecmp(data, "DATA", 4) &&
                   (size == 4 || data[4] == '\r' || data[4] == '\n')) {
            s->cmd = CMD_DATA;
        } else if (size >= 4 && !strncasecmp(data, "QUIT", 4)) {
            s->cmd = CMD_QUIT;
        } else if (s->cmd != CMD_BODY) {
            s->cmd = CMD_OTHER;
        }
    } else if (type == CURLINFO_HEADER_IN) {
        size_t start = 0;
        for (size_t i = 0; i <= size; i++)
            if (i == size || data[i] == '\n') {
                if (i > start) on_reply_line(s, data + start, i - start);
                start = i + 1;
            }
    }
    return 0;
}

/* ---- a transaction ----------------------------------------------------- */

static mail_failure classify(CURLcode rc, int code, bool *connection) {
    *connection = false;
    switch (rc) {
    case CURLE_OK:
        return MAIL_OK;
    case CURLE_LOGIN_DENIED:
        /* 454 "temporary authentication failure" (a busy auth backend) is
         * worth a retry; 535 is a wrong password */
        return code >= 400 && code < 500 ? MAIL_TEMPORARY : MAIL_FATAL;
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_AUTH_ERROR:
        return MAIL_FATAL;
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
        *connection = true;
        return MAIL_TEMPORARY;
    default:
        break;
    }
    /* a protocol error: the server's code decides */
    if (code >= 500 && code < 600) return MAIL_PERMANENT;
    if (code >= 400 && code < 500) return MAIL_TEMPORARY;
    /* no final reply: the connection broke (a reset, a close in the middle) */
    *connection = true;
    return MAIL_TEMPORARY;
}

static void set_options(mail_smtp *s, struct curl_slist *rcpt) {
    CURL *c = s->c;
    curl_easy_setopt(c, CURLOPT_URL, s->url);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, s->t->from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    /* a recipient the server refuses must not stop the others */
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, s);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)s->t->len);
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     s->require_tls || (s->has_credentials && !s->plaintext_auth)
                         ? (long)CURLUSESSL_ALL
                         : (long)CURLUSESSL_TRY);
    if (s->cacert) curl_easy_setopt(c, CURLOPT_CAINFO, s->cacert);
    if (s->user) curl_easy_setopt(c, CURLOPT_USERNAME, s->user);
    if (s->password) curl_easy_setopt(c, CURLOPT_PASSWORD, s->password);
    if (!s->user) {
        curl_easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
        if (s->netrc) curl_easy_setopt(c, CURLOPT_NETRC_FILE, s->netrc);
    }
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, s->timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, s->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for timeouts */
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->errbuf);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L); /* feeds on_trace; prints nothing itself */
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_trace);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, s);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, s);
}

bool mail_smtp_transact(mail_smtp *s, mail_txn *t) {
    mail_txn_clear(t);
    t->rcpt_code = xcalloc(t->n_rcpt ? t->n_rcpt : 1, sizeof *t->rcpt_code);
    t->rcpt_reply = xcalloc(t->n_rcpt ? t->n_rcpt : 1, sizeof *t->rcpt_reply);
    t->n_out = t->n_rcpt;
    struct curl_slist *rcpt = NULL;
    for (size_t i = 0; i < t->n_rcpt; i++) {
        struct curl_slist *next = curl_slist_append(rcpt, t->rcpt[i]);
        if (!next) {
            fputs("briefing: out of memory\n", stderr);
            abort();
        }
        rcpt = next;
    }
    s->t = t;
    s->pos = 0;
    s->cmd = s->replied = CMD_NONE;
    s->n_rcpt_sent = 0;
    s->data_code = 0;
    s->errbuf[0] = 0;
    set_options(s, rcpt);
    CURLcode rc = curl_easy_perform(s->c);
    bool connection;
    t->failure = classify(rc, t->code, &connection);
    t->connection = connection;
    /* The server's 250 after the data is what counts, even if libcurl then
     * fails (a timer running out after the reply): sending again would
     * deliver twice. */
    t->delivered = s->data_code >= 200 && s->data_code < 300;
    if (t->delivered) t->failure = MAIL_OK;
    else if (rc == CURLE_OK) t->failure = MAIL_TEMPORARY; /* never seen: curl checks it */
    if (rc == CURLE_ABORTED_BY_CALLBACK) {
        t->failure = MAIL_TEMPORARY;
        t->connection = false;
    } else if (!t->delivered && s->replied == CMD_RCPT && t->failure != MAIL_FATAL) {
        /* Every recipient was refused, or the connection broke among the
         * RCPTs: the last code is one recipient's, not the message's. Each
         * recipient stands on its own reply (mail_run settles them). */
        bool any_retry = false;
        for (size_t i = 0; i < t->n_rcpt; i++) any_retry |= t->rcpt_code[i] < 500;
        t->failure = any_retry ? MAIL_TEMPORARY : MAIL_PERMANENT;
        t->connection = false;
    }
    if (t->failure != MAIL_OK) {
        const char *why = s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc);
        t->error = t->reply && t->code >= 400 && !connection
                       ? xasprintf("%s (the server said: %s)", why, t->reply)
                       : xstrdup(why);
    }
    curl_slist_free_all(rcpt);
    s->t = NULL;
    return t->failure == MAIL_OK;
}
