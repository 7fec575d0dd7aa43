/* CID-keyed CFF outlines (Noto CJK, Source Han: ROS Adobe-Identity-0), read
 * and subset for embedding as a PDF CIDFontType0 (FontFile3 /CIDFontType0C).
 * A PDF reader finds a glyph from the character code (the CID, with
 * Identity-H) through the CFF's charset. Name-keyed CFF is rare in Chinese
 * fonts and is refused.
 *
 *   font_cff *cff = font_cff_open(table, len, err, sizeof err); // once per face
 *   font_cff_subset(cff, gids, n, &out, err, sizeof err);       // per document
 *   font_cff_free(cff);
 *
 * A font_cff only reads the table it was opened on (which must outlive it)
 * and is immutable: documents on any number of threads may subset it. */
#ifndef BRIEFING_FONT_CFF_H
#define BRIEFING_FONT_CFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "font_reader.h"

typedef struct font_cff font_cff;

/* The CFF table's structure, checked: a CID-keyed font whose INDEXes,
 * charset (each CID below 65536 and given once), FDSelect and FDArray lie
 * inside the table. NULL with the reason in err otherwise. */
font_cff *font_cff_open(const unsigned char *table, size_t len, char *err, size_t err_size);
void font_cff_free(font_cff *cff); /* accepts NULL */

unsigned font_cff_glyph_count(const font_cff *cff);
/* The CID of glyph gid (gid below the glyph count). */
uint32_t font_cff_cid(const font_cff *cff, uint32_t gid);

/* Flattened charstrings kept from one subset to the next, so a run of
 * documents flattens each glyph once: owned by one thread (a batch worker),
 * never shared. Up to a bound (FONT_CFF_CACHE_BYTES) of glyph programs;
 * past it, glyphs are flattened each time. The subsets are the same bytes
 * with or without one. */
typedef struct font_cff_cache font_cff_cache;
#define FONT_CFF_CACHE_BYTES (32u << 20)
font_cff_cache *font_cff_cache_new(void);
void font_cff_cache_free(font_cff_cache *cache); /* accepts NULL */

/* Appends to out a CFF whose glyph k + 1 is the face's glyph gids[k] and
 * glyph 0 its .notdef, with CID k for glyph k: the code the content stream
 * draws gids[k] with is k + 1. A glyph may be asked for more than once (one
 * drawn with two widths or two texts needs two CIDs: a CIDFontType0 has no
 * CIDToGIDMap), and is copied each time. Hinting is dropped and subroutines
 * expanded (deflated, that is smaller than keeping the subroutines a few
 * hundred glyphs use: measured on Noto Serif CJK SC, 124 KB against 142 KB
 * for a briefing's 657 glyphs). With a reader (may be NULL) the glyphs'
 * charstrings are read through it; with a cache (may be NULL) glyphs
 * flattened before are taken from it. False with a message in err. */
bool font_cff_subset(const font_cff *cff, const uint32_t *gids, size_t n,
                     const font_reader *reader, font_cff_cache *cache, buf *out, char *err,
                     size_t err_size);

#endif
