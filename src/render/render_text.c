/* The text the render's blocks share: {{field}} expansion against a report
 * (or the documents a comparison holds), dates in Chinese, and numbers as a
 * reader writes them. The leaf of src/render/: the other files call it, it
 * calls none of them. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/xalloc.h"
#include "render_internal.h"

void render_format_number(double v, char *out, size_t size) {
    if (!isfinite(v)) {
        snprintf(out, size, "%g", v);
        return;
    }
    if (fabs(v) >= 1e15) {
        snprintf(out, size, "%.6g", v);
        return;
    }
    buf b;
    buf_init(&b);
    buf_put_num(&b, v, 4);
    snprintf(out, size, "%s", b.data);
    buf_free(&b);
}

char *rc_chinese_date(const char *iso) {
    int y = 0, m = 0, d = 0;
    if (!iso || sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3) return NULL;
    return xasprintf("%d年%d月%d日", y, m, d);
}

/* ---- data binding ------------------------------------------------------------ */

static bool is(const char *name, size_t len, const char *s) {
    return strlen(s) == len && !memcmp(name, s, len);
}

static const char *lookup(void *user, const char *name, size_t len) {
    rctx *c = user;
    /* Footers keep their page numbers for the layout stage to fill in. */
    if (is(name, len, "page")) return "{{page}}";
    if (is(name, len, "pages")) return "{{pages}}";
    if (is(name, len, "n")) return c->point_n;
    if (is(name, len, "cn")) return c->point_cn;
    if (c->opts)
        for (size_t i = c->opts->n_vars; i-- > 0;) {
            const char *v = c->opts->vars[i], *eq = strchr(v, '=');
            if (eq && (size_t)(eq - v) == len && !memcmp(v, name, len)) return eq + 1;
        }
    const char *var = tmpl_var_find(c->t, name, len);
    if (var) return var;
    if (is(name, len, "count")) return c->count;
    if (is(name, len, "years")) return c->years;
    if (is(name, len, "regions")) return c->regions;
    if (is(name, len, "indicator") || is(name, len, "indicator.unit")) {
        if (!c->cmp || c->cmp->sort_col < 0) return NULL;
        const rcol *col = &c->cmp->cols[c->cmp->sort_col];
        return len == 9 ? col->label : col->unit;
    }
    const report *r = c->r;
    if (!r) return NULL;
    if (is(name, len, "year")) return c->year;
    if (is(name, len, "date_zh")) return c->date_zh;
    char unused[16];
    return report_field(r, name, len, unused);
}

bool rc_expand(rctx *c, const char *text, const char *tpath, bool optional, buf *out) {
    char *missing = NULL;
    if (tmpl_expand(text, lookup, c, out, &missing)) return true;
    if (!optional) {
        bool one = !strcmp(missing, "id") || !strcmp(missing, "title") ||
                   !strcmp(missing, "year") || !strncmp(missing, "region.", 7) ||
                   !strcmp(missing, "issuer") || !strcmp(missing, "date") ||
                   !strcmp(missing, "date_zh");
        if (one && !c->r)
            diag_add(c->d, DIAG_ERROR, c->t->source, tpath,
                     "field \"%s\" belongs to one report; a comparison of %zu reports has none",
                     missing, c->n);
        else if (!strncmp(missing, "indicator", 9))
            diag_add(c->d, DIAG_ERROR, c->t->source, tpath,
                     "field \"%s\" needs a comparison with an indicator to sort by", missing);
        else
            diag_add(c->d, DIAG_ERROR, c->t->source, tpath,
                     "field \"%s\" is missing from %s (write {{%s|…}} to give a default)", missing,
                     c->source, missing);
        c->failed = true;
    }
    free(missing);
    return false;
}

/* ---- text blocks ----------------------------------------------------------- */

