/* The PDF writer, checked with the tools a reader's viewer resembles:
 * pdftotext (exact text, no warnings), pdffonts (embedded, subset, unicode),
 * qpdf --check, mutool. The layout is built by hand. Runs from the
 * repository root (ctest's working directory). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"
#include "font/font.h"
#include "pdf/pdf.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static char tmpdir[] = "/tmp/briefing-test-pdf-XXXXXX";

/* ---- building a layout by hand ----------------------------------------- */

typedef struct builder {
    layout_doc doc;
    size_t cap_pages, cap_outline;
    size_t cap_glyphs[4], cap_rules[4], cap_rects[4];
    buf pool;
} builder;

static layout_page *add_page(builder *b, double w, double h) {
    xgrow(&b->doc.pages, &b->cap_pages, b->doc.n_pages + 1, sizeof *b->doc.pages);
    layout_page *pg = &b->doc.pages[b->doc.n_pages++];
    memset(pg, 0, sizeof *pg);
    pg->width = w;
    pg->height = h;
    return pg;
}

/* Lays out text on one baseline: each code point's nominal glyph at the
 * face's own advance plus 'extra' points (letter spacing, as justification
 * adds, which the PDF expresses with TJ adjustments). Returns the x after the
 * last glyph. */
static double add_text(builder *b, size_t page, const font_face *f, float size, double x, double y,
                       double extra, const char *s, uint32_t color, int bold) {
    layout_page *pg = &b->doc.pages[page];
    size_t len = strlen(s), i = 0;
    while (i < len) {
        size_t start = i;
        uint32_t cp = utf8_next(s, len, &i);
        uint32_t gid = 0;
        if (!font_face_glyph(f, cp, &gid)) fprintf(stderr, "    no glyph for U+%04X\n", cp);
        xgrow(&pg->glyphs, &b->cap_glyphs[page], pg->n_glyphs + 1, sizeof *pg->glyphs);
        layout_glyph *g = &pg->glyphs[pg->n_glyphs++];
        memset(g, 0, sizeof *g);
        g->face = f;
        g->size = size;
        g->x = x;
        g->y = y;
        g->gid = gid;
        g->text_off = (uint32_t)b->pool.len;
        g->text_len = (uint32_t)(i - start);
        buf_append(&b->pool, s + start, i - start);
        g->color = color;
        g->bold = (uint8_t)bold;
        x += font_face_advance(f, gid) * size / font_face_upem(f) + extra;
    }
    return x;
}

static void add_rule(builder *b, size_t page, double x0, double y0, double x1, double y1, double w,
                     uint32_t color) {
    layout_page *pg = &b->doc.pages[page];
    xgrow(&pg->rules, &b->cap_rules[page], pg->n_rules + 1, sizeof *pg->rules);
    pg->rules[pg->n_rules++] = (layout_rule){x0, y0, x1, y1, w, color};
}

static void add_rect(builder *b, size_t page, double x, double y, double w, double h,
                     uint32_t color) {
    layout_page *pg = &b->doc.pages[page];
    xgrow(&pg->rects, &b->cap_rects[page], pg->n_rects + 1, sizeof *pg->rects);
    pg->rects[pg->n_rects++] = (layout_rect){x, y, w, h, color};
}

static void add_outline(builder *b, const char *title, int level, size_t page, double y) {
    xgrow(&b->doc.outline, &b->cap_outline, b->doc.n_outline + 1, sizeof *b->doc.outline);
    b->doc.outline[b->doc.n_outline++] = (layout_outline){xstrdup(title), level, page, y};
}

static void finish(builder *b) {
    b->doc.text = b->pool.data;
    b->doc.text_len = b->pool.len;
}

static void builder_free(builder *b) {
    for (size_t p = 0; p < b->doc.n_pages; p++) {
        free(b->doc.pages[p].glyphs);
        free(b->doc.pages[p].rules);
        free(b->doc.pages[p].rects);
    }
    free(b->doc.pages);
    for (size_t i = 0; i < b->doc.n_outline; i++)
        free(b->doc.outline[i].title);
    free(b->doc.outline);
    buf_free(&b->pool);
    memset(b, 0, sizeof *b);
}

/* memmem is a GNU extension */
static const char *find_bytes(const char *hay, size_t n, const char *needle, size_t m) {
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (memcmp(hay + i, needle, m) == 0) return hay + i;
    return NULL;
}

/* ---- running tools ----------------------------------------------------- */

/* Runs cmd; stdout into *out (caller frees), stderr into *err; returns the
 * exit status. */
static int run(const char *cmd, char **out, char **err) {
    char errpath[600], full[2048];
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", tmpdir);
    snprintf(full, sizeof full, "%s 2>'%s'", cmd, errpath);
    FILE *p = popen(full, "r");
    buf o;
    buf_init(&o);
    if (p) {
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
            buf_append(&o, chunk, n);
    }
    int st = p ? pclose(p) : -1;
    buf e;
    buf_init(&e);
    FILE *f = fopen(errpath, "rb");
    if (f) {
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            buf_append(&e, chunk, n);
        fclose(f);
    }
    *out = buf_steal(&o, NULL);
    *err = buf_steal(&e, NULL);
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Removes the line containing what from s, in place. */
static void drop_line(char *s, const char *what) {
    char *at = strstr(s, what);
    if (!at) return;
    char *start = at, *end = strchr(at, '\n');
    while (start > s && start[-1] != '\n')
        start--;
    end = end ? end + 1 : at + strlen(at);
    memmove(start, end, strlen(end) + 1);
}

static int save_file(const char *path, const char *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    int ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

/* ---- the document ------------------------------------------------------ */

static const char *const LINE1 = "法治政府建设年度报告，2021年。";
/* 𠮷 U+20BB7 (Extension B); 㮣 U+3BA3 and 槩 U+69E9 share one glyph in
 * LXGW WenKai, so they need two CIDs for extraction to return both. */
static const char *const LINE2 = "姓名：王𠮷，㮣槩";
static const char *const LINE3 = "Report 2021, page two";
/* a face from a .ttc collection (AR PL UMing CN), with an Extension B
 * character it has (𠀡 U+20021) */
static const char *const LINE4 = "依法治国𠀡";

static void build_doc(builder *b, const font_lib *lib) {
    const font_face *kai = font_lib_find(lib, "LXGW WenKai");
    const font_face *sans = font_lib_find(lib, "DejaVu Sans");
    const font_face *ming = font_lib_find(lib, "AR PL UMing");
    memset(b, 0, sizeof *b);
    buf_init(&b->pool);

    add_page(b, 595.276, 841.89);
    add_rect(b, 0, 60, 740, 475.276, 40, 0xEEF2F8);
    add_text(b, 0, kai, 12, 72, 760, 0.35, LINE1, 0x000000, 0);
    /* the last mark half a point further: the one gap Tc does not give */
    b->doc.pages[0].glyphs[b->doc.pages[0].n_glyphs - 1].x += 0.5;
    add_text(b, 0, kai, 16, 72, 720, 0, "要点", 0xC00000, 1); /* synthetic bold */
    add_text(b, 0, kai, 12, 112, 720, 0, "依法行政", 0x333333, 0);
    add_rule(b, 0, 72, 700, 523.276, 700, 0.75, 0x1F3864);

    add_page(b, 419.53, 595.276);
    add_text(b, 1, kai, 12, 50, 540, 0, LINE2, 0x000000, 0);
    add_text(b, 1, sans, 10, 50, 510, 0, LINE3, 0x1F3864, 0);
    /* a glyph standing for no text of its own (a further glyph of a
     * cluster): drawn, but contributes nothing to extraction */
    add_text(b, 1, kai, 12, 50, 480, 0, "。", 0x000000, 0);
    b->doc.pages[1].glyphs[b->doc.pages[1].n_glyphs - 1].text_len = 0;
    add_rule(b, 1, 50, 470, 369.53, 470, 0.5, 0x808080);
    add_text(b, 1, ming, 14, 50, 440, 0, LINE4, 0x000000, 0);

    add_outline(b, "第一章 总则", 1, 0, 780);
    add_outline(b, "第一节 要点", 2, 0, 740);
    add_outline(b, "附录 𠮷", 1, 1, 560);
    add_outline(b, "附表三 (a level jump)", 3, 1, 520);
    finish(b);
}

static const pdf_info INFO = {.title = "法治政府建设年度报告 𠮷",
                              .author = "某市人民政府",
                              .subject = "年度报告",
                              .keywords = "法治, 政府",
                              .creator = "briefing test",
                              .year = 2022,
                              .month = 3,
                              .day = 31,
                              .hour = 9,
                              .minute = 30};

static void test_document(const font_lib *lib) {
    builder b;
    build_doc(&b, lib);
    diag_list *d = diag_list_new();
    char *pdf = NULL, *pdf2 = NULL;
    size_t len = 0, len2 = 0;
    CHECK(pdf_write(&b.doc, &INFO, &pdf, &len, d));
    CHECK(diag_size(d) == 0);
    diag_print(d, stderr);
    /* again, the outlines read from the files instead of the mappings */
    pdf_info read = INFO;
    read.read_outlines = true;
    CHECK(pdf_write(&b.doc, &read, &pdf2, &len2, d));
    if (!pdf || !pdf2) goto out;
    CHECK(len > 1000 && memcmp(pdf, "%PDF-1.", 7) == 0);
    CHECK(len == len2 && memcmp(pdf, pdf2, len) == 0); /* byte-identical */

    /* a real subset: LXGW WenKai is 15 MB, DejaVu Sans 740 KB */
    struct stat st;
    CHECK(stat(font_face_path(font_lib_find(lib, "LXGW WenKai")), &st) == 0);
    CHECK(len < 60000 && (off_t)len * 100 < st.st_size);
    printf("    test document: %zu bytes\n", len);

    /* the trailer /ID, derived from content */
    CHECK(find_bytes(pdf, len, "/ID [ <", 7) != NULL);
    CHECK(find_bytes(pdf, len, "Haru", 4) == NULL);

    char path[256], cmd[2048];
    snprintf(path, sizeof path, "%s/doc.pdf", tmpdir);
    CHECK(save_file(path, pdf, len));
    char *o = NULL, *e = NULL;

    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' -", path);
    CHECK(run(cmd, &o, &e) == 0);
    CHECK(strstr(o, LINE1) != NULL);
    CHECK(strstr(o, LINE2) != NULL);
    CHECK(strstr(o, LINE3) != NULL);
    CHECK(strstr(o, LINE4) != NULL);
    CHECK(strstr(o, "要点") && strstr(o, "依法行政"));
    CHECK_STR(e, "");
    if (!strstr(o, LINE1) || !strstr(o, LINE2)) fprintf(stderr, "    pdftotext:\n%s\n", o);
    free(o);
    free(e);

    snprintf(cmd, sizeof cmd, "pdffonts '%s'", path);
    CHECK(run(cmd, &o, &e) == 0);
    CHECK_STR(e, "");
    {
        /* name type encoding emb sub uni object-id: the last five columns
         * are emb sub uni num gen */
        int fonts = 0, good = 0;
        char *save = NULL;
        for (char *line = strtok_r(o, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            if (strncmp(line, "name", 4) == 0 || strncmp(line, "----", 4) == 0) continue;
            char *tok[32];
            int n = 0;
            char *s2 = NULL;
            for (char *t = strtok_r(line, " ", &s2); t && n < 32; t = strtok_r(NULL, " ", &s2))
                tok[n++] = t;
            fonts++;
            if (n >= 7 && strcmp(tok[n - 5], "yes") == 0 && strcmp(tok[n - 4], "yes") == 0 &&
                strcmp(tok[n - 3], "yes") == 0 && strchr(tok[0], '+') == tok[0] + 6 &&
                strcmp(tok[1], "CID") == 0 && strcmp(tok[3], "Identity-H") == 0)
                good++;
        }
        CHECK(fonts == 3);
        CHECK(good == fonts);
    }
    free(o);
    free(e);

    snprintf(cmd, sizeof cmd, "qpdf --check '%s'", path);
    CHECK(run(cmd, &o, &e) == 0);
    CHECK(strstr(o, "No syntax or stream encoding errors found") != NULL);
    CHECK_STR(e, "");
    free(o);
    free(e);

    /* the operators and font objects, uncompressed by qpdf */
    {
        char qdf[256];
        snprintf(qdf, sizeof qdf, "%s/qdf.pdf", tmpdir);
        snprintf(cmd, sizeof cmd,
                 "qpdf --qdf --object-streams=disable '%s' '%s' && tr -d '\\000' <'%s'", path, qdf,
                 qdf);
        CHECK(run(cmd, &o, &e) == 0);
        CHECK(strstr(o, "re f\n") && strstr(o, "l S\n") && strstr(o, "2 Tr\n") &&
              strstr(o, "0 Tr\n") && strstr(o, "/BF0 12 Tf\n") && strstr(o, "/BF1 10 Tf\n"));
        /* the line's even 0.35 pt tracking is one Tc, its odd gap a TJ
         * number (0.5 pt at 12 pt), and later text resets Tc */
        CHECK(strstr(o, "0.35 Tc\n") != NULL);
        CHECK(strstr(o, "> -41.667 <") != NULL);
        CHECK(strstr(o, "0 Tc\n") != NULL);
        CHECK(strstr(o, "-29.167") == NULL); /* no number per glyph */
        CHECK(strstr(o, "<D842DFB7>") != NULL);  /* U+20BB7 as a surrogate pair */
        /* 㮣 and 槩 share a glyph: two CIDs, so a CIDToGIDMap stream */
        int identity = 0, streams = 0;
        for (const char *m = strstr(o, "/CIDToGIDMap "); m; m = strstr(m + 1, "/CIDToGIDMap ")) {
            const char *v = m + strlen("/CIDToGIDMap ");
            identity += strncmp(v, "/Identity", 9) == 0;
            streams += *v >= '1' && *v <= '9';
        }
        CHECK(identity == 2 && streams == 1);
        CHECK(strstr(o, "/FontFile2") && strstr(o, "/Length1") &&
              strstr(o, "/Encoding /Identity-H"));
        free(o);
        free(e);
    }

    /* document info survives above U+FFFF */
    snprintf(cmd, sizeof cmd, "pdfinfo -enc UTF-8 '%s'", path);
    CHECK(run(cmd, &o, &e) == 0);
    CHECK(strstr(o, "法治政府建设年度报告 𠮷") != NULL);
    CHECK(strstr(o, "某市人民政府") != NULL);
    CHECK(strstr(o, "Producer:        briefing") != NULL);
    CHECK(strstr(o, "Pages:           2") != NULL);
    CHECK(strstr(o, "2022") != NULL);
    CHECK_STR(e, "");
    free(o);
    free(e);

    /* the outline, nested, titles intact (mutool indents children by tab) */
    snprintf(cmd, sizeof cmd, "mutool show '%s' outline", path);
    CHECK(run(cmd, &o, &e) == 0);
    CHECK(strstr(o, "\t\"第一章 总则\"\t#page=1") && strstr(o, "\t\t\"第一节 要点\"\t#page=1") &&
          strstr(o, "\t\"附录 𠮷\"\t#page=2") &&
          strstr(o, "\t\t\"附表三 (a level jump)\"\t#page=2"));
    if (!strstr(o, "附录 𠮷")) fprintf(stderr, "    mutool outline:\n%s\n", o);
    free(o);
    free(e);

    /* a second reader: MuPDF extracts the same text, silently */
    snprintf(cmd, sizeof cmd, "mutool draw -q -F txt -o - '%s'", path);
    CHECK(run(cmd, &o, &e) == 0);
    CHECK(strstr(o, LINE1) != NULL);
    CHECK(strstr(o, "王𠮷") != NULL);
    drop_line(e, "warning: ICC support is not available"); /* a build option of mutool */
    CHECK_STR(e, "");
    free(o);
    free(e);

    /* a different document gives a different /ID */
    b.doc.pages[0].glyphs[0].x += 1;
    free(pdf2);
    pdf2 = NULL;
    CHECK(pdf_write(&b.doc, &INFO, &pdf2, &len2, d));
    if (pdf2) {
        const char *i1 = find_bytes(pdf, len, "/ID [ <", 7),
                   *i2 = find_bytes(pdf2, len2, "/ID [ <", 7);
        CHECK(i1 && i2 && memcmp(i1, i2, 40) != 0);
    }
out:
    free(pdf);
    free(pdf2);
    diag_list_free(d);
    builder_free(&b);
}

/* Bad input gives false, a diagnostic, no output, and no leak. */
static void test_errors(const font_lib *lib) {
    builder b;
    build_doc(&b, lib);
    diag_list *d = diag_list_new();
    char *pdf = (char *)1;
    size_t len = 7;

    b.doc.outline[1].page = 5;
    CHECK(!pdf_write(&b.doc, NULL, &pdf, &len, d));
    CHECK(pdf == NULL && len == 0);
    CHECK(diag_size(d) == 1 &&
          strcmp(diag_text_at(d, 0), "pdf: outline entry 2 points to page 6 of 2") == 0);
    b.doc.outline[1].page = 0;
    diag_clear(d);

    b.doc.pages[1].glyphs[2].face = NULL;
    CHECK(!pdf_write(&b.doc, NULL, &pdf, &len, d));
    CHECK(diag_size(d) == 1 && strcmp(diag_text_at(d, 0), "pdf: page 2: glyph 3 has no face") == 0);
    b.doc.pages[1].glyphs[2].face = font_lib_find(lib, "LXGW WenKai");
    diag_clear(d);

    b.doc.pages[0].width = 0;
    CHECK(!pdf_write(&b.doc, NULL, &pdf, &len, d));
    CHECK(diag_size(d) == 1 && strstr(diag_text_at(d, 0), "page 1: size"));
    b.doc.pages[0].width = 595.276;
    diag_clear(d);

    pdf_info bad = INFO;
    bad.month = 13;
    CHECK(!pdf_write(&b.doc, &bad, &pdf, &len, d));
    CHECK(diag_size(d) == 1 && strstr(diag_text_at(d, 0), "invalid date"));
    diag_clear(d);

    size_t n_pages = b.doc.n_pages;
    b.doc.n_pages = 0;
    CHECK(!pdf_write(&b.doc, NULL, &pdf, &len, d));
    CHECK(diag_size(d) == 1 && strcmp(diag_text_at(d, 0), "pdf: the document has no pages") == 0);
    b.doc.n_pages = n_pages;
    diag_clear(d);

    /* no info at all, no outline: still a valid, deterministic document */
    b.doc.n_outline = 0;
    CHECK(pdf_write(&b.doc, NULL, &pdf, &len, d));
    CHECK(diag_size(d) == 0);
    CHECK(pdf && find_bytes(pdf, len, "/Outlines", 9) == NULL);
    free(pdf);
    b.doc.n_outline = 4;
    diag_list_free(d);
    builder_free(&b);
}

/* Many pages of text: speed, size and the /W and ToUnicode block limits
 * (more than 100 distinct CIDs, so several bfchar blocks). */
static void test_large(const font_lib *lib) {
    const font_face *kai = font_lib_find(lib, "LXGW WenKai");
    builder b;
    memset(&b, 0, sizeof b);
    buf_init(&b.pool);
    /* 3 pages x 40 lines x 34 glyphs: 4080 glyphs of about 1,100 distinct
     * characters from the unified CJK block */
    uint32_t cp = 0x4E00;
    for (size_t p = 0; p < 3; p++) {
        add_page(&b, 595.276, 841.89);
        for (int line = 0; line < 40; line++) {
            char text[34 * 4 + 1];
            size_t n = 0;
            for (int k = 0; k < 34; k++) {
                uint32_t g;
                do
                    cp = cp >= 0x4E00 + 1100 ? 0x4E00 : cp + 1;
                while (!font_face_glyph(kai, cp, &g));
                n += (size_t)utf8_encode(cp, text + n);
            }
            text[n] = 0;
            add_text(&b, p, kai, 12, 72, 780 - line * 18, 1.25, text, 0, 0);
        }
    }
    finish(&b);
    diag_list *d = diag_list_new();
    char *pdf = NULL;
    size_t len = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int runs = 5;
    for (int i = 0; i < runs; i++) {
        free(pdf);
        pdf = NULL;
        CHECK(pdf_write(&b.doc, NULL, &pdf, &len, d));
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms =
        ((double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) / runs;
    printf("    4080 glyphs, 3 pages: %zu bytes, %.1f ms per pdf_write\n", len, ms);
    CHECK(diag_size(d) == 0);
    if (pdf) {
        char path[256], cmd[2048];
        snprintf(path, sizeof path, "%s/large.pdf", tmpdir);
        CHECK(save_file(path, pdf, len));
        char *o = NULL, *e = NULL;
        snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' -", path);
        CHECK(run(cmd, &o, &e) == 0);
        CHECK_STR(e, "");
        /* the last line of page 3, exactly */
        const layout_page *pg = &b.doc.pages[2];
        const layout_glyph *g = &pg->glyphs[pg->n_glyphs - 34];
        char *last = xstrndup(b.doc.text + g->text_off, b.doc.text_len - g->text_off);
        CHECK(strstr(o, last) != NULL);
        free(last);
        free(o);
        free(e);
        snprintf(cmd, sizeof cmd, "qpdf --check '%s'", path);
        CHECK(run(cmd, &o, &e) == 0);
        CHECK_STR(e, "");
        free(o);
        free(e);
    }
    free(pdf);
    diag_list_free(d);
    builder_free(&b);
}

/* Documents written on several threads at once, sharing one font_lib, give
 * the bytes a single thread gives: no global state anywhere on the path. */
typedef struct thread_job {
    const layout_doc *doc;
    char *pdf;
    size_t len;
    int ok;
} thread_job;

static void *thread_write(void *arg) {
    thread_job *j = arg;
    diag_list *d = diag_list_new();
    j->ok = 1;
    for (int i = 0; i < 3 && j->ok; i++) {
        free(j->pdf);
        j->pdf = NULL;
        j->ok = pdf_write(j->doc, &INFO, &j->pdf, &j->len, d);
    }
    diag_list_free(d);
    return NULL;
}

static void test_threads(const font_lib *lib) {
    builder b;
    build_doc(&b, lib);
    diag_list *d = diag_list_new();
    char *ref = NULL;
    size_t ref_len = 0;
    CHECK(pdf_write(&b.doc, &INFO, &ref, &ref_len, d));
    enum { N = 4 };
    thread_job jobs[N];
    pthread_t th[N];
    int started[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (thread_job){&b.doc, NULL, 0, 0};
        started[i] = pthread_create(&th[i], NULL, thread_write, &jobs[i]) == 0;
    }
    for (int i = 0; i < N; i++) {
        if (started[i]) pthread_join(th[i], NULL);
        CHECK(started[i] && jobs[i].ok);
        CHECK(ref && jobs[i].pdf && jobs[i].len == ref_len &&
              memcmp(jobs[i].pdf, ref, ref_len) == 0);
        free(jobs[i].pdf);
    }
    free(ref);
    diag_list_free(d);
    builder_free(&b);
}

int main(void) {
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    diag_list *d = diag_list_new();
    font_lib *lib = font_lib_load("fonts/fonts.json", d);
    CHECK(lib != NULL);
    if (lib) {
        test_document(lib);
        test_errors(lib);
        test_threads(lib);
        test_large(lib);
    } else {
        diag_print(d, stderr);
    }
    font_lib_free(lib);
    diag_list_free(d);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (getenv("KEEP_TMP"))
        fprintf(stderr, "kept %s\n", tmpdir);
    else if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return CHECK_DONE();
}
