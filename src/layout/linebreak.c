#include "linebreak.h"

#include <math.h>
#include <stdlib.h>

#include <unicode/ubrk.h>
#include <unicode/ustring.h>

#include "../util/xalloc.h"

#define EPS 1e-6

lb_class lb_class_of(uint32_t cp) {
    switch (cp) {
    case 0x3001: case 0xFF0C: case 0x3002: case 0xFF1B: case 0xFF1A: case 0xFF01: case 0xFF1F:
    case 0xFF0E:
        return LB_STOP;
    case 0xFF08: case 0x3014: case 0x3010: case 0x300A: case 0x3008: case 0x300C: case 0x300E:
    case 0x201C: case 0x2018: case 0xFF3B: case 0xFF5B: case 0x3016: case 0x3018: case 0x301D:
        return LB_OPEN;
    case 0xFF09: case 0x3015: case 0x3011: case 0x300B: case 0x3009: case 0x300D: case 0x300F:
    case 0x201D: case 0x2019: case 0xFF3D: case 0xFF5D: case 0x3017: case 0x3019: case 0x301E:
    case 0x301F:
        return LB_CLOSE;
    case 0x00B7: case 0x30FB: case 0x2027: case 0xFF65:
        return LB_MIDDOT;
    case 0x2014: case 0x2015: case 0x2026: case 0x22EF:
        return LB_DASH;
    case '(': case '[': case '{':
        return LB_AOPEN;
    case ')': case ']': case '}': case ',': case '.': case ':': case ';': case '!': case '?':
        return LB_ACLOSE;
    case ' ': case 0x3000: case '\t': case 0xA0:
        return LB_SPACE;
    default:
        break;
    }
    /* Below the CJK radicals everything (Latin, Greek, Cyrillic, digits,
     * symbols such as % - /) behaves like a letter of a word. */
    if (cp < 0x2E80) return LB_ALNUM;
    if (cp >= 0xFF10 && cp <= 0xFF19) return LB_HAN;
    return LB_HAN;
}

static bool no_start(uint8_t c) {
    return c == LB_STOP || c == LB_CLOSE || c == LB_MIDDOT || c == LB_ACLOSE;
}

static bool no_end(uint8_t c) { return c == LB_OPEN || c == LB_AOPEN; }

/* Both sides belong to one Latin word or number ("99.65%", "2021-2025"). */
static bool in_word(uint8_t a, uint8_t b) {
    bool aw = a == LB_ALNUM || a == LB_ACLOSE || a == LB_AOPEN;
    bool bw = b == LB_ALNUM || b == LB_ACLOSE || b == LB_AOPEN;
    return aw && bw;
}

/* May a line break between items i and i + 1? */
static bool breakable(const lb_item *it, size_t i) {
    uint8_t a = it[i].cls, b = it[i + 1].cls;
    if (it[i + 1].glue) return false;
    if (no_start(b) || no_end(a)) return false;
    if (b == LB_SPACE) return false; /* break after the space instead */
    if (a == LB_SPACE) return true;
    if (a == LB_DASH && b == LB_DASH) return false; /* —— and …… never split */
    return !in_word(a, b);
}

/* May justification add space between items i and i + 1? Everywhere but
 * inside words and doubled dashes. */
static bool stretchable(const lb_item *it, size_t i) {
    uint8_t a = it[i].cls, b = it[i + 1].cls;
    if (a == LB_DASH && b == LB_DASH) return false;
    return !in_word(a, b);
}

/* Chinese text: a letter, or a full-width mark or ideographic space. */
static bool chinese_side(const shape_result *sr, const lb_item *items, size_t i) {
    uint8_t c = items[i].cls;
    return c == LB_HAN || ((c == LB_STOP || c == LB_OPEN || c == LB_CLOSE || c == LB_MIDDOT ||
                            c == LB_DASH) &&
                           sr->items[i].cp >= 0x3000);
}

/* “ ” ‘ ’ are shared with Western text, and fonts made for both (WenKai,
 * UMing, most of Debian's) draw them proportional, about a third of an em.
 * In Chinese text print sets them in a full em box, the ink against the
 * quoted words, and squeezes them like other brackets: an opening quote
 * gets its blank on the left, a closing one on the right. A quote is in
 * Chinese text when a neighbour is (“法治” yes, "the “rule of law”" no). */
static void widen_quotes(const shape_result *sr, const lb_params *p, lb_item *items) {
    size_t n = sr->n_items;
    double half = p->size * 0.5;
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = sr->items[i].cp;
        bool open = cp == 0x201C || cp == 0x2018, close = cp == 0x201D || cp == 0x2019;
        lb_item *it = &items[i];
        if ((!open && !close) || it->adv >= p->size * 0.9 || it->adv <= 0) continue;
        /* the neighbour across any adjacent quotes (“‘ or ’”) */
        size_t l = i, r = i;
        while (l > 0 && sr->items[l - 1].cp >= 0x2018 && sr->items[l - 1].cp <= 0x201D) l--;
        while (r + 1 < n && sr->items[r + 1].cp >= 0x2018 && sr->items[r + 1].cp <= 0x201D) r++;
        bool zh = (l > 0 && chinese_side(sr, items, l - 1)) ||
                  (r + 1 < n && chinese_side(sr, items, r + 1));
        if (!zh) continue;
        double blank = p->size - it->adv;
        it->wide = 1;
        if (open) {
            it->lead = blank;
            it->shrink = half < blank ? half : blank;
            it->shrink_left = 1;
            it->start_trim = it->shrink;
        } else {
            it->end_trim = half < blank ? half : blank;
            it->shrink = it->end_trim;
        }
        it->adv = p->size;
    }
}

/* Items that start inside a word get glue: ICU's word boundaries, from its
 * dictionary for Chinese ("大冶|市|人民政府|关于|2020|年度|法治|…"). When ICU
 * cannot run, every item stays breakable. */
static void mark_words(const shape_result *sr, const char *text, lb_item *items) {
    size_t n = sr->n_items;
    if (n < 2) return;
    size_t len = sr->items[n - 1].start + sr->items[n - 1].len;
    UErrorCode e = U_ZERO_ERROR;
    int32_t ulen = 0;
    u_strFromUTF8(NULL, 0, &ulen, text, (int32_t)len, &e);
    if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e)) return;
    e = U_ZERO_ERROR;
    UChar *u = xmalloc(((size_t)ulen + 1) * sizeof *u);
    u_strFromUTF8(u, ulen + 1, NULL, text, (int32_t)len, &e);
    UBreakIterator *bi = U_SUCCESS(e) ? ubrk_open(UBRK_WORD, "zh", u, ulen, &e) : NULL;
    if (bi && U_SUCCESS(e)) {
        /* UTF-16 boundaries to byte offsets, walking the text once */
        bool *boundary = xcalloc(len + 1, sizeof *boundary);
        size_t byte = 0;
        int32_t unit = 0;
        for (int32_t b = ubrk_first(bi); b != UBRK_DONE; b = ubrk_next(bi)) {
            while (unit < b && byte < len) {
                unsigned char c = (unsigned char)text[byte];
                size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
                unit += k == 4 ? 2 : 1;
                byte += k;
            }
            if (byte <= len) boundary[byte] = true;
        }
        for (size_t i = 1; i < n; i++) {
            if (sr->items[i].start <= len && !boundary[sr->items[i].start]) items[i].glue = 1;
            /* a number and the word it counts or dates ("2020年度", "12个") */
            uint32_t prev = sr->items[i - 1].cp;
            if (((prev >= '0' && prev <= '9') || (prev >= 0xFF10 && prev <= 0xFF19)) &&
                items[i].cls == LB_HAN)
                items[i].glue = 1;
        }
        free(boundary);
    }
    if (bi) ubrk_close(bi);
    free(u);
}

void lb_prepare(const shape_result *sr, const char *text, const lb_params *p, lb_item *items) {
    size_t n = sr->n_items;
    double half = p->size * 0.5;
    for (size_t i = 0; i < n; i++) {
        const shape_item *si = &sr->items[i];
        lb_item *it = &items[i];
        *it = (lb_item){.cls = (uint8_t)lb_class_of(si->cp), .adv = si->advance};
        if (it->cls == LB_SPACE) {
            it->end_trim = it->adv;
            continue;
        }
        /* Only a full-width mark whose ink stays within one half of its em box
         * can lose the other half; the fonts' own geometry decides, so faces
         * with centred (Taiwan-style) punctuation are left alone. */
        if ((it->cls == LB_STOP || it->cls == LB_CLOSE || it->cls == LB_OPEN) &&
            si->advance >= p->size * 0.9 && si->n_glyphs >= 1) {
            hb_glyph_extents_t ext;
            uint32_t gid = sr->glyphs[si->glyph_start].gid;
            hb_font_t *font = font_face_hb_font(si->face);
            if (hb_font_get_glyph_extents(font, gid, &ext)) {
                double scale = p->size / (double)font_face_upem(si->face);
                double ink_l = ext.x_bearing * scale, ink_r = (ext.x_bearing + ext.width) * scale;
                if (it->cls == LB_OPEN) {
                    if (ink_l >= half - p->size * 0.08) {
                        it->shrink = half;
                        it->shrink_left = 1;
                        it->start_trim = half;
                    }
                } else if (ink_r <= si->advance - half + p->size * 0.08) {
                    it->end_trim = half;
                    /* 。！？ end sentences: CLREQ squeezes commas and brackets
                     * mid-line, not full stops. */
                    if (si->cp != 0x3002 && si->cp != 0xFF01 && si->cp != 0xFF1F) it->shrink = half;
                }
            }
        }
    }
    widen_quotes(sr, p, items);
    /* Adjacent marks: the blank halves between them collapse (。” takes 1.5 em). */
    for (size_t i = 0; i + 1 < n; i++) {
        lb_item *a = &items[i], *b = &items[i + 1];
        bool a_right = (a->cls == LB_STOP || a->cls == LB_CLOSE) && a->end_trim > 0;
        bool b_punct = b->cls == LB_STOP || b->cls == LB_CLOSE || b->cls == LB_OPEN;
        if (a_right && b_punct) {
            a->adv -= a->end_trim;
            a->end_trim = a->shrink = 0;
        } else if (a->cls == LB_OPEN && b->cls == LB_OPEN && b->shrink_left && b->shrink > 0) {
            b->adv -= b->shrink;
            b->lead -= b->shrink; /* 0 - shrink for a full-width mark */
            b->shrink = b->start_trim = 0;
        }
    }
    /* Spacing between Han and Latin letters or digits (never a character in
     * the text). */
    for (size_t i = 1; i < n; i++) {
        uint8_t a = items[i - 1].cls, b = items[i].cls;
        if ((a == LB_HAN && b == LB_ALNUM) || (a == LB_ALNUM && b == LB_HAN))
            items[i].gap = p->han_latin_gap;
    }
    /* Word boundaries only decide where a line breaks: a title or heading
     * that fits on one line at its natural width needs none, and most do.
     * Asking ICU only for the others spares every document most of the
     * dictionary lookups, and a process whose headings all fit the loading
     * of ICU's Chinese dictionary (3 ms of a fresh render). */
    if (p->words && n > 1 && lb_width(items, 0, n, true) + p->first_indent > p->measure)
        mark_words(sr, text, items);
}

/* The leading blank an item loses when it starts a continuation line. */
static double start_trim(const lb_item *it, size_t s, bool first) { return first ? 0 : it[s].start_trim; }

double lb_width(const lb_item *it, size_t s, size_t e, bool first) {
    double w = -start_trim(it, s, first);
    for (size_t k = s; k < e; k++) w += it[k].adv + (k > s ? it[k].gap : 0);
    /* Trailing spaces and the blank half of a final mark do not count. */
    size_t k = e;
    while (k > s && it[k - 1].cls == LB_SPACE) {
        k--;
        w -= it[k].adv + (k > s ? it[k].gap : 0);
    }
    if (k > s) w -= it[k - 1].end_trim;
    return w;
}

static size_t skip_spaces(const lb_item *it, size_t n, size_t s) {
    while (s < n && it[s].cls == LB_SPACE) s++;
    return s;
}

size_t lb_break(const lb_item *it, size_t n, const lb_params *p, lb_line **out, size_t *cap) {
    size_t count = 0;
    size_t s = skip_spaces(it, n, 0);
    bool first = true;
    while (s < n) {
        double indent = first ? p->first_indent : 0;
        double avail = p->measure - indent;
        double w = 0;
        size_t best = 0; /* end (exclusive) of the last fitting break, 0 = none */
        bool pushed = false, squeezed = false;
        size_t i = s;
        for (; i < n; i++) {
            double wi = it[i].adv + (i > s ? it[i].gap : -start_trim(it, s, first));
            if (w + wi - it[i].end_trim <= avail + EPS || i == s) {
                w += wi;
                if (i + 1 == n || breakable(it, i)) best = i + 1;
                continue;
            }
            /* Item i overflows. A mark that may not start a line is squeezed
             * in by compressing punctuation on the line first (先挤进); only if
             * that fails is a character pushed down (后推出). */
            if (no_start(it[i].cls) && (i + 1 == n || breakable(it, i))) {
                double shrink = 0;
                for (size_t k = s + (start_trim(it, s, first) > 0); k < i; k++) shrink += it[k].shrink;
                if (w + wi - it[i].end_trim - shrink <= avail + EPS) {
                    best = i + 1;
                    squeezed = true;
                    break;
                }
            }
            if (best < i) pushed = best > s && no_start(it[i].cls);
            break;
        }
        if (i == n) best = n;
        bool forced = false;
        if (best <= s) { /* no opportunity: cut where it overflows */
            best = i > s ? i : s + 1;
            forced = true;
        }
        xgrow(out, cap, count + 1, sizeof(lb_line));
        (*out)[count++] = (lb_line){s, best, indent, first, pushed, squeezed, forced};
        s = skip_spaces(it, n, best);
        first = false;
    }
    /* A paragraph's last line must not hold a single character (孤字): pull
     * the previous line's last breakable piece down when it fits. */
    if (count >= 2) {
        lb_line *last = &(*out)[count - 1], *prev = &(*out)[count - 2];
        size_t visible = 0;
        for (size_t k = last->start; k < last->end; k++)
            visible += it[k].cls == LB_HAN || it[k].cls == LB_ALNUM;
        if (visible <= 1) {
            for (size_t b = prev->end - 1; b > prev->start + 1; b--) {
                if (!breakable(it, b - 1)) continue;
                if (lb_width(it, b, last->end, false) > p->measure + EPS) break;
                prev->end = b;
                last->start = b;
                break;
            }
        }
    }
    return count;
}

/* Stretch in CLREQ's order: Han–Latin gaps first, up to half an em each.
 * Returns what each of the mixed gaps gets of extra. */
static double mixed_share(const lb_params *p, double extra, size_t mixed) {
    double room = 0.5 * p->size - p->han_latin_gap;
    if (!mixed || room <= 0 || extra <= EPS) return 0;
    return fmin(room, extra / (double)mixed);
}

double lb_mixed_gap(const lb_item *it, const lb_line *ln, const lb_params *p, bool justify,
                    size_t k) {
    if (k <= ln->start || k >= ln->end || it[k].gap <= 0) return 0;
    if (!justify) return it[k].gap;
    size_t s = ln->start, last = ln->end;
    while (last > s + 1 && it[last - 1].cls == LB_SPACE) last--;
    if (k >= last) return it[k].gap;
    size_t mixed = 0;
    for (size_t j = s + 1; j < last; j++) mixed += it[j].gap > 0;
    double extra = p->measure - ln->indent - lb_width(it, s, ln->end, ln->first);
    return it[k].gap + mixed_share(p, extra, mixed);
}

size_t lb_break_balanced(const lb_item *it, size_t n, const lb_params *p, lb_line **out,
                         size_t *cap) {
    size_t count = lb_break(it, n, p, out, cap);
    if (count < 2) return count;
    /* The narrowest measure that still gives the same number of lines, by
     * bisection between the average line and the full measure. Greedy
     * breaking is not strictly monotonic in the measure, so only a measure
     * proven to give no more lines is kept. */
    lb_params q = *p;
    double lo = (lb_width(it, 0, n, true) + p->first_indent) / (double)count, hi = p->measure;
    if (lo > hi) lo = hi;
    for (int k = 0; k < 14 && hi - lo > 0.25; k++) {
        q.measure = (lo + hi) / 2;
        if (lb_break(it, n, &q, out, cap) <= count) hi = q.measure;
        else lo = q.measure;
    }
    q.measure = hi;
    return lb_break(it, n, &q, out, cap);
}

double lb_position(const lb_item *it, const lb_line *ln, const lb_params *p, bool justify,
                   double *x, double *width) {
    size_t s = ln->start, e = ln->end;
    double avail = p->measure - ln->indent;
    double natural = lb_width(it, s, e, ln->first);
    double extra = avail - natural;
    double lead_trim = start_trim(it, s, ln->first);
    size_t last = e;
    while (last > s + 1 && it[last - 1].cls == LB_SPACE) last--;
    /* Marks whose blank is already gone at either end of the line have
     * nothing left to give mid-line. */
    size_t shrink_from = s + (lead_trim > 0);
    size_t shrink_end = it[last - 1].end_trim > 0 ? last - 1 : last;
    double shrink_total = 0;
    for (size_t k = shrink_from; k < shrink_end; k++) shrink_total += it[k].shrink;
    /* Stretch in CLREQ's order: Han–Latin gaps first (mixed_share), then an
     * equal amount at every gap that may stretch. */
    size_t gaps = 0, mixed = 0;
    for (size_t k = s + 1; k < last; k++) {
        gaps += stretchable(it, k - 1);
        mixed += it[k].gap > 0;
    }
    double ratio = 0, mixed_add = 0, stretch = 0;
    bool letter = false;
    if (extra < -EPS && shrink_total > 0) {
        ratio = fmin(1.0, -extra / shrink_total);
    } else if (extra > EPS && justify) {
        double rest = extra;
        mixed_add = mixed_share(p, extra, mixed);
        rest -= mixed_add * (double)mixed;
        if (rest > EPS && gaps) stretch = rest / (double)gaps;
        /* A line cut inside a word has no gap that may stretch: spread the
         * space between its letters rather than leave it ragged. */
        if (rest > EPS && !gaps && ln->forced && last > s + 1) {
            letter = true;
            gaps = last - s - 1;
            stretch = rest / (double)gaps;
        }
    }
    double pen = ln->indent, edge = pen;
    for (size_t k = s; k < e; k++) {
        if (k > s) {
            pen += it[k].gap;
            if (it[k].gap > 0) pen += mixed_add;
            if (stretch > 0 && k < last && (letter || stretchable(it, k - 1))) pen += stretch;
        }
        double sh = (k >= shrink_from && k < shrink_end) ? it[k].shrink * ratio : 0;
        double lead = it[k].lead - (it[k].shrink_left ? sh : 0) - (k == s ? lead_trim : 0);
        x[k - s] = pen + lead;
        pen += it[k].adv - sh - (k == s ? lead_trim : 0);
        if (k + 1 == last) edge = pen - it[k].end_trim;
    }
    /* The trailing blank of a final mark and trailing spaces hang outside. */
    *width = edge;
    double adjust = edge - ln->indent - natural;
    return adjust;
}
