#!/usr/bin/env python3
"""Writes tests/bad/inputs/cff-font.otf: a font with PostScript (CFF) outlines,
for the case that briefing refuses such fonts with a clear message (it embeds
TrueType outlines only). Glyphs A and B drawn from DejaVu Sans (Bitstream Vera
licence: modified copies must not use the Vera/DejaVu names, hence "Briefing
Test CFF"). Needs fontTools (Debian: python3-fonttools); not used by the build.
"""
import sys
from fontTools.ttLib import TTFont
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen

src = TTFont("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
gs = src.getGlyphSet()
cmap = src.getBestCmap()
names = [".notdef", cmap[ord("A")], cmap[ord("B")]]
hm = src["hmtx"].metrics
fb = FontBuilder(src["head"].unitsPerEm, isTTF=False)
order = [".notdef", "A", "B"]
fb.setupGlyphOrder(order)
fb.setupCharacterMap({ord("A"): "A", ord("B"): "B"})
charstrings, metrics = {}, {}
for new, old in zip(order, names):
    pen = T2CharStringPen(hm[old][0], gs)
    gs[old].draw(pen)
    charstrings[new] = pen.getCharString()
    metrics[new] = hm[old]
fb.setupCFF("BriefingTestCFF", {"FullName": "Briefing Test CFF"}, charstrings, {})
fb.setupHorizontalMetrics(metrics)
fb.setupHorizontalHeader(ascent=928, descent=-236)
fb.setupNameTable({"familyName": "Briefing Test CFF", "styleName": "Regular"})
fb.setupOS2(sTypoAscender=760, usWinAscent=928, usWinDescent=236)
fb.setupPost()
fb.save(sys.argv[1] if len(sys.argv) > 1 else "tests/bad/inputs/cff-font.otf")
