/* The batch manifest (OUTDIR/manifest.jsonl): one JSON object per report, in
 * input order, and the file names reports are written under. */
#ifndef BRIEFING_BATCH_MANIFEST_H
#define BRIEFING_BATCH_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/buf.h"
#include "../util/diag.h"

/* What became of one report. */
typedef struct batch_record {
    const char *id;     /* NULL when the report could not be read far enough */
    const char *source; /* "dir/x.json" or "x.ndjson:12" */
    const char *output; /* file name inside OUTDIR; NULL when nothing was written */
    size_t pages, bytes;
    double ms;
    bool ok;
    const diag_list *d; /* its warnings and errors */
} batch_record;

/* Appends the record as one JSON line (with the newline):
 * {"id":..,"source":..,"output":..,"pages":N,"bytes":N,"milliseconds":N,
 *  "status":"ok"|"error","warnings":[..],"errors":[..]} */
void batch_manifest_line(buf *b, const batch_record *rec);

/* Appends s as a JSON string. Bytes that are not UTF-8 (file names may hold
 * any) become U+FFFD, so every line stays valid JSON. */
void batch_json_string(buf *b, const char *s);

/* The file name for a report id: "<id>.pdf" with every byte outside
 * [A-Za-z0-9._-] replaced by '_', no leading '.', at most 200 bytes before the
 * extension (room for the atomic writer's temporary suffix under NAME_MAX).
 * report_parse already insists on such slugs; this is the second line of
 * defence, since a bad name here would write outside OUTDIR. Caller frees. */
char *batch_file_name(const char *id);

/* The file name --name PATTERN gives a report: the pattern's {{field}}
 * references expanded as in templates ("{{region.name}}{{year}}年简报",
 * Chinese kept), then made safe: '/', '\\', control characters and a
 * leading '.' or blank become '_', cut at 200 bytes between characters,
 * ".pdf" added. NULL with *missing (malloc'ed) naming a field the report
 * lacks. */
struct report;
char *batch_pattern_name(const char *pattern, const struct report *r, char **missing);

#endif
