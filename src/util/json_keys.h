/* JSON helpers shared by the report, template and font manifest parsers:
 * duplicate keys in a cJSON object (cJSON keeps every member, so a repeated
 * key would otherwise go unnoticed) and the names of value types in
 * messages. */
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

/* "a string", "a number", "an object"... for "expected X, got Y" messages;
 * "nothing" for NULL (a missing member). */
const char *json_type_name(const cJSON *v);

#endif
