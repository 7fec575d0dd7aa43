/* pdf_write: libharu holds the document (pages, xref, outline, info,
 * trailer); fonts and content streams are ours (pdf_font.c, pdf_content.c),
 * attached through libharu's object API. Every libharu status is checked; a
 * per-document error handler records the first error (libharu's default
 * would be to do nothing, and after one error every call fails). */
#include "pdf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#include "../util/xalloc.h"
#include "pdf_content.h"
#include "pdf_font.h"
#include "pdf_internal.h"

/* libdeflate levels. Level 1 is libdeflate's greedy hash-table matcher, the
 * only fast one: deeper levels make font programs 2.7% and content streams
 * about 4% smaller for two to three times the time, and compression is half
 * of what a document costs (measured in docs/batch.md). */
#ifndef PDF_DEFLATE_LEVEL
#define PDF_DEFLATE_LEVEL 1
#endif
#ifndef PDF_FONT_DEFLATE_LEVEL
#define PDF_FONT_DEFLATE_LEVEL 1
#endif

/* ---- input checks ------------------------------------------------------ */

static bool finite_in(double v, double lo, double hi) { return isfinite(v) && v >= lo && v <= hi; }

static bool validate(const layout_doc *doc, const pdf_info *info, diag_list *d) {
    const double big = 1e6;
    if (doc->n_pages == 0) {
        diag_add(d, DIAG_ERROR, NULL, NULL, "pdf: the document has no pages");
        return false;
    }
    for (size_t p = 0; p < doc->n_pages; p++) {
        const layout_page *pg = &doc->pages[p];
        /* libharu accepts 3 to 14400 points */
        if (!finite_in(pg->width, 3, 14400) || !finite_in(pg->height, 3, 14400)) {
            diag_add(d, DIAG_ERROR, NULL, NULL,
                     "pdf: page %zu: size %gx%g pt is outside 3 to 14400 pt", p + 1, pg->width,
                     pg->height);
            return false;
        }
        for (size_t i = 0; i < pg->n_glyphs; i++) {
            const layout_glyph *g = &pg->glyphs[i];
            const char *bad = NULL;
            if (!g->face)
                bad = "has no face";
            else if (!finite_in(g->size, 0.01, 10000))
                bad = "has an invalid size";
            else if (!finite_in(g->x, -big, big) || !finite_in(g->y, -big, big))
                bad = "has an invalid position";
            else if (g->gid >= hb_face_get_glyph_count(font_face_hb_face(g->face)))
                bad = "has a glyph id the face does not have";
            else if (g->text_len && (!doc->text || g->text_off > doc->text_len ||
                                     g->text_len > doc->text_len - g->text_off))
                bad = "has text outside the text pool";
            if (bad) {
                diag_add(d, DIAG_ERROR, NULL, NULL, "pdf: page %zu: glyph %zu %s", p + 1, i + 1,
                         bad);
                return false;
            }
        }
        for (size_t i = 0; i < pg->n_rules; i++) {
            const layout_rule *r = &pg->rules[i];
            if (!finite_in(r->x0, -big, big) || !finite_in(r->y0, -big, big) ||
                !finite_in(r->x1, -big, big) || !finite_in(r->y1, -big, big) ||
                !finite_in(r->width, -big, big)) {
                diag_add(d, DIAG_ERROR, NULL, NULL, "pdf: page %zu: rule %zu has invalid numbers",
                         p + 1, i + 1);
                return false;
            }
        }
        for (size_t i = 0; i < pg->n_rects; i++) {
            const layout_rect *r = &pg->rects[i];
            if (!finite_in(r->x, -big, big) || !finite_in(r->y, -big, big) ||
                !finite_in(r->w, -big, big) || !finite_in(r->h, -big, big)) {
                diag_add(d, DIAG_ERROR, NULL, NULL,
                         "pdf: page %zu: rectangle %zu has invalid numbers", p + 1, i + 1);
                return false;
            }
        }
    }
    for (size_t i = 0; i < doc->n_outline; i++) {
        const layout_outline *o = &doc->outline[i];
        if (o->page >= doc->n_pages || !isfinite(o->y)) {
            diag_add(d, DIAG_ERROR, NULL, NULL, "pdf: outline entry %zu points to page %zu of %zu",
                     i + 1, o->page + 1, doc->n_pages);
            return false;
        }
    }
    if (info && info->year != 0) {
        if (info->year < 1 || info->year > 9999 || info->month < 1 || info->month > 12 ||
            info->day < 1 || info->day > 31 || info->hour < 0 || info->hour > 23 ||
            info->minute < 0 || info->minute > 59 || info->second < 0 || info->second > 59) {
            diag_add(d, DIAG_ERROR, NULL, NULL, "pdf: invalid date %04d-%02d-%02d %02d:%02d:%02d",
                     info->year, info->month, info->day, info->hour, info->minute, info->second);
            return false;
        }
    }
    return true;
}

/* ---- pages ------------------------------------------------------------- */

/* The page's /Resources /Font dict, created the way
 * HPDF_Page_GetLocalFontName does (attr->fonts), so libharu finds and reuses
 * it instead of replacing it. */
static HPDF_Dict page_font_dict(HPDF_Page page) {
    HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
    if (attr->fonts) return attr->fonts;
    HPDF_Dict res = HPDF_Page_GetInheritableItem(page, "Resources", HPDF_OCLASS_DICT);
    if (!res) return NULL;
    HPDF_Dict fonts = HPDF_Dict_New(page->mmgr);
    if (!fonts || HPDF_Dict_Add(res, "Font", fonts) != HPDF_OK) return NULL;
    attr->fonts = fonts;
    return fonts;
}

static bool write_page(pdf_ctx *c, pdf_fontset *fs, const layout_page *pg, size_t index,
                       const pdf_glyph_ref *refs, buf *content, HPDF_Page *out) {
    HPDF_Page page = HPDF_AddPage(c->doc);
    if (!page) return pdf_fail(c, "add page %zu", index + 1);
    if (HPDF_Page_SetWidth(page, (HPDF_REAL)pg->width) != HPDF_OK ||
        HPDF_Page_SetHeight(page, (HPDF_REAL)pg->height) != HPDF_OK)
        return pdf_fail(c, "set the size of page %zu", index + 1);
    *out = page;

    /* fonts used on this page, in font order */
    if (pg->n_glyphs) {
        bool *used = xcalloc(fs->n_fonts, sizeof *used);
        for (size_t i = 0; i < pg->n_glyphs; i++)
            used[refs[i].font] = true;
        HPDF_Dict fonts = page_font_dict(page);
        bool ok = fonts != NULL;
        for (size_t k = 0; ok && k < fs->n_fonts; k++)
            if (used[k])
                ok = HPDF_Dict_Add(fonts, fs->fonts[k].res_name, fs->fonts[k].type0) == HPDF_OK;
        free(used);
        if (!ok) return pdf_fail(c, "add the fonts of page %zu", index + 1);
    }

    content->len = 0;
    pdf_content_page(content, fs, pg, refs);
    double size[2] = {pg->width, pg->height};
    pdf_hash_update(&c->id_hash, size, sizeof size);
    HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
    return pdf_stream_put(c, attr->contents, content->data, content->len);
}

/* ---- outline ----------------------------------------------------------- */

/* One bookmark per entry, nested by level: an entry becomes the child of the
 * nearest earlier entry with a smaller level (a jump from 1 to 3 hangs the
 * 3 under the 1). */
static bool write_outline(pdf_ctx *c, const layout_doc *doc, HPDF_Page *pages) {
    if (!doc->n_outline) return true;
    HPDF_Outline *stack = xcalloc(doc->n_outline, sizeof *stack);
    int *levels = xcalloc(doc->n_outline, sizeof *levels);
    size_t depth = 0;
    bool ok = true;
    for (size_t i = 0; ok && i < doc->n_outline; i++) {
        const layout_outline *e = &doc->outline[i];
        int level = e->level < 1 ? 1 : e->level;
        while (depth > 0 && levels[depth - 1] >= level)
            depth--;
        HPDF_Outline parent = depth ? stack[depth - 1] : NULL;
        HPDF_Outline o = HPDF_CreateOutline(c->doc, parent, "", NULL);
        /* The title as UTF-16BE bytes: libharu's UTF-8 encoder turns
         * characters above U+FFFF into spaces. */
        HPDF_Binary title = o ? pdf_text_string(c, e->title) : NULL;
        if (!o || !title || HPDF_Dict_Add(o, "Title", title) != HPDF_OK) {
            ok = pdf_fail(c, "add outline entry %zu", i + 1);
            break;
        }
        const layout_page *pg = &doc->pages[e->page];
        double top = e->y < 0 ? 0 : e->y > pg->height ? pg->height : e->y;
        double where[2] = {(double)e->page, top};
        pdf_hash_update(&c->id_hash, where, sizeof where);
        HPDF_Destination dst = HPDF_Page_CreateDestination(pages[e->page]);
        /* zoom 1: libharu rejects 0 ("keep the zoom") as out of range */
        if (!dst || HPDF_Destination_SetXYZ(dst, 0, (HPDF_REAL)top, 1) != HPDF_OK ||
            HPDF_Outline_SetDestination(o, dst) != HPDF_OK) {
            ok = pdf_fail(c, "set the destination of outline entry %zu", i + 1);
            break;
        }
        stack[depth] = o;
        levels[depth] = level;
        depth++;
    }
    free(stack);
    free(levels);
    return ok;
}

/* ---- info and trailer -------------------------------------------------- */

static bool write_info(pdf_ctx *c, const pdf_info *info) {
    /* replaces libharu's "Haru Free PDF Library 2.3.0" */
    if (HPDF_SetInfoAttr(c->doc, HPDF_INFO_PRODUCER, "briefing") != HPDF_OK || !c->doc->info)
        return pdf_fail(c, "set the document producer");
    if (!info) return true;
    const struct {
        const char *key, *value;
    } items[] = {{"Title", info->title},
                 {"Author", info->author},
                 {"Subject", info->subject},
                 {"Keywords", info->keywords},
                 {"Creator", info->creator}};
    for (size_t i = 0; i < sizeof items / sizeof *items; i++) {
        if (!items[i].value) continue;
        HPDF_Binary v = pdf_text_string(c, items[i].value);
        if (!v || HPDF_Dict_Add(c->doc->info, items[i].key, v) != HPDF_OK)
            return pdf_fail(c, "set the document %s", items[i].key);
    }
    if (info->year != 0) {
        HPDF_Date date = {.year = info->year,
                          .month = info->month,
                          .day = info->day,
                          .hour = info->hour,
                          .minutes = info->minute,
                          .seconds = info->second,
                          .ind = ' '}; /* no time zone */
        int parts[6] = {info->year, info->month, info->day, info->hour, info->minute, info->second};
        pdf_hash_update(&c->id_hash, parts, sizeof parts);
        if (HPDF_SetInfoDateAttr(c->doc, HPDF_INFO_CREATION_DATE, date) != HPDF_OK ||
            HPDF_SetInfoDateAttr(c->doc, HPDF_INFO_MOD_DATE, date) != HPDF_OK)
            return pdf_fail(c, "set the document dates");
    }
    return true;
}

/* libharu writes a trailer /ID only for encrypted documents; ours derives
 * from everything the document holds, so equal input gives equal bytes. */
static bool write_id(pdf_ctx *c) {
    unsigned char id[16];
    pdf_hash_digest(&c->id_hash, id);
    HPDF_Array a = HPDF_Array_New(c->doc->mmgr);
    if (!a || HPDF_Dict_Add(c->doc->trailer, "ID", a) != HPDF_OK ||
        HPDF_Array_Add(a, HPDF_Binary_New(c->doc->mmgr, id, 16)) != HPDF_OK ||
        HPDF_Array_Add(a, HPDF_Binary_New(c->doc->mmgr, id, 16)) != HPDF_OK)
        return pdf_fail(c, "set the document ID");
    return true;
}

static bool save(pdf_ctx *c, char **out, size_t *out_len) {
    if (HPDF_SaveToStream(c->doc) != HPDF_OK) return pdf_fail(c, "write the document");
    HPDF_UINT32 size = HPDF_GetStreamSize(c->doc);
    if (size == 0 || !pdf_hpdf_ok(c)) return pdf_fail(c, "write the document");
    char *data = xmalloc(size);
    HPDF_UINT32 got = size;
    HPDF_STATUS st = HPDF_ReadFromStream(c->doc, (HPDF_BYTE *)data, &got);
    if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || got != size) {
        free(data);
        return pdf_fail(c, "read the written document back");
    }
    *out = data;
    *out_len = size;
    return true;
}

/* ---- pdf_write --------------------------------------------------------- */

bool pdf_write(const layout_doc *doc, const pdf_info *info, char **out, size_t *out_len,
               diag_list *d) {
    if (out) *out = NULL;
    if (out_len) *out_len = 0;
    if (!doc || !out || !out_len) {
        diag_add(d, DIAG_ERROR, NULL, NULL, "pdf: no document to write");
        return false;
    }
    if (!validate(doc, info, d)) return false;

    pdf_ctx c;
    memset(&c, 0, sizeof c);
    c.d = d;
    buf_init(&c.zbuf);
    pdf_hash_init(&c.id_hash);
    c.font_tolerance = info ? info->font_tolerance : 0;
    c.read_outlines = info && info->read_outlines;
    c.cff_cache = info ? info->cff_cache : NULL;
    pdf_fontset fs;
    pdf_fontset_init(&fs, doc);
    pdf_glyph_ref **refs = xcalloc(doc->n_pages ? doc->n_pages : 1, sizeof *refs);
    HPDF_Page *pages = xcalloc(doc->n_pages ? doc->n_pages : 1, sizeof *pages);
    buf content;
    buf_init(&content);
    bool ok = false;

    c.z = libdeflate_alloc_compressor(PDF_DEFLATE_LEVEL);
    /* one compressor when the levels agree: each is 200 KB of tables that a
     * fresh process pays for in page faults */
    c.z_font = PDF_FONT_DEFLATE_LEVEL == PDF_DEFLATE_LEVEL
                   ? c.z
                   : libdeflate_alloc_compressor(PDF_FONT_DEFLATE_LEVEL);
    if (!c.z || !c.z_font) {
        pdf_fail(&c, "allocate a compressor");
        goto out;
    }
    c.doc = HPDF_New(pdf_on_hpdf_error, &c);
    if (!c.doc) {
        pdf_fail(&c, "create a document");
        goto out;
    }
    if (HPDF_SetCompressionMode(c.doc, HPDF_COMP_ALL) != HPDF_OK) {
        pdf_fail(&c, "set the compression mode");
        goto out;
    }

    /* Every glyph of every page first: the fonts are subset once, with all
     * their glyphs, before any page refers to them. */
    for (size_t p = 0; p < doc->n_pages; p++) {
        const layout_page *pg = &doc->pages[p];
        refs[p] = xmalloc((pg->n_glyphs ? pg->n_glyphs : 1) * sizeof **refs);
        for (size_t i = 0; i < pg->n_glyphs; i++)
            refs[p][i] = pdf_fontset_add(&fs, &pg->glyphs[i]);
    }
    if (!pdf_fontset_embed(&fs, &c)) goto out;
    for (size_t p = 0; p < doc->n_pages; p++)
        if (!write_page(&c, &fs, &doc->pages[p], p, refs[p], &content, &pages[p])) goto out;
    if (!write_outline(&c, doc, pages) || !write_info(&c, info) || !write_id(&c)) goto out;
    if (!pdf_hpdf_ok(&c)) {
        pdf_fail(&c, "build the document");
        goto out;
    }
    ok = save(&c, out, out_len);
out:
    if (c.doc) HPDF_Free(c.doc);
    if (c.z_font != c.z) libdeflate_free_compressor(c.z_font);
    libdeflate_free_compressor(c.z);
    buf_free(&c.zbuf);
    buf_free(&content);
    for (size_t p = 0; p < doc->n_pages; p++)
        free(refs[p]);
    free(refs);
    free(pages);
    pdf_fontset_free(&fs);
    return ok;
}
