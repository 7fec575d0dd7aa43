/* Typed readers of template JSON values: each reports a problem as
 * "FILE: $.path: message" and falls back to the default so that one pass
 * finds every problem of a template. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../util/json_keys.h"
#include "../util/xalloc.h"
#include "tmpl_internal.h"

void tp_err(pctx *c, const char *path, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_addv(c->d, DIAG_ERROR, c->source, path, fmt, ap);
    va_end(ap);
    c->errors++;
}

void tp_check_keys(pctx *c, const cJSON *obj, const char *path, const char *const *allowed) {
    size_t n = 0;
    for (const cJSON *k = obj->child; k; k = k->next) n++;
    bool *dup = json_duplicate_keys(obj, n);
    size_t i = 0;
    for (const cJSON *k = obj->child; k; k = k->next, i++) {
        char *p = xasprintf("%s.%s", path, k->string);
        bool ok = !allowed; /* NULL: any key (font role names) */
        for (const char *const *a = allowed; a && *a; a++) ok |= strcmp(*a, k->string) == 0;
        if (!ok) {
            buf names;
            buf_init(&names);
            for (const char *const *a = allowed; *a; a++)
                buf_printf(&names, "%s%s", a == allowed ? "" : ", ", *a);
            tp_err(c, p, "unknown key \"%s\" (known: %s)", k->string, names.data ? names.data : "");
            buf_free(&names);
        }
        if (dup && dup[i]) tp_err(c, p, "duplicate key \"%s\"", k->string);
        free(p);
    }
    free(dup);
}

const cJSON *tp_member(pctx *c, const cJSON *obj, const char *path, const char *key,
                       bool required) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v && required) tp_err(c, path, "missing required key \"%s\"", key);
    return v;
}

bool tp_want_object(pctx *c, const cJSON *v, const char *path) {
    if (cJSON_IsObject(v)) return true;
    tp_err(c, path, "expected an object, got %s", json_type_name(v));
    return false;
}

double tp_number(pctx *c, const cJSON *obj, const char *path, const char *key, double def,
                 double min, double max, bool required) {
    const cJSON *v = tp_member(c, obj, path, key, required);
    if (!v) return def;
    char *p = xasprintf("%s.%s", path, key);
    double r = def;
    if (!cJSON_IsNumber(v))
        tp_err(c, p, "expected a number, got %s", json_type_name(v));
    else if (!isfinite(v->valuedouble) || v->valuedouble < min || v->valuedouble > max)
        tp_err(c, p, "%g is out of range (%g to %g)", v->valuedouble, min, max);
    else
        r = v->valuedouble;
    free(p);
    return r;
}

/* Chinese type sizes (字号) in points, as Word and WPS set them and GB/T 9704
 * names them (三号 body, 二号 title, 四号 page numbers). */
static const struct {
    const char *name;
    double pt;
} zihao[] = {{"初号", 42},  {"小初", 36}, {"一号", 26},  {"小一", 24}, {"二号", 22},  {"小二", 18},
             {"三号", 16},  {"小三", 15}, {"四号", 14},  {"小四", 12}, {"五号", 10.5}, {"小五", 9},
             {"六号", 7.5}, {"小六", 6.5}, {"七号", 5.5}, {"八号", 5}};

double tp_size(pctx *c, const cJSON *obj, const char *path, const char *key, double def,
               double min, double max, bool required) {
    const cJSON *v = tp_member(c, obj, path, key, required);
    if (!v || cJSON_IsNumber(v)) return tp_number(c, obj, path, key, def, min, max, required);
    char *p = xasprintf("%s.%s", path, key);
    double r = NAN;
    if (cJSON_IsString(v)) {
        for (size_t i = 0; i < sizeof zihao / sizeof zihao[0] && isnan(r); i++)
            if (!strcmp(v->valuestring, zihao[i].name)) r = zihao[i].pt;
        char *end = NULL;
        double x = isnan(r) ? strtod(v->valuestring, &end) : NAN;
        if (end && end != v->valuestring && !strcmp(end, "pt")) r = x;
    }
    if (isnan(r)) {
        tp_err(c, p,
               "expected a size: points (12), \"12pt\" or a 字号 (初号 小初 一号 小一 二号 小二 "
               "三号 小三 四号 小四 五号 小五 六号 小六 七号 八号), got %s",
               cJSON_IsString(v) ? "another string" : json_type_name(v));
        r = def;
    } else if (r < min || r > max) {
        tp_err(c, p, "%g is out of range (%g to %g)", r, min, max);
        r = def;
    }
    free(p);
    return r;
}

size_t tp_count(pctx *c, const cJSON *obj, const char *path, const char *key, size_t def,
                size_t min, size_t max) {
    const cJSON *v = tp_member(c, obj, path, key, false);
    if (!v) return def;
    char *p = xasprintf("%s.%s", path, key);
    size_t r = def;
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble))
        tp_err(c, p, "expected a whole number, got %s", json_type_name(v));
    else if (v->valuedouble < (double)min || v->valuedouble > (double)max)
        tp_err(c, p, "%g is out of range (%zu to %zu)", v->valuedouble, min, max);
    else
        r = (size_t)v->valuedouble;
    free(p);
    return r;
}

char *tp_string(pctx *c, const cJSON *obj, const char *path, const char *key, const char *def,
                bool required) {
    const cJSON *v = tp_member(c, obj, path, key, required);
    if (!v) return def ? xstrdup(def) : NULL;
    char *r = NULL;
    if (!cJSON_IsString(v)) {
        char *p = xasprintf("%s.%s", path, key);
        tp_err(c, p, "expected a string, got %s", json_type_name(v));
        free(p);
    } else {
        r = xstrdup(v->valuestring);
    }
    if (!r && def) r = xstrdup(def);
    return r;
}

bool tp_boolean(pctx *c, const cJSON *obj, const char *path, const char *key, bool def) {
    const cJSON *v = tp_member(c, obj, path, key, false);
    if (!v) return def;
    if (cJSON_IsBool(v)) return cJSON_IsTrue(v);
    char *p = xasprintf("%s.%s", path, key);
    tp_err(c, p, "expected true or false, got %s", json_type_name(v));
    free(p);
    return def;
}

uint32_t tp_color(pctx *c, const cJSON *obj, const char *path, const char *key, uint32_t def) {
    const cJSON *v = tp_member(c, obj, path, key, false);
    if (!v) return def;
    uint32_t r = def;
    const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
    bool ok = s && s[0] == '#' && strlen(s) == 7 && strspn(s + 1, "0123456789abcdefABCDEF") == 6;
    if (ok) {
        r = (uint32_t)strtoul(s + 1, NULL, 16);
    } else {
        char *p = xasprintf("%s.%s", path, key);
        tp_err(c, p, "expected a colour \"#RRGGBB\", got %s", json_type_name(v));
        free(p);
    }
    return r;
}

double tp_length(pctx *c, const cJSON *obj, const char *path, const char *key, double def,
                 double max) {
    const cJSON *v = tp_member(c, obj, path, key, false);
    if (!v) return def;
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
        char *p = xasprintf("%s.%s", path, key);
        tp_err(c, p,
               "expected a length from 0 to %g pt (a number of points, or \"25mm\", \"2cm\", "
               "\"1in\", \"12pt\")",
               max);
        free(p);
        r = def;
    }
    return r;
}

int tp_enum(pctx *c, const cJSON *obj, const char *path, const char *key, int def,
            const char *const *names, const char *what) {
    const cJSON *v = tp_member(c, obj, path, key, false);
    if (!v) return def;
    if (cJSON_IsString(v))
        for (int i = 0; names[i]; i++)
            if (strcmp(names[i], v->valuestring) == 0) return i;
    buf list;
    buf_init(&list);
    for (int i = 0; names[i]; i++)
        buf_printf(&list, "%s%s", i == 0 ? "" : names[i + 1] ? ", " : " or ", names[i]);
    char *p = xasprintf("%s.%s", path, key);
    if (cJSON_IsString(v))
        tp_err(c, p, "unknown %s \"%s\" (%s)", what, v->valuestring, list.data);
    else
        tp_err(c, p, "expected one of %s, got %s", list.data, json_type_name(v));
    free(p);
    buf_free(&list);
    return def;
}

char **tp_strings(pctx *c, const cJSON *obj, const char *path, const char *key, size_t *n) {
    *n = 0;
    const cJSON *v = tp_member(c, obj, path, key, false);
    if (!v) return NULL;
    char *p = xasprintf("%s.%s", path, key);
    char **r = NULL;
    if (!cJSON_IsArray(v)) {
        tp_err(c, p, "expected an array of strings, got %s", json_type_name(v));
    } else {
        r = xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(char *));
        int i = 0;
        for (const cJSON *e = v->child; e; e = e->next, i++) {
            if (cJSON_IsString(e) && e->valuestring[0]) {
                r[(*n)++] = xstrdup(e->valuestring);
            } else {
                char *pi = xasprintf("%s[%d]", p, i);
                tp_err(c, pi, "expected a non-empty string, got %s", json_type_name(e));
                free(pi);
            }
        }
    }
    free(p);
    return r;
}

