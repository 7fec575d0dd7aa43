/* What the renderer's files share: the state of one render and the blocks
 * each file lays out. Internal to src/render/. */
#ifndef BRIEFING_RENDER_INTERNAL_H
#define BRIEFING_RENDER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "../layout/engine.h"
#include "../util/buf.h"
#include "render.h"

/* One highlight or problem (block "points"): a lead (a heading without its
 * numbering) and sentences, of which keep are shown. */
typedef struct rpoint {
    char *lead;   /* may be NULL */
    char **sent;  /* sentences, each with its closing mark */
    size_t n_sent;
    size_t keep;  /* shown now (cutting lowers it) */
    size_t init;  /* shown before any cut */
    bool dropped; /* dropped whole to fit */
    char *path;   /* JSON path of the source text in the report */
} rpoint;

typedef struct rpoints {
    rpoint *v;
    size_t n;
} rpoints;

/* A comparison: the indicators shown as columns and the report order. */
typedef struct rcol {
    const char *id;    /* key, or label when the indicator has no key */
    const char *label; /* as the first report having it says */
    const char *unit;  /* may be NULL */
    size_t count;      /* reports having it */
    size_t first;      /* order of first appearance */
} rcol;

typedef struct rcompare {
    rcol *cols;
    size_t n_cols;
    const struct report_indicator **cells; /* [report * n_cols + col], NULL when absent */
    size_t *order;                         /* rows: report indexes, sorted */
    char **row_labels;                     /* per report */
    long sort_col;                         /* column sorted by, -1: none */
} rcompare;

typedef struct rctx {
    const tmpl *t;
    const font_lib *fonts;
    const render_opts *opts;
    diag_list *d;
    const report *const *rs;
    size_t n;
    const report *r;    /* the report when there is one, else NULL */
    const char *source; /* names the input in diagnostics */
    layout_engine *e;
    rpoints *points;    /* per block */
    rcompare *cmp;      /* when the template compares */
    char year[16], count[16];
    char *date_zh, *years, *regions;
    const char *point_n, *point_cn; /* while expanding a point's prefix */
    bool failed;
} rctx;

/* Expands the {{fields}} of text (found at template path tpath) into out.
 * A missing field is an error, or, when optional, makes it return false
 * quietly. */
bool rc_expand(rctx *c, const char *text, const char *tpath, bool optional, buf *out);

/* "2022-02-21" → "2022年2月21日"; NULL for anything else. */
char *rc_chinese_date(const char *iso);

/* render_table.c */
void rc_indicators(rctx *c, const tmpl_block *b);
/* render_points.c */
void rc_points_collect(rctx *c, const tmpl_block *b, rpoints *out);
void rc_points_layout(rctx *c, const tmpl_block *b, const rpoints *p);
/* Shortens or drops one point so the next pass takes less room; false when
 * nothing is left to cut. */
bool rc_points_cut(rctx *c);
void rc_points_report(rctx *c, size_t *cuts);
void rc_points_free(rpoints *p);
/* Splits text into sentences (each with its closing mark); returns the count. */
size_t rc_sentences(const char *text, char ***out);
/* render_compare.c */
bool rc_compare_build(rctx *c);
void rc_compare_table(rctx *c, const tmpl_block *b);
void rc_compare_chart(rctx *c, const tmpl_block *b);
void rc_compare_free(rcompare *m, size_t n_reports);

#endif
