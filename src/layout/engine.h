/* The layout engine: flows styled text blocks and tables onto pages by the
 * Chinese line-breaking rules (docs/typography.md) and produces a layout_doc.
 * One engine lays out one document; it reads the template and the shared
 * font_lib and owns nothing of them. */
#ifndef BRIEFING_LAYOUT_ENGINE_H
#define BRIEFING_LAYOUT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "../font/font.h"
#include "../tmpl/tmpl.h"
#include "../util/diag.h"
#include "layout.h"

typedef struct layout_engine layout_engine;

/* Pages per document (documented in docs/limits.md). A 10 MB paragraph in the
 * default template takes about 3,000; the limit stops runaway input (or a
 * template that repeats the body) from taking minutes and gigabytes, well
 * below libharu's own limit on one page tree (32,767 kids). */
#define LAYOUT_MAX_PAGES 5000

/* Character warnings (characters no font has, right-to-left text) listed
 * per document; the rest are counted in one final warning. */
#define LAYOUT_MAX_CHAR_WARNINGS 100

/* Resolves every style's font role to the faces the font_lib has. A role
 * none of whose families is available is an error naming the template path.
 * source names the report in diagnostics (character warnings). */
layout_engine *layout_engine_new(const tmpl *t, const font_lib *fonts, const char *source,
                                 diag_list *d);
void layout_engine_free(layout_engine *e); /* accepts NULL */

/* A block of text in one style. path is the JSON path of the text in the
 * report (for warnings). outline_level > 0 adds a bookmark. keep_after is the
 * height that must fit on the same page after the block (a heading asks for
 * room for the first lines of what follows). */
void layout_text(layout_engine *e, tmpl_style_id style, const char *text, size_t len,
                 const char *path, int outline_level, double keep_after);

/* A horizontal rule across the type area in the template's rule colour. */
void layout_add_rule(layout_engine *e, double space_before, double space_after);

/* Height one line of a style takes (for keep_after). */
double layout_line_height(const layout_engine *e, tmpl_style_id style);

typedef struct layout_table_cell {
    const char *text; /* UTF-8, NUL-terminated */
    const char *path; /* JSON path for warnings, may be NULL */
} layout_table_cell;

typedef struct layout_table_row {
    layout_table_cell *cells; /* n_cols cells, or one cell for a group row */
    bool group;               /* a category row spanning all columns */
} layout_table_row;

typedef struct layout_table {
    size_t n_cols;
    const double *widths;      /* fractions of the type area, summing to 1 */
    const tmpl_align *align;   /* per column */
    const char *const *header; /* n_cols header texts */
    const layout_table_row *rows;
    size_t n_rows;
    const char *caption;       /* may be NULL */
} layout_table;

/* A three-line table (thick top and bottom rules, a thin rule under the
 * header); the header repeats on every page the table continues on, and rows
 * are never split across pages unless a row is taller than a page. */
void layout_table_add(layout_engine *e, const layout_table *t);

/* True once the document outgrew LAYOUT_MAX_PAGES (an error was added to
 * the engine's diagnostics); layout_* calls then do nothing. */
bool layout_failed(const layout_engine *e);

/* Adds footers (page numbers) and hands over the document, which the caller
 * frees with layout_doc_free. The engine is spent afterwards. */
layout_doc *layout_finish(layout_engine *e);

#endif
