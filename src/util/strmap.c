#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static uint64_t str_hash(const char *s) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    return h;
}

static str_map_entry *find(const str_map *m, const char *key) {
    if (!m->cap) return NULL;
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)str_hash(key) & mask;; i = (i + 1) & mask) {
        if (!m->v[i].key) return NULL;
        if (strcmp(m->v[i].key, key) == 0) return &m->v[i];
    }
}

const char *str_map_get(const str_map *m, const char *key) {
    str_map_entry *e = find(m, key);
    return e ? e->value : NULL;
}

static void place(str_map *m, str_map_entry e) {
    size_t mask = m->cap - 1, k = (size_t)str_hash(e.key) & mask;
    while (m->v[k].key) k = (k + 1) & mask;
    m->v[k] = e;
}

void str_map_put(str_map *m, const char *key, const char *value) {
    if (find(m, key)) return;
    if ((m->n + 1) * 2 > m->cap) {
        str_map grown = {xcalloc(m->cap ? m->cap * 2 : 256, sizeof(str_map_entry)), m->n,
                         m->cap ? m->cap * 2 : 256};
        for (size_t i = 0; i < m->cap; i++)
            if (m->v[i].key) place(&grown, m->v[i]);
        free(m->v);
        *m = grown;
    }
    place(m, (str_map_entry){xstrdup(key), xstrdup(value ? value : "")});
    m->n++;
}

void str_map_free(str_map *m) {
    for (size_t i = 0; i < m->cap; i++) {
        free(m->v[i].key);
        free(m->v[i].value);
    }
    free(m->v);
    *m = (str_map){0};
}
