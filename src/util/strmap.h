/* A set of strings, each with a value string: open addressing, grown at half
 * load. Used for names claimed in a run (batch output names, mail report ids)
 * and the journal's delivered (Message-ID, address) pairs. Not thread-safe:
 * callers hold their own lock. */
#ifndef BRIEFING_STRMAP_H
#define BRIEFING_STRMAP_H

#include <stddef.h>

typedef struct str_map_entry {
    char *key, *value; /* owned */
} str_map_entry;

typedef struct str_map {
    str_map_entry *v;
    size_t n, cap;
} str_map;

/* The value stored for key, or NULL (also for an empty map {0}). */
const char *str_map_get(const str_map *m, const char *key);
/* Stores copies of key and value (NULL value stores ""); a key already there
 * keeps its first value. */
void str_map_put(str_map *m, const char *key, const char *value);
void str_map_free(str_map *m);

#endif
