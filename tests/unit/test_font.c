/* Font manifest loading, face lookup, metrics and glyph lookup. Runs from the
 * repository root (ctest's working directory). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "font/font.h"

static char tmpdir[] = "/tmp/briefing-test-font-XXXXXX";

static const char *write_tmp(const char *name, const char *text) {
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return path;
    fputs(text, f);
    fclose(f);
    return path;
}

/* True when some diagnostic's full text equals want. */
static int has_diag(const diag_list *d, const char *want) {
    for (size_t i = 0; i < diag_size(d); i++)
        if (strcmp(diag_text_at(d, i), want) == 0) return 1;
    fprintf(stderr, "    missing diagnostic: %s\n    have:\n", want);
    diag_print(d, stderr);
    return 0;
}

static void test_manifest(void) {
    diag_list *d = diag_list_new();
    font_lib *lib = font_lib_load("fonts/fonts.json", d);
    CHECK(lib != NULL);
    CHECK(diag_size(d) == 0);
    if (!lib) {
        diag_print(d, stderr);
        diag_list_free(d);
        return;
    }
    CHECK(font_lib_count(lib) == 12);
    CHECK(font_face_is_cff(font_lib_find(lib, "Noto Serif CJK SC")));
    CHECK(font_face_is_bold(font_lib_find(lib, "Noto Serif CJK SC Bold")));
    /* Bold by design, or not (decides synthetic bold). */
    CHECK(font_face_is_bold(font_lib_find(lib, "LXGW WenKai Bold")));
    CHECK(font_face_is_bold(font_lib_find(lib, "DejaVu Sans Bold")));
    CHECK(!font_face_is_bold(font_lib_find(lib, "LXGW WenKai")));
    CHECK(!font_face_is_bold(font_lib_find(lib, "AR PL UMing")));

    const font_face *kai = font_lib_find(lib, "lxgw wenkai");
    CHECK(kai != NULL);
    CHECK(font_lib_find(lib, "LXGW WENKAI BOLD") != NULL);
    CHECK(font_lib_find(lib, "LXGW WenKai Light") != NULL);
    CHECK(font_lib_find(lib, "No Such Family") == NULL);
    CHECK(font_lib_find(lib, NULL) == NULL);
    CHECK(font_lib_at(lib, 0) == kai);
    CHECK(font_lib_at(lib, 12) == NULL);
    if (!kai) goto out;
    CHECK_STR(font_face_family(kai), "LXGW WenKai");
    CHECK_STR(font_face_ps_name(kai), "LXGWWenKai-Regular");
    CHECK_STR(font_face_path(kai), "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf");
    CHECK(font_face_index(kai) == 0);
    unsigned upem = font_face_upem(kai);
    CHECK(upem >= 16 && upem <= 16384);
    CHECK(font_face_ascender(kai) > 0 && font_face_ascender(kai) <= (int)upem * 2);
    CHECK(font_face_descender(kai) < 0 && font_face_descender(kai) > -(int)upem);
    CHECK(font_face_cap_height(kai) > 0 && font_face_cap_height(kai) <= font_face_ascender(kai));
    int bb[4];
    font_face_bbox(kai, bb);
    CHECK(bb[0] < bb[2] && bb[1] < 0 && bb[3] > 0);
    CHECK(!font_face_is_fixed_pitch(kai));
    int xs = 0, ys = 0;
    hb_font_get_scale(font_face_hb_font(kai), &xs, &ys);
    CHECK(xs == (int)upem && ys == (int)upem);
    CHECK(hb_face_get_upem(font_face_hb_face(kai)) == upem);
    CHECK(hb_font_is_immutable(font_face_hb_font(kai)));
    CHECK(hb_face_is_immutable(font_face_hb_face(kai)));

    /* 法 U+6CD5; 𠮷 U+20BB7 (CJK Extension B, in LXGW WenKai); U+10FFFD is a
     * private-use code point no font maps. */
    uint32_t g = 0;
    CHECK(font_face_glyph(kai, 0x6CD5, &g) && g != 0);
    CHECK(font_face_advance(kai, g) > (int)upem / 2 && font_face_advance(kai, g) <= (int)upem * 2);
    uint32_t g2 = 0;
    CHECK(font_face_glyph(kai, 0x20BB7, &g2) && g2 != 0 && g2 != g);
    CHECK(!font_face_glyph(kai, 0x10FFFD, &g));
    CHECK(!font_face_glyph(kai, 0xE000, &g));

    const font_face *uming = font_lib_find(lib, "AR PL UMing");
    CHECK(uming != NULL);
    if (uming) {
        CHECK_STR(font_face_ps_name(uming), "UMingCN");
        CHECK(font_face_is_serif(uming));
        CHECK(font_face_glyph(uming, 0x6CD5, &g));
        CHECK(font_face_glyph(uming, 0x20021, &g)); /* Extension B in UMing */
    }
    const font_face *sans = font_lib_find(lib, "DejaVu Sans");
    const font_face *serif = font_lib_find(lib, "dejavu serif");
    CHECK(sans && serif);
    if (sans && serif) {
        CHECK(!font_face_is_serif(sans));
        CHECK(font_face_is_serif(serif));
        CHECK_STR(font_face_ps_name(sans), "DejaVuSans");
        CHECK(!font_face_glyph(sans, 0x6CD5, &g)); /* no CJK in DejaVu */
        CHECK(font_face_glyph(sans, 'A', &g) && font_face_advance(sans, g) > 0);
    }
    const font_face *hei = font_lib_find(lib, "WenQuanYi Micro Hei");
    CHECK(hei && !font_face_is_serif(hei) && font_face_glyph(hei, 0x6CD5, &g));
out:
    font_lib_free(lib);
    diag_list_free(d);
}

/* Two faces of one .ttc (mapped once), a relative path, a missing file. */
static void test_collection_and_missing(void) {
    diag_list *d = diag_list_new();
    write_tmp("notafont.ttf", "this is plain text, not a font file at all\n");
    const char *m = write_tmp(
        "ok.json",
        "{\"fonts\": ["
        "{\"family\": \"CN\", \"file\": \"/usr/share/fonts/truetype/arphic/uming.ttc\", \"index\": "
        "0},"
        "{\"family\": \"TW\", \"file\": \"/usr/share/fonts/truetype/arphic/uming.ttc\", \"index\": "
        "2},"
        "{\"family\": \"Gone\", \"file\": \"missing/nothing.ttf\", \"package\": \"fonts-gone\"}"
        "]}");
    font_lib *lib = font_lib_load(m, d);
    CHECK(lib != NULL);
    CHECK(font_lib_count(lib) == 2);
    CHECK(diag_count(d, DIAG_ERROR) == 0);
    CHECK(diag_count(d, DIAG_WARNING) == 1);
    char want[1024];
    snprintf(want, sizeof want,
             "%s: $.fonts[2].file: warning: font file %s/missing/nothing.ttf not found (package "
             "fonts-gone); family \"Gone\" skipped",
             m, tmpdir);
    CHECK(has_diag(d, want));
    const font_face *cn = font_lib_find(lib, "cn"), *tw = font_lib_find(lib, "tw");
    CHECK(cn && tw);
    if (cn && tw) {
        CHECK_STR(font_face_ps_name(cn), "UMingCN");
        CHECK_STR(font_face_ps_name(tw), "UMingTW");
        CHECK(font_face_index(tw) == 2);
        /* one mapping: both faces read from one blob */
        hb_blob_t *a = hb_face_reference_blob(font_face_hb_face(cn));
        hb_blob_t *b = hb_face_reference_blob(font_face_hb_face(tw));
        CHECK(hb_blob_get_data(a, NULL) == hb_blob_get_data(b, NULL));
        hb_blob_destroy(a);
        hb_blob_destroy(b);
    }
    CHECK(font_lib_find(lib, "Gone") == NULL);
    font_lib_free(lib);
    diag_list_free(d);
}

/* In a collection the face is the one that carries the family's name: the
 * index is where it is looked for first, not a promise (another build of
 * the Noto collections may order its faces differently). */
static void test_collection_by_name(void) {
    diag_list *d = diag_list_new();
    const char *m = write_tmp(
        "byname.json",
        "{\"fonts\": ["
        "{\"family\": \"Noto Serif CJK SC\", \"file\": "
        "\"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc\", \"index\": 0},"
        "{\"family\": \"Noto Serif CJK SC Bold\", \"file\": "
        "\"/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc\"},"
        "{\"family\": \"Noto Serif CJK JP\", \"file\": "
        "\"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc\", \"index\": 0},"
        "{\"family\": \"AR PL UMing\", \"file\": \"/usr/share/fonts/truetype/arphic/uming.ttc\", "
        "\"index\": 1},"
        "{\"family\": \"Own Name\", \"file\": \"/usr/share/fonts/truetype/arphic/uming.ttc\", "
        "\"index\": 3}"
        "]}");
    font_lib *lib = font_lib_load(m, d);
    CHECK(lib != NULL && diag_size(d) == 0);
    if (!lib) {
        diag_print(d, stderr);
        diag_list_free(d);
        return;
    }
    const font_face *sc = font_lib_find(lib, "Noto Serif CJK SC");
    const font_face *bold = font_lib_find(lib, "Noto Serif CJK SC Bold");
    const font_face *jp = font_lib_find(lib, "Noto Serif CJK JP");
    const font_face *ming = font_lib_find(lib, "AR PL UMing");
    const font_face *own = font_lib_find(lib, "Own Name");
    CHECK(sc && bold && jp && ming && own);
    if (sc && bold && jp && ming && own) {
        CHECK_STR(font_face_ps_name(sc), "NotoSerifCJKsc-Regular"); /* not face 0's JP */
        CHECK_STR(font_face_ps_name(bold), "NotoSerifCJKsc-Bold");  /* no index at all */
        CHECK_STR(font_face_ps_name(jp), "NotoSerifCJKjp-Regular");
        CHECK(font_face_index(ming) == 1); /* "AR PL UMing HK" begins with the name */
        CHECK(font_face_index(own) == 3);  /* no face has the name: the index stands */
    }
    font_lib_free(lib);
    diag_list_free(d);
}

static void test_bad_manifests(void) {
    diag_list *d = diag_list_new();
    char want[1024];

    /* wrong types, with JSON paths; every problem is reported */
    const char *m = write_tmp(
        "types.json",
        "{\"fonts\": ["
        "{\"family\": \"A\", \"file\": \"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf\"},"
        "{\"family\": \"B\", \"file\": 12},"
        "{\"family\": 3, \"file\": \"x.ttf\"},"
        "{\"family\": \"C\", \"file\": \"x.ttf\", \"index\": -1},"
        "[1],"
        "{\"family\": \"a\", \"file\": \"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf\", "
        "\"extra\": 1}"
        "]}");
    CHECK(font_lib_load(m, d) == NULL);
    snprintf(want, sizeof want, "%s: $.fonts[1].file: expected a string, got a number", m);
    CHECK(has_diag(d, want));
    snprintf(want, sizeof want, "%s: $.fonts[2].family: expected a string, got a number", m);
    CHECK(has_diag(d, want));
    snprintf(want, sizeof want,
             "%s: $.fonts[3].index: expected an integer from 0 to 65535, got another number", m);
    CHECK(has_diag(d, want));
    snprintf(want, sizeof want, "%s: $.fonts[4]: expected an object, got an array", m);
    CHECK(has_diag(d, want));
    snprintf(want, sizeof want, "%s: $.fonts[5].family: duplicate family \"a\"", m);
    CHECK(has_diag(d, want));
    snprintf(want, sizeof want, "%s: $.fonts[5].extra: warning: unknown key ignored", m);
    CHECK(has_diag(d, want));
    diag_clear(d);

    m = write_tmp("nofonts.json", "{\"font\": []}");
    CHECK(font_lib_load(m, d) == NULL);
    snprintf(want, sizeof want, "%s: $.fonts: expected an array, got nothing", m);
    CHECK(has_diag(d, want));
    diag_clear(d);

    m = write_tmp("root.json", "[]");
    CHECK(font_lib_load(m, d) == NULL);
    snprintf(want, sizeof want, "%s: $: expected an object, got an array", m);
    CHECK(has_diag(d, want));
    diag_clear(d);

    m = write_tmp("syntax.json", "{\"fonts\": [\n  {\"family\": \"A\",, }\n]}");
    CHECK(font_lib_load(m, d) == NULL);
    snprintf(want, sizeof want, "%s: invalid JSON: syntax error at line 2, column 18, near \", }\"", m);
    CHECK(diag_size(d) == 1 && strncmp(diag_text_at(d, 0), want, strlen(want)) == 0);
    diag_clear(d);

    m = write_tmp("trailing.json", "{\"fonts\": []}\n}\n");
    CHECK(font_lib_load(m, d) == NULL);
    snprintf(want, sizeof want,
             "%s: invalid JSON: unexpected content after the end of the value at line 2, column 1", m);
    CHECK(has_diag(d, want));
    diag_clear(d);

    m = write_tmp("empty.json", "{\"fonts\": []}");
    CHECK(font_lib_load(m, d) == NULL);
    snprintf(want, sizeof want, "%s: $.fonts: no usable font", m);
    CHECK(has_diag(d, want));
    diag_clear(d);

    /* a file that is there but is not a font: an error, relative path */
    m = write_tmp("notfont.json", "{\"fonts\": [{\"family\": \"X\", \"file\": \"notafont.ttf\"}]}");
    CHECK(font_lib_load(m, d) == NULL);
    CHECK(diag_count(d, DIAG_ERROR) == 1);
    CHECK(diag_size(d) == 1 && strstr(diag_text_at(d, 0), "notafont.ttf is not a font file") &&
          strstr(diag_text_at(d, 0), "$.fonts[0].file: "));
    diag_clear(d);

    m = write_tmp("index.json", "{\"fonts\": [{\"family\": \"X\", \"file\": "
                                "\"/usr/share/fonts/truetype/arphic/uming.ttc\", \"index\": 9}]}");
    CHECK(font_lib_load(m, d) == NULL);
    snprintf(want, sizeof want,
             "%s: $.fonts[0].file: /usr/share/fonts/truetype/arphic/uming.ttc has 4 face(s); "
             "index 9 is out of range",
             m);
    CHECK(has_diag(d, want));
    diag_clear(d);

    /* only missing files: nothing usable is an error */
    m = write_tmp("allgone.json", "{\"fonts\": [{\"family\": \"X\", \"file\": \"gone.ttf\"}]}");
    CHECK(font_lib_load(m, d) == NULL);
    CHECK(diag_count(d, DIAG_WARNING) == 1 && diag_count(d, DIAG_ERROR) == 1);
    snprintf(want, sizeof want, "%s: $.fonts: no usable font", m);
    CHECK(has_diag(d, want));
    diag_clear(d);

    CHECK(font_lib_load("/nonexistent/fonts.json", d) == NULL);
    CHECK(diag_count(d, DIAG_ERROR) == 1);
    diag_list_free(d);
    font_lib_free(NULL);
}

int main(void) {
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_manifest();
    test_collection_and_missing();
    test_collection_by_name();
    test_bad_manifests();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    return CHECK_DONE();
}
