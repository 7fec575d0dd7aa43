#include "batch_manifest.h"

#include <string.h>

#include "../report/report.h"
#include "../tmpl/tmpl.h"
#include "../util/utf8.h"
#include "../util/xalloc.h"

enum { FILE_NAME_MAX = 200 };

void batch_json_string(buf *b, const char *s) {
    size_t len = strlen(s), i = 0;
    buf_putc(b, '"');
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            i++;
            if (c == '"' || c == '\\') {
                buf_putc(b, '\\');
                buf_putc(b, (char)c);
            } else if (c == '\n') {
                buf_puts(b, "\\n");
            } else if (c == '\t') {
                buf_puts(b, "\\t");
            } else if (c < 0x20 || c == 0x7f) {
                buf_printf(b, "\\u%04x", c);
            } else {
                buf_putc(b, (char)c);
            }
            continue;
        }
        size_t start = i;
        uint32_t cp = utf8_next(s, len, &i);
        /* utf8_next yields U+FFFD for malformed bytes; surrogates and overlong
         * forms are not UTF-8 either */
        size_t n = i - start;
        bool bad = (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF || (n == 2 && cp < 0x80) ||
                   (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
        if (bad || (cp == 0xFFFD && n == 1))
            buf_puts(b, "\xEF\xBF\xBD");
        else
            buf_append(b, s + start, n);
    }
    buf_putc(b, '"');
}

static void put_messages(buf *b, const diag_list *d, diag_severity sev) {
    buf_putc(b, '[');
    bool first = true;
    for (size_t i = 0; i < diag_size(d); i++) {
        if (diag_severity_at(d, i) != sev) continue;
        if (!first) buf_putc(b, ',');
        first = false;
        batch_json_string(b, diag_text_at(d, i));
    }
    buf_putc(b, ']');
}

void batch_manifest_line(buf *b, const batch_record *rec) {
    buf_puts(b, "{\"id\":");
    if (rec->id)
        batch_json_string(b, rec->id);
    else
        buf_puts(b, "null");
    buf_puts(b, ",\"source\":");
    batch_json_string(b, rec->source ? rec->source : "");
    buf_puts(b, ",\"output\":");
    if (rec->output)
        batch_json_string(b, rec->output);
    else
        buf_puts(b, "null");
    buf_printf(b, ",\"pages\":%zu,\"bytes\":%zu,\"milliseconds\":", rec->pages, rec->bytes);
    buf_put_num(b, rec->ms, 2);
    buf_printf(b, ",\"status\":\"%s\",\"warnings\":", rec->ok ? "ok" : "error");
    put_messages(b, rec->d, DIAG_WARNING);
    buf_puts(b, ",\"errors\":");
    put_messages(b, rec->d, DIAG_ERROR);
    buf_puts(b, "}\n");
}

char *batch_file_name(const char *id) {
    size_t n = strlen(id);
    if (n > FILE_NAME_MAX) n = FILE_NAME_MAX;
    char *out = xmalloc(n + 6); /* room for "_" when the id is empty */
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
        out[i] = safe ? c : '_';
    }
    if (n == 0) out[n++] = '_';
    if (out[0] == '.') out[0] = '_'; /* hidden files, "." and ".." */
    memcpy(out + n, ".pdf", 5);
    return out;
}

typedef struct name_bind {
    const report *r;
    char year[16];
} name_bind;

static const char *name_lookup(void *user, const char *name, size_t len) {
    name_bind *b = user;
    return report_field(b->r, name, len, b->year);
}

char *batch_pattern_name(const char *pattern, const report *r, char **missing) {
    buf text;
    buf_init(&text);
    name_bind nb = {.r = r};
    if (!tmpl_expand(pattern, name_lookup, &nb, &text, missing)) {
        buf_free(&text);
        return NULL;
    }
    const char *s = text.data ? text.data : "";
    size_t len = text.len, i = 0, n = 0;
    char *out = xmalloc(FILE_NAME_MAX + 8);
    while (i < len) {
        size_t start = i;
        uint32_t cp = utf8_next(s, len, &i);
        size_t k = i - start;
        if (n + k > FILE_NAME_MAX) break; /* whole characters only */
        bool bad = cp < 0x20 || cp == 0x7f || cp == '/' || cp == '\\' || cp == 0xFFFD ||
                   (n == 0 && (cp == '.' || cp == ' '));
        if (bad) out[n++] = '_';
        else memcpy(out + n, s + start, k), n += k;
    }
    while (n && out[n - 1] == ' ') n--; /* trailing blanks: easy to mistype later */
    if (n == 0) out[n++] = '_';
    memcpy(out + n, ".pdf", 5);
    buf_free(&text);
    return out;
}
