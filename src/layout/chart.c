/* Horizontal bar charts drawn as vectors: bars are filled rects, the axes
 * and ticks are rules, labels are text like any other (so they are
 * extracted and searchable). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/xalloc.h"
#include "engine_internal.h"

#define EPS 1e-6

/* A round step (1, 2 or 5 × 10^k) that cuts span into about n parts. */
static double nice_step(double span, int n) {
    double raw = span / n;
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nice * mag;
}

/* Text on one line whose vertical centre is at cy, in the box [x, x + w]. */
static void place_label(layout_engine *e, tmpl_style_id sid, const char *text, double x, double w,
                        double cy, tmpl_align al) {
    const tmpl_style *st = &e->t->styles[sid];
    run r;
    layout_prepare(e, &r, sid, text, strlen(text), w, NULL, false);
    double pitch = layout_pitch(st);
    double first = cy + (double)(r.n_lines - 1) * pitch / 2 - (ASCENT - 0.5) * st->size;
    for (size_t li = 0; li < r.n_lines; li++)
        layout_place_line_at(e, &r, li, x, first - (double)li * pitch, al, li + 1 == r.n_lines);
}

typedef struct scale {
    double lo, hi, step;
    double x0, w; /* plot area */
} scale;

static double sx(const scale *s, double v) { return s->x0 + (v - s->lo) / (s->hi - s->lo) * s->w; }

/* The zero line from the segment's top to its foot, the axis, its ticks and
 * their values. */
static void draw_axis(layout_engine *e, const layout_chart *c, const scale *s, double top,
                      double tick_h) {
    double foot = e->y;
    double z = sx(s, 0);
    layout_push_rule(e, z, top, z, foot, 0.75, c->axis_color);
    layout_push_rule(e, s->x0, foot, s->x0 + s->w, foot, 0.5, c->axis_color);
    const tmpl_style *ls = &e->t->styles[c->label_style];
    for (double v = s->lo; v <= s->hi + s->step * 1e-6; v += s->step) {
        double x = sx(s, fabs(v) < s->step * 1e-9 ? 0 : v);
        layout_push_rule(e, x, foot, x, foot - 3, 0.5, c->axis_color);
        buf num;
        buf_init(&num);
        buf_put_num(&num, fabs(v) < s->step * 1e-9 ? 0 : v, 4);
        double w = 4 * ls->size + layout_natural_width(e, c->label_style, num.data, num.len);
        place_label(e, c->label_style, num.data, x - w / 2, w, foot - 3 - tick_h / 2, TMPL_CENTER);
        buf_free(&num);
    }
    e->y = foot - 3 - tick_h;
    e->fresh = false;
}

void layout_chart_add(layout_engine *e, const layout_chart *c) {
    if (c->n_bars == 0 || e->failed) return;
    const tmpl_style *ls = &e->t->styles[c->label_style];
    double em = ls->size;
    double label_w = c->label_width, value_w = 0;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < c->n_bars; i++) {
        const layout_bar *b = &c->bars[i];
        if (c->label_width <= 0) {
            double w = layout_natural_width(e, c->label_style, b->label, strlen(b->label)) + em;
            if (w > label_w) label_w = w;
        }
        double vw = layout_natural_width(e, c->label_style, b->value_text, strlen(b->value_text));
        if (vw + em / 2 > value_w) value_w = vw + em / 2;
        if (b->value < lo) lo = b->value;
        if (b->value > hi) hi = b->value;
    }
    if (label_w > e->measure / 3) label_w = e->measure / 3;
    scale s;
    s.x0 = e->left + label_w;
    s.w = e->measure - label_w - value_w - (lo < 0 ? value_w : 0);
    if (lo < 0) s.x0 += value_w;
    if (s.w < 4 * em) s.w = 4 * em;
    if (hi - lo < EPS) hi = lo + 1;
    s.step = nice_step(hi - lo, 4);
    s.lo = floor(lo / s.step + 1e-9) * s.step;
    s.hi = ceil(hi / s.step - 1e-9) * s.step;
    if (s.hi - s.lo < EPS) s.hi = s.lo + s.step;

    double row = c->bar_height + c->bar_gap;
    double tick_h = layout_pitch(ls) + 3;
    layout_cur_page(e);
    layout_space(e, e->t->styles[c->caption_style].space_before);
    if (c->caption && c->caption[0]) {
        layout_need(e, layout_line_height(e, c->caption_style) + row + tick_h + 3);
        layout_text(e, c->caption_style, c->caption, strlen(c->caption), NULL, 0, 0);
    }
    layout_need(e, row + tick_h + 3);
    double top = e->y;
    for (size_t i = 0; i < c->n_bars && !e->failed; i++) {
        const layout_bar *b = &c->bars[i];
        if (e->y - row - tick_h - 3 < e->bottom - EPS && e->y < top) {
            draw_axis(e, c, &s, top, tick_h);
            layout_new_page(e);
            top = e->y;
        }
        double bt = e->y - c->bar_gap / 2, cy = bt - c->bar_height / 2;
        double x0 = sx(&s, fmin(0, b->value)), x1 = sx(&s, fmax(0, b->value));
        if (x1 - x0 > EPS) layout_push_rect(e, x0, bt - c->bar_height, x1 - x0, c->bar_height, c->bar_color);
        place_label(e, c->label_style, b->label, e->left, label_w - em / 2, cy, TMPL_RIGHT);
        if (b->value >= 0)
            place_label(e, c->label_style, b->value_text, x1 + em / 4, value_w, cy, TMPL_LEFT);
        else
            place_label(e, c->label_style, b->value_text, x0 - em / 4 - value_w, value_w, cy,
                        TMPL_RIGHT);
        e->y -= row;
    }
    draw_axis(e, c, &s, top, tick_h);
    layout_space(e, e->t->styles[c->caption_style].space_after);
    layout_snap(e);
}
