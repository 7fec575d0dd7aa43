/* Highlights and problems (block "points"): drawn from the section whose
 * title contains one of the block's words (成效/情况/举措, 问题/不足), one point
 * per subsection (its heading without numbering, then its first sentences),
 * topped up from the section's paragraphs; in a report with no such
 * section, from its other top-level sections or the sentences that use the
 * words (points_by_fallback). Points are what a page limit cuts:
 * sentence by sentence, longest first, marked with ……. */
#include <stdlib.h>
#include <string.h>

#include "../util/utf8.h"
#include "../util/xalloc.h"
#include "render_internal.h"

static bool is_stop(uint32_t cp) {
    return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF1B || cp == '!' || cp == '?' ||
           cp == ';';
}

static bool is_closing(uint32_t cp) {
    return cp == 0x201D || cp == 0x2019 || cp == 0xFF09 || cp == 0x300D || cp == 0x300F ||
           cp == 0x300B || cp == ')' || cp == 0x3015 || cp == 0x3011 || cp == '"';
}

size_t rc_sentences(const char *text, char ***out) {
    size_t len = strlen(text), n = 0, cap = 0, start = 0;
    *out = NULL;
    for (size_t i = 0; i < len;) {
        uint32_t cp = utf8_next(text, len, &i);
        if (!is_stop(cp) && i < len) continue;
        /* A closing mark after the stop belongs to the sentence (。”). */
        while (i < len) {
            size_t j = i;
            uint32_t next = utf8_next(text, len, &j);
            if (!is_closing(next) && !is_stop(next)) break;
            i = j;
        }
        size_t s = start;
        while (s < i && (text[s] == ' ')) s++;
        if (i > s) {
            xgrow(out, &cap, n + 1, sizeof(char *));
            (*out)[n++] = xstrndup(text + s, i - s);
        }
        start = i;
    }
    return n;
}

/* The heading without its numbering ("（一）", "一、", "1.", "(1)") and
 * without closing punctuation, to lead a point. */
static char *strip_heading(const char *title) {
    static const char *const numerals = "一二三四五六七八九十百零";
    const char *s = title;
    size_t len = strlen(s), i = 0;
    while (i < len && s[i] == ' ') i++;
    size_t at = i;
    uint32_t cp = utf8_next(s, len, &i);
    bool paren = cp == '(' || cp == 0xFF08;
    if (!paren) i = at;
    size_t digits = i, k = i;
    for (;;) {
        size_t j = k;
        uint32_t d = j < len ? utf8_next(s, len, &j) : 0;
        char u[8] = {0};
        utf8_encode(d, u);
        bool numeral = (d >= '0' && d <= '9') || (d >= 0x4E00 && strstr(numerals, u));
        if (!numeral || j == k) break;
        k = j;
    }
    if (k > digits && k < len) {
        size_t j = k;
        uint32_t d = utf8_next(s, len, &j);
        bool closes = paren ? (d == ')' || d == 0xFF09) : (d == 0x3001 || d == '.' || d == 0xFF0E);
        if (closes) at = j;
    }
    while (at < len && s[at] == ' ') at++;
    /* Trailing 。；，: and spaces. */
    size_t end = len;
    for (;;) {
        if (end <= at) break;
        size_t e = end - 1;
        while (e > at && ((unsigned char)s[e] & 0xC0) == 0x80) e--;
        size_t j = e;
        uint32_t last = utf8_next(s, len, &j);
        if ((last == 0x3002 || last == 0xFF1B || last == 0xFF0C || last == ',' ||
                         last == ';' || last == ':' || last == 0xFF1A || last == ' '))
            end = e;
        else
            break;
    }
    return xstrndup(s + at, end - at);
}

static bool title_matches(const tmpl_block *b, const char *title) {
    bool hit = false;
    for (size_t i = 0; i < b->n_match; i++) hit |= strstr(title, b->match[i]) != NULL;
    for (size_t i = 0; i < b->n_exclude; i++)
        if (strstr(title, b->exclude[i])) return false;
    return hit;
}

/* The first section, shallowest first, whose title matches. */
static const report_section *find_section(const report_section *s, size_t n, const tmpl_block *b,
                                          int depth, const char *parent, char **path) {
    for (size_t i = 0; i < n && depth == 0; i++)
        if (title_matches(b, s[i].title)) {
            *path = xasprintf("%s[%zu]", parent, i);
            return &s[i];
        }
    for (size_t i = 0; i < n && depth > 0; i++) {
        char *p = xasprintf("%s[%zu].sections", parent, i);
        const report_section *hit = find_section(s[i].sections, s[i].n_sections, b, depth - 1, p, path);
        free(p);
        if (hit) return hit;
    }
    return NULL;
}

/* The first paragraph in a section's subtree, with its path. */
static const char *first_paragraph(const report_section *s, const char *path, char **ppath) {
    if (s->n_paragraphs) {
        *ppath = xasprintf("%s.paragraphs[0]", path);
        return s->paragraphs[0];
    }
    for (size_t i = 0; i < s->n_sections; i++) {
        char *p = xasprintf("%s.sections[%zu]", path, i);
        const char *hit = first_paragraph(&s->sections[i], p, ppath);
        free(p);
        if (hit) return hit;
    }
    return NULL;
}

/* Paragraphs of a subtree in document order, with paths, for topping up. */
typedef struct para {
    const char *text;
    char *path;
    size_t used; /* sentences already shown by a point */
} para;

static void all_paragraphs(const report_section *s, const char *path, para **v, size_t *n,
                           size_t *cap) {
    for (size_t i = 0; i < s->n_paragraphs; i++) {
        xgrow(v, cap, *n + 1, sizeof(para));
        (*v)[(*n)++] = (para){s->paragraphs[i], xasprintf("%s.paragraphs[%zu]", path, i), 0};
    }
    for (size_t i = 0; i < s->n_sections; i++) {
        char *p = xasprintf("%s.sections[%zu]", path, i);
        all_paragraphs(&s->sections[i], p, v, n, cap);
        free(p);
    }
}

static rpoint *add_point(rpoints *out, size_t *cap) {
    xgrow(&out->v, cap, out->n + 1, sizeof(rpoint));
    rpoint *p = &out->v[out->n++];
    *p = (rpoint){0};
    return p;
}

/* A point of one sentence (which it takes), from the paragraph at path. */
static void add_sentence_point(rpoints *out, size_t *cap, char *sentence, const char *path) {
    rpoint *p = add_point(out, cap);
    p->sent = xcalloc(1, sizeof(char *));
    p->sent[0] = sentence;
    p->n_sent = p->init = p->keep = 1;
    p->path = xstrdup(path);
}

/* One point per section: its heading leads, its first sentences follow. */
static void point_of_section(const tmpl_block *b, const report_section *ch, const char *cpath,
                             rpoints *out, size_t *cap, para *paras, size_t n_paras) {
    char *ppath = NULL;
    const char *text = first_paragraph(ch, cpath, &ppath);
    rpoint *p = add_point(out, cap);
    p->lead = strip_heading(ch->title);
    if (text) {
        p->n_sent = rc_sentences(text, &p->sent);
        p->init = p->keep = p->n_sent < b->sentences ? p->n_sent : b->sentences;
        p->path = ppath;
        for (size_t k = 0; k < n_paras; k++)
            if (paras[k].text == text) paras[k].used = p->init;
    } else {
        p->path = xasprintf("%s.title", cpath);
    }
}

static bool has_word(const char *text, char *const *words, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (strstr(text, words[i])) return true;
    return false;
}

/* For a report whose headings use none of the block's words (reports are
 * organised by topic as often as by results and problems): a block with
 * words to exclude (highlights) takes the top-level sections that are not
 * excluded, one point each; any other block (problems) takes the
 * sentences of the report that use its words, one point each. False when
 * that finds nothing either. */
static bool points_by_fallback(rctx *c, const tmpl_block *b, rpoints *out) {
    const report *r = c->r;
    size_t cap = 0;
    if (b->n_exclude) {
        for (size_t i = 0; i < r->n_sections && out->n < b->count; i++) {
            if (has_word(r->sections[i].title, b->exclude, b->n_exclude)) continue;
            char *path = xasprintf("$.sections[%zu]", i);
            point_of_section(b, &r->sections[i], path, out, &cap, NULL, 0);
            free(path);
        }
        return out->n > 0;
    }
    para *paras = NULL;
    size_t n_paras = 0, cap_paras = 0;
    for (size_t i = 0; i < r->n_sections; i++) {
        char *p = xasprintf("$.sections[%zu]", i);
        all_paragraphs(&r->sections[i], p, &paras, &n_paras, &cap_paras);
        free(p);
    }
    for (size_t k = 0; k < n_paras; k++) {
        char **sent = NULL;
        size_t ns = rc_sentences(paras[k].text, &sent);
        for (size_t i = 0; i < ns; i++) {
            if (out->n < b->count && has_word(sent[i], b->match, b->n_match))
                add_sentence_point(out, &cap, sent[i], paras[k].path);
            else
                free(sent[i]);
        }
        free(sent);
        free(paras[k].path);
    }
    free(paras);
    return out->n > 0;
}

void rc_points_collect(rctx *c, const tmpl_block *b, rpoints *out) {
    const report *r = c->r;
    *out = (rpoints){0};
    char *spath = NULL;
    const report_section *sec = NULL;
    for (int depth = 0; depth < 4 && !sec; depth++)
        sec = find_section(r->sections, r->n_sections, b, depth, "$.sections", &spath);
    if (!sec && points_by_fallback(c, b, out)) return;
    if (!sec) {
        buf words;
        buf_init(&words);
        for (size_t i = 0; i < b->n_match; i++) buf_printf(&words, "%s%s", i ? ", " : "", b->match[i]);
        diag_add(c->d, DIAG_WARNING, c->t->source, b->path,
                 "no section title of %s contains %s; the block shows nothing", r->source,
                 words.data ? words.data : "");
        buf_free(&words);
        return;
    }
    size_t cap = 0;
    para *paras = NULL;
    size_t n_paras = 0, cap_paras = 0;
    all_paragraphs(sec, spath, &paras, &n_paras, &cap_paras);
    /* One point per subsection: its heading leads, its first sentences follow. */
    for (size_t i = 0; i < sec->n_sections && out->n < b->count; i++) {
        char *cpath = xasprintf("%s.sections[%zu]", spath, i);
        point_of_section(b, &sec->sections[i], cpath, out, &cap, paras, n_paras);
        free(cpath);
    }
    /* Then the section's own paragraphs, one point each, when there are
     * enough of them; else their sentences one by one (below), so that a
     * section of one paragraph still gives count points. */
    bool enough = out->n + sec->n_paragraphs >= b->count;
    for (size_t k = 0; enough && k < sec->n_paragraphs && out->n < b->count; k++) {
        rpoint *p = add_point(out, &cap);
        p->n_sent = rc_sentences(sec->paragraphs[k], &p->sent);
        p->init = p->keep = p->n_sent < b->sentences ? p->n_sent : b->sentences;
        p->path = xasprintf("%s.paragraphs[%zu]", spath, k);
        paras[k].used = p->init;
    }
    /* Then sentences not shown yet, one point each. */
    for (size_t k = 0; k < n_paras && out->n < b->count; k++) {
        char **sent = NULL;
        size_t ns = rc_sentences(paras[k].text, &sent);
        for (size_t s = 0; s < ns; s++) {
            if (s >= paras[k].used && out->n < b->count)
                add_sentence_point(out, &cap, sent[s], paras[k].path);
            else
                free(sent[s]);
        }
        free(sent);
    }
    if (out->n < b->count)
        diag_add(c->d, DIAG_WARNING, r->source, spath, "%zu of %zu points found for %s", out->n,
                 b->count, b->path);
    for (size_t k = 0; k < n_paras; k++) free(paras[k].path);
    free(paras);
    free(spath);
}

/* Chinese numerals for point numbers: 一 … 十九 (beyond that, digits). */
static void chinese_number(size_t n, char *out, size_t size) {
    static const char *const d[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (n < 10) snprintf(out, size, "%s", d[n]);
    else if (n < 20) snprintf(out, size, "十%s", d[n - 10]);
    else snprintf(out, size, "%zu", n);
}

/* Drops the closing stop of text (。；) so …… can take its place. */
static void drop_stop(buf *b) {
    if (b->len == 0) return;
    size_t e = b->len - 1;
    while (e > 0 && ((unsigned char)b->data[e] & 0xC0) == 0x80) e--;
    size_t j = e;
    uint32_t cp = utf8_next(b->data, b->len, &j);
    if (cp == 0x3002 || cp == 0xFF1B || cp == 0xFF0C || cp == ';' || cp == ',') {
        b->len = e;
        b->data[e] = 0;
    }
}

void rc_points_layout(rctx *c, const tmpl_block *b, const rpoints *p) {
    size_t shown = 0;
    for (size_t i = 0; i < p->n; i++) shown += !p->v[i].dropped;
    if (b->heading && shown) {
        buf h;
        buf_init(&h);
        char *hp = xasprintf("%s.heading", b->path);
        if (rc_expand(c, b->heading, hp, false, &h) && h.len)
            layout_text(c->e, b->style2, h.data, h.len, hp, 0,
                        2 * layout_line_height(c->e, b->style));
        free(hp);
        buf_free(&h);
    }
    size_t number = 0;
    for (size_t i = 0; i < p->n && !c->failed; i++) {
        const rpoint *pt = &p->v[i];
        if (pt->dropped) continue;
        char n[16], cn[32];
        snprintf(n, sizeof n, "%zu", ++number);
        chinese_number(number, cn, sizeof cn);
        c->point_n = n;
        c->point_cn = cn;
        buf t;
        buf_init(&t);
        char *pp = xasprintf("%s.prefix", b->path);
        rc_expand(c, b->prefix, pp, false, &t);
        free(pp);
        c->point_n = c->point_cn = NULL;
        if (pt->lead) {
            buf_puts(&t, pt->lead);
            if (pt->keep) buf_puts(&t, b->separator);
        }
        for (size_t s = 0; s < pt->keep; s++) buf_puts(&t, pt->sent[s]);
        if (pt->keep < pt->init) {
            drop_stop(&t);
            buf_puts(&t, "……");
        }
        layout_text(c->e, b->style, t.data, t.len, pt->path, 0, 0);
        buf_free(&t);
    }
}

static size_t shown_len(const rpoint *p) {
    size_t n = 0;
    for (size_t s = 0; s < p->keep; s++) n += strlen(p->sent[s]);
    return n;
}

bool rc_points_cut(rctx *c) {
    const tmpl *t = c->t;
    /* The longest text loses its last sentence... */
    rpoint *best = NULL;
    size_t best_len = 0;
    for (size_t b = 0; b < t->n_blocks; b++)
        for (size_t i = 0; i < c->points[b].n; i++) {
            rpoint *p = &c->points[b].v[i];
            if (p->dropped || p->keep <= 1) continue;
            size_t l = shown_len(p);
            if (!best || l > best_len) best = p, best_len = l;
        }
    if (best) {
        best->keep--;
        return true;
    }
    /* ...and when every point is down to one sentence, the last point of
     * the block with the most goes. */
    rpoints *most = NULL;
    size_t most_n = 0;
    for (size_t b = 0; b < t->n_blocks; b++) {
        size_t n = 0;
        for (size_t i = 0; i < c->points[b].n; i++) n += !c->points[b].v[i].dropped;
        if (n > most_n) most = &c->points[b], most_n = n;
    }
    if (!most) return false;
    for (size_t i = most->n; i-- > 0;)
        if (!most->v[i].dropped) {
            most->v[i].dropped = true;
            return true;
        }
    return false;
}

void rc_points_report(rctx *c, size_t *cuts) {
    const tmpl *t = c->t;
    for (size_t b = 0; b < t->n_blocks; b++)
        for (size_t i = 0; i < c->points[b].n; i++) {
            const rpoint *p = &c->points[b].v[i];
            if (p->dropped) {
                diag_add(c->d, DIAG_WARNING, c->source, p->path,
                         "point %zu of %s dropped to fit %u page%s", i + 1, t->blocks[b].path,
                         t->page_limit, t->page_limit == 1 ? "" : "s");
                (*cuts)++;
            } else if (p->keep < p->init) {
                diag_add(c->d, DIAG_WARNING, c->source, p->path,
                         "cut at a sentence boundary to fit %u page%s: kept %zu of %zu sentences (%s)",
                         t->page_limit, t->page_limit == 1 ? "" : "s", p->keep, p->init,
                         t->blocks[b].path);
                (*cuts)++;
            }
        }
}

void rc_points_free(rpoints *p) {
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].lead);
        for (size_t s = 0; s < p->v[i].n_sent; s++) free(p->v[i].sent[s]);
        free(p->v[i].sent);
        free(p->v[i].path);
    }
    free(p->v);
    *p = (rpoints){0};
}
