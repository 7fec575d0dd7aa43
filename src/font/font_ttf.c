/* TrueType subsetting for embedding (see font_ttf.h).
 *
 * Why not hb-subset: for a glyf font it builds a plan over the whole face
 * (cmap, layout closure, name table) and copies every table it keeps, which
 * cost 9 % of a document and a third of a fresh process's page faults. What a PDF needs from a
 * TrueType program is small (head, hhea, maxp, hmtx, loca, glyf; OS/2, name
 * and post for strict readers), so the glyphs are read from the face's
 * mapped tables and written once, straight into the output. */
#include "font_ttf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"

#define TAG(a, b, c, d) HB_TAG(a, b, c, d)

/* ---- reading ------------------------------------------------------------ */

static unsigned rd16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static int rds16(const unsigned char *p) { return (int16_t)(uint16_t)rd16(p); }
static uint32_t rd32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void fail(char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

typedef struct table {
    hb_blob_t *blob;
    const unsigned char *p;
    unsigned len;
} table;

static table get_table(hb_face_t *face, hb_tag_t tag) {
    table t;
    t.blob = hb_face_reference_table(face, tag);
    t.p = (const unsigned char *)hb_blob_get_data(t.blob, &t.len);
    if (!t.p) t.len = 0;
    return t;
}

typedef struct font_in {
    table head, hhea, maxp, hmtx, loca, glyf, os2, post;
    unsigned n_glyphs, n_hmetrics, upem;
    bool long_loca;
} font_in;

static void font_in_free(font_in *f) {
    table *ts[] = {&f->head, &f->hhea, &f->maxp, &f->hmtx, &f->loca, &f->glyf, &f->os2, &f->post};
    for (size_t i = 0; i < sizeof ts / sizeof *ts; i++)
        hb_blob_destroy(ts[i]->blob);
}

static bool font_in_open(hb_face_t *face, font_in *f) {
    memset(f, 0, sizeof *f);
    f->head = get_table(face, TAG('h', 'e', 'a', 'd'));
    f->hhea = get_table(face, TAG('h', 'h', 'e', 'a'));
    f->maxp = get_table(face, TAG('m', 'a', 'x', 'p'));
    f->hmtx = get_table(face, TAG('h', 'm', 't', 'x'));
    f->loca = get_table(face, TAG('l', 'o', 'c', 'a'));
    f->glyf = get_table(face, TAG('g', 'l', 'y', 'f'));
    f->os2 = get_table(face, TAG('O', 'S', '/', '2'));
    f->post = get_table(face, TAG('p', 'o', 's', 't'));
    /* glyf may be empty (every glyph blank); loca, checked below, may not */
    if (f->head.len < 54 || f->hhea.len < 36 || f->maxp.len < 32) return false;
    if (rd32(f->maxp.p) != 0x00010000u) return false;
    f->n_glyphs = rd16(f->maxp.p + 4);
    f->n_hmetrics = rd16(f->hhea.p + 34);
    f->upem = rd16(f->head.p + 18);
    f->long_loca = rds16(f->head.p + 50) == 1;
    if (f->n_glyphs == 0 || f->n_hmetrics == 0 || f->n_hmetrics > f->n_glyphs) return false;
    if (f->upem < 16 || f->upem > 16384) return false;
    if ((size_t)f->hmtx.len < 4u * f->n_hmetrics + 2u * (f->n_glyphs - f->n_hmetrics))
        return false;
    if ((size_t)f->loca.len < (size_t)(f->long_loca ? 4 : 2) * (f->n_glyphs + 1u)) return false;
    return true;
}

bool font_ttf_supported(hb_face_t *face) {
    font_in f;
    bool ok = font_in_open(face, &f);
    font_in_free(&f);
    return ok;
}

/* Where the glyph's bytes lie in glyf; false when loca points outside the
 * table. */
static bool glyph_range(const font_in *f, unsigned gid, uint32_t *start, uint32_t *end) {
    uint32_t a, b;
    if (f->long_loca) {
        a = rd32(f->loca.p + 4u * gid);
        b = rd32(f->loca.p + 4u * gid + 4);
    } else {
        a = 2u * rd16(f->loca.p + 2u * gid);
        b = 2u * rd16(f->loca.p + 2u * gid + 2);
    }
    if (a > b || b > f->glyf.len) return false;
    *start = a;
    *end = b;
    return true;
}

static unsigned advance_of(const font_in *f, unsigned gid) {
    unsigned i = gid < f->n_hmetrics ? gid : f->n_hmetrics - 1;
    return rd16(f->hmtx.p + 4u * i);
}

/* ---- composite glyphs ---------------------------------------------------- */

enum {
    C_ARGS_WORDS = 0x0001,
    C_HAVE_SCALE = 0x0008,
    C_MORE = 0x0020,
    C_XY_SCALE = 0x0040,
    C_TWO_BY_TWO = 0x0080,
    C_INSTRUCTIONS = 0x0100,
};

/* Calls fn for each component's glyph-id field (its offset in the glyph);
 * returns the offset just past the last component, or 0 when malformed. */
static unsigned composite_walk(const unsigned char *g, unsigned len,
                               void (*fn)(void *, unsigned off), void *ctx) {
    unsigned off = 10;
    for (;;) {
        if (off + 4 > len) return 0;
        unsigned flags = rd16(g + off);
        if (fn) fn(ctx, off + 2);
        off += 4 + ((flags & C_ARGS_WORDS) ? 4 : 2);
        if (flags & C_HAVE_SCALE) off += 2;
        else if (flags & C_XY_SCALE) off += 4;
        else if (flags & C_TWO_BY_TWO) off += 8;
        if (off > len) return 0;
        if (!(flags & C_MORE)) return off;
    }
}

/* ---- the glyph set ------------------------------------------------------- */

typedef struct glyph_set {
    uint32_t *ids; /* sorted, unique */
    size_t n, cap;
} glyph_set;

static unsigned lowest_bit(uint64_t b) { /* b != 0 */
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(b);
#else
    unsigned bit = 0;
    while (!((b >> bit) & 1))
        bit++;
    return bit;
#endif
}

/* Sorts and dedupes the ids (all below 65536, as TrueType glyph ids are)
 * through a bitmap: a document's ~1,000 ids in a few microseconds, where
 * qsort took a percent of the document. */
static void set_normalize(glyph_set *s) {
    uint64_t *bits = xcalloc(65536 / 64, sizeof *bits);
    for (size_t i = 0; i < s->n; i++)
        bits[(s->ids[i] & 0xFFFF) >> 6] |= (uint64_t)1 << (s->ids[i] & 63);
    size_t k = 0;
    for (uint32_t w = 0; w < 65536 / 64; w++) {
        for (uint64_t b = bits[w]; b; b &= b - 1) {
            s->ids[k++] = w * 64 + lowest_bit(b);
        }
    }
    free(bits);
    s->n = k;
}

static long set_find(const glyph_set *s, uint32_t gid) {
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->ids[mid] < gid) lo = mid + 1;
        else hi = mid;
    }
    return lo < s->n && s->ids[lo] == gid ? (long)lo : -1;
}

/* The bytes of each glyph of a set, by its index in the set: pointers into
 * the mapped glyf table, or into `copy` when they were read (see
 * font_reader). p[k] is NULL when loca points outside the table. */
typedef struct glyph_src {
    const unsigned char **p;
    unsigned *len;
    unsigned char *copy;
} glyph_src;

static void glyph_src_free(glyph_src *g) {
    free(g->p);
    free(g->len);
    free(g->copy);
    memset(g, 0, sizeof *g);
}

/* Glyphs closer than this in the file are read with one call: a system call
 * costs what copying a few kilobytes does. */
enum { READ_GAP = 2048 };

typedef struct glyph_run {
    uint32_t start, end; /* in glyf */
    size_t at;           /* in the copy */
} glyph_run;

static bool glyphs_fetch(const font_in *f, const glyph_set *s, const font_reader *rd,
                         glyph_src *g, char *err, size_t errlen) {
    glyph_src_free(g);
    size_t n = s->n ? s->n : 1;
    g->p = xmalloc(n * sizeof *g->p);
    g->len = xmalloc(n * sizeof *g->len);
    size_t *at = rd ? xmalloc(n * sizeof *at) : NULL;
    glyph_run *runs = rd ? xmalloc(n * sizeof *runs) : NULL;
    size_t n_runs = 0, total = 0;
    for (size_t k = 0; k < s->n; k++) {
        uint32_t a, b;
        if (!glyph_range(f, s->ids[k], &a, &b)) {
            g->p[k] = NULL;
            g->len[k] = 0;
            continue;
        }
        g->p[k] = b > a ? f->glyf.p + a : (const unsigned char *)""; /* glyf may be empty */
        g->len[k] = b - a;
        if (!rd || a == b) continue;
        /* ids ascend, and so do their offsets in a well-formed font; a run
         * grows while the next glyph starts at most READ_GAP past its end */
        glyph_run *r = n_runs ? &runs[n_runs - 1] : NULL;
        if (r && a >= r->start && a <= r->end + (uint32_t)READ_GAP) { /* glyf < 2 GB: no overflow */
            if (b > r->end) {
                total += b - r->end;
                r->end = b;
            }
        } else {
            r = &runs[n_runs++];
            *r = (glyph_run){a, b, total};
            total += b - a;
        }
        at[k] = r->at + (a - r->start);
    }
    bool ok = true;
    if (rd && total > 0) {
        g->copy = xmalloc(total);
        for (size_t i = 0; i < n_runs && ok; i++)
            ok = rd->read(rd->ctx, f->glyf.p + runs[i].start, runs[i].end - runs[i].start,
                          g->copy + runs[i].at);
        for (size_t k = 0; k < s->n && ok; k++)
            if (g->p[k] && g->len[k]) g->p[k] = g->copy + at[k];
    }
    free(at);
    free(runs);
    if (!ok) fail(err, errlen, "cannot read the glyph outlines from the font file");
    return ok;
}

typedef struct closure_ctx {
    const unsigned char *g;
    glyph_set *add;
    const font_in *f;
} closure_ctx;

static void closure_component(void *v, unsigned off) {
    closure_ctx *c = v;
    uint32_t gid = rd16(c->g + off);
    if (gid >= c->f->n_glyphs) return; /* reported when the glyph is written */
    xgrow(&c->add->ids, &c->add->cap, c->add->n + 1, sizeof *c->add->ids);
    c->add->ids[c->add->n++] = gid;
}

/* Adds the components of composite glyphs until nothing new comes in
 * (components may themselves be composite), and fetches the bytes of the
 * final set. Each round fetches the whole set again: CJK faces have no
 * composites (one round), and a Latin face's two or three rounds over a few
 * dozen glyphs cost less than tracking which glyphs are already read. */
static bool set_close(const font_in *f, glyph_set *s, const font_reader *rd, glyph_src *g,
                      char *err, size_t errlen) {
    for (int round = 0;; round++) {
        if (!glyphs_fetch(f, s, rd, g, err, errlen)) return false;
        if (round == 16) return true;
        glyph_set add = {0};
        for (size_t i = 0; i < s->n; i++) {
            if (!g->p[i] || g->len[i] < 10 || rds16(g->p[i]) >= 0) continue;
            closure_ctx c = {g->p[i], &add, f};
            composite_walk(g->p[i], g->len[i], closure_component, &c);
        }
        size_t before = s->n;
        for (size_t i = 0; i < add.n; i++) {
            if (set_find(s, add.ids[i]) >= 0) continue;
            xgrow(&s->ids, &s->cap, s->n + 1, sizeof *s->ids);
            s->ids[s->n++] = add.ids[i];
        }
        free(add.ids);
        if (s->n == before) return true;
        set_normalize(s);
    }
}

/* ---- simple glyphs: decode, simplify, encode ------------------------------ */

enum { F_ON = 1, F_XSHORT = 2, F_YSHORT = 4, F_REPEAT = 8, F_XSAME = 16, F_YSAME = 32, F_OVERLAP = 64 };

typedef struct outline {
    int32_t *x, *y;
    uint8_t *on;
    uint16_t *ends; /* last point of each contour */
    size_t n_pts, cap_pts, n_contours, cap_contours;
    bool overlap; /* OVERLAP_SIMPLE on the first point */
} outline;

static void outline_free(outline *o) {
    free(o->x);
    free(o->y);
    free(o->on);
    free(o->ends);
}

static void outline_reserve(outline *o, size_t pts, size_t contours) {
    if (pts > o->cap_pts) {
        size_t cap = pts < 64 ? 64 : pts;
        o->x = xrealloc(o->x, cap * sizeof *o->x);
        o->y = xrealloc(o->y, cap * sizeof *o->y);
        o->on = xrealloc(o->on, cap * sizeof *o->on);
        o->cap_pts = cap;
    }
    if (contours > o->cap_contours) xgrow(&o->ends, &o->cap_contours, contours, sizeof *o->ends);
}

/* One coordinate array (x or y, told by its flag bits) of a simple glyph:
 * deltas of 1 byte with a sign flag, repeated (none) or 2 bytes. */
static bool decode_coords(const unsigned char *g, unsigned len, unsigned *at, const uint8_t *flags,
                          size_t np, uint8_t short_bit, uint8_t same_bit, int32_t *out) {
    unsigned off = *at;
    int32_t v = 0;
    for (size_t i = 0; i < np; i++) {
        uint8_t fl = flags[i];
        if (fl & short_bit) {
            if (off + 1 > len) return false;
            v += (fl & same_bit) ? g[off] : -(int32_t)g[off];
            off += 1;
        } else if (!(fl & same_bit)) {
            if (off + 2 > len) return false;
            v += rds16(g + off);
            off += 2;
        }
        out[i] = v;
    }
    *at = off;
    return true;
}

static bool decode_simple(const unsigned char *g, unsigned len, outline *o) {
    unsigned nc = (unsigned)rds16(g);
    unsigned off = 10;
    if (off + 2u * nc + 2 > len) return false;
    outline_reserve(o, 1, nc);
    unsigned last = 0;
    for (unsigned i = 0; i < nc; i++) {
        unsigned e = rd16(g + off + 2 * i);
        if (i > 0 && e <= last) return false;
        o->ends[i] = (uint16_t)e;
        last = e;
    }
    o->n_contours = nc;
    size_t np = (size_t)last + 1;
    off += 2 * nc;
    unsigned ins = rd16(g + off);
    off += 2 + ins;
    if (off > len) return false;
    outline_reserve(o, np, nc);
    o->n_pts = np;
    /* flags */
    for (size_t i = 0; i < np;) {
        if (off >= len) return false;
        uint8_t fl = g[off++];
        unsigned rep = 0;
        if (fl & F_REPEAT) {
            if (off >= len) return false;
            rep = g[off++];
        }
        for (unsigned r = 0; r <= rep && i < np; r++)
            o->on[i++] = fl;
    }
    o->overlap = np && (o->on[0] & F_OVERLAP);
    if (!decode_coords(g, len, &off, o->on, np, F_XSHORT, F_XSAME, o->x) ||
        !decode_coords(g, len, &off, o->on, np, F_YSHORT, F_YSAME, o->y))
        return false;
    for (size_t i = 0; i < np; i++)
        o->on[i] &= F_ON;
    return true;
}

/* Squared distance from p to the segment a-b; *inside tells whether p
 * projects onto the segment itself. */
static double seg_dist2(double px, double py, double ax, double ay, double bx, double by,
                        bool *inside) {
    double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
    if (inside) *inside = t >= 0 && t <= 1;
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    double ex = ax + t * dx - px, ey = ay + t * dy - py;
    return ex * ex + ey * ey;
}

/* Drops points of one contour [s, e] whose removal moves the curve by at
 * most eps, counting what earlier removals nearby already moved it:
 *  - an on-curve point between two on-curve points (a polyline vertex):
 *    the curve moves by its distance to the new straight segment;
 *  - an on-curve point between two off-curve points: it becomes implied,
 *    at the midpoint M of its neighbours; the two quadratic pieces differ
 *    from the old ones by t^2 (M - P) and (1 - t)^2 (M - P), so by at most
 *    |M - P|;
 *  - an off-curve point between two on-curve points (a nearly flat arc):
 *    the arc strays from its chord by half the control's distance to it.
 * keep[] receives the verdict; the contour keeps at least three points and
 * one on-curve point. */
static void simplify_contour(const outline *o, size_t s, size_t e, double eps, uint8_t *keep,
                             size_t *prev, size_t *next, double *acc) {
    size_t n = e - s + 1, alive = n, on = 0;
    for (size_t i = s; i <= e; i++) {
        keep[i] = 1;
        prev[i] = i == s ? e : i - 1;
        next[i] = i == e ? s : i + 1;
        acc[i] = 0;
        on += o->on[i];
    }
    if (n < 4 || on == 0) return;
    /* Two passes: a third finds under 1 % more. */
    for (int pass = 0; pass < 2; pass++) {
        bool changed = false;
        for (size_t i = s; i <= e && alive > 3; i++) {
            if (!keep[i]) continue;
            size_t p = prev[i], q = next[i];
            double before = acc[i] > acc[p] ? acc[i] : acc[p];
            if (acc[q] > before) before = acc[q];
            double room = eps - before;
            if (room <= 0) continue;
            double px = o->x[p], py = o->y[p], qx = o->x[q], qy = o->y[q];
            double ix = o->x[i], iy = o->y[i];
            double err2; /* squared error, in units of the test below */
            if (o->on[i]) {
                if (on <= 1) continue;
                if (o->on[p] && o->on[q]) {
                    err2 = seg_dist2(ix, iy, px, py, qx, qy, NULL);
                } else if (!o->on[p] && !o->on[q]) {
                    double mx = (px + qx) / 2 - ix, my = (py + qy) / 2 - iy;
                    err2 = mx * mx + my * my;
                } else {
                    continue;
                }
            } else {
                if (!o->on[p] || !o->on[q]) continue;
                bool inside;
                err2 = seg_dist2(ix, iy, px, py, qx, qy, &inside) / 4;
                if (!inside) continue;
            }
            if (err2 > room * room) continue;
            double total = sqrt(err2) + before;
            keep[i] = 0;
            alive--;
            on -= o->on[i];
            next[p] = q;
            prev[q] = p;
            if (total > acc[p]) acc[p] = total;
            if (total > acc[q]) acc[q] = total;
            changed = true;
        }
        if (!changed) break;
    }
}

typedef struct scratch {
    outline in, out;
    uint8_t *keep;
    size_t *prev, *next;
    double *acc;
    size_t cap;
    buf flags, xs, ys;
} scratch;

static void scratch_free(scratch *s) {
    outline_free(&s->in);
    outline_free(&s->out);
    free(s->keep);
    free(s->prev);
    free(s->next);
    free(s->acc);
    buf_free(&s->flags);
    buf_free(&s->xs);
    buf_free(&s->ys);
}

static int32_t snap(int32_t v, int grid) {
    if (grid <= 1) return v;
    int32_t h = grid / 2;
    return v >= 0 ? (v + h) / grid * grid : -((-v + h) / grid * grid);
}

static void put16(buf *b, unsigned v) {
    char c[2] = {(char)(v >> 8), (char)v};
    buf_append(b, c, 2);
}

static void put32(buf *b, uint32_t v) {
    char c[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};
    buf_append(b, c, 4);
}

static unsigned char *put16p(unsigned char *p, unsigned v) {
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
    return p + 2;
}

static unsigned char *put32p(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
    return p + 4;
}

/* One coordinate delta (x or y, told by the flag bits) at out + *n: none
 * when 0, one byte and a sign flag when it fits, else two bytes; returns
 * the flag bits it needs. The inverse of decode_coords. */
static unsigned char encode_delta(int32_t d, unsigned char short_bit, unsigned char same_bit,
                                  unsigned char *out, size_t *n) {
    if (d == 0) return same_bit;
    if (d > -256 && d < 256) {
        out[(*n)++] = (unsigned char)(d > 0 ? d : -d);
        return (unsigned char)(short_bit | (d > 0 ? same_bit : 0));
    }
    put16p(out + *n, (unsigned)(uint16_t)(int16_t)d);
    *n += 2;
    return 0;
}

/* Writes an outline as a TrueType simple glyph without instructions,
 * packing flags (repeat runs) and coordinates (1-byte and repeated
 * deltas) as tightly as the format allows; returns the glyph's xMin.
 * Flags, x and y are built in one pass in three scratch areas sized for
 * the worst case, so the loop does no bounds checks. */
static int encode_simple(const outline *o, scratch *sc, buf *out) {
    size_t np = o->n_pts;
    buf_reserve(&sc->flags, 2 * np + 1);
    buf_reserve(&sc->xs, 2 * np + 1);
    buf_reserve(&sc->ys, 2 * np + 1);
    unsigned char *fl = (unsigned char *)sc->flags.data, *xs = (unsigned char *)sc->xs.data,
                  *ys = (unsigned char *)sc->ys.data;
    size_t nf = 0, nx = 0, ny = 0;
    int32_t xmin = INT32_MAX, ymin = INT32_MAX, xmax = INT32_MIN, ymax = INT32_MIN;
    int32_t px = 0, py = 0;
    unsigned char last = 0;
    unsigned run = 0;
    size_t last_at = 0;
    for (size_t i = 0; i < np; i++) {
        int32_t x = o->x[i], y = o->y[i];
        if (x < xmin) xmin = x;
        if (x > xmax) xmax = x;
        if (y < ymin) ymin = y;
        if (y > ymax) ymax = y;
        int32_t dx = x - px, dy = y - py;
        px = x;
        py = y;
        unsigned char f = o->on[i] ? F_ON : 0;
        if (i == 0 && o->overlap) f |= F_OVERLAP;
        f |= encode_delta(dx, F_XSHORT, F_XSAME, xs, &nx);
        f |= encode_delta(dy, F_YSHORT, F_YSAME, ys, &ny);
        /* A repeat count costs a byte, so it pays from the third equal flag. */
        if (i > 0 && f == last && run < 255) {
            run++;
            if (run == 1) {
                fl[nf++] = f;
            } else if (run == 2) {
                fl[last_at] = (unsigned char)(last | F_REPEAT);
                fl[last_at + 1] = 2;
                nf = last_at + 2;
            } else {
                fl[last_at + 1] = (unsigned char)run;
            }
        } else {
            last_at = nf;
            fl[nf++] = f;
            last = f;
            run = 0;
        }
    }
    if (np == 0) xmin = ymin = xmax = ymax = 0;
    buf_reserve(out, 12 + 2 * o->n_contours + nf + nx + ny);
    unsigned char *p = (unsigned char *)out->data + out->len;
    p = put16p(p, (unsigned)o->n_contours);
    p = put16p(p, (unsigned)(uint16_t)(int16_t)xmin);
    p = put16p(p, (unsigned)(uint16_t)(int16_t)ymin);
    p = put16p(p, (unsigned)(uint16_t)(int16_t)xmax);
    p = put16p(p, (unsigned)(uint16_t)(int16_t)ymax);
    for (size_t c = 0; c < o->n_contours; c++)
        p = put16p(p, o->ends[c]);
    p = put16p(p, 0); /* no instructions */
    memcpy(p, fl, nf);
    memcpy(p + nf, xs, nx);
    memcpy(p + nf + nx, ys, ny);
    out->len += 12 + 2 * o->n_contours + nf + nx + ny;
    out->data[out->len] = 0;
    return xmin;
}

/* The simplified outline of `in` into `out`: points dropped within eps,
 * the survivors snapped to the grid. */
static void simplify(const outline *in, outline *out, scratch *sc, double eps, int grid) {
    if (in->n_pts > sc->cap) {
        size_t cap = in->n_pts;
        free(sc->keep);
        free(sc->prev);
        free(sc->next);
        free(sc->acc);
        sc->keep = xmalloc(cap);
        sc->prev = xmalloc(cap * sizeof *sc->prev);
        sc->next = xmalloc(cap * sizeof *sc->next);
        sc->acc = xmalloc(cap * sizeof *sc->acc);
        sc->cap = cap;
    }
    outline_reserve(out, in->n_pts, in->n_contours);
    out->overlap = in->overlap;
    out->n_pts = 0;
    out->n_contours = 0;
    size_t s = 0;
    for (size_t c = 0; c < in->n_contours; c++) {
        size_t e = in->ends[c];
        if (eps > 0) {
            simplify_contour(in, s, e, eps, sc->keep, sc->prev, sc->next, sc->acc);
        } else {
            memset(sc->keep + s, 1, e - s + 1);
        }
        for (size_t i = s; i <= e; i++) {
            if (!sc->keep[i]) continue;
            out->x[out->n_pts] = snap(in->x[i], grid);
            out->y[out->n_pts] = snap(in->y[i], grid);
            out->on[out->n_pts] = in->on[i];
            out->n_pts++;
        }
        out->ends[out->n_contours++] = (uint16_t)(out->n_pts - 1);
        s = e + 1;
    }
}

/* ---- writing the font ---------------------------------------------------- */

typedef struct remap_ctx {
    unsigned char *g;
    const glyph_set *set;
    bool ok;
} remap_ctx;

static void remap_component(void *v, unsigned off) {
    remap_ctx *c = v;
    long k = set_find(c->set, rd16(c->g + off));
    if (k < 0) {
        c->ok = false;
        return;
    }
    c->g[off] = (unsigned char)(k >> 8);
    c->g[off + 1] = (unsigned char)k;
}

static uint32_t checksum(const unsigned char *p, size_t len) {
    uint32_t sum = 0;
    size_t i = 0;
    for (; i + 4 <= len; i += 4)
        sum += rd32(p + i);
    if (i < len) {
        unsigned char last[4] = {0};
        memcpy(last, p + i, len - i);
        sum += rd32(last);
    }
    return sum;
}

static void put_utf16(buf *b, const char *s) {
    for (; *s; s++)
        put16(b, (unsigned char)*s);
}

/* A name table with the family, style, full and PostScript names: the
 * face's own table can hold kilobytes of licence text, and nothing reads
 * more than these from an embedded program. */
static void build_name(buf *b, const char *ps, bool bold) {
    const char *style = bold ? "Bold" : "Regular";
    const char *strs[4] = {ps, style, ps, ps};
    const unsigned ids[4] = {1, 2, 4, 6};
    put16(b, 0);
    put16(b, 4);
    put16(b, 6 + 4 * 12);
    unsigned off = 0;
    for (int i = 0; i < 4; i++) {
        unsigned len = 2 * (unsigned)strlen(strs[i]);
        put16(b, 3);
        put16(b, 1);
        put16(b, 0x409);
        put16(b, ids[i]);
        put16(b, len);
        put16(b, off);
        off += len;
    }
    for (int i = 0; i < 4; i++)
        put_utf16(b, strs[i]);
}

/* Widens the font's box to take in a glyph's (its header's xMin..yMax). */
static void bbox_add(int bbox[4], const unsigned char *glyph) {
    int b[4] = {rds16(glyph + 2), rds16(glyph + 4), rds16(glyph + 6), rds16(glyph + 8)};
    if (b[0] < bbox[0]) bbox[0] = b[0];
    if (b[1] < bbox[1]) bbox[1] = b[1];
    if (b[2] > bbox[2]) bbox[2] = b[2];
    if (b[3] > bbox[3]) bbox[3] = b[3];
}

/* One subset being written: the face's tables, the glyph set and, per glyph
 * of the set, what glyf, loca and hmtx need. */
typedef struct ttf_subset {
    font_in f;
    glyph_set set;
    glyph_src src;
    scratch sc;
    double tol, eps; /* font units; eps: what is left for dropping points */
    int grid;
    uint32_t *offsets; /* set.n + 1 offsets into glyf */
    uint16_t *adv;
    int16_t *lsb;
    int bbox[4];
    size_t glyf_len;
    bool long_loca;
    size_t n_hmetrics; /* written to hmtx and hhea */
    char *err;
    size_t errlen;
} ttf_subset;

static void subset_free(ttf_subset *s) {
    free(s->offsets);
    free(s->adv);
    free(s->lsb);
    free(s->set.ids);
    glyph_src_free(&s->src);
    scratch_free(&s->sc);
    font_in_free(&s->f);
}

/* The set: .notdef, the glyphs asked for, their components. */
static bool plan_glyphs(ttf_subset *s, const uint32_t *gids, size_t n, const font_reader *rd,
                        uint32_t *new_gid) {
    s->set.cap = n + 1;
    s->set.ids = xmalloc(s->set.cap * sizeof *s->set.ids);
    s->set.ids[s->set.n++] = 0;
    for (size_t i = 0; i < n; i++) {
        if (gids[i] >= s->f.n_glyphs) {
            fail(s->err, s->errlen, "glyph %u is beyond the font's %u glyphs", (unsigned)gids[i],
                 s->f.n_glyphs);
            return false;
        }
        s->set.ids[s->set.n++] = gids[i];
    }
    set_normalize(&s->set);
    if (!set_close(&s->f, &s->set, rd, &s->src, s->err, s->errlen)) return false;
    if (s->set.n > 65535) {
        fail(s->err, s->errlen, "more than 65535 glyphs");
        return false;
    }
    for (size_t i = 0; i < n; i++)
        new_gid[i] = (uint32_t)set_find(&s->set, gids[i]);
    return true;
}

/* A simple glyph as it is, less its instructions. */
static bool glyph_exact(ttf_subset *s, const unsigned char *g, unsigned len, buf *glyf, int16_t *lsb) {
    unsigned at = 10 + 2u * (unsigned)rds16(g);
    if (at + 2 > len || at + 2 + rd16(g + at) > len) return false;
    unsigned ins = rd16(g + at);
    buf_append(glyf, g, at);
    buf_append(glyf, "\0\0", 2);
    buf_append(glyf, g + at + 2 + ins, len - at - 2 - ins);
    *lsb = (int16_t)rds16(g + 2);
    bbox_add(s->bbox, g);
    return true;
}

/* A simple glyph decoded, simplified within the tolerance, encoded again. */
static bool glyph_simplified(ttf_subset *s, const unsigned char *g, unsigned len, buf *glyf,
                             int16_t *lsb) {
    if (!decode_simple(g, len, &s->sc.in)) return false;
    simplify(&s->sc.in, &s->sc.out, &s->sc, s->eps, s->grid);
    size_t at = glyf->len;
    *lsb = (int16_t)encode_simple(&s->sc.out, &s->sc, glyf);
    bbox_add(s->bbox, (const unsigned char *)glyf->data + at);
    return true;
}

/* A composite glyph: component ids renumbered, instructions dropped. */
static bool glyph_composite(ttf_subset *s, const unsigned char *g, unsigned len, buf *glyf,
                            int16_t *lsb) {
    size_t at = glyf->len;
    buf_append(glyf, g, len);
    remap_ctx rc = {(unsigned char *)glyf->data + at, &s->set, true};
    unsigned end = composite_walk(rc.g, len, remap_component, &rc);
    if (!end || !rc.ok) return false;
    unsigned char *p = rc.g + 10;
    for (;;) {
        unsigned flags = rd16(p);
        if (flags & C_INSTRUCTIONS) {
            flags &= ~(unsigned)C_INSTRUCTIONS;
            p[0] = (unsigned char)(flags >> 8);
            p[1] = (unsigned char)flags;
        }
        unsigned step = 4 + ((flags & C_ARGS_WORDS) ? 4 : 2);
        if (flags & C_HAVE_SCALE) step += 2;
        else if (flags & C_XY_SCALE) step += 4;
        else if (flags & C_TWO_BY_TWO) step += 8;
        p += step;
        if (!(flags & C_MORE)) break;
    }
    glyf->len = at + end;
    *lsb = (int16_t)rds16(g + 2);
    bbox_add(s->bbox, g);
    return true;
}

/* A glyph of the face into glyf; false when malformed. A glyph without
 * contours is written empty. */
static bool copy_glyph(ttf_subset *s, const unsigned char *g, unsigned len, buf *glyf,
                       int16_t *lsb) {
    int nc = rds16(g);
    if (nc == 0) return true;
    if (nc < 0) return glyph_composite(s, g, len, glyf, lsb);
    if (s->tol == 0) return glyph_exact(s, g, len, glyf, lsb);
    return glyph_simplified(s, g, len, glyf, lsb);
}

/* glyf, straight into the output, recording each glyph's offset, advance
 * and left side bearing and the font's box. */
static bool write_glyf(ttf_subset *s, buf *glyf) {
    size_t n = s->set.n, g0 = glyf->len;
    s->offsets = xmalloc((n + 1) * sizeof *s->offsets);
    s->adv = xmalloc(n * sizeof *s->adv);
    s->lsb = xmalloc(n * sizeof *s->lsb);
    s->bbox[0] = s->bbox[1] = INT32_MAX;
    s->bbox[2] = s->bbox[3] = INT32_MIN;
    for (size_t k = 0; k < n; k++) {
        uint32_t gid = s->set.ids[k];
        const unsigned char *g = s->src.p[k];
        unsigned len = s->src.len[k];
        s->offsets[k] = (uint32_t)(glyf->len - g0);
        s->adv[k] = (uint16_t)advance_of(&s->f, gid);
        s->lsb[k] = 0;
        if (!g) {
            fail(s->err, s->errlen, "glyph %u lies outside the glyf table", (unsigned)gid);
            return false;
        }
        if (len == 0) continue;
        if (len < 10) {
            fail(s->err, s->errlen, "glyph %u is truncated", (unsigned)gid);
            return false;
        }
        int nc = rds16(g);
        if (!copy_glyph(s, g, len, glyf, &s->lsb[k])) {
            fail(s->err, s->errlen, "%sglyph %u is malformed", nc < 0 ? "composite " : "",
                 (unsigned)gid);
            return false;
        }
        if ((glyf->len - g0) & 1) buf_putc(glyf, 0); /* short loca counts words */
    }
    s->offsets[n] = (uint32_t)(glyf->len - g0);
    if (s->bbox[0] > s->bbox[2]) s->bbox[0] = s->bbox[1] = s->bbox[2] = s->bbox[3] = 0;
    s->glyf_len = glyf->len - g0;
    s->long_loca = s->glyf_len > 0x1FFFC;
    return true;
}

static void write_loca(const ttf_subset *s, buf *b) {
    for (size_t k = 0; k <= s->set.n; k++) {
        if (s->long_loca) put32(b, s->offsets[k]);
        else put16(b, s->offsets[k] / 2);
    }
}

/* Advances up to the last change, then left side bearings only. */
static void write_hmtx(ttf_subset *s, buf *b) {
    size_t n_hm = s->set.n;
    while (n_hm > 1 && s->adv[n_hm - 1] == s->adv[n_hm - 2])
        n_hm--;
    for (size_t k = 0; k < s->set.n; k++) {
        if (k < n_hm) put16(b, s->adv[k]);
        put16(b, (unsigned)(uint16_t)s->lsb[k]);
    }
    s->n_hmetrics = n_hm;
}

/* The face's head with the subset's box and loca format; the checksum
 * adjustment is set once the whole font is written. */
static void make_head(const ttf_subset *s, unsigned char head[54]) {
    memcpy(head, s->f.head.p, 54);
    memset(head + 8, 0, 4);
    for (int i = 0; i < 4; i++)
        put16p(head + 36 + 2 * i, (uint16_t)s->bbox[i]);
    put16p(head + 50, s->long_loca ? 1 : 0);
}

static void make_hhea(const ttf_subset *s, unsigned char hhea[36]) {
    memcpy(hhea, s->f.hhea.p, 36);
    put16p(hhea + 34, (unsigned)s->n_hmetrics);
}

static void make_maxp(const ttf_subset *s, unsigned char maxp[32]) {
    memcpy(maxp, s->f.maxp.p, 32);
    put16p(maxp + 4, (unsigned)s->set.n);
}

/* Version 3 (no glyph names) keeping the face's italic angle, underline
 * and fixed pitch. */
static void make_post(const ttf_subset *s, unsigned char post[32]) {
    memset(post, 0, 32);
    if (s->f.post.len >= 32) memcpy(post, s->f.post.p, 16);
    put32p(post, 0x00030000u);
}

typedef struct sfnt_table {
    uint32_t tag;
    const unsigned char *p; /* NULL: already in place (glyf) */
    size_t len;
    size_t at; /* offset in the font */
} sfnt_table;

/* Appends the tables after glyf (each 4-aligned, zero-padded), then fills
 * the directory reserved at `start` and head's checksum adjustment. */
static void write_tables(buf *out, size_t start, sfnt_table *tabs, size_t nt) {
    static const char pad[3] = {0, 0, 0};
    for (size_t i = 0; i < nt; i++) {
        if (!tabs[i].p) continue;
        tabs[i].at = out->len - start;
        buf_append(out, tabs[i].p, tabs[i].len);
        buf_append(out, pad, ((tabs[i].len + 3) & ~(size_t)3) - tabs[i].len);
    }
    unsigned char *font = (unsigned char *)out->data + start;
    unsigned es = 0;
    while ((2u << es) <= nt)
        es++;
    unsigned char *d = font;
    d = put32p(d, 0x00010000u);
    d = put16p(d, (unsigned)nt);
    d = put16p(d, 16u << es);
    d = put16p(d, es);
    d = put16p(d, (unsigned)(16 * nt) - (16u << es));
    size_t head_at = 0;
    uint32_t total = 0; /* the whole font's: tables are 4-aligned and zero-padded */
    for (size_t i = 0; i < nt; i++) {
        uint32_t sum = checksum(font + tabs[i].at, tabs[i].len);
        total += sum;
        d = put32p(d, tabs[i].tag);
        d = put32p(d, sum);
        d = put32p(d, (uint32_t)tabs[i].at);
        d = put32p(d, (uint32_t)tabs[i].len);
        if (tabs[i].tag == TAG('h', 'e', 'a', 'd')) head_at = tabs[i].at;
    }
    total += checksum(font, 12 + 16 * nt);
    put32p(font + head_at + 8, 0xB1B0AFBAu - total);
}

bool font_ttf_subset(hb_face_t *face, const char *ps_name, const uint32_t *gids, size_t n,
                     double tolerance, const font_reader *reader, buf *out, uint32_t *new_gid,
                     unsigned *n_glyphs, char *err, size_t errlen) {
    ttf_subset s;
    memset(&s, 0, sizeof s);
    s.err = err;
    s.errlen = errlen;
    bool ok = false;
    buf loca, hmtx, name;
    buf_init(&loca);
    buf_init(&hmtx);
    buf_init(&name);
    if (!font_in_open(face, &s.f)) {
        fail(err, errlen, "not a TrueType font with glyf outlines");
        goto out;
    }
    if (!plan_glyphs(&s, gids, n, reader, new_gid)) goto out;

    /* Tolerance in font units. Coordinates snap to a 2-unit grid once the
     * budget allows the 1.42 units that costs, which saves a bit per
     * coordinate after deflate; the rest goes to dropping points. */
    s.tol = tolerance > 0 ? tolerance * s.f.upem / 1000.0 : 0;
    s.grid = s.tol >= 2.0 ? 2 : 1;
    s.eps = s.grid == 2 ? s.tol - 1.4143 : s.tol;

    /* The font goes straight into out: the table directory (filled in at
     * the end), then glyf, then the small tables. One reservation from the
     * glyphs' sizes in the face, so the program is never copied to grow. */
    size_t start = out->len, nt = s.f.os2.len >= 78 ? 9 : 8, glyph_bytes = 0;
    for (size_t k = 0; k < s.set.n; k++)
        glyph_bytes += s.src.len[k] + 1u;
    buf_reserve(out, 12 + 16 * nt + glyph_bytes + 8 * s.set.n + 1024);
    memset(out->data + out->len, 0, 12 + 16 * nt);
    out->len += 12 + 16 * nt;
    size_t g0 = out->len;
    if (!write_glyf(&s, out)) goto out;
    static const char pad[3] = {0, 0, 0};
    buf_append(out, pad, ((s.glyf_len + 3) & ~(size_t)3) - s.glyf_len);

    write_loca(&s, &loca);
    write_hmtx(&s, &hmtx);
    unsigned char head[54], hhea[36], maxp[32], post[32];
    make_head(&s, head);
    make_hhea(&s, hhea);
    make_maxp(&s, maxp);
    make_post(&s, post);
    build_name(&name, ps_name && *ps_name ? ps_name : "Font", (rd16(s.f.head.p + 44) & 1) != 0);

    sfnt_table tabs[9];
    size_t k = 0;
    if (nt == 9) tabs[k++] = (sfnt_table){TAG('O', 'S', '/', '2'), s.f.os2.p, s.f.os2.len, 0};
    tabs[k++] = (sfnt_table){TAG('g', 'l', 'y', 'f'), NULL, s.glyf_len, g0 - start};
    tabs[k++] = (sfnt_table){TAG('h', 'e', 'a', 'd'), head, sizeof head, 0};
    tabs[k++] = (sfnt_table){TAG('h', 'h', 'e', 'a'), hhea, sizeof hhea, 0};
    tabs[k++] = (sfnt_table){TAG('h', 'm', 't', 'x'), (unsigned char *)hmtx.data, hmtx.len, 0};
    tabs[k++] = (sfnt_table){TAG('l', 'o', 'c', 'a'), (unsigned char *)loca.data, loca.len, 0};
    tabs[k++] = (sfnt_table){TAG('m', 'a', 'x', 'p'), maxp, sizeof maxp, 0};
    tabs[k++] = (sfnt_table){TAG('n', 'a', 'm', 'e'), (unsigned char *)name.data, name.len, 0};
    tabs[k++] = (sfnt_table){TAG('p', 'o', 's', 't'), post, sizeof post, 0};
    write_tables(out, start, tabs, nt);
    *n_glyphs = (unsigned)s.set.n;
    ok = true;
out:
    subset_free(&s);
    buf_free(&loca);
    buf_free(&hmtx);
    buf_free(&name);
    return ok;
}
