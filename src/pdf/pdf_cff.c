/* CFF subsets through hb-subset: it keeps each glyph's FD and private
 * dictionary and writes the charset with the face's CIDs (measured with
 * HarfBuzz 6.0: a subset of Noto Serif CJK SC keeps CID == the face's glyph
 * id). We read back only what the PDF needs from its output: the CID of
 * every glyph, from the charset. */
#include "pdf_cff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb-subset.h>

#include "../util/xalloc.h"

typedef struct span {
    const unsigned char *p;
    size_t len;
} span;

static unsigned be(const unsigned char *p, int n) {
    unsigned v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

/* An INDEX at off: its count, item k as a span, and where it ends. */
typedef struct cff_index {
    unsigned count, off_size;
    const unsigned char *offs, *data0; /* data0: the byte before the data */
    size_t end, last;                  /* last: the final offset, 1 past the data */
} cff_index;

static bool read_index(span s, size_t off, cff_index *ix) {
    if (off + 2 > s.len) return false;
    ix->count = be(s.p + off, 2);
    if (ix->count == 0) {
        ix->end = off + 2;
        return true;
    }
    if (off + 3 > s.len) return false;
    ix->off_size = s.p[off + 2];
    if (ix->off_size < 1 || ix->off_size > 4) return false;
    size_t offs_end = off + 3 + ((size_t)ix->count + 1) * ix->off_size;
    if (offs_end > s.len) return false;
    ix->offs = s.p + off + 3;
    ix->data0 = s.p + offs_end - 1;
    size_t last = be(ix->offs + (size_t)ix->count * ix->off_size, (int)ix->off_size);
    if (last < 1 || offs_end - 1 + last > s.len) return false;
    ix->last = last;
    ix->end = offs_end - 1 + last;
    return true;
}

static bool index_item(const cff_index *ix, unsigned k, span *out) {
    size_t a = be(ix->offs + (size_t)k * ix->off_size, (int)ix->off_size);
    size_t b = be(ix->offs + (size_t)(k + 1) * ix->off_size, (int)ix->off_size);
    /* every offset is checked against the last one, which read_index
     * checked against the data: offsets need not be in order in a
     * damaged font */
    if (a < 1 || b < a || b > ix->last) return false;
    *out = (span){ix->data0 + a, b - a};
    return true;
}

/* The Top DICT entries we need: ROS present, charset and CharStrings offsets. */
typedef struct top_dict {
    bool ros;
    long charset, charstrings;
} top_dict;

static bool read_top_dict(span d, top_dict *t) {
    long ops[48];
    int n = 0;
    *t = (top_dict){false, 0, 0};
    for (size_t i = 0; i < d.len;) {
        unsigned b0 = d.p[i];
        if (b0 <= 21) { /* an operator */
            int op = (int)b0;
            i++;
            if (b0 == 12) {
                if (i >= d.len) return false;
                op = 1200 + d.p[i++];
            }
            if (op == 1230) t->ros = true;
            if (op == 15 && n) t->charset = ops[n - 1];
            if (op == 17 && n) t->charstrings = ops[n - 1];
            n = 0;
            continue;
        }
        long v = 0;
        if (b0 == 28 && i + 2 < d.len) v = (short)be(d.p + i + 1, 2), i += 3;
        else if (b0 == 29 && i + 4 < d.len) v = (int)be(d.p + i + 1, 4), i += 5;
        else if (b0 == 30) { /* a real: skip its nibbles */
            for (i++; i < d.len; i++)
                if ((d.p[i] & 15) == 15 || (d.p[i] >> 4) == 15) break;
            i++;
        } else if (b0 >= 32 && b0 <= 246) v = (long)b0 - 139, i++;
        else if (b0 >= 247 && b0 <= 250 && i + 1 < d.len)
            v = ((long)b0 - 247) * 256 + d.p[i + 1] + 108, i += 2;
        else if (b0 >= 251 && b0 <= 254 && i + 1 < d.len)
            v = -((long)b0 - 251) * 256 - d.p[i + 1] - 108, i += 2;
        else return false;
        if (n < 48) ops[n++] = v;
    }
    return true;
}

/* cid_of[g] for every glyph of a CID-keyed CFF; NULL when it is not one or
 * is malformed. */
static uint32_t *read_cids(span s, unsigned *n_glyphs) {
    if (s.len < 4 || s.p[0] != 1) return NULL;
    cff_index names, tops, cs;
    span top;
    top_dict t;
    if (!read_index(s, s.p[2], &names) || !read_index(s, names.end, &tops) || tops.count < 1 ||
        !index_item(&tops, 0, &top) || !read_top_dict(top, &t) || !t.ros || t.charset <= 2 ||
        t.charstrings <= 0 || !read_index(s, (size_t)t.charstrings, &cs) || cs.count < 1)
        return NULL;
    unsigned n = cs.count;
    uint32_t *cid = xcalloc(n, sizeof *cid);
    size_t o = (size_t)t.charset;
    if (o >= s.len) goto bad;
    unsigned fmt = s.p[o++], g = 1;
    if (fmt == 0) {
        if (o + 2 * ((size_t)n - 1) > s.len) goto bad;
        for (; g < n; g++) cid[g] = be(s.p + o + 2 * (g - 1), 2);
    } else if (fmt == 1 || fmt == 2) {
        size_t step = fmt == 1 ? 3 : 4;
        while (g < n) {
            if (o + step > s.len) goto bad;
            unsigned first = be(s.p + o, 2), left = fmt == 1 ? s.p[o + 2] : be(s.p + o + 2, 2);
            for (unsigned k = 0; k <= left && g < n; k++) cid[g++] = first + k;
            o += step;
        }
    } else {
        goto bad;
    }
    *n_glyphs = n;
    return cid;
bad:
    free(cid);
    return NULL;
}

bool pdf_cff_supported(hb_face_t *face) {
    hb_blob_t *b = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
    unsigned len = 0;
    const char *p = hb_blob_get_data(b, &len);
    unsigned n = 0;
    uint32_t *cids = p ? read_cids((span){(const unsigned char *)p, len}, &n) : NULL;
    hb_blob_destroy(b);
    free(cids);
    return cids != NULL;
}

static void drop_tables(hb_subset_input_t *in) {
    /* only the CFF table is embedded; the rest would cost subsetting time */
    static const char *const tags[] = {"GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx",
                                       "name", "post", "kern", "JSTF", "MATH", "DSIG", "cmap"};
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        hb_set_add(drop, hb_tag_from_string(tags[i], 4));
}

bool pdf_cff_subset(hb_face_t *face, const uint32_t *gids, size_t n, buf *out, uint32_t *cids,
                    char *err, size_t err_size) {
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in) {
        snprintf(err, err_size, "out of memory");
        return false;
    }
    hb_set_t *gs = hb_subset_input_glyph_set(in);
    for (size_t i = 0; i < n; i++) hb_set_add(gs, gids[i]);
    hb_set_clear(hb_subset_input_set(in, HB_SUBSET_SETS_UNICODE));
    hb_set_clear(hb_subset_input_set(in, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG));
    drop_tables(in);
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE |
                                      HB_SUBSET_FLAGS_NOTDEF_OUTLINE);
    hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(face, in);
    hb_subset_input_destroy(in);
    hb_face_t *sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
    bool ok = false;
    uint32_t *cid_of = NULL;
    unsigned n_glyphs = 0;
    hb_blob_t *cff = sub ? hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' ')) : NULL;
    unsigned len = 0;
    const char *data = cff ? hb_blob_get_data(cff, &len) : NULL;
    if (!data || !len) {
        snprintf(err, err_size, "hb-subset could not subset the CFF outlines");
        goto done;
    }
    cid_of = read_cids((span){(const unsigned char *)data, len}, &n_glyphs);
    if (!cid_of) {
        snprintf(err, err_size, "the subset's CFF is not CID-keyed or is malformed");
        goto done;
    }
    const hb_map_t *map = hb_subset_plan_old_to_new_glyph_mapping(plan);
    for (size_t i = 0; i < n; i++) {
        hb_codepoint_t g = hb_map_get(map, gids[i]);
        if (g == HB_MAP_VALUE_INVALID || g >= n_glyphs) {
            snprintf(err, err_size, "glyph %u is missing from the subset", (unsigned)gids[i]);
            goto done;
        }
        cids[i] = cid_of[g];
    }
    buf_append(out, data, len);
    ok = true;
done:
    free(cid_of);
    hb_blob_destroy(cff);
    if (sub) hb_face_destroy(sub);
    if (plan) hb_subset_plan_destroy(plan);
    return ok;
}
