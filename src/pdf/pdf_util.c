/* PDF writer helpers: error reporting, pre-compressed streams, text strings
 * and the /ID hash. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#include "../util/utf8.h"
#include "../util/xalloc.h"
#include "pdf_internal.h"

/* ---- hash -------------------------------------------------------------- */

/* FNV-1a 128: offset basis 0x6c62272e07bb014262b821756295c58d,
 * prime 2^88 + 0x13B. */
void pdf_hash_init(pdf_hash *h) {
    h->hi = 0x6c62272e07bb0142ull;
    h->lo = 0x62b821756295c58dull;
}

static void hash_mul_prime(pdf_hash *h) {
    /* (hi:lo) * (2^88 + 0x13B) mod 2^128, in 64-bit arithmetic. */
    const uint64_t c = 0x13B;
    uint64_t a = h->lo & 0xffffffffu, b = h->lo >> 32;
    uint64_t ac = a * c, bc = b * c;
    uint64_t lo = ac + (bc << 32);
    uint64_t carry = (bc >> 32) + (lo < ac ? 1u : 0u);
    uint64_t hi = h->hi * c + carry + (h->lo << 24);
    h->hi = hi;
    h->lo = lo;
}

void pdf_hash_update(pdf_hash *h, const void *data, size_t len) {
    const unsigned char *p = data;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w = (uint64_t)p[i] | (uint64_t)p[i + 1] << 8 | (uint64_t)p[i + 2] << 16 |
                     (uint64_t)p[i + 3] << 24 | (uint64_t)p[i + 4] << 32 |
                     (uint64_t)p[i + 5] << 40 | (uint64_t)p[i + 6] << 48 | (uint64_t)p[i + 7] << 56;
        h->lo ^= w;
        hash_mul_prime(h);
    }
    for (; i < len; i++) {
        h->lo ^= p[i];
        hash_mul_prime(h);
    }
    /* the length, so that "ab"+"c" and "a"+"bc" differ */
    h->lo ^= (uint64_t)len;
    hash_mul_prime(h);
}

void pdf_hash_digest(const pdf_hash *h, unsigned char out[16]) {
    for (int i = 0; i < 8; i++) {
        out[i] = (unsigned char)(h->hi >> (56 - 8 * i));
        out[8 + i] = (unsigned char)(h->lo >> (56 - 8 * i));
    }
}

/* ---- errors ------------------------------------------------------------ */

void pdf_on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data) {
    pdf_ctx *c = user_data;
    if (c && c->error_no == 0) {
        c->error_no = error_no;
        c->detail_no = detail_no;
    }
}

bool pdf_hpdf_ok(const pdf_ctx *c) {
    return c->error_no == 0 && (!c->doc || c->doc->error.error_no == HPDF_OK);
}

bool pdf_fail(pdf_ctx *c, const char *what_fmt, ...) {
    va_list ap;
    va_start(ap, what_fmt);
    char *what = xvasprintf(what_fmt, ap);
    va_end(ap);
    HPDF_STATUS e = c->error_no, detail = c->detail_no;
    if (!e && c->doc) {
        e = c->doc->error.error_no;
        detail = c->doc->error.detail_no;
    }
    if (e)
        diag_add(c->d, DIAG_ERROR, NULL, NULL, "pdf: cannot %s (libharu error 0x%04X, detail %u)",
                 what, (unsigned)e, (unsigned)detail);
    else
        diag_add(c->d, DIAG_ERROR, NULL, NULL, "pdf: cannot %s", what);
    free(what);
    return false;
}

/* ---- streams ----------------------------------------------------------- */

static HPDF_STATUS write_flate_filter(HPDF_Dict obj, HPDF_Stream stream) {
    (void)obj;
    return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

static bool stream_put(pdf_ctx *c, struct libdeflate_compressor *z, HPDF_Dict dict,
                       const void *data, size_t len, bool hash) {
    if (!dict || !dict->stream) return pdf_fail(c, "create a stream object");
    if (hash) pdf_hash_update(&c->id_hash, data, len);
    dict->filter = HPDF_STREAM_FILTER_NONE;
    dict->write_fn = NULL;
    if (len == 0) return true;
    if (len > 0x7fffffffu) return pdf_fail(c, "write a stream of %zu bytes", len);
    size_t bound = libdeflate_zlib_compress_bound(z, len);
    buf_reserve(&c->zbuf, bound);
    size_t zlen = libdeflate_zlib_compress(z, data, len, c->zbuf.data, bound);
    const void *out = data;
    size_t out_len = len;
    if (zlen > 0 && zlen < len) {
        out = c->zbuf.data;
        out_len = zlen;
        dict->write_fn = write_flate_filter;
    }
    if (HPDF_Stream_Write(dict->stream, out, (HPDF_UINT)out_len) != HPDF_OK)
        return pdf_fail(c, "write %zu bytes into a stream", out_len);
    return true;
}

bool pdf_stream_put(pdf_ctx *c, HPDF_Dict dict, const void *data, size_t len) {
    return stream_put(c, c->z, dict, data, len, true);
}

bool pdf_stream_put_font(pdf_ctx *c, HPDF_Dict dict, const void *data, size_t len) {
    return stream_put(c, c->z_font, dict, data, len, false);
}

/* ---- text strings ------------------------------------------------------ */

void pdf_utf16be_text(buf *out, const char *s, size_t len, size_t max_units) {
    buf_append(out, "\xFE\xFF", 2);
    size_t units = 0, i = 0;
    while (i < len) {
        uint32_t cp = utf8_next(s, len, &i);
        unsigned char u[4];
        size_t n;
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000;
            uint32_t hs = 0xD800 + (v >> 10), ls = 0xDC00 + (v & 0x3FF);
            u[0] = (unsigned char)(hs >> 8);
            u[1] = (unsigned char)hs;
            u[2] = (unsigned char)(ls >> 8);
            u[3] = (unsigned char)ls;
            n = 4;
        } else {
            u[0] = (unsigned char)(cp >> 8);
            u[1] = (unsigned char)cp;
            n = 2;
        }
        if (units + n / 2 > max_units) break;
        buf_append(out, u, n);
        units += n / 2;
    }
}

HPDF_Binary pdf_text_string(pdf_ctx *c, const char *utf8) {
    buf b;
    buf_init(&b);
    if (!utf8) utf8 = "";
    /* libharu strings hold at most 65535 bytes: FE FF + 32766 units. */
    pdf_utf16be_text(&b, utf8, strlen(utf8), 32766);
    pdf_hash_update(&c->id_hash, b.data, b.len);
    HPDF_Binary bin = HPDF_Binary_New(c->doc->mmgr, (HPDF_BYTE *)b.data, (HPDF_UINT)b.len);
    buf_free(&b);
    return bin;
}
