/* The typography rules checked on the PDF itself, with MuPDF's text
 * extraction (mutool draw -F stext) as an independent witness:
 *
 *   stext_check BRIEFING REPORT.json TEMPLATE.json OUTDIR
 *
 * - no line starts with a mark that may not start a line (、，。；：！？）》”…
 *   and closing ASCII marks in Chinese text), no line ends with one that may
 *   not end it (（《“… and opening ASCII marks);
 * - the right edges of justified lines align within 0.5 pt with the end of
 *   the template's measure (a line-final full-width mark may end there with
 *   the middle of its em box: its blank half hangs by design).
 * Which lines end a paragraph (and so are not justified) comes from
 * --dump-lines; every position comes from MuPDF. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check.h"
#include "rules.h"
#include "tmpl/tmpl.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/utf8.h"
#include "util/xalloc.h"

typedef struct {
    int page;
    double y, x0, x1, size; /* y top-down, as MuPDF reports it */
    uint32_t cp;
} ch;

typedef struct {
    int page;
    double y; /* top-down baseline */
    bool last, justified, first, after_forced;
} dline;

static double attr(const char *tag, const char *name) {
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *p = strstr(tag, key);
    return p ? strtod(p + strlen(key), NULL) : NAN;
}

static uint32_t char_attr(const char *tag) {
    const char *p = strstr(tag, " c=\"");
    if (!p) return 0;
    p += 4;
    if (!strncmp(p, "&#x", 3)) return (uint32_t)strtoul(p + 3, NULL, 16);
    if (!strncmp(p, "&lt;", 4)) return '<';
    if (!strncmp(p, "&gt;", 4)) return '>';
    if (!strncmp(p, "&amp;", 5)) return '&';
    if (!strncmp(p, "&quot;", 6)) return '"';
    if (!strncmp(p, "&apos;", 6)) return '\'';
    size_t i = 0;
    return utf8_next(p, strlen(p), &i);
}

/* Full-width marks whose trailing blank half may hang past the measure. */
static bool hangs(uint32_t cp) {
    switch (cp) {
    case 0x3001: case 0xFF0C: case 0x3002: case 0xFF1B: case 0xFF1A: case 0xFF01: case 0xFF1F:
    case 0xFF09: case 0x3015: case 0x3011: case 0x300B: case 0x3009: case 0x300D: case 0x300F:
    case 0x201D: case 0x2019:
        return true;
    default:
        return false;
    }
}

static int by_pos(const void *a, const void *b) {
    const ch *x = a, *y = b;
    if (x->page != y->page) return x->page - y->page;
    if (fabs(x->y - y->y) > 0.5) return x->y < y->y ? -1 : 1;
    return x->x0 < y->x0 ? -1 : x->x0 > y->x0;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: stext_check BRIEFING REPORT.json TEMPLATE.json OUTDIR\n");
        return 2;
    }
    const char *bin = argv[1], *in = argv[2], *tpath = argv[3], *outdir = argv[4];
    const char *base = strrchr(in, '/') ? strrchr(in, '/') + 1 : in;
    const char *tbase = strrchr(tpath, '/') ? strrchr(tpath, '/') + 1 : tpath;
    char *stem = xasprintf("%s/%.*s.%.*s", outdir, (int)(strlen(base) - 5), base,
                           (int)(strlen(tbase) - 5), tbase);
    char *cmd = xasprintf("mkdir -p '%s' && '%s' render '%s' -t '%s' -o '%s.pdf' --dump-lines '%s.jsonl' "
                          "2>/dev/null && mutool draw -q -F stext -o '%s.stext' '%s.pdf' 2>/dev/null",
                          outdir, bin, in, tpath, stem, stem, stem, stem);
    int st = system(cmd);
    free(cmd);
    CHECK(st == 0);
    diag_list *d = diag_list_new();
    tmpl *t = tmpl_load(tpath, d);
    CHECK(t != NULL);
    char *p1 = xasprintf("%s.stext", stem), *p2 = xasprintf("%s.jsonl", stem);
    size_t xl = 0, jl = 0;
    char *xml = file_read_all(p1, 1u << 30, &xl, d);
    char *jsonl = file_read_all(p2, 1u << 30, &jl, d);
    diag_print(d, stderr);
    CHECK(xml && jsonl && t);
    if (!xml || !jsonl || !t) return CHECK_DONE();
    /* Where justified lines must end: the template's measure from the left
     * margin (the type area, or the grid's characters per line). */
    double right = t->margin_left + tmpl_measure(t);

    /* Characters from MuPDF; spaces it synthesizes from gaps are ignored. */
    ch *cs = NULL;
    size_t n = 0, cap = 0;
    int page = 0;
    double height = 0, size = 0;
    for (char *p = xml; (p = strchr(p, '<'));) {
        char *end = strchr(p, '>');
        if (!end) break;
        *end = 0;
        if (!strncmp(p, "<page ", 6)) {
            page++;
            height = attr(p, "height");
        } else if (!strncmp(p, "<font ", 6)) {
            size = attr(p, "size");
        } else if (!strncmp(p, "<char ", 6)) {
            uint32_t cp = char_attr(p);
            if (cp != ' ') {
                const char *q = strstr(p, " quad=\"");
                double qx[8] = {0};
                if (q) sscanf(q + 7, "%lf %lf %lf %lf", &qx[0], &qx[1], &qx[2], &qx[3]);
                xgrow(&cs, &cap, n + 1, sizeof(ch));
                cs[n++] = (ch){page, attr(p, "y"), qx[0], qx[2], size, cp};
            }
        }
        p = end + 1;
    }
    qsort(cs, n, sizeof(ch), by_pos);
    (void)height;

    /* Lines from the dump (page, baseline, last, justified). */
    dline *ls = NULL;
    size_t nl = 0, lcap = 0;
    bool prev_last = true, prev_forced = false;
    for (char *line = strtok(jsonl, "\n"); line; line = strtok(NULL, "\n")) {
        int pg = 0;
        double bl = 0;
        char *pp = strstr(line, "\"page\":"), *bp = strstr(line, "\"baseline\":");
        if (!pp || !bp) continue;
        pg = atoi(pp + 7);
        bl = strtod(bp + 11, NULL);
        xgrow(&ls, &lcap, nl + 1, sizeof(dline));
        bool last = strstr(line, "\"last\":true") != NULL;
        ls[nl++] = (dline){pg, t->page_height - bl, last, strstr(line, "\"justified\":true") != NULL,
                           prev_last, prev_forced};
        prev_last = last;
        /* After a forced cut (no legal break existed, e.g. a paragraph of
         * punctuation only) the next line may start with anything. */
        prev_forced = strstr(line, "\"forced\":true") != NULL;
    }
    CHECK(nl > 0);

    size_t starts = 0, ends = 0, ragged = 0, justified = 0;
    for (size_t i = 0; i < nl; i++) {
        /* The MuPDF characters on this line's baseline. */
        size_t a = 0;
        while (a < n && (cs[a].page < ls[i].page ||
                         (cs[a].page == ls[i].page && cs[a].y < ls[i].y - 0.5)))
            a++;
        size_t b = a;
        while (b < n && cs[b].page == ls[i].page && fabs(cs[b].y - ls[i].y) <= 0.5) b++;
        if (b == a) continue;
        /* Several blocks can share a baseline (table cells): only the text
         * lines of the flow are judged for edges. */
        uint32_t first = cs[a].cp, second = b > a + 1 ? cs[a + 1].cp : 0;
        uint32_t last = cs[b - 1].cp, before = b > a + 1 ? cs[b - 2].cp : 0;
        if (!ls[i].first && !ls[i].after_forced && rule_no_start(first, second)) {
            starts++;
            fprintf(stderr, "%s: page %d y %.1f starts with U+%04X\n", in, ls[i].page, ls[i].y, first);
        }
        if (!ls[i].last && rule_no_end(last, before)) {
            ends++;
            fprintf(stderr, "%s: page %d y %.1f ends with U+%04X\n", in, ls[i].page, ls[i].y, last);
        }
        if (ls[i].justified) {
            justified++;
            /* A final full-width mark ends the line either with its ink
             * half (its blank half hangs) or, in a face with centred
             * punctuation or on a character grid, with its whole box. */
            double edge = cs[b - 1].x1;
            if (hangs(last) && fabs(edge - right) > 0.5) edge = cs[b - 1].x0 + cs[b - 1].size * 0.5;
            if (fabs(edge - right) > 0.5) {
                ragged++;
                fprintf(stderr, "%s: page %d y %.1f: right edge %.2f, measure ends at %.2f\n", in,
                        ls[i].page, ls[i].y, edge, right);
            }
        }
    }
    CHECK(justified > 0);
    CHECK(starts == 0);
    CHECK(ends == 0);
    CHECK(ragged == 0);
    printf("%s: %zu lines, %zu justified checked with MuPDF\n", in, nl, justified);
    free(cs);
    free(ls);
    free(xml);
    free(jsonl);
    free(p1);
    free(p2);
    free(stem);
    tmpl_free(t);
    diag_list_free(d);
    return CHECK_DONE();
}
