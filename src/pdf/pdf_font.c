/* Font embedding: collect the (glyph, text) pairs each face draws, subset the
 * face (src/font/font_ttf.c), and write the Type0 font objects with libharu's
 * object API (libharu's own TrueType path cannot express HarfBuzz's glyphs,
 * loses characters above U+FFFF and embeds oversized fonts). */
#include "pdf_font.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/utf8.h"
#include "../util/xalloc.h"
#include "../font/font_cff.h"
#include "../font/font_ttf.h"

/* ---- collecting pairs -------------------------------------------------- */

void pdf_fontset_init(pdf_fontset *fs, const layout_doc *doc) {
    memset(fs, 0, sizeof *fs);
    fs->doc = doc;
}

void pdf_fontset_free(pdf_fontset *fs) {
    for (size_t i = 0; i < fs->n_fonts; i++) {
        free(fs->fonts[i].pairs);
        free(fs->fonts[i].table);
        buf_free(&fs->fonts[i].w_text);
    }
    free(fs->fonts);
    memset(fs, 0, sizeof *fs);
}

static uint64_t pair_hash(uint32_t gid, int16_t extra, const char *text, uint32_t len) {
    uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)(uint16_t)extra;
    for (int i = 0; i < 4; i++) {
        h ^= (gid >> (8 * i)) & 0xff;
        h *= 0x100000001b3ull;
    }
    for (uint32_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 0x100000001b3ull;
    }
    return h ^ (h >> 29);
}

static const char *pair_text(const pdf_fontset *fs, const pdf_font_pair *p) {
    return p->text_len ? fs->doc->text + p->text_off : "";
}

static void table_insert(pdf_font *f, uint32_t pair_index, uint64_t h) {
    size_t mask = f->table_cap - 1;
    size_t i = (size_t)h & mask;
    while (f->table[i])
        i = (i + 1) & mask;
    f->table[i] = pair_index + 1;
}

static void table_grow(pdf_fontset *fs, pdf_font *f) {
    free(f->table);
    f->table_cap = f->table_cap ? f->table_cap * 2 : 256;
    f->table = xcalloc(f->table_cap, sizeof *f->table);
    for (size_t k = 0; k < f->n_pairs; k++) {
        const pdf_font_pair *p = &f->pairs[k];
        table_insert(f, (uint32_t)k, pair_hash(p->gid, p->extra, pair_text(fs, p), p->text_len));
    }
}

static size_t font_index(pdf_fontset *fs, const font_face *face) {
    if (fs->n_fonts && fs->fonts[fs->last].face == face) return fs->last;
    for (size_t i = 0; i < fs->n_fonts; i++) {
        if (fs->fonts[i].face == face) {
            fs->last = i;
            return i;
        }
    }
    xgrow(&fs->fonts, &fs->cap_fonts, fs->n_fonts + 1, sizeof *fs->fonts);
    pdf_font *f = &fs->fonts[fs->n_fonts];
    memset(f, 0, sizeof *f);
    f->face = face;
    snprintf(f->res_name, sizeof f->res_name, "BF%zu", fs->n_fonts);
    fs->last = fs->n_fonts++;
    return fs->last;
}

/* The pair's index in f, or -1. */
static long find_pair(const pdf_fontset *fs, const pdf_font *f, const layout_glyph *g,
                      const char *text, uint64_t h) {
    if (!f->table_cap) return -1;
    size_t mask = f->table_cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        uint32_t e = f->table[i];
        if (!e) return -1;
        const pdf_font_pair *p = &f->pairs[e - 1];
        if (p->gid == g->gid && p->extra == g->extra && p->text_len == g->text_len &&
            memcmp(pair_text(fs, p), text, g->text_len) == 0)
            return (long)e - 1;
    }
}

pdf_glyph_ref pdf_fontset_add(pdf_fontset *fs, const layout_glyph *g) {
    size_t fi = font_index(fs, g->face);
    uint32_t off = g->text_len ? g->text_off : 0, len = g->text_len;
    const char *text = len ? fs->doc->text + off : "";
    uint64_t h = pair_hash(g->gid, g->extra, text, len);
    pdf_font *f = &fs->fonts[fi];
    long k = find_pair(fs, f, g, text, h);
    if (k >= 0) return (pdf_glyph_ref){(uint32_t)fi, (uint32_t)k};
    if ((f->n_pairs + 1) * 2 > f->table_cap) table_grow(fs, f);
    xgrow(&f->pairs, &f->cap_pairs, f->n_pairs + 1, sizeof *f->pairs);
    f->pairs[f->n_pairs] = (pdf_font_pair){g->gid, off, len, 0, 0, g->extra};
    table_insert(f, (uint32_t)f->n_pairs, h);
    return (pdf_glyph_ref){(uint32_t)fi, (uint32_t)f->n_pairs++};
}

/* ---- subsetting -------------------------------------------------------- */

typedef struct subset_result {
    buf file;          /* the subset font program */
    uint32_t *new_gid; /* per pair */
    unsigned n_glyphs; /* glyph count of the subset */
    char tag[7];       /* subset tag, from the face and the glyph set */
} subset_result;

/* The tag: six letters from a hash of the face name and the glyph set (each
 * glyph once, in any order), so the same glyphs always give the same name. */
static void subset_tag(const pdf_font *f, subset_result *r) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char *s = font_face_ps_name(f->face); *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    bool *seen = xcalloc(r->n_glyphs ? r->n_glyphs : 1, sizeof *seen);
    uint64_t g = 0;
    for (size_t i = 0; i < f->n_pairs; i++) {
        uint32_t ng = r->new_gid[i];
        if (ng >= r->n_glyphs || seen[ng]) continue;
        seen[ng] = true;
        g += ((uint64_t)f->pairs[i].gid + 1) * 0x9E3779B97F4A7C15ull;
    }
    free(seen);
    h ^= g;
    h *= 0x100000001b3ull;
    for (int k = 0; k < 6; k++) {
        r->tag[k] = (char)('A' + (int)(h % 26));
        h /= 26;
    }
    r->tag[6] = 0;
}

static bool read_face(void *face, const void *at, size_t len, void *dst) {
    return font_face_read(face, at, len, dst);
}

static bool subset_font(pdf_ctx *c, const pdf_font *f, subset_result *r) {
    memset(r, 0, sizeof *r);
    buf_init(&r->file);
    uint32_t *gids = xmalloc((f->n_pairs ? f->n_pairs : 1) * sizeof *gids);
    for (size_t i = 0; i < f->n_pairs; i++)
        gids[i] = f->pairs[i].gid;
    r->new_gid = xmalloc((f->n_pairs ? f->n_pairs : 1) * sizeof *r->new_gid);
    char err[160];
    /* the face is const to its users; font_face_read only reads it */
    font_reader reader = {read_face, (void *)(uintptr_t)f->face};
    bool ok = font_ttf_subset(font_face_hb_face(f->face), font_face_ps_name(f->face), gids,
                             f->n_pairs, c->font_tolerance, c->read_outlines ? &reader : NULL,
                             &r->file, r->new_gid, &r->n_glyphs, err, sizeof err);
    free(gids);
    if (!ok) {
        free(r->new_gid);
        buf_free(&r->file);
        memset(r, 0, sizeof *r);
        return pdf_fail(c, "subset font %s: %s", font_face_family(f->face), err);
    }
    subset_tag(f, r);
    return true;
}

/* ---- objects ----------------------------------------------------------- */

static HPDF_Dict new_dict(pdf_ctx *c) {
    HPDF_Dict d = HPDF_Dict_New(c->doc->mmgr);
    if (!d || HPDF_Xref_Add(c->doc->xref, d) != HPDF_OK) return NULL;
    return d;
}

static HPDF_STATUS write_w_array(HPDF_Dict obj, HPDF_Stream stream) {
    const pdf_font *f = obj->attr;
    if (!f || f->w_text.len == 0) return HPDF_OK;
    return HPDF_Stream_Write(stream, (const HPDF_BYTE *)f->w_text.data, (HPDF_UINT)f->w_text.len);
}

static int scale_1000(int v, unsigned upem) {
    return (int)lround((double)v * 1000.0 / (double)upem);
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

/* Pair indices in CID order. CIDs are below 65536, so a pass over a
 * CID-indexed table sorts them (and qsort would need a global for its
 * comparator's context). NULL when two pairs share a CID: every table
 * built from the order would then miss a pair (a font whose charset repeats
 * a CID gets here only if its reader let it through). */
static uint32_t *pairs_by_cid(const pdf_font *f, uint32_t max_cid) {
    uint32_t *slot = xmalloc(((size_t)max_cid + 1) * sizeof *slot);
    memset(slot, 0xff, ((size_t)max_cid + 1) * sizeof *slot);
    bool repeated = false;
    for (size_t i = 0; i < f->n_pairs; i++) {
        if (slot[f->pairs[i].cid] != 0xffffffffu) repeated = true;
        slot[f->pairs[i].cid] = (uint32_t)i;
    }
    uint32_t *order = NULL;
    if (!repeated) {
        order = xmalloc((f->n_pairs ? f->n_pairs : 1) * sizeof *order);
        size_t n = 0;
        for (uint32_t cid = 0; cid <= max_cid; cid++)
            if (slot[cid] != 0xffffffffu) order[n++] = slot[cid];
    }
    free(slot);
    return order;
}

/* The most common width becomes /DW; /W lists the others, consecutive CIDs
 * grouped: "c [w1 w2 ...]". */
static int build_widths(pdf_font *f, const uint32_t *order) {
    int dw = 1000;
    if (f->n_pairs) {
        int *w = xmalloc(f->n_pairs * sizeof *w);
        for (size_t i = 0; i < f->n_pairs; i++)
            w[i] = f->pairs[i].width;
        qsort(w, f->n_pairs, sizeof *w, cmp_int);
        size_t best = 0, run = 0;
        for (size_t i = 0; i < f->n_pairs; i++) {
            run = (i > 0 && w[i] == w[i - 1]) ? run + 1 : 1;
            if (run > best) {
                best = run;
                dw = w[i];
            }
        }
        free(w);
    }
    buf *b = &f->w_text;
    bool open = false, any = false;
    uint32_t prev = 0;
    for (size_t k = 0; k < f->n_pairs; k++) {
        const pdf_font_pair *p = &f->pairs[order[k]];
        if (p->width == dw) continue;
        if (!any) buf_puts(b, "/W [");
        any = true;
        if (open && p->cid == prev + 1) {
            buf_putc(b, ' ');
            buf_put_int(b, p->width);
        } else {
            if (open) buf_puts(b, "] ");
            buf_put_int(b, p->cid);
            buf_puts(b, " [");
            buf_put_int(b, p->width);
            open = true;
        }
        prev = p->cid;
    }
    if (open) buf_puts(b, "]");
    if (any) buf_puts(b, "]\012");
    return dw;
}

/* The text of one CID, at most this many UTF-16 units. The CMap format
 * allows 512 bytes, but poppler reads a CMap token into 256 bytes and
 * rejects longer ones ("Illegal entry in bfchar block"): "<" 252 hex
 * digits ">" is the most it takes. Only a pathological cluster (a letter
 * with thousands of combining marks) is that long; its text is cut. */
#define TOUNICODE_MAX_UNITS 63

static void put_utf16_hex(buf *b, const char *s, size_t len) {
    size_t i = 0, units = 0;
    while (i < len) {
        uint32_t cp = utf8_next(s, len, &i);
        if (cp >= 0x10000) {
            if (units + 2 > TOUNICODE_MAX_UNITS) break;
            uint32_t v = cp - 0x10000;
            buf_put_hex(b, 0xD800u + (v >> 10), 4);
            buf_put_hex(b, 0xDC00u + (v & 0x3FF), 4);
            units += 2;
        } else {
            if (units + 1 > TOUNICODE_MAX_UNITS) break;
            buf_put_hex(b, cp, 4);
            units += 1;
        }
    }
}

static void build_tounicode(buf *b, const pdf_fontset *fs, const pdf_font *f,
                            const uint32_t *order) {
    buf_puts(b, "/CIDInit /ProcSet findresource begin\n"
                "12 dict begin\n"
                "begincmap\n"
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                "/CMapName /Adobe-Identity-UCS def\n"
                "/CMapType 2 def\n"
                "1 begincodespacerange\n"
                "<0000> <FFFF>\n"
                "endcodespacerange\n");
    size_t n_text = 0;
    for (size_t k = 0; k < f->n_pairs; k++)
        n_text += f->pairs[k].text_len > 0;
    size_t done = 0;
    for (size_t k = 0; k < f->n_pairs; k++) {
        const pdf_font_pair *p = &f->pairs[order[k]];
        if (!p->text_len) continue;
        if (done % 100 == 0) {
            size_t left = n_text - done;
            buf_printf(b, "%zu beginbfchar\n", left < 100 ? left : 100);
        }
        buf_putc(b, '<');
        buf_put_hex(b, p->cid, 4);
        buf_puts(b, "> <");
        put_utf16_hex(b, pair_text(fs, p), p->text_len);
        buf_puts(b, ">\n");
        done++;
        if (done % 100 == 0 || done == n_text) buf_puts(b, "endbfchar\n");
    }
    buf_puts(b, "endcmap\n"
                "CMapName currentdict /CMap defineresource pop\n"
                "end\n"
                "end\n");
}

static bool add_box(pdf_ctx *c, HPDF_Dict d, const char *key, const int v[4]) {
    HPDF_Array a = HPDF_Array_New(c->doc->mmgr);
    if (!a) return false;
    if (HPDF_Dict_Add(d, key, a) != HPDF_OK) return false;
    for (int i = 0; i < 4; i++)
        if (HPDF_Array_AddNumber(a, v[i]) != HPDF_OK) return false;
    return true;
}

/* The ToUnicode CMap and the Type0 font over a CIDFont: f->type0. */
static bool finish_type0(const pdf_fontset *fs, pdf_font *f, pdf_ctx *c, HPDF_Dict cid,
                         const uint32_t *order) {
    const char *fam = font_face_family(f->face);
    buf tu;
    buf_init(&tu);
    build_tounicode(&tu, fs, f, order);
    HPDF_Dict tus = HPDF_DictStream_New(c->doc->mmgr, c->doc->xref);
    bool put = tus && pdf_stream_put(c, tus, tu.data, tu.len);
    buf_free(&tu);
    if (!put) return pdf_fail(c, "create the ToUnicode CMap of %s", fam);
    HPDF_Dict t0 = new_dict(c);
    HPDF_Array desc_fonts = HPDF_Array_New(c->doc->mmgr);
    HPDF_STATUS st = HPDF_OK;
    const char *base = NULL;
    HPDF_Name bn = HPDF_Dict_GetItem(cid, "BaseFont", HPDF_OCLASS_NAME);
    if (bn) base = bn->value;
    if (t0 && desc_fonts && base) {
        st |= HPDF_Dict_AddName(t0, "Type", "Font");
        st |= HPDF_Dict_AddName(t0, "Subtype", "Type0");
        st |= HPDF_Dict_AddName(t0, "BaseFont", base);
        st |= HPDF_Dict_AddName(t0, "Encoding", "Identity-H");
        st |= HPDF_Dict_Add(t0, "DescendantFonts", desc_fonts);
        st |= HPDF_Array_Add(desc_fonts, cid);
        st |= HPDF_Dict_Add(t0, "ToUnicode", tus);
    } else if (desc_fonts && !t0) {
        HPDF_Array_Free(desc_fonts);
    }
    if (!t0 || !desc_fonts || !base || st != HPDF_OK || !pdf_hpdf_ok(c))
        return pdf_fail(c, "create the Type0 font of %s", fam);
    f->type0 = t0;
    return true;
}

static bool embed_font(pdf_fontset *fs, pdf_font *f, pdf_ctx *c) {
    const font_face *face = f->face;
    const char *fam = font_face_family(face);
    unsigned upem = font_face_upem(face);
    subset_result sr;
    if (!subset_font(c, f, &sr)) return false;

    /* CIDs: the first pair of each glyph takes the glyph's new id, so the
     * CID-to-GID map is the identity unless a glyph stands for several
     * texts; further pairs of a glyph take CIDs after the last glyph. */
    bool *seen = xcalloc(sr.n_glyphs ? sr.n_glyphs : 1, sizeof *seen);
    uint32_t next = sr.n_glyphs, max_cid = 0;
    bool identity = true;
    for (size_t i = 0; i < f->n_pairs; i++) {
        pdf_font_pair *p = &f->pairs[i];
        uint32_t ng = sr.new_gid[i];
        if (ng < sr.n_glyphs && !seen[ng]) {
            seen[ng] = true;
            p->cid = ng;
        } else {
            p->cid = next++;
            identity = false;
        }
        if (p->cid > max_cid) max_cid = p->cid;
        p->width = (int32_t)scale_1000(font_face_advance(face, p->gid), upem) + p->extra;
    }
    free(seen);
    bool ok = false;
    uint32_t *order = NULL;
    if (max_cid > 0xFFFF) {
        pdf_fail(c, "embed font %s: more than 65536 distinct glyph/text pairs", fam);
        goto out;
    }
    order = pairs_by_cid(f, max_cid);
    if (!order) {
        pdf_fail(c, "embed font %s: two glyphs with one CID", fam);
        goto out;
    }
    int dw = build_widths(f, order);

    char base[160];
    snprintf(base, sizeof base, "%s+%s", sr.tag, font_face_ps_name(face));

    /* FontFile2 */
    size_t flen = sr.file.len;
    const char *fdata = sr.file.data;
    f->file_bytes = flen;
    f->n_glyphs = sr.n_glyphs;
    HPDF_Dict file = HPDF_DictStream_New(c->doc->mmgr, c->doc->xref);
    if (!file || HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)flen) != HPDF_OK) {
        pdf_fail(c, "create the font file object of %s", fam);
        goto out;
    }
    pdf_hash_update(&c->id_hash, base, strlen(base));
    pdf_hash_update(&c->id_hash, &c->font_tolerance, sizeof c->font_tolerance);
    for (size_t i = 0; i < f->n_pairs; i++)
        pdf_hash_update(&c->id_hash, &f->pairs[i].gid, sizeof f->pairs[i].gid);
    if (!pdf_stream_put_font(c, file, fdata, flen)) goto out;

    /* FontDescriptor */
    HPDF_Dict desc = new_dict(c);
    int bb[4];
    font_face_bbox(face, bb);
    int bbox[4] = {(int)floor(bb[0] * 1000.0 / upem), (int)floor(bb[1] * 1000.0 / upem),
                   (int)ceil(bb[2] * 1000.0 / upem), (int)ceil(bb[3] * 1000.0 / upem)};
    int flags = 4 | (font_face_is_serif(face) ? 2 : 0) | (font_face_is_fixed_pitch(face) ? 1 : 0);
    HPDF_STATUS st = HPDF_OK;
    if (desc) {
        st |= HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
        st |= HPDF_Dict_AddName(desc, "FontName", base);
        st |= HPDF_Dict_AddNumber(desc, "Flags", flags);
        st |= add_box(c, desc, "FontBBox", bbox) ? HPDF_OK : 1;
        st |= HPDF_Dict_AddNumber(desc, "ItalicAngle", 0);
        st |= HPDF_Dict_AddNumber(desc, "Ascent", scale_1000(font_face_ascender(face), upem));
        st |= HPDF_Dict_AddNumber(desc, "Descent", scale_1000(font_face_descender(face), upem));
        st |= HPDF_Dict_AddNumber(desc, "CapHeight", scale_1000(font_face_cap_height(face), upem));
        st |= HPDF_Dict_AddNumber(desc, "StemV", 80);
        st |= HPDF_Dict_Add(desc, "FontFile2", file);
    }
    if (!desc || st != HPDF_OK) {
        pdf_fail(c, "create the font descriptor of %s", fam);
        goto out;
    }

    /* CIDFontType2 */
    HPDF_Dict cid = new_dict(c);
    HPDF_Dict sysinfo = HPDF_Dict_New(c->doc->mmgr);
    if (cid && sysinfo) {
        st |= HPDF_Dict_AddName(cid, "Type", "Font");
        st |= HPDF_Dict_AddName(cid, "Subtype", "CIDFontType2");
        st |= HPDF_Dict_AddName(cid, "BaseFont", base);
        st |= HPDF_Dict_Add(cid, "CIDSystemInfo", sysinfo);
        st |= HPDF_Dict_Add(sysinfo, "Registry", HPDF_String_New(c->doc->mmgr, "Adobe", NULL));
        st |= HPDF_Dict_Add(sysinfo, "Ordering", HPDF_String_New(c->doc->mmgr, "Identity", NULL));
        st |= HPDF_Dict_AddNumber(sysinfo, "Supplement", 0);
        st |= HPDF_Dict_Add(cid, "FontDescriptor", desc);
        st |= HPDF_Dict_AddNumber(cid, "DW", dw);
        if (identity) {
            st |= HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity");
        } else {
            size_t n = (size_t)max_cid + 1;
            unsigned char *map = xcalloc(n, 2);
            for (size_t i = 0; i < f->n_pairs; i++) {
                uint32_t ci = f->pairs[i].cid, ng = sr.new_gid[i];
                map[2 * ci] = (unsigned char)(ng >> 8);
                map[2 * ci + 1] = (unsigned char)ng;
            }
            HPDF_Dict ms = HPDF_DictStream_New(c->doc->mmgr, c->doc->xref);
            bool put = ms && pdf_stream_put(c, ms, map, 2 * n);
            free(map);
            if (!put) {
                pdf_fail(c, "create the CIDToGIDMap of %s", fam);
                goto out;
            }
            st |= HPDF_Dict_Add(cid, "CIDToGIDMap", ms);
        }
        /* /W goes out raw from the write hook: it can outgrow libharu's
         * array limit (32767 items) and costs an object per number. */
        cid->attr = f;
        cid->write_fn = write_w_array;
        pdf_hash_update(&c->id_hash, f->w_text.data ? f->w_text.data : "", f->w_text.len);
    } else if (sysinfo && !cid) {
        HPDF_Dict_Free(sysinfo);
    }
    if (!cid || !sysinfo || st != HPDF_OK) {
        pdf_fail(c, "create the CID font of %s", fam);
        goto out;
    }

    if (!finish_type0(fs, f, c, cid, order)) goto out;
    ok = true;
out:
    free(order);
    free(sr.new_gid);
    buf_free(&sr.file);
    return ok;
}

/* ---- CFF faces --------------------------------------------------------- */

/* ---- CFF faces --------------------------------------------------------- */

static HPDF_Dict font_descriptor(pdf_ctx *c, const font_face *face, const char *base,
                                 const char *file_key, HPDF_Dict file) {
    unsigned upem = font_face_upem(face);
    HPDF_Dict desc = new_dict(c);
    if (!desc) return NULL;
    int bb[4];
    font_face_bbox(face, bb);
    int bbox[4] = {(int)floor(bb[0] * 1000.0 / upem), (int)floor(bb[1] * 1000.0 / upem),
                   (int)ceil(bb[2] * 1000.0 / upem), (int)ceil(bb[3] * 1000.0 / upem)};
    int flags = 4 | (font_face_is_serif(face) ? 2 : 0) | (font_face_is_fixed_pitch(face) ? 1 : 0);
    HPDF_STATUS st = HPDF_OK;
    st |= HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
    st |= HPDF_Dict_AddName(desc, "FontName", base);
    st |= HPDF_Dict_AddNumber(desc, "Flags", flags);
    st |= add_box(c, desc, "FontBBox", bbox) ? HPDF_OK : 1;
    st |= HPDF_Dict_AddNumber(desc, "ItalicAngle", 0);
    st |= HPDF_Dict_AddNumber(desc, "Ascent", scale_1000(font_face_ascender(face), upem));
    st |= HPDF_Dict_AddNumber(desc, "Descent", scale_1000(font_face_descender(face), upem));
    st |= HPDF_Dict_AddNumber(desc, "CapHeight", scale_1000(font_face_cap_height(face), upem));
    st |= HPDF_Dict_AddNumber(desc, "StemV", 80);
    st |= HPDF_Dict_Add(desc, file_key, file);
    return st == HPDF_OK ? desc : NULL;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The pairs in the order their glyphs take in a CFF subset: the face's own
 * glyph order, where Source Han/Noto keep related characters (one radical,
 * one stroke order) together, so deflate finds their shared strokes within
 * its window (measured: 4 % smaller documents than in the order of first
 * use). Sets each pair's CID (its place + 1). */
static uint32_t *cff_pair_order(pdf_font *f) {
    size_t n = f->n_pairs;
    uint64_t *key = xmalloc((n ? n : 1) * sizeof *key);
    for (size_t i = 0; i < n; i++) key[i] = (uint64_t)f->pairs[i].gid << 32 | i;
    qsort(key, n, sizeof *key, cmp_u64);
    uint32_t *order = xmalloc((n ? n : 1) * sizeof *order);
    for (size_t k = 0; k < n; k++) {
        order[k] = (uint32_t)key[k];
        f->pairs[order[k]].cid = (uint32_t)k + 1;
    }
    free(key);
    return order;
}

/* A CFF face: one subset glyph per pair (font_cff_subset copies a glyph
 * drawn with two widths or texts), so each pair has its own CID and the
 * tables are built as for TrueType, without a CIDToGIDMap. */
static bool embed_cff_font(pdf_fontset *fs, pdf_font *f, pdf_ctx *c) {
    const font_face *face = f->face;
    const char *fam = font_face_family(face);
    size_t n = f->n_pairs;
    if (n > 65534) return pdf_fail(c, "embed font %s: more than 65536 distinct glyph/text pairs", fam);
    uint32_t *gids = xmalloc((n ? n : 1) * sizeof *gids);
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char *q = font_face_ps_name(face); *q; q++) h = (h ^ (unsigned char)*q) * 0x100000001b3ull;
    unsigned upem = font_face_upem(face);
    uint32_t *order = cff_pair_order(f);
    for (size_t i = 0; i < n; i++) {
        pdf_font_pair *p = &f->pairs[i];
        gids[p->cid - 1] = p->gid;
        p->width = (int32_t)scale_1000(font_face_advance(face, p->gid), upem) + p->extra;
    }
    /* the tag from the glyphs in subset order: the same subset, the same name */
    for (size_t k = 0; k < n; k++) h = (h ^ gids[k]) * 0x100000001b3ull;
    buf file;
    buf_init(&file);
    char err[160];
    font_reader rd = {read_face, (void *)(uintptr_t)face};
    bool ok = font_cff_subset(font_face_cff(face), gids, n, c->read_outlines ? &rd : NULL,
                              c->cff_cache, &file, err, sizeof err);
    free(gids);
    if (!ok) {
        buf_free(&file);
        free(order);
        return pdf_fail(c, "subset font %s: %s", fam, err);
    }
    char tag[7];
    for (int k = 0; k < 6; k++, h /= 26) tag[k] = (char)('A' + (int)(h % 26));
    tag[6] = 0;
    char base[160];
    snprintf(base, sizeof base, "%s+%s", tag, font_face_ps_name(face));
    f->file_bytes = file.len;
    f->n_glyphs = (unsigned)n + 1;
    pdf_hash_update(&c->id_hash, base, strlen(base));
    for (size_t i = 0; i < n; i++) pdf_hash_update(&c->id_hash, &f->pairs[i].gid, sizeof f->pairs[i].gid);
    HPDF_Dict fs3 = HPDF_DictStream_New(c->doc->mmgr, c->doc->xref);
    ok = fs3 && HPDF_Dict_AddName(fs3, "Subtype", "CIDFontType0C") == HPDF_OK &&
         pdf_stream_put_font(c, fs3, file.data, file.len);
    buf_free(&file);
    if (!ok) {
        free(order);
        return pdf_fail(c, "create the font file object of %s", fam);
    }
    HPDF_Dict desc = font_descriptor(c, face, base, "FontFile3", fs3);
    if (!desc) {
        free(order);
        return pdf_fail(c, "create the font descriptor of %s", fam);
    }

    int dw = build_widths(f, order);
    HPDF_Dict cid = new_dict(c);
    HPDF_Dict sysinfo = HPDF_Dict_New(c->doc->mmgr);
    HPDF_STATUS st = HPDF_OK;
    if (cid && sysinfo) {
        st |= HPDF_Dict_AddName(cid, "Type", "Font");
        st |= HPDF_Dict_AddName(cid, "Subtype", "CIDFontType0");
        st |= HPDF_Dict_AddName(cid, "BaseFont", base);
        st |= HPDF_Dict_Add(cid, "CIDSystemInfo", sysinfo);
        st |= HPDF_Dict_Add(sysinfo, "Registry", HPDF_String_New(c->doc->mmgr, "Adobe", NULL));
        st |= HPDF_Dict_Add(sysinfo, "Ordering", HPDF_String_New(c->doc->mmgr, "Identity", NULL));
        st |= HPDF_Dict_AddNumber(sysinfo, "Supplement", 0);
        st |= HPDF_Dict_Add(cid, "FontDescriptor", desc);
        st |= HPDF_Dict_AddNumber(cid, "DW", dw);
        cid->attr = f;
        cid->write_fn = write_w_array;
        pdf_hash_update(&c->id_hash, f->w_text.data ? f->w_text.data : "", f->w_text.len);
    } else if (sysinfo && !cid) {
        HPDF_Dict_Free(sysinfo);
    }
    ok = cid && sysinfo && st == HPDF_OK;
    if (!ok) pdf_fail(c, "create the CID font of %s", fam);
    ok = ok && finish_type0(fs, f, c, cid, order);
    free(order);
    return ok;
}

bool pdf_fontset_embed(pdf_fontset *fs, pdf_ctx *c) {
    for (size_t i = 0; i < fs->n_fonts; i++) {
        pdf_font *f = &fs->fonts[i];
        if (!(font_face_is_cff(f->face) ? embed_cff_font(fs, f, c) : embed_font(fs, f, c)))
            return false;
    }
    return true;
}
