#include "punct.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "../util/utf8.h"
#include "../util/xalloc.h"

static bool is_chinese(uint32_t cp) {
    return cp >= 0x2E80 || (cp >= 0x2018 && cp <= 0x201D) || cp == 0x2014 || cp == 0x2026 ||
           cp == 0x00B7;
}

static bool is_ascii_alnum(uint32_t cp) {
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

static uint32_t fullwidth_of(uint32_t cp) {
    switch (cp) {
    case ',': return 0xFF0C;
    case ':': return 0xFF1A;
    case ';': return 0xFF1B;
    case '!': return 0xFF01;
    case '?': return 0xFF1F;
    case '(': return 0xFF08;
    case ')': return 0xFF09;
    default: return 0;
    }
}

/* The nearest code point before/after index i that is not a space (0 if none). */
static uint32_t neighbour(const uint32_t *cps, size_t n, size_t i, int dir) {
    for (size_t k = i;;) {
        if (dir < 0) {
            if (k == 0) return 0;
            k--;
        } else {
            if (++k >= n) return 0;
        }
        if (cps[k] != ' ' && cps[k] != 0xA0) return cps[k];
    }
}

/* Bytes of the canonical UTF-8 encoding of cp (what utf8_encode writes). */
static size_t utf8_len(uint32_t cp) {
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

size_t punct_fullwidth(const char *text, size_t len, buf *out) {
    /* Most texts of a report hold a mark only here and there: the code
     * points are decoded once, only the marks are looked at closely, and the
     * text is copied in spans between the marks converted. */
    size_t n = 0, n_marks = 0;
    uint32_t *cps = xmalloc((len + 1) * sizeof(uint32_t));
    bool canonical = true, parens = false;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x80) {
            n_marks += fullwidth_of(c) != 0;
            parens |= c == '(' || c == ')';
            cps[n++] = c;
            i++;
            continue;
        }
        size_t at = i;
        uint32_t cp = utf8_next_fast(text, len, &i);
        /* Invalid or overlong sequences come out re-encoded (U+FFFD), as
         * the character-by-character copy below writes them. */
        canonical &= i - at == utf8_len(cp);
        cps[n++] = cp;
    }
    if (!n_marks && canonical) {
        free(cps);
        buf_append(out, text, len);
        return 0;
    }
    bool *conv = xcalloc(n + 1, sizeof(bool));
    size_t count = 0;
    /* Pair brackets in one pass: match[i] is the index of the partner of a
     * bracket, n when it has none. han[i] counts the Chinese characters
     * before i, so whether a pair encloses one is a subtraction. */
    size_t *match = NULL, *han = NULL;
    if (parens) {
        match = xmalloc((n + 1) * sizeof(size_t));
        size_t *stack = xmalloc((n + 1) * sizeof(size_t));
        size_t sp = 0;
        for (size_t i = 0; i < n; i++) {
            match[i] = n;
            if (cps[i] == '(') stack[sp++] = i;
            else if (cps[i] == ')' && sp) {
                size_t o = stack[--sp];
                match[o] = i;
                match[i] = o;
            }
        }
        free(stack);
        han = xmalloc((n + 1) * sizeof(size_t));
        han[0] = 0;
        for (size_t i = 0; i < n; i++) han[i + 1] = han[i] + is_chinese(cps[i]);
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t c = cps[i];
        if (c >= 0x80 || !fullwidth_of(c)) continue;
        uint32_t prev = neighbour(cps, n, i, -1), next = neighbour(cps, n, i, +1);
        bool chinese = is_chinese(prev) || is_chinese(next);
        if (c == '(' || c == ')') {
            size_t m = match[i];
            if (m == n) {
                /* An unpaired bracket (its partner was lost in the source). */
                conv[i] = chinese;
            } else if (c == '(') {
                /* A pair converts as a unit: "(一)", "规划(2021-2025)". */
                bool inner = han[m] - han[i + 1] > 0;
                if (chinese || inner || is_chinese(neighbour(cps, n, m, +1)))
                    conv[i] = conv[m] = true;
            }
            continue;
        }
        /* Inside numbers and Latin text (1,000  10:30  http://  Hello, world)
         * the ASCII mark stays. */
        if (is_ascii_alnum(prev) && (is_ascii_alnum(next) || next == '/')) continue;
        if (chinese) conv[i] = true;
    }
    free(match);
    free(han);
    if (canonical) {
        /* Every character but a converted mark is written as it was read:
         * copy the bytes between the marks (from, at: byte offsets; a mark
         * is one byte of the text). */
        size_t from = 0, at = 0;
        for (size_t i = 0; i < n; i++) {
            size_t bytes = utf8_len(cps[i]);
            if (conv[i]) {
                char u[4];
                buf_append(out, text + from, at - from);
                buf_append(out, u, (size_t)utf8_encode(fullwidth_of(cps[i]), u));
                count++;
                from = at + 1;
            }
            at += bytes;
        }
        buf_append(out, text + from, len - from);
    } else {
        for (size_t i = 0; i < n; i++) {
            char u[4];
            uint32_t c = conv[i] ? fullwidth_of(cps[i]) : cps[i];
            count += conv[i];
            buf_append(out, u, (size_t)utf8_encode(c, u));
        }
    }
    free(cps);
    free(conv);
    return count;
}
