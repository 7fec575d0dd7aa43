/* End-to-end check of one report: renders it with the CLI (as a user would),
 * then inspects the PDF with independent tools (poppler, qpdf) and the layout
 * with the library.
 *
 *   e2e BRIEFING_BINARY REPORT.json OUTDIR
 *
 * Asserts: text extracted by pdftotext equals the report's text (whitespace
 * and page footers ignored); every font is embedded, subset and has a Unicode
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

#include "briefing.h"
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
    if (argc != 4) {
        fprintf(stderr, "usage: e2e BRIEFING REPORT.json OUTDIR\n");
        return 2;
    }
    const char *bin = argv[1], *in = argv[2], *outdir = argv[3];
    diag_list *d = diag_list_new();
    report *r = report_load(in, d);
    diag_print(d, stderr);
    CHECK(r != NULL);
    if (!r) return CHECK_DONE();

    char *pdf1 = xasprintf("%s/%s.pdf", outdir, r->id);
    char *pdf2 = xasprintf("%s/%s.again.pdf", outdir, r->id);
    char *cmd = xasprintf("mkdir -p '%s' && '%s' render '%s' -o '%s' && '%s' render '%s' -o '%s'",
                          outdir, bin, in, pdf1, bin, in, pdf2);
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
        /* Columns: name type encoding emb sub uni object ID */
        char name[256], type[64], type2[64], enc[64], emb[8], sub[8], uni[8];
        if (sscanf(line, "%255s %63s %63s %63s %7s %7s %7s", name, type, type2, enc, emb, sub,
                   uni) == 7 &&
            !strcmp(emb, "yes") && !strcmp(sub, "yes") && !strcmp(uni, "yes") &&
            strlen(name) > 7 && name[6] == '+')
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
    CHECK(bookmarks == count_sections(r->sections, r->n_sections));

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
    buf got, exp;
    buf_init(&got);
    buf_init(&exp);
    squeeze(o.data ? o.data : "", o.len, &got);
    drop_footers(&got);

    /* The expected text, block by block as templates/briefing.json orders them. */
    expect(r->title, &exp);
    if (r->issuer) expect(r->issuer, &exp);
    if (r->date) {
        int y, m, dd;
        if (sscanf(r->date, "%d-%d-%d", &y, &m, &dd) == 3) buf_printf(&exp, "%d年%d月%d日", y, m, dd);
    }
    size_t body_from = exp.len;
    buf body;
    buf_init(&body);
    for (size_t i = 0; i < r->n_summary; i++) expect(r->summary[i], &body);
    expect_sections(r->sections, r->n_sections, &body);
    (void)body_from;

    /* The head (title, meta) comes first. */
    CHECK(got.len >= exp.len && !memcmp(got.data, exp.data, exp.len));
    if (!(got.len >= exp.len && !memcmp(got.data, exp.data, exp.len)))
        fprintf(stderr, "head differs:\n got: %.300s\n exp: %.300s\n", got.data, exp.data);
    /* The body (summary, headings, paragraphs) is the tail of the text. */
    bool tail = got.len >= body.len && !memcmp(got.data + got.len - body.len, body.data, body.len);
    CHECK(tail);
    if (!tail) {
        size_t gi = got.len, bi = body.len;
        while (gi && bi && got.data[gi - 1] == body.data[bi - 1]) gi--, bi--;
        fprintf(stderr, "body differs before its last %zu bytes:\n got: ...%.200s\n exp: ...%.200s\n",
                body.len - bi, got.data + (gi > 100 ? gi - 100 : 0),
                body.data + (bi > 100 ? bi - 100 : 0));
    }
    /* The table lies between: every cell is there, rows in order. */
    size_t pos = exp.len;
    size_t table_end = got.len >= body.len ? got.len - body.len : 0;
    for (size_t i = 0; i < r->n_indicators; i++) {
        const report_indicator *ind = &r->indicators[i];
        buf cell;
        buf_init(&cell);
        expect(ind->label, &cell);
        char *hit = NULL;
        if (pos < table_end) {
            char saved = got.data[table_end];
            got.data[table_end] = 0;
            hit = strstr(got.data + exp.len, cell.data);
            got.data[table_end] = saved;
        }
        CHECK(hit != NULL);
        if (!hit) fprintf(stderr, "%s: table cell missing: %s\n", in, ind->label);
        char v[64];
        render_format_number(ind->value, v, sizeof v);
        CHECK(hit && strstr(hit, v) != NULL);
        buf_free(&cell);
    }

    /* Layout rules, on the same document rendered in-process. */
    tmpl *t = tmpl_load("templates/briefing.json", d);
    font_lib *fl = font_lib_load("fonts/fonts.json", d);
    CHECK(t && fl);
    if (t && fl) {
        render_opts opts = {.keep_layout = true, .fallback_epoch = -1};
        render_result res;
        CHECK(render_report(r, t, fl, &opts, &res, d));
        if (res.layout) check_layout(r, res.layout, t->page_width - t->margin_right);
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
    buf_free(&exp);
    buf_free(&body);
    free(pdf1);
    free(pdf2);
    report_free(r);
    diag_list_free(d);
    return CHECK_DONE();
}
