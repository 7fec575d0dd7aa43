/* Web pages as saved from a government site, through libxml2's HTML parser:
 * the article is the smallest element holding nearly all of the page's
 * text that is not link text (navigation, menus and lists of related pages
 * are links); the title and the publication date are looked for in the
 * whole page, since sites put them outside the article's element. Inside
 * the article, block elements and <br> make paragraphs, table rows make one
 * line each. */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/xalloc.h"
#include "import_internal.h"

/* Recursion over the tree stops here; deeper text is read flat. */
#define HTML_MAX_DEPTH 200
/* The article's element holds at least this share of the page's text. */
#define ARTICLE_SHARE 0.85

static bool name_is(const xmlNode *n, const char *name) {
    return n->type == XML_ELEMENT_NODE && n->name && !strcasecmp((const char *)n->name, name);
}

static bool any_name(const xmlNode *n, const char *const *names) {
    for (; *names; names++)
        if (name_is(n, *names)) return true;
    return false;
}

static const char *const skipped[] = {"script", "style", "noscript", "iframe", "nav", "footer",
                                      "select", "option", "button", "input", "textarea", "svg",
                                      "object", "embed", "template", "head", "map", NULL};
static const char *const blocks[] = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6",
                                     "li", "tr", "table", "section", "article", "blockquote",
                                     "pre", "center", "ul", "ol", "dd", "dt", "dl", "hr", "tbody",
                                     "thead", "form", "header", "main", "aside", "figure",
                                     "figcaption", "address", "caption", NULL};

/* Classes and ids of page furniture. */
static bool furniture(const xmlNode *n) {
    static const char *const words[] = {"nav", "menu", "footer", "breadcrumb", "crumb", "share",
                                        "sidebar", "copyright", "toolbar", "fontsize", "position",
                                        "location", "print", "bdshare", NULL};
    const char *attrs[] = {"class", "id"};
    for (int a = 0; a < 2; a++) {
        xmlChar *v = xmlGetProp(n, (const xmlChar *)attrs[a]);
        if (!v) continue;
        bool hit = false;
        for (size_t k = 0; words[k] && !hit; k++) {
            char *low = xstrdup((const char *)v);
            for (char *p = low; *p; p++)
                if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
            hit = strstr(low, words[k]) != NULL;
            free(low);
        }
        xmlFree(v);
        if (hit) return true;
    }
    return false;
}

static bool skip(const xmlNode *n) {
    return n->type == XML_ELEMENT_NODE && (any_name(n, skipped) || furniture(n));
}

static size_t han_in(const char *s) {
    size_t n = 0, len = strlen(s);
    for (size_t i = 0; i < len;)
        if (imp_is_han(imp_cp_at(s, len, i, &i))) n++;
    return n;
}

/* Han characters of n's text outside links, stored per element in a
 * side table keyed by node (the tree's _private field). */
static size_t count_text(xmlNode *n, int depth) {
    size_t total = 0;
    for (xmlNode *k = n->children; k; k = k->next) {
        if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
            total += han_in((const char *)k->content);
        } else if (k->type == XML_ELEMENT_NODE && !skip(k) && !name_is(k, "a") &&
                   depth < HTML_MAX_DEPTH) {
            total += count_text(k, depth + 1);
        }
    }
    n->_private = (void *)(uintptr_t)total;
    return total;
}

static size_t counted(const xmlNode *n) { return (size_t)(uintptr_t)n->_private; }

static xmlNode *find_article(xmlNode *body) {
    xmlNode *at = body;
    for (int depth = 0; depth < HTML_MAX_DEPTH; depth++) {
        xmlNode *best = NULL;
        for (xmlNode *k = at->children; k; k = k->next)
            if (k->type == XML_ELEMENT_NODE && !skip(k) && (!best || counted(k) > counted(best)))
                best = k;
        if (!best || (double)counted(best) < ARTICLE_SHARE * (double)counted(at)) break;
        at = best;
    }
    return at;
}

typedef struct walker {
    buf cur; /* the paragraph being gathered */
    imp_doc *doc;
    imp_hint hint;
    int level;
    bool pre;
    bool soft; /* the paragraph began after a <br>, not at a block's edge */
    bool newline_run; /* the white space just read held a line break */
} walker;

/* Ends the paragraph being gathered. hard: at a block's edge (<p>, <div>…)
 * rather than a <br>. */
static void flush_break(walker *w, bool hard) {
    imp_doc_end_para(w->doc, &w->cur, w->hint, w->level, hard, &w->soft);
    w->hint = HINT_NONE;
    w->level = 0;
}

static void flush(walker *w) { flush_break(w, true); }

/* Appends text with HTML's white-space rule: runs become one space, but a
 * run that holds a line break between two Chinese characters goes (a line
 * break in the page's source inside a sentence; CSS Text's segment break
 * rule). Spaces the text itself has between Chinese characters stay. */
static void put_text(walker *w, const char *s) {
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        size_t nx;
        uint32_t cp = imp_cp_at(s, len, i, &nx);
        bool space = cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == '\f';
        if (w->pre && cp == '\n') {
            flush_break(w, false);
        } else if (space) {
            if (w->cur.len && w->cur.data[w->cur.len - 1] != ' ') buf_putc(&w->cur, ' ');
            if (cp == '\n' || cp == '\r') w->newline_run = true;
        } else {
            if (w->newline_run && w->cur.len >= 2 && w->cur.data[w->cur.len - 1] == ' ' &&
                cp >= 0x80 && (unsigned char)w->cur.data[w->cur.len - 2] >= 0x80)
                w->cur.len--;
            w->newline_run = false;
            buf_append(&w->cur, s + i, nx - i);
        }
        i = nx;
    }
}

static void walk(walker *w, xmlNode *n, int depth);

static void table_row(walker *w, xmlNode *tr, int depth) {
    flush(w);
    buf row;
    buf_init(&row);
    for (xmlNode *td = tr->children; td; td = td->next) {
        if (!name_is(td, "td") && !name_is(td, "th")) continue;
        walker cell = {.doc = NULL};
        imp_doc tmp = {0};
        cell.doc = &tmp;
        walk(&cell, td, depth + 1);
        flush(&cell);
        buf_free(&cell.cur);
        for (size_t i = 0; i < tmp.n; i++) {
            if (row.len) buf_puts(&row, "\xE3\x80\x80"); /* U+3000 between cells */
            buf_append(&row, tmp.paras[i].text, tmp.paras[i].len);
        }
        imp_doc_free(&tmp);
    }
    if (row.len) imp_doc_add(w->doc, row.data, row.len, HINT_ROW, 0);
    buf_free(&row);
}

static void walk(walker *w, xmlNode *n, int depth) {
    for (xmlNode *k = n->children; k; k = k->next) {
        if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
            put_text(w, (const char *)k->content);
            continue;
        }
        if (k->type != XML_ELEMENT_NODE || skip(k)) continue;
        if (depth >= HTML_MAX_DEPTH) {
            xmlChar *t = xmlNodeGetContent(k);
            if (t) put_text(w, (const char *)t);
            xmlFree(t);
            continue;
        }
        if (name_is(k, "tr")) {
            table_row(w, k, depth);
            continue;
        }
        if (name_is(k, "br")) {
            flush_break(w, false);
            continue;
        }
        bool block = any_name(k, blocks);
        if (block) flush(w);
        const char *nm = (const char *)k->name;
        bool heading = (nm[0] == 'h' || nm[0] == 'H') && nm[1] >= '1' && nm[1] <= '6' && !nm[2];
        bool was_pre = w->pre;
        if (name_is(k, "pre")) w->pre = true;
        walk(w, k, depth + 1);
        w->pre = was_pre;
        if (heading && w->cur.len) {
            w->hint = nm[1] == '1' ? HINT_TITLE : HINT_HEADING;
            w->level = nm[1] - '1';
        }
        if (block) flush(w);
    }
}

static char *attr(xmlNode *n, const char *name) {
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s = v ? xstrdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* <title>, <meta name="ArticleTitle" content=…>, <meta name="PubDate" …>. */
static void read_head(xmlNode *n, imp_doc *doc, int depth) {
    for (xmlNode *k = n; k && depth < HTML_MAX_DEPTH; k = k->next) {
        if (k->type != XML_ELEMENT_NODE) continue;
        if (name_is(k, "title") && !doc->meta_title) {
            xmlChar *t = xmlNodeGetContent(k);
            if (t) {
                imp_doc tmp = {0};
                imp_doc_add(&tmp, (const char *)t, strlen((const char *)t), HINT_NONE, 0);
                if (tmp.n) doc->meta_title = xstrdup(tmp.paras[0].text);
                imp_doc_free(&tmp);
            }
            xmlFree(t);
        } else if (name_is(k, "meta")) {
            char *name = attr(k, "name"), *content = attr(k, "content");
            if (name && content) {
                if (!strcasecmp(name, "ArticleTitle")) {
                    free(doc->meta_title);
                    doc->meta_title = xstrdup(content);
                } else if ((!strcasecmp(name, "PubDate") || !strcasecmp(name, "firstpublishedtime")
                            || !strcasecmp(name, "publishdate")) &&
                           !doc->meta_date && strlen(content) >= 10 && content[4] == '-' &&
                           content[7] == '-') {
                    doc->meta_date = xstrndup(content, 10);
                }
            }
            free(name);
            free(content);
        }
        if (k->children) read_head(k->children, doc, depth + 1);
    }
}

/* The charset a page declares (<meta charset=…> or http-equiv), from its
 * bytes, before decoding. */
static char *declared_charset(const char *data, size_t len) {
    size_t lim = len < 8192 ? len : 8192;
    for (size_t i = 0; i + 8 < lim; i++) {
        if (strncasecmp(data + i, "charset=", 8)) continue;
        size_t a = i + 8;
        while (a < lim && (data[a] == '"' || data[a] == '\'' || data[a] == ' ')) a++;
        size_t b = a;
        while (b < lim && b - a < 32 &&
               ((data[b] >= 'a' && data[b] <= 'z') || (data[b] >= 'A' && data[b] <= 'Z') ||
                (data[b] >= '0' && data[b] <= '9') || data[b] == '-' || data[b] == '_'))
            b++;
        if (b > a) return xstrndup(data + a, b - a);
    }
    return NULL;
}

/* The title among the page's headings, when the article's element does not
 * hold it: the first <h1>…<h3> or element of class *title* that reads like
 * a report's title. */
static char *find_heading_title(xmlNode *n, int depth) {
    for (xmlNode *k = n; k && depth < HTML_MAX_DEPTH; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || skip(k)) continue;
        char *cls = attr(k, "class");
        bool cand = name_is(k, "h1") || name_is(k, "h2") || name_is(k, "h3") ||
                    (cls && strstr(cls, "title"));
        free(cls);
        if (cand) {
            xmlChar *t = xmlNodeGetContent(k);
            if (t) {
                imp_doc tmp = {0};
                imp_doc_add(&tmp, (const char *)t, strlen((const char *)t), HINT_NONE, 0);
                xmlFree(t);
                char *s = tmp.n && strstr(tmp.paras[0].text, "报告") &&
                                  !strstr(tmp.paras[0].text, "。") && tmp.paras[0].len < 300
                              ? xstrdup(tmp.paras[0].text)
                              : NULL;
                imp_doc_free(&tmp);
                if (s) return s;
            }
        }
        char *s = k->children ? find_heading_title(k->children, depth + 1) : NULL;
        if (s) return s;
    }
    return NULL;
}

bool imp_read_html(const imp_ctx *c, const char *data, size_t len, const char *forced_encoding,
                   imp_doc *doc) {
    char *declared = declared_charset(data, len);
    size_t n = 0;
    char *text = imp_decode(c, data, len, forced_encoding, declared, &n);
    free(declared);
    if (!text) return false;
    if (n > (size_t)INT32_MAX) {
        free(text);
        diag_add(c->d, DIAG_ERROR, c->source, NULL, "page too large");
        return false;
    }
    /* No network, no entity loading; errors in the markup are the rule on
     * these sites, so the parser recovers from them silently. */
    htmlParserCtxtPtr ctx = htmlNewParserCtxt();
    htmlDocPtr h = ctx ? htmlCtxtReadMemory(ctx, text, (int)n, NULL, "UTF-8",
                                            HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                                HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                                HTML_PARSE_NOBLANKS | HTML_PARSE_IGNORE_ENC |
                                                HTML_PARSE_COMPACT)
                       : NULL;
    free(text);
    /* libxml2 stops at 256 nested elements (its guard against deep
     * recursion); the text after that point is lost, so say so */
    bool too_deep = ctx && ctx->lastError.message && strstr(ctx->lastError.message, "depth");
    if (ctx) htmlFreeParserCtxt(ctx);
    if (!h || too_deep) {
        if (too_deep)
            diag_add(c->d, DIAG_ERROR, c->source, NULL,
                     "elements nested deeper than libxml2's limit of 256: not a page a site "
                     "would serve");
        else
            diag_add(c->d, DIAG_ERROR, c->source, NULL, "not an HTML page libxml2 can read");
        if (h) xmlFreeDoc(h);
        return false;
    }
    xmlNode *root = xmlDocGetRootElement(h);
    if (root) read_head(root, doc, 0);
    xmlNode *body = root;
    for (xmlNode *k = root ? root->children : NULL; k; k = k->next)
        if (name_is(k, "body")) body = k;
    if (body) {
        count_text(body, 0);
        xmlNode *article = find_article(body);
        walker w = {.doc = doc};
        char *title = find_heading_title(body, 0);
        /* the title outside the article: put it first, as the title */
        if (title) {
            xmlChar *inside = xmlNodeGetContent(article);
            bool in = inside && strstr((const char *)inside, title);
            xmlFree(inside);
            if (!in) imp_doc_add(doc, title, strlen(title), HINT_TITLE, 0);
        }
        /* the publication date outside the article: the first date after
         * one of the words a page header gives it with */
        if (!doc->meta_date) {
            xmlChar *all = xmlNodeGetContent(body);
            const char *keys[] = {"发布时间", "发布日期", "发表日期", "发文日期", "成文日期",
                                  "更新时间", "时间", "日期", NULL};
            for (int k = 0; all && keys[k] && !doc->meta_date; k++) {
                const char *p = strstr((const char *)all, keys[k]);
                char iso[11];
                if (!p) continue;
                size_t rest = strlen(p), window = rest < 48 ? rest : 48;
                if (imp_find_date(p, window, iso)) doc->meta_date = xstrdup(iso);
            }
            xmlFree(all);
        }
        free(title);
        walk(&w, article, 0);
        flush(&w);
        buf_free(&w.cur);
    }
    xmlFreeDoc(h);
    return true;
}
