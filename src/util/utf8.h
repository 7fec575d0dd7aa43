/* UTF-8 decoding for text that has already been validated (cJSON input is
 * checked by report_ before it reaches layout). */
#ifndef BRIEFING_UTF8_H
#define BRIEFING_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s[*i] (len bytes in all) and advances *i. Invalid
 * sequences yield U+FFFD and advance by one byte, so loops always progress. */
uint32_t utf8_next(const char *s, size_t len, size_t *i);
/* Writes cp as UTF-8 into out (4 bytes room); returns the byte count. */
int utf8_encode(uint32_t cp, char *out);
/* True when s[0..len) is well-formed UTF-8 without surrogates or NUL. On failure
 * *bad_at receives the byte offset of the first bad byte. */
bool utf8_valid(const char *s, size_t len, size_t *bad_at);
size_t utf8_count(const char *s, size_t len);

#endif
