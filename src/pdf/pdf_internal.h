/* Internals shared by the PDF writer's files (not part of the public API):
 * the per-document context, libharu error reporting, pre-compressed streams
 * and the content hash behind the trailer /ID. */
#ifndef BRIEFING_PDF_INTERNAL_H
#define BRIEFING_PDF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* libharu's public API (hpdf.h) makes pages, outlines, the info dictionary
 * and the file; it has no way to add a font it did not make, or a stream
 * already compressed. Those need its object layer, declared in headers
 * Debian's libhpdf-dev installs but hpdf.h does not include; each use, and
 * why the public API cannot serve:
 *   hpdf_objects.h  HPDF_Dict_New/Add/AddName/AddNumber/Free, HPDF_Array_*,
 *                   HPDF_String_New, HPDF_Binary_New, HPDF_Name: the Type0,
 *                   CIDFontType0/2, FontDescriptor, /W and ToUnicode objects
 *                   of our own subsets (pdf_font.c); a dictionary's write_fn
 *                   and attr hooks write /W from our buffer;
 *   hpdf_streams.h  HPDF_DictStream_New, HPDF_Stream_Write/WriteStr,
 *                   HPDF_STREAM_FILTER_NONE: content and font streams we
 *                   compressed with libdeflate, written as they are;
 *   hpdf_doc.h      doc->mmgr and doc->xref, which those constructors take,
 *                   HPDF_Xref_Add for an object no dictionary holds;
 *   hpdf_pages.h    HPDF_Page_GetInheritableItem, HPDF_Page_GetLocalFontName:
 *                   a page's /Resources /Font for our fonts.
 * No libharu symbol is replaced in the library (src/cli/hpdf_copy.c, in the
 * programs only, is the one exception, and why). */
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

#include "../util/buf.h"
#include "../util/diag.h"

/* 128-bit FNV-1a over 64-bit words (the word-at-a-time variant: eight times
 * fewer multiplications than byte-wise FNV; the /ID only needs a stable,
 * well-mixed digest of what the document holds). */
typedef struct pdf_hash {
    uint64_t hi, lo;
} pdf_hash;

void pdf_hash_init(pdf_hash *h);
void pdf_hash_update(pdf_hash *h, const void *data, size_t len);
void pdf_hash_digest(const pdf_hash *h, unsigned char out[16]);

struct libdeflate_compressor;

/* One document being written. Everything lives here: nothing is global, so
 * documents can be written on several threads at once. */
typedef struct pdf_ctx {
    HPDF_Doc doc;
    /* The first error libharu reported through the handler. libharu keeps
     * the error in the document too, but any later call overwrites it with
     * HPDF_INVALID_DOCUMENT, so the handler's copy is the one to quote. */
    HPDF_STATUS error_no, detail_no;
    struct libdeflate_compressor *z;
    struct libdeflate_compressor *z_font; /* font programs: see PDF_FONT_DEFLATE_LEVEL */
    buf zbuf;         /* compression scratch */
    pdf_hash id_hash; /* everything written: content streams, fonts, text */
    diag_list *d;
    double font_tolerance; /* pdf_info.font_tolerance */
    bool read_outlines;    /* pdf_info.read_outlines */
    struct font_cff_cache *cff_cache; /* pdf_info.cff_cache */
} pdf_ctx;

/* libharu's error handler: records the first error into the pdf_ctx given
 * as user data. Never longjmps. */
void pdf_on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data);

/* Adds "pdf: cannot <what> (libharu error 0x...., detail N)" to the
 * diagnostics, quoting the first error libharu recorded, if any. Returns
 * false so callers can `return pdf_fail(...)`. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
bool pdf_fail(pdf_ctx *c, const char *what_fmt, ...);

/* True when libharu has recorded no error for the document. Objects of the
 * low-level API (HPDF_Dict_Add, HPDF_Array_Add, ...) record errors without
 * calling the handler; this sees both. */
bool pdf_hpdf_ok(const pdf_ctx *c);

/* Writes data into the stream of a dictionary created with
 * HPDF_DictStream_New, deflated with libdeflate when that makes it smaller;
 * the stream's own filter is set to none and /Filter /FlateDecode is added
 * from the dictionary's write hook (libharu removes /Filter from a stream
 * whose filter is NONE). Adds the raw data to the /ID hash. */
bool pdf_stream_put(pdf_ctx *c, HPDF_Dict stream_dict, const void *data, size_t len);
/* The same for a font program, with the font programs' compressor. The
 * program is not hashed: it follows from the face and the glyphs, which the
 * caller hashes instead (a tenth of the bytes). */
bool pdf_stream_put_font(pdf_ctx *c, HPDF_Dict stream_dict, const void *data, size_t len);

/* UTF-8 to a PDF text string: FE FF + UTF-16BE with surrogate pairs, at most
 * max_units code units. */
void pdf_utf16be_text(buf *out, const char *utf8, size_t len, size_t max_units);

/* A text string (FE FF + UTF-16BE) as an HPDF_Binary, or NULL on error. */
HPDF_Binary pdf_text_string(pdf_ctx *c, const char *utf8);

#endif
