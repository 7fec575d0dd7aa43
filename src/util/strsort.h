/* Sorting strings that stand for items (object keys, indicator categories):
 * equal strings end up next to each other in the items' original order, so
 * that duplicates and groups are found in O(n log n). */
#ifndef BRIEFING_STRSORT_H
#define BRIEFING_STRSORT_H

#include <stddef.h>

typedef struct str_ref {
    const char *s; /* not owned */
    size_t index;  /* the item's place, the tie-breaker */
} str_ref;

/* Sorts by s (strcmp), then by index. */
void str_ref_sort(str_ref *refs, size_t n);

#endif
