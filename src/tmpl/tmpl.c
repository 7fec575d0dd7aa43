/* Template loading: the top level, page, grid, fonts, styles, variables,
 * rule, typography and footer. Tables and blocks are in tmpl_blocks.c, the
 * typed JSON readers in tmpl_json.c, data binding in tmpl_bind.c. */
#include "tmpl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/file.h"
#include "../util/json_text.h"
#include "../util/utf8.h"
#include "../util/xalloc.h"
#include "tmpl_internal.h"

#define TMPL_MAX_BYTES (1u << 20)
#define TMPL_MAX_STYLES 256
#define TMPL_MAX_VARS 256

static const char *const style_names[TMPL_STYLE_COUNT] = {
    "title",     "meta",      "heading1",     "heading2",   "heading3",    "heading4",
    "paragraph", "summary",   "table_header", "table_cell", "table_group", "footer",
};

const char *tmpl_style_name(tmpl_style_id id) {
    return id < TMPL_STYLE_COUNT ? style_names[id] : "custom";
}

static void parse_page(pctx *c, const cJSON *page, tmpl *t) {
    static const char *const keys[] = {"size", "width", "height", "margin", NULL};
    if (!tp_want_object(c, page, "$.page")) return;
    tp_check_keys(c, page, "$.page", keys);
    char *size = tp_string(c, page, "$.page", "size", "A4", false);
    if (size) {
        if (strcasecmp(size, "A4") == 0) {
            t->page_width = 595.276, t->page_height = 841.89;
        } else if (strcasecmp(size, "A4-landscape") == 0) {
            t->page_width = 841.89, t->page_height = 595.276;
        } else if (strcasecmp(size, "A5") == 0) {
            t->page_width = 419.528, t->page_height = 595.276;
        } else if (strcasecmp(size, "B5") == 0) {
            t->page_width = 498.898, t->page_height = 708.661;
        } else if (strcasecmp(size, "letter") == 0) {
            t->page_width = 612, t->page_height = 792;
        } else if (strcasecmp(size, "custom") != 0) {
            tp_err(c, "$.page.size",
                   "unknown page size \"%s\" (A4, A4-landscape, A5, B5, letter or custom)", size);
        }
    }
    free(size);
    t->page_width = tp_length(c, page, "$.page", "width", t->page_width, 14400);
    t->page_height = tp_length(c, page, "$.page", "height", t->page_height, 14400);
    if (t->page_width < 72 || t->page_height < 72)
        tp_err(c, "$.page", "page is smaller than one inch");
    const cJSON *m = tp_member(c, page, "$.page", "margin", false);
    if (m && tp_want_object(c, m, "$.page.margin")) {
        static const char *const mk[] = {"top", "right", "bottom", "left", NULL};
        tp_check_keys(c, m, "$.page.margin", mk);
        t->margin_top = tp_length(c, m, "$.page.margin", "top", 72, 14400);
        t->margin_right = tp_length(c, m, "$.page.margin", "right", 72, 14400);
        t->margin_bottom = tp_length(c, m, "$.page.margin", "bottom", 72, 14400);
        t->margin_left = tp_length(c, m, "$.page.margin", "left", 72, 14400);
    }
    /* The type area must hold at least a few characters and lines, or layout
     * could not progress. */
    if (t->page_width - t->margin_left - t->margin_right < 72)
        tp_err(c, "$.page.margin", "left and right margins leave less than 72 pt of width");
    if (t->page_height - t->margin_top - t->margin_bottom < 144)
        tp_err(c, "$.page.margin", "top and bottom margins leave less than 144 pt of height");
}

/* The grid of GB/T 9704: lines of grid.chars characters of grid.size points
 * at grid.pitch. chars and lines are checked against the type area, so a
 * template cannot promise a grid its page does not hold. */
static void parse_grid(pctx *c, const cJSON *g, tmpl *t) {
    static const char *const keys[] = {"size", "pitch", "chars", "lines", NULL};
    if (!tp_want_object(c, g, "$.grid")) return;
    tp_check_keys(c, g, "$.grid", keys);
    t->grid = true;
    t->grid_size = tp_size(c, g, "$.grid", "size", 15.75, 4, 200, true);
    t->grid_pitch = tp_length(c, g, "$.grid", "pitch", t->grid_size * 1.875, 1000);
    t->grid_chars = (unsigned)tp_count(c, g, "$.grid", "chars", 0, 1, 1000);
    t->grid_lines = (unsigned)tp_count(c, g, "$.grid", "lines", 0, 1, 1000);
    if (t->grid_pitch < t->grid_size)
        tp_err(c, "$.grid.pitch", "the pitch (%g pt) is smaller than the character size (%g pt)",
               t->grid_pitch, t->grid_size);
    double width = t->page_width - t->margin_left - t->margin_right;
    double height = t->page_height - t->margin_top - t->margin_bottom;
    if (t->grid_chars == 0) t->grid_chars = (unsigned)floor(width / t->grid_size + 1e-6);
    if (t->grid_chars * t->grid_size > width + 1e-6)
        tp_err(c, "$.grid.chars", "%u characters of %g pt need %g pt; the type area is %.2f pt wide",
               t->grid_chars, t->grid_size, t->grid_chars * t->grid_size, width);
    /* The last line needs only its characters' height, not a whole pitch. */
    unsigned fit = height >= t->grid_size
                       ? (unsigned)floor((height - t->grid_size) / t->grid_pitch + 1e-6) + 1
                       : 0;
    if (t->grid_lines == 0) t->grid_lines = fit;
    if (t->grid_lines != fit)
        tp_err(c, "$.grid.lines",
               "the type area (%.2f pt high) holds %u lines at a pitch of %g pt, not %u", height,
               fit, t->grid_pitch, t->grid_lines);
}

static void parse_fonts(pctx *c, const cJSON *fonts, tmpl *t) {
    if (!tp_want_object(c, fonts, "$.fonts")) return;
    tp_check_keys(c, fonts, "$.fonts", NULL);
    size_t n = (size_t)cJSON_GetArraySize(fonts);
    t->fonts = xcalloc(n, sizeof(tmpl_font_role));
    for (const cJSON *r = fonts->child; r; r = r->next) {
        char *p = xasprintf("$.fonts.%s", r->string);
        if (!cJSON_IsArray(r) || cJSON_GetArraySize(r) == 0) {
            tp_err(c, p, "expected a non-empty array of font family names");
            free(p);
            continue;
        }
        tmpl_font_role *role = &t->fonts[t->n_fonts++];
        role->name = xstrdup(r->string);
        role->families = xcalloc((size_t)cJSON_GetArraySize(r), sizeof(char *));
        int i = 0;
        for (const cJSON *f = r->child; f; f = f->next, i++) {
            if (!cJSON_IsString(f)) {
                char *pi = xasprintf("%s[%d]", p, i);
                tp_err(c, pi, "expected a string, got %s", json_type_name(f));
                free(pi);
                continue;
            }
            role->families[role->n_families++] = xstrdup(f->valuestring);
        }
        free(p);
    }
}

static void parse_style(pctx *c, const cJSON *s, const char *path, tmpl_style *st, const tmpl *t) {
    static const char *const keys[] = {"font",   "size",  "leading",      "color",       "indent",
                                       "align",  "bold",  "space_before", "space_after", NULL};
    static const char *const aligns[] = {"left", "center", "right", "justify", NULL};
    st->size = 12;
    st->leading = 1.5;
    if (!tp_want_object(c, s, path)) return;
    tp_check_keys(c, s, path, keys);
    st->font = tp_string(c, s, path, "font", "body", false);
    if (st->font && !tmpl_font_role_find(t, st->font)) {
        char *p = xasprintf("%s.font", path);
        tp_err(c, p, "no font role \"%s\" in $.fonts", st->font);
        free(p);
    }
    st->size = tp_size(c, s, path, "size", 12, 4, 200, true);
    st->leading = tp_number(c, s, path, "leading", 1.5, 1.0, 5.0, false);
    st->color = tp_color(c, s, path, "color", 0);
    st->indent = tp_number(c, s, path, "indent", 0, 0, 10, false);
    st->space_before = tp_length(c, s, path, "space_before", 0, 1000);
    st->space_after = tp_length(c, s, path, "space_after", 0, 1000);
    st->bold = tp_boolean(c, s, path, "bold", false);
    st->align = (tmpl_align)tp_enum(c, s, path, "align", TMPL_LEFT, aligns, "alignment");
}

static void parse_styles(pctx *c, const cJSON *v, tmpl *t) {
    /* Built-ins first, at their fixed indexes; then the template's own, in
     * file order. */
    size_t extra = 0;
    if (cJSON_IsObject(v))
        for (const cJSON *s = v->child; s; s = s->next) {
            bool builtin = false;
            for (int i = 0; i < TMPL_STYLE_COUNT; i++) builtin |= !strcmp(s->string, style_names[i]);
            extra += !builtin;
        }
    t->styles = xcalloc(TMPL_STYLE_COUNT + (extra > TMPL_MAX_STYLES ? 0 : extra), sizeof(tmpl_style));
    t->n_styles = TMPL_STYLE_COUNT;
    for (int i = 0; i < TMPL_STYLE_COUNT; i++) {
        t->styles[i].name = xstrdup(style_names[i]);
        t->styles[i].size = 12;
        t->styles[i].leading = 1.5;
    }
    if (!tp_want_object(c, v, "$.styles")) goto fonts;
    if (extra > TMPL_MAX_STYLES) {
        tp_err(c, "$.styles", "more than %d styles of the template's own", TMPL_MAX_STYLES);
        goto fonts;
    }
    tp_check_keys(c, v, "$.styles", NULL); /* duplicates */
    bool done[TMPL_STYLE_COUNT] = {false};
    for (const cJSON *s = v->child; s; s = s->next) {
        char *p = xasprintf("$.styles.%s", s->string);
        int idx = -1;
        for (int i = 0; i < TMPL_STYLE_COUNT; i++)
            if (!strcmp(s->string, style_names[i])) idx = i;
        if (idx >= 0 && done[idx]) {
            idx = -1; /* a duplicate, reported above */
        } else if (idx >= 0) {
            done[idx] = true;
        } else if (!s->string[0]) {
            tp_err(c, p, "a style needs a name");
        } else if (tmpl_style_find(t, s->string) < 0) {
            idx = (int)t->n_styles++;
            t->styles[idx].name = xstrdup(s->string);
        }
        if (idx >= 0) parse_style(c, s, p, &t->styles[idx], t);
        free(p);
    }
    for (int i = 0; i < TMPL_STYLE_COUNT; i++)
        if (!done[i]) tp_err(c, "$.styles", "missing required key \"%s\"", style_names[i]);
fonts:
    for (size_t i = 0; i < t->n_styles; i++)
        if (!t->styles[i].font) t->styles[i].font = xstrdup("body");
}

static void parse_vars(pctx *c, const cJSON *v, tmpl *t) {
    if (!tp_want_object(c, v, "$.variables")) return;
    if (cJSON_GetArraySize(v) > TMPL_MAX_VARS) {
        tp_err(c, "$.variables", "more than %d variables", TMPL_MAX_VARS);
        return;
    }
    t->vars = xcalloc((size_t)cJSON_GetArraySize(v), sizeof(tmpl_var));
    for (const cJSON *e = v->child; e; e = e->next) {
        char *p = xasprintf("$.variables.%s", e->string);
        size_t n = strlen(e->string);
        bool name_ok = n > 0 && strspn(e->string, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == n;
        if (!name_ok)
            tp_err(c, p, "a variable name is letters, digits and _ only");
        else if (tmpl_var_find(t, e->string, n))
            tp_err(c, p, "duplicate key \"%s\"", e->string);
        else if (!cJSON_IsString(e))
            tp_err(c, p, "expected a string, got %s", json_type_name(e));
        else {
            /* A variable may not hide a field: {{year}} must mean one thing. */
            static const char *const fields[] = {"id", "title", "year", "issuer", "date", "date_zh",
                                                 "count", "years", "regions", "indicator", "page",
                                                 "pages", "n", "cn", NULL};
            bool clash = false;
            for (const char *const *f = fields; *f; f++) clash |= !strcmp(*f, e->string);
            if (clash)
                tp_err(c, p, "\"%s\" is the name of a field", e->string);
            else
                t->vars[t->n_vars++] =
                    (tmpl_var){xstrdup(e->string), xstrdup(e->valuestring)};
        }
        free(p);
    }
}

static void parse_footer(pctx *c, const cJSON *v, tmpl *t) {
    static const char *const fk[] = {"text", "offset", "edge", "align", "inset", NULL};
    static const char *const edges[] = {"baseline", "top", NULL};
    static const char *const aligns[] = {"left", "center", "right", "outside", "inside", NULL};
    if (!tp_want_object(c, v, "$.footer")) return;
    tp_check_keys(c, v, "$.footer", fk);
    t->footer = tp_text(c, v, "$.footer", "text", NULL, true, TMPL_CTX_DOC | TMPL_CTX_FOOTER);
    t->footer_offset = tp_length(c, v, "$.footer", "offset", 20, 500);
    t->footer_edge = (tmpl_footer_edge)tp_enum(c, v, "$.footer", "edge", TMPL_FOOTER_BASELINE, edges, "edge");
    /* By default the footer keeps the alignment of its style. */
    tmpl_align sa = t->styles[TMPL_STYLE_FOOTER].align;
    int def = sa == TMPL_LEFT ? TMPL_FOOTER_LEFT : sa == TMPL_RIGHT ? TMPL_FOOTER_RIGHT
                                                                     : TMPL_FOOTER_CENTER;
    t->footer_align = (tmpl_footer_align)tp_enum(c, v, "$.footer", "align", def, aligns, "alignment");
    t->footer_inset = tp_number(c, v, "$.footer", "inset", 0, 0, 20, false);
}

tmpl *tmpl_parse(const char *json, size_t len, const char *source, diag_list *d) {
    cJSON *root = json_text_parse(json, len, source, d);
    if (!root) return NULL;
    tmpl *t = xcalloc(1, sizeof(tmpl));
    pctx c = {source, d, 0, t};
    t->source = xstrdup(source);
    t->page_width = 595.276;
    t->page_height = 841.89;
    t->margin_top = t->margin_bottom = t->margin_left = t->margin_right = 72;
    t->rule_color = 0xC00000;
    t->rule_width = 1.5;
    t->han_latin_gap = 0.25;
    t->fullwidth_punct = true;
    t->outline_tolerance = TMPL_OUTLINE_TOLERANCE;
    t->footer_offset = 20;
    t->footer_align = TMPL_FOOTER_CENTER;
    if (!tp_want_object(&c, root, "$")) goto done;
    static const char *const keys[] = {"name",   "description", "page",       "grid",
                                       "fonts",  "styles",      "variables",  "blocks",
                                       "rule",   "typography",  "footer",     "table",
                                       "page_limit", "pdf",         NULL};
    tp_check_keys(&c, root, "$", keys);
    const cJSON *v;
    if ((v = tp_member(&c, root, "$", "page", true))) parse_page(&c, v, t);
    if ((v = tp_member(&c, root, "$", "grid", false))) parse_grid(&c, v, t);
    if ((v = tp_member(&c, root, "$", "fonts", true))) parse_fonts(&c, v, t);
    parse_styles(&c, tp_member(&c, root, "$", "styles", true), t);
    if ((v = tp_member(&c, root, "$", "variables", false))) parse_vars(&c, v, t);
    t->rule_color = 0xC00000;
    t->rule_width = 1.5;
    if ((v = tp_member(&c, root, "$", "rule", false)) && tp_want_object(&c, v, "$.rule")) {
        static const char *const rk[] = {"color", "width", NULL};
        tp_check_keys(&c, v, "$.rule", rk);
        t->rule_color = tp_color(&c, v, "$.rule", "color", t->rule_color);
        t->rule_width = tp_length(&c, v, "$.rule", "width", t->rule_width, 20);
    }
    if ((v = tp_member(&c, root, "$", "typography", false)) && tp_want_object(&c, v, "$.typography")) {
        static const char *const tk[] = {"han_latin_gap", "fullwidth_punct", NULL};
        tp_check_keys(&c, v, "$.typography", tk);
        t->han_latin_gap = tp_number(&c, v, "$.typography", "han_latin_gap", 0.25, 0, 0.5, false);
        t->fullwidth_punct = tp_boolean(&c, v, "$.typography", "fullwidth_punct", true);
    }
    if ((v = tp_member(&c, root, "$", "pdf", false)) && tp_want_object(&c, v, "$.pdf")) {
        static const char *const pk[] = {"outline_tolerance", NULL};
        tp_check_keys(&c, v, "$.pdf", pk);
        t->outline_tolerance = tp_number(&c, v, "$.pdf", "outline_tolerance",
                                         TMPL_OUTLINE_TOLERANCE, 0, 10, false);
    }
    if ((v = tp_member(&c, root, "$", "footer", false))) parse_footer(&c, v, t);
    tp_parse_table(&c, tp_member(&c, root, "$", "table", false), t);
    t->page_limit = (unsigned)tp_count(&c, root, "$", "page_limit", 0, 1, 1000);
    if ((v = tp_member(&c, root, "$", "blocks", true))) tp_parse_blocks(&c, v, t);
    free(tp_string(&c, root, "$", "name", NULL, false));
    t->description = tp_string(&c, root, "$", "description", "", false);
done:
    cJSON_Delete(root);
    if (c.errors) {
        tmpl_free(t);
        return NULL;
    }
    return t;
}

tmpl *tmpl_load(const char *path, diag_list *d) {
    size_t len;
    char *json = file_read_all(path, TMPL_MAX_BYTES, &len, d);
    if (!json) return NULL;
    tmpl *t = tmpl_parse(json, len, path, d);
    free(json);
    return t;
}

const tmpl_font_role *tmpl_font_role_find(const tmpl *t, const char *name) {
    for (size_t i = 0; i < t->n_fonts; i++)
        if (strcmp(t->fonts[i].name, name) == 0) return &t->fonts[i];
    return NULL;
}

void tmpl_free(tmpl *t) {
    if (!t) return;
    free(t->source);
    free(t->description);
    for (size_t i = 0; i < t->n_fonts; i++) {
        free(t->fonts[i].name);
        for (size_t j = 0; j < t->fonts[i].n_families; j++) free(t->fonts[i].families[j]);
        free(t->fonts[i].families);
    }
    free(t->fonts);
    for (size_t i = 0; i < t->n_styles; i++) {
        free(t->styles[i].name);
        free(t->styles[i].font);
    }
    free(t->styles);
    for (size_t i = 0; i < t->n_blocks; i++) tp_free_block(&t->blocks[i]);
    free(t->blocks);
    for (size_t i = 0; i < t->n_vars; i++) {
        free(t->vars[i].name);
        free(t->vars[i].value);
    }
    free(t->vars);
    free(t->footer);
    free(t->table.continued);
    free(t->table.caption);
    for (size_t i = 0; i < t->table.n_columns; i++) free(t->table.columns[i].header);
    free(t->table.columns);
    free(t);
}

char *tmpl_read_description(const char *path) {
    diag_list *d = diag_list_new();
    size_t len = 0;
    char *text = file_read_all(path, TMPL_MAX_BYTES, &len, d);
    diag_list_free(d);
    cJSON *root = text ? json_parse_raw(text, len, NULL) : NULL;
    free(text);
    const cJSON *desc = cJSON_GetObjectItemCaseSensitive(root, "description");
    char *s = cJSON_IsString(desc) ? xstrdup(desc->valuestring) : NULL;
    cJSON_Delete(root);
    return s;
}
