/* Batch inputs: the command line's list of report files, folders and NDJSON
 * streams, read one report at a time so that a batch of any size needs the
 * memory of one report (plus the sorted names of one folder).
 *
 *   FILE                 one report: JSON, or a raw document (import.h)
 *   DIR                  every report file directly in DIR (*.json, and raw
 *                        *.txt, *.html, *.docx), in byte order of the names
 *                        (not locale order: the same on every machine)
 *   FILE.ndjson, .jsonl  one report per line; blank lines are skipped
 *   -                    NDJSON on standard input
 *
 * Anything that cannot be read (missing file, unreadable folder, a line over
 * the size limit) becomes an item carrying an error, so the batch reports it
 * in its place and carries on. */
#ifndef BRIEFING_BATCH_INPUT_H
#define BRIEFING_BATCH_INPUT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct batch_input batch_input;

typedef struct batch_item {
    char *source; /* "dir/x.json", "x.ndjson:12" or "<stdin>:3" */
    char *data;   /* the report's bytes, NUL-terminated; NULL when error is set */
    size_t len;
    char *error;  /* why the item could not be read, without the source */
} batch_item;

/* args are borrowed and must outlive the batch_input. stdin_fd is read for
 * "-" (pass 0; tests pass a pipe). max_bytes bounds one report. */
batch_input *batch_input_new(const char *const *args, size_t n_args, int stdin_fd,
                             size_t max_bytes);
void batch_input_free(batch_input *in); /* accepts NULL */

/* Fills *item (which the caller then owns: batch_item_clear) and returns
 * true, or returns false at the end of the inputs. While it waits on a pipe it
 * polls *cancel and ends early once it is set (cancel may be NULL). */
bool batch_input_next(batch_input *in, batch_item *item, const atomic_bool *cancel);
void batch_item_clear(batch_item *item);

/* How many items the arguments hold, counted ahead for progress estimates;
 * false when that is unknown (standard input). Counts NDJSON lines by reading
 * the files once, which the page cache makes cheap for the second pass. */
bool batch_input_count(const char *const *args, size_t n_args, size_t *count);

/* The kind an argument names, by its name alone. */
bool batch_input_is_ndjson_name(const char *path);

#endif
