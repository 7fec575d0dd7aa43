/* Templates: page geometry, fonts by role, named styles, tables and the
 * order of blocks, read from a JSON file (templates/NAME.json, documented in
 * docs/templates.md). tmpl_load validates every key and reports each problem
 * with the template file and JSON path; unknown keys are errors because a
 * misspelt key would otherwise be silently ignored. A tmpl is read-only after
 * loading and owned by the caller (tmpl_free). */
#ifndef BRIEFING_TMPL_H
#define BRIEFING_TMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "../util/diag.h"

typedef enum { TMPL_LEFT, TMPL_CENTER, TMPL_RIGHT, TMPL_JUSTIFY } tmpl_align;

/* A style is named by its index in tmpl.styles: the built-in styles every
 * template defines come first, in the order below; a template may add styles
 * of its own after them (blocks name them with "style"). */
typedef unsigned tmpl_style_id;
enum {
    TMPL_STYLE_TITLE,
    TMPL_STYLE_META,
    TMPL_STYLE_HEADING1,
    TMPL_STYLE_HEADING2,
    TMPL_STYLE_HEADING3,
    TMPL_STYLE_HEADING4,
    TMPL_STYLE_PARAGRAPH,
    TMPL_STYLE_SUMMARY,
    TMPL_STYLE_TABLE_HEADER,
    TMPL_STYLE_TABLE_CELL,
    TMPL_STYLE_TABLE_GROUP,
    TMPL_STYLE_FOOTER,
    TMPL_STYLE_COUNT
};

typedef struct tmpl_style {
    char *name;
    char *font;          /* font role name */
    double size;         /* points */
    double leading;      /* line pitch as a multiple of size */
    uint32_t color;      /* 0xRRGGBB */
    double indent;       /* first-line indent, em */
    double space_before; /* points */
    double space_after;  /* points */
    tmpl_align align;
    bool bold;           /* synthetic bold when the face has none */
} tmpl_style;

typedef struct tmpl_font_role {
    char *name;
    char **families; /* fallback chain, first preferred */
    size_t n_families;
} tmpl_font_role;

/* ---- tables ---------------------------------------------------------------- */

typedef enum { TMPL_RULING_THREE_LINE, TMPL_RULING_GRID, TMPL_RULING_NONE } tmpl_ruling;

/* How wide a column is: a fixed length, a share of what fixed and automatic
 * columns leave ("2fr"), a percentage of the table width, or the width of
 * its content ("auto"). */
typedef enum { TMPL_WIDTH_AUTO, TMPL_WIDTH_FIXED, TMPL_WIDTH_FR, TMPL_WIDTH_PERCENT } tmpl_width_kind;
typedef struct tmpl_width {
    tmpl_width_kind kind;
    double value; /* points, fr or percent */
} tmpl_width;

/* Cell alignment; DECIMAL right-aligns numbers on their decimal point. */
typedef enum { TMPL_CELL_LEFT, TMPL_CELL_CENTER, TMPL_CELL_RIGHT, TMPL_CELL_DECIMAL } tmpl_cell_align;

/* What an indicator table's column shows. */
typedef enum {
    TMPL_FIELD_LABEL,
    TMPL_FIELD_VALUE,
    TMPL_FIELD_UNIT,
    TMPL_FIELD_VALUE_UNIT, /* "99.65%" */
    TMPL_FIELD_CATEGORY,
    TMPL_FIELD_KEY,
    TMPL_FIELD_NUMBER, /* 1, 2, 3 … row number */
} tmpl_field;

typedef struct tmpl_column {
    tmpl_field field;
    char *header;
    tmpl_width width;
    tmpl_cell_align align;
} tmpl_column;

/* The look of every table of a template ($.table). */
typedef struct tmpl_table {
    tmpl_ruling ruling;
    double rule_thick, rule_thin; /* points: outer rules, inner rules */
    uint32_t rule_color;
    double pad_x, pad_y;          /* cell padding, points */
    bool zebra;
    uint32_t zebra_color;
    char *continued; /* shown above the header on continuation pages; may be NULL */
    tmpl_style_id header_style, cell_style, group_style, caption_style;
    double space_before, space_after;
    /* Indicator tables (block "indicators"). */
    char *caption; /* may be NULL */
    tmpl_column *columns;
    size_t n_columns;
} tmpl_table;

/* ---- blocks ---------------------------------------------------------------- */

typedef enum {
    TMPL_BLOCK_TITLE,
    TMPL_BLOCK_META,
    TMPL_BLOCK_RULE,
    TMPL_BLOCK_INDICATORS,
    TMPL_BLOCK_SUMMARY,
    TMPL_BLOCK_SECTIONS,
    TMPL_BLOCK_TEXT,
    TMPL_BLOCK_POINTS,
    TMPL_BLOCK_SIGNATURE,
    TMPL_BLOCK_PAGE_BREAK,
    TMPL_BLOCK_SPACE,
    TMPL_BLOCK_COMPARE,
    TMPL_BLOCK_CHART,
    TMPL_BLOCK_TYPE_COUNT
} tmpl_block_type;

/* Which indicators an indicator table shows when it has a limit. */
typedef enum { TMPL_PICK_FIRST, TMPL_PICK_SPREAD, TMPL_PICK_RANK } tmpl_pick;

/* One block of the document, with the options of its type (the others keep
 * their defaults). Texts may hold {{field}} references (tmpl_expand). */
typedef struct tmpl_block {
    tmpl_block_type type;
    char *path;           /* "$.blocks[3]", for diagnostics */
    tmpl_style_id style;  /* text, title, meta, summary, points, signature, chart labels */
    tmpl_style_id style2; /* points: heading style; compare/chart: caption style */
    char *text;           /* title, text, caption of indicators/compare/chart */
    char *right;          /* text: set flush right on the same line; may be NULL */
    bool optional;        /* text: skip the block when a field it names is missing */
    /* rule, space */
    double space_before, space_after, width;
    uint32_t color;
    /* indicators */
    size_t limit; /* 0: all */
    tmpl_pick pick;
    char **prefer; /* keys or labels picked first */
    size_t n_prefer;
    bool group;    /* category rows */
    size_t min_rows; /* shown only for a report with at least this many indicators */
    /* points */
    char *heading;        /* may be NULL */
    char **match, **exclude;
    size_t n_match, n_exclude;
    size_t count, sentences;
    char *prefix;         /* numbering, with {{n}} or {{cn}} */
    char *separator;      /* between a point's lead and its text */
    /* signature */
    char *issuer, *date;
    double date_inset; /* em of the style, from the right edge */
    /* compare */
    size_t min_reports, max_columns;
    char *sort;        /* default sort indicator (key or label); may be NULL */
    char *row_header;  /* header of the region column */
    /* chart */
    double bar_height, bar_gap, label_width;
    uint32_t bar_color;
} tmpl_block;

typedef struct tmpl_var {
    char *name, *value;
} tmpl_var;

typedef enum { TMPL_FOOTER_BASELINE, TMPL_FOOTER_TOP } tmpl_footer_edge;
typedef enum {
    TMPL_FOOTER_LEFT,
    TMPL_FOOTER_CENTER,
    TMPL_FOOTER_RIGHT,
    TMPL_FOOTER_OUTSIDE, /* odd pages right, even pages left */
    TMPL_FOOTER_INSIDE,
} tmpl_footer_align;

/* Exact outlines unless a template asks: 2/1000 em (0.02 pt on 10.5 pt
 * text, below a 1200 dpi device pixel) takes 9 % off a typical briefing
 * but costs about 4 ms per document (docs/templates.md). */
#define TMPL_OUTLINE_TOLERANCE 0.0

typedef struct tmpl {
    char *source;
    char *description; /* $.description, "" when it has none */
    double page_width, page_height;                             /* points */
    double margin_top, margin_right, margin_bottom, margin_left; /* points */
    /* Layout grid (GB/T 9704): every text line sits on a line of the grid. */
    bool grid;
    double grid_size, grid_pitch; /* character size and line pitch, points */
    unsigned grid_chars, grid_lines;
    tmpl_font_role *fonts;
    size_t n_fonts;
    tmpl_style *styles; /* TMPL_STYLE_COUNT built-ins, then the template's own */
    size_t n_styles;
    tmpl_block *blocks;
    size_t n_blocks;
    tmpl_var *vars;
    size_t n_vars;
    unsigned page_limit;   /* 0: none; else content is cut to fit */
    uint32_t rule_color;
    double rule_width;
    double han_latin_gap;  /* em, spacing between Han and Latin/digits */
    bool fullwidth_punct;  /* show ASCII , : ; ! ? ( ) in Chinese text full-width */
    /* How far embedded TrueType outlines may move so the PDF is smaller,
     * in 1/1000 em (0: exact outlines); see docs/templates.md. */
    double outline_tolerance;
    char *footer;          /* footer text; {{page}} and {{pages}} are replaced */
    double footer_offset;  /* distance below the type area, points */
    tmpl_footer_edge footer_edge; /* what footer_offset measures to */
    tmpl_footer_align footer_align;
    double footer_inset;   /* em of the footer style, from the edge it aligns to */
    tmpl_table table;
} tmpl;

tmpl *tmpl_load(const char *path, diag_list *d);
tmpl *tmpl_parse(const char *json, size_t len, const char *source, diag_list *d);
void tmpl_free(tmpl *t); /* accepts NULL */
/* A template file's $.description without loading the template (for
 * listing many); NULL when it has none or cannot be read. Caller frees. */
char *tmpl_read_description(const char *path);

const tmpl_font_role *tmpl_font_role_find(const tmpl *t, const char *name);
/* Name of a built-in style. */
const char *tmpl_style_name(tmpl_style_id id);
/* Index of the style called name, or -1. */
int tmpl_style_find(const tmpl *t, const char *name);
const char *tmpl_block_type_name(tmpl_block_type type);

/* The measure of text lines: the grid's characters per line when there is a
 * grid, else the width of the type area. */
double tmpl_measure(const tmpl *t);

/* ---- data binding ------------------------------------------------------------
 * Template text refers to data as {{name}}; {{name|text}} gives text when the
 * field is missing. Names are checked when the template loads (tmpl_load
 * reports unknown ones with their JSON path); values come from a lookup at
 * render time. */

/* Where a text is used decides which names it may use. */
typedef enum {
    TMPL_CTX_DOC = 1,    /* report and comparison fields, template variables */
    TMPL_CTX_FOOTER = 2, /* also page, pages */
    TMPL_CTX_POINT = 4,  /* also n, cn (number of a point) */
} tmpl_ctx;

/* Value of the field name[0..len), or NULL when the data has no such field. */
typedef const char *(*tmpl_lookup_fn)(void *user, const char *name, size_t len);

/* Appends text with every reference expanded to out. When a field without a
 * default is missing, stops and returns false with the field's name in
 * *missing (malloc'ed, caller frees). */
bool tmpl_expand(const char *text, tmpl_lookup_fn lookup, void *user, buf *out, char **missing);

/* The value of a template variable, or NULL. */
const char *tmpl_var_find(const tmpl *t, const char *name, size_t len);
/* Every "NAME=VALUE" of vars names a variable of the template; an error at
 * $.variables for each that does not (a typo would silently print the
 * default). */
bool tmpl_check_vars(const tmpl *t, const char *const *vars, size_t n, diag_list *d);

#endif
