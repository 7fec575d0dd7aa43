/* Line-breaking rules on real shaped text (LXGW WenKai at 10 pt, so one Han
 * character is exactly 10 pt wide and measures are counted in characters):
 * where lines break, as data rows in tests/unit/linebreak.tsv; widths,
 * positions and flags below. Runs from the repository root. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "font/font.h"
#include "layout/linebreak.h"
#include "shape/shape.h"
#include "util/utf8.h"

static const font_face *face;
static shaper *sh;

typedef struct {
    shape_result sr;
    lb_item *items;
    lb_line *lines;
    size_t n_lines, cap;
    lb_params p;
    const char *text;
} broken;

static bool words_mode; /* brk breaks as titles and headings do */

static void brk(broken *b, const char *text, double chars, double indent_chars) {
    memset(b, 0, sizeof *b);
    b->text = text;
    const font_face *chain[1] = {face};
    shape_text(sh, chain, 1, text, strlen(text), 10, &b->sr);
    b->items = calloc(b->sr.n_items + 1, sizeof(lb_item));
    b->p = (lb_params){.size = 10, .measure = chars * 10, .first_indent = indent_chars * 10,
                       .han_latin_gap = 2.5, .words = words_mode};
    lb_prepare(&b->sr, text, &b->p, b->items);
    b->n_lines = lb_break(b->items, b->sr.n_items, &b->p, &b->lines, &b->cap);
}

static void done(broken *b) {
    shape_result_free(&b->sr);
    free(b->items);
    free(b->lines);
}

/* The text of line i, into out. */
static const char *line_text(const broken *b, size_t i, char *out, size_t size) {
    const lb_line *l = &b->lines[i];
    size_t s = b->sr.items[l->start].start;
    size_t e = b->sr.items[l->end - 1].start + b->sr.items[l->end - 1].len;
    snprintf(out, size, "%.*s", (int)(e - s), b->text + s);
    return out;
}

/* Where the ink area of a positioned line really ends: the last item's pen
 * position plus its advance less its hanging blank. */
static double real_edge(const broken *b, size_t li, const double *x) {
    const lb_line *l = &b->lines[li];
    size_t k = l->end - 1;
    return x[k - l->start] - b->items[k].lead + b->items[k].adv - b->items[k].end_trim;
}

static void test_no_comma_at_line_start(void) {
    /* The second comma arrives exactly at the start of line 2: it is squeezed
     * onto line 1 by compressing the first comma (先挤进). */
    broken b;
    char t[256];
    double x[16], w;
    brk(&b, "法治，政府建，设年度", 6, 0);
    CHECK_STR(line_text(&b, 0, t, sizeof t), "法治，政府建，");
    CHECK(b.lines[0].squeezed);
    lb_position(b.items, &b.lines[0], &b.p, true, x, &w);
    CHECK(w <= 60 + 1e-6 && w > 60 - 0.01);
    CHECK(fabs(real_edge(&b, 0, x) - 60) < 0.01);
    done(&b);
    /* Nothing on the line can give way: a character is pushed down (后推出). */
    brk(&b, "法治政府建，设年度", 5, 0);
    CHECK_STR(line_text(&b, 0, t, sizeof t), "法治政府");
    CHECK_STR(line_text(&b, 1, t, sizeof t), "建，设年度");
    CHECK(b.lines[0].pushed);
    lb_position(b.items, &b.lines[0], &b.p, true, x, &w);
    CHECK(w > 50 - 0.01 && w < 50 + 0.01);
    done(&b);
    /* Two marks arrive: a character is pushed down with them. */
    brk(&b, "法治政府建。」设年度", 5, 0);
    CHECK_STR(line_text(&b, 0, t, sizeof t), "法治政府");
    CHECK(strncmp(line_text(&b, 1, t, sizeof t), "建。」", strlen("建。」")) == 0);
    done(&b);
}

static void test_numbers_never_split(void) {
    broken b;
    char t[256];
    brk(&b, "满意率达99.65%以上", 6, 0);
    for (size_t i = 0; i < b.n_lines; i++) {
        line_text(&b, i, t, sizeof t);
        CHECK(strstr(t, "99.65%") || !strstr(t, "99"));
    }
    done(&b);
    brk(&b, "规划2021-2025年实施", 8, 0);
    CHECK(b.n_lines == 2);
    bool whole = false;
    for (size_t i = 0; i < b.n_lines; i++) whole |= strstr(line_text(&b, i, t, sizeof t), "2021-2025") != NULL;
    CHECK(whole);
    done(&b);
}

static void test_long_unbreakable_run(void) {
    broken b;
    brk(&b, "https://example.org/a/very/long/path/without/any/break/opportunity", 5, 0);
    CHECK(b.n_lines > 1);
    size_t covered = 0;
    for (size_t i = 0; i < b.n_lines; i++) covered += b.lines[i].end - b.lines[i].start;
    CHECK(covered == b.sr.n_items);
    done(&b);
}

static void test_only_punctuation(void) {
    broken b;
    brk(&b, "，。、；：！？，。、；：！？，。、；：！？", 4, 0);
    size_t covered = 0;
    for (size_t i = 0; i < b.n_lines; i++) covered += b.lines[i].end - b.lines[i].start;
    CHECK(covered == b.sr.n_items);
    CHECK(b.n_lines >= 1);
    done(&b);
}

static void test_justified_lines_flush(void) {
    broken b;
    brk(&b, "全县共有497个事项可“即来即办”，2489事项可通过一体化平台“网上办”“就近办”，2712个事项可实现“一次办”。", 12, 2);
    double x[128], w;
    for (size_t i = 0; i + 1 < b.n_lines; i++) {
        lb_position(b.items, &b.lines[i], &b.p, true, x, &w);
        CHECK(w > 120 - 0.01 && w < 120 + 0.01);
        CHECK(fabs(real_edge(&b, i, x) - 120) < 0.01);
    }
    lb_position(b.items, &b.lines[b.n_lines - 1], &b.p, false, x, &w);
    CHECK(w <= 120 + 0.01);
    done(&b);
}

static void test_adjacent_punctuation_compressed(void) {
    broken b;
    brk(&b, "建设。”年度", 10, 0);
    /* 。 loses its blank half before ”: the pair takes 1.5 em. */
    CHECK(b.items[2].adv < 6 && b.items[2].adv > 4);
    done(&b);
}

static void test_quotes_full_width_in_chinese(void) {
    /* The fonts draw “ ” narrow (shared with Western text); between Han
     * characters they take a full em, ink against the quoted words. */
    broken b;
    double x[32], w;
    brk(&b, "开展“敲门行动”工作", 20, 0);
    CHECK(b.items[2].wide && b.items[7].wide);
    CHECK(fabs(b.items[2].adv - 10) < 1e-6 && fabs(b.items[7].adv - 10) < 1e-6);
    CHECK(b.items[2].shrink_left && b.items[2].lead > 4); /* opening: blank on the left */
    CHECK(fabs(b.items[7].lead) < 1e-6 && b.items[7].end_trim > 4); /* closing: on the right */
    lb_position(b.items, &b.lines[0], &b.p, false, x, &w);
    CHECK(fabs(x[3] - 30) < 0.01); /* 敲 starts at 3 em: 开展 + a full em for “ */
    CHECK(fabs(x[8] - 80) < 0.01); /* 工 at 8 em */
    done(&b);
    /* In Latin text they stay as the font draws them. */
    brk(&b, "the “rule of law” here", 40, 0);
    CHECK(!b.items[4].wide && b.items[4].adv < 6);
    done(&b);
    /* Squeezed like brackets: ”。 collapses to 1.5 em, and a line that
     * needs it may take the quote's blank half. */
    brk(&b, "法治“建设”。年", 20, 0);
    CHECK(fabs(b.items[5].adv - 5) < 0.01);
    done(&b);
}

static void test_titles_break_between_words(void) {
    /* Body text breaks anywhere; a title only between words (ICU's
     * dictionary), and never between a number and its word. */
    broken b;
    char t[256];
    const char *title = "大冶市人民政府关于2020年度法治政府建设情况的报告";
    brk(&b, title, 13, 0);
    CHECK_STR(line_text(&b, 0, t, sizeof t), "大冶市人民政府关于2020年"); /* body: 年|度 */
    done(&b);
    words_mode = true;
    brk(&b, title, 13, 0);
    CHECK_STR(line_text(&b, 0, t, sizeof t), "大冶市人民政府关于");
    CHECK_STR(line_text(&b, 1, t, sizeof t), "2020年度法治政府建设情况");
    done(&b);
    brk(&b, "全面推动法治政府建设取得新突破", 9, 0);
    CHECK_STR(line_text(&b, 0, t, sizeof t), "全面推动法治政府");
    done(&b);
    /* a word longer than the line is still cut, not left overflowing */
    brk(&b, "中华人民共和国", 3, 0);
    CHECK(b.n_lines >= 2);
    done(&b);
    words_mode = false;
}

static void test_opening_bracket_at_line_start(void) {
    /* 《 starts line 2: its blank leading half goes, so its ink sits at the
     * edge and the line gains half an em. */
    broken b;
    char t[256];
    double x[32], w;
    brk(&b, "法治政府建设《年度报告》法治", 6, 0);
    CHECK_STR(line_text(&b, 1, t, sizeof t), "《年度报告》");
    lb_position(b.items, &b.lines[1], &b.p, false, x, &w);
    CHECK(fabs(x[0] + 5) < 0.01);
    CHECK(fabs(w - 50) < 0.01); /* 《 and 》 each lose a blank half */
    /* On a block's first line it keeps its full width. */
    lb_position(b.items, &b.lines[0], &b.p, false, x, &w);
    CHECK(fabs(x[0]) < 0.01);
    done(&b);
}

static void test_mixed_gaps_stretch_first(void) {
    /* Line 1 "法治ABC政府" + pushed text: the Han–Latin gaps grow first (to at
     * most half an em), then every gap equally. */
    broken b;
    double x[64], w;
    brk(&b, "法治政府2021年建设工作报告，", 9, 0);
    lb_position(b.items, &b.lines[0], &b.p, true, x, &w);
    CHECK(fabs(w - 90) < 0.01);
    done(&b);
}

/* The rows of linebreak.tsv: text, measure, indent, mode, the lines. */
static void test_rows(void) {
    FILE *f = fopen("tests/unit/linebreak.tsv", "r");
    CHECK(f != NULL);
    if (!f) return;
    char *line = NULL;
    size_t cap = 0, rows = 0;
    ssize_t n;
    for (unsigned no = 1; (n = getline(&line, &cap, f)) >= 0; no++) {
        if (n && line[n - 1] == '\n') line[--n] = 0;
        if (line[0] == '#' || !line[0]) continue;
        char *field[6];
        size_t k = 0;
        for (char *p = line; k < 6 && p; k++) {
            field[k] = p;
            p = strchr(p, '\t');
            if (p) *p++ = 0;
        }
        if (k < 6) {
            fprintf(stderr, "linebreak.tsv:%u: not six tab-separated fields\n", no);
            CHECK(false);
            continue;
        }
        words_mode = strcmp(field[3], "words") == 0;
        broken b;
        brk(&b, field[0], atof(field[1]), atof(field[2]));
        if (!strcmp(field[3], "balanced"))
            b.n_lines = lb_break_balanced(b.items, b.sr.n_items, &b.p, &b.lines, &b.cap);
        words_mode = false;
        char got[1024] = "", t[256];
        for (size_t i = 0; i < b.n_lines; i++) {
            if (i) strncat(got, " / ", sizeof got - strlen(got) - 1);
            strncat(got, line_text(&b, i, t, sizeof t), sizeof got - strlen(got) - 1);
        }
        if (strcmp(got, field[4]) != 0)
            fprintf(stderr, "linebreak.tsv:%u (%s): got \"%s\"\n", no, field[5], got);
        CHECK(strcmp(got, field[4]) == 0);
        done(&b);
        rows++;
    }
    free(line);
    fclose(f);
    CHECK(rows >= 12);
}

int main(void) {
    diag_list *d = diag_list_new();
    font_lib *lib = font_lib_load("fonts/fonts.json", d);
    diag_print(d, stderr);
    CHECK(lib != NULL);
    if (!lib) return CHECK_DONE();
    face = font_lib_find(lib, "LXGW WenKai");
    CHECK(face != NULL);
    sh = shaper_new();
    test_rows();
    test_no_comma_at_line_start();
    test_numbers_never_split();
    test_long_unbreakable_run();
    test_only_punctuation();
    test_justified_lines_flush();
    test_adjacent_punctuation_compressed();
    test_opening_bracket_at_line_start();
    test_quotes_full_width_in_chinese();
    test_titles_break_between_words();
    test_mixed_gaps_stretch_first();
    shaper_free(sh);
    font_lib_free(lib);
    diag_list_free(d);
    return CHECK_DONE();
}
