/* The batch runner. One producer (the caller's thread) reads and parses the
 * reports in input order, render workers lay them out and write the PDF bytes,
 * and a writer thread puts those bytes on disk. Parsing stays on one thread on
 * purpose: it is cheap (~0.15 ms of the ~6 ms a report costs), it makes "the
 * first report with an id wins" a plain in-order check, and cJSON records
 * parse failures in a global, so parsing on several threads at once would
 * race. Writing has a thread of its own because making files durable blocks
 * (write_group): a render worker waiting for the disk would leave its core
 * idle (measured: 8% of the throughput on two cores).
 *
 * Reports travel through a ring of slots indexed by input position:
 *
 *   head <= take <= tail,  tail - head <= cap
 *   [head, take)  taken by a render worker: rendering, rendered (waiting for a
 *                 writer), writing, or done and not yet in the manifest
 *   [take, tail)  parsed, waiting for a render worker
 *
 * The thread that completes a slot emits every done slot from head on, so
 * the manifest is written in input order, and the producer waits while the
 * ring is full, so a slow report holds back at most cap others: memory is
 * bounded by the ring (at most cap PDFs wait for a writer), not by the
 * batch. */
#define _POSIX_C_SOURCE 200809L
#include "batch.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../render/render.h"
#include "../report/report.h"
#include "../util/buf.h"
#include "../util/file.h"
#include "../util/strmap.h"
#include "../util/warnrep.h"
#include "../util/json_text.h"
#include "../util/xalloc.h"
#include "batch_input.h"
#include "batch_manifest.h"

/* One writer: it takes every rendered report as one group (write_group),
 * so a second one only splits the groups; measured on two cores, one writer
 * gives fewer syncs, less system time and 5 % more reports per second. */
enum { SLOTS_PER_WORKER = 4, MAX_JOBS = 256, N_WRITERS = 1 };
#define PROGRESS_PERIOD_S 0.1

typedef enum {
    SLOT_EMPTY,
    SLOT_READY,    /* parsed (or failed), waiting for a render worker */
    SLOT_RUNNING,  /* being rendered */
    SLOT_RENDERED, /* PDF bytes in memory, waiting for a writer */
    SLOT_WRITING,
    SLOT_DONE
} slot_state;

typedef struct slot {
    slot_state state;
    char *source;
    char *id;   /* the report's id, when it parsed */
    char *name; /* output file name; NULL when the report failed before rendering */
    report *r;  /* to render; NULL when it already failed */
    diag_list *d;
    render_result res; /* between rendering and writing */
    bool ok;
    size_t pages, bytes;
    double ms;
} slot;

struct batch {
    const tmpl *t;
    const font_lib *fonts;
    batch_opts o;
    importer *im; /* raw reports are imported by the reading thread */
    char *out_dir;
    char *manifest_path, *manifest_tmp;
    FILE *manifest;
    diag_list *d;
    atomic_bool cancel;
    bool ran;

    pthread_mutex_t mu;
    pthread_cond_t work, space;
    pthread_cond_t rendered; /* writers wait on it */
    slot *ring;
    size_t cap, head, take, tail;
    bool input_done;
    size_t n_rendered;          /* slots in SLOT_RENDERED */
    unsigned renderers_running; /* writers stop when it is 0 and nothing is rendered */

    /* under mu */
    size_t ok, failed;
    bool manifest_error;
    int manifest_errno;
    buf line;
    double t0, last_draw;
    size_t total;
    bool total_known, progress_shown;

    str_map ids; /* output name -> source that claimed it; producer only */
    warn_repeats repeats; /* warnings shown on the log, under mu */
};

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

unsigned batch_default_jobs(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) return 1;
    return n > MAX_JOBS ? MAX_JOBS : (unsigned)n;
}

void batch_summary(const batch_stats *st, char *out, size_t size) {
    double rate = st->seconds > 0 ? (double)st->reports / st->seconds : 0;
    snprintf(out, size, "%s%zu report%s: %zu ok, %zu failed, %.1f s, %.0f reports/s",
             st->interrupted ? "interrupted after " : "", st->reports,
             st->reports == 1 ? "" : "s", st->ok, st->failed, st->seconds, rate);
}

/* ---- the id set -------------------------------------------------------- */

/* ---- the output folder ------------------------------------------------- */

/* mkdir -p: every missing folder on the way, then a check that the last one
 * is a folder. */
static bool make_dirs(const char *path, diag_list *d) {
    char *p = xstrdup(path);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/') p[--n] = 0;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            diag_add(d, DIAG_ERROR, path, NULL, "cannot create the output folder %s: %s", p,
                     strerror(errno));
            free(p);
            return false;
        }
        *s = '/';
    }
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
        diag_add(d, DIAG_ERROR, path, NULL, "cannot create the output folder: %s",
                 strerror(errno));
        free(p);
        return false;
    }
    free(p);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        diag_add(d, DIAG_ERROR, path, NULL, "the output path exists and is not a folder");
        return false;
    }
    return true;
}

static char *out_path(const batch *b, const char *name) {
    size_t n = strlen(b->out_dir);
    return n && b->out_dir[n - 1] == '/' ? xasprintf("%s%s", b->out_dir, name)
                                         : xasprintf("%s/%s", b->out_dir, name);
}

batch *batch_new(const tmpl *t, const font_lib *fonts, const batch_opts *opts, diag_list *d) {
    if (!t || !fonts || !opts || !opts->out_dir || !opts->out_dir[0]) {
        diag_add(d, DIAG_ERROR, NULL, NULL, "batch: no template, fonts or output folder");
        return NULL;
    }
    if (opts->shard_count > 1 && opts->shard_index >= opts->shard_count) {
        diag_add(d, DIAG_ERROR, NULL, NULL, "batch: shard %u of %u does not exist",
                 opts->shard_index + 1, opts->shard_count);
        return NULL;
    }
    if (!make_dirs(opts->out_dir, d)) return NULL;
    batch *b = xcalloc(1, sizeof *b);
    b->t = t;
    b->fonts = fonts;
    b->o = *opts;
    if (b->o.jobs == 0) b->o.jobs = batch_default_jobs();
    if (b->o.jobs > MAX_JOBS) b->o.jobs = MAX_JOBS;
    b->out_dir = xstrdup(opts->out_dir);
    b->im = importer_new(opts->backends);
    b->d = d;
    atomic_init(&b->cancel, false);
    b->manifest_path = out_path(b, "manifest.jsonl");
    /* The manifest is written under a temporary name and renamed at the end,
     * so a reader never sees half of one; creating it now is also the test
     * that the folder is writable, before any report is rendered. */
    b->manifest_tmp = xasprintf("%s.tmp-XXXXXX", b->manifest_path);
    int fd = mkstemp(b->manifest_tmp);
    if (fd < 0) {
        diag_add(d, DIAG_ERROR, opts->out_dir, NULL, "cannot write into the output folder: %s",
                 strerror(errno));
        free(b->manifest_tmp);
        b->manifest_tmp = NULL;
        batch_free(b);
        return NULL;
    }
    b->manifest = fdopen(fd, "w");
    if (!b->manifest) {
        diag_add(d, DIAG_ERROR, b->manifest_tmp, NULL, "cannot open: %s", strerror(errno));
        close(fd);
        batch_free(b);
        return NULL;
    }
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->work, NULL);
    pthread_cond_init(&b->space, NULL);
    pthread_cond_init(&b->rendered, NULL);
    b->cap = (size_t)b->o.jobs * SLOTS_PER_WORKER;
    b->ring = xcalloc(b->cap, sizeof *b->ring);
    return b;
}

static void slot_clear(slot *s) {
    free(s->source);
    free(s->id);
    free(s->name);
    report_free(s->r);
    diag_list_free(s->d);
    render_result_free(&s->res);
    *s = (slot){0};
}

void batch_free(batch *b) {
    if (!b) return;
    if (b->manifest) fclose(b->manifest);
    if (b->manifest_tmp) unlink(b->manifest_tmp); /* still there: the run did not finish */
    if (b->ring) {
        for (size_t i = 0; i < b->cap; i++) slot_clear(&b->ring[i]);
        free(b->ring);
        pthread_mutex_destroy(&b->mu);
        pthread_cond_destroy(&b->work);
        pthread_cond_destroy(&b->space);
        pthread_cond_destroy(&b->rendered);
    }
    str_map_free(&b->ids);
    warn_repeats_free(&b->repeats);
    importer_free(b->im);
    buf_free(&b->line);
    free(b->manifest_tmp);
    free(b->manifest_path);
    free(b->out_dir);
    free(b);
}

void batch_cancel(batch *b) {
    if (!b) return;
    atomic_store(&b->cancel, true);
    if (!b->ring) return;
    pthread_mutex_lock(&b->mu);
    pthread_cond_broadcast(&b->work);
    pthread_cond_broadcast(&b->space);
    pthread_mutex_unlock(&b->mu);
}

/* ---- producer: read, parse, claim the id ------------------------------- */

/* The id of a report that failed validation, when it has one, so that the
 * manifest says which report failed; NULL otherwise. */
static char *id_of_invalid(const char *json, size_t len) {
    cJSON *root = json_parse_raw(json, len, NULL);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
    char *out = cJSON_IsString(id) ? xstrdup(id->valuestring) : NULL;
    cJSON_Delete(root);
    return out;
}

/* --name: the file name from the report's fields; two reports that give one
 * name get -2, -3 … in input order (a pattern need not be unique). */
static void prepare_named(batch *b, slot *s, report *r) {
    char *missing = NULL;
    char *name = batch_pattern_name(b->o.name_pattern, r, &missing);
    s->id = xstrdup(r->id);
    if (!name) {
        diag_add(s->d, DIAG_ERROR, s->source, NULL,
                 "--name: the report has no %s (write {{%s|}} to leave it empty)", missing,
                 missing);
        free(missing);
        report_free(r);
        return;
    }
    size_t base = strlen(name) - 4; /* before ".pdf" */
    for (int k = 2; str_map_get(&b->ids, name) && k < 100000; k++) {
        char *next = xasprintf("%.*s-%d.pdf", (int)base, name, k);
        free(name);
        name = next;
    }
    str_map_put(&b->ids, name, s->source);
    s->name = name;
    s->r = r;
}

static void prepare(batch *b, slot *s, batch_item *item) {
    s->source = item->source;
    item->source = NULL;
    s->d = diag_list_new();
    if (item->error) {
        diag_add(s->d, DIAG_ERROR, s->source, NULL, "%s", item->error);
        return;
    }
    bool raw = false;
    report *r = import_parse(b->im, item->data, item->len, s->source, b->o.import, &raw, s->d);
    if (!r) {
        s->id = raw ? NULL : id_of_invalid(item->data, item->len);
        return;
    }
    if (b->o.name_pattern) {
        prepare_named(b, s, r);
        return;
    }
    char *name = batch_file_name(r->id);
    /* An id import made up (region and year) that another report of the
     * batch has: -2, -3 … in input order, so that two reports about one
     * region and year both get written. Ids written by hand stay errors. */
    for (int k = 2; raw && str_map_get(&b->ids, name) && k < 1000; k++) {
        char *id = xasprintf("%.90s-%d", r->id, k);
        free(name);
        name = batch_file_name(id);
        if (!str_map_get(&b->ids, name)) {
            diag_add(s->d, DIAG_WARNING, s->source, "$.id",
                     "id \"%s\" is taken by another report of the batch; written as \"%s\"",
                     r->id, id);
            free(r->id);
            r->id = id;
            break;
        }
        free(id);
    }
    s->id = xstrdup(r->id);
    if (strlen(name) != strlen(r->id) + 4 || strncmp(name, r->id, strlen(r->id)) != 0)
        diag_add(s->d, DIAG_WARNING, s->source, "$.id", "id \"%s\" is written as %s", r->id,
                 name);
    const char *first = str_map_get(&b->ids, name);
    if (first) {
        diag_add(s->d, DIAG_ERROR, s->source, "$.id",
                 "duplicate id \"%s\": %s has it too and is the one written", r->id,
                 first);
        free(name);
        report_free(r);
        return;
    }
    str_map_put(&b->ids, name, s->source);
    s->name = name;
    s->r = r;
}

/* ---- workers: render and write ----------------------------------------- */

/* The PDF writer's messages do not name the report (it knows none); every
 * message of the batch does, so that stderr alone says which report failed.
 * A message naming another file (a font, the template) keeps that name after
 * the report's. */
static void adopt_diags(diag_list *to, const diag_list *from, const char *source) {
    size_t n = strlen(source);
    for (size_t i = 0; i < diag_size(from); i++) {
        const char *text = diag_text_at(from, i), *msg = diag_message_at(from, i);
        diag_severity sev = diag_severity_at(from, i);
        if (strncmp(text, source, n) == 0 && text[n] == ':') {
            diag_add(to, sev, source, diag_path_at(from, i), "%s", msg);
            continue;
        }
        /* text is "[file: ][path: ][warning: ]message" */
        size_t skip = strlen(msg) + (sev == DIAG_WARNING ? strlen("warning: ") : 0);
        size_t prefix = strlen(text) >= skip ? strlen(text) - skip : 0;
        diag_add(to, sev, source, NULL, "%.*s%s", (int)prefix, text, msg);
    }
}

/* Renders the report into s->res; false when there is nothing to write (the
 * report failed now or before). */
static bool render_slot(batch *b, slot *s, render_cache *cache) {
    if (!s->r) return false;
    double t0 = now_s();
    diag_list *d = diag_list_new();
    render_opts ro = {.fallback_epoch = b->o.fallback_epoch, .cache = cache};
    bool ok = render_report(s->r, b->t, b->fonts, &ro, &s->res, d);
    report_free(s->r);
    s->r = NULL;
    adopt_diags(s->d, d, s->source);
    diag_list_free(d);
    s->ms = (now_s() - t0) * 1e3;
    return ok;
}

/* Writes a group of rendered slots: each to a temporary, then one sync of
 * the file system for all of them, then each renamed into place (see
 * file_write_temp). One journal commit per file cost a tenth of a batch's
 * CPU time (measured: 2.2 s of system time for the 2,850 reports of the
 * national set); per group it is noise, and no target ever holds a file
 * that is not complete and on disk. */
static void write_group(batch *b, slot **group, size_t n) {
    char **tmp = xcalloc(n, sizeof *tmp);
    char **path = xcalloc(n, sizeof *path);
    diag_list **d = xcalloc(n, sizeof *d);
    double t0 = now_s();
    size_t written = 0;
    for (size_t i = 0; i < n; i++) {
        d[i] = diag_list_new();
        path[i] = out_path(b, group[i]->name);
        tmp[i] = file_write_temp(path[i], group[i]->res.pdf, group[i]->res.pdf_len, d[i]);
        written += tmp[i] != NULL;
    }
    bool synced = true;
    if (written) {
        diag_list *sd = diag_list_new();
        synced = file_sync_fs(b->out_dir, sd);
        for (size_t i = 0; i < n && !synced; i++)
            if (tmp[i] && diag_size(sd))
                diag_add(d[i], DIAG_ERROR, path[i], NULL, "%s", diag_message_at(sd, 0));
        diag_list_free(sd);
    }
    double share = (now_s() - t0) * 1e3 / (double)n;
    for (size_t i = 0; i < n; i++) {
        slot *s = group[i];
        if (tmp[i] && synced && file_commit(tmp[i], path[i], d[i])) {
            s->ok = true;
            s->pages = s->res.pages;
            s->bytes = s->res.pdf_len;
        } else if (tmp[i] && !synced) {
            file_discard(tmp[i]);
        }
        free(path[i]);
        render_result_free(&s->res);
        adopt_diags(s->d, d[i], s->source);
        diag_list_free(d[i]);
        s->ms += share;
    }
    free(tmp);
    free(path);
    free(d);
}

/* ---- emitting, under the lock ------------------------------------------ */

static void clear_progress(batch *b) {
    if (b->progress_shown && b->o.log) fputs("\r\033[K", b->o.log);
    b->progress_shown = false;
}

static void draw_progress(batch *b) {
    if (!b->o.progress || !b->o.log) return;
    double t = now_s();
    if (t - b->last_draw < PROGRESS_PERIOD_S) return;
    b->last_draw = t;
    size_t done = b->ok + b->failed;
    double el = t - b->t0, rate = el > 0 ? (double)done / el : 0;
    char line[160];
    if (b->total_known && b->total >= done) {
        int n = snprintf(line, sizeof line, "%zu/%zu reports, %.0f/s", done, b->total, rate);
        if (rate > 0 && n > 0 && (size_t)n < sizeof line)
            snprintf(line + n, sizeof line - (size_t)n, ", %.0f s left",
                     (double)(b->total - done) / rate);
    } else {
        snprintf(line, sizeof line, "%zu reports, %.0f/s", done, rate);
    }
    if (b->failed) {
        size_t n = strlen(line);
        snprintf(line + n, sizeof line - n, ", %zu failed", b->failed);
    }
    fprintf(b->o.log, "\r\033[K%s", line);
    fflush(b->o.log);
    b->progress_shown = true;
}

static void emit(batch *b, slot *s) {
    batch_record rec = {.id = s->id,
                        .source = s->source,
                        .output = s->ok ? s->name : NULL,
                        .pages = s->pages,
                        .bytes = s->bytes,
                        .ms = s->ms,
                        .ok = s->ok,
                        .d = s->d};
    b->line.len = 0;
    batch_manifest_line(&b->line, &rec);
    if (!b->manifest_error && fwrite(b->line.data, 1, b->line.len, b->manifest) != b->line.len) {
        b->manifest_error = true;
        b->manifest_errno = errno;
    }
    if (s->ok)
        b->ok++;
    else
        b->failed++;
    if (b->o.log) {
        bool cleared = false;
        for (size_t i = 0; i < diag_size(s->d); i++) {
            bool warning = diag_severity_at(s->d, i) == DIAG_WARNING;
            if (b->o.quiet && warning) continue;
            /* A warning that only its report's name sets apart from one
             * already shown (the template lacks a font: every report says
             * so) is shown once and counted; the manifest keeps each
             * report's own list. */
            const char *text = diag_text_at(s->d, i);
            if (warning && warn_repeat(&b->repeats, s->d, i)) continue;
            if (!cleared) clear_progress(b), cleared = true;
            fprintf(b->o.log, "%s\n", text);
        }
    }
    draw_progress(b);
}

static void emit_ready(batch *b) {
    bool any = false;
    while (b->head < b->take && b->ring[b->head % b->cap].state == SLOT_DONE) {
        slot *s = &b->ring[b->head % b->cap];
        emit(b, s);
        slot_clear(s);
        b->head++;
        any = true;
    }
    if (any) pthread_cond_signal(&b->space);
}

static void *render_worker(void *arg) {
    batch *b = arg;
    render_cache *cache = render_cache_new(); /* this thread's, freed before it ends */
    pthread_mutex_lock(&b->mu);
    for (;;) {
        while (b->take == b->tail && !b->input_done && !atomic_load(&b->cancel))
            pthread_cond_wait(&b->work, &b->mu);
        if (atomic_load(&b->cancel) || b->take == b->tail) break;
        slot *s = &b->ring[b->take % b->cap];
        b->take++;
        s->state = SLOT_RUNNING;
        pthread_mutex_unlock(&b->mu);
        bool to_write = render_slot(b, s, cache);
        pthread_mutex_lock(&b->mu);
        if (to_write) {
            s->state = SLOT_RENDERED;
            b->n_rendered++;
            pthread_cond_signal(&b->rendered);
        } else {
            s->state = SLOT_DONE;
            emit_ready(b);
        }
    }
    /* the last one out lets the writers finish */
    if (--b->renderers_running == 0) pthread_cond_broadcast(&b->rendered);
    pthread_mutex_unlock(&b->mu);
    render_cache_free(cache);
    return NULL;
}

/* Writers take every rendered slot there is (up to GROUP_MAX), oldest
 * first, and write them as one group; they keep going after a cancel: what
 * was rendered is written, so the manifest stays a prefix. */
enum { GROUP_MAX = 64 };

static void *writer(void *arg) {
    batch *b = arg;
    slot *group[GROUP_MAX];
    pthread_mutex_lock(&b->mu);
    for (;;) {
        while (b->n_rendered == 0 && b->renderers_running > 0)
            pthread_cond_wait(&b->rendered, &b->mu);
        if (b->n_rendered == 0) break;
        size_t n = 0;
        for (size_t i = b->head; i < b->take && n < GROUP_MAX; i++) {
            slot *s = &b->ring[i % b->cap];
            if (s->state != SLOT_RENDERED) continue;
            s->state = SLOT_WRITING;
            b->n_rendered--;
            group[n++] = s;
        }
        pthread_mutex_unlock(&b->mu);
        write_group(b, group, n);
        pthread_mutex_lock(&b->mu);
        for (size_t i = 0; i < n; i++)
            group[i]->state = SLOT_DONE;
        emit_ready(b);
    }
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

/* ---- the run ----------------------------------------------------------- */

static bool finish_manifest(batch *b) {
    FILE *f = b->manifest;
    b->manifest = NULL;
    int err = b->manifest_error ? b->manifest_errno : 0;
    if (fflush(f) != 0 && !err) err = errno;
    if (!err && fsync(fileno(f)) != 0 && errno != EINVAL) err = errno;
    if (!err) fchmod(fileno(f), 0644); /* mkstemp made it 0600; see file_write_atomic */
    if (fclose(f) != 0 && !err) err = errno;
    if (!err && rename(b->manifest_tmp, b->manifest_path) != 0) err = errno;
    if (err) {
        diag_add(b->d, DIAG_ERROR, b->manifest_path, NULL, "cannot write: %s",
                 strerror(err ? err : EIO));
        return false; /* batch_free removes the temporary */
    }
    free(b->manifest_tmp);
    b->manifest_tmp = NULL;
    return true;
}

bool batch_run(batch *b, const char *const *inputs, size_t n_inputs, batch_stats *stats) {
    *stats = (batch_stats){0};
    if (b->ran) {
        diag_add(b->d, DIAG_ERROR, NULL, NULL, "batch: batch_run called twice");
        return false;
    }
    b->ran = true;
    b->t0 = now_s();
    if (b->o.progress) b->total_known = batch_input_count(inputs, n_inputs, &b->total);
    if (b->total_known && b->o.shard_count > 1) /* this shard's share of the positions */
        b->total = b->total > b->o.shard_index
                       ? (b->total - b->o.shard_index + b->o.shard_count - 1) / b->o.shard_count
                       : 0;

    unsigned n_workers = b->o.jobs;
    pthread_t *renderers = xcalloc(n_workers, sizeof *renderers);
    pthread_t *writers = xcalloc(N_WRITERS, sizeof *writers);
    unsigned n_renderers = 0, n_writers = 0;
    pthread_mutex_lock(&b->mu);
    b->renderers_running = n_workers; /* before any writer can see 0 */
    pthread_mutex_unlock(&b->mu);
    for (; n_renderers < n_workers; n_renderers++)
        if (pthread_create(&renderers[n_renderers], NULL, render_worker, b) != 0) break;
    pthread_mutex_lock(&b->mu);
    b->renderers_running -= n_workers - n_renderers; /* those that did not start */
    pthread_mutex_unlock(&b->mu);
    for (; n_renderers && n_writers < N_WRITERS; n_writers++)
        if (pthread_create(&writers[n_writers], NULL, writer, b) != 0) break;
    bool ok = n_renderers > 0 && n_writers > 0;
    if (!ok) {
        diag_add(b->d, DIAG_ERROR, NULL, NULL, "batch: cannot start the worker threads");
        batch_cancel(b); /* a renderer without a writer must not wait forever */
    }

    batch_input *in = batch_input_new(inputs, n_inputs, b->o.stdin_fd, REPORT_MAX_BYTES);
    size_t position = 0; /* of the item in the whole input stream, for --shard */
    while (ok) {
        pthread_mutex_lock(&b->mu);
        while (b->tail - b->head == b->cap && !atomic_load(&b->cancel))
            pthread_cond_wait(&b->space, &b->mu);
        pthread_mutex_unlock(&b->mu);
        if (atomic_load(&b->cancel)) break;
        batch_item item;
        if (!batch_input_next(in, &item, &b->cancel)) break;
        if (b->o.shard_count > 1 && position++ % b->o.shard_count != b->o.shard_index) {
            batch_item_clear(&item);
            continue;
        }
        /* the slot at tail is the producer's until tail moves past it */
        slot *s = &b->ring[b->tail % b->cap];
        prepare(b, s, &item);
        batch_item_clear(&item);
        pthread_mutex_lock(&b->mu);
        s->state = SLOT_READY;
        b->tail++;
        pthread_cond_signal(&b->work);
        pthread_mutex_unlock(&b->mu);
    }
    batch_input_free(in);
    pthread_mutex_lock(&b->mu);
    b->input_done = true;
    pthread_cond_broadcast(&b->work);
    pthread_mutex_unlock(&b->mu);
    for (unsigned i = 0; i < n_renderers; i++) pthread_join(renderers[i], NULL);
    for (unsigned i = 0; i < n_writers; i++) pthread_join(writers[i], NULL);
    free(renderers);
    free(writers);

    /* Cancelled: what was parsed but never taken is dropped; everything
     * taken has been emitted, so the manifest is a prefix of the inputs. */
    for (size_t i = b->take; i < b->tail; i++) slot_clear(&b->ring[i % b->cap]);
    b->tail = b->take;

    clear_progress(b); /* the workers are gone: no lock needed */
    if (b->o.log && !b->o.quiet) warn_repeats_print(&b->repeats, b->o.log, "reports");

    stats->reports = b->ok + b->failed;
    stats->ok = b->ok;
    stats->failed = b->failed;
    stats->interrupted = ok && atomic_load(&b->cancel);
    stats->seconds = now_s() - b->t0;
    bool written = finish_manifest(b);
    if (b->o.log && !b->o.quiet) {
        char line[200];
        batch_summary(stats, line, sizeof line);
        fprintf(b->o.log, "%s\n", line);
    }
    return ok && written;
}
