/* Shared between the import modules: the document as a list of paragraphs,
 * which every reader (text, HTML, .docx) produces and import_struct.c turns
 * into a report. */
#ifndef BRIEFING_IMPORT_INTERNAL_H
#define BRIEFING_IMPORT_INTERNAL_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "../util/utf8.h"
#include "import.h"

/* Caps that keep hostile documents bounded (docs/import.md). */
#define IMPORT_MAX_UNPACKED (256u * 1024u * 1024u) /* bytes inflated from a .docx */
#define IMPORT_MAX_PARAS 1000000u

typedef enum {
    HINT_NONE = 0,
    HINT_TITLE,   /* the markup says this is the document's title */
    HINT_HEADING, /* a heading, at level hint_level (1 = top) */
    HINT_ROW,     /* a table row (cells separated by U+3000) */
} imp_hint;

typedef struct imp_para {
    char *text; /* UTF-8, trimmed, never empty */
    size_t len;
    imp_hint hint;
    int hint_level;
    bool gap_before; /* a blank line before it in a text file */
} imp_para;

typedef struct imp_doc {
    imp_para *paras;
    size_t n, cap;
    char *meta_title; /* from <title>/<meta> or docProps (may be NULL) */
    char *meta_date;  /* ISO date from <meta name="PubDate"> and the like */
    bool truncated;   /* more than IMPORT_MAX_PARAS paragraphs: refused */
} imp_doc;

typedef struct imp_ctx {
    const char *source;
    diag_list *d;
    buf *explain; /* may be NULL */
    const import_opts *opts; /* may be NULL */
} imp_ctx;

/* The value --meta gives key, or NULL. */
const char *imp_meta(const imp_ctx *c, const char *key);

void imp_doc_free(imp_doc *doc);
/* Adds text[0..len) as one paragraph after trimming white space (ASCII,
 * U+00A0, U+3000, U+2002–U+200B, BOM); empty text adds nothing. */
void imp_doc_add(imp_doc *doc, const char *text, size_t len, imp_hint hint, int level);
/* Ends the paragraph gathered in cur (the readers of markup): adds it with
 * its hint and empties cur. hard: at the edge of a block (<p>, a Word
 * paragraph) rather than at a line break inside one; a paragraph that
 * follows a hard end is marked gap_before, as one after a blank line in a
 * text file. *soft carries the kind of the last end between calls. */
void imp_doc_end_para(imp_doc *doc, buf *cur, imp_hint hint, int level, bool hard, bool *soft);
/* Adds every line of text as a paragraph. */
void imp_doc_add_lines(imp_doc *doc, const char *text, size_t len);
/* One line of --explain: "SOURCE: ACTION: WHY: TEXT", where ACTION is
 * "dropped" (the text is not in the report), "found" (read as a fact: a
 * date), "joined" or "guessed". */
void imp_explain(const imp_ctx *c, const char *action, const char *why, const char *text,
                 size_t len);

/* import_text.c: bytes in some encoding → UTF-8 (NUL-terminated, CR LF and
 * CR made LF). declared: a charset the document names (HTML), or NULL. */
char *imp_decode(const imp_ctx *c, const char *data, size_t len, const char *forced,
                 const char *declared, size_t *out_len);

/* import_html.c / import_docx.c: a parsed document, or false with an error.
 * With import_translit.c, the backends (src/backend/backend.h): import.c
 * reaches them through the importer's table, never directly. */
bool imp_read_html(const imp_ctx *c, const char *data, size_t len, const char *forced_encoding,
                   imp_doc *doc);
bool imp_read_docx(const imp_ctx *c, const char *data, size_t len, imp_doc *doc);
/* import_translit.c: ICU's Han-Latin transliterator (backend_ops). */
void *imp_translit_open(void);
void imp_translit(void *t, const char *name, buf *out);
void imp_translit_close(void *t);

/* import_struct.c: the report JSON tree of a document. slug turns a region
 * name into ASCII words ("衡山县" → "heng shan xian"), into out. */
typedef void (*imp_slug_fn)(void *arg, const char *name, buf *out);
cJSON *imp_structure(const imp_ctx *c, const imp_doc *doc, imp_slug_fn slug, void *slug_arg);

/* import_ind.c: the indicators of a finished report tree, appended to its
 * "indicators" array; every value is in its quote and every quote in the
 * text, checked. */
void imp_indicators(const imp_ctx *c, cJSON *doc);

/* The first date in s[0..len) (2022年2月21日, 2022-02-21, 2022/2/21,
 * 二〇二二年二月二十一日) as ISO yyyy-mm-dd in iso. */
bool imp_find_date(const char *s, size_t len, char iso[11]);

/* Helpers on UTF-8 text. imp_cp_at: the character at s[i] (U+FFFD for a
 * bad sequence), and where the next starts; inline, since every pass of
 * import walks text a character at a time. */
static inline uint32_t imp_cp_at(const char *s, size_t len, size_t i, size_t *next) {
    size_t j = i;
    uint32_t cp = utf8_next_fast(s, len, &j);
    if (next) *next = j;
    return cp;
}
bool imp_is_han(uint32_t cp);
bool imp_is_space(uint32_t cp);

#endif
