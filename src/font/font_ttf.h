/* A TrueType (glyf) subsetter for embedding: reads the face's tables in
 * place, keeps .notdef, the glyphs asked for and the components they use,
 * drops hinting, and can simplify outlines within a stated tolerance to make
 * the embedded program smaller; the PDF writer embeds its output as
 * FontFile2. Faces with CFF outlines go to font_cff.h. Written a function
 * per table (font_ttf.c), as MuPDF's subset-ttf.c reads. */
#ifndef BRIEFING_FONT_TTF_H
#define BRIEFING_FONT_TTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hb.h>

#include "../util/buf.h"
#include "font_reader.h"

/* True when the face has TrueType outlines this writer can subset: head,
 * hhea, maxp 1.0, hmtx, loca and glyf, with consistent sizes. */
bool font_ttf_supported(hb_face_t *face);

/* Appends to out a TrueType font holding .notdef, the glyphs gids[0..n) and
 * the components of composite glyphs, renumbered in ascending order of
 * their ids in the face (so glyph 0 stays .notdef). new_gid[i] receives the
 * new id of gids[i], *n_glyphs the number of glyphs.
 *
 * tolerance: how far, in font units per 1000 units of em, an outline may
 * move so that it takes fewer bytes (points on a line or close to where the
 * curve already passes are dropped, coordinates snapped to a grid); every
 * point of the written outline is within that distance of the face's
 * outline. 0 copies the outlines exactly.
 *
 * reader: NULL to read the glyphs through the mapping (a batch, whose pages
 * stay mapped from one document to the next), or how to copy them.
 *
 * ps_name names the font in its name table. False with a message in err
 * when the face's tables are malformed; out may then hold partial data. */
bool font_ttf_subset(hb_face_t *face, const char *ps_name, const uint32_t *gids, size_t n,
                    double tolerance, const font_reader *reader, buf *out, uint32_t *new_gid,
                    unsigned *n_glyphs, char *err, size_t errlen);

#endif
