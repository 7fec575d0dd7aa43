/* What the template parser's files share: the parse context and typed
 * readers that report problems with the template file and JSON path.
 * Internal to src/tmpl/. */
#ifndef BRIEFING_TMPL_INTERNAL_H
#define BRIEFING_TMPL_INTERNAL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "tmpl.h"
#include "../util/json_keys.h"

typedef struct tmpl_ctx_parse {
    const char *source;
    diag_list *d;
    int errors;
    tmpl *t; /* the template being built (variables, styles for look-ups) */
} pctx;

void tp_err(pctx *c, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Every key of obj must be in allowed (NULL-terminated; NULL allows any);
 * duplicates are errors too. */
void tp_check_keys(pctx *c, const cJSON *obj, const char *path, const char *const *allowed);
const cJSON *tp_member(pctx *c, const cJSON *obj, const char *path, const char *key,
                       bool required);
bool tp_want_object(pctx *c, const cJSON *v, const char *path);
double tp_number(pctx *c, const cJSON *obj, const char *path, const char *key, double def,
                 double min, double max, bool required);
/* A whole number from min to max. */
size_t tp_count(pctx *c, const cJSON *obj, const char *path, const char *key, size_t def,
                size_t min, size_t max);
char *tp_string(pctx *c, const cJSON *obj, const char *path, const char *key, const char *def,
                bool required);
/* A string whose {{field}} references are checked for the contexts in ctx. */
char *tp_text(pctx *c, const cJSON *obj, const char *path, const char *key, const char *def,
              bool required, int ctx);
bool tp_boolean(pctx *c, const cJSON *obj, const char *path, const char *key, bool def);
uint32_t tp_color(pctx *c, const cJSON *obj, const char *path, const char *key, uint32_t def);
/* Lengths are points as numbers, or strings with a unit: "25mm", "2cm", "1in", "12pt". */
/* A type size: points, "12pt", or a 字号 name ("三号", "小四"). */
double tp_size(pctx *c, const cJSON *obj, const char *path, const char *key, double def,
               double min, double max, bool required);
double tp_length(pctx *c, const cJSON *obj, const char *path, const char *key, double def,
                 double max);
/* One of names (NULL-terminated); returns its index, or def. what names
 * the kind of value in messages ("unknown alignment \"middle\""). */
int tp_enum(pctx *c, const cJSON *obj, const char *path, const char *key, int def,
            const char *const *names, const char *what);
/* An array of strings (possibly empty); *n receives the count. */
char **tp_strings(pctx *c, const cJSON *obj, const char *path, const char *key, size_t *n);
/* A style name: its index, or def when absent. */
tmpl_style_id tp_style(pctx *c, const cJSON *obj, const char *path, const char *key,
                       tmpl_style_id def);

/* Checks the {{…}} references of text for the contexts in ctx (tmpl_ctx bits). */
void tp_check_refs(pctx *c, const char *text, const char *path, int ctx);

/* Blocks ($.blocks), in tmpl_blocks.c. */
void tp_parse_blocks(pctx *c, const cJSON *b, tmpl *t);
void tp_free_block(tmpl_block *b);
/* Table look and indicator columns ($.table), in tmpl_blocks.c. */
void tp_parse_table(pctx *c, const cJSON *v, tmpl *t);

#endif
