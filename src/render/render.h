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
    size_t cuts;        /* texts shortened or dropped to keep within $.page_limit */
} render_result;

/* What one thread keeps from one document to the next (the glyph programs
 * of CFF faces, flattened): a batch worker makes one, renders its documents
 * with it and frees it, before the font_lib they were rendered with. Never
 * shared between threads. The documents are the same bytes with or
 * without one. */
typedef struct render_cache render_cache;
render_cache *render_cache_new(void);
void render_cache_free(render_cache *cache); /* accepts NULL */

typedef struct render_opts {
    bool keep_layout;
    /* Document date when the report has none: seconds since the epoch, or -1
     * for no date (the SOURCE_DATE_EPOCH convention is applied by the CLI). */
    long long fallback_epoch;
    /* Comparisons: the indicator rows are sorted by (its key or label); NULL
     * for the template's choice. */
    const char *sort;
    /* "NAME=VALUE" entries overriding the template's $.variables. */
    const char *const *vars;
    size_t n_vars;
    /* The process renders this one document and exits: glyph outlines are
     * read from the font files (pread) instead of through their mappings,
     * where every page touched costs a fault (7 ms of a 30 ms run here).
     * Leave false in a batch, whose mapped pages serve every document.
     * The output is the same either way. */
    bool read_outlines;
    /* This thread's cache (render_cache_new), or NULL. */
    render_cache *cache;
} render_opts;

/* Lays out and writes the report. Diagnostics (warnings for characters no
 * font has, for text cut to fit a page limit; errors) go to d. Returns false
 * on error; *out is then empty. */
bool render_report(const report *r, const tmpl *t, const font_lib *fonts, const render_opts *opts,
                   render_result *out, diag_list *d);

/* One document from several reports, for templates that compare them
 * (blocks "compare" and "chart"; blocks that show one report's text need
 * n == 1). render_report is render_reports with one report. */
bool render_reports(const report *const *reports, size_t n, const tmpl *t, const font_lib *fonts,
                    const render_opts *opts, render_result *out, diag_list *d);

void render_result_free(render_result *res);

/* Adds to fonts the families the template's roles name that its manifest
 * lacks, from the system's fonts (font_lib_add_system, through b's
 * fontconfig backend). Call once, after loading both and before rendering.
 * False (with an error in d) when the backend was needed and could not be
 * loaded. */
struct backends;
bool render_add_system_fonts(const tmpl *t, font_lib *fonts, struct backends *b, diag_list *d);

/* Whether every font role the template's styles use has an installed face:
 * false with an error per role otherwise (a template the machine cannot set,
 * reported before any report is read). */
bool render_check_fonts(const tmpl *t, const font_lib *fonts, diag_list *d);

/* Formats an indicator value the way a reader expects it: no exponent, no
 * trailing zeros, at most four decimals ("99.65", "2489", "0.5"). */
void render_format_number(double v, char *out, size_t size);

#endif
