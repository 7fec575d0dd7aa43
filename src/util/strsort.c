#include "strsort.h"

#include <stdlib.h>
#include <string.h>

static int str_ref_cmp(const void *a, const void *b) {
    const str_ref *x = a, *y = b;
    int r = strcmp(x->s, y->s);
    if (r) return r;
    return x->index < y->index ? -1 : x->index > y->index;
}

void str_ref_sort(str_ref *refs, size_t n) {
    if (n > 1) qsort(refs, n, sizeof *refs, str_ref_cmp);
}
