/* The mailing engine (mail_run.h). Each worker takes the next report, makes
 * its message (import, render, compose: the CPU part) and delivers it on its
 * own connection; the manifest and the log are written in input order by
 * whichever worker completes the oldest outstanding report. */
#define _POSIX_C_SOURCE 200809L
#include "mail_run.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../batch/batch_input.h"
#include "../batch/batch_manifest.h"
#include "../render/render.h"
#include "../report/report.h"
#include "../util/buf.h"
#include "../util/file.h"
#include "../util/strmap.h"
#include "../util/warnrep.h"
#include "../util/xalloc.h"
#include "mail_journal.h"

enum { MAX_JOBS = 64, SEND_JOBS_DEFAULT = 4 };
#define PROGRESS_PERIOD_S 0.1
#define MAX_RETRY_WAIT_MS 60000L

/* What became of one report, kept until its turn in the manifest comes. */
typedef struct outcome {
    char *head, *tail; /* the manifest line before and after its status */
    const char *status;
    char *tmp, *path;  /* -o: the .eml written but not yet synced and renamed */
    diag_list *d;
    bool done, already, failed;
    unsigned attempts;
} outcome;

static void outcome_free(outcome *o) {
    if (!o) return;
    file_discard(o->tmp);
    free(o->path);
    free(o->head);
    free(o->tail);
    diag_list_free(o->d);
    free(o);
}

struct mail_run {
    mail_run_setup s;
    mail_run_opts o;
    char **stems; /* {{template}} of each attachment: the template's file name */
    importer *im;
    mail_journal *journal;
    char *manifest_path, *manifest_tmp;
    FILE *manifest;
    diag_list *d;
    atomic_bool cancel, stop;
    bool ran;

    pthread_mutex_t mu;
    pthread_mutex_t jmu; /* the journal's own: its syncs must not hold up the others */
    pthread_mutex_t imu; /* the inputs': reading may wait on a pipe (taken before mu) */
    pthread_cond_t wake; /* cancellable waits (retries, the rate) */
    /* -o: outcomes in input order wait here for their group's commit */
    pthread_cond_t to_commit;
    outcome **cq;
    size_t cq_len, cq_cap;
    bool workers_done;
    batch_input *in;
    outcome **out; /* by input number; [emitted, taken) outstanding */
    size_t out_cap, taken, emitted;
    str_map ids;   /* report id -> the source that has it */
    warn_repeats repeats; /* warnings shown on the log */
    double next_slot; /* the rate limit's next send time */
    mail_stats st;
    bool manifest_error;
    int manifest_errno;
    char *stop_reason;
    double t0, last_draw;
    size_t total;
    bool total_known, progress_shown;
};

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void mail_summary(const mail_stats *st, bool sending, char *out, size_t size) {
    double rate = st->seconds > 0 ? (double)st->reports / st->seconds : 0;
    int n = snprintf(out, size, "%s%zu message%s: %zu %s", st->interrupted ? "interrupted after "
                                                           : st->stopped   ? "stopped after "
                                                                           : "",
                     st->reports, st->reports == 1 ? "" : "s", st->done - st->already,
                     sending ? "sent" : "written");
    if (n < 0 || (size_t)n >= size) return;
    if (st->already)
        n += snprintf(out + n, size - (size_t)n, ", %zu sent before (journal)", st->already);
    if (n < 0 || (size_t)n >= size) return;
    snprintf(out + n, size - (size_t)n, ", %zu failed, %.1f s, %.0f messages/s", st->failed,
             st->seconds, rate);
}

/* ---- setting up ----------------------------------------------------------- */

static bool make_out_dir(const char *dir, diag_list *d) {
    struct stat st;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        diag_add(d, DIAG_ERROR, dir, NULL, "cannot create the folder: %s", strerror(errno));
        return false;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        diag_add(d, DIAG_ERROR, dir, NULL, "the output path exists and is not a folder");
        return false;
    }
    return true;
}

static bool open_manifest(mail_run *m, const char *path, diag_list *d) {
    m->manifest_path = xstrdup(path);
    m->manifest_tmp = xasprintf("%s.tmp-%ld", path, (long)getpid());
    m->manifest = fopen(m->manifest_tmp, "w");
    if (!m->manifest) {
        diag_add(d, DIAG_ERROR, m->manifest_tmp, NULL, "cannot write: %s", strerror(errno));
        free(m->manifest_tmp);
        m->manifest_tmp = NULL;
        return false;
    }
    return true;
}

static char *template_stem(const char *path) {
    const char *slash = strrchr(path, '/');
    char *stem = xstrdup(slash ? slash + 1 : path);
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem) *dot = 0;
    return stem;
}

mail_run *mail_run_new(const mail_run_setup *setup, const mail_run_opts *o, diag_list *d) {
    if (!o->out_dir == !o->smtp) {
        diag_add(d, DIAG_ERROR, NULL, NULL, "mail: give either an output folder or a server");
        return NULL;
    }
    if (o->smtp) {
        if (!o->journal) {
            diag_add(d, DIAG_ERROR, NULL, NULL, "mail: sending needs a journal");
            return NULL;
        }
        mail_smtp *probe = mail_smtp_new(o->smtp, d); /* checks the URL */
        if (!probe) return NULL;
        mail_smtp_free(probe);
    }
    if (o->out_dir && !make_out_dir(o->out_dir, d)) return NULL;
    mail_run *m = xcalloc(1, sizeof *m);
    m->s = *setup;
    m->o = *o;
    m->d = d;
    if (!m->o.jobs) {
        /* Sending waits on the server more than it computes: measured on 2
         * cores against a local server, 4 connections sent 1.5 times as many
         * messages a second as 2 (bench_mail.py). */
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        m->o.jobs = o->smtp ? SEND_JOBS_DEFAULT : n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (unsigned)n;
    }
    if (m->o.jobs > MAX_JOBS) m->o.jobs = MAX_JOBS;
    if (m->o.retry_wait_ms <= 0) m->o.retry_wait_ms = 2000;
    pthread_mutex_init(&m->mu, NULL);
    pthread_mutex_init(&m->jmu, NULL);
    pthread_mutex_init(&m->imu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&m->wake, &ca);
    pthread_cond_init(&m->to_commit, NULL);
    pthread_condattr_destroy(&ca);
    m->stems = xcalloc(setup->n_templates ? setup->n_templates : 1, sizeof *m->stems);
    for (size_t k = 0; k < setup->n_templates; k++)
        m->stems[k] = template_stem(setup->templates[k]->source);
    bool ok = true;
    if (o->smtp) {
        m->journal = mail_journal_open(o->journal, d);
        ok = m->journal != NULL;
    }
    char *mpath = o->manifest ? xstrdup(o->manifest)
                  : o->out_dir ? xasprintf("%s/manifest.jsonl", o->out_dir)
                               : NULL;
    if (ok && mpath) ok = open_manifest(m, mpath, d);
    free(mpath);
    if (!ok) {
        mail_run_free(m);
        return NULL;
    }
    m->im = importer_new(o->backends);
    return m;
}

void mail_run_free(mail_run *m) {
    if (!m) return;
    if (m->manifest) {
        fclose(m->manifest);
        remove(m->manifest_tmp);
    }
    free(m->manifest_path);
    free(m->manifest_tmp);
    mail_journal_free(m->journal);
    importer_free(m->im);
    for (size_t k = 0; k < m->s.n_templates; k++) free(m->stems[k]);
    free(m->stems);
    for (size_t i = m->emitted; i < m->taken; i++) outcome_free(m->out[i % m->out_cap]);
    free(m->out);
    str_map_free(&m->ids);
    warn_repeats_free(&m->repeats);
    free(m->stop_reason);
    pthread_mutex_destroy(&m->mu);
    pthread_mutex_destroy(&m->jmu);
    pthread_mutex_destroy(&m->imu);
    pthread_cond_destroy(&m->wake);
    pthread_cond_destroy(&m->to_commit);
    for (size_t i = 0; i < m->cq_len; i++) outcome_free(m->cq[i]);
    free(m->cq);
    free(m);
}

void mail_run_cancel(mail_run *m) {
    atomic_store(&m->cancel, true); /* first: a reader waiting on a pipe polls it */
    pthread_mutex_lock(&m->mu);
    pthread_cond_broadcast(&m->wake);
    pthread_mutex_unlock(&m->mu);
}

/* Waits until the monotonic time t, or less when the run is cancelled or
 * stopped. Called without the lock; returns false when woken early. */
static bool wait_until(mail_run *m, double t) {
    struct timespec ts = {.tv_sec = (time_t)t, .tv_nsec = (long)((t - floor(t)) * 1e9)};
    pthread_mutex_lock(&m->mu);
    while (!atomic_load(&m->cancel) && !atomic_load(&m->stop) && now_s() < t)
        if (pthread_cond_timedwait(&m->wake, &m->mu, &ts) == ETIMEDOUT) break;
    bool on = !atomic_load(&m->cancel) && !atomic_load(&m->stop);
    pthread_mutex_unlock(&m->mu);
    return on;
}

static void stop_run(mail_run *m, const char *why) {
    atomic_store(&m->stop, true);
    pthread_mutex_lock(&m->mu);
    if (!m->stop_reason) m->stop_reason = xstrdup(why);
    pthread_cond_broadcast(&m->wake);
    pthread_mutex_unlock(&m->mu);
}

/* ---- one report ------------------------------------------------------------ */

typedef struct job {
    mail_run *m;
    mail_smtp *smtp; /* the worker's connection */
    render_cache *cache; /* the worker's */
    const char *source;
    report *r;
    mail_message msg;
    diag_list *d;
    /* delivery */
    const char *status;
    unsigned attempts;
    char *reply;
    buf accepted, rejected, not_sent; /* JSON array bodies */
    size_t n_accepted, n_rejected, n_pending;
    char *tmp, *path; /* -o */
} job;

/* The message for the report: false with diagnostics in j->d. */
static bool make_message(job *j, const batch_item *item) {
    mail_run *m = j->m;
    if (item->error) {
        diag_add(j->d, DIAG_ERROR, item->source, NULL, "%s", item->error);
        return false;
    }
    j->r = import_parse(m->im, item->data, item->len, item->source, m->o.import, NULL, j->d);
    if (!j->r) return false;
    pthread_mutex_lock(&m->mu);
    const char *first = str_map_get(&m->ids, j->r->id);
    if (!first) str_map_put(&m->ids, j->r->id, item->source);
    const mail_row *row =
        first ? NULL : mail_recipients_find(m->s.rc, j->r->id, j->r->region_name);
    char *first_copy = first ? xstrdup(first) : NULL;
    pthread_mutex_unlock(&m->mu);
    if (first_copy) {
        diag_add(j->d, DIAG_ERROR, item->source, "$.id",
                 "duplicate id \"%s\": %s has it too and is the one mailed", j->r->id,
                 first_copy);
        free(first_copy);
        return false;
    }
    if (!row) {
        diag_add(j->d, DIAG_ERROR, item->source, NULL,
                 "no recipients: the recipients file has no row with id \"%s\" or \"%s\"",
                 j->r->id, j->r->region_name);
        return false;
    }
    size_t n_t = m->s.n_templates;
    render_result *res = xcalloc(n_t ? n_t : 1, sizeof *res);
    mail_attachment *atts = xcalloc(n_t ? n_t : 1, sizeof *atts);
    bool good = true;
    for (size_t k = 0; good && k < n_t; k++) {
        render_opts ro = {.fallback_epoch = m->o.fallback_epoch, .cache = j->cache};
        good = render_report(j->r, m->s.templates[k], m->s.fonts, &ro, &res[k], j->d);
        atts[k] = (mail_attachment){res[k].pdf, res[k].pdf_len, m->stems[k]};
    }
    mail_opts mo = {.fallback_epoch = m->o.fallback_epoch, .max_bytes = m->o.max_bytes};
    if (good) good = mail_compose(j->r, row, m->o.from, m->s.mt, atts, n_t, &mo, &j->msg, j->d);
    for (size_t k = 0; k < n_t; k++) render_result_free(&res[k]);
    free(res);
    free(atts);
    return good;
}

/* The .eml goes to a temporary; the committer syncs a whole group with one
 * call and renames each into place (file_write_temp; as batch does). */
static void write_eml(job *j) {
    char *name = batch_file_name(j->r->id);
    size_t n = strlen(name);
    memcpy(name + n - 4, ".eml", 4); /* batch_file_name ends in ".pdf" */
    j->path = xasprintf("%s/%s", j->m->o.out_dir, name);
    free(name);
    j->tmp = file_write_temp(j->path, j->msg.data, j->msg.len, j->d);
    j->status = j->tmp ? "written" : "failed";
}

static void add_rejected(job *j, const char *addr, const char *reply) {
    if (j->rejected.len) buf_puts(&j->rejected, ", ");
    buf_puts(&j->rejected, "{\"address\": ");
    batch_json_string(&j->rejected, addr);
    buf_puts(&j->rejected, ", \"reply\": ");
    batch_json_string(&j->rejected, reply ? reply : "");
    buf_putc(&j->rejected, '}');
    j->n_rejected++;
}

/* Records what one transaction did for each pending recipient; returns the
 * recipients still pending (moved to the front of pend). */
static size_t settle(job *j, const mail_txn *t, const char **pend, size_t n) {
    mail_run *m = j->m;
    const char **acc = xcalloc(n ? n : 1, sizeof *acc);
    size_t n_acc = 0, left = 0;
    for (size_t i = 0; i < n; i++) {
        int c = t->rcpt_code[i];
        if (t->delivered && c >= 200 && c < 300) acc[n_acc++] = pend[i];
        else if (c >= 500 || (t->failure == MAIL_PERMANENT && !(c >= 400 && c < 500))) {
            const char *why = c >= 500 ? t->rcpt_reply[i] : t->reply;
            add_rejected(j, pend[i], why);
            diag_add(j->d, DIAG_ERROR, j->source, NULL, "%s refused the message: %s", pend[i],
                     why ? why : "no reply");
        } else pend[left++] = pend[i];
    }
    if (n_acc) {
        pthread_mutex_lock(&m->jmu);
        bool ok = mail_journal_add(m->journal, j->msg.message_id, j->r->id, acc, n_acc,
                                   t->reply, j->d);
        pthread_mutex_unlock(&m->jmu);
        if (!ok) stop_run(m, "the journal cannot be written");
        for (size_t i = 0; i < n_acc; i++) {
            if (j->accepted.len) buf_puts(&j->accepted, ", ");
            batch_json_string(&j->accepted, acc[i]);
        }
        j->n_accepted += n_acc;
    }
    free(acc);
    return left;
}

/* The next send time the rate allows; false when cancelled while waiting. */
static bool rate_wait(mail_run *m) {
    if (m->o.per_minute <= 0) return true;
    pthread_mutex_lock(&m->mu);
    double t = now_s();
    if (m->next_slot > t) t = m->next_slot;
    m->next_slot = t + 60.0 / m->o.per_minute;
    pthread_mutex_unlock(&m->mu);
    return wait_until(m, t);
}

static void send_message(job *j) {
    mail_run *m = j->m;
    const char **pend = xcalloc(j->msg.n_rcpt ? j->msg.n_rcpt : 1, sizeof *pend);
    size_t n = 0;
    pthread_mutex_lock(&m->jmu);
    for (size_t i = 0; i < j->msg.n_rcpt; i++)
        if (!mail_journal_has(m->journal, j->msg.message_id, j->msg.rcpt[i]))
            pend[n++] = j->msg.rcpt[i];
    pthread_mutex_unlock(&m->jmu);
    if (!n) {
        j->status = "already-sent";
        free(pend);
        return;
    }
    size_t before = j->msg.n_rcpt - n;
    mail_txn t = {.from = j->msg.sender, .data = j->msg.data, .len = j->msg.len};
    const char *last_error = NULL;
    char *error_copy = NULL;
    for (unsigned attempt = 0;; attempt++) {
        if (!rate_wait(m)) {
            last_error = "not sent: the run was interrupted";
            break;
        }
        t.rcpt = pend;
        t.n_rcpt = n;
        mail_smtp_transact(j->smtp, &t);
        j->attempts++;
        if (t.reply && (t.delivered || t.code >= 400)) { /* not a "220 Ready to start TLS" */
            free(j->reply);
            j->reply = xstrdup(t.reply);
        }
        free(error_copy);
        error_copy = t.error ? xstrdup(t.error) : NULL;
        last_error = error_copy;
        n = settle(j, &t, pend, n);
        if (!n) break;
        if (t.failure == MAIL_FATAL) {
            stop_run(m, t.error);
            break;
        }
        if (t.failure == MAIL_PERMANENT) break;
        if (t.failure == MAIL_OK && !last_error) last_error = "a recipient was refused for now";
        if (attempt >= m->o.retries) {
            /* no connection at all after every retry: the next messages would
             * fare no better */
            if (t.connection) stop_run(m, t.error);
            break;
        }
        long ms = m->o.retry_wait_ms;
        for (unsigned k = 0; k < attempt && ms < MAX_RETRY_WAIT_MS; k++) ms *= 2;
        if (ms > MAX_RETRY_WAIT_MS) ms = MAX_RETRY_WAIT_MS;
        if (!wait_until(m, now_s() + (double)ms / 1000.0)) {
            last_error = atomic_load(&m->cancel) ? "not sent: the run was interrupted"
                                                 : "not sent: the run stopped";
            break;
        }
    }
    mail_txn_clear(&t);
    j->n_pending = n;
    for (size_t i = 0; i < n; i++) {
        if (j->not_sent.len) buf_puts(&j->not_sent, ", ");
        batch_json_string(&j->not_sent, pend[i]);
    }
    if (n) {
        const char *why = last_error ? last_error : "not sent";
        if (n < j->msg.n_rcpt)
            diag_add(j->d, DIAG_ERROR, j->source, NULL, "%zu of %zu recipients not reached: %s",
                     n, j->msg.n_rcpt, why);
        else
            diag_add(j->d, DIAG_ERROR, j->source, NULL, "not sent: %s", why);
    }
    j->status = !n && !j->n_rejected  ? "sent"
                : j->n_accepted || before ? "partial"
                                          : "failed";
    free(error_copy);
    free(pend);
}

static char *manifest_head(const job *j) {
    buf b;
    buf_init(&b);
    buf_puts(&b, "{\"id\": ");
    if (j->r) batch_json_string(&b, j->r->id);
    else buf_puts(&b, "null");
    buf_puts(&b, ", \"source\": ");
    batch_json_string(&b, j->source);
    if (j->msg.data) {
        buf_puts(&b, ", \"recipients\": ");
        batch_json_string(&b, j->msg.recipients);
        buf_puts(&b, ", \"message_id\": ");
        batch_json_string(&b, j->msg.message_id);
        buf_printf(&b, ", \"bytes\": %zu", j->msg.len);
    }
    return buf_steal(&b, NULL);
}

static char *manifest_tail(const job *j) {
    buf b;
    buf_init(&b);
    if (j->m->o.smtp && j->msg.data) {
        buf_printf(&b, ", \"attempts\": %u", j->attempts);
        if (j->reply) {
            buf_puts(&b, ", \"reply\": ");
            batch_json_string(&b, j->reply);
        }
        buf_puts(&b, ", \"accepted\": [");
        if (j->accepted.len) buf_append(&b, j->accepted.data, j->accepted.len);
        buf_puts(&b, "]");
        if (j->rejected.len) {
            buf_puts(&b, ", \"rejected\": [");
            buf_append(&b, j->rejected.data, j->rejected.len);
            buf_puts(&b, "]");
        }
        if (j->not_sent.len) {
            buf_puts(&b, ", \"not_sent\": [");
            buf_append(&b, j->not_sent.data, j->not_sent.len);
            buf_puts(&b, "]");
        }
    }
    if (!b.data) return xstrdup("");
    return buf_steal(&b, NULL);
}

static void manifest_line(const outcome *o, buf *b) {
    buf_puts(b, o->head);
    buf_puts(b, ", \"status\": ");
    batch_json_string(b, o->status);
    buf_puts(b, o->tail);
    for (size_t i = 0; i < diag_size(o->d); i++)
        if (diag_severity_at(o->d, i) == DIAG_ERROR) {
            buf_puts(b, ", \"error\": ");
            batch_json_string(b, diag_text_at(o->d, i));
            break;
        }
    buf_puts(b, "}\n");
}

static outcome *run_one(mail_run *m, mail_smtp *smtp, render_cache *cache,
                        const batch_item *item) {
    job j = {.m = m, .smtp = smtp, .cache = cache, .source = item->source, .status = "failed",
             .d = diag_list_new()};
    buf_init(&j.accepted);
    buf_init(&j.rejected);
    buf_init(&j.not_sent);
    if (make_message(&j, item)) {
        if (m->o.out_dir) write_eml(&j);
        else send_message(&j);
    }
    outcome *o = xcalloc(1, sizeof *o);
    o->head = manifest_head(&j);
    o->tail = manifest_tail(&j);
    o->status = j.status; /* a string literal */
    o->tmp = j.tmp;
    o->path = j.path;
    o->d = j.d;
    o->already = !strcmp(j.status, "already-sent");
    o->done = o->already || !strcmp(j.status, "written") || !strcmp(j.status, "sent");
    o->failed = !o->done;
    o->attempts = j.attempts;
    mail_message_free(&j.msg);
    report_free(j.r);
    free(j.reply);
    buf_free(&j.accepted);
    buf_free(&j.rejected);
    buf_free(&j.not_sent);
    return o;
}

/* ---- emitting, under the lock --------------------------------------------------- */

static void clear_progress(mail_run *m) {
    if (m->progress_shown && m->o.log) fputs("\r\033[K", m->o.log);
    m->progress_shown = false;
}

static void draw_progress(mail_run *m) {
    if (!m->o.progress || !m->o.log) return;
    double t = now_s();
    if (t - m->last_draw < PROGRESS_PERIOD_S) return;
    m->last_draw = t;
    size_t done = m->st.reports;
    double el = t - m->t0, rate = el > 0 ? (double)done / el : 0;
    char line[160];
    int n;
    if (m->total_known && m->total >= done) {
        n = snprintf(line, sizeof line, "%zu/%zu messages, %.0f/s", done, m->total, rate);
        if (rate > 0 && n > 0 && (size_t)n < sizeof line)
            n += snprintf(line + n, sizeof line - (size_t)n, ", %.0f s left",
                          (double)(m->total - done) / rate);
    } else {
        n = snprintf(line, sizeof line, "%zu messages, %.0f/s", done, rate);
    }
    if (m->st.failed && n > 0 && (size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, ", %zu failed", m->st.failed);
    fprintf(m->o.log, "\r\033[K%s", line);
    fflush(m->o.log);
    m->progress_shown = true;
}

static void emit(mail_run *m, outcome *o) {
    buf line;
    buf_init(&line);
    manifest_line(o, &line);
    if (m->manifest && !m->manifest_error &&
        fwrite(line.data, 1, line.len, m->manifest) != line.len) {
        m->manifest_error = true;
        m->manifest_errno = errno;
    }
    buf_free(&line);
    m->st.reports++;
    if (o->done) m->st.done++;
    if (o->already) m->st.already++;
    if (o->failed) m->st.failed++;
    m->st.attempts += o->attempts;
    if (m->o.log) {
        bool cleared = false;
        for (size_t i = 0; i < diag_size(o->d); i++) {
            bool warning = diag_severity_at(o->d, i) == DIAG_WARNING;
            if (m->o.quiet && warning) continue;
            /* the same warning for another report: shown once, counted */
            const char *text = diag_text_at(o->d, i);
            if (warning && warn_repeat(&m->repeats, o->d, i)) continue;
            if (!cleared) clear_progress(m), cleared = true;
            fprintf(m->o.log, "%s\n", text);
        }
    }
    draw_progress(m);
}

/* Outcomes in input order: emitted at once when sending, handed to the
 * committer with -o. */
static void emit_ready(mail_run *m) {
    bool queued = false;
    while (m->emitted < m->taken && m->out[m->emitted % m->out_cap]) {
        outcome **slot = &m->out[m->emitted % m->out_cap];
        if (m->o.out_dir) {
            xgrow(&m->cq, &m->cq_cap, m->cq_len + 1, sizeof *m->cq);
            m->cq[m->cq_len++] = *slot;
            queued = true;
        } else {
            emit(m, *slot);
            outcome_free(*slot);
        }
        *slot = NULL;
        m->emitted++;
    }
    if (queued) pthread_cond_signal(&m->to_commit);
}

enum { GROUP_MAX = 64 };

/* Syncs the group's temporaries with one call, renames each into place. */
static void commit_group(mail_run *m, outcome **g, size_t n) {
    bool any = false;
    for (size_t i = 0; i < n; i++) any |= g[i]->tmp != NULL;
    diag_list *sd = diag_list_new();
    bool synced = !any || file_sync_fs(m->o.out_dir, sd);
    for (size_t i = 0; i < n; i++) {
        outcome *o = g[i];
        if (!o->tmp) continue;
        bool ok = synced && file_commit(o->tmp, o->path, o->d);
        if (!synced) {
            file_discard(o->tmp);
            diag_add(o->d, DIAG_ERROR, o->path, NULL, "%s",
                     diag_size(sd) ? diag_message_at(sd, 0) : "cannot sync");
        }
        o->tmp = NULL;
        if (!ok) {
            o->status = "failed";
            o->done = false;
            o->failed = true;
        }
    }
    diag_list_free(sd);
}

static void *committer(void *arg) {
    mail_run *m = arg;
    outcome *g[GROUP_MAX];
    pthread_mutex_lock(&m->mu);
    for (;;) {
        while (!m->cq_len && !m->workers_done) pthread_cond_wait(&m->to_commit, &m->mu);
        if (!m->cq_len) break;
        size_t n = m->cq_len < GROUP_MAX ? m->cq_len : GROUP_MAX;
        memcpy(g, m->cq, n * sizeof *g);
        memmove(m->cq, m->cq + n, (m->cq_len - n) * sizeof *m->cq);
        m->cq_len -= n;
        pthread_mutex_unlock(&m->mu);
        commit_group(m, g, n);
        pthread_mutex_lock(&m->mu);
        for (size_t i = 0; i < n; i++) {
            emit(m, g[i]);
            outcome_free(g[i]);
        }
    }
    pthread_mutex_unlock(&m->mu);
    return NULL;
}

/* A slot for input number i, growing the ring while keeping [emitted, taken)
 * in place. Under the lock. */
static void reserve_slot(mail_run *m) {
    if (m->taken - m->emitted < m->out_cap) return;
    size_t cap = m->out_cap ? m->out_cap * 2 : 64;
    outcome **v = xcalloc(cap, sizeof *v);
    for (size_t i = m->emitted; i < m->taken; i++) v[i % cap] = m->out[i % m->out_cap];
    free(m->out);
    m->out = v;
    m->out_cap = cap;
}

static void *worker(void *arg) {
    mail_run *m = arg;
    mail_smtp *smtp = NULL;
    if (m->o.smtp) {
        mail_smtp_opts so = *m->o.smtp;
        so.cancel = &m->cancel;
        diag_list *sd = diag_list_new();
        smtp = mail_smtp_new(&so, sd);
        if (!smtp) stop_run(m, diag_size(sd) ? diag_message_at(sd, 0) : "no SMTP connection");
        diag_list_free(sd);
        if (!smtp) return NULL;
    }
    render_cache *cache = render_cache_new();
    for (;;) {
        /* inputs under their own lock, so that a read waiting on a pipe holds
         * up neither the others' results nor a cancel */
        pthread_mutex_lock(&m->imu);
        batch_item item;
        bool got = !atomic_load(&m->cancel) && !atomic_load(&m->stop) &&
                   batch_input_next(m->in, &item, &m->cancel);
        size_t i = 0;
        if (got) {
            pthread_mutex_lock(&m->mu);
            reserve_slot(m);
            i = m->taken++;
            pthread_mutex_unlock(&m->mu);
        }
        pthread_mutex_unlock(&m->imu);
        if (!got) break;
        outcome *o = run_one(m, smtp, cache, &item);
        batch_item_clear(&item);
        pthread_mutex_lock(&m->mu);
        m->out[i % m->out_cap] = o;
        emit_ready(m);
        pthread_mutex_unlock(&m->mu);
    }
    render_cache_free(cache);
    mail_smtp_free(smtp);
    return NULL;
}

/* ---- the run ----------------------------------------------------------------------- */

static bool finish_manifest(mail_run *m) {
    if (!m->manifest) return true;
    FILE *f = m->manifest;
    m->manifest = NULL;
    int err = m->manifest_error ? m->manifest_errno : 0;
    if (fflush(f) != 0 && !err) err = errno;
    if (!err && fsync(fileno(f)) != 0 && errno != EINVAL) err = errno;
    if (fclose(f) != 0 && !err) err = errno;
    if (!err && rename(m->manifest_tmp, m->manifest_path) != 0) err = errno;
    if (err) {
        diag_add(m->d, DIAG_ERROR, m->manifest_path, NULL, "cannot write: %s",
                 strerror(err ? err : EIO));
        remove(m->manifest_tmp);
        return false;
    }
    return true;
}

bool mail_run_go(mail_run *m, const char *const *inputs, size_t n_inputs, mail_stats *stats) {
    *stats = (mail_stats){0};
    if (m->ran) {
        diag_add(m->d, DIAG_ERROR, NULL, NULL, "mail: mail_run_go called twice");
        return false;
    }
    m->ran = true;
    m->t0 = now_s();
    if (m->o.progress) m->total_known = batch_input_count(inputs, n_inputs, &m->total);
    m->in = batch_input_new(inputs, n_inputs, m->o.stdin_fd, REPORT_MAX_BYTES);
    unsigned n = m->o.jobs;
    pthread_t *th = xcalloc(n, sizeof *th);
    pthread_t commit_th;
    bool committing = m->o.out_dir && pthread_create(&commit_th, NULL, committer, m) == 0;
    unsigned started = 0;
    for (; (committing || !m->o.out_dir) && started < n; started++)
        if (pthread_create(&th[started], NULL, worker, m) != 0) break;
    bool ok = started > 0;
    if (!ok) diag_add(m->d, DIAG_ERROR, NULL, NULL, "mail: cannot start the worker threads");
    for (unsigned i = 0; i < started; i++) pthread_join(th[i], NULL);
    pthread_mutex_lock(&m->mu);
    m->workers_done = true;
    pthread_cond_signal(&m->to_commit);
    pthread_mutex_unlock(&m->mu);
    if (committing) pthread_join(commit_th, NULL);
    free(th);
    batch_input_free(m->in);
    m->in = NULL;
    clear_progress(m);
    if (m->o.log && !m->o.quiet) warn_repeats_print(&m->repeats, m->o.log, "messages");
    m->st.seconds = now_s() - m->t0;
    m->st.interrupted = atomic_load(&m->cancel);
    m->st.stopped = atomic_load(&m->stop);
    if (m->st.stopped)
        diag_add(m->d, DIAG_ERROR, NULL, NULL,
                 "stopped: %s; messages not yet started were left: run the same command "
                 "again to send them (the journal skips what went)",
                 m->stop_reason ? m->stop_reason : "no message could go");
    *stats = m->st;
    bool written = finish_manifest(m);
    if (!m->st.interrupted && !m->st.stopped) {
        /* rows no report used: only known once every report was read */
        diag_list *ud = diag_list_new();
        mail_recipients_warn_unused(m->s.rc, ud);
        if (m->o.log && !m->o.quiet) diag_print(ud, m->o.log);
        diag_list_free(ud);
    }
    if (m->o.log && !m->o.quiet) {
        char line[240];
        mail_summary(stats, m->o.smtp != NULL, line, sizeof line);
        fprintf(m->o.log, "%s\n", line);
    }
    return ok && written && !(m->journal && m->stop_reason &&
                              !strcmp(m->stop_reason, "the journal cannot be written"));
}
