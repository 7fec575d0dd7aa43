/* Template tables ($.table) and blocks ($.blocks): what a document shows, in
 * which order, and the options of each kind of block. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"
#include "tmpl_internal.h"

static const char *const block_names[TMPL_BLOCK_TYPE_COUNT + 1] = {
    "title",  "meta",      "rule",       "indicators", "summary", "sections", "text",
    "points", "signature", "page_break", "space",      "compare", "chart",    NULL,
};

const char *tmpl_block_type_name(tmpl_block_type type) { return block_names[type]; }

/* ---- tables ---------------------------------------------------------------- */

static tmpl_width parse_width(pctx *c, const cJSON *col, const char *path, tmpl_width def) {
    const cJSON *v = tp_member(c, col, path, "width", false);
    if (!v) return def;
    tmpl_width w = def;
    char *p = xasprintf("%s.width", path);
    bool ok = false;
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble > 0 &&
        v->valuedouble <= 14400) {
        w = (tmpl_width){TMPL_WIDTH_FIXED, v->valuedouble};
        ok = true;
    } else if (cJSON_IsString(v)) {
        const char *s = v->valuestring;
        char *end = NULL;
        double x = strtod(s, &end);
        if (!strcmp(s, "auto")) {
            w = (tmpl_width){TMPL_WIDTH_AUTO, 0};
            ok = true;
        } else if (end != s && isfinite(x) && x > 0) {
            ok = true;
            if (!strcmp(end, "fr") && x <= 1000) w = (tmpl_width){TMPL_WIDTH_FR, x};
            else if (!strcmp(end, "%") && x <= 100) w = (tmpl_width){TMPL_WIDTH_PERCENT, x};
            else if (!strcmp(end, "mm") && x <= 5080) w = (tmpl_width){TMPL_WIDTH_FIXED, x * 72 / 25.4};
            else if (!strcmp(end, "cm") && x <= 508) w = (tmpl_width){TMPL_WIDTH_FIXED, x * 72 / 2.54};
            else if (!strcmp(end, "in") && x <= 200) w = (tmpl_width){TMPL_WIDTH_FIXED, x * 72};
            else if ((!strcmp(end, "pt") || !*end) && x <= 14400) w = (tmpl_width){TMPL_WIDTH_FIXED, x};
            else ok = false;
        }
    }
    if (!ok)
        tp_err(c, p, "expected a width: \"auto\", a share such as \"1fr\", a percentage such as "
                     "\"30%%\", or a length such as \"30mm\" or 85");
    free(p);
    return w;
}

static void parse_columns(pctx *c, const cJSON *v, tmpl_table *tb, const char *hdr[3]) {
    static const char *const fields[] = {"label",    "value", "unit",   "value_unit",
                                         "category", "key",   "number", NULL};
    static const char *const aligns[] = {"left", "center", "right", "decimal", NULL};
    static const char *const keys[] = {"field", "header", "width", "align", NULL};
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0) {
        tp_err(c, "$.table.columns", "expected a non-empty array of columns, got %s",
               json_type_name(v));
        return;
    }
    tb->columns = xcalloc((size_t)cJSON_GetArraySize(v), sizeof(tmpl_column));
    int i = 0;
    for (const cJSON *e = v->child; e; e = e->next, i++) {
        char *p = xasprintf("$.table.columns[%d]", i);
        if (tp_want_object(c, e, p)) {
            tp_check_keys(c, e, p, keys);
            tmpl_column *col = &tb->columns[tb->n_columns++];
            const cJSON *f = tp_member(c, e, p, "field", true);
            col->field = f ? (tmpl_field)tp_enum(c, e, p, "field", TMPL_FIELD_LABEL, fields, "field")
                           : TMPL_FIELD_LABEL;
            const char *def_hdr = col->field == TMPL_FIELD_LABEL        ? hdr[0]
                                  : col->field == TMPL_FIELD_VALUE      ? hdr[1]
                                  : col->field == TMPL_FIELD_VALUE_UNIT ? hdr[1]
                                  : col->field == TMPL_FIELD_UNIT       ? hdr[2]
                                  : col->field == TMPL_FIELD_CATEGORY   ? "类别"
                                  : col->field == TMPL_FIELD_KEY        ? "键"
                                                                        : "序号";
            col->header = tp_text(c, e, p, "header", def_hdr, false, TMPL_CTX_DOC);
            tmpl_width dw = {col->field == TMPL_FIELD_LABEL ? TMPL_WIDTH_FR : TMPL_WIDTH_AUTO, 1};
            col->width = parse_width(c, e, p, dw);
            int da = col->field == TMPL_FIELD_VALUE || col->field == TMPL_FIELD_VALUE_UNIT
                         ? TMPL_CELL_DECIMAL
                     : col->field == TMPL_FIELD_NUMBER ? TMPL_CELL_CENTER
                                                       : TMPL_CELL_LEFT;
            col->align = (tmpl_cell_align)tp_enum(c, e, p, "align", da, aligns, "alignment");
        }
        free(p);
    }
}

void tp_parse_table(pctx *c, const cJSON *v, tmpl *t) {
    static const char *const keys[] = {
        "caption",     "label",       "value",       "unit",        "columns",
        "ruling",      "thick_rule",  "thin_rule",   "rule_color",  "padding_x",
        "padding_y",   "zebra",       "continued",   "header_style", "cell_style",
        "group_style", "caption_style", "space_before", "space_after", NULL};
    static const char *const rulings[] = {"three-line", "grid", "none", NULL};
    tmpl_table *tb = &t->table;
    const tmpl_style *cell = &t->styles[TMPL_STYLE_TABLE_CELL];
    *tb = (tmpl_table){
        .ruling = TMPL_RULING_THREE_LINE,
        .rule_thick = 1.0,
        .rule_thin = 0.5,
        .rule_color = 0,
        .pad_x = 4,
        .pad_y = 3,
        .zebra_color = 0xF2F2F2,
        .header_style = TMPL_STYLE_TABLE_HEADER,
        .cell_style = TMPL_STYLE_TABLE_CELL,
        .group_style = TMPL_STYLE_TABLE_GROUP,
        .caption_style = TMPL_STYLE_TABLE_GROUP,
        .space_before = cell->space_before,
        .space_after = cell->space_after,
    };
    const char *hdr[3] = {"指标", "数值", "单位"};
    char *own[3] = {NULL, NULL, NULL};
    if (v && tp_want_object(c, v, "$.table")) {
        const char *P = "$.table";
        tp_check_keys(c, v, P, keys);
        tb->caption = tp_text(c, v, P, "caption", NULL, false, TMPL_CTX_DOC);
        own[0] = tp_text(c, v, P, "label", NULL, false, TMPL_CTX_DOC);
        own[1] = tp_text(c, v, P, "value", NULL, false, TMPL_CTX_DOC);
        own[2] = tp_text(c, v, P, "unit", NULL, false, TMPL_CTX_DOC);
        for (int i = 0; i < 3; i++)
            if (own[i]) hdr[i] = own[i];
        tb->ruling = (tmpl_ruling)tp_enum(c, v, P, "ruling", TMPL_RULING_THREE_LINE, rulings, "ruling");
        tb->rule_thick = tp_length(c, v, P, "thick_rule", tb->rule_thick, 10);
        tb->rule_thin = tp_length(c, v, P, "thin_rule", tb->rule_thin, 10);
        tb->rule_color = tp_color(c, v, P, "rule_color", tb->rule_color);
        tb->pad_x = tp_length(c, v, P, "padding_x", tb->pad_x, 100);
        tb->pad_y = tp_length(c, v, P, "padding_y", tb->pad_y, 100);
        const cJSON *z = tp_member(c, v, P, "zebra", false);
        if (z && cJSON_IsBool(z))
            tb->zebra = cJSON_IsTrue(z);
        else if (z) {
            tb->zebra = true;
            tb->zebra_color = tp_color(c, v, P, "zebra", tb->zebra_color);
        }
        tb->continued = tp_text(c, v, P, "continued", NULL, false, TMPL_CTX_DOC);
        tb->header_style = tp_style(c, v, P, "header_style", tb->header_style);
        tb->cell_style = tp_style(c, v, P, "cell_style", tb->cell_style);
        tb->group_style = tp_style(c, v, P, "group_style", tb->group_style);
        tb->caption_style = tp_style(c, v, P, "caption_style", tb->caption_style);
        tb->space_before = tp_length(c, v, P, "space_before", tb->space_before, 1000);
        tb->space_after = tp_length(c, v, P, "space_after", tb->space_after, 1000);
        const cJSON *cols = tp_member(c, v, P, "columns", false);
        if (cols) parse_columns(c, cols, tb, hdr);
    }
    if (tb->n_columns == 0) {
        /* The default indicator table: label, value on its decimal point, unit. */
        tb->columns = xcalloc(3, sizeof(tmpl_column));
        tb->columns[0] = (tmpl_column){TMPL_FIELD_LABEL, xstrdup(hdr[0]), {TMPL_WIDTH_FR, 1},
                                       TMPL_CELL_LEFT};
        tb->columns[1] = (tmpl_column){TMPL_FIELD_VALUE, xstrdup(hdr[1]), {TMPL_WIDTH_AUTO, 0},
                                       TMPL_CELL_DECIMAL};
        tb->columns[2] = (tmpl_column){TMPL_FIELD_UNIT, xstrdup(hdr[2]), {TMPL_WIDTH_AUTO, 0},
                                       TMPL_CELL_LEFT};
        tb->n_columns = 3;
    }
    double fixed = 0, pct = 0;
    for (size_t i = 0; i < tb->n_columns; i++) {
        if (tb->columns[i].width.kind == TMPL_WIDTH_FIXED) fixed += tb->columns[i].width.value;
        if (tb->columns[i].width.kind == TMPL_WIDTH_PERCENT) pct += tb->columns[i].width.value;
    }
    if (pct > 100 + 1e-9) tp_err(c, "$.table.columns", "percentages add up to %g%%, over 100%%", pct);
    if (fixed > tmpl_measure(t) + 1e-6)
        tp_err(c, "$.table.columns", "fixed widths add up to %.1f pt; the measure is %.1f pt", fixed,
               tmpl_measure(t));
    for (int i = 0; i < 3; i++) free(own[i]);
}

/* ---- blocks ---------------------------------------------------------------- */

/* Keys each block type accepts besides "type". */
static const char *const *block_keys(tmpl_block_type type) {
    static const char *const title[] = {"type", "style", "text", NULL};
    static const char *const rule[] = {"type", "color", "width", "space_before", "space_after", NULL};
    static const char *const indicators[] = {"type",  "caption",  "limit", "pick",
                                             "prefer", "group", "min_rows", NULL};
    static const char *const summary[] = {"type", "style", NULL};
    static const char *const sections[] = {"type", NULL};
    static const char *const text[] = {"type", "style", "text", "right", "optional", NULL};
    static const char *const points[] = {"type",  "style",     "heading",   "heading_style",
                                         "match", "exclude",   "count",     "sentences",
                                         "prefix", "separator", NULL};
    static const char *const signature[] = {"type", "style", "issuer", "date", "date_inset", NULL};
    static const char *const space[] = {"type", "height", NULL};
    static const char *const compare[] = {"type",        "caption", "min_reports",
                                          "max_columns", "sort",    "row_header", NULL};
    static const char *const chart[] = {"type",       "caption",   "style",      "caption_style",
                                        "bar_color",  "bar_height", "bar_gap",   "label_width",
                                        NULL};
    switch (type) {
    case TMPL_BLOCK_TITLE: case TMPL_BLOCK_META: return title;
    case TMPL_BLOCK_RULE: return rule;
    case TMPL_BLOCK_INDICATORS: return indicators;
    case TMPL_BLOCK_SUMMARY: return summary;
    case TMPL_BLOCK_SECTIONS: case TMPL_BLOCK_PAGE_BREAK: return sections;
    case TMPL_BLOCK_TEXT: return text;
    case TMPL_BLOCK_POINTS: return points;
    case TMPL_BLOCK_SIGNATURE: return signature;
    case TMPL_BLOCK_SPACE: return space;
    case TMPL_BLOCK_COMPARE: return compare;
    case TMPL_BLOCK_CHART: return chart;
    default: return sections;
    }
}

static void parse_block(pctx *c, const cJSON *o, const char *p, tmpl_block *b, const tmpl *t) {
    static const char *const picks[] = {"first", "spread", "rank", NULL};
    tp_check_keys(c, o, p, block_keys(b->type));
    switch (b->type) {
    case TMPL_BLOCK_TITLE:
        b->style = tp_style(c, o, p, "style", TMPL_STYLE_TITLE);
        b->text = tp_text(c, o, p, "text", "{{title}}", false, TMPL_CTX_DOC);
        break;
    case TMPL_BLOCK_META:
        b->style = tp_style(c, o, p, "style", TMPL_STYLE_META);
        b->text = tp_text(c, o, p, "text", NULL, false, TMPL_CTX_DOC);
        break;
    case TMPL_BLOCK_RULE:
        b->color = tp_color(c, o, p, "color", t->rule_color);
        b->width = tp_length(c, o, p, "width", t->rule_width, 20);
        b->space_before = tp_length(c, o, p, "space_before", 4, 1000);
        b->space_after = tp_length(c, o, p, "space_after", 14, 1000);
        break;
    case TMPL_BLOCK_INDICATORS:
        b->text = tp_text(c, o, p, "caption", t->table.caption, false, TMPL_CTX_DOC);
        b->limit = tp_count(c, o, p, "limit", 0, 1, 100000);
        b->pick = (tmpl_pick)tp_enum(c, o, p, "pick", TMPL_PICK_FIRST, picks, "choice");
        b->prefer = tp_strings(c, o, p, "prefer", &b->n_prefer);
        b->group = tp_boolean(c, o, p, "group", true);
        b->min_rows = tp_count(c, o, p, "min_rows", 0, 0, 100000);
        break;
    case TMPL_BLOCK_SUMMARY:
        b->style = tp_style(c, o, p, "style", TMPL_STYLE_SUMMARY);
        break;
    case TMPL_BLOCK_TEXT:
        b->style = tp_style(c, o, p, "style", TMPL_STYLE_PARAGRAPH);
        b->text = tp_text(c, o, p, "text", NULL, true, TMPL_CTX_DOC);
        b->right = tp_text(c, o, p, "right", NULL, false, TMPL_CTX_DOC);
        b->optional = tp_boolean(c, o, p, "optional", false);
        break;
    case TMPL_BLOCK_POINTS:
        b->style = tp_style(c, o, p, "style", TMPL_STYLE_PARAGRAPH);
        b->style2 = tp_style(c, o, p, "heading_style", TMPL_STYLE_HEADING2);
        b->heading = tp_text(c, o, p, "heading", NULL, false, TMPL_CTX_DOC);
        b->match = tp_strings(c, o, p, "match", &b->n_match);
        if (!tp_member(c, o, p, "match", true)) break;
        if (b->n_match == 0 && b->match) tp_err(c, p, "\"match\" needs at least one word");
        b->exclude = tp_strings(c, o, p, "exclude", &b->n_exclude);
        b->count = tp_count(c, o, p, "count", 3, 1, 50);
        b->sentences = tp_count(c, o, p, "sentences", 2, 1, 50);
        b->prefix = tp_text(c, o, p, "prefix", "{{n}}. ", false, TMPL_CTX_DOC | TMPL_CTX_POINT);
        b->separator = tp_string(c, o, p, "separator", "：", false);
        break;
    case TMPL_BLOCK_SIGNATURE:
        b->style = tp_style(c, o, p, "style", TMPL_STYLE_PARAGRAPH);
        b->issuer = tp_text(c, o, p, "issuer", "{{issuer|}}", false, TMPL_CTX_DOC);
        b->date = tp_text(c, o, p, "date", "{{date_zh|}}", false, TMPL_CTX_DOC);
        b->date_inset = tp_number(c, o, p, "date_inset", 4, 0, 100, false);
        break;
    case TMPL_BLOCK_SPACE:
        b->width = tp_length(c, o, p, "height", 12, 10000);
        break;
    case TMPL_BLOCK_COMPARE:
        b->text = tp_text(c, o, p, "caption", NULL, false, TMPL_CTX_DOC);
        b->min_reports = tp_count(c, o, p, "min_reports", 2, 1, 100000);
        b->max_columns = tp_count(c, o, p, "max_columns", 6, 1, 100);
        b->sort = tp_string(c, o, p, "sort", NULL, false);
        b->row_header = tp_text(c, o, p, "row_header", "地区", false, TMPL_CTX_DOC);
        break;
    case TMPL_BLOCK_CHART:
        b->text = tp_text(c, o, p, "caption", "{{indicator}}", false, TMPL_CTX_DOC);
        b->style = tp_style(c, o, p, "style", TMPL_STYLE_TABLE_CELL);
        b->style2 = tp_style(c, o, p, "caption_style", TMPL_STYLE_TABLE_GROUP);
        b->bar_color = tp_color(c, o, p, "bar_color", t->rule_color);
        b->bar_height = tp_length(c, o, p, "bar_height", 12, 200);
        b->bar_gap = tp_length(c, o, p, "bar_gap", 6, 200);
        b->label_width = tp_length(c, o, p, "label_width", 0, 2000);
        break;
    default:
        break;
    }
}

void tp_parse_blocks(pctx *c, const cJSON *arr, tmpl *t) {
    if (!cJSON_IsArray(arr)) {
        tp_err(c, "$.blocks", "expected an array, got %s", json_type_name(arr));
        return;
    }
    if (!arr->child) {
        /* A template without blocks would typeset nothing but page numbers. */
        tp_err(c, "$.blocks", "must not be empty");
        return;
    }
    t->blocks = xcalloc((size_t)cJSON_GetArraySize(arr), sizeof(tmpl_block));
    int i = 0;
    for (const cJSON *e = arr->child; e; e = e->next, i++) {
        char *p = xasprintf("$.blocks[%d]", i);
        const cJSON *type = e;
        if (cJSON_IsObject(e)) {
            type = cJSON_GetObjectItemCaseSensitive(e, "type");
            if (!type) {
                tp_err(c, p, "missing required key \"type\"");
                free(p);
                continue;
            }
        }
        size_t k = 0;
        if (cJSON_IsString(type))
            while (k < TMPL_BLOCK_TYPE_COUNT && strcmp(type->valuestring, block_names[k]) != 0) k++;
        if (!cJSON_IsString(type) || k == TMPL_BLOCK_TYPE_COUNT) {
            char *tp = type == e ? xstrdup(p) : xasprintf("%s.type", p);
            tp_err(c, tp,
                   "unknown block type \"%s\" (title, meta, rule, indicators, summary, sections, "
                   "text, points, signature, page_break, space, compare or chart)",
                   cJSON_IsString(type) ? type->valuestring : json_type_name(type));
            free(tp);
            free(p);
            continue;
        }
        tmpl_block *b = &t->blocks[t->n_blocks++];
        b->type = (tmpl_block_type)k;
        b->path = p;
        /* A bare name is the block with every option at its default. */
        cJSON *empty = cJSON_CreateObject();
        parse_block(c, cJSON_IsObject(e) ? e : empty, p, b, t);
        cJSON_Delete(empty);
    }
}

void tp_free_block(tmpl_block *b) {
    free(b->path);
    free(b->text);
    free(b->right);
    for (size_t i = 0; i < b->n_prefer; i++) free(b->prefer[i]);
    free(b->prefer);
    free(b->heading);
    for (size_t i = 0; i < b->n_match; i++) free(b->match[i]);
    free(b->match);
    for (size_t i = 0; i < b->n_exclude; i++) free(b->exclude[i]);
    free(b->exclude);
    free(b->prefix);
    free(b->separator);
    free(b->issuer);
    free(b->date);
    free(b->sort);
    free(b->row_header);
}
