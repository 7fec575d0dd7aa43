/* The TrueType subsetter (src/font/font_ttf.c), checked with FreeType as an
 * independent reader: the subset loads, every glyph keeps its advance and,
 * at tolerance 0, its exact outline; with a tolerance, every point of the
 * written outline lies within it of the face's outline and back, and the
 * program is smaller. Composite glyphs keep their components. Damaged
 * fonts give an error, never a crash. Runs from the repository root. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H

#include "check.h"
#include "font/font.h"
#include "font/font_ttf.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"

/* ---- outlines as polylines ----------------------------------------------- */

typedef struct poly {
    double *x, *y;
    size_t n, cap;
    size_t *starts; /* first sample of each contour */
    size_t n_starts, cap_starts;
    double cx, cy; /* current point */
} poly;

static void poly_add(poly *p, double x, double y) {
    size_t c2 = p->cap;
    xgrow(&p->x, &p->cap, p->n + 1, sizeof *p->x);
    xgrow(&p->y, &c2, p->n + 1, sizeof *p->y);
    p->x[p->n] = x;
    p->y[p->n] = y;
    p->n++;
    p->cx = x;
    p->cy = y;
}

static int mv(const FT_Vector *to, void *u) {
    poly *p = u;
    xgrow(&p->starts, &p->cap_starts, p->n_starts + 1, sizeof *p->starts);
    p->starts[p->n_starts++] = p->n;
    poly_add(p, to->x, to->y);
    return 0;
}

static int ln(const FT_Vector *to, void *u) {
    poly_add(u, to->x, to->y);
    return 0;
}

static int conic(const FT_Vector *c, const FT_Vector *to, void *u) {
    poly *p = u;
    double x0 = p->cx, y0 = p->cy;
    for (int i = 1; i <= 16; i++) {
        double t = i / 16.0, s = 1 - t;
        poly_add(p, s * s * x0 + 2 * s * t * c->x + t * t * to->x,
                 s * s * y0 + 2 * s * t * c->y + t * t * to->y);
    }
    return 0;
}

static int cubic(const FT_Vector *c1, const FT_Vector *c2, const FT_Vector *to, void *u) {
    poly *p = u;
    double x0 = p->cx, y0 = p->cy;
    for (int i = 1; i <= 16; i++) {
        double t = i / 16.0, s = 1 - t;
        poly_add(p, s * s * s * x0 + 3 * s * s * t * c1->x + 3 * s * t * t * c2->x + t * t * t * to->x,
                 s * s * s * y0 + 3 * s * s * t * c1->y + 3 * s * t * t * c2->y + t * t * t * to->y);
    }
    return 0;
}

static void poly_free(poly *p) {
    free(p->x);
    free(p->y);
    free(p->starts);
}

static int load_poly(FT_Face face, unsigned gid, poly *p) {
    memset(p, 0, sizeof *p);
    if (FT_Load_Glyph(face, gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP))
        return 0;
    static const FT_Outline_Funcs fn = {mv, ln, conic, cubic, 0, 0};
    return FT_Outline_Decompose(&face->glyph->outline, &fn, p) == 0;
}

/* The largest distance from a sample of a to the polyline of b. */
static double one_sided(const poly *a, const poly *b) {
    double worst = 0;
    for (size_t i = 0; i < a->n; i++) {
        double best = INFINITY;
        for (size_t c = 0; c < b->n_starts; c++) {
            size_t s = b->starts[c], e = c + 1 < b->n_starts ? b->starts[c + 1] : b->n;
            for (size_t j = s; j < e; j++) {
                size_t k = j + 1 < e ? j + 1 : s; /* contours close */
                double dx = b->x[k] - b->x[j], dy = b->y[k] - b->y[j], l2 = dx * dx + dy * dy;
                double t = l2 > 0 ? ((a->x[i] - b->x[j]) * dx + (a->y[i] - b->y[j]) * dy) / l2 : 0;
                t = t < 0 ? 0 : t > 1 ? 1 : t;
                double ex = b->x[j] + t * dx - a->x[i], ey = b->y[j] + t * dy - a->y[i];
                double d = ex * ex + ey * ey;
                if (d < best) best = d;
            }
        }
        if (b->n == 0) best = 0;
        if (sqrt(best) > worst) worst = sqrt(best);
    }
    return worst;
}

/* ---- the checks ----------------------------------------------------------- */

typedef struct subset {
    buf data;
    uint32_t *new_gid;
    unsigned n_glyphs;
    FT_Face face;
} subset;

static int make_subset(FT_Library ft, hb_face_t *hb, const uint32_t *gids, size_t n, double tol,
                       subset *s) {
    buf_init(&s->data);
    s->new_gid = xmalloc(n * sizeof *s->new_gid);
    s->face = NULL;
    char err[160] = "";
    if (!font_ttf_subset(hb, "Test-Regular", gids, n, tol, NULL, &s->data, s->new_gid, &s->n_glyphs,
                        err, sizeof err)) {
        fprintf(stderr, "    subset failed: %s\n", err);
        return 0;
    }
    return FT_New_Memory_Face(ft, (const FT_Byte *)s->data.data, (FT_Long)s->data.len, 0,
                              &s->face) == 0;
}

static void subset_free(subset *s) {
    if (s->face) FT_Done_Face(s->face);
    buf_free(&s->data);
    free(s->new_gid);
}

/* gids of the characters of text (UTF-8 Han and ASCII) that the face has */
static size_t gids_of(const font_face *f, const char *const *cps, uint32_t *out, size_t max) {
    size_t n = 0;
    for (size_t i = 0; cps[i] && n < max; i++) {
        uint32_t cp = (uint32_t)strtoul(cps[i], NULL, 16), g;
        if (font_face_glyph(f, cp, &g)) out[n++] = g;
    }
    return n;
}

static void check_face(FT_Library ft, const font_face *f, const uint32_t *gids, size_t n) {
    hb_face_t *hb = font_face_hb_face(f);
    FT_Face orig;
    CHECK(FT_New_Face(ft, font_face_path(f), (FT_Long)font_face_index(f), &orig) == 0);

    subset exact, lossy;
    CHECK(make_subset(ft, hb, gids, n, 0, &exact));
    CHECK(make_subset(ft, hb, gids, n, 2, &lossy));
    if (!exact.face || !lossy.face) return;
    CHECK(exact.n_glyphs >= 2 && exact.n_glyphs == lossy.n_glyphs);
    CHECK((unsigned)exact.face->num_glyphs == exact.n_glyphs);
    CHECK(exact.face->units_per_EM == orig->units_per_EM);
    CHECK(lossy.data.len < exact.data.len);

    double tol_units = 2.0 * orig->units_per_EM / 1000.0;
    int same_points = 1, same_adv = 1, within = 1;
    size_t pts_exact = 0, pts_lossy = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned ng = exact.new_gid[i];
        CHECK(ng == lossy.new_gid[i] && ng < exact.n_glyphs && ng > 0);
        FT_Load_Glyph(orig, gids[i], FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING);
        FT_Outline *o = &orig->glyph->outline;
        FT_Pos adv = orig->glyph->advance.x;
        FT_Load_Glyph(exact.face, ng, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING);
        FT_Outline *e = &exact.face->glyph->outline;
        if (exact.face->glyph->advance.x != adv) same_adv = 0;
        if (e->n_points != o->n_points || e->n_contours != o->n_contours) {
            same_points = 0;
        } else {
            for (int k = 0; k < o->n_points; k++)
                if (e->points[k].x != o->points[k].x || e->points[k].y != o->points[k].y ||
                    (e->tags[k] & 1) != (o->tags[k] & 1))
                    same_points = 0;
        }
        pts_exact += (size_t)e->n_points;
        FT_Load_Glyph(lossy.face, ng, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING);
        pts_lossy += (size_t)lossy.face->glyph->outline.n_points;
        if (lossy.face->glyph->advance.x != adv) same_adv = 0;
        poly a, b;
        if (load_poly(orig, gids[i], &a) && load_poly(lossy.face, ng, &b)) {
            /* 0.3 units of slack: the polylines are 16-sample chords */
            double d1 = one_sided(&b, &a), d2 = one_sided(&a, &b);
            if (d1 > tol_units + 0.3 || d2 > tol_units + 0.3) {
                fprintf(stderr, "    %s glyph %u moved %.2f / %.2f units\n", font_face_family(f),
                        (unsigned)gids[i], d1, d2);
                within = 0;
            }
        } else {
            within = 0;
        }
        poly_free(&a);
        poly_free(&b);
    }
    CHECK(same_points);
    CHECK(same_adv);
    CHECK(within);
    CHECK(pts_lossy < pts_exact);
    printf("  %s: %zu glyphs, %zu -> %zu bytes, %zu -> %zu points\n", font_face_family(f), n,
           exact.data.len, lossy.data.len, pts_exact, pts_lossy);

    /* The same glyphs asked for twice and in another order: same bytes. */
    uint32_t *rev = xmalloc(2 * n * sizeof *rev);
    for (size_t i = 0; i < n; i++)
        rev[i] = rev[2 * n - 1 - i] = gids[i];
    subset again;
    CHECK(make_subset(ft, hb, rev, 2 * n, 2, &again));
    CHECK(again.data.len == lossy.data.len &&
          memcmp(again.data.data, lossy.data.data, lossy.data.len) == 0);
    subset_free(&again);
    free(rev);

    /* A damaged copy of the subset: flipped bytes in glyf and loca must
     * give a font or an error, and never a crash (ASan watches). */
    hb_blob_t *blob = hb_blob_create(exact.data.data, (unsigned)exact.data.len,
                                     HB_MEMORY_MODE_DUPLICATE, NULL, NULL);
    unsigned len = 0;
    char *bytes = hb_blob_get_data_writable(blob, &len);
    uint64_t seed = 12345;
    for (int round = 0; round < 200 && bytes; round++) {
        for (int k = 0; k < 8; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            size_t at = (size_t)(seed >> 33) % len;
            if (at >= 12 + 16 * 9) bytes[at] ^= (char)(1u << ((seed >> 20) & 7)); /* not the directory */
        }
        hb_blob_t *copy = hb_blob_create(bytes, len, HB_MEMORY_MODE_DUPLICATE, NULL, NULL);
        hb_face_t *bad = hb_face_create(copy, 0);
        uint32_t all[64];
        size_t m = 0;
        for (unsigned g = 1; g < exact.n_glyphs && m < 64; g++)
            all[m++] = g;
        buf out;
        buf_init(&out);
        uint32_t ng[64];
        unsigned cnt;
        char err[160];
        (void)font_ttf_subset(bad, "X", all, m, round % 2 ? 3 : 0, NULL, &out, ng, &cnt, err, sizeof err);
        buf_free(&out);
        hb_face_destroy(bad);
        hb_blob_destroy(copy);
    }
    CHECK(1);
    hb_blob_destroy(blob);

    subset_free(&exact);
    subset_free(&lossy);
    FT_Done_Face(orig);
}

/* ---- reading the outlines from the file ------------------------------------ */

typedef struct counting_reader {
    const font_face *face;
    size_t calls, bytes;
    size_t fail_at; /* the call that fails, 0 for none */
} counting_reader;

static bool count_read(void *v, const void *at, size_t len, void *dst) {
    counting_reader *r = v;
    r->calls++;
    r->bytes += len;
    if (r->fail_at && r->calls == r->fail_at) return false;
    return font_face_read(r->face, at, len, dst);
}

/* The subset made from glyphs read with pread is the one made through the
 * mapping, byte for byte; neighbouring glyphs come in one read; a failed
 * read is an error, not a font with holes. */
static void check_reader(const font_face *face, const uint32_t *gids, size_t n, double tol) {
    hb_face_t *hb = font_face_hb_face(face);
    uint32_t *ng1 = xmalloc(n * sizeof *ng1), *ng2 = xmalloc(n * sizeof *ng2);
    unsigned c1 = 0, c2 = 0;
    char err[160] = "";
    buf a, b;
    buf_init(&a);
    buf_init(&b);
    counting_reader cr = {face, 0, 0, 0};
    font_reader rd = {count_read, &cr};
    CHECK(font_ttf_subset(hb, "T", gids, n, tol, NULL, &a, ng1, &c1, err, sizeof err));
    CHECK(font_ttf_subset(hb, "T", gids, n, tol, &rd, &b, ng2, &c2, err, sizeof err));
    CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    CHECK(c1 == c2 && memcmp(ng1, ng2, n * sizeof *ng1) == 0);
    CHECK(cr.calls > 0);
    printf("    %s: %u glyphs in %zu reads, %zu bytes\n", font_face_family(face), c2, cr.calls,
           cr.bytes);

    /* consecutive glyphs lie next to each other: one read for them, one for
     * .notdef, one per far component, and the set read again in each round
     * of the composite closure */
    uint32_t run[40];
    for (unsigned i = 0; i < 40; i++)
        run[i] = 100 + i;
    counting_reader rr = {face, 0, 0, 0};
    font_reader rrd = {count_read, &rr};
    buf r1, r2;
    buf_init(&r1);
    buf_init(&r2);
    uint32_t rn1[40], rn2[40];
    CHECK(font_ttf_subset(hb, "T", run, 40, tol, NULL, &r1, rn1, &c1, err, sizeof err));
    CHECK(font_ttf_subset(hb, "T", run, 40, tol, &rrd, &r2, rn2, &c2, err, sizeof err));
    CHECK(r1.len == r2.len && memcmp(r1.data, r2.data, r1.len) == 0);
    printf("    %zu reads for 41 glyphs\n", rr.calls);
    CHECK(rr.calls >= 2 && rr.calls <= 9);
    buf_free(&r1);
    buf_free(&r2);

    /* a failing read in the middle */
    counting_reader bad = {face, 0, 0, cr.calls / 2 + 1};
    font_reader brd = {count_read, &bad};
    buf c;
    buf_init(&c);
    err[0] = 0;
    CHECK(!font_ttf_subset(hb, "T", gids, n, tol, &brd, &c, ng2, &c2, err, sizeof err));
    CHECK(strstr(err, "cannot read") != NULL);

    /* font_face_read refuses ranges outside the file */
    unsigned len = 0;
    hb_blob_t *whole = hb_face_reference_blob(hb);
    const char *base = hb_blob_get_data(whole, &len);
    char byte;
    CHECK(font_face_read(face, base, 1, &byte));
    CHECK(!font_face_read(face, base + len, 1, &byte));
    CHECK(!font_face_read(face, base + len - 1, 2, &byte));
    CHECK(!font_face_read(face, &byte, 1, &byte));
    hb_blob_destroy(whole);
    buf_free(&a);
    buf_free(&b);
    buf_free(&c);
    free(ng1);
    free(ng2);
}

int main(void) {
    diag_list *d = diag_list_new();
    font_lib *lib = font_lib_load("fonts/fonts.json", d);
    CHECK(lib != NULL);
    if (!lib) {
        diag_print(d, stderr);
        return 1;
    }
    FT_Library ft;
    CHECK(FT_Init_FreeType(&ft) == 0);

    /* Han glyphs of a real report, plus digits and punctuation */
    static const char *const han[] = {
        "6CD5", "6CBB", "653F", "5E9C", "5EFA", "8BBE", "60C5", "51B5", "62A5", "544A", "8861",
        "5C71", "53BF", "4EBA", "6C11", "6761", "4F8B", "89C4", "8303", "6027", "6587", "4EF6",
        "5BA1", "67E5", "6267", "884C", "76D1", "7763", "590D", "8BAE", "8BC9", "8BBC", "8C03",
        "89E3", "7EA0", "7EB7", "9F99", "9E70", "9F8D", "3001", "3002", "FF0C", "300A", "300B",
        "201C", "201D", "0030", "0031", "0032", "0039", "0041", "0067", "0025", "2014", NULL};
    const font_face *wenkai = font_lib_find(lib, "LXGW WenKai");
    CHECK(wenkai != NULL);
    if (wenkai) {
        uint32_t gids[64];
        size_t n = gids_of(wenkai, han, gids, 64);
        CHECK(n > 40);
        check_face(ft, wenkai, gids, n);
        check_reader(wenkai, gids, n, 0);
        check_reader(wenkai, gids, n, 2);
    }

    /* DejaVu Sans draws accented letters as composites of base + accent */
    static const char *const latin[] = {"00E9", "00C5", "0139", "01FA", "1EA4", "0061",
                                        "0065", "0041", "00E8", "00F6", NULL};
    const font_face *dejavu = font_lib_find(lib, "DejaVu Sans");
    CHECK(dejavu != NULL);
    if (dejavu) {
        uint32_t gids[16];
        size_t n = gids_of(dejavu, latin, gids, 16);
        CHECK(n >= 8);
        check_face(ft, dejavu, gids, n);
        check_reader(dejavu, gids, n, 0);
    }

    /* A font whose every glyph is blank (found by fuzz_ttf): its subset has
     * an empty glyf table, which is still a font the subsetter reads. */
    {
        size_t len = 0;
        char *bytes = file_read_all("tests/unit/empty-glyphs.ttf", 1 << 20, &len, d);
        CHECK(bytes != NULL);
        if (bytes) {
            hb_blob_t *blob = hb_blob_create(bytes, (unsigned)len, HB_MEMORY_MODE_READONLY, NULL, NULL);
            hb_face_t *face = hb_face_create(blob, 0);
            uint32_t gids[1] = {1}, ng[1];
            unsigned cnt = 0;
            char err[160] = "";
            buf out;
            buf_init(&out);
            CHECK(font_ttf_subset(face, "Empty", gids, 1, 2, NULL, &out, ng, &cnt, err, sizeof err));
            CHECK(cnt == 2 && ng[0] == 1);
            hb_blob_t *sb = hb_blob_create(out.data, (unsigned)out.len, HB_MEMORY_MODE_READONLY, NULL, NULL);
            hb_face_t *sub = hb_face_create(sb, 0);
            CHECK(font_ttf_supported(sub));
            buf again;
            buf_init(&again);
            CHECK(font_ttf_subset(sub, "Empty", ng, 1, 0, NULL, &again, gids, &cnt, err, sizeof err) && cnt == 2);
            FT_Face fe = NULL;
            CHECK(FT_New_Memory_Face(ft, (const FT_Byte *)out.data, (FT_Long)out.len, 0, &fe) == 0);
            if (fe) FT_Done_Face(fe);
            buf_free(&again);
            hb_face_destroy(sub);
            hb_blob_destroy(sb);
            buf_free(&out);
            hb_face_destroy(face);
            hb_blob_destroy(blob);
            free(bytes);
        }
    }

    FT_Done_FreeType(ft);
    font_lib_free(lib);
    diag_list_free(d);
    return CHECK_DONE();
}
