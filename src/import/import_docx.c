/* Word .docx files: a ZIP (libzip) holding WordprocessingML (libxml2).
 * Paragraphs in document order; a paragraph whose style is a heading style
 * ("heading N", "标题 N", or any style or paragraph with an outline level)
 * is a heading of that level, one of style Title the title; tables become
 * one line per row. Nothing is inflated past IMPORT_MAX_UNPACKED bytes,
 * whatever sizes the archive claims, and the XML parser neither loads
 * external entities nor substitutes internal ones. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "../util/xalloc.h"
#include "import_internal.h"

#define DOCX_MAX_DEPTH 200
#define DOCX_MAX_STYLES 4096

typedef struct style {
    char *id;
    int level; /* 1…9 heading, 0 none, -1 the title */
} style;

typedef struct styles {
    style *v;
    size_t n, cap;
} styles;

static bool local_is(const xmlNode *n, const char *name) {
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static char *wattr(const xmlNode *n, const char *name) {
    /* w:val and friends: the attribute by local name, whatever its prefix */
    for (xmlAttr *a = n->properties; a; a = a->next) {
        if (strcmp((const char *)a->name, name)) continue;
        xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
        char *s = v ? xstrdup((const char *)v) : NULL;
        xmlFree(v);
        return s;
    }
    return NULL;
}

static const xmlNode *child(const xmlNode *n, const char *name) {
    for (const xmlNode *k = n ? n->children : NULL; k; k = k->next)
        if (local_is(k, name)) return k;
    return NULL;
}

/* Reads one member, refusing to inflate more than the cap. */
static char *read_member(const imp_ctx *c, zip_t *z, const char *name, size_t *len,
                         bool required) {
    zip_file_t *f = zip_fopen(z, name, 0);
    if (!f) {
        if (required)
            diag_add(c->d, DIAG_ERROR, c->source, NULL,
                     "not a Word document: the archive has no %s", name);
        return NULL;
    }
    buf b;
    buf_init(&b);
    char chunk[65536];
    for (;;) {
        zip_int64_t got = zip_fread(f, chunk, sizeof chunk);
        if (got < 0) {
            diag_add(c->d, DIAG_ERROR, c->source, NULL, "damaged .docx: cannot inflate %s: %s",
                     name, zip_file_strerror(f));
            zip_fclose(f);
            buf_free(&b);
            return NULL;
        }
        if (got == 0) break;
        if (b.len + (size_t)got > IMPORT_MAX_UNPACKED) {
            diag_add(c->d, DIAG_ERROR, c->source, NULL,
                     "%s inflates to more than %u MiB: refused (a ZIP bomb?)", name,
                     IMPORT_MAX_UNPACKED >> 20);
            zip_fclose(f);
            buf_free(&b);
            return NULL;
        }
        buf_append(&b, chunk, (size_t)got);
    }
    zip_fclose(f);
    *len = b.len;
    if (!b.data) buf_reserve(&b, 1);
    return b.data;
}

static xmlDoc *parse_xml(const imp_ctx *c, const char *data, size_t len, const char *name,
                         bool quiet) {
    if (len > (size_t)INT32_MAX) return NULL;
    xmlDoc *x = xmlReadMemory(data, (int)len, NULL, NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                  XML_PARSE_COMPACT);
    if (!x && !quiet)
        diag_add(c->d, DIAG_ERROR, c->source, NULL, "damaged .docx: %s is not well-formed XML",
                 name);
    return x;
}

static int heading_level_of_name(const char *name) {
    if (!name) return 0;
    if (!strcasecmp(name, "title") || !strcmp(name, "标题")) return -1;
    const char *p = NULL;
    if (!strncasecmp(name, "heading ", 8)) p = name + 8;
    else if (!strncmp(name, "标题 ", 7)) p = name + 7;
    else if (!strncmp(name, "标题", 6)) p = name + 6;
    if (p && *p >= '1' && *p <= '9' && !p[1]) return *p - '0';
    return 0;
}

static int outline_level(const xmlNode *ppr) {
    const xmlNode *o = child(ppr, "outlineLvl");
    char *v = o ? wattr(o, "val") : NULL;
    int lv = v && v[0] >= '0' && v[0] <= '8' && !v[1] ? v[0] - '0' + 1 : 0;
    free(v);
    return lv;
}

static void read_styles(const imp_ctx *c, zip_t *z, styles *st) {
    size_t len = 0;
    char *data = read_member(c, z, "word/styles.xml", &len, false);
    if (!data) return;
    /* styles are optional: without them headings come from numbering */
    xmlDoc *x = parse_xml(c, data, len, "word/styles.xml", true);
    free(data);
    if (!x) return;
    const xmlNode *root = xmlDocGetRootElement(x);
    for (const xmlNode *s = root ? root->children : NULL; s && st->n < DOCX_MAX_STYLES;
         s = s->next) {
        if (!local_is(s, "style")) continue;
        char *id = wattr(s, "styleId");
        if (!id) continue;
        const xmlNode *nm = child(s, "name");
        char *name = nm ? wattr(nm, "val") : NULL;
        int lv = heading_level_of_name(name);
        if (!lv) lv = outline_level(child(s, "pPr"));
        if (!lv) lv = heading_level_of_name(id);
        free(name);
        xgrow(&st->v, &st->cap, st->n + 1, sizeof *st->v);
        st->v[st->n++] = (style){id, lv};
    }
    xmlFreeDoc(x);
}

static int style_level(const styles *st, const char *id) {
    for (size_t i = 0; id && i < st->n; i++)
        if (!strcmp(st->v[i].id, id)) return st->v[i].level;
    return heading_level_of_name(id);
}

typedef struct reader {
    const imp_ctx *c;
    const styles *st;
    imp_doc *doc;
    buf cur;
    bool soft; /* the paragraph began at a line break */
} reader;

static void runs(reader *r, const xmlNode *n, int depth);

/* Ends a paragraph: at the end of a w:p (hard) or at a line break inside one. */
static void put_para(reader *r, int level, bool hard) {
    imp_hint hint = level < 0 ? HINT_TITLE : level > 0 ? HINT_HEADING : HINT_NONE;
    imp_doc_end_para(r->doc, &r->cur, hint, level > 0 ? level : 0, hard, &r->soft);
}

/* Text of a paragraph's runs; a line break inside a paragraph starts a new
 * paragraph (Word users break lines where they mean paragraphs). */
static void runs(reader *r, const xmlNode *n, int depth) {
    if (depth > DOCX_MAX_DEPTH) return;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE) continue;
        const char *nm = (const char *)k->name;
        if (!strcmp(nm, "t")) {
            for (const xmlNode *t = k->children; t; t = t->next)
                if (t->type == XML_TEXT_NODE && t->content)
                    buf_puts(&r->cur, (const char *)t->content);
        } else if (!strcmp(nm, "tab")) {
            buf_putc(&r->cur, ' ');
        } else if (!strcmp(nm, "br") || !strcmp(nm, "cr")) {
            char *type = wattr(k, "type");
            if (!type || !strcmp(type, "textWrapping")) put_para(r, 0, false);
            free(type);
        } else if (!strcmp(nm, "pPr") || !strcmp(nm, "rPr") || !strcmp(nm, "delText") ||
                   !strcmp(nm, "instrText") || !strcmp(nm, "Fallback") ||
                   !strcmp(nm, "del") || !strcmp(nm, "footnoteReference")) {
            continue;
        } else {
            runs(r, k, depth + 1);
        }
    }
}

static int para_level(const reader *r, const xmlNode *p) {
    const xmlNode *ppr = child(p, "pPr");
    int lv = outline_level(ppr);
    if (lv) return lv;
    const xmlNode *ps = child(ppr, "pStyle");
    char *id = ps ? wattr(ps, "val") : NULL;
    lv = style_level(r->st, id);
    free(id);
    return lv;
}

static void body(reader *r, const xmlNode *n, int depth);

static void table(reader *r, const xmlNode *tbl, int depth) {
    for (const xmlNode *tr = tbl->children; tr; tr = tr->next) {
        if (!local_is(tr, "tr")) continue;
        buf row;
        buf_init(&row);
        for (const xmlNode *tc = tr->children; tc; tc = tc->next) {
            if (!local_is(tc, "tc")) continue;
            imp_doc cell = {0};
            reader cr = {.c = r->c, .st = r->st, .doc = &cell};
            body(&cr, tc, depth + 1);
            buf_free(&cr.cur);
            for (size_t i = 0; i < cell.n; i++) {
                if (row.len) buf_puts(&row, "\xE3\x80\x80");
                buf_append(&row, cell.paras[i].text, cell.paras[i].len);
            }
            imp_doc_free(&cell);
        }
        if (row.len) imp_doc_add(r->doc, row.data, row.len, HINT_ROW, 0);
        buf_free(&row);
    }
}

static void body(reader *r, const xmlNode *n, int depth) {
    if (depth > DOCX_MAX_DEPTH) return;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (local_is(k, "p")) {
            runs(r, k, depth + 1);
            put_para(r, para_level(r, k), true);
        } else if (local_is(k, "tbl")) {
            table(r, k, depth + 1);
        } else if (local_is(k, "sdt") || local_is(k, "sdtContent") ||
                   local_is(k, "customXml") || local_is(k, "ins")) {
            body(r, k, depth + 1);
        }
    }
}

bool imp_read_docx(const imp_ctx *c, const char *data, size_t len, imp_doc *doc) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze) : NULL;
    if (!z) {
        diag_add(c->d, DIAG_ERROR, c->source, NULL, "not a readable .docx (ZIP) file: %s",
                 zip_error_strerror(&ze));
        if (src) zip_source_free(src);
        zip_error_fini(&ze);
        return false;
    }
    zip_error_fini(&ze);
    bool ok = false;
    styles st = {0};
    read_styles(c, z, &st);
    size_t n = 0;
    char *xml = read_member(c, z, "word/document.xml", &n, true);
    xmlDoc *x = xml ? parse_xml(c, xml, n, "word/document.xml", false) : NULL;
    free(xml);
    if (x) {
        const xmlNode *root = xmlDocGetRootElement(x);
        const xmlNode *b = child(root, "body");
        if (!b) {
            diag_add(c->d, DIAG_ERROR, c->source, NULL,
                     "not a Word document: word/document.xml has no body");
        } else {
            reader r = {.c = c, .st = &st, .doc = doc};
            body(&r, b, 0);
            buf_free(&r.cur);
            ok = true;
        }
        xmlFreeDoc(x);
    }
    /* the core properties' title, as a page's <title> */
    size_t pn = 0;
    char *props = ok ? read_member(c, z, "docProps/core.xml", &pn, false) : NULL;
    if (props) {
        xmlDoc *px = xmlReadMemory(props, (int)(pn < (size_t)INT32_MAX ? pn : 0), NULL, NULL,
                                   XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        const xmlNode *t = px ? child(xmlDocGetRootElement(px), "title") : NULL;
        xmlChar *v = t ? xmlNodeGetContent(t) : NULL;
        if (v && *v) doc->meta_title = xstrdup((const char *)v);
        xmlFree(v);
        xmlFreeDoc(px);
        free(props);
    }
    for (size_t i = 0; i < st.n; i++) free(st.v[i].id);
    free(st.v);
    zip_close(z);
    return ok;
}
