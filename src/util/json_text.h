/* The JSON front end every JSON input goes through (json_text.c). */
#ifndef BRIEFING_JSON_TEXT_H
#define BRIEFING_JSON_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "diag.h"

/* Parses len bytes of text (not necessarily NUL-terminated) as one JSON
 * value; NULL with errors in d naming source, each failure with its line and
 * column: invalid UTF-8 or a NUL byte (with the byte offset), an empty file,
 * a syntax error (with the text near it), nesting past cJSON's limit
 * (CJSON_NESTING_LIMIT), content after the value, a \u0000 escape (cJSON
 * would cut the string there). The caller frees the tree with cJSON_Delete.
 * Duplicate keys are the caller's to check (json_keys.h), with JSON paths. */
cJSON *json_text_parse(const char *text, size_t len, const char *source, diag_list *d);

/* cJSON_ParseWithLengthOpts (not requiring the value to end the text; *end,
 * which may be NULL, is where parsing stopped), safe to call from several
 * threads at once. Every cJSON parse of the code base goes through here. */
cJSON *json_parse_raw(const char *text, size_t len, const char **end);

/* Appends s as a JSON string literal for a message: quotes, escapes for
 * quotes, backslashes and control characters, at most max bytes of content
 * (cut at a character boundary, followed by "..." when cut). */
void json_quote(buf *b, const char *s, size_t max);

/* JSON's white space: space, tab, LF, CR. */
bool json_space(char ch);

#endif
