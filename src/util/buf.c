#include "buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void buf_init(buf *b) { *b = (buf){0}; }

void buf_free(buf *b) {
    free(b->data);
    *b = (buf){0};
}

void buf_reserve(buf *b, size_t extra) {
    if (b->len + extra + 1 <= b->cap) return;
    size_t c = b->cap ? b->cap : 64;
    while (c < b->len + extra + 1) c *= 2;
    b->data = xrealloc(b->data, c);
    b->cap = c;
}

void buf_append(buf *b, const void *p, size_t n) {
    buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

void buf_puts(buf *b, const char *s) { buf_append(b, s, strlen(s)); }

void buf_putc(buf *b, char c) { buf_append(b, &c, 1); }

void buf_printf(buf *b, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

/* Digits of v, most significant first, into out (room for 20); returns the
 * count. Hand-written because snprintf was a tenth of the time spent writing
 * a PDF: content streams hold thousands of numbers. */
static int put_digits(char *out, unsigned long long v, int min_digits) {
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < min_digits) tmp[n++] = '0';
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    return n;
}

void buf_put_int(buf *b, long long v) {
    char tmp[24];
    int n = 0;
    unsigned long long u = (unsigned long long)v;
    if (v < 0) {
        tmp[n++] = '-';
        u = 0 - u;
    }
    n += put_digits(tmp + n, u, 1);
    buf_append(b, tmp, (size_t)n);
}

void buf_put_hex(buf *b, unsigned long v, int digits) {
    static const char hex[] = "0123456789ABCDEF";
    char tmp[2 * sizeof v];
    int n = 0;
    do {
        tmp[n++] = hex[v & 15];
        v >>= 4;
    } while (v);
    while (n < digits && n < (int)sizeof tmp) tmp[n++] = '0';
    char out[2 * sizeof v];
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    buf_append(b, out, (size_t)n);
}

void buf_put_num(buf *b, double v, int decimals) {
    /* Integer arithmetic instead of %f so the output never depends on the
     * locale and never prints "-0". */
    static const long long pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    if (decimals < 0) decimals = 0;
    if (decimals > 6) decimals = 6;
    if (!isfinite(v)) v = 0;
    long long scale = pow10[decimals];
    double r = round(v * (double)scale);
    if (r > 9e15) r = 9e15;
    if (r < -9e15) r = -9e15;
    long long q = (long long)r;
    char tmp[48];
    int n = 0;
    if (q < 0) {
        tmp[n++] = '-';
        q = -q;
    }
    long long ip = q / scale, fp = q % scale;
    n += put_digits(tmp + n, (unsigned long long)ip, 1);
    if (fp) {
        int d = decimals;
        while (fp % 10 == 0) {
            fp /= 10;
            d--;
        }
        tmp[n++] = '.';
        n += put_digits(tmp + n, (unsigned long long)fp, d);
    }
    buf_append(b, tmp, (size_t)n);
}

char *buf_steal(buf *b, size_t *len) {
    if (!b->data) buf_reserve(b, 0), b->data[0] = 0;
    char *p = b->data;
    if (len) *len = b->len;
    *b = (buf){0};
    return p;
}
