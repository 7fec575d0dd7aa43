/* Line breaking and justification of one run of shaped text by the Chinese
 * rules: break opportunities, prohibitions (禁则), punctuation compression
 * and justification (CLREQ). Internal to the layout stage. */
#ifndef BRIEFING_LINEBREAK_H
#define BRIEFING_LINEBREAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../shape/shape.h"

typedef enum {
    LB_HAN,     /* ideographs, kana, full-width forms: break on either side */
    LB_ALNUM,   /* Latin letters, digits and their symbols: words never split */
    LB_STOP,    /* 、，。；：！？ : never at line start, blank right half */
    LB_OPEN,    /* （《“ … : never at line end, blank left half */
    LB_CLOSE,   /* ）》” … : never at line start, blank right half */
    LB_MIDDOT,  /* · : never at line start */
    LB_DASH,    /* — … : a doubled mark never splits */
    LB_AOPEN,   /* ( [ { */
    LB_ACLOSE,  /* ) ] } , . : ; ! ? */
    LB_SPACE,
} lb_class;

lb_class lb_class_of(uint32_t cp);

/* Per cluster: its class and the widths layout may take away. */
typedef struct lb_item {
    uint8_t cls;
    uint8_t shrink_left; /* the squeezable blank is on the left (opening marks) */
    uint8_t glue;        /* no break before this item: inside a word (lb_params.words) */
    uint8_t wide;        /* a proportional quote set full width in Chinese text: the
                            blank it gained is carried in a glyph width (layout) */
    double adv;          /* advance after adjacent-punctuation compression */
    double lead;         /* glyph shift (negative: leading blank removed) */
    double end_trim;     /* removable when the item ends a line */
    double shrink;       /* removable mid-line when a line must be squeezed */
    double start_trim;   /* removable when the item starts a continuation line */
    double gap;          /* spacing before the item when it follows another */
} lb_item;

typedef struct lb_line {
    size_t start, end; /* item range [start, end) */
    double indent;
    bool first;        /* the block's first line (keeps a leading bracket whole) */
    bool pushed;       /* a prohibited mark pushed a character down */
    bool squeezed;     /* punctuation was compressed to fit */
    bool forced;       /* no break opportunity fitted: cut where it overflowed */
} lb_line;

typedef struct lb_params {
    double size;          /* em, points */
    double measure;       /* line width, points */
    double first_indent;  /* points */
    double han_latin_gap; /* points */
    bool words;           /* break between words only (ICU's dictionary word break for
                             Chinese), as titles and headings want; body text breaks
                             between any two characters */
} lb_params;

/* Computes the lb_items for shaped text (items[n]). */
void lb_prepare(const shape_result *sr, const char *text, const lb_params *p, lb_item *items);

/* Breaks items into lines; returns the count, lines in *out (grown with
 * *cap). Never fails: a run with no break opportunity longer than the
 * measure is cut where it overflows. */
size_t lb_break(const lb_item *items, size_t n, const lb_params *p, lb_line **out, size_t *cap);

/* Like lb_break, but for centred text (titles): the same number of lines,
 * made as even as the break rules allow, instead of full lines and a short
 * last one (GB/T 9704's "balanced shape" for long titles). */
size_t lb_break_balanced(const lb_item *items, size_t n, const lb_params *p, lb_line **out,
                         size_t *cap);

/* Per-item positions for one line: x[k] is the pen position of item
 * line->start + k relative to the line's left edge (indent included), and
 * *width the line's final width. Justifies when justify is set. Returns the
 * total shrink (negative) or stretch (positive) applied. */
double lb_position(const lb_item *items, const lb_line *line, const lb_params *p, bool justify,
                   double *x, double *width);

/* The Han–Latin spacing (gap plus its share of justification) placed before
 * item k of the line last positioned with these arguments; 0 elsewhere. */
double lb_mixed_gap(const lb_item *items, const lb_line *line, const lb_params *p, bool justify,
                    size_t k);

/* Natural width of items [s, e) set as one line (line-end trimming included;
 * line-start trimming unless first). */
double lb_width(const lb_item *items, size_t s, size_t e, bool first);

#endif
