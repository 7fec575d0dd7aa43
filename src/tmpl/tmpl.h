/* Templates: page geometry, fonts by role, named styles and the order of
 * blocks, read from a JSON file (templates/NAME.json, documented in
 * docs/templates.md). tmpl_load validates every key and reports each problem
 * with the template file and JSON path; unknown keys are errors because a
 * misspelt key would otherwise be silently ignored. A tmpl is read-only after
 * loading and owned by the caller (tmpl_free). */
#ifndef BRIEFING_TMPL_H
#define BRIEFING_TMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/diag.h"

typedef enum { TMPL_LEFT, TMPL_CENTER, TMPL_RIGHT, TMPL_JUSTIFY } tmpl_align;

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

typedef enum {
    TMPL_BLOCK_TITLE,
    TMPL_BLOCK_META,
    TMPL_BLOCK_RULE,
    TMPL_BLOCK_INDICATORS,
    TMPL_BLOCK_SUMMARY,
    TMPL_BLOCK_SECTIONS,
} tmpl_block;

/* Styles every template must define, in this order (tmpl_style_id). */
typedef enum {
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
} tmpl_style_id;

typedef struct tmpl {
    char *source;
    double page_width, page_height;                             /* points */
    double margin_top, margin_right, margin_bottom, margin_left; /* points */
    tmpl_font_role *fonts;
    size_t n_fonts;
    tmpl_style styles[TMPL_STYLE_COUNT];
    tmpl_block *blocks;
    size_t n_blocks;
    uint32_t rule_color;
    double rule_width;
    double han_latin_gap;  /* em, spacing between Han and Latin/digits */
    bool fullwidth_punct;  /* show ASCII , : ; ! ? ( ) in Chinese text full-width */
    char *footer;          /* footer text; {{page}} and {{pages}} are replaced */
    double footer_offset;  /* baseline distance below the type area, points */
    char *table_label_header, *table_value_header, *table_unit_header;
    char *table_caption;   /* may be NULL */
} tmpl;

tmpl *tmpl_load(const char *path, diag_list *d);
tmpl *tmpl_parse(const char *json, size_t len, const char *source, diag_list *d);
void tmpl_free(tmpl *t); /* accepts NULL */

const tmpl_font_role *tmpl_font_role_find(const tmpl *t, const char *name);
const char *tmpl_style_name(tmpl_style_id id);

#endif
