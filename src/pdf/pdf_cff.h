/* Subsets of faces with PostScript (CFF) outlines, for embedding as
 * CIDFontType0 with a FontFile3 /CIDFontType0C stream: the bare CFF table
 * of an hb-subset subset. Only CID-keyed CFF (Noto CJK, Source Han: ROS
 * Adobe-Identity-0) is taken: there the PDF reader finds a glyph from the
 * character code (the CID, with Identity-H) through the CFF's charset, which
 * hb-subset writes with the face's own CIDs. Internal to the PDF writer. */
#ifndef BRIEFING_PDF_CFF_H
#define BRIEFING_PDF_CFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hb.h>

#include "../util/buf.h"

/* Whether the face has a CID-keyed CFF table this writer embeds. */
bool pdf_cff_supported(hb_face_t *face);

/* Appends to out the CFF table of a subset holding .notdef and the glyphs
 * gids[0..n) (hinting dropped, subroutines expanded: the deflated result is
 * smaller), and sets cids[i] to the CID of gids[i] in it: the code the
 * content stream draws it with. False with a message in err. */
bool pdf_cff_subset(hb_face_t *face, const uint32_t *gids, size_t n, buf *out, uint32_t *cids,
                    char *err, size_t err_size);

#endif
