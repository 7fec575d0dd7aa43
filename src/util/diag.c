#include "diag.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

typedef struct {
    diag_severity sev;
    char *text;    /* full line */
    char *message; /* message only */
    char *path;
} diag_entry;

struct diag_list {
    diag_entry *v;
    size_t n, cap;
};

diag_list *diag_list_new(void) { return xcalloc(1, sizeof(diag_list)); }

void diag_clear(diag_list *d) {
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].text);
        free(d->v[i].message);
        free(d->v[i].path);
    }
    d->n = 0;
}

void diag_list_free(diag_list *d) {
    if (!d) return;
    diag_clear(d);
    free(d->v);
    free(d);
}

void diag_addv(diag_list *d, diag_severity sev, const char *file, const char *path,
               const char *fmt, va_list ap) {
    if (!d) return;
    char *msg = xvasprintf(fmt, ap);
    char *text = xasprintf("%s%s%s%s%s%s", file ? file : "", file ? ": " : "", path ? path : "",
                           path ? ": " : "", sev == DIAG_WARNING ? "warning: " : "", msg);
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->v = xrealloc(d->v, d->cap * sizeof(diag_entry));
    }
    d->v[d->n++] = (diag_entry){sev, text, msg, path ? xstrdup(path) : NULL};
}

void diag_add(diag_list *d, diag_severity sev, const char *file, const char *path,
              const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_addv(d, sev, file, path, fmt, ap);
    va_end(ap);
}

void diag_append(diag_list *d, const diag_list *from) {
    for (size_t i = 0; d && from && i < from->n; i++) {
        const diag_entry *e = &from->v[i];
        if (d->n == d->cap) {
            d->cap = d->cap ? d->cap * 2 : 8;
            d->v = xrealloc(d->v, d->cap * sizeof(diag_entry));
        }
        d->v[d->n++] = (diag_entry){e->sev, xstrdup(e->text), xstrdup(e->message),
                                    e->path ? xstrdup(e->path) : NULL};
    }
}

size_t diag_size(const diag_list *d) { return d ? d->n : 0; }

size_t diag_count(const diag_list *d, diag_severity sev) {
    size_t c = 0;
    for (size_t i = 0; d && i < d->n; i++) c += d->v[i].sev == sev;
    return c;
}

diag_severity diag_severity_at(const diag_list *d, size_t i) { return d->v[i].sev; }
const char *diag_text_at(const diag_list *d, size_t i) { return d->v[i].text; }
const char *diag_message_at(const diag_list *d, size_t i) { return d->v[i].message; }
const char *diag_path_at(const diag_list *d, size_t i) { return d->v[i].path; }

void diag_print(const diag_list *d, FILE *to) { diag_print_color(d, to, false); }

void diag_print_color(const diag_list *d, FILE *to, bool color) {
    for (size_t i = 0; d && i < d->n; i++) {
        if (color) /* errors red, warnings yellow (SGR 31, 33), as compilers do */
            fprintf(to, "\033[%sm%s\033[0m\n", d->v[i].sev == DIAG_ERROR ? "31" : "33", d->v[i].text);
        else
            fprintf(to, "%s\n", d->v[i].text);
    }
}
