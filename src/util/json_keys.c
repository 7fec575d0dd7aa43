#include "json_keys.h"

#include <stdlib.h>
#include <string.h>

#include "strsort.h"
#include "xalloc.h"

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
        str_ref *refs = xmalloc(n * sizeof *refs);
        size_t i = 0;
        for (const cJSON *m = obj->child; m; m = m->next, i++) refs[i] = (str_ref){m->string, i};
        str_ref_sort(refs, n);
        for (i = 1; i < n; i++) {
            if (strcmp(refs[i].s, refs[i - 1].s) == 0) dup[refs[i].index] = any = true;
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
