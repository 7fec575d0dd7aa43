/* The layout engine: flows styled text blocks, tables and charts onto pages
 * by the Chinese line-breaking rules (docs/typography.md) and produces a
 * layout_doc. One engine lays out one document; it reads the template and the
 * shared font_lib and owns nothing of them.
 *
 * Horizontal positions given to the engine (x0, x1 of a box) are offsets
 * from the left edge of the measure: the type area, or on a grid
 * (GB/T 9704) the grid's characters per line. */
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

/* A block of text in one style across the measure. path is the JSON path of
 * the text in the report (for warnings). outline_level > 0 adds a bookmark.
 * keep_after is the height that must fit on the same page after the block (a
 * heading asks for room for the first lines of what follows). */
void layout_text(layout_engine *e, tmpl_style_id style, const char *text, size_t len,
                 const char *path, int outline_level, double keep_after);

/* The same within [x0, x1] of the measure, aligned as given, without the
 * style's first-line indent and space before and after (for text placed by
 * the caller, such as a signature). */
void layout_text_box(layout_engine *e, tmpl_style_id style, const char *text, size_t len,
                     const char *path, double x0, double x1, tmpl_align align);

/* One line in one style: left flush left, right flush right (either may be
 * empty). When both do not fit on one line, right goes on a line of its own. */
void layout_text_pair(layout_engine *e, tmpl_style_id style, const char *left, const char *right,
                      const char *path);

/* Width of text set on one line, in points. */
double layout_text_width(layout_engine *e, tmpl_style_id style, const char *text, size_t len);

/* Width of the measure, points. */
double layout_measure(const layout_engine *e);

/* A horizontal rule across the measure in the template's rule colour. */
void layout_add_rule(layout_engine *e, double space_before, double space_after);
void layout_add_rule_styled(layout_engine *e, double space_before, double space_after,
                            double width, uint32_t color);

/* Vertical space (on a grid, rounded to whole lines); dropped at a page top. */
void layout_vspace(layout_engine *e, double h);

/* Starts a new page unless h points still fit on the current one (so that
 * what follows, e.g. a signature's two lines, stays together). */
void layout_keep(layout_engine *e, double h);

/* Starts a new page unless the current one is still empty. */
void layout_page_break(layout_engine *e);

/* Pages so far. */
size_t layout_page_count(const layout_engine *e);

/* Height one line of a style takes (for keep_after). */
double layout_line_height(const layout_engine *e, tmpl_style_id style);

/* Replaces the template's footer text ({{page}} and {{pages}} are replaced
 * per page; other fields must already be expanded). NULL: no footer. */
void layout_set_footer(layout_engine *e, const char *text);

/* ---- tables ------------------------------------------------------------------ */

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
    const tmpl_width *widths;       /* per column */
    const tmpl_cell_align *align;   /* per column */
    const char *const *header;      /* n_cols header texts */
    const layout_table_row *rows;
    size_t n_rows;
    const char *caption;            /* may be NULL */
    const char *caption_path;       /* template path of the caption, for warnings */
    const tmpl_table *look;         /* ruling, padding, zebra, styles */
} layout_table;

/* A table across the measure: by default three-line (thick top and bottom
 * rules, a thin rule under the header), or a full grid, or no rules. The
 * header repeats on every page the table continues on; rows are never split
 * across pages unless a row is taller than a page, which is then split
 * between lines. A group row stays with the row after it. */
void layout_table_add(layout_engine *e, const layout_table *t);

/* ---- charts ------------------------------------------------------------------ */

typedef struct layout_bar {
    const char *label;      /* left of the bar */
    double value;
    const char *value_text; /* at the end of the bar */
} layout_bar;

typedef struct layout_chart {
    const char *caption; /* may be NULL */
    tmpl_style_id caption_style, label_style;
    const layout_bar *bars;
    size_t n_bars;
    double bar_height, bar_gap;
    double label_width; /* 0: as wide as the widest label */
    uint32_t bar_color, axis_color;
} layout_chart;

/* A horizontal bar chart drawn as vectors (rects and rules): one bar per
 * entry, a zero axis, and a scale with round tick values below. */
void layout_chart_add(layout_engine *e, const layout_chart *c);

/* ---- finishing ---------------------------------------------------------------- */

/* True once the document outgrew LAYOUT_MAX_PAGES (an error was added to
 * the engine's diagnostics); layout_* calls then do nothing. */
bool layout_failed(const layout_engine *e);

/* Adds footers (page numbers) and hands over the document, which the caller
 * frees with layout_doc_free. The engine is spent afterwards. */
layout_doc *layout_finish(layout_engine *e);

/* Drops every page after the first n (and their lines and bookmarks). */
void layout_doc_truncate(layout_doc *d, size_t n);

#endif
