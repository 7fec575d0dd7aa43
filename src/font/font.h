/* Fonts: a manifest (fonts/fonts.json) names font families and the files
 * Debian packages install for them. A font_lib loads each face once (mmap),
 * reads its metrics from its tables, and is then read-only: any number of
 * documents on any number of threads may share it. The font_lib owns every
 * font_face it hands out; faces live until font_lib_free. */
#ifndef BRIEFING_FONT_H
#define BRIEFING_FONT_H

#include <stdbool.h>
#include <stdint.h>

#include <hb.h>

#include "../util/diag.h"

typedef struct font_lib font_lib;
typedef struct font_face font_face;

/* Loads the manifest and every face it lists that is present on disk; a face
 * whose file is missing is a warning (its family is then unknown), an
 * unreadable manifest an error. Relative paths resolve against the manifest's
 * folder. Returns NULL on error. */
font_lib *font_lib_load(const char *manifest_path, diag_list *d);
void font_lib_free(font_lib *lib); /* accepts NULL */

/* Families the manifest does not list, found by name through fontconfig (as
 * other Linux programs find fonts: fonts.json is only an override) and added
 * under that name. A face matches when one of its family names, in any
 * language the font gives (仿宋_GB2312 and FangSong_GB2312 alike), is the
 * name; upright regular faces are preferred, and "NAME Bold" (Light, Medium,
 * …) finds NAME's face of that weight; TrueType faces are preferred over
 * CFF ones of the same family. Uses a fontconfig configuration of its own,
 * destroyed before it returns (no process-wide state). fontconfig is reached
 * through b (src/backend/backend.h), loaded only when a family is missing;
 * when it cannot be, *failed is set, with an error in d. Not thread-safe:
 * call before the font_lib is shared. Returns how many families were added. */
struct backends;
size_t font_lib_add_system(font_lib *lib, struct backends *b, const char *const *families,
                           size_t n, bool *failed, diag_list *d);

/* font_system.c (a backend): the installed faces that may stand for a family
 * name through fontconfig, best first, as font_lib_add_system describes;
 * *out (malloc'ed, as each file) is freed by the caller. */
typedef struct font_sys_pick {
    char *file;
    int index;
} font_sys_pick;
void *font_sys_open(void); /* a configuration, or NULL */
size_t font_sys_find(void *cfg, const char *name, font_sys_pick **out);
void font_sys_close(void *cfg);

/* The face registered under a family name (case-insensitive), or NULL. */
const font_face *font_lib_find(const font_lib *lib, const char *family);
size_t font_lib_count(const font_lib *lib);
const font_face *font_lib_at(const font_lib *lib, size_t i);

/* Face properties. Metrics are in font units (font_face_upem per em). */
const char *font_face_family(const font_face *f);   /* manifest name */
const char *font_face_ps_name(const font_face *f);  /* PostScript name, sanitized */
const char *font_face_path(const font_face *f);
unsigned font_face_index(const font_face *f);       /* index within a .ttc */
unsigned font_face_upem(const font_face *f);
int font_face_ascender(const font_face *f);
int font_face_descender(const font_face *f);        /* negative */
int font_face_cap_height(const font_face *f);
void font_face_bbox(const font_face *f, int bbox[4]); /* xMin yMin xMax yMax */
bool font_face_is_serif(const font_face *f);
bool font_face_is_fixed_pitch(const font_face *f);
bool font_face_is_bold(const font_face *f); /* bold by design: no synthetic bold needed */
bool font_face_is_cff(const font_face *f);  /* CID-keyed CFF outlines, else TrueType */
/* The face's CFF outlines read once (font_cff.h), or NULL for TrueType. */
const struct font_cff *font_face_cff(const font_face *f);

/* HarfBuzz objects, immutable and shared: shape with them, never modify them. */
hb_face_t *font_face_hb_face(const font_face *f);
hb_font_t *font_face_hb_font(const font_face *f); /* scale = upem */

/* Nominal glyph for a code point; false when the face lacks it. */
bool font_face_glyph(const font_face *f, uint32_t cp, uint32_t *gid);
/* Horizontal advance in font units. */
int font_face_advance(const font_face *f, uint32_t gid);

/* Copies len bytes of the face's font file into dst with pread(2), where
 * `at` points into the file's mapping (into a table from font_face_hb_face,
 * say). For a process that renders one document and exits: a page touched
 * through the mapping costs a page fault that maps 16 pages (about 45 us
 * here), a read only a copy. False when the range is outside the file or
 * the read fails. Safe from any thread. */
bool font_face_read(const font_face *f, const void *at, size_t len, void *dst);

#endif
