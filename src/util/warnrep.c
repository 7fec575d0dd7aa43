#include "warnrep.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

bool warn_repeat(warn_repeats *w, const diag_list *d, size_t i) {
    const char *path = diag_path_at(d, i);
    char *key = xasprintf("%s\n%s", path ? path : "", diag_message_at(d, i));
    const char *at = str_map_get(&w->seen, key);
    if (at) {
        w->counts[strtoul(at, NULL, 10)]++;
        free(key);
        return true;
    }
    char idx[24];
    snprintf(idx, sizeof idx, "%zu", w->n);
    str_map_put(&w->seen, key, idx);
    free(key);
    xgrow(&w->counts, &w->cap, w->n + 1, sizeof *w->counts);
    w->texts = xrealloc(w->texts, w->cap * sizeof *w->texts); /* grows with counts */
    w->counts[w->n] = 1;
    w->texts[w->n] = xstrdup(diag_text_at(d, i));
    w->n++;
    return false;
}

void warn_repeats_print(const warn_repeats *w, FILE *f, const char *what) {
    for (size_t i = 0; i < w->n; i++)
        if (w->counts[i] > 1)
            fprintf(f, "(repeated for %zu more %s) %s\n", w->counts[i] - 1, what, w->texts[i]);
}

void warn_repeats_free(warn_repeats *w) {
    for (size_t i = 0; i < w->n; i++) free(w->texts[i]);
    free(w->texts);
    free(w->counts);
    str_map_free(&w->seen);
    *w = (warn_repeats){0};
}
