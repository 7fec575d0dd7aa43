/* Render workers for briefing serve (serve_pool.h). */
#define _POSIX_C_SOURCE 200809L
#include "serve/serve_pool.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/xalloc.h"

struct serve_pool {
    serve_pool_ctx ctx;
    pthread_mutex_t mu;
    pthread_cond_t work, space;
    serve_job **ring;
    size_t cap, head, count, running;
    bool stopping;
    pthread_t *threads;
    unsigned n_threads;
};

double serve_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

serve_job *serve_job_new(serve_job_kind kind, char *data, size_t len, const char *source,
                         const tmpl *t) {
    serve_job *j = xcalloc(1, sizeof *j);
    j->kind = kind;
    j->data = data;
    j->len = len;
    j->source = xstrdup(source);
    j->t = t;
    j->d = diag_list_new();
    j->refs = 1;
    j->state = JOB_QUEUED;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&j->done, &ca);
    pthread_condattr_destroy(&ca);
    return j;
}

static void job_free(serve_job *j) {
    free(j->data);
    free(j->source);
    free(j->id);
    render_result_free(&j->res);
    diag_list_free(j->d);
    pthread_cond_destroy(&j->done);
    free(j);
}

/* cJSON's global error state is guarded where every parse goes through
 * (util/json_text.c), so reports are parsed in parallel too. */
static void run_job(serve_pool *p, serve_job *j, render_cache *cache) {
    double t0 = serve_now();
    report *r = import_parse(p->ctx.im, j->data, j->len, j->source, NULL, &j->was_raw, j->d);
    if (r) {
        j->id = xstrdup(r->id);
        if (j->kind == JOB_CHECK) {
            j->ok = diag_count(j->d, DIAG_ERROR) == 0;
        } else {
            render_opts o = {.fallback_epoch = p->ctx.fallback_epoch, .cache = cache};
            j->ok = render_report(r, j->t, p->ctx.fonts, &o, &j->res, j->d);
        }
        report_free(r);
    }
    free(j->data); /* the report is no longer needed: memory back early */
    j->data = NULL;
    j->ms = (serve_now() - t0) * 1000;
}

static void *worker(void *arg) {
    serve_pool *p = arg;
    render_cache *cache = render_cache_new(); /* this worker's glyphs, kept across requests */
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->count && !p->stopping) pthread_cond_wait(&p->work, &p->mu);
        if (!p->count) break; /* stopping and nothing left */
        serve_job *j = p->ring[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--;
        pthread_cond_signal(&p->space);
        if (j->abandoned) { /* its client is gone or past its deadline */
            if (--j->refs == 0) job_free(j);
            continue;
        }
        j->state = JOB_RUNNING;
        p->running++;
        pthread_mutex_unlock(&p->mu);
        run_job(p, j, cache);
        pthread_mutex_lock(&p->mu);
        p->running--;
        j->state = JOB_DONE;
        pthread_cond_broadcast(&j->done);
        if (--j->refs == 0) job_free(j);
    }
    pthread_mutex_unlock(&p->mu);
    render_cache_free(cache);
    return NULL;
}

serve_pool *serve_pool_new(unsigned workers, unsigned queue, const serve_pool_ctx *ctx) {
    serve_pool *p = xcalloc(1, sizeof *p);
    p->ctx = *ctx;
    p->cap = queue ? queue : 1;
    p->ring = xcalloc(p->cap, sizeof *p->ring);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->space, NULL);
    p->threads = xcalloc(workers ? workers : 1, sizeof *p->threads);
    for (unsigned i = 0; i < workers; i++)
        if (pthread_create(&p->threads[p->n_threads], NULL, worker, p) == 0) p->n_threads++;
    if (!p->n_threads) {
        serve_pool_free(p);
        return NULL;
    }
    return p;
}

void serve_pool_free(serve_pool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_cond_broadcast(&p->work);
    pthread_cond_broadcast(&p->space);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->n_threads; i++) pthread_join(p->threads[i], NULL);
    free(p->threads);
    free(p->ring);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->space);
    free(p);
}

bool serve_pool_submit(serve_pool *p, serve_job *j, bool wait) {
    pthread_mutex_lock(&p->mu);
    while (wait && p->count == p->cap && !p->stopping) pthread_cond_wait(&p->space, &p->mu);
    if (p->count == p->cap || p->stopping) {
        pthread_mutex_unlock(&p->mu);
        return false;
    }
    j->refs++; /* the queue's */
    p->ring[(p->head + p->count) % p->cap] = j;
    p->count++;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
    return true;
}

bool serve_pool_wait(serve_pool *p, serve_job *j, double deadline) {
    struct timespec ts;
    if (deadline > 0) {
        /* the job's condition variable runs on CLOCK_MONOTONIC too */
        ts.tv_sec = (time_t)deadline;
        ts.tv_nsec = (long)((deadline - (double)ts.tv_sec) * 1e9);
    }
    pthread_mutex_lock(&p->mu);
    while (j->state != JOB_DONE) {
        if (deadline <= 0) pthread_cond_wait(&j->done, &p->mu);
        else if (pthread_cond_timedwait(&j->done, &p->mu, &ts) != 0 && serve_now() >= deadline)
            break;
    }
    bool done = j->state == JOB_DONE;
    pthread_mutex_unlock(&p->mu);
    return done;
}

void serve_pool_release(serve_pool *p, serve_job *j) {
    pthread_mutex_lock(&p->mu);
    j->abandoned = true;
    bool last = --j->refs == 0;
    pthread_mutex_unlock(&p->mu);
    if (last) job_free(j);
}

void serve_pool_load(serve_pool *p, size_t *queued, size_t *running) {
    pthread_mutex_lock(&p->mu);
    *queued = p->count;
    *running = p->running;
    pthread_mutex_unlock(&p->mu);
}
