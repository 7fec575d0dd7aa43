/* Font manifest loading: each font file is mapped once, each face gets an
 * immutable hb_face/hb_font pair, and its metrics are read once from its
 * tables. After loading, a font_lib is read-only and may be shared by any
 * number of threads. */
#define _POSIX_C_SOURCE 200809L
#include "font.h"

#include "font_cff.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <hb-ot.h>

#include "../backend/backend.h"
#include "../util/file.h"
#include "../util/json_keys.h"
#include "../util/json_text.h"
#include "../util/xalloc.h"

/* A mapped font file, shared by every face that lives in it. The descriptor
 * stays open for font_face_read. */
typedef struct font_file {
    char *path;
    dev_t dev;
    ino_t ino;
    int fd;
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
    font_cff *cff;        /* CID-keyed CFF outlines, else NULL (TrueType) */
    hb_blob_t *cff_table; /* what cff reads */
    hb_face_t *hb_face;
    hb_font_t *hb_font;
    const font_file *file; /* owned by the font_lib */
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
    if (f->fd >= 0) close(f->fd);
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
    f->fd = fd;
    f->map = map;
    f->len = (size_t)st.st_size;
    f->blob = hb_blob_create((const char *)map, (unsigned)f->len, HB_MEMORY_MODE_READONLY, NULL,
                             blob_release_noop);
    hb_blob_make_immutable(f->blob);
    xgrow(&lib->files, &lib->cap_files, lib->n_files + 1, sizeof *lib->files);
    lib->files[lib->n_files++] = f;
    return f;
}

/* ---- faces ------------------------------------------------------------- */

static void font_face_free(font_face *f) {
    if (!f) return;
    font_cff_free(f->cff);
    hb_blob_destroy(f->cff_table);
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

/* ---- metrics from the tables ----------------------------------------- */

static unsigned u16at(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static int s16at(const unsigned char *p) { return (int16_t)(uint16_t)u16at(p); }

/* A name from the name table (hb picks the record: Windows/English first),
 * or NULL. */
static char *face_name(hb_face_t *face, hb_ot_name_id_t id) {
    unsigned len = hb_ot_name_get_utf8(face, id, HB_LANGUAGE_INVALID, NULL, NULL);
    if (len == 0) return NULL;
    unsigned size = len + 1;
    char *s = xmalloc(size);
    hb_ot_name_get_utf8(face, id, HB_LANGUAGE_INVALID, &size, s);
    return s;
}

/* Serif: the names first, "Serif" (not "Sans"), or Ming/Song, the serif-like
 * CJK styles (their PANOSE data is often wrong: AR PL UMing claims sans), then
 * the PANOSE serif style when the font fills it in (Latin text family). */
static bool detect_serif_tables(const char *family, const char *own_family,
                                const unsigned char *os2, unsigned os2_len) {
    const char *names[2] = {family, own_family ? own_family : ""};
    for (int i = 0; i < 2; i++) {
        if (contains_ci(names[i], "sans") || contains_ci(names[i], "hei")) return false;
        if (contains_ci(names[i], "serif") || contains_ci(names[i], "ming") ||
            contains_ci(names[i], "song"))
            return true;
    }
    if (os2 && os2_len >= 78 && os2[32] == 2) {
        int serif_style = os2[33];
        if (serif_style >= 2 && serif_style <= 10) return true;
    }
    return false;
}

/* Reads the metrics from the face's tables, by the rules FreeType applies
 * (hhea ascender and descender, else OS/2 typographic, else Windows; bold
 * from OS/2 fsSelection, else head macStyle; fixed pitch from post; the same
 * values as FreeType for all 36 faces installed here), without FreeType:
 * opening each face with it cost a fresh process 1.3 ms and 31 page faults.
 * False (with an error) when the bytes are not such a font. */
static bool read_metrics_tables(const font_file *file, font_face *f, const char *manifest,
                                const char *jpath, diag_list *d) {
    unsigned count = hb_face_count(file->blob);
    if (count == 0) {
        diag_add(d, DIAG_ERROR, manifest, jpath, "%s is not a font file", file->path);
        return false;
    }
    if (f->index >= count) {
        diag_add(d, DIAG_ERROR, manifest, jpath, "%s has %u face(s); index %u is out of range",
                 file->path, count, f->index);
        return false;
    }
    hb_face_t *face = hb_face_create(file->blob, f->index);
    hb_blob_t *head_b = hb_face_reference_table(face, HB_TAG('h', 'e', 'a', 'd'));
    hb_blob_t *hhea_b = hb_face_reference_table(face, HB_TAG('h', 'h', 'e', 'a'));
    hb_blob_t *os2_b = hb_face_reference_table(face, HB_TAG('O', 'S', '/', '2'));
    hb_blob_t *post_b = hb_face_reference_table(face, HB_TAG('p', 'o', 's', 't'));
    unsigned head_len, hhea_len, os2_len, post_len;
    const unsigned char *head = (const unsigned char *)hb_blob_get_data(head_b, &head_len);
    const unsigned char *hhea = (const unsigned char *)hb_blob_get_data(hhea_b, &hhea_len);
    const unsigned char *os2 = (const unsigned char *)hb_blob_get_data(os2_b, &os2_len);
    const unsigned char *post = (const unsigned char *)hb_blob_get_data(post_b, &post_len);
    if (os2_len < 78) os2 = NULL;
    bool ok = head && head_len >= 54 && hhea && hhea_len >= 36;
    unsigned upem = ok ? u16at(head + 18) : 0;
    if (!ok || upem < 16 || upem > 16384) {
        diag_add(d, DIAG_ERROR, manifest, jpath,
                 head ? "%s is not a scalable TrueType/OpenType font" : "%s is not a font file",
                 file->path);
        ok = false;
    }
    if (ok) {
        f->upem = upem;
        f->ascender = s16at(hhea + 4);
        f->descender = s16at(hhea + 6);
        if (!f->ascender && !f->descender && os2) {
            if (s16at(os2 + 68) || s16at(os2 + 70)) {
                f->ascender = s16at(os2 + 68);
                f->descender = s16at(os2 + 70);
            } else {
                f->ascender = (int)u16at(os2 + 74);
                f->descender = -(int)u16at(os2 + 76);
            }
        }
        if (f->ascender <= 0) f->ascender = (int)(f->upem * 880 / 1000);
        if (f->descender >= 0) f->descender = -(int)(f->upem * 120 / 1000);
        f->cap_height = (os2 && os2_len >= 90 && u16at(os2) >= 2 && s16at(os2 + 88) > 0)
                            ? s16at(os2 + 88)
                            : f->ascender;
        for (int i = 0; i < 4; i++)
            f->bbox[i] = s16at(head + 36 + 2 * i);
        f->fixed_pitch = post && post_len >= 16 && (post[12] | post[13] | post[14] | post[15]);
        char *own_family = face_name(face, HB_OT_NAME_ID_TYPOGRAPHIC_FAMILY);
        if (!own_family) own_family = face_name(face, HB_OT_NAME_ID_FONT_FAMILY);
        f->serif = detect_serif_tables(f->family, own_family, os2, os2_len);
        free(own_family);
        /* A face that is bold by design (its style flags, or an OS/2 weight of
         * semibold or more) needs no synthetic bold on top. */
        bool style_bold = os2 ? (u16at(os2 + 62) & 32) != 0 : (u16at(head + 44) & 1) != 0;
        f->bold = style_bold || (os2 && u16at(os2 + 4) >= 600);
        char *ps = face_name(face, HB_OT_NAME_ID_POSTSCRIPT_NAME);
        f->ps_name = sanitize_ps_name(ps);
        free(ps);
        if (!f->ps_name) f->ps_name = sanitize_ps_name(f->family);
        if (!f->ps_name) f->ps_name = xstrdup("Font");
    }
    hb_blob_destroy(head_b);
    hb_blob_destroy(hhea_b);
    hb_blob_destroy(os2_b);
    hb_blob_destroy(post_b);
    hb_face_destroy(face);
    return ok;
}

/* ---- manifest ---------------------------------------------------------- */

static char *resolve_path(const char *manifest, const char *file) {
    if (file[0] == '/') return xstrdup(file);
    const char *slash = strrchr(manifest, '/');
    if (!slash) return xstrdup(file);
    return xasprintf("%.*s/%s", (int)(slash - manifest), manifest, file);
}

/* ---- the face of a collection ------------------------------------------ */

/* Whether one of the face's names is the family ("Noto Serif CJK SC Bold":
 * its full name, or family and style), exactly or, when prefix, as the
 * first words of one ("AR PL UMing" for "AR PL UMing CN"). The English
 * names (hb's choice without a language): a family written in Chinese in
 * fonts.json is taken at its index. */
static bool face_is_named(hb_face_t *face, const char *family, bool prefix) {
    static const hb_ot_name_id_t ids[][2] = {
        {HB_OT_NAME_ID_FULL_NAME, HB_OT_NAME_ID_INVALID},
        {HB_OT_NAME_ID_TYPOGRAPHIC_FAMILY, HB_OT_NAME_ID_TYPOGRAPHIC_SUBFAMILY},
        {HB_OT_NAME_ID_FONT_FAMILY, HB_OT_NAME_ID_FONT_SUBFAMILY},
    };
    size_t flen = strlen(family);
    bool named = false;
    for (size_t i = 0; i < sizeof ids / sizeof *ids && !named; i++) {
        char *name = face_name(face, ids[i][0]);
        if (!name) continue;
        char *style = ids[i][1] != HB_OT_NAME_ID_INVALID ? face_name(face, ids[i][1]) : NULL;
        char *full = style && strcasecmp(style, "Regular") != 0 ? xasprintf("%s %s", name, style)
                                                                  : xstrdup(name);
        /* a family name counts with its style ("Noto Serif CJK SC" is the
         * Regular face, not the ExtraLight one of an all-weights collection) */
        named = strcasecmp(full, family) == 0 ||
                (prefix && strncasecmp(name, family, flen) == 0 && name[flen] == ' ');
        free(full);
        free(style);
        free(name);
    }
    return named;
}

static bool collection_face_is_named(const font_file *ff, unsigned idx, const char *family,
                                     bool prefix) {
    hb_face_t *face = hb_face_create(ff->blob, idx);
    bool named = face_is_named(face, family, prefix);
    hb_face_destroy(face);
    return named;
}

/* The face of a collection (.ttc, .otc) an entry means: the one at its
 * index when that face carries the family's name (or begins with it),
 * else the face that does carry it, else the index as written. A
 * collection's order is its builder's choice: Debian's Noto CJK collections
 * hold SC as face 2, another build may not, and "index": 2 alone would
 * then set a report in another region's forms. */
static unsigned collection_pick(const font_file *ff, const char *family, unsigned idx) {
    unsigned count = hb_face_count(ff->blob);
    /* an index past the end stays an error (read_metrics_tables) */
    if (count <= 1 || idx >= count || collection_face_is_named(ff, idx, family, true)) return idx;
    for (unsigned i = 0; i < count; i++)
        if (i != idx && collection_face_is_named(ff, i, family, false)) return i;
    return idx;
}

/* Loads one manifest entry; returns the face, or NULL (error added, or
 * *skipped set when the file is missing). */

static bool face_is_truetype(hb_face_t *face) {
    hb_blob_t *glyf = hb_face_reference_table(face, HB_TAG('g', 'l', 'y', 'f'));
    bool truetype = hb_blob_get_length(glyf) > 0;
    hb_blob_destroy(glyf);
    return truetype;
}

static font_face *open_face(font_file *ff, const char *family, char *path, unsigned idx,
                            const char *source, const char *jpath, diag_list *d);

static font_face *load_entry(font_lib *lib, const cJSON *e, size_t i,
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
    idx = collection_pick(ff, family->valuestring, idx);
    return open_face(ff, family->valuestring, path, idx, manifest, kpath, d);
}

/* A face of a mapped file, under the family name it is known by here; NULL
 * with a diagnostic at source/jpath. Takes path. */
static font_face *open_face(font_file *ff, const char *family, char *path, unsigned idx,
                            const char *source, const char *jpath, diag_list *d) {
    font_face *f = xcalloc(1, sizeof *f);
    f->family = xstrdup(family);
    f->path = path;
    f->index = idx;
    f->file = ff;
    if (!read_metrics_tables(ff, f, source, jpath, d)) {
        font_face_free(f);
        return NULL;
    }
    f->hb_face = hb_face_create(ff->blob, idx);
    hb_face_make_immutable(f->hb_face);
    f->hb_font = hb_font_create(f->hb_face);
    hb_font_set_scale(f->hb_font, (int)f->upem, (int)f->upem);
    hb_font_make_immutable(f->hb_font);
    if (hb_face_get_glyph_count(f->hb_face) == 0) {
        diag_add(d, DIAG_ERROR, source, jpath, "%s has no glyphs", path);
        font_face_free(f);
        return NULL;
    }
    /* The PDF writer embeds TrueType outlines (src/font/font_ttf.c) and
     * CID-keyed CFF ones (font_cff.c, read here once for every document);
     * any other face is refused here, by name, rather than producing a
     * document with a font no reader should accept. */
    if (!face_is_truetype(f->hb_face)) {
        f->cff_table = hb_face_reference_table(f->hb_face, HB_TAG('C', 'F', 'F', ' '));
        unsigned len = 0;
        const char *data = hb_blob_get_data(f->cff_table, &len);
        char why[160] = "no CFF table";
        if (data && len) f->cff = font_cff_open((const unsigned char *)data, len, why, sizeof why);
        if (!f->cff) {
            diag_add(d, DIAG_ERROR, source, jpath,
                     "%s: %s (briefing embeds TrueType and "
                     "CID-keyed CFF fonts such as Noto CJK)",
                     path, why);
            font_face_free(f);
            return NULL;
        }
    }
    return f;
}

font_lib *font_lib_load(const char *manifest_path, diag_list *d) {
    size_t len = 0;
    char *text = file_read_all(manifest_path, MANIFEST_MAX_BYTES, &len, d);
    if (!text) return NULL;
    cJSON *root = json_text_parse(text, len, manifest_path, d);
    if (!root) {
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

    font_lib *lib = xcalloc(1, sizeof *lib);
    bool failed = false;
    size_t i = 0;
    for (const cJSON *e = fonts->child; e; e = e->next, i++) {
        bool skipped = false;
        font_face *f = load_entry(lib, e, i, manifest_path, &skipped, d);
        if (f) {
            xgrow(&lib->faces, &lib->cap_faces, lib->n_faces + 1, sizeof *lib->faces);
            lib->faces[lib->n_faces++] = f;
        } else if (!skipped) {
            failed = true;
        }
    }
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

/* ---- system fonts (through the backends: fontconfig) --------------------- */

static void free_picks(font_sys_pick *p, size_t n) {
    for (size_t i = 0; i < n; i++) free(p[i].file);
    free(p);
}

/* The first candidate that opens is added; the others' problems (a damaged
 * file among several of a family) are reported only when none opens. */
static bool add_system_face(font_lib *lib, const backend_ops *ops, void *cfg, const char *name,
                            diag_list *d) {
    font_sys_pick *picks;
    size_t n = ops->sysfont_find(cfg, name, &picks);
    diag_list *why = diag_list_new();
    font_face *f = NULL;
    for (size_t i = 0; i < n && !f; i++) {
        bool missing = false;
        font_file *ff = lib_map_file(lib, picks[i].file, picks[i].file, NULL, &missing, why);
        if (ff)
            f = open_face(ff, name, xstrdup(picks[i].file), (unsigned)picks[i].index,
                          picks[i].file, NULL, why);
    }
    if (!f) diag_append(d, why);
    diag_list_free(why);
    free_picks(picks, n);
    if (!f) return false;
    xgrow(&lib->faces, &lib->cap_faces, lib->n_faces + 1, sizeof *lib->faces);
    lib->faces[lib->n_faces++] = f;
    return true;
}

size_t font_lib_add_system(font_lib *lib, backends *b, const char *const *families, size_t n,
                           bool *failed, diag_list *d) {
    size_t wanted = 0, added = 0;
    *failed = false;
    const char *first = NULL;
    for (size_t i = 0; i < n; i++)
        if (families[i] && !font_lib_find(lib, families[i])) {
            wanted++;
            if (!first) first = families[i];
        }
    /* loading fontconfig's caches, and in the program the backends' module
     * with fontconfig, costs a fresh process time: only when needed */
    if (!wanted) return 0;
    char *need = xasprintf("look up the font \"%s\" through fontconfig", first);
    const backend_ops *ops = backends_get(b, need, NULL, d);
    free(need);
    if (!ops) {
        *failed = true;
        return 0;
    }
    void *cfg = ops->sysfont_open();
    if (!cfg) {
        diag_add(d, DIAG_WARNING, NULL, NULL,
                 "fontconfig could not be loaded; only fonts/fonts.json's fonts are used");
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (families[i] && !font_lib_find(lib, families[i]))
            added += add_system_face(lib, ops, cfg, families[i], d);
    ops->sysfont_close(cfg);
    return added;
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
bool font_face_is_cff(const font_face *f) { return f->cff != NULL; }

const font_cff *font_face_cff(const font_face *f) { return f->cff; }
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

bool font_face_read(const font_face *f, const void *at, size_t len, void *dst) {
    const font_file *ff = f->file;
    const char *base = ff->map, *p = at;
    /* pointer comparisons are only defined inside one object: compare the
     * addresses as integers */
    uintptr_t lo = (uintptr_t)base, a = (uintptr_t)p;
    if (a < lo || a - lo > ff->len || len > ff->len - (a - lo)) return false;
    off_t off = (off_t)(a - lo);
    char *out = dst;
    while (len > 0) {
        ssize_t got = pread(ff->fd, out, len, off);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false; /* the file shrank under us, or I/O error */
        out += got;
        off += got;
        len -= (size_t)got;
    }
    return true;
}
