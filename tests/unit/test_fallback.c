/* Font fallback per character: a character the first face lacks comes from
 * the next face of the role's chain; one no face has is drawn as .notdef and
 * reported with its code point and JSON path; characters outside the BMP are
 * shaped and carry their text. */
#include <string.h>

#include "check.h"
#include "backend/backend.h"
#include "font/font.h"
#include "render/render.h"
#include "tmpl/tmpl.h"
#include "util/utf8.h"

/* The face that drew cp somewhere in the document, or NULL. */
static const font_face *face_of(const layout_doc *doc, uint32_t cp, uint32_t *gid) {
    for (size_t p = 0; p < doc->n_pages; p++)
        for (size_t g = 0; g < doc->pages[p].n_glyphs; g++) {
            const layout_glyph *lg = &doc->pages[p].glyphs[g];
            if (!lg->text_len) continue;
            size_t i = 0;
            if (utf8_next(layout_doc_text(doc, lg->text_off), lg->text_len, &i) == cp) {
                *gid = lg->gid;
                return lg->face;
            }
        }
    return NULL;
}

static layout_doc *render(const char *path, const tmpl *t, const font_lib *fl, diag_list *d) {
    report *r = report_load(path, d);
    CHECK(r != NULL);
    if (!r) return NULL;
    render_opts o = {.keep_layout = true, .fallback_epoch = -1};
    render_result res;
    bool ok = render_report(r, t, fl, &o, &res, d);
    CHECK(ok);
    layout_doc *doc = res.layout;
    res.layout = NULL;
    render_result_free(&res);
    report_free(r);
    return ok ? doc : NULL;
}

int main(void) {
    diag_list *d = diag_list_new();
    font_lib *fl = font_lib_load("fonts/fonts.json", d);
    tmpl *t = tmpl_load("templates/briefing.json", d);
    CHECK(fl && t);
    if (!fl || !t) return CHECK_DONE();
    backends *b = backends_new_linked();
    CHECK(render_add_system_fonts(t, fl, b, d)); /* Noto CJK, as the CLI finds it */
    backends_free(b);
    CHECK(font_lib_find(fl, "Noto Serif CJK SC") != NULL);
    CHECK(diag_count(d, DIAG_ERROR) == 0);

    layout_doc *doc = render("input/luhuo-2021.json", t, fl, d);
    uint32_t gid = 0;
    const font_face *f = doc ? face_of(doc, 0x2802, &gid) : NULL;
    CHECK(f != NULL);
    CHECK(f && strcmp(font_face_family(f), "DejaVu Serif") == 0);
    CHECK(gid != 0);
    f = doc ? face_of(doc, 0x0F2F, &gid) : NULL;
    CHECK(f != NULL && gid == 0); /* drawn as a box, text kept */
    size_t warned = 0;
    for (size_t i = 0; i < diag_size(d); i++) {
        const char *m = diag_text_at(d, i);
        if (strstr(m, "U+0F2F")) {
            warned++;
            CHECK_STR(m, "input/luhuo-2021.json: $.sections[0].sections[3].sections[0].paragraphs[0]: "
                         "warning: character U+0F2F \"\xe0\xbc\xaf\" is in none of the fonts of role "
                         "\"body\"; drawn as a box");
        }
    }
    CHECK(warned == 1);
    CHECK(diag_count(d, DIAG_ERROR) == 0);
    layout_doc_free(doc);

    diag_clear(d);
    doc = render("tests/typography/cases.json", t, fl, d);
    f = doc ? face_of(doc, 0x20BB7, &gid) : NULL; /* 𠮷 in the primary face */
    CHECK(f && strcmp(font_face_family(f), "Noto Serif CJK SC") == 0 && gid != 0);
    f = doc ? face_of(doc, 0x201D1, &gid) : NULL; /* only AR PL UMing has it */
    CHECK(f && strcmp(font_face_family(f), "AR PL UMing") == 0 && gid != 0);
    CHECK(diag_size(d) == 0);
    layout_doc_free(doc);

    /* Synthetic bold: asked for by a style, applied only where the face has
     * no bold design of its own. */
    t->styles[TMPL_STYLE_PARAGRAPH].bold = true; /* Noto Serif CJK SC: regular */
    t->styles[TMPL_STYLE_HEADING3].bold = true;  /* Noto Serif CJK SC Bold */
    diag_clear(d);
    doc = render("input/hengshan-2021.json", t, fl, d);
    size_t fake = 0, real = 0, wrong = 0;
    for (size_t p = 0; doc && p < doc->n_pages; p++)
        for (size_t g = 0; g < doc->pages[p].n_glyphs; g++) {
            const layout_glyph *lg = &doc->pages[p].glyphs[g];
            bool is_bold_face = font_face_is_bold(lg->face);
            if (lg->bold && !is_bold_face) fake++;
            if (!lg->bold && is_bold_face) real++;
            if (lg->bold && is_bold_face) wrong++;
        }
    CHECK(fake > 1000);
    CHECK(real > 10);
    CHECK(wrong == 0);
    layout_doc_free(doc);

    tmpl_free(t);
    font_lib_free(fl);
    diag_list_free(d);
    return CHECK_DONE();
}
