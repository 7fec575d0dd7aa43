/* Text decoding: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030 (and
 * so GBK and GB2312, its subsets), or whatever converter --encoding names,
 * through ICU. Conversions are strict: a byte sequence that is not valid in
 * the encoding is an error with its offset, never a U+FFFD in the output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include "../util/utf8.h"
#include "../util/xalloc.h"
#include "import_internal.h"

bool imp_is_han(uint32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x3134F) || (cp >= 0xF900 && cp <= 0xFAFF) || cp == 0x3007;
}

bool imp_is_space(uint32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
           cp == 0xA0 || cp == 0x3000 || (cp >= 0x2002 && cp <= 0x200B) || cp == 0xFEFF ||
           cp == 0x202F || cp == 0x205F;
}

void imp_doc_free(imp_doc *doc) {
    for (size_t i = 0; i < doc->n; i++) free(doc->paras[i].text);
    free(doc->paras);
    free(doc->meta_title);
    free(doc->meta_date);
    *doc = (imp_doc){0};
}

void imp_doc_add(imp_doc *doc, const char *text, size_t len, imp_hint hint, int level) {
    size_t a = 0, b = len;
    while (a < b) {
        size_t nx;
        if (!imp_is_space(imp_cp_at(text, len, a, &nx))) break;
        a = nx;
    }
    /* Trailing white space: step back over whole characters. */
    while (b > a) {
        size_t k = b - 1;
        while (k > a && ((unsigned char)text[k] & 0xC0) == 0x80) k--;
        if (!imp_is_space(imp_cp_at(text, b, k, NULL))) break;
        b = k;
    }
    if (a == b) return;
    if (doc->n >= IMPORT_MAX_PARAS) {
        doc->truncated = true;
        return;
    }
    xgrow(&doc->paras, &doc->cap, doc->n + 1, sizeof *doc->paras);
    doc->paras[doc->n++] =
        (imp_para){.text = xstrndup(text + a, b - a), .len = b - a, .hint = hint, .hint_level = level};
}

void imp_doc_end_para(imp_doc *doc, buf *cur, imp_hint hint, int level, bool hard, bool *soft) {
    size_t before = doc->n;
    if (cur->len) imp_doc_add(doc, cur->data, cur->len, hint, level);
    if (doc->n > before) {
        doc->paras[doc->n - 1].gap_before = !*soft;
        *soft = !hard;
    } else if (hard) {
        *soft = false;
    }
    cur->len = 0;
    if (cur->data) cur->data[0] = 0;
}

void imp_doc_add_lines(imp_doc *doc, const char *text, size_t len) {
    size_t start = 0;
    bool gap = false;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || text[i] == '\n') {
            size_t before = doc->n;
            imp_doc_add(doc, text + start, i - start, HINT_NONE, 0);
            if (doc->n > before) {
                doc->paras[doc->n - 1].gap_before = gap;
                gap = false;
            } else if (before) {
                gap = true;
            }
            start = i + 1;
        }
    }
}

void imp_explain(const imp_ctx *c, const char *action, const char *why, const char *text,
                 size_t len) {
    if (!c->explain) return;
    buf_printf(c->explain, "%s: %s: %s: ", c->source, action, why);
    /* one line per entry, the text whole (tests account for every
     * character with it) */
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') buf_puts(c->explain, "\\n");
        else buf_putc(c->explain, text[i]);
    }
    buf_putc(c->explain, '\n');
}

/* Converts with ICU, stopping at the first invalid sequence. Returns UTF-8
 * or NULL with *bad_at set to the offset of the offending bytes (SIZE_MAX
 * when the converter is unknown). */
static char *convert(const char *data, size_t len, const char *enc, size_t *out_len,
                     size_t *bad_at) {
    UErrorCode e = U_ZERO_ERROR;
    UConverter *cv = ucnv_open(enc, &e);
    if (U_FAILURE(e)) {
        *bad_at = SIZE_MAX;
        return NULL;
    }
    ucnv_setToUCallBack(cv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &e);
    /* UTF-16 never needs more code units than there are input bytes. */
    size_t cap = len + 1;
    UChar *u = xmalloc(cap * sizeof *u);
    UChar *ut = u;
    const char *src = data;
    ucnv_toUnicode(cv, &ut, u + cap, &src, data + len, NULL, true, &e);
    if (U_FAILURE(e)) {
        char bad[32];
        int8_t nbad = sizeof bad;
        UErrorCode e2 = U_ZERO_ERROR;
        ucnv_getInvalidChars(cv, bad, &nbad, &e2);
        *bad_at = (size_t)(src - data) - (U_SUCCESS(e2) ? (size_t)nbad : 0);
        free(u);
        ucnv_close(cv);
        return NULL;
    }
    ucnv_close(cv);
    int32_t nu = (int32_t)(ut - u), n8 = 0;
    e = U_ZERO_ERROR;
    u_strToUTF8(NULL, 0, &n8, u, nu, &e);
    char *out = xmalloc((size_t)n8 + 1);
    e = U_ZERO_ERROR;
    u_strToUTF8(out, n8 + 1, &n8, u, nu, &e);
    free(u);
    out[n8] = 0;
    *out_len = (size_t)n8;
    return out;
}

/* LF line ends; a BOM left by the conversion goes too. */
static char *normalise(char *s, size_t *len) {
    size_t j = 0, i = 0;
    if (*len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) i = 3;
    for (; i < *len; i++) {
        if (s[i] == '\r') {
            s[j++] = '\n';
            if (i + 1 < *len && s[i + 1] == '\n') i++;
        } else {
            s[j++] = s[i];
        }
    }
    s[j] = 0;
    *len = j;
    return s;
}

/* Text made of control characters is not a report: an image, an archive, an
 * executable given by mistake. */
static bool looks_binary(const char *s, size_t len, size_t *at) {
    size_t ctl = 0, first = SIZE_MAX;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\n' && c != '\t' && c != '\f' && c != '\r') || c == 0x7F) {
            if (first == SIZE_MAX) first = i;
            ctl++;
        }
    }
    *at = first;
    return ctl > 0 && (ctl * 100 > len || s[first] == 0);
}

/* UTF-16 text of Chinese and ASCII without a BOM: NUL bytes in one of the
 * two byte positions. */
static bool utf16_without_bom(const char *s, size_t len) {
    size_t nul[2] = {0, 0}, n = len < 4096 ? len : 4096;
    for (size_t i = 0; i < n; i++)
        if (!s[i]) nul[i & 1]++;
    return n >= 8 && (nul[0] * 4 > n / 2 || nul[1] * 4 > n / 2);
}

/* Well-formed three-byte UTF-8 sequences of Han characters in s[0..n). */
static size_t han_utf8_before(const char *s, size_t n) {
    size_t count = 0;
    for (size_t i = 0; i + 2 < n; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)s[i + 1],
                      c = (unsigned char)s[i + 2];
        if (a >= 0xE4 && a <= 0xE9 && (b & 0xC0) == 0x80 && (c & 0xC0) == 0x80) {
            count++;
            i += 2;
        }
    }
    return count;
}

static const char *canonical(const char *enc) {
    /* GB2312 and GBK documents are GB18030 documents; decoding them as such
     * also accepts the characters their writers' tools added past GBK. */
    static const char *const gb[] = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn",
                                     "csgb2312"};
    for (size_t i = 0; i < sizeof gb / sizeof *gb; i++)
        if (!strcasecmp(enc, gb[i])) return "gb18030";
    return enc;
}

char *imp_decode(const imp_ctx *c, const char *data, size_t len, const char *forced,
                 const char *declared, size_t *out_len) {
    const unsigned char *u = (const unsigned char *)data;
    char *out = NULL;
    size_t bad = 0, n = 0;
    if (forced) {
        out = convert(data, len, canonical(forced), &n, &bad);
        if (!out) {
            if (bad == SIZE_MAX)
                diag_add(c->d, DIAG_ERROR, c->source, NULL, "unknown encoding \"%s\"", forced);
            else
                diag_add(c->d, DIAG_ERROR, c->source, NULL,
                         "not valid %s: bad byte sequence at offset %zu", forced, bad);
            return NULL;
        }
    } else if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        const char *enc = u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
        out = convert(data + 2, len - 2, enc, &n, &bad);
        if (!out) {
            diag_add(c->d, DIAG_ERROR, c->source, NULL,
                     "starts with a %s byte order mark but is not valid %s: bad sequence at "
                     "offset %zu",
                     enc, enc, bad + 2);
            return NULL;
        }
    } else {
        size_t bad8 = 0;
        bool bom = len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3);
        if (utf8_valid(data, len, &bad8)) {
            out = xstrndup(data, len);
            n = len;
        } else if (bom) {
            diag_add(c->d, DIAG_ERROR, c->source, NULL,
                     "starts with a UTF-8 byte order mark but is not valid UTF-8: bad byte at "
                     "offset %zu",
                     bad8);
            return NULL;
        } else if (utf16_without_bom(data, len)) {
            diag_add(c->d, DIAG_ERROR, c->source, NULL,
                     "looks like UTF-16 without a byte order mark; name it with --encoding "
                     "utf-16le (or utf-16be)");
            return NULL;
        } else if (looks_binary(data, len, &bad)) {
            diag_add(c->d, DIAG_ERROR, c->source, NULL,
                     "binary data (control bytes from offset %zu), not a text report", bad);
            return NULL;
        } else if (han_utf8_before(data, bad8) >= 8) {
            /* GB18030 would decode this too, as nonsense: a file that is
             * UTF-8 Chinese for a while and then is not is two encodings */
            diag_add(c->d, DIAG_ERROR, c->source, NULL,
                     "mixed encodings: UTF-8 Chinese text up to byte offset %zu, then bytes "
                     "that are not UTF-8; save the file in one encoding",
                     bad8);
            return NULL;
        } else {
            const char *enc = declared ? canonical(declared) : "gb18030";
            out = convert(data, len, enc, &n, &bad);
            if (!out && strcmp(enc, "gb18030")) {
                enc = "gb18030";
                out = convert(data, len, enc, &n, &bad);
            }
            if (!out) {
                diag_add(c->d, DIAG_ERROR, c->source, NULL,
                         "cannot decode: not UTF-8 (bad byte at offset %zu), not GB18030 (bad "
                         "sequence at offset %zu); name the encoding with --encoding",
                         bad8, bad);
                return NULL;
            }
        }
    }
    normalise(out, &n);
    size_t at;
    if (looks_binary(out, n, &at)) {
        diag_add(c->d, DIAG_ERROR, c->source, NULL,
                 "binary data (control characters from offset %zu), not a text report", at);
        free(out);
        return NULL;
    }
    *out_len = n;
    return out;
}
