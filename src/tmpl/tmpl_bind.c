/* Data binding: {{name}} and {{name|default}} in template text. Names are
 * checked against what the text's context offers when the template loads, so
 * a misspelt field fails before any report is read; values are looked up at
 * render time by the caller's function. Style names and variables bind here
 * too. The files of src/tmpl/ call downwards only: tmpl.c → tmpl_blocks.c →
 * tmpl_bind.c → tmpl_json.c (the JSON value readers). */
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"
#include "../util/buf.h"
#include "tmpl_internal.h"

/* Fields of a report (and of a comparison, see docs/templates.md). */
static const char *const doc_fields[] = {
    "id",     "title", "year",    "region.name", "region.level", "region.parent", "issuer",
    "date",   "date_zh", "count", "years",       "regions",      "indicator",     "indicator.unit",
    NULL,
};
static const char *const footer_fields[] = {"page", "pages", NULL};
static const char *const point_fields[] = {"n", "cn", NULL};

static bool is_name_char(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '.';
}

/* One reference at s (just after "{{"): the name and the default. Returns the
 * position after "}}", or NULL when the reference is not closed. */
typedef struct ref {
    const char *name;
    size_t name_len;
    const char *def; /* NULL: no default */
    size_t def_len;
} ref;

static const char *parse_ref(const char *s, ref *r) {
    const char *end = strstr(s, "}}");
    if (!end) return NULL;
    while (*s == ' ') s++;
    r->name = s;
    while (s < end && is_name_char(*s)) s++;
    r->name_len = (size_t)(s - r->name);
    while (s < end && *s == ' ') s++;
    r->def = NULL;
    r->def_len = 0;
    if (s < end && *s == '|') {
        r->def = s + 1;
        r->def_len = (size_t)(end - s - 1);
    } else if (s != end) {
        r->name_len = (size_t)(end - r->name); /* not a name: reported whole */
    }
    return end + 2;
}

static bool in_list(const char *const *list, const char *name, size_t len) {
    for (; *list; list++)
        if (strlen(*list) == len && !memcmp(*list, name, len)) return true;
    return false;
}

const char *tmpl_var_find(const tmpl *t, const char *name, size_t len) {
    for (size_t i = 0; i < t->n_vars; i++)
        if (strlen(t->vars[i].name) == len && !memcmp(t->vars[i].name, name, len))
            return t->vars[i].value;
    return NULL;
}

bool tmpl_check_vars(const tmpl *t, const char *const *vars, size_t n, diag_list *d) {
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(vars[i], '=');
        size_t len = eq ? (size_t)(eq - vars[i]) : strlen(vars[i]);
        if (tmpl_var_find(t, vars[i], len)) continue;
        buf names;
        buf_init(&names);
        for (size_t k = 0; k < t->n_vars; k++)
            buf_printf(&names, "%s%s", k ? ", " : "", t->vars[k].name);
        diag_add(d, DIAG_ERROR, t->source, "$.variables",
                 "--set %.*s: the template has no such variable (it has: %s)", (int)len, vars[i],
                 names.len ? names.data : "none");
        buf_free(&names);
        ok = false;
    }
    return ok;
}

void tp_check_refs(pctx *c, const char *text, const char *path, int ctx) {
    for (const char *p = strstr(text, "{{"); p; p = strstr(p, "{{")) {
        ref r;
        const char *next = parse_ref(p + 2, &r);
        if (!next) {
            tp_err(c, path, "\"{{\" without a closing \"}}\"");
            return;
        }
        bool ok = r.name_len > 0 && strspn(r.name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") >= r.name_len;
        bool known = ok && (in_list(doc_fields, r.name, r.name_len) ||
                            tmpl_var_find(c->t, r.name, r.name_len) ||
                            ((ctx & TMPL_CTX_FOOTER) && in_list(footer_fields, r.name, r.name_len)) ||
                            ((ctx & TMPL_CTX_POINT) && in_list(point_fields, r.name, r.name_len)));
        if (!known) {
            buf names;
            buf_init(&names);
            for (const char *const *f = doc_fields; *f; f++) buf_printf(&names, "%s, ", *f);
            if (ctx & TMPL_CTX_FOOTER) buf_puts(&names, "page, pages, ");
            if (ctx & TMPL_CTX_POINT) buf_puts(&names, "n, cn, ");
            for (size_t i = 0; i < c->t->n_vars; i++) buf_printf(&names, "%s, ", c->t->vars[i].name);
            names.data[names.len - 2] = 0;
            tp_err(c, path, "unknown field \"%.*s\" in {{…}} (known: %s)", (int)r.name_len, r.name,
                   names.data);
            buf_free(&names);
        }
        p = next;
    }
}

bool tmpl_expand(const char *text, tmpl_lookup_fn lookup, void *user, buf *out, char **missing) {
    *missing = NULL;
    const char *p = text;
    for (const char *q = strstr(p, "{{"); q; q = strstr(p, "{{")) {
        buf_append(out, p, (size_t)(q - p));
        ref r;
        const char *next = parse_ref(q + 2, &r);
        if (!next) { /* validated at load; kept literally if it ever happens */
            p = q;
            break;
        }
        const char *v = lookup(user, r.name, r.name_len);
        if (v)
            buf_puts(out, v);
        else if (r.def)
            buf_append(out, r.def, r.def_len);
        else {
            *missing = xstrndup(r.name, r.name_len);
            return false;
        }
        p = next;
    }
    buf_puts(out, p);
    return true;
}

/* ---- readers of template text that binds names ------------------------ */

char *tp_text(pctx *c, const cJSON *obj, const char *path, const char *key, const char *def,
              bool required, int ctx) {
    char *s = tp_string(c, obj, path, key, def, required);
    if (s && cJSON_GetObjectItemCaseSensitive(obj, key)) {
        char *p = xasprintf("%s.%s", path, key);
        tp_check_refs(c, s, p, ctx);
        free(p);
    }
    return s;
}

tmpl_style_id tp_style(pctx *c, const cJSON *obj, const char *path, const char *key,
                       tmpl_style_id def) {
    char *name = tp_string(c, obj, path, key, NULL, false);
    if (!name) return def;
    int i = tmpl_style_find(c->t, name);
    if (i < 0) {
        char *p = xasprintf("%s.%s", path, key);
        tp_err(c, p, "no style \"%s\" in $.styles", name);
        free(p);
    }
    free(name);
    return i < 0 ? def : (tmpl_style_id)i;
}

/* ---- queries on a loaded template -------------------------------------- */

int tmpl_style_find(const tmpl *t, const char *name) {
    for (size_t i = 0; i < t->n_styles; i++)
        if (t->styles[i].name && strcmp(t->styles[i].name, name) == 0) return (int)i;
    return -1;
}

double tmpl_measure(const tmpl *t) {
    if (t->grid) return t->grid_chars * t->grid_size;
    return t->page_width - t->margin_left - t->margin_right;
}

