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
/* utf8_next for loops over every character of a text: ASCII and the three
 * bytes of a CJK character are decoded inline, anything else by utf8_next,
 * with the same results. */
static inline uint32_t utf8_next_fast(const char *s, size_t len, size_t *i) {
    const unsigned char *u = (const unsigned char *)s + *i;
    if (u[0] < 0x80) {
        *i += 1;
        return u[0];
    }
    if ((u[0] & 0xF0) == 0xE0 && len - *i > 2 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
        *i += 3;
        return (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
    }
    return utf8_next(s, len, i);
}
/* Writes cp as UTF-8 into out (4 bytes room); returns the byte count. */
int utf8_encode(uint32_t cp, char *out);
/* True when s[0..len) is well-formed UTF-8 without surrogates or NUL. On failure
 * *bad_at receives the byte offset of the first bad byte. */
bool utf8_valid(const char *s, size_t len, size_t *bad_at);
size_t utf8_count(const char *s, size_t len);

#endif
