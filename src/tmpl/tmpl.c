#include "tmpl.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/file.h"
#include "../util/utf8.h"
#include "../util/xalloc.h"

#define TMPL_MAX_BYTES (1u << 20)

static const char *const style_names[TMPL_STYLE_COUNT] = {
    "title",     "meta",      "heading1",     "heading2",   "heading3",    "heading4",
    "paragraph", "summary",   "table_header", "table_cell", "table_group", "footer",
};

const char *tmpl_style_name(tmpl_style_id id) { return style_names[id]; }

typedef struct {
    const char *source;
    diag_list *d;
    int errors;
} ctx;

static void err(ctx *c, const char *path, const char *fmt, const char *arg) {
    diag_add(c->d, DIAG_ERROR, c->source, path, fmt, arg);
    c->errors++;
}

static const char *type_name(const cJSON *v) {
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsBool(v)) return "a boolean";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsArray(v)) return "an array";
    return "an object";
}

/* Every key of obj must be in allowed; duplicates are errors too. */
static void check_keys(ctx *c, const cJSON *obj, const char *path, const char *const *allowed) {
    for (const cJSON *k = obj->child; k; k = k->next) {
        char *p = xasprintf("%s.%s", path, k->string);
        bool ok = false;
        for (const char *const *a = allowed; *a; a++) ok |= strcmp(*a, k->string) == 0;
        if (!ok) err(c, p, "unknown key \"%s\"", k->string);
        for (const cJSON *j = obj->child; j != k; j = j->next)
            if (strcmp(j->string, k->string) == 0) {
                err(c, p, "duplicate key \"%s\"", k->string);
                break;
            }
        free(p);
    }
}

static const cJSON *member(ctx *c, const cJSON *obj, const char *path, const char *key,
                           bool required) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v && required) err(c, path, "missing required key \"%s\"", key);
    return v;
}

static bool want_object(ctx *c, const cJSON *v, const char *path) {
    if (cJSON_IsObject(v)) return true;
    diag_add(c->d, DIAG_ERROR, c->source, path, "expected an object, got %s", type_name(v));
    c->errors++;
    return false;
}

static double number(ctx *c, const cJSON *obj, const char *path, const char *key, double def,
                     double min, double max, bool required) {
    const cJSON *v = member(c, obj, path, key, required);
    if (!v) return def;
    char *p = xasprintf("%s.%s", path, key);
    double r = def;
    if (!cJSON_IsNumber(v)) {
        diag_add(c->d, DIAG_ERROR, c->source, p, "expected a number, got %s", type_name(v));
        c->errors++;
    } else if (!isfinite(v->valuedouble) || v->valuedouble < min || v->valuedouble > max) {
        diag_add(c->d, DIAG_ERROR, c->source, p, "%g is out of range (%g to %g)", v->valuedouble,
                 min, max);
        c->errors++;
    } else {
        r = v->valuedouble;
    }
    free(p);
    return r;
}

static char *string(ctx *c, const cJSON *obj, const char *path, const char *key, const char *def,
                    bool required) {
    const cJSON *v = member(c, obj, path, key, required);
    if (!v) return def ? xstrdup(def) : NULL;
    char *p = xasprintf("%s.%s", path, key);
    char *r = NULL;
    if (!cJSON_IsString(v)) {
        diag_add(c->d, DIAG_ERROR, c->source, p, "expected a string, got %s", type_name(v));
        c->errors++;
    } else {
        r = xstrdup(v->valuestring);
    }
    free(p);
    if (!r && def) r = xstrdup(def);
    return r;
}

static bool boolean(ctx *c, const cJSON *obj, const char *path, const char *key, bool def) {
    const cJSON *v = member(c, obj, path, key, false);
    if (!v) return def;
    if (cJSON_IsBool(v)) return cJSON_IsTrue(v);
    char *p = xasprintf("%s.%s", path, key);
    diag_add(c->d, DIAG_ERROR, c->source, p, "expected true or false, got %s", type_name(v));
    c->errors++;
    free(p);
    return def;
}

static uint32_t color(ctx *c, const cJSON *obj, const char *path, const char *key, uint32_t def) {
    const cJSON *v = member(c, obj, path, key, false);
    if (!v) return def;
    char *p = xasprintf("%s.%s", path, key);
    uint32_t r = def;
    const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
    bool ok = s && s[0] == '#' && strlen(s) == 7 && strspn(s + 1, "0123456789abcdefABCDEF") == 6;
    if (ok)
        r = (uint32_t)strtoul(s + 1, NULL, 16);
    else {
        diag_add(c->d, DIAG_ERROR, c->source, p, "expected a colour \"#RRGGBB\"");
        c->errors++;
    }
    free(p);
    return r;
}

/* Lengths accept points as numbers or strings with a unit: "25mm", "2cm", "1in", "12pt". */
static double length(ctx *c, const cJSON *obj, const char *path, const char *key, double def,
                     double max) {
    const cJSON *v = member(c, obj, path, key, false);
    if (!v) return def;
    char *p = xasprintf("%s.%s", path, key);
    double r = NAN;
    if (cJSON_IsNumber(v)) {
        r = v->valuedouble;
    } else if (cJSON_IsString(v)) {
        char *end = NULL;
        double x = strtod(v->valuestring, &end);
        if (end != v->valuestring) {
            if (strcmp(end, "mm") == 0) r = x * 72.0 / 25.4;
            else if (strcmp(end, "cm") == 0) r = x * 72.0 / 2.54;
            else if (strcmp(end, "in") == 0) r = x * 72.0;
            else if (strcmp(end, "pt") == 0 || *end == 0) r = x;
        }
    }
    if (!isfinite(r) || r < 0 || r > max) {
        diag_add(c->d, DIAG_ERROR, c->source, p,
                 "expected a length from 0 to %g pt (a number of points, or \"25mm\", \"2cm\", "
                 "\"1in\", \"12pt\")",
                 max);
        c->errors++;
        r = def;
    }
    free(p);
    return r;
}

static void parse_page(ctx *c, const cJSON *page, tmpl *t) {
    static const char *const keys[] = {"size", "width", "height", "margin", NULL};
    if (!want_object(c, page, "$.page")) return;
    check_keys(c, page, "$.page", keys);
    t->page_width = 595.276;
    t->page_height = 841.89;
    char *size = string(c, page, "$.page", "size", "A4", false);
    if (size) {
        if (strcasecmp(size, "A4") == 0) {
            t->page_width = 595.276, t->page_height = 841.89;
        } else if (strcasecmp(size, "A5") == 0) {
            t->page_width = 419.528, t->page_height = 595.276;
        } else if (strcasecmp(size, "B5") == 0) {
            t->page_width = 498.898, t->page_height = 708.661;
        } else if (strcasecmp(size, "letter") == 0) {
            t->page_width = 612, t->page_height = 792;
        } else if (strcasecmp(size, "custom") != 0) {
            err(c, "$.page.size", "unknown page size \"%s\" (A4, A5, B5, letter or custom)", size);
        }
    }
    free(size);
    t->page_width = length(c, page, "$.page", "width", t->page_width, 14400);
    t->page_height = length(c, page, "$.page", "height", t->page_height, 14400);
    if (t->page_width < 72 || t->page_height < 72)
        err(c, "$.page", "%s", "page is smaller than one inch");
    const cJSON *m = member(c, page, "$.page", "margin", false);
    t->margin_top = t->margin_bottom = t->margin_left = t->margin_right = 72;
    if (m && want_object(c, m, "$.page.margin")) {
        static const char *const mk[] = {"top", "right", "bottom", "left", NULL};
        check_keys(c, m, "$.page.margin", mk);
        t->margin_top = length(c, m, "$.page.margin", "top", 72, 14400);
        t->margin_right = length(c, m, "$.page.margin", "right", 72, 14400);
        t->margin_bottom = length(c, m, "$.page.margin", "bottom", 72, 14400);
        t->margin_left = length(c, m, "$.page.margin", "left", 72, 14400);
    }
    /* The type area must hold at least a few characters and lines, or layout
     * could not progress. */
    if (t->page_width - t->margin_left - t->margin_right < 72)
        err(c, "$.page.margin", "%s", "left and right margins leave less than 72 pt of width");
    if (t->page_height - t->margin_top - t->margin_bottom < 144)
        err(c, "$.page.margin", "%s", "top and bottom margins leave less than 144 pt of height");
}

static void parse_fonts(ctx *c, const cJSON *fonts, tmpl *t) {
    if (!want_object(c, fonts, "$.fonts")) return;
    size_t n = (size_t)cJSON_GetArraySize(fonts);
    t->fonts = xcalloc(n, sizeof(tmpl_font_role));
    for (const cJSON *r = fonts->child; r; r = r->next) {
        char *p = xasprintf("$.fonts.%s", r->string);
        if (!cJSON_IsArray(r) || cJSON_GetArraySize(r) == 0) {
            err(c, p, "%s", "expected a non-empty array of font family names");
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
                diag_add(c->d, DIAG_ERROR, c->source, pi, "expected a string, got %s",
                         type_name(f));
                c->errors++;
                free(pi);
                continue;
            }
            role->families[role->n_families++] = xstrdup(f->valuestring);
        }
        free(p);
    }
}

static void parse_style(ctx *c, const cJSON *s, const char *path, tmpl_style *st, const tmpl *t) {
    static const char *const keys[] = {"font",   "size",  "leading",      "color",       "indent",
                                       "align",  "bold",  "space_before", "space_after", NULL};
    if (!want_object(c, s, path)) return;
    check_keys(c, s, path, keys);
    st->font = string(c, s, path, "font", "body", false);
    if (st->font && !tmpl_font_role_find(t, st->font)) {
        char *p = xasprintf("%s.font", path);
        err(c, p, "no font role \"%s\" in $.fonts", st->font);
        free(p);
    }
    st->size = number(c, s, path, "size", 12, 4, 200, true);
    st->leading = number(c, s, path, "leading", 1.5, 1.0, 5.0, false);
    st->color = color(c, s, path, "color", 0);
    st->indent = number(c, s, path, "indent", 0, 0, 10, false);
    st->space_before = length(c, s, path, "space_before", 0, 1000);
    st->space_after = length(c, s, path, "space_after", 0, 1000);
    st->bold = boolean(c, s, path, "bold", false);
    char *a = string(c, s, path, "align", "left", false);
    if (a) {
        if (strcmp(a, "left") == 0) st->align = TMPL_LEFT;
        else if (strcmp(a, "center") == 0) st->align = TMPL_CENTER;
        else if (strcmp(a, "right") == 0) st->align = TMPL_RIGHT;
        else if (strcmp(a, "justify") == 0) st->align = TMPL_JUSTIFY;
        else {
            char *p = xasprintf("%s.align", path);
            err(c, p, "unknown alignment \"%s\" (left, center, right or justify)", a);
            free(p);
        }
    }
    free(a);
}

static void parse_blocks(ctx *c, const cJSON *b, tmpl *t) {
    static const char *const names[] = {"title", "meta", "rule", "indicators", "summary", "sections"};
    if (!cJSON_IsArray(b)) {
        diag_add(c->d, DIAG_ERROR, c->source, "$.blocks", "expected an array, got %s", type_name(b));
        c->errors++;
        return;
    }
    t->blocks = xcalloc((size_t)cJSON_GetArraySize(b), sizeof(tmpl_block));
    int i = 0;
    for (const cJSON *e = b->child; e; e = e->next, i++) {
        char *p = xasprintf("$.blocks[%d]", i);
        size_t k = 0;
        if (cJSON_IsString(e))
            for (; k < sizeof names / sizeof *names; k++)
                if (strcmp(e->valuestring, names[k]) == 0) break;
        if (!cJSON_IsString(e) || k == sizeof names / sizeof *names)
            err(c, p, "unknown block type \"%s\" (title, meta, rule, indicators, summary, sections)",
                cJSON_IsString(e) ? e->valuestring : type_name(e));
        else
            t->blocks[t->n_blocks++] = (tmpl_block)k;
        free(p);
    }
}

tmpl *tmpl_parse(const char *json, size_t len, const char *source, diag_list *d) {
    ctx c = {source, d, 0};
    size_t bad;
    if (!utf8_valid(json, len, &bad)) {
        diag_add(d, DIAG_ERROR, source, NULL, "invalid UTF-8 at byte %zu", bad);
        return NULL;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, false);
    if (!root) {
        size_t off = end ? (size_t)(end - json) : 0, line = 1, col = 1;
        for (size_t i = 0; i < off && i < len; i++) {
            if (json[i] == '\n') line++, col = 1;
            else if (((unsigned char)json[i] & 0xC0) != 0x80) col++;
        }
        diag_add(d, DIAG_ERROR, source, NULL, "not valid JSON (line %zu, column %zu)", line, col);
        return NULL;
    }
    tmpl *t = xcalloc(1, sizeof(tmpl));
    t->source = xstrdup(source);
    if (!want_object(&c, root, "$")) goto done;
    static const char *const keys[] = {"name", "description", "page", "fonts", "styles",
                                       "blocks", "rule", "typography", "footer", "table", NULL};
    check_keys(&c, root, "$", keys);
    const cJSON *v;
    if ((v = member(&c, root, "$", "page", true))) parse_page(&c, v, t);
    if ((v = member(&c, root, "$", "fonts", true))) parse_fonts(&c, v, t);
    if ((v = member(&c, root, "$", "styles", true)) && want_object(&c, v, "$.styles")) {
        static const char *const sk[TMPL_STYLE_COUNT + 1] = {
            "title",     "meta",      "heading1",     "heading2",   "heading3",    "heading4",
            "paragraph", "summary",   "table_header", "table_cell", "table_group", "footer", NULL};
        check_keys(&c, v, "$.styles", sk);
        for (int i = 0; i < TMPL_STYLE_COUNT; i++) {
            t->styles[i].name = xstrdup(style_names[i]);
            const cJSON *s = member(&c, v, "$.styles", style_names[i], true);
            char *p = xasprintf("$.styles.%s", style_names[i]);
            if (s) parse_style(&c, s, p, &t->styles[i], t);
            free(p);
        }
    }
    if ((v = member(&c, root, "$", "blocks", true))) parse_blocks(&c, v, t);
    t->rule_color = 0xC00000;
    t->rule_width = 1.5;
    if ((v = member(&c, root, "$", "rule", false)) && want_object(&c, v, "$.rule")) {
        static const char *const rk[] = {"color", "width", NULL};
        check_keys(&c, v, "$.rule", rk);
        t->rule_color = color(&c, v, "$.rule", "color", t->rule_color);
        t->rule_width = length(&c, v, "$.rule", "width", t->rule_width, 20);
    }
    t->han_latin_gap = 0.25;
    t->fullwidth_punct = true;
    if ((v = member(&c, root, "$", "typography", false)) && want_object(&c, v, "$.typography")) {
        static const char *const tk[] = {"han_latin_gap", "fullwidth_punct", NULL};
        check_keys(&c, v, "$.typography", tk);
        t->han_latin_gap = number(&c, v, "$.typography", "han_latin_gap", 0.25, 0, 0.5, false);
        t->fullwidth_punct = boolean(&c, v, "$.typography", "fullwidth_punct", true);
    }
    t->footer_offset = 20;
    if ((v = member(&c, root, "$", "footer", false)) && want_object(&c, v, "$.footer")) {
        static const char *const fk[] = {"text", "offset", NULL};
        check_keys(&c, v, "$.footer", fk);
        t->footer = string(&c, v, "$.footer", "text", NULL, true);
        t->footer_offset = length(&c, v, "$.footer", "offset", 20, 500);
    }
    if ((v = member(&c, root, "$", "table", false)) && want_object(&c, v, "$.table")) {
        static const char *const tk[] = {"caption", "label", "value", "unit", NULL};
        check_keys(&c, v, "$.table", tk);
        t->table_caption = string(&c, v, "$.table", "caption", NULL, false);
        t->table_label_header = string(&c, v, "$.table", "label", NULL, false);
        t->table_value_header = string(&c, v, "$.table", "value", NULL, false);
        t->table_unit_header = string(&c, v, "$.table", "unit", NULL, false);
    }
    if (!t->table_label_header) t->table_label_header = xstrdup("指标");
    if (!t->table_value_header) t->table_value_header = xstrdup("数值");
    if (!t->table_unit_header) t->table_unit_header = xstrdup("单位");
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
    for (size_t i = 0; i < t->n_fonts; i++) {
        free(t->fonts[i].name);
        for (size_t j = 0; j < t->fonts[i].n_families; j++) free(t->fonts[i].families[j]);
        free(t->fonts[i].families);
    }
    free(t->fonts);
    for (int i = 0; i < TMPL_STYLE_COUNT; i++) {
        free(t->styles[i].name);
        free(t->styles[i].font);
    }
    free(t->blocks);
    free(t->footer);
    free(t->table_caption);
    free(t->table_label_header);
    free(t->table_value_header);
    free(t->table_unit_header);
    free(t);
}
