/* CID-keyed CFF: the table's structure, read once per face; the subsets are
 * font_cff_flat.c's.
 *
 * Why a subsetter of our own rather than hb-subset, which this project used
 * first: (1) hb-subset (HarfBuzz 6.0) spends most of its time on a CFF of
 * 65,535 glyphs in work it does again for every document (measured on Noto
 * Serif CJK SC: 5 ms a face a document, 58 % of a briefing's render, where
 * the charstrings themselves take a tenth of that); (2) it cannot copy a
 * glyph, so a glyph drawn with two widths or texts needed a second PDF font.
 * The subsets are the same outlines to the bit and within 0.2 % of
 * hb-subset's size (tests/unit/test_cff.c compares the two). */
#include "font_cff_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"

static unsigned be(const unsigned char *p, int n) {
    unsigned v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

static bool fail(char *err, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, size, fmt, ap);
    va_end(ap);
    return false;
}

bool cff_read_index(cff_span s, size_t off, cff_index *ix) {
    *ix = (cff_index){0};
    if (off > s.len || s.len - off < 2) return false;
    ix->start = off;
    ix->count = be(s.p + off, 2);
    if (ix->count == 0) {
        ix->end = off + 2;
        return true;
    }
    if (s.len - off < 3) return false;
    ix->off_size = s.p[off + 2];
    if (ix->off_size < 1 || ix->off_size > 4) return false;
    size_t offs_end = off + 3 + ((size_t)ix->count + 1) * ix->off_size;
    if (offs_end > s.len) return false;
    ix->offs = s.p + off + 3;
    ix->data0 = s.p + offs_end - 1;
    size_t last = be(ix->offs + (size_t)ix->count * ix->off_size, (int)ix->off_size);
    if (last < 1 || last > s.len - (offs_end - 1)) return false;
    ix->last = last;
    ix->end = offs_end - 1 + last;
    return true;
}

bool cff_index_item(const cff_index *ix, unsigned k, cff_span *out) {
    if (k >= ix->count) return false;
    size_t a = be(ix->offs + (size_t)k * ix->off_size, (int)ix->off_size);
    size_t b = be(ix->offs + (size_t)(k + 1) * ix->off_size, (int)ix->off_size);
    /* every offset is checked against the last one, which cff_read_index
     * checked against the data: offsets need not be in order in a damaged
     * font */
    if (a < 1 || b < a || b > ix->last) return false;
    *out = (cff_span){ix->data0 + a, b - a};
    return true;
}

/* One operand: its length in bytes at p (dict encoding), 0 when malformed. */
static size_t dict_operand(const unsigned char *p, size_t left, long *v) {
    unsigned b0 = p[0];
    *v = 0;
    if (b0 == 28 && left >= 3) return *v = (short)be(p + 1, 2), 3;
    if (b0 == 29 && left >= 5) return *v = (int32_t)be(p + 1, 4), 5;
    if (b0 == 30) { /* a real: nibbles up to the end nibble 0xf */
        for (size_t i = 1; i < left; i++)
            if ((p[i] & 15) == 15 || (p[i] >> 4) == 15) return i + 1;
        return 0;
    }
    if (b0 >= 32 && b0 <= 246) return *v = (long)b0 - 139, 1;
    if (b0 >= 247 && b0 <= 250 && left >= 2) return *v = ((long)b0 - 247) * 256 + p[1] + 108, 2;
    if (b0 >= 251 && b0 <= 254 && left >= 2) return *v = -((long)b0 - 251) * 256 - p[1] - 108, 2;
    return 0;
}

bool cff_read_dict(cff_span d, cff_dict *out) {
    out->n = 0;
    size_t start = 0;
    long vals[2] = {0, 0};
    int nv = 0;
    for (size_t i = 0; i < d.len;) {
        unsigned b0 = d.p[i];
        if (b0 <= 21) {
            int op = (int)b0;
            i++;
            if (b0 == 12) {
                if (i >= d.len) return false;
                op = 1200 + d.p[i++];
            }
            if (out->n == CFF_DICT_MAX) return false;
            out->e[out->n++] = (cff_entry){op, d.p + start, i - start, {vals[0], vals[1]}, nv};
            start = i;
            nv = 0;
            continue;
        }
        long v;
        size_t k = dict_operand(d.p + i, d.len - i, &v);
        if (!k) return false;
        /* the last two operands: offsets and (size, offset) pairs */
        vals[0] = vals[1];
        vals[1] = v;
        nv++;
        i += k;
    }
    return start == d.len; /* operands without an operator are malformed */
}

const cff_entry *cff_dict_get(const cff_dict *d, int op) {
    for (size_t i = 0; i < d->n; i++)
        if (d->e[i].op == op) return &d->e[i];
    return NULL;
}

/* The charset: the CID of every glyph, each below 65536 and given once (the
 * PDF's CID tables, /W and ToUnicode, have one entry per CID and 16-bit
 * codes). */
static bool read_charset(font_cff *c, size_t o, char *err, size_t es) {
    cff_span s = c->table;
    unsigned n = c->n_glyphs;
    c->cid = xcalloc(n, sizeof *c->cid);
    if (o >= s.len) return fail(err, es, "the charset is outside the CFF table");
    unsigned fmt = s.p[o++], g = 1;
    if (fmt == 0) {
        if (2 * ((size_t)n - 1) > s.len - o) return fail(err, es, "the charset is cut short");
        for (; g < n; g++) c->cid[g] = be(s.p + o + 2 * (g - 1), 2);
    } else if (fmt == 1 || fmt == 2) {
        size_t step = fmt == 1 ? 3 : 4;
        while (g < n) {
            if (step > s.len - o) return fail(err, es, "the charset is cut short");
            unsigned first = be(s.p + o, 2), left = fmt == 1 ? s.p[o + 2] : be(s.p + o + 2, 2);
            for (unsigned k = 0; k <= left && g < n; k++) c->cid[g++] = first + k;
            o += step;
        }
    } else {
        return fail(err, es, "charset format %u", fmt);
    }
    unsigned char *used = xcalloc(65536 / 8, 1);
    used[0] = 1; /* CID 0 is glyph 0's, .notdef */
    bool ok = true;
    for (g = 1; g < n && ok; g++) {
        uint32_t id = c->cid[g];
        ok = id <= 0xFFFF && !(used[id >> 3] >> (id & 7) & 1);
        if (ok) used[id >> 3] |= (unsigned char)(1u << (id & 7));
    }
    free(used);
    return ok || fail(err, es, "the charset gives glyph %u a CID above 65535 or one already given",
                      g - 1);
}

/* FDSelect: the FD of every glyph, each below the FDArray's count. */
static bool read_fdselect(font_cff *c, size_t o, char *err, size_t es) {
    cff_span s = c->table;
    unsigned n = c->n_glyphs;
    c->fd_of = xcalloc(n, 1);
    if (o >= s.len) return fail(err, es, "FDSelect is outside the CFF table");
    unsigned fmt = s.p[o++];
    if (fmt == 0) {
        if (n > s.len - o) return fail(err, es, "FDSelect is cut short");
        memcpy(c->fd_of, s.p + o, n);
    } else if (fmt == 3) {
        if (s.len - o < 2) return fail(err, es, "FDSelect is cut short");
        unsigned nr = be(s.p + o, 2);
        if ((size_t)nr * 3 + 4 > s.len - o) return fail(err, es, "FDSelect is cut short");
        const unsigned char *r = s.p + o + 2;
        if (nr == 0 || be(r, 2) != 0) return fail(err, es, "FDSelect does not begin at glyph 0");
        for (unsigned k = 0; k < nr; k++) {
            unsigned first = be(r + 3 * k, 2), next = be(r + 3 * k + 3, 2);
            if (next < first || next > n) return fail(err, es, "FDSelect ranges out of order");
            memset(c->fd_of + first, r[3 * k + 2], next - first);
        }
        if (be(r + 3 * nr, 2) != n) return fail(err, es, "FDSelect does not cover every glyph");
    } else {
        return fail(err, es, "FDSelect format %u", fmt);
    }
    for (unsigned g = 0; g < n; g++)
        if (c->fd_of[g] >= c->n_fds) return fail(err, es, "glyph %u has no FD", g);
    return true;
}

/* Each FD's dictionary, Private DICT and local subroutines. */
static bool read_fds(font_cff *c, char *err, size_t es) {
    if (c->fdarray.count < 1 || c->fdarray.count > 255) return fail(err, es, "FDArray has %u FDs", c->fdarray.count);
    c->n_fds = c->fdarray.count;
    c->fds = xcalloc(c->n_fds, sizeof *c->fds);
    for (unsigned k = 0; k < c->n_fds; k++) {
        cff_fd *fd = &c->fds[k];
        const cff_entry *pr;
        if (!cff_index_item(&c->fdarray, k, &fd->dict) || !cff_read_dict(fd->dict, &fd->d) ||
            !(pr = cff_dict_get(&fd->d, 18)) || pr->nv < 2 || pr->v[0] < 0 || pr->v[1] < 0 ||
            (size_t)pr->v[1] > c->table.len || (size_t)pr->v[0] > c->table.len - (size_t)pr->v[1])
            return fail(err, es, "FD %u or its Private DICT is malformed", k);
        fd->priv = (cff_span){c->table.p + pr->v[1], (size_t)pr->v[0]};
        if (!cff_read_dict(fd->priv, &fd->p)) return fail(err, es, "FD %u's Private DICT is malformed", k);
        const cff_entry *subrs = cff_dict_get(&fd->p, 19);
        if (subrs && (subrs->nv < 1 || subrs->v[1] <= 0 ||
                      !cff_read_index(c->table, (size_t)pr->v[1] + (size_t)subrs->v[1], &fd->subrs)))
            return fail(err, es, "FD %u's subroutines are malformed", k);
    }
    return true;
}

static long top_offset(const cff_dict *top, int op) {
    const cff_entry *e = cff_dict_get(top, op);
    return e && e->nv >= 1 ? e->v[1] : -1;
}

font_cff *font_cff_open(const unsigned char *table, size_t len, char *err, size_t es) {
    font_cff *c = xcalloc(1, sizeof *c);
    c->table = (cff_span){table, len};
    cff_index names, tops, chars;
    cff_span top;
    if (len < 4 || table[0] != 1 || table[2] < 4) {
        fail(err, es, "not a CFF table (version 1)");
        goto bad;
    }
    if (!cff_read_index(c->table, table[2], &names) || names.count < 1 ||
        !cff_index_item(&names, 0, &c->name) || !cff_read_index(c->table, names.end, &tops) ||
        tops.count < 1 || !cff_index_item(&tops, 0, &top) || !cff_read_dict(top, &c->top) ||
        !cff_read_index(c->table, tops.end, &c->strings) ||
        !cff_read_index(c->table, c->strings.end, &c->gsubrs)) {
        fail(err, es, "the CFF header INDEXes are malformed");
        goto bad;
    }
    if (c->top.n == 0 || c->top.e[0].op != 1230) { /* ROS comes first in a CIDFont */
        fail(err, es, "name-keyed PostScript (CFF) outlines, which briefing does not embed");
        goto bad;
    }
    const cff_entry *type = cff_dict_get(&c->top, 1206);
    long charset = top_offset(&c->top, 15), cs = top_offset(&c->top, 17),
         fdarray = top_offset(&c->top, 1236), fdselect = top_offset(&c->top, 1237);
    if ((type && type->v[1] != 2) || charset <= 2 || cs <= 0 || fdarray <= 0 || fdselect <= 0 ||
        !cff_read_index(c->table, (size_t)cs, &chars) || chars.count < 1 ||
        !cff_read_index(c->table, (size_t)fdarray, &c->fdarray)) {
        fail(err, es, "the CFF's CharStrings, charset or FDArray is missing or malformed");
        goto bad;
    }
    c->charstrings = chars;
    c->n_glyphs = chars.count;
    if (!read_fds(c, err, es) || !read_charset(c, (size_t)charset, err, es) ||
        !read_fdselect(c, (size_t)fdselect, err, es))
        goto bad;
    return c;
bad:
    font_cff_free(c);
    return NULL;
}

void font_cff_free(font_cff *c) {
    if (!c) return;
    free(c->cid);
    free(c->fd_of);
    free(c->fds);
    free(c);
}

unsigned font_cff_glyph_count(const font_cff *c) { return c->n_glyphs; }

uint32_t font_cff_cid(const font_cff *c, uint32_t gid) { return gid < c->n_glyphs ? c->cid[gid] : 0; }
