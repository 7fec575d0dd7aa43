/* Font manifest loading: each font file is mapped once, each face gets an
 * immutable hb_face/hb_font pair, and its metrics are read once with FreeType
 * (whose objects are not thread-safe, so none outlives font_lib_load). After
 * loading, a font_lib is read-only and may be shared by any number of threads. */
#define _POSIX_C_SOURCE 200809L
#include "font.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H

#include "../util/file.h"
#include "../util/xalloc.h"

/* A mapped font file, shared by every face that lives in it. */
typedef struct font_file {
    char *path;
    dev_t dev;
    ino_t ino;
    void *map;
    size_t len;
    hb_blob_t *blob;
} font_file;

struct font_face {
    char *family;
    char *ps_name;
    char *path;
    unsigned index;
    unsigned upem;
    int ascender, descender, cap_height;
    int bbox[4];
    bool serif, fixed_pitch, bold;
    hb_face_t *hb_face;
    hb_font_t *hb_font;
};

struct font_lib {
    font_face **faces;
    size_t n_faces, cap_faces;
    font_file **files;
    size_t n_files, cap_files;
};

enum { MANIFEST_MAX_BYTES = 1 << 20 };

/* ---- files ------------------------------------------------------------- */

static void blob_release_noop(void *user_data) {
    /* The bytes belong to the font_lib's mapping, unmapped in font_lib_free
     * after every blob referencing them has been destroyed. */
    (void)user_data;
}

static void font_file_free(font_file *f) {
    if (!f) return;
    hb_blob_destroy(f->blob);
    if (f->map) munmap(f->map, f->len);
    free(f->path);
    free(f);
}

/* Finds the mapping of an already-opened file (same device and inode), or
 * maps it. Returns NULL with *missing set when the file does not exist; other
 * failures are errors in d. */
static font_file *lib_map_file(font_lib *lib, const char *path, const char *manifest,
                               const char *jpath, bool *missing, diag_list *d) {
    *missing = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            *missing = true;
            return NULL;
        }
        diag_add(d, DIAG_ERROR, manifest, jpath, "cannot open font file %s: %s", path,
                 strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        diag_add(d, DIAG_ERROR, manifest, jpath, "font file %s is not a regular file", path);
        close(fd);
        return NULL;
    }
    for (size_t i = 0; i < lib->n_files; i++) {
        if (lib->files[i]->dev == st.st_dev && lib->files[i]->ino == st.st_ino) {
            close(fd);
            return lib->files[i];
        }
    }
    if (st.st_size < 12 || (unsigned long long)st.st_size > 0x7fffffffull) {
        diag_add(d, DIAG_ERROR, manifest, jpath, "%s is not a font file (%lld bytes)", path,
                 (long long)st.st_size);
        close(fd);
        return NULL;
    }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        diag_add(d, DIAG_ERROR, manifest, jpath, "cannot map font file %s: %s", path,
                 strerror(errno));
        close(fd);
        return NULL;
    }
    font_file *f = xcalloc(1, sizeof *f);
    f->path = xstrdup(path);
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    f->map = map;
    f->len = (size_t)st.st_size;
    f->blob = hb_blob_create((const char *)map, (unsigned)f->len, HB_MEMORY_MODE_READONLY, NULL,
                             blob_release_noop);
    hb_blob_make_immutable(f->blob);
    close(fd);
    xgrow(&lib->files, &lib->cap_files, lib->n_files + 1, sizeof *lib->files);
    lib->files[lib->n_files++] = f;
    return f;
}

/* ---- faces ------------------------------------------------------------- */

static void font_face_free(font_face *f) {
    if (!f) return;
    hb_font_destroy(f->hb_font);
    hb_face_destroy(f->hb_face);
    free(f->family);
    free(f->ps_name);
    free(f->path);
    free(f);
}

/* Keeps [A-Za-z0-9-] (what a PDF font name may safely hold); NULL if nothing
 * is left. */
static char *sanitize_ps_name(const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s);
    char *out = xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n && k < 63; i++) {
        char c = s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
            out[k++] = c;
    }
    out[k] = 0;
    if (k == 0) {
        free(out);
        return NULL;
    }
    return out;
}

static bool contains_ci(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0) return true;
    return false;
}

/* Serif: the names first, "Serif" (not "Sans"), or Ming/Song, the serif-like
 * CJK styles (their PANOSE data is often wrong: AR PL UMing claims sans), then
 * the PANOSE serif style when the font fills it in (Latin text family). */
static bool detect_serif(FT_Face ft, const char *family) {
    const char *names[2] = {family, ft->family_name ? ft->family_name : ""};
    for (int i = 0; i < 2; i++) {
        if (contains_ci(names[i], "sans") || contains_ci(names[i], "hei")) return false;
        if (contains_ci(names[i], "serif") || contains_ci(names[i], "ming") ||
            contains_ci(names[i], "song"))
            return true;
    }
    const TT_OS2 *os2 = FT_Get_Sfnt_Table(ft, FT_SFNT_OS2);
    if (os2 && os2->panose[0] == 2) {
        int serif_style = os2->panose[1];
        if (serif_style >= 2 && serif_style <= 10) return true;
    }
    return false;
}

/* Reads metrics with FreeType; false (with an error) when the bytes are not a
 * font FreeType can open at that index. */
static bool read_metrics(FT_Library ftlib, const font_file *file, font_face *f,
                         const char *manifest, const char *jpath, diag_list *d) {
    FT_Face ft = NULL;
    FT_Error err = FT_New_Memory_Face(ftlib, (const FT_Byte *)file->map, (FT_Long)file->len,
                                      (FT_Long)f->index, &ft);
    if (err) {
        FT_Face probe = NULL;
        if (f->index > 0 && FT_New_Memory_Face(ftlib, (const FT_Byte *)file->map,
                                               (FT_Long)file->len, 0, &probe) == 0) {
            diag_add(d, DIAG_ERROR, manifest, jpath, "%s has %ld face(s); index %u is out of range",
                     file->path, (long)probe->num_faces, f->index);
            FT_Done_Face(probe);
        } else {
            diag_add(d, DIAG_ERROR, manifest, jpath, "%s is not a font file (FreeType error %d)",
                     file->path, (int)err);
        }
        return false;
    }
    if (!FT_IS_SFNT(ft) || !FT_IS_SCALABLE(ft) || ft->units_per_EM == 0) {
        diag_add(d, DIAG_ERROR, manifest, jpath, "%s is not a scalable TrueType/OpenType font",
                 file->path);
        FT_Done_Face(ft);
        return false;
    }
    f->upem = ft->units_per_EM;
    f->ascender = ft->ascender;
    f->descender = ft->descender;
    if (f->ascender <= 0) f->ascender = (int)(f->upem * 880 / 1000);
    if (f->descender >= 0) f->descender = -(int)(f->upem * 120 / 1000);
    const TT_OS2 *os2 = FT_Get_Sfnt_Table(ft, FT_SFNT_OS2);
    f->cap_height =
        (os2 && os2->version >= 2 && os2->sCapHeight > 0) ? os2->sCapHeight : f->ascender;
    f->bbox[0] = (int)ft->bbox.xMin;
    f->bbox[1] = (int)ft->bbox.yMin;
    f->bbox[2] = (int)ft->bbox.xMax;
    f->bbox[3] = (int)ft->bbox.yMax;
    f->fixed_pitch = FT_IS_FIXED_WIDTH(ft) != 0;
    f->serif = detect_serif(ft, f->family);
    /* A face that is bold by design (its style flags, or an OS/2 weight of
     * semibold or more) needs no synthetic bold on top. */
    f->bold = (ft->style_flags & FT_STYLE_FLAG_BOLD) || (os2 && os2->usWeightClass >= 600);
    f->ps_name = sanitize_ps_name(FT_Get_Postscript_Name(ft));
    if (!f->ps_name) f->ps_name = sanitize_ps_name(f->family);
    if (!f->ps_name) f->ps_name = xstrdup("Font");
    FT_Done_Face(ft);
    return true;
}

/* ---- manifest ---------------------------------------------------------- */

static char *resolve_path(const char *manifest, const char *file) {
    if (file[0] == '/') return xstrdup(file);
    const char *slash = strrchr(manifest, '/');
    if (!slash) return xstrdup(file);
    return xasprintf("%.*s/%s", (int)(slash - manifest), manifest, file);
}

static void json_error_position(const char *text, const char *at, int *line, int *col) {
    *line = 1;
    *col = 1;
    for (const char *p = text; at && p < at && *p; p++) {
        if (*p == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static const char *json_type_name(const cJSON *v) {
    if (!v) return "nothing";
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsBool(v)) return "a boolean";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsArray(v)) return "an array";
    if (cJSON_IsObject(v)) return "an object";
    return "an invalid value";
}

/* Loads one manifest entry; returns the face, or NULL (error added, or
 * *skipped set when the file is missing). */
static font_face *load_entry(font_lib *lib, FT_Library ftlib, const cJSON *e, size_t i,
                             const char *manifest, bool *skipped, diag_list *d) {
    *skipped = false;
    char jpath[64], kpath[96];
    snprintf(jpath, sizeof jpath, "$.fonts[%zu]", i);
    if (!cJSON_IsObject(e)) {
        diag_add(d, DIAG_ERROR, manifest, jpath, "expected an object, got %s", json_type_name(e));
        return NULL;
    }
    bool ok = true;
    for (const cJSON *k = e->child; k; k = k->next) {
        if (strcmp(k->string, "family") && strcmp(k->string, "file") &&
            strcmp(k->string, "index") && strcmp(k->string, "package")) {
            snprintf(kpath, sizeof kpath, "%s.%s", jpath, k->string);
            diag_add(d, DIAG_WARNING, manifest, kpath, "unknown key ignored");
        }
    }
    const cJSON *family = cJSON_GetObjectItemCaseSensitive(e, "family");
    const cJSON *file = cJSON_GetObjectItemCaseSensitive(e, "file");
    const cJSON *index = cJSON_GetObjectItemCaseSensitive(e, "index");
    const cJSON *package = cJSON_GetObjectItemCaseSensitive(e, "package");
    snprintf(kpath, sizeof kpath, "%s.family", jpath);
    if (!cJSON_IsString(family)) {
        diag_add(d, DIAG_ERROR, manifest, kpath, "expected a string, got %s",
                 json_type_name(family));
        ok = false;
    } else if (family->valuestring[0] == 0) {
        diag_add(d, DIAG_ERROR, manifest, kpath, "must not be empty");
        ok = false;
    } else {
        for (size_t j = 0; j < lib->n_faces; j++) {
            if (strcasecmp(lib->faces[j]->family, family->valuestring) == 0) {
                diag_add(d, DIAG_ERROR, manifest, kpath, "duplicate family \"%s\"",
                         family->valuestring);
                ok = false;
                break;
            }
        }
    }
    snprintf(kpath, sizeof kpath, "%s.file", jpath);
    if (!cJSON_IsString(file)) {
        diag_add(d, DIAG_ERROR, manifest, kpath, "expected a string, got %s", json_type_name(file));
        ok = false;
    } else if (file->valuestring[0] == 0) {
        diag_add(d, DIAG_ERROR, manifest, kpath, "must not be empty");
        ok = false;
    }
    unsigned idx = 0;
    if (index) {
        snprintf(kpath, sizeof kpath, "%s.index", jpath);
        double v = cJSON_IsNumber(index) ? index->valuedouble : -1;
        if (!cJSON_IsNumber(index) || v < 0 || v > 65535 || v != (double)(unsigned)v) {
            diag_add(d, DIAG_ERROR, manifest, kpath, "expected an integer from 0 to 65535, got %s",
                     cJSON_IsNumber(index) ? "another number" : json_type_name(index));
            ok = false;
        } else {
            idx = (unsigned)v;
        }
    }
    if (package && !cJSON_IsString(package)) {
        snprintf(kpath, sizeof kpath, "%s.package", jpath);
        diag_add(d, DIAG_ERROR, manifest, kpath, "expected a string, got %s",
                 json_type_name(package));
        ok = false;
    }
    if (!ok) return NULL;

    char *path = resolve_path(manifest, file->valuestring);
    snprintf(kpath, sizeof kpath, "%s.file", jpath);
    bool missing = false;
    font_file *ff = lib_map_file(lib, path, manifest, kpath, &missing, d);
    if (!ff) {
        if (missing) {
            *skipped = true;
            if (cJSON_IsString(package))
                diag_add(d, DIAG_WARNING, manifest, kpath,
                         "font file %s not found (package %s); family \"%s\" skipped", path,
                         package->valuestring, family->valuestring);
            else
                diag_add(d, DIAG_WARNING, manifest, kpath,
                         "font file %s not found; family \"%s\" skipped", path,
                         family->valuestring);
        }
        free(path);
        return NULL;
    }
    font_face *f = xcalloc(1, sizeof *f);
    f->family = xstrdup(family->valuestring);
    f->path = path;
    f->index = idx;
    if (!read_metrics(ftlib, ff, f, manifest, kpath, d)) {
        font_face_free(f);
        return NULL;
    }
    f->hb_face = hb_face_create(ff->blob, idx);
    hb_face_make_immutable(f->hb_face);
    f->hb_font = hb_font_create(f->hb_face);
    hb_font_set_scale(f->hb_font, (int)f->upem, (int)f->upem);
    hb_font_make_immutable(f->hb_font);
    if (hb_face_get_glyph_count(f->hb_face) == 0) {
        diag_add(d, DIAG_ERROR, manifest, kpath, "%s has no glyphs", path);
        font_face_free(f);
        return NULL;
    }
    /* The PDF writer embeds TrueType outlines (src/pdf/pdf_ttf.c); a face
     * with PostScript (CFF) outlines is refused here, by name, rather than
     * producing a document with a font no reader should accept. */
    hb_blob_t *glyf = hb_face_reference_table(f->hb_face, HB_TAG('g', 'l', 'y', 'f'));
    bool truetype = hb_blob_get_length(glyf) > 0;
    hb_blob_destroy(glyf);
    if (!truetype) {
        diag_add(d, DIAG_ERROR, manifest, kpath,
                 "%s has PostScript (CFF) outlines; briefing embeds TrueType outlines only "
                 "(use the font's .ttf version)",
                 path);
        font_face_free(f);
        return NULL;
    }
    return f;
}

font_lib *font_lib_load(const char *manifest_path, diag_list *d) {
    size_t len = 0;
    char *text = file_read_all(manifest_path, MANIFEST_MAX_BYTES, &len, d);
    if (!text) return NULL;
    /* len + 1 takes in the NUL file_read_all appends: with it cJSON can
     * insist that nothing but blanks follows the value. */
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, true);
    if (!root) {
        /* cJSON_GetErrorPtr reads a global: use the end pointer instead. */
        int line, col;
        json_error_position(text, end, &line, &col);
        diag_add(d, DIAG_ERROR, manifest_path, NULL, "invalid JSON at line %d, column %d", line,
                 col);
        free(text);
        return NULL;
    }
    free(text);
    if (!cJSON_IsObject(root)) {
        diag_add(d, DIAG_ERROR, manifest_path, "$", "expected an object, got %s",
                 json_type_name(root));
        cJSON_Delete(root);
        return NULL;
    }
    const cJSON *fonts = cJSON_GetObjectItemCaseSensitive(root, "fonts");
    if (!cJSON_IsArray(fonts)) {
        diag_add(d, DIAG_ERROR, manifest_path, "$.fonts", "expected an array, got %s",
                 json_type_name(fonts));
        cJSON_Delete(root);
        return NULL;
    }
    for (const cJSON *k = root->child; k; k = k->next) {
        if (strcmp(k->string, "fonts") != 0) {
            char kpath[96];
            snprintf(kpath, sizeof kpath, "$.%s", k->string);
            diag_add(d, DIAG_WARNING, manifest_path, kpath, "unknown key ignored");
        }
    }

    FT_Library ftlib = NULL;
    if (FT_Init_FreeType(&ftlib) != 0) {
        diag_add(d, DIAG_ERROR, manifest_path, NULL, "cannot initialise FreeType");
        cJSON_Delete(root);
        return NULL;
    }
    font_lib *lib = xcalloc(1, sizeof *lib);
    bool failed = false;
    size_t i = 0;
    for (const cJSON *e = fonts->child; e; e = e->next, i++) {
        bool skipped = false;
        font_face *f = load_entry(lib, ftlib, e, i, manifest_path, &skipped, d);
        if (f) {
            xgrow(&lib->faces, &lib->cap_faces, lib->n_faces + 1, sizeof *lib->faces);
            lib->faces[lib->n_faces++] = f;
        } else if (!skipped) {
            failed = true;
        }
    }
    FT_Done_FreeType(ftlib);
    cJSON_Delete(root);
    if (!failed && lib->n_faces == 0) {
        diag_add(d, DIAG_ERROR, manifest_path, "$.fonts", "no usable font");
        failed = true;
    }
    if (failed) {
        font_lib_free(lib);
        return NULL;
    }
    return lib;
}

void font_lib_free(font_lib *lib) {
    if (!lib) return;
    for (size_t i = 0; i < lib->n_faces; i++)
        font_face_free(lib->faces[i]);
    /* Faces hold references to the blobs; destroy them first, then unmap. */
    for (size_t i = 0; i < lib->n_files; i++)
        font_file_free(lib->files[i]);
    free(lib->faces);
    free(lib->files);
    free(lib);
}

const font_face *font_lib_find(const font_lib *lib, const char *family) {
    if (!lib || !family) return NULL;
    for (size_t i = 0; i < lib->n_faces; i++)
        if (strcasecmp(lib->faces[i]->family, family) == 0) return lib->faces[i];
    return NULL;
}

size_t font_lib_count(const font_lib *lib) { return lib ? lib->n_faces : 0; }

const font_face *font_lib_at(const font_lib *lib, size_t i) {
    return lib && i < lib->n_faces ? lib->faces[i] : NULL;
}

/* ---- face accessors ---------------------------------------------------- */

const char *font_face_family(const font_face *f) { return f->family; }
const char *font_face_ps_name(const font_face *f) { return f->ps_name; }
const char *font_face_path(const font_face *f) { return f->path; }
unsigned font_face_index(const font_face *f) { return f->index; }
unsigned font_face_upem(const font_face *f) { return f->upem; }
int font_face_ascender(const font_face *f) { return f->ascender; }
int font_face_descender(const font_face *f) { return f->descender; }
int font_face_cap_height(const font_face *f) { return f->cap_height; }
void font_face_bbox(const font_face *f, int bbox[4]) { memcpy(bbox, f->bbox, sizeof f->bbox); }
bool font_face_is_serif(const font_face *f) { return f->serif; }
bool font_face_is_fixed_pitch(const font_face *f) { return f->fixed_pitch; }
bool font_face_is_bold(const font_face *f) { return f->bold; }
hb_face_t *font_face_hb_face(const font_face *f) { return f->hb_face; }
hb_font_t *font_face_hb_font(const font_face *f) { return f->hb_font; }

bool font_face_glyph(const font_face *f, uint32_t cp, uint32_t *gid) {
    hb_codepoint_t g = 0;
    if (!hb_font_get_nominal_glyph(f->hb_font, cp, &g) || g == 0) return false;
    if (gid) *gid = g;
    return true;
}

int font_face_advance(const font_face *f, uint32_t gid) {
    return (int)hb_font_get_glyph_h_advance(f->hb_font, gid);
}
