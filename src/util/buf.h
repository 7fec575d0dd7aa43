/* A growable byte buffer. The owner frees it with buf_free; data is always
 * NUL-terminated so text can be read straight out of it. */
#ifndef BRIEFING_BUF_H
#define BRIEFING_BUF_H

#include <stddef.h>

typedef struct {
    char *data;
    size_t len, cap;
} buf;

void buf_init(buf *b);
void buf_free(buf *b);
void buf_reserve(buf *b, size_t extra);
void buf_append(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void buf_printf(buf *b, const char *fmt, ...);
/* Appends a number with at most 'decimals' decimals and no trailing zeros,
 * locale-independent, for PDF operators. */
void buf_put_num(buf *b, double v, int decimals);
/* Appends a decimal integer ("-12"), without printf's cost. */
void buf_put_int(buf *b, long long v);
/* Appends v in upper-case hexadecimal, zero-padded to at least digits. */
void buf_put_hex(buf *b, unsigned long v, int digits);
/* Hands the data to the caller (who frees it) and empties the buffer. */
char *buf_steal(buf *b, size_t *len);

#endif
