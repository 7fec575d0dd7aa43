/* Rendering: one report through one template into PDF bytes. This is the
 * library's front door; the CLI, batch runs, benches and tests all call it. */
#ifndef BRIEFING_RENDER_H
#define BRIEFING_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "../font/font.h"
#include "../layout/layout.h"
#include "../report/report.h"
#include "../tmpl/tmpl.h"
#include "../util/diag.h"

typedef struct render_result {
    char *pdf;          /* malloc'ed PDF bytes, owned by the result */
    size_t pdf_len;
    layout_doc *layout; /* kept only when asked for (render_opts.keep_layout) */
    size_t pages;
} render_result;

typedef struct render_opts {
    bool keep_layout;
    /* Document date when the report has none: seconds since the epoch, or -1
     * for no date (the SOURCE_DATE_EPOCH convention is applied by the CLI). */
    long long fallback_epoch;
} render_opts;

/* Lays out and writes the report. Diagnostics (warnings for characters no
 * font has, errors) go to d. Returns false on error; *out is then empty. */
bool render_report(const report *r, const tmpl *t, const font_lib *fonts, const render_opts *opts,
                   render_result *out, diag_list *d);

void render_result_free(render_result *res);

/* Formats an indicator value the way a reader expects it: no exponent, no
 * trailing zeros, at most four decimals ("99.65", "2489", "0.5"). */
void render_format_number(double v, char *out, size_t size);

#endif
