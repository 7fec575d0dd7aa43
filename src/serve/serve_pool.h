/* The render workers of briefing serve: a fixed set of threads taking jobs
 * from a bounded queue. A job is one report to import and then render or
 * check; the thread that submitted it waits for it (or gives up at its
 * deadline and leaves the job to be dropped or finished and freed). */
#ifndef BRIEFING_SERVE_POOL_H
#define BRIEFING_SERVE_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "../font/font.h"
#include "../import/import.h"
#include "../render/render.h"
#include "../tmpl/tmpl.h"
#include "../util/diag.h"

typedef enum { JOB_RENDER, JOB_CHECK } serve_job_kind;
typedef enum { JOB_QUEUED, JOB_RUNNING, JOB_DONE } serve_job_state;

typedef struct serve_job {
    /* in: set by the submitter, read-only afterwards */
    serve_job_kind kind;
    char *data;       /* owned (malloc'ed): a job may outlive its submitter's wait */
    size_t len;
    char *source;     /* owned */
    const tmpl *t;
    /* out: valid once state is JOB_DONE */
    bool ok;
    bool was_raw;
    char *id;         /* the report's id, NULL when it did not parse */
    render_result res;
    diag_list *d;
    double ms;        /* import and render on the worker */
    /* the pool's bookkeeping, under its lock */
    serve_job_state state;
    bool abandoned;   /* the submitter gave up: drop unstarted, free when done */
    int refs;
    pthread_cond_t done;
} serve_job;

typedef struct serve_pool serve_pool;

typedef struct serve_pool_ctx {
    const font_lib *fonts;
    importer *im;
    long long fallback_epoch;
} serve_pool_ctx;

serve_pool *serve_pool_new(unsigned workers, unsigned queue, const serve_pool_ctx *ctx);
void serve_pool_free(serve_pool *p); /* finishes the queued jobs first */

/* A new job holding one reference for the submitter; it takes data
 * (malloc'ed) over. */
serve_job *serve_job_new(serve_job_kind kind, char *data, size_t len, const char *source,
                         const tmpl *t);

/* Queues the job. With wait, blocks while the queue is full; without, returns
 * false at once when it is full (the caller answers 503). */
bool serve_pool_submit(serve_pool *p, serve_job *j, bool wait);

/* Waits until the job is done or the deadline (CLOCK_MONOTONIC seconds, 0:
 * none) passes; true when done. */
bool serve_pool_wait(serve_pool *p, serve_job *j, double deadline);

/* Drops the submitter's reference: a job still queued is never started, a
 * running one is freed when it ends. The caller must not touch j again. */
void serve_pool_release(serve_pool *p, serve_job *j);

/* Jobs waiting and running, for /metrics. */
void serve_pool_load(serve_pool *p, size_t *queued, size_t *running);

double serve_now(void); /* CLOCK_MONOTONIC seconds */

#endif
