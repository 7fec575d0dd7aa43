/* Batch rendering: many reports into one output folder on a pool of threads
 * that share one font_lib and one tmpl (both read-only).
 *
 *   batch *b = batch_new(t, fonts, &(batch_opts){.out_dir = "out", .log = stderr}, d);
 *   batch_stats st;
 *   if (b) batch_run(b, inputs, n_inputs, &st);   // batch_cancel(b) from any thread
 *   batch_free(b);
 *
 * For each report the batch writes OUTDIR/<id>.pdf (atomically) and one line
 * of OUTDIR/manifest.jsonl, in input order whatever the thread scheduling
 * (docs/batch.md has the format). A report that fails is reported (in the
 * manifest and on the log) and the others go on. Two reports with one id: the
 * first in input order is written, every later one is an error naming the
 * first one's source.
 *
 * Memory stays bounded whatever the batch size: inputs are read one report at
 * a time (batch_input.h) into a window of a few reports per worker; only the
 * set of ids seen (for duplicates) grows with the batch: about 100 bytes per
 * report (its id and source). */
#ifndef BRIEFING_BATCH_H
#define BRIEFING_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../font/font.h"
#include "../import/import.h"
#include "../tmpl/tmpl.h"
#include "../util/diag.h"

typedef struct batch batch;

typedef struct batch_opts {
    const char *out_dir; /* created (with its parents) when missing */
    unsigned jobs;       /* render threads, each with a writer; 0: one per online core */
    /* document date for reports without one, as render_opts.fallback_epoch */
    long long fallback_epoch;
    bool progress; /* redraw a progress line on log (meant for a terminal) */
    bool quiet;    /* neither warnings nor the summary on log; errors still */
    FILE *log;     /* per-report messages, progress, summary; NULL: none */
    int stdin_fd;  /* read for the input "-" (0 for standard input) */
    const import_opts *import; /* how raw reports are read (NULL: detected) */
    struct backends *backends; /* what reads them (src/backend/backend.h); not owned */
    const char *name_pattern; /* output names from report fields (batch_pattern_name);
                                 NULL: <id>.pdf */
    /* --shard K/N: with shard_count > 1 this batch handles only the reports
     * whose 0-based position i in the input stream (every item, readable or
     * not, counts) has i % shard_count == shard_index. Shards need no
     * coordinator: each reads the same inputs and keeps its own share.
     * Duplicate ids and --name repeats are only seen within one shard. */
    unsigned shard_index, shard_count;
} batch_opts;

typedef struct batch_stats {
    size_t reports, ok, failed;
    double seconds;
    bool interrupted; /* batch_cancel was called before the inputs ran out */
} batch_stats;

/* Checks the options, creates the output folder and opens the manifest (as a
 * temporary file, renamed into place by batch_run). NULL with a diagnostic
 * naming the folder when it cannot be created or written. t and fonts are
 * borrowed and must outlive the batch. */
batch *batch_new(const tmpl *t, const font_lib *fonts, const batch_opts *opts, diag_list *d);

/* Renders every report the inputs name (see batch_input.h for the forms).
 * Returns false when the batch itself failed (the manifest could not be
 * written; a diagnostic is in the batch_new's list); failed reports only
 * count in *stats. Call once per batch. */
bool batch_run(batch *b, const char *const *inputs, size_t n_inputs, batch_stats *stats);

/* Asks a running batch to stop: no new report starts, the ones in progress
 * finish and are written, and the manifest lists exactly the reports
 * handled, which are a prefix of the inputs. Safe from any thread, but not
 * from a signal handler (it wakes waiting threads through a condition
 * variable): the CLI waits for signals on a thread of its own. */
void batch_cancel(batch *b);

void batch_free(batch *b); /* accepts NULL */

/* The worker count used for opts.jobs == 0. */
unsigned batch_default_jobs(void);

/* "2850 reports: 2849 ok, 1 failed, 9.5 s, 300 reports/s" (no newline). */
void batch_summary(const batch_stats *st, char *out, size_t size);

#endif
