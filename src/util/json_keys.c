#include "json_keys.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

typedef struct {
    const char *key;
    size_t index;
} key_ref;

static int key_ref_cmp(const void *a, const void *b) {
    const key_ref *x = a, *y = b;
    int r = strcmp(x->key, y->key);
    if (r) return r;
    return x->index < y->index ? -1 : x->index > y->index;
}

bool *json_duplicate_keys(const cJSON *obj, size_t n) {
    if (n < 2) return NULL;
    bool *dup = xcalloc(n, sizeof *dup);
    bool any = false;
    if (n <= 16) {
        size_t i = 0;
        for (const cJSON *a = obj->child; a; a = a->next, i++) {
            for (const cJSON *b = obj->child; b != a; b = b->next) {
                if (strcmp(a->string, b->string) == 0) {
                    dup[i] = any = true;
                    break;
                }
            }
        }
    } else {
        key_ref *refs = xmalloc(n * sizeof *refs);
        size_t i = 0;
        for (const cJSON *m = obj->child; m; m = m->next, i++) refs[i] = (key_ref){m->string, i};
        qsort(refs, n, sizeof *refs, key_ref_cmp);
        for (i = 1; i < n; i++) {
            if (strcmp(refs[i].key, refs[i - 1].key) == 0) dup[refs[i].index] = any = true;
        }
        free(refs);
    }
    if (!any) {
        free(dup);
        return NULL;
    }
    return dup;
}


const char *json_type_name(const cJSON *v) {
    if (!v) return "nothing";
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsBool(v)) return "a boolean";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsArray(v)) return "an array";
    if (cJSON_IsObject(v)) return "an object";
    return "an invalid value";
}
