/* One JSON front end for every JSON input (reports, templates, the font
 * manifest, the mail template): bytes checked (UTF-8, NUL), one byte order
 * mark skipped, parsed by cJSON within its nesting limit, and every failure
 * told with the line and column (in characters) where it is:
 *   x.json: invalid JSON: syntax error at line 3, column 14, near "}, ]"
 * cJSON alone says only where it stopped. */
#include "json_text.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xalloc.h"

/* How much of the text near a syntax error a message shows. */
#define NEAR_MAX_CHARS 16
#define QUOTE_MAX_BYTES 60

/* cJSON's parser writes a global of the library's own (its last error,
 * read by cJSON_GetErrorPtr, which we never call) on every parse: two
 * threads parsing at once race on it. This lock guards that global, not
 * any state of ours; a parse is a small part of a document's time, so
 * workers seldom wait. */
static pthread_mutex_t cjson_parse_lock = PTHREAD_MUTEX_INITIALIZER;

cJSON *json_parse_raw(const char *text, size_t len, const char **end) {
    pthread_mutex_lock(&cjson_parse_lock);
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, end, false);
    pthread_mutex_unlock(&cjson_parse_lock);
    return root;
}

typedef struct {
    diag_list *d;
    const char *source;
    size_t errors;
} jctx;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void input_error(jctx *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    c->errors++;
    diag_addv(c->d, DIAG_ERROR, c->source, NULL, fmt, ap);
    va_end(ap);
}

/* Writes s as a JSON string literal for a message: quotes, escapes for quotes,
 * backslashes and control characters, and at most max bytes of content (cut at
 * a character boundary, followed by "..." when cut). */
void json_quote(buf *b, const char *s, size_t max) {
    size_t n = strlen(s), cut = n;
    if (n > max) {
        cut = max;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
    }
    buf_putc(b, '"');
    for (size_t i = 0; i < cut; i++) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '"': buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        default:
            if (ch < 0x20 || ch == 0x7F)
                buf_printf(b, "\\u%04X", ch);
            else
                buf_putc(b, (char)ch);
        }
    }
    buf_putc(b, '"');
    if (cut < n) buf_puts(b, "...");
}


static char *quoted(const char *s) {
    buf b;
    buf_init(&b);
    json_quote(&b, s, QUOTE_MAX_BYTES);
    return buf_steal(&b, NULL);
}

bool json_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

/* 1-based line and column (in characters) of byte offset pos in s. */
static void line_col(const char *s, size_t pos, size_t *line, size_t *col) {
    size_t l = 1, start = 0;
    for (size_t i = 0; i < pos; i++)
        if (s[i] == '\n') l++, start = i + 1;
    *line = l;
    *col = utf8_count(s + start, pos - start) + 1;
}

/* Reports NUL bytes and invalid UTF-8 (the first of each). */
static bool check_bytes(jctx *c, const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        input_error(c, "invalid UTF-8 at byte offset 0 (the file looks like UTF-16; save it as "
                       "UTF-8)");
        return false;
    }
    bool nul = false, bad = false;
    size_t pos = 0;
    while (pos < n && !(nul && bad)) {
        size_t at = 0;
        if (utf8_valid(s + pos, n - pos, &at)) break;
        at += pos;
        if (s[at] == 0) {
            if (!nul) input_error(c, "NUL byte at byte offset %zu", at);
            nul = true;
        } else {
            if (!bad) input_error(c, "invalid UTF-8 at byte offset %zu", at);
            bad = true;
        }
        pos = at + 1;
    }
    return !nul && !bad;
}

/* Walks the text as JSON tokens far enough to explain a cJSON failure: the
 * state just before byte 'at' (bracket depth, innermost bracket, inside a
 * string or not), whether the input ends inside an unclosed string, array or
 * object (with brackets matched so far), and if it ends inside a string, where
 * that string starts. */
typedef struct {
    size_t depth_at;
    unsigned char top_at; /* '[', '{' or 0 */
    bool in_string_at;
    bool open_at_end;
    bool in_string_at_end;
    size_t string_start;
} structure;

static structure scan_structure(const char *s, size_t n, size_t at) {
    structure st = {0, 0, false, false, false, 0};
    unsigned char *stack = NULL;
    size_t cap = 0, depth = 0;
    bool in_string = false, mismatch = false, recorded = false;
    for (size_t i = 0; i < n; i++) {
        if (!recorded && i >= at) {
            st.depth_at = depth;
            st.top_at = depth ? stack[depth - 1] : 0;
            st.in_string_at = in_string;
            recorded = true;
        }
        char ch = s[i];
        if (in_string) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_string = false;
        } else if (ch == '"') {
            in_string = true;
            st.string_start = i;
        } else if (ch == '[' || ch == '{') {
            xgrow(&stack, &cap, depth + 1, 1);
            stack[depth++] = (unsigned char)ch;
        } else if (ch == ']' || ch == '}') {
            if (depth == 0 || stack[depth - 1] != (ch == ']' ? '[' : '{')) {
                mismatch = true;
                break;
            }
            depth--;
        }
    }
    if (!recorded) {
        st.depth_at = depth;
        st.top_at = depth ? stack[depth - 1] : 0;
        st.in_string_at = in_string;
    }
    st.open_at_end = !mismatch && (in_string || depth > 0);
    st.in_string_at_end = !mismatch && in_string;
    free(stack);
    return st;
}

/* Where an object key should start but no '"' does, cJSON reports the byte
 * after it: step back so the message names the offending character. */
static size_t adjust_key_failure(const char *s, size_t n, size_t fail) {
    if (fail == 0 || fail > n || s[fail - 1] == '"' || json_space(s[fail - 1])) return fail;
    size_t p = fail - 1;
    while (p > 0 && json_space(s[p - 1])) p--;
    if (p == 0 || (s[p - 1] != '{' && s[p - 1] != ',')) return fail;
    structure st = scan_structure(s, n, fail - 1);
    return !st.in_string_at && st.top_at == '{' ? fail - 1 : fail;
}

static void syntax_error(jctx *c, const char *s, size_t n, size_t fail) {
    if (fail > n) fail = n;
    fail = adjust_key_failure(s, n, fail);
    size_t line, col, last = n;
    structure st = scan_structure(s, n, fail);
    while (last > 0 && json_space(s[last - 1])) last--;
    /* cJSON points at the last byte when it ran out of input, or into the
     * string it was reading. */
    bool at_end = st.open_at_end && (fail + 1 >= last ||
                                     (st.in_string_at_end && fail >= st.string_start));
    if (fail < n && (s[fail] == '[' || s[fail] == '{') && st.depth_at >= CJSON_NESTING_LIMIT) {
        line_col(s, fail, &line, &col);
        input_error(c, "invalid JSON: nested deeper than %d levels at line %zu, column %zu",
                    CJSON_NESTING_LIMIT, line, col);
    } else if (at_end) {
        line_col(s, n, &line, &col);
        input_error(c, "invalid JSON: unexpected end of input at line %zu, column %zu (is the file "
                       "truncated?)",
                    line, col);
    } else {
        size_t end = fail, chars = 0;
        while (end < n && chars < NEAR_MAX_CHARS && s[end] != '\n' && s[end] != '\r') {
            utf8_next(s, n, &end);
            chars++;
        }
        char *near = xstrndup(s + fail, end - fail);
        char *q = quoted(near);
        line_col(s, fail, &line, &col);
        input_error(c, "invalid JSON: syntax error at line %zu, column %zu, near %s", line, col, q);
        free(q);
        free(near);
    }
}

/* cJSON decodes "\u0000" into a NUL that silently cuts the string short, so
 * such escapes are found in the text itself. */
static void check_nul_escapes(jctx *c, const char *s, size_t n) {
    if (!strstr(s, "\\u0000")) return;
    bool in_string = false;
    /* The column is counted on from the previous escape on the same line:
     * counting from the line's start for each escape was quadratic, and a
     * long line of "\\u0000" took minutes. */
    size_t line = 1, counted = 0, col = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '\n') line++, counted = i + 1, col = 0;
        if (!in_string) {
            if (ch == '"') in_string = true;
        } else if (ch == '"') {
            in_string = false;
        } else if (ch == '\\' && i + 1 < n) {
            if (n - i >= 6 && memcmp(s + i + 1, "u0000", 5) == 0) {
                col += utf8_count(s + counted, i - counted);
                counted = i;
                input_error(c, "NUL character (\\u0000) in a string at line %zu, column %zu", line,
                            col + 1);
            }
            i++;
        }
    }
}


cJSON *json_text_parse(const char *json, size_t len, const char *source, diag_list *d) {
    jctx c = {d, source, 0};
    if (!json) len = 0;
    if (!check_bytes(&c, json, len)) return NULL;
    /* A UTF-8 byte order mark is allowed and skipped; line and column numbers
     * count from after it. */
    if (len >= 3 && memcmp(json, "\xEF\xBB\xBF", 3) == 0) json += 3, len -= 3;
    if (len >= 3 && memcmp(json, "\xEF\xBB\xBF", 3) == 0) {
        /* cJSON would skip a second one. */
        syntax_error(&c, json, len, 0);
        return NULL;
    }
    size_t first = 0;
    while (first < len && json_space(json[first])) first++;
    if (first == len) {
        input_error(&c, "empty file");
        return NULL;
    }
    /* cJSON gets its own NUL-terminated copy: it must never read past len. */
    char *text = xstrndup(json, len);
    const char *end = NULL;
    cJSON *root = json_parse_raw(text, len, &end);
    if (!root) {
        syntax_error(&c, text, len, end ? (size_t)(end - text) : 0);
        free(text);
        return NULL;
    }
    size_t after = end ? (size_t)(end - text) : len;
    while (after < len && json_space(text[after])) after++;
    if (after < len) {
        size_t line, col;
        line_col(text, after, &line, &col);
        input_error(&c, "invalid JSON: unexpected content after the end of the value at line %zu, "
                        "column %zu",
                    line, col);
    }
    check_nul_escapes(&c, text, len);
    free(text);
    if (c.errors) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}
