/* End-to-end check of one report: renders it with the CLI (as a user would),
 * then inspects the PDF with independent tools (poppler, qpdf) and the layout
 * with the library.
 *
 *   e2e BRIEFING_BINARY REPORT.json OUTDIR [TEMPLATE]
 *
 * TEMPLATE defaults to templates/briefing.json. Asserts: text extracted by
 * pdftotext equals the report's text as the template's blocks show it
 * (whitespace and page footers ignored; blocks whose text the renderer
 * chooses, such as highlights, are checked for their headings); every font is embedded, subset and has a Unicode
 * map; qpdf --check passes; poppler prints no warnings; two renders are
 * byte-identical; no laid-out line starts with a mark that may not start a line
 * or ends with one that may not end it; justified lines end flush at the
 * measure. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "check.h"
#include "layout/punct.h"
#include "rules.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* Runs a shell command; captures stdout (and stderr separately). */
static int run(const char *cmd, buf *out, buf *err) {
    char errfile[] = "/tmp/briefing-e2e-XXXXXX";
    int fd = mkstemp(errfile);
    if (fd < 0) return -1;
    char *full = xasprintf("%s 2>%s", cmd, errfile);
    FILE *p = popen(full, "r");
    free(full);
    if (!p) return -1;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, p)) > 0)
        if (out) buf_append(out, tmp, n);
    int st = pclose(p);
    FILE *e = fdopen(fd, "r");
    while (e && (n = fread(tmp, 1, sizeof tmp, e)) > 0)
        if (err) buf_append(err, tmp, n);
    if (e) fclose(e);
    unlink(errfile);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Removes white space (ASCII, U+3000, U+00A0) so line breaks and the spacing
 * heuristics of text extraction do not matter. */
static void squeeze(const char *s, size_t len, buf *out) {
    for (size_t i = 0; i < len;) {
        size_t at = i;
        uint32_t cp = utf8_next(s, len, &i);
        if (cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r' || cp == '\f' || cp == 0x3000 ||
            cp == 0xA0)
            continue;
        buf_append(out, s + at, i - at);
    }
}

/* Drops page footers "— N —" from extracted text (already squeezed). */
static void drop_footers(buf *b) {
    static const char dash[] = "\xe2\x80\x94"; /* — */
    buf o;
    buf_init(&o);
    for (size_t i = 0; i < b->len;) {
        if (!strncmp(b->data + i, dash, 3)) {
            size_t j = i + 3;
            while (j < b->len && b->data[j] >= '0' && b->data[j] <= '9') j++;
            if (j > i + 3 && !strncmp(b->data + j, dash, 3)) {
                i = j + 3;
                continue;
            }
        }
        buf_putc(&o, b->data[i++]);
    }
    buf_free(b);
    *b = o;
}

/* The text as the default template shows it: ASCII punctuation in Chinese
 * text full-width (punct.c, unit-tested in test_punct), white space removed. */
static void expect(const char *s, buf *out) {
    buf b;
    buf_init(&b);
    punct_fullwidth(s, strlen(s), &b);
    squeeze(b.data ? b.data : "", b.len, out);
    buf_free(&b);
}

static void expect_sections(const report_section *s, size_t n, buf *exp) {
    for (size_t i = 0; i < n; i++) {
        expect(s[i].title, exp);
        for (size_t p = 0; p < s[i].n_paragraphs; p++) expect(s[i].paragraphs[p], exp);
        expect_sections(s[i].sections, s[i].n_sections, exp);
    }
}

static size_t count_sections(const report_section *s, size_t n) {
    size_t c = n;
    for (size_t i = 0; i < n; i++) c += count_sections(s[i].sections, s[i].n_sections);
    return c;
}

/* The value of "Key:" in pdfinfo's output, or "" (points into out). */
static const char *info_field(char *out, const char *key) {
    char *p = strstr(out, key);
    if (!p) return "";
    p += strlen(key);
    while (*p == ' ') p++;
    char *e = strchr(p, '\n');
    if (e) *e = 0;
    return p;
}

/* ---- the expected text of a template's blocks ---------------------------- */

typedef struct expect_ctx {
    const report *r;
    const tmpl *t;
    char year[16];
    char *date_zh;
} expect_ctx;

static const char *expect_lookup(void *user, const char *name, size_t len) {
    expect_ctx *x = user;
    const report *r = x->r;
#define IS(s) (strlen(s) == len && !memcmp(name, s, len))
    const char *var = tmpl_var_find(x->t, name, len);
    if (var) return var;
    if (IS("id")) return r->id;
    if (IS("title")) return r->title;
    if (IS("year") || IS("years")) return x->year;
    if (IS("region.name") || IS("regions")) return r->region_name;
    if (IS("region.level")) return r->region_level;
    if (IS("region.parent")) return r->region_parent;
    if (IS("issuer")) return r->issuer;
    if (IS("date")) return r->date;
    if (IS("date_zh")) return x->date_zh;
    if (IS("count")) return "1";
#undef IS
    return NULL;
}

/* Appends the expansion of template text as it is shown; false when a field
 * is missing (the block is then skipped, or the render fails). */
static bool expect_text(expect_ctx *x, const char *text, buf *out) {
    buf b;
    buf_init(&b);
    char *missing = NULL;
    bool ok = tmpl_expand(text, expect_lookup, x, &b, &missing);
    if (ok) expect(b.data ? b.data : "", out);
    free(missing);
    buf_free(&b);
    return ok;
}

typedef struct expected {
    buf head;       /* exact: what the document starts with */
    buf body;       /* exact: what it ends with (when tail_exact) */
    bool tail_exact;
    bool has_table; /* the indicator table lies between head and body */
    size_t table_limit;
    bool has_sections;
    buf pieces;     /* NUL-separated texts that follow the head in this order */
    size_t n_pieces;
} expected;

static void piece(expected *x, const char *s, size_t len) {
    if (!len) return;
    buf_append(&x->pieces, s, len);
    buf_putc(&x->pieces, 0);
    x->n_pieces++;
}

static void expect_blocks(const report *r, const tmpl *t, expected *x) {
    expect_ctx c = {r, t, "", NULL};
    snprintf(c.year, sizeof c.year, "%d", r->year);
    int y, m, dd;
    if (r->date && sscanf(r->date, "%d-%d-%d", &y, &m, &dd) == 3)
        c.date_zh = xasprintf("%d年%d月%d日", y, m, dd);
    x->tail_exact = true;
    bool in_head = true;
    for (size_t i = 0; i < t->n_blocks; i++) {
        const tmpl_block *b = &t->blocks[i];
        buf one;
        buf_init(&one);
        bool exact = true;
        switch (b->type) {
        case TMPL_BLOCK_TITLE: expect_text(&c, b->text, &one); break;
        case TMPL_BLOCK_META:
            if (b->text) expect_text(&c, b->text, &one);
            else {
                if (r->issuer) expect(r->issuer, &one);
                if (c.date_zh) buf_puts(&one, c.date_zh);
            }
            break;
        case TMPL_BLOCK_TEXT: {
            buf l;
            buf_init(&l);
            if (expect_text(&c, b->text, &l) && (!b->right || expect_text(&c, b->right, &l)))
                buf_append(&one, l.data, l.len);
            buf_free(&l);
            break;
        }
        case TMPL_BLOCK_SUMMARY:
            for (size_t k = 0; k < r->n_summary; k++) expect(r->summary[k], &one);
            break;
        case TMPL_BLOCK_SECTIONS:
            expect_sections(r->sections, r->n_sections, &one);
            x->has_sections = true;
            break;
        case TMPL_BLOCK_SIGNATURE:
            expect_text(&c, b->issuer, &one);
            expect_text(&c, b->date, &one);
            break;
        case TMPL_BLOCK_INDICATORS:
            if (r->n_indicators && r->n_indicators >= b->min_rows) {
                if (x->has_table) {
                    /* a second table (briefing.json's appendix of all
                     * indicators): the text around it is only in order */
                    exact = false;
                    break;
                }
                x->has_table = true;
                x->table_limit = b->limit;
                in_head = false;
            }
            break;
        case TMPL_BLOCK_POINTS:
            /* Which sentences show is the renderer's choice; the heading is
             * certain. */
            exact = false;
            if (b->heading) expect_text(&c, b->heading, &one);
            break;
        case TMPL_BLOCK_COMPARE: case TMPL_BLOCK_CHART:
            exact = false;
            expect(r->region_name, &one);
            break;
        default: break;
        }
        if (!exact) {
            in_head = false;
            x->tail_exact = false;
        }
        if (in_head) buf_append(&x->head, one.data, one.len);
        else if (x->tail_exact) buf_append(&x->body, one.data, one.len);
        else piece(x, one.data, one.len);
        if (!x->tail_exact && x->body.len) {
            /* What was taken for the tail is only in order after all. */
            piece(x, x->body.data, x->body.len);
            x->body.len = 0;
        }
        buf_free(&one);
    }
    free(c.date_zh);
}

/* The layout rules on the laid-out lines: prohibitions (rules.h), flush
 * justified lines, widows, orphans and headings kept with their text. */
static void check_layout(const report *r, const layout_doc *doc, double right_edge) {
    size_t bad_start = 0, bad_end = 0, ragged = 0;
    for (size_t i = 0; i < doc->n_lines; i++) {
        const layout_line *l = &doc->lines[i];
        const char *t = layout_doc_text(doc, l->text_off);
        if (!l->text_len) continue;
        size_t k = 0;
        uint32_t first = utf8_next(t, l->text_len, &k);
        uint32_t second = k < l->text_len ? utf8_next(t, l->text_len, &k) : 0;
        uint32_t last = 0, before_last = 0;
        for (size_t j = 0; j < l->text_len;) {
            before_last = last;
            last = utf8_next(t, l->text_len, &j);
        }

        bool continuation = i > 0 && !(doc->lines[i - 1].flags & (LAYOUT_LINE_LAST | LAYOUT_LINE_FORCED));
        if (rule_no_start(first, second) && continuation) {
            bad_start++;
            fprintf(stderr, "%s: line %zu starts with U+%04X: %.*s\n", r->source, i, first,
                    (int)l->text_len, t);
        }
        if (rule_no_end(last, before_last) && !(l->flags & LAYOUT_LINE_LAST)) {
            bad_end++;
            fprintf(stderr, "%s: line %zu ends with U+%04X: %.*s\n", r->source, i, last,
                    (int)l->text_len, t);
        }
        if ((l->flags & LAYOUT_LINE_JUSTIFIED) && !strcmp(l->block, "paragraph") &&
            (l->x1 > right_edge + 0.01 || l->x1 < right_edge - 0.01)) {
            ragged++;
            fprintf(stderr, "%s: justified line %zu ends at %.3f, not %.3f: %.*s\n", r->source, i,
                    l->x1, right_edge, (int)l->text_len, t);
        }
    }
    CHECK(bad_start == 0);
    CHECK(bad_end == 0);
    CHECK(ragged == 0);

    /* Pages: no paragraph line alone at a page's foot (orphan) or head
     * (widow); a heading stays with the first two lines after it. */
    size_t orphans = 0, widows = 0, lonely_headings = 0;
    for (size_t i = 0; i < doc->n_lines;) {
        size_t j = i;
        while (j < doc->n_lines && !(doc->lines[j].flags & LAYOUT_LINE_LAST)) j++;
        if (j == doc->n_lines) break;
        /* lines[i..j] form one block */
        const char *kind = doc->lines[i].block;
        bool para = !strcmp(kind, "paragraph") || !strcmp(kind, "summary");
        if (para && j > i) {
            if (doc->lines[i + 1].page != doc->lines[i].page) orphans++;
            if (doc->lines[j].page != doc->lines[j - 1].page) widows++;
        }
        if (!strncmp(kind, "heading", 7) && j + 2 < doc->n_lines) {
            /* the two lines after the heading are on its page (or the next
             * block is shorter than two lines) */
            size_t k = j + 1;
            bool two = !(doc->lines[k].flags & LAYOUT_LINE_LAST);
            if (doc->lines[k].page != doc->lines[j].page ||
                (two && doc->lines[k + 1].page != doc->lines[j].page))
                lonely_headings++;
        }
        i = j + 1;
    }
    if (orphans || widows || lonely_headings)
        fprintf(stderr, "%s: %zu orphans, %zu widows, %zu headings left alone\n", r->source, orphans,
                widows, lonely_headings);
    CHECK(orphans == 0);
    CHECK(widows == 0);
    CHECK(lonely_headings == 0);
}

int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: e2e BRIEFING REPORT.json OUTDIR [TEMPLATE]\n");
        return 2;
    }
    const char *bin = argv[1], *in = argv[2], *outdir = argv[3];
    const char *tpath = argc == 5 ? argv[4] : "templates/briefing.json";
    diag_list *d = diag_list_new();
    report *r = report_load(in, d);
    tmpl *t = tmpl_load(tpath, d);
    diag_print(d, stderr);
    CHECK(r != NULL);
    CHECK(t != NULL);
    if (!r || !t) return CHECK_DONE();
    expected x = {0};
    expect_blocks(r, t, &x);

    /* One folder per template: tests of one report run side by side. */
    const char *base = strrchr(tpath, '/') ? strrchr(tpath, '/') + 1 : tpath;
    char *dir = xasprintf("%s/%.*s", outdir, (int)strcspn(base, "."), base);
    char *pdf1 = xasprintf("%s/%s.pdf", dir, r->id);
    char *pdf2 = xasprintf("%s/%s.again.pdf", dir, r->id);
    char *cmd = xasprintf("mkdir -p '%s' && '%s' render '%s' -t '%s' -o '%s' && '%s' render '%s' -t '%s' -o '%s'",
                          dir, bin, in, tpath, pdf1, bin, in, tpath, pdf2);
    free(dir);
    CHECK(run(cmd, NULL, NULL) == 0);
    free(cmd);

    /* Byte-identical renders. */
    cmd = xasprintf("cmp -s '%s' '%s'", pdf1, pdf2);
    CHECK(run(cmd, NULL, NULL) == 0);
    free(cmd);

    /* qpdf's structural check. */
    buf o, e;
    buf_init(&o);
    buf_init(&e);
    cmd = xasprintf("qpdf --check '%s'", pdf1);
    CHECK(run(cmd, &o, &e) == 0);
    free(cmd);

    /* Fonts: embedded, subset, with a ToUnicode map. */
    buf_free(&o);
    buf_free(&e);
    cmd = xasprintf("pdffonts '%s'", pdf1);
    CHECK(run(cmd, &o, &e) == 0);
    free(cmd);
    CHECK(e.len == 0);
    size_t fonts = 0, good = 0;
    char *save = NULL;
    int lineno = 0;
    for (char *line = strtok_r(o.data ? o.data : (char[]){0}, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save), lineno++) {
        if (lineno < 2) continue; /* header and ruler */
        fonts++;
        /* Columns: name, type (one to three words: "CID TrueType", "CID Type
         * 0C"), encoding, emb sub uni, object ID: read from both ends */
        char *tok[16];
        int nt = 0;
        char *tsave = NULL;
        for (char *w = strtok_r(line, " ", &tsave); w && nt < 16; w = strtok_r(NULL, " ", &tsave))
            tok[nt++] = w;
        if (nt >= 8 && !strcmp(tok[nt - 5], "yes") && !strcmp(tok[nt - 4], "yes") &&
            !strcmp(tok[nt - 3], "yes") && strlen(tok[0]) > 7 && tok[0][6] == '+')
            good++;
        else
            fprintf(stderr, "%s: font not embedded as a subset with a Unicode map: %s\n", in, line);
    }
    CHECK(fonts > 0);
    CHECK(good == fonts);

    /* Document info and one bookmark per heading. */
    buf_free(&o);
    buf_free(&e);
    cmd = xasprintf("pdfinfo '%s'", pdf1);
    CHECK(run(cmd, &o, &e) == 0);
    free(cmd);
    if (o.data) {
        char *copy = xstrdup(o.data);
        CHECK_STR(info_field(copy, "\nCreator:"), "briefing " BRIEFING_VERSION);
        free(copy);
        copy = xstrdup(o.data);
        buf want;
        buf_init(&want);
        punct_fullwidth(r->title, strlen(r->title), &want);
        CHECK(!strcmp(info_field(copy, "Title:"), r->title) || !strcmp(info_field(copy, "Title:"), want.data));
        buf_free(&want);
        free(copy);
        if (r->issuer) {
            copy = xstrdup(o.data);
            CHECK_STR(info_field(copy, "\nAuthor:"), r->issuer);
            free(copy);
        }
        copy = xstrdup(o.data);
        CHECK(strstr(info_field(copy, "\nKeywords:"), r->region_name) != NULL);
        free(copy);
    }
    buf_free(&o);
    buf_free(&e);
    cmd = xasprintf("mutool show '%s' outline", pdf1);
    CHECK(run(cmd, &o, &e) == 0);
    free(cmd);
    size_t bookmarks = 0;
    for (size_t i = 0; i < o.len; i++) bookmarks += o.data[i] == '\n';
    CHECK(bookmarks == (x.has_sections ? count_sections(r->sections, r->n_sections) : 0));

    /* Text: pdftotext must give back exactly the report's text. */
    buf_free(&o);
    buf_free(&e);
    cmd = xasprintf("pdftotext -enc UTF-8 '%s' -", pdf1);
    CHECK(run(cmd, &o, &e) == 0);
    free(cmd);
    if (e.len) fprintf(stderr, "poppler said: %s\n", e.data);
    CHECK(e.len == 0);
    /* The Han–Latin gap is spacing, not text: extraction must not see a word
     * break there ("2021年", never "2021 年"). Checked where no table puts a
     * number and its unit in neighbouring cells. */
    if (r->n_indicators == 0 && o.data) {
        size_t spaced = 0;
        for (size_t i = 0; i < o.len;) {
            size_t at = i;
            uint32_t a = utf8_next(o.data, o.len, &i);
            if (i >= o.len || o.data[i] != ' ') continue;
            size_t j = i + 1;
            if (j >= o.len) break;
            uint32_t b = utf8_next(o.data, o.len, &j);
            bool ha = a >= 0x3400, hb = b >= 0x3400;
            bool la = a < 128 && a > ' ', lb = b < 128 && b > ' ';
            if ((ha && lb) || (la && hb)) {
                spaced++;
                fprintf(stderr, "%s: extracted text has a space: %.*s\n", in, (int)(j - at),
                        o.data + at);
            }
        }
        CHECK(spaced == 0);
    }
    buf got;
    buf_init(&got);
    squeeze(o.data ? o.data : "", o.len, &got);
    drop_footers(&got);

    /* The head (the blocks before the table) comes first. */
    buf *exp = &x.head, *body = &x.body;
    bool head = got.len >= exp->len && (!exp->len || !memcmp(got.data, exp->data, exp->len));
    CHECK(head);
    if (!head)
        fprintf(stderr, "head differs:\n got: %.300s\n exp: %.300s\n", got.data, exp->data);
    /* The body (summary, headings, paragraphs, signature) is the tail of the
     * text; without a table, head and body are all of it. */
    size_t table_end = got.len;
    if (x.tail_exact) {
        bool tail = got.len >= body->len &&
                    (!body->len || !memcmp(got.data + got.len - body->len, body->data, body->len));
        CHECK(tail);
        if (!tail) {
            size_t gi = got.len, bi = body->len;
            while (gi && bi && got.data[gi - 1] == body->data[bi - 1]) gi--, bi--;
            fprintf(stderr, "body differs before its last %zu bytes:\n got: ...%.200s\n exp: ...%.200s\n",
                    body->len - bi, got.data + (gi > 100 ? gi - 100 : 0),
                    body->data + (bi > 100 ? bi - 100 : 0));
        }
        table_end = got.len >= body->len ? got.len - body->len : 0;
        if (!x.has_table) CHECK(got.len == exp->len + body->len);
    } else {
        /* After the head, what is certain follows in order. */
        size_t at = exp->len;
        for (size_t k = 0, off = 0; k < x.n_pieces; k++) {
            const char *want = x.pieces.data + off;
            off += strlen(want) + 1;
            const char *hit = at <= got.len ? strstr(got.data + at, want) : NULL;
            CHECK(hit != NULL);
            if (!hit) fprintf(stderr, "%s: missing or out of order: %.200s\n", in, want);
            else at = (size_t)(hit - got.data) + strlen(want);
        }
    }
    /* The table lies between: every cell is there (a table with a limit
     * shows that many), and each value on its label's row. Rows are read
     * from pdftotext -layout, which keeps a table row on one line; its
     * default reading order may take a group row's neighbours out of turn. */
    buf rows;
    buf_init(&rows);
    cmd = xasprintf("pdftotext -layout -enc UTF-8 '%s' -", pdf1);
    CHECK(run(cmd, &rows, NULL) == 0);
    free(cmd);
    size_t found = 0;
    for (size_t i = 0; x.has_table && i < r->n_indicators; i++) {
        const report_indicator *ind = &r->indicators[i];
        buf cell;
        buf_init(&cell);
        expect(ind->label, &cell);
        char *hit = NULL;
        if (exp->len < table_end) {
            char saved = got.data[table_end];
            got.data[table_end] = 0;
            hit = strstr(got.data + exp->len, cell.data);
            got.data[table_end] = saved;
        }
        if (!x.table_limit) CHECK(hit != NULL);
        if (!hit && !x.table_limit) fprintf(stderr, "%s: table cell missing: %s\n", in, ind->label);
        char v[64];
        render_format_number(ind->value, v, sizeof v);
        if (hit) {
            bool on_row = false;
            for (char *line = rows.data; line && *line && !on_row;) {
                char *end = strchr(line, '\n');
                size_t ll = end ? (size_t)(end - line) : strlen(line);
                buf sq;
                buf_init(&sq);
                squeeze(line, ll, &sq);
                const char *at = sq.data ? strstr(sq.data, cell.data) : NULL;
                on_row = at && strstr(at + cell.len, v) != NULL;
                buf_free(&sq);
                line = end ? end + 1 : NULL;
            }
            /* A table with a limit may leave a label out that the text
             * then mentions: only its rows count. */
            if (!x.table_limit) {
                CHECK(on_row);
                if (!on_row) fprintf(stderr, "%s: no row holds %s and %s\n", in, ind->label, v);
            }
            found += on_row;
        }
        buf_free(&cell);
    }
    buf_free(&rows);
    if (x.has_table && x.table_limit)
        CHECK(found >= (x.table_limit < r->n_indicators ? x.table_limit : r->n_indicators));

    /* Layout rules, on the same document rendered in-process. */
    font_lib *fl = font_lib_load("fonts/fonts.json", d);
    CHECK(fl != NULL);
    backends *b = backends_new_linked();
    if (fl) CHECK(render_add_system_fonts(t, fl, b, d)); /* as the CLI does */
    backends_free(b);
    if (fl) {
        render_opts opts = {.keep_layout = true, .fallback_epoch = -1};
        render_result res;
        CHECK(render_report(r, t, fl, &opts, &res, d));
        if (res.layout) check_layout(r, res.layout, t->margin_left + tmpl_measure(t));
        /* In-process and CLI renders agree byte for byte. */
        buf file;
        buf_init(&file);
        cmd = xasprintf("cat '%s'", pdf1);
        run(cmd, &file, NULL);
        free(cmd);
        CHECK(file.len == res.pdf_len && !memcmp(file.data, res.pdf, res.pdf_len));
        buf_free(&file);
        render_result_free(&res);
    }
    tmpl_free(t);
    font_lib_free(fl);
    buf_free(&o);
    buf_free(&e);
    buf_free(&got);
    buf_free(&x.head);
    buf_free(&x.body);
    buf_free(&x.pieces);
    free(pdf1);
    free(pdf2);
    report_free(r);
    diag_list_free(d);
    return CHECK_DONE();
}
