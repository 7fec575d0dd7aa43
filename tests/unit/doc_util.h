/* Helpers the template and table tests share: rendering a report given as
 * JSON text, reading laid-out lines, and extracting a PDF's text with
 * pdftotext (poppler, an independent reader). */
#ifndef BRIEFING_TEST_DOC_UTIL_H
#define BRIEFING_TEST_DOC_UTIL_H

#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>

#include "internal.h"
#include "check.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "layout/punct.h"
#include "util/xalloc.h"

/* Renders json (a report) with t; the layout is kept in res. */
static inline bool doc_render(const char *json, const tmpl *t, const font_lib *fl,
                              const render_opts *opts, render_result *res, diag_list *d) {
    report *r = report_parse(json, strlen(json), "test.json", d);
    CHECK(r != NULL);
    if (!r) return false;
    render_opts o = opts ? *opts : (render_opts){.fallback_epoch = -1};
    o.keep_layout = true;
    bool ok = render_report(r, t, fl, &o, res, d);
    report_free(r);
    return ok;
}

/* The text of a laid-out line, NUL-terminated (static buffer per call site
 * is not enough for two at once: the caller frees). */
static inline char *doc_line_text(const layout_doc *doc, const layout_line *l) {
    return xstrndup(layout_doc_text(doc, l->text_off), l->text_len);
}

/* Appends s without white space (ASCII, U+3000), so line breaks of text
 * extraction do not matter. */
static inline void doc_squeeze(const char *s, size_t len, buf *out) {
    for (size_t i = 0; i < len;) {
        size_t at = i;
        uint32_t cp = utf8_next(s, len, &i);
        if (cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r' || cp == '\f' || cp == 0x3000)
            continue;
        buf_append(out, s + at, i - at);
    }
}

/* pdftotext of PDF bytes (squeezed when squeeze is set); false when poppler
 * failed or complained. */
static inline bool doc_pdftotext(const char *pdf, size_t len, const char *flags, bool squeeze,
                                 buf *out) {
    char path[] = "/tmp/briefing-test-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return false;
    bool ok = write(fd, pdf, len) == (ssize_t)len;
    close(fd);
    char *cmd = xasprintf("pdftotext %s -enc UTF-8 '%s' - 2>&1", flags, path);
    FILE *p = popen(cmd, "r");
    free(cmd);
    buf raw;
    buf_init(&raw);
    char tmp[65536];
    size_t n;
    while (p && (n = fread(tmp, 1, sizeof tmp, p)) > 0) buf_append(&raw, tmp, n);
    ok = ok && p && pclose(p) == 0;
    unlink(path);
    if (squeeze)
        doc_squeeze(raw.data ? raw.data : "", raw.len, out);
    else
        buf_append(out, raw.data ? raw.data : "", raw.len);
    buf_free(&raw);
    return ok;
}

/* Does a diagnostic contain text? */
static inline bool doc_has_diag(const diag_list *d, const char *text) {
    for (size_t i = 0; i < diag_size(d); i++)
        if (strstr(diag_text_at(d, i), text)) return true;
    return false;
}

#endif
