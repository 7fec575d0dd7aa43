/* Duplicate keys in a cJSON object (cJSON keeps every member, so a repeated
 * key would otherwise go unnoticed). Shared by the report and template
 * parsers. */
#ifndef BRIEFING_JSON_KEYS_H
#define BRIEFING_JSON_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/* Flags, by member index, the members of obj (n of them) whose key appeared
 * earlier in it; NULL when there are none. The caller frees the array.
 * Sorting keeps this O(n log n): a 1 MB object of distinct keys would take
 * minutes with pairwise comparison. */
bool *json_duplicate_keys(const cJSON *obj, size_t n);

#endif
