/* Writes the inputs of tests/bad/cases.tsv that are too big to commit, or
 * that are the shipped template with one thing changed (so they follow the
 * template as it evolves).
 *
 *   gen_bad OUT KIND            a generated report or template, see kinds[]
 *   gen_bad OUT tset BASE PATH=JSON
 *                               BASE with the value at PATH (dot-separated
 *                               keys, array indexes as numbers) set to JSON;
 *                               PATH= alone deletes it
 *   gen_bad OUT tkeys BASE N    BASE with N distinct unknown keys at the root
 *   gen_bad OUT tdup BASE PATH  BASE with the member at PATH written twice
 *
 * Output is deterministic: the same arguments always give the same bytes. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static const char head[] = "{\"id\": \"gen\", \"region\": {\"name\": \"某县\"}, \"year\": 2021, "
                           "\"title\": \"生成的报告\", ";

/* 10 MiB of Chinese text in one paragraph: about 3,000 pages. */
static void big_paragraph(buf *b) {
    static const char unit[] = "法治政府建设取得新进展，"; /* 12 characters, 36 bytes */
    buf_puts(b, head);
    buf_puts(b, "\"sections\": [{\"title\": \"一、长段落\", \"paragraphs\": [\"");
    for (size_t n = 0; n < 10u * 1024 * 1024; n += sizeof unit - 1) buf_puts(b, unit);
    buf_puts(b, "\"]}]}\n");
}

/* One word of 1 MiB: no break opportunity anywhere, far longer than a line. */
static void nobreak(buf *b) {
    buf_puts(b, head);
    buf_puts(b, "\"sections\": [{\"title\": \"一\", \"paragraphs\": [\"");
    for (size_t n = 0; n < 1024 * 1024; n++) buf_putc(b, (char)('a' + n % 26));
    buf_puts(b, "\"]}]}\n");
}

/* n indicators, each in a category of its own when distinct (the worst case
 * for grouping), else in 50 categories. */
static void indicators(buf *b, size_t n, int distinct) {
    buf_puts(b, head);
    buf_puts(b, "\"indicators\": [");
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%s{\"label\": \"指标%zu\", \"value\": %zu.5, \"unit\": \"个\", \"category\": \"类别%zu\"}",
                   i ? ", " : "", i, i, distinct ? i : i % 50);
    buf_puts(b, "], \"sections\": [{\"title\": \"一\", \"paragraphs\": [\"正文。\"]}]}\n");
}

/* Objects nested n deep inside an unknown field. */
static void deep(buf *b, size_t n) {
    buf_puts(b, head);
    buf_puts(b, "\"sections\": [], \"summary\": [\"摘要\"], \"extra\": ");
    for (size_t i = 0; i < n; i++) buf_puts(b, "{\"a\": ");
    buf_puts(b, "1");
    for (size_t i = 0; i < n; i++) buf_putc(b, '}');
    buf_puts(b, "}\n");
}

/* Sections nested n levels deep, each with a title only (no paragraphs). */
static void sections(buf *b, size_t n) {
    buf_puts(b, head);
    buf_puts(b, "\"sections\": ");
    for (size_t i = 0; i < n; i++) buf_printf(b, "[{\"title\": \"第%zu层\", \"sections\": ", i + 1);
    buf_puts(b, "[]");
    for (size_t i = 0; i < n; i++) buf_puts(b, "}]");
    buf_puts(b, "}\n");
}

/* Just over the 64 MiB input limit, all of it white space inside a valid
 * report: only the size is wrong. */
static void oversize(buf *b) {
    buf_puts(b, head);
    buf_puts(b, "\"sections\": [{\"title\": \"一\"}]");
    size_t want = 64u * 1024 * 1024 + 1;
    buf_reserve(b, want - b->len);
    memset(b->data + b->len, ' ', want - 2 - b->len);
    b->len = want - 2;
    buf_puts(b, "}\n");
}

/* 200,000 "\u0000" escapes on one line (once quadratic: minutes). */
static void nul_escapes(buf *b) {
    buf_puts(b, head);
    buf_puts(b, "\"sections\": [{\"title\": \"一\", \"paragraphs\": [\"");
    for (int i = 0; i < 200000; i++) buf_puts(b, "\\u0000");
    buf_puts(b, "\"]}]}\n");
}

/* 20,000 distinct characters no font has (private use areas), each twice:
 * warnings are capped, not one line per character. */
static void missing_chars(buf *b) {
    buf_puts(b, head);
    buf_puts(b, "\"sections\": [{\"title\": \"一\", \"paragraphs\": [\"");
    for (int rep = 0; rep < 2; rep++) {
        for (uint32_t cp = 0xF0000; cp < 0xF0000 + 20000; cp++) {
            char u[4];
            buf_append(b, u, (size_t)utf8_encode(cp, u));
        }
    }
    buf_puts(b, "\"]}]}\n");
}

/* 12,000 characters: with a template whose line is taller than a page (size
 * 200, leading 5) two fit on a line and each line takes a page: 6,000
 * pages, over the page limit. */
static void page_limit(buf *b) {
    buf_puts(b, head);
    buf_puts(b, "\"sections\": [{\"title\": \"一\", \"paragraphs\": [\"");
    for (int i = 0; i < 12000; i++) buf_puts(b, "政");
    buf_puts(b, "\"]}]}\n");
}

/* 70,000 distinct characters no font has: each is the .notdef box with a
 * text of its own, one (glyph, text) pair more than a font's 65,536 CIDs. */
static void glyph_pairs(buf *b) {
    buf_puts(b, head);
    buf_puts(b, "\"sections\": [{\"title\": \"一\", \"paragraphs\": [\"");
    for (uint32_t cp = 0xF0000; cp < 0xFFFFE; cp++) {
        char u[4];
        buf_append(b, u, (size_t)utf8_encode(cp, u));
    }
    for (uint32_t cp = 0x100000; cp < 0x100000 + 4466; cp++) {
        char u[4];
        buf_append(b, u, (size_t)utf8_encode(cp, u));
    }
    buf_puts(b, "\"]}]}\n");
}

/* ---- template edits -------------------------------------------------- */

static cJSON *load_json(const char *path) {
    diag_list *d = diag_list_new();
    size_t len = 0;
    char *text = file_read_all(path, 1u << 24, &len, d);
    diag_print(d, stderr);
    diag_list_free(d);
    if (!text) return NULL;
    cJSON *j = cJSON_ParseWithLength(text, len);
    free(text);
    if (!j) fprintf(stderr, "gen_bad: %s is not JSON\n", path);
    return j;
}

static bool all_digits(const char *s) {
    if (!*s) return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

/* Sets (or with value NULL deletes) the member at a dot-separated path. */
static bool set_path(cJSON *root, char *path, cJSON *value) {
    cJSON *cur = root;
    char *save = NULL;
    char *seg = strtok_r(path, ".", &save);
    while (seg) {
        char *next = strtok_r(NULL, ".", &save);
        bool index = cJSON_IsArray(cur) && all_digits(seg);
        if (!next) {
            if (index) {
                int i = atoi(seg);
                if (!value) cJSON_DeleteItemFromArray(cur, i);
                else if (i < cJSON_GetArraySize(cur)) cJSON_ReplaceItemInArray(cur, i, value);
                else cJSON_AddItemToArray(cur, value);
            } else if (cJSON_IsObject(cur)) {
                cJSON_DeleteItemFromObjectCaseSensitive(cur, seg);
                if (value) cJSON_AddItemToObject(cur, seg, value);
            } else {
                return false;
            }
            return true;
        }
        cJSON *child = index ? cJSON_GetArrayItem(cur, atoi(seg))
                             : cJSON_GetObjectItemCaseSensitive(cur, seg);
        if (!child) {
            child = cJSON_CreateObject();
            cJSON_AddItemToObject(cur, seg, child);
        }
        cur = child;
        seg = next;
    }
    return false;
}

static char *tset(const char *base, const char *assignment) {
    cJSON *root = load_json(base);
    if (!root) return NULL;
    char *path = xstrdup(assignment);
    char *eq = strchr(path, '=');
    cJSON *value = NULL;
    bool ok = eq != NULL;
    if (ok) {
        *eq = 0;
        if (eq[1]) {
            value = cJSON_Parse(eq + 1);
            ok = value != NULL;
            if (!ok) fprintf(stderr, "gen_bad: not JSON: %s\n", eq + 1);
        }
    }
    ok = ok && set_path(root, path, value);
    if (!ok) fprintf(stderr, "gen_bad: cannot apply %s\n", assignment);
    char *out = ok ? cJSON_Print(root) : NULL;
    free(path);
    cJSON_Delete(root);
    return out;
}

static char *tdup(const char *base, const char *path) {
    cJSON *root = load_json(base);
    if (!root) return NULL;
    /* Walk to the member, then add a copy under the same key: cJSON writes
     * both, which is what a careless editor produces. */
    char *p = xstrdup(path), *save = NULL;
    cJSON *parent = NULL, *cur = root;
    const char *key = NULL;
    for (char *seg = strtok_r(p, ".", &save); seg && cur; seg = strtok_r(NULL, ".", &save)) {
        parent = cur;
        key = seg;
        cur = cJSON_GetObjectItemCaseSensitive(cur, seg);
    }
    char *out = NULL;
    if (cur && parent && key) {
        cJSON_AddItemToObject(parent, key, cJSON_Duplicate(cur, true));
        out = cJSON_Print(root);
    } else {
        fprintf(stderr, "gen_bad: no member %s\n", path);
    }
    free(p);
    cJSON_Delete(root);
    return out;
}

/* A raw report: a title, a lead, n numbered sections of text. */
static void raw_report(buf *b, size_t bytes) {
    buf_puts(b, "某某县2021年法治政府建设情况报告\n2021年，我县依法行政，审核规范性文件28件。\n");
    for (long k = 1; b->len < bytes; k++) {
        buf_printf(b, "%ld.加强法治建设第%ld项工作。", k % 90 + 1, k);
        while (b->len < bytes && b->len % 2000 < 1900) buf_puts(b, "依法行政工作扎实推进，成效明显。");
        buf_putc(b, '\n');
    }
}

/* 10,000 nested elements around the article. */
static void html_deep(buf *b, int depth) {
    buf_puts(b, "<!DOCTYPE html><html><body>");
    for (int i = 0; i < depth; i++) buf_puts(b, "<div>");
    buf_puts(b, "<p>某某县2021年法治政府建设情况报告</p><p>2021年，我县依法行政，审核规范性文件28件。</p>"
                "<p>一、工作情况</p><p>扎实推进。</p>");
    for (int i = 0; i < depth; i++) buf_puts(b, "</div>");
    buf_puts(b, "</body></html>");
}

static char *tkeys(const char *base, long n) {
    cJSON *root = load_json(base);
    if (!root) return NULL;
    for (long i = 0; i < n; i++) {
        char key[32];
        snprintf(key, sizeof key, "k%ld", i);
        cJSON_AddItemToObject(root, key, cJSON_CreateNumber((double)i));
    }
    char *out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return out;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: gen_bad OUT KIND [ARGS]\n");
        return 2;
    }
    const char *out = argv[1], *kind = argv[2];
    buf b;
    buf_init(&b);
    char *text = NULL;
    if (!strcmp(kind, "big-paragraph")) big_paragraph(&b);
    else if (!strcmp(kind, "nobreak")) nobreak(&b);
    else if (!strcmp(kind, "indicators-20000")) indicators(&b, 20000, 1);
    else if (!strcmp(kind, "indicators-100001")) indicators(&b, 100001, 0);
    else if (!strcmp(kind, "deep-100000")) deep(&b, 100000);
    else if (!strcmp(kind, "sections-300")) sections(&b, 300);
    else if (!strcmp(kind, "sections-64")) sections(&b, 64);
    else if (!strcmp(kind, "oversize")) oversize(&b);
    else if (!strcmp(kind, "nul-escapes")) nul_escapes(&b);
    else if (!strcmp(kind, "missing-chars")) missing_chars(&b);
    else if (!strcmp(kind, "page-limit")) page_limit(&b);
    else if (!strcmp(kind, "glyph-pairs")) glyph_pairs(&b);
    else if (!strcmp(kind, "template-oversize")) {
        /* valid JSON, one byte over the template size limit of 1 MiB */
        buf_putc(&b, '{');
        while (b.len < (1u << 20) - 1) buf_putc(&b, ' ');
        buf_puts(&b, "}\n");
    }
    else if (!strcmp(kind, "tset") && argc == 5) text = tset(argv[3], argv[4]);
    else if (!strcmp(kind, "tkeys") && argc == 5) text = tkeys(argv[3], atol(argv[4]));
    else if (!strcmp(kind, "tdup") && argc == 5) text = tdup(argv[3], argv[4]);
    else if (!strcmp(kind, "text-oversize")) {
        raw_report(&b, REPORT_MAX_BYTES + 1u);
        b.len = REPORT_MAX_BYTES + 1u;
    }
    else if (!strcmp(kind, "text-60m")) raw_report(&b, 60u << 20);
    else if (!strcmp(kind, "html-deep")) html_deep(&b, 10000);
    else if (!strcmp(kind, "template-deep")) {
        for (int i = 0; i < 100000; i++) buf_putc(&b, '[');
        for (int i = 0; i < 100000; i++) buf_putc(&b, ']');
    }
    else {
        fprintf(stderr, "gen_bad: unknown kind or arguments: %s\n", kind);
        return 2;
    }
    if (text) {
        buf_puts(&b, text);
        free(text);
    } else if (!b.len) {
        return 1;
    }
    diag_list *d = diag_list_new();
    bool ok = file_write_atomic(out, b.data, b.len, d);
    diag_print(d, stderr);
    diag_list_free(d);
    buf_free(&b);
    return ok ? 0 : 1;
}
