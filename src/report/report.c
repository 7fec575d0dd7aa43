/* Report parsing and validation (docs/report-format.md).
 *
 * report_parse runs in three stages:
 *   1. byte checks before cJSON sees the input: size, NUL bytes, UTF-8, an
 *      optional BOM, emptiness;
 *   2. cJSON parsing, with failures turned into "line L, column C" messages;
 *   3. a walk over the cJSON tree that checks every field, reports every
 *      problem with its JSON path, and copies what is valid into the model.
 * The cJSON tree is freed before returning, so the model owns all its strings.
 * Nothing here keeps global state, and recursion is bounded: sections by
 * REPORT_MAX_DEPTH, other values by cJSON's own nesting limit. */
#include "report.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/file.h"
#include "../util/utf8.h"
#include "../util/json_keys.h"
#include "../util/json_text.h"
#include "../util/xalloc.h"

#if defined(__GNUC__)
#define REPORT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define REPORT_PRINTF(a, b)
#endif

#define ID_MAX_LEN 100
#define YEAR_MIN 1000
#define YEAR_MAX 9999
/* How much of a value or of the text near a syntax error messages show. */
#define QUOTE_MAX_BYTES 60

/* ---- diagnostics and JSON paths ----------------------------------------- */

typedef struct {
    diag_list *d;
    const char *source;
    buf path;      /* current JSON path, "$.sections[2].title" */
    size_t errors; /* errors added by this parse (diags may hold older ones) */
} ctx;

REPORT_PRINTF(3, 4)
static void say(ctx *c, diag_severity sev, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (sev == DIAG_ERROR) c->errors++;
    diag_addv(c->d, sev, c->source, c->path.data, fmt, ap);
    va_end(ap);
}

/* An error about the input as a whole (no JSON path). */
REPORT_PRINTF(2, 3)
static void input_error(ctx *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    c->errors++;
    diag_addv(c->d, DIAG_ERROR, c->source, NULL, fmt, ap);
    va_end(ap);
}

static char *quoted(const char *s) {
    buf b;
    buf_init(&b);
    json_quote(&b, s, QUOTE_MAX_BYTES);
    return buf_steal(&b, NULL);
}

static bool is_identifier(const char *s) {
    if (!*s) return false;
    for (const char *p = s; *p; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
                  (p != s && ch >= '0' && ch <= '9');
        if (!ok) return false;
    }
    return true;
}

/* Path segments are pushed before checking a value and popped after: push
 * returns the length to pop back to. */
static size_t path_key(ctx *c, const char *key) {
    size_t mark = c->path.len;
    if (is_identifier(key)) {
        buf_putc(&c->path, '.');
        buf_puts(&c->path, key);
    } else {
        buf_putc(&c->path, '[');
        json_quote(&c->path, key, QUOTE_MAX_BYTES);
        buf_putc(&c->path, ']');
    }
    return mark;
}

static size_t path_index(ctx *c, size_t i) {
    size_t mark = c->path.len;
    buf_printf(&c->path, "[%zu]", i);
    return mark;
}

static void path_pop(ctx *c, size_t mark) {
    c->path.len = mark;
    c->path.data[mark] = 0;
}

/* A number for a message: whole numbers in plain digits, others in the
 * shortest "%g" form that reads back as the same double. */
static void format_number(double v, char out[40]) {
    if (floor(v) == v && fabs(v) < 1e15) {
        snprintf(out, 40, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, 40, "%.*g", prec, v);
        if (strtod(out, NULL) == v) return;
    }
}

/* ---- stage 3: fields ----------------------------------------------------- */

static size_t member_count(const cJSON *v) {
    size_t n = 0;
    for (const cJSON *m = v->child; m; m = m->next) n++;
    return n;
}

static void report_duplicate(ctx *c, const char *key) {
    char *q = quoted(key);
    say(c, DIAG_ERROR, "duplicate key %s", q);
    free(q);
}

/* Duplicate keys anywhere inside a value the format does not describe.
 * Recursion is bounded by cJSON's nesting limit. */
static void check_duplicates_deep(ctx *c, const cJSON *v) {
    if (cJSON_IsObject(v)) {
        bool *dup = json_duplicate_keys(v, member_count(v));
        size_t i = 0;
        for (const cJSON *m = v->child; m; m = m->next, i++) {
            if (dup && dup[i]) report_duplicate(c, m->string);
        }
        free(dup);
        for (const cJSON *m = v->child; m; m = m->next) {
            size_t mark = path_key(c, m->string);
            check_duplicates_deep(c, m);
            path_pop(c, mark);
        }
    } else if (cJSON_IsArray(v)) {
        size_t i = 0;
        for (const cJSON *m = v->child; m; m = m->next, i++) {
            size_t mark = path_index(c, i);
            check_duplicates_deep(c, m);
            path_pop(c, mark);
        }
    }
}

/* Sorts the members of obj (at the current path) into slots by field name:
 * slots[k] is the member named names[k], or NULL. Duplicate keys are errors,
 * unknown fields warnings. */
static void scan_members(ctx *c, const cJSON *obj, const char *const *names, size_t n_names,
                         const cJSON **slots) {
    for (size_t k = 0; k < n_names; k++) slots[k] = NULL;
    bool *dup = json_duplicate_keys(obj, member_count(obj));
    size_t i = 0;
    for (const cJSON *m = obj->child; m; m = m->next, i++) {
        if (dup && dup[i]) {
            report_duplicate(c, m->string);
            continue;
        }
        size_t k = 0;
        while (k < n_names && strcmp(names[k], m->string) != 0) k++;
        if (k < n_names) {
            slots[k] = m;
        } else {
            char *q = quoted(m->string);
            say(c, DIAG_WARNING, "unknown field %s", q);
            free(q);
            size_t mark = path_key(c, m->string);
            check_duplicates_deep(c, m);
            path_pop(c, mark);
        }
    }
    free(dup);
}

static void missing(ctx *c, const char *name) {
    say(c, DIAG_ERROR, "missing required field \"%s\"", name);
}

static bool is_text_space(const char *s, size_t n, bool at_end, size_t *width) {
    if (n == 0) return false;
    char ch = at_end ? s[n - 1] : s[0];
    if (json_space(ch)) {
        *width = 1;
        return true;
    }
    if (n >= 3 && memcmp(at_end ? s + n - 3 : s, "\xE3\x80\x80", 3) == 0) { /* U+3000 */
        *width = 3;
        return true;
    }
    return false;
}

/* Checks the string v (at the current path) and returns a normalized copy,
 * possibly empty: leading and trailing ASCII whitespace and U+3000 removed,
 * each inner run of spaces that holds a tab, CR or LF turned into one space
 * (a warning). Other control characters are errors (NULL is returned). */
static char *text_value(ctx *c, const cJSON *v) {
    if (!cJSON_IsString(v)) {
        say(c, DIAG_ERROR, "expected a string, got %s", json_type_name(v));
        return NULL;
    }
    const char *s = v->valuestring;
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7F) {
            say(c, DIAG_ERROR, "control character U+%04X is not allowed in text", ch);
            return NULL;
        }
    }
    size_t b = 0, e = n, w;
    while (is_text_space(s + b, e - b, false, &w)) b += w;
    while (is_text_space(s + b, e - b, true, &w)) e -= w;
    char *out = xmalloc(e - b + 1);
    size_t o = 0;
    bool replaced = false;
    for (size_t i = b; i < e;) {
        if (!json_space(s[i])) {
            out[o++] = s[i++];
            continue;
        }
        size_t j = i;
        bool breaks = false;
        while (j < e && json_space(s[j])) breaks |= s[j++] != ' ';
        if (breaks) {
            out[o++] = ' ';
            replaced = true;
        } else {
            memcpy(out + o, s + i, j - i);
            o += j - i;
        }
        i = j;
    }
    out[o] = 0;
    if (replaced) say(c, DIAG_WARNING, "tab or line break replaced by a space");
    return out;
}

/* Required text field of the object at the current path: present, a string,
 * not empty after normalization. */
static char *required_text(ctx *c, const cJSON *v, const char *name) {
    if (!v) {
        missing(c, name);
        return NULL;
    }
    size_t mark = path_key(c, name);
    char *s = text_value(c, v);
    if (s && !*s) {
        say(c, DIAG_ERROR, "must not be empty");
        free(s);
        s = NULL;
    }
    path_pop(c, mark);
    return s;
}

/* Optional text field: NULL when absent; empty strings are ignored with a
 * warning. */
static char *optional_text(ctx *c, const cJSON *v, const char *name) {
    if (!v) return NULL;
    size_t mark = path_key(c, name);
    char *s = text_value(c, v);
    if (s && !*s) {
        say(c, DIAG_WARNING, "empty value ignored");
        free(s);
        s = NULL;
    }
    path_pop(c, mark);
    return s;
}

/* Optional array of paragraphs; empty ones are dropped with a warning. */
static void paragraph_list(ctx *c, const cJSON *v, const char *name, char ***out, size_t *n_out) {
    if (!v) return;
    size_t mark = path_key(c, name);
    if (!cJSON_IsArray(v)) {
        say(c, DIAG_ERROR, "expected an array, got %s", json_type_name(v));
    } else {
        size_t cap = 0, n = 0, i = 0;
        char **list = NULL;
        for (const cJSON *m = v->child; m; m = m->next, i++) {
            size_t item = path_index(c, i);
            char *s = text_value(c, m);
            if (s && !*s) {
                say(c, DIAG_WARNING, "empty paragraph dropped");
                free(s);
            } else if (s) {
                xgrow(&list, &cap, n + 1, sizeof *list);
                list[n++] = s;
            }
            path_pop(c, item);
        }
        *out = list;
        *n_out = n;
    }
    path_pop(c, mark);
}

static bool is_slug(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > ID_MAX_LEN || s[0] == '.') return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

static char *parse_id(ctx *c, const cJSON *v) {
    if (!v) {
        missing(c, "id");
        return NULL;
    }
    char *id = NULL;
    size_t mark = path_key(c, "id");
    if (!cJSON_IsString(v)) {
        say(c, DIAG_ERROR, "expected a string, got %s", json_type_name(v));
    } else if (!is_slug(v->valuestring)) {
        char *q = quoted(v->valuestring);
        say(c, DIAG_ERROR,
            "id must be a file-name-safe slug ([A-Za-z0-9._-], not starting with '.', at most %d "
            "characters): %s",
            ID_MAX_LEN, q);
        free(q);
    } else {
        id = xstrdup(v->valuestring);
    }
    path_pop(c, mark);
    return id;
}

static void parse_year(ctx *c, const cJSON *v, int *out) {
    if (!v) {
        missing(c, "year");
        return;
    }
    size_t mark = path_key(c, "year");
    char num[40];
    if (!cJSON_IsNumber(v)) {
        say(c, DIAG_ERROR, "expected an integer, got %s", json_type_name(v));
    } else if (!isfinite(v->valuedouble)) {
        say(c, DIAG_ERROR, "number out of range");
    } else if (floor(v->valuedouble) != v->valuedouble) {
        format_number(v->valuedouble, num);
        say(c, DIAG_ERROR, "expected an integer, got %s", num);
    } else if (v->valuedouble < YEAR_MIN || v->valuedouble > YEAR_MAX) {
        format_number(v->valuedouble, num);
        say(c, DIAG_ERROR, "year must be between %d and %d, got %s", YEAR_MIN, YEAR_MAX, num);
    } else {
        *out = (int)v->valuedouble;
    }
    path_pop(c, mark);
}

static bool is_date(const char *s) {
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    int part[3] = {0, 0, 0};
    static const int start[3] = {0, 5, 8}, len[3] = {4, 2, 2};
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < len[k]; i++) {
            char ch = s[start[k] + i];
            if (ch < '0' || ch > '9') return false;
            part[k] = part[k] * 10 + (ch - '0');
        }
    }
    int y = part[0], m = part[1], d = part[2];
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < YEAR_MIN || m < 1 || m > 12 || d < 1) return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

static char *parse_date(ctx *c, const cJSON *v) {
    if (!v) return NULL;
    char *date = NULL;
    size_t mark = path_key(c, "date");
    if (!cJSON_IsString(v)) {
        say(c, DIAG_ERROR, "expected a string, got %s", json_type_name(v));
    } else if (!is_date(v->valuestring)) {
        char *q = quoted(v->valuestring);
        say(c, DIAG_ERROR, "not a valid date: %s (expected YYYY-MM-DD)", q);
        free(q);
    } else {
        date = xstrdup(v->valuestring);
    }
    path_pop(c, mark);
    return date;
}

enum { G_NAME, G_LEVEL, G_PARENT, G_N };
static const char *const region_fields[G_N] = {"name", "level", "parent"};

static void parse_region(ctx *c, const cJSON *v, report *r) {
    if (!v) {
        missing(c, "region");
        return;
    }
    size_t mark = path_key(c, "region");
    if (!cJSON_IsObject(v)) {
        say(c, DIAG_ERROR, "expected an object, got %s", json_type_name(v));
    } else {
        const cJSON *f[G_N];
        scan_members(c, v, region_fields, G_N, f);
        r->region_name = required_text(c, f[G_NAME], "name");
        r->region_level = optional_text(c, f[G_LEVEL], "level");
        r->region_parent = optional_text(c, f[G_PARENT], "parent");
    }
    path_pop(c, mark);
}

enum { I_LABEL, I_VALUE, I_UNIT, I_CATEGORY, I_QUOTE, I_KEY, I_RANK, I_N };
static const char *const indicator_fields[I_N] = {"label", "value", "unit", "category",
                                                  "quote", "key",   "rank"};

static void parse_indicator(ctx *c, const cJSON *v, report_indicator *ind) {
    const cJSON *f[I_N];
    scan_members(c, v, indicator_fields, I_N, f);
    ind->label = required_text(c, f[I_LABEL], "label");
    if (!f[I_VALUE]) {
        missing(c, "value");
    } else {
        size_t mark = path_key(c, "value");
        if (!cJSON_IsNumber(f[I_VALUE]))
            say(c, DIAG_ERROR, "expected a number, got %s", json_type_name(f[I_VALUE]));
        else if (!isfinite(f[I_VALUE]->valuedouble))
            say(c, DIAG_ERROR, "number out of range");
        else
            ind->value = f[I_VALUE]->valuedouble;
        path_pop(c, mark);
    }
    ind->unit = optional_text(c, f[I_UNIT], "unit");
    ind->category = optional_text(c, f[I_CATEGORY], "category");
    ind->quote = optional_text(c, f[I_QUOTE], "quote");
    ind->key = optional_text(c, f[I_KEY], "key");
    if (f[I_RANK]) {
        size_t mark = path_key(c, "rank");
        double rv = cJSON_IsNumber(f[I_RANK]) ? f[I_RANK]->valuedouble : 0;
        if (!cJSON_IsNumber(f[I_RANK]) || rv != floor(rv) || rv < 1 || rv > 1e9)
            say(c, DIAG_ERROR, "expected a whole number from 1 (most important), got %s",
                cJSON_IsNumber(f[I_RANK]) ? "another number" : json_type_name(f[I_RANK]));
        else
            ind->rank = (unsigned)rv;
        path_pop(c, mark);
    }
}

static void parse_indicators(ctx *c, const cJSON *v, report *r) {
    if (!v) return;
    size_t mark = path_key(c, "indicators");
    size_t n = cJSON_IsArray(v) ? member_count(v) : 0;
    if (!cJSON_IsArray(v)) {
        say(c, DIAG_ERROR, "expected an array, got %s", json_type_name(v));
    } else if (n > REPORT_MAX_INDICATORS) {
        say(c, DIAG_ERROR, "too many indicators: %zu (the limit is %u)", n, REPORT_MAX_INDICATORS);
    } else if (n > 0) {
        r->indicators = xcalloc(n, sizeof *r->indicators);
        r->n_indicators = n;
        size_t i = 0;
        for (const cJSON *m = v->child; m; m = m->next, i++) {
            size_t item = path_index(c, i);
            if (!cJSON_IsObject(m))
                say(c, DIAG_ERROR, "expected an object, got %s", json_type_name(m));
            else
                parse_indicator(c, m, &r->indicators[i]);
            path_pop(c, item);
        }
    }
    path_pop(c, mark);
}

enum { S_TITLE, S_PARAGRAPHS, S_SECTIONS, S_N };
static const char *const section_fields[S_N] = {"title", "paragraphs", "sections"};

static void parse_section_list(ctx *c, const cJSON *v, int depth, report_section **out,
                               size_t *n_out);

static void parse_section(ctx *c, const cJSON *v, int depth, report_section *sec) {
    const cJSON *f[S_N];
    scan_members(c, v, section_fields, S_N, f);
    sec->title = required_text(c, f[S_TITLE], "title");
    paragraph_list(c, f[S_PARAGRAPHS], "paragraphs", &sec->paragraphs, &sec->n_paragraphs);
    if (f[S_SECTIONS]) {
        size_t mark = path_key(c, "sections");
        parse_section_list(c, f[S_SECTIONS], depth + 1, &sec->sections, &sec->n_sections);
        path_pop(c, mark);
    }
}

/* The array v (at the current path) of sections at nesting level depth
 * (top level: 1). Deeper than REPORT_MAX_DEPTH is one error at the first
 * such section, and nothing below it is examined. */
static void parse_section_list(ctx *c, const cJSON *v, int depth, report_section **out,
                               size_t *n_out) {
    if (!cJSON_IsArray(v)) {
        say(c, DIAG_ERROR, "expected an array, got %s", json_type_name(v));
        return;
    }
    if (!v->child) return;
    if (depth > REPORT_MAX_DEPTH) {
        size_t item = path_index(c, 0);
        say(c, DIAG_ERROR, "sections nested deeper than the limit of %d levels", REPORT_MAX_DEPTH);
        path_pop(c, item);
        return;
    }
    report_section *list = NULL;
    size_t cap = 0, n = 0, i = 0;
    for (const cJSON *m = v->child; m; m = m->next, i++) {
        size_t item = path_index(c, i);
        if (!cJSON_IsObject(m)) {
            say(c, DIAG_ERROR, "expected an object, got %s", json_type_name(m));
        } else {
            xgrow(&list, &cap, n + 1, sizeof *list);
            list[n] = (report_section){0};
            parse_section(c, m, depth, &list[n]);
            n++;
        }
        path_pop(c, item);
    }
    *out = list;
    *n_out = n;
}

enum {
    R_ID, R_REGION, R_YEAR, R_TITLE, R_ISSUER, R_DATE, R_SUMMARY, R_INDICATORS, R_SECTIONS, R_N
};
static const char *const root_fields[R_N] = {"id",   "region",  "year",       "title",   "issuer",
                                             "date", "summary", "indicators", "sections"};

static void parse_root(ctx *c, const cJSON *root, report *r) {
    const cJSON *f[R_N];
    scan_members(c, root, root_fields, R_N, f);
    r->id = parse_id(c, f[R_ID]);
    parse_region(c, f[R_REGION], r);
    parse_year(c, f[R_YEAR], &r->year);
    r->title = required_text(c, f[R_TITLE], "title");
    r->issuer = optional_text(c, f[R_ISSUER], "issuer");
    r->date = parse_date(c, f[R_DATE]);
    paragraph_list(c, f[R_SUMMARY], "summary", &r->summary, &r->n_summary);
    parse_indicators(c, f[R_INDICATORS], r);
    if (!f[R_SECTIONS]) {
        missing(c, "sections");
    } else {
        size_t mark = path_key(c, "sections");
        parse_section_list(c, f[R_SECTIONS], 1, &r->sections, &r->n_sections);
        if (cJSON_IsArray(f[R_SECTIONS]) && !f[R_SECTIONS]->child && r->n_summary == 0)
            say(c, DIAG_ERROR, "must not be empty when there is no summary");
        path_pop(c, mark);
    }
}

/* ---- entry points --------------------------------------------------------- */

report *report_parse(const char *json, size_t len, const char *source, diag_list *diags) {
    ctx c = {.d = diags, .source = source};
    if (!json) len = 0;
    if (len > REPORT_MAX_BYTES) {
        input_error(&c, "input is larger than the limit of %u bytes", REPORT_MAX_BYTES);
        return NULL;
    }
    cJSON *root = json_text_parse(json, len, source, diags);
    if (!root) return NULL;

    report *r = xcalloc(1, sizeof *r);
    r->source = xstrdup(source ? source : "");
    buf_puts(&c.path, "$");
    if (!cJSON_IsObject(root))
        say(&c, DIAG_ERROR, "expected an object at the root, got %s", json_type_name(root));
    else
        parse_root(&c, root, r);
    cJSON_Delete(root);
    buf_free(&c.path);
    if (c.errors) {
        report_free(r);
        return NULL;
    }
    return r;
}

report *report_load(const char *path, diag_list *diags) {
    size_t len = 0;
    char *data = file_read_all(path, REPORT_MAX_BYTES, &len, diags);
    if (!data) return NULL;
    report *r = report_parse(data, len, path, diags);
    free(data);
    return r;
}

static void free_strings(char **v, size_t n) {
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

static void free_sections(report_section *v, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(v[i].title);
        free_strings(v[i].paragraphs, v[i].n_paragraphs);
        free_sections(v[i].sections, v[i].n_sections);
    }
    free(v);
}

void report_free(report *r) {
    if (!r) return;
    free(r->source);
    free(r->id);
    free(r->region_name);
    free(r->region_level);
    free(r->region_parent);
    free(r->title);
    free(r->issuer);
    free(r->date);
    free_strings(r->summary, r->n_summary);
    for (size_t i = 0; i < r->n_indicators; i++) {
        report_indicator *ind = &r->indicators[i];
        free(ind->label);
        free(ind->unit);
        free(ind->category);
        free(ind->quote);
        free(ind->key);
    }
    free(r->indicators);
    free_sections(r->sections, r->n_sections);
    free(r);
}

static bool field_is(const char *name, size_t len, const char *s) {
    return strlen(s) == len && !memcmp(name, s, len);
}

const char *report_field(const report *r, const char *name, size_t len, char year_buf[16]) {
    if (field_is(name, len, "id")) return r->id;
    if (field_is(name, len, "title")) return r->title;
    if (field_is(name, len, "year")) {
        snprintf(year_buf, 16, "%d", r->year);
        return year_buf;
    }
    if (field_is(name, len, "region.name")) return r->region_name;
    if (field_is(name, len, "region.level")) return r->region_level;
    if (field_is(name, len, "region.parent")) return r->region_parent;
    if (field_is(name, len, "issuer")) return r->issuer;
    if (field_is(name, len, "date")) return r->date;
    return NULL;
}
