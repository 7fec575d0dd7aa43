/* The import stage's front door: which format a file is, the reader for it,
 * the structure, the indicators, the JSON, report_parse. */
#include "import.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uclean.h>

#include "../backend/backend.h"
#include "../util/file.h"
#include "../util/xalloc.h"
#include "import_internal.h"

struct importer {
    backends *b;    /* not owned */
    pthread_mutex_t mu;
    void *han_latin; /* opened on first use, under mu */
    const backend_ops *ops; /* the table that opened han_latin */
    bool failed;
};

void import_process_cleanup(backends *b) {
    const backend_ops *ops = backends_peek(b);
    if (ops) ops->process_cleanup();
    u_cleanup();
}

importer *importer_new(backends *b) {
    importer *im = xcalloc(1, sizeof *im);
    im->b = b;
    pthread_mutex_init(&im->mu, NULL);
    return im;
}

void importer_free(importer *im) {
    if (!im) return;
    if (im->han_latin) im->ops->translit_close(im->han_latin);
    pthread_mutex_destroy(&im->mu);
    free(im);
}

/* ICU's Han-Latin reads a character by its most common reading; place
 * names often use another one. Readings of the names ICU gets wrong, as
 * the places themselves write them. */
static const struct {
    const char *han, *latin;
} place_readings[] = {
    {"长沙", "chang sha"}, {"长春", "chang chun"}, {"长治", "chang zhi"}, {"长宁", "chang ning"},
    {"长安", "chang an"},  {"长丰", "chang feng"}, {"长兴", "chang xing"}, {"长乐", "chang le"},
    {"长汀", "chang ting"}, {"长阳", "chang yang"}, {"长垣", "chang yuan"}, {"长岭", "chang ling"},
    {"长白", "chang bai"}, {"长海", "chang hai"},  {"长泰", "chang tai"},  {"长武", "chang wu"},
    {"长顺", "chang shun"}, {"长寿", "chang shou"}, {"长清", "chang qing"}, {"长子", "zhang zi"},
    {"长葛", "chang ge"},  {"长沙", "chang sha"},  {"厦门", "xia men"},    {"蚌埠", "beng bu"},
    {"六安", "lu an"},     {"六合", "lu he"},      {"番禺", "pan yu"},     {"单县", "shan xian"},
    {"乐清", "yue qing"},  {"乐亭", "lao ting"},   {"洪洞", "hong tong"},  {"铅山", "yan shan"},
    {"蔚县", "yu xian"},   {"涡阳", "guo yang"},   {"莎车", "sha che"},    {"重庆", "chong qing"},
    {"大冶", "da ye"},     {"解州", "xie zhou"},   {"东阿", "dong e"},     {"尉氏", "wei shi"},
    {"天长", "tian chang"}, {"行唐", "xing tang"}, {"曲阜", "qu fu"},      {"曲靖", "qu jing"},
    {"都江堰", "du jiang yan"}, {"成都", "cheng du"}, {"都昌", "du chang"}, {"会昌", "hui chang"},
    {"会理", "hui li"},    {"朝阳", "chao yang"},  {"调兵山", "diao bing shan"},
    /* 都 in place names is du (成都, 昆都仑, 都匀), not the adverb dou */
    {"都", "du"},
};

typedef struct slug_arg {
    importer *im;
    const backend_ops *ops;
} slug_arg;

/* name in Latin letters through the importer's transliterator, one thread
 * at a time (ICU's transliterators are not thread-safe). */
static void latin(importer *im, const char *name, buf *out) {
    pthread_mutex_lock(&im->mu);
    im->ops->translit(im->han_latin, name, out);
    pthread_mutex_unlock(&im->mu);
}

static void slug(void *arg, const char *name, buf *out) {
    slug_arg *a = arg;
    if (!a->ops) return; /* no backends: the id becomes "report-YEAR" */
    pthread_mutex_lock(&a->im->mu);
    if (!a->im->han_latin && !a->im->failed) {
        a->im->ops = a->ops;
        a->im->han_latin = a->ops->translit_open();
        a->im->failed = !a->im->han_latin;
    }
    void *t = a->im->han_latin;
    pthread_mutex_unlock(&a->im->mu);
    if (!t) return; /* no ICU data: the id becomes "report-YEAR" */
    /* Greedily: known place readings, else ICU, a run of characters at a time. */
    size_t len = strlen(name), i = 0, run = 0;
    while (i <= len) {
        size_t hit = 0;
        const char *reading = NULL;
        for (size_t k = 0; i < len && k < sizeof place_readings / sizeof *place_readings; k++) {
            size_t hl = strlen(place_readings[k].han);
            if (!strncmp(name + i, place_readings[k].han, hl)) {
                hit = hl;
                reading = place_readings[k].latin;
                break;
            }
        }
        if (hit || i == len) {
            if (i > run) {
                char *part = xstrndup(name + run, i - run);
                latin(a->im, part, out);
                free(part);
                buf_putc(out, ' ');
            }
            if (hit) {
                buf_puts(out, reading);
                buf_putc(out, ' ');
            }
            i += hit ? hit : 1;
            run = i;
        } else {
            i++;
        }
    }
}

static const char *const meta_keys[] = {"id",    "region.name", "region.level", "region.parent",
                                        "year",  "title",       "issuer",       "date"};

bool import_meta_valid(const char *a, const char **why) {
    const char *eq = strchr(a, '=');
    *why = NULL;
    if (!eq || eq == a || !eq[1]) {
        *why = "expected KEY=VALUE with a value";
        return false;
    }
    for (size_t k = 0; k < sizeof meta_keys / sizeof *meta_keys; k++) {
        size_t n = strlen(meta_keys[k]);
        if ((size_t)(eq - a) != n || strncmp(a, meta_keys[k], n)) continue;
        if (!strcmp(meta_keys[k], "year")) {
            char *end;
            long y = strtol(eq + 1, &end, 10);
            if (*end || y < 1000 || y > 9999) {
                *why = "year must be a number from 1000 to 9999";
                return false;
            }
        }
        return true;
    }
    *why = "unknown key (id, region.name, region.level, region.parent, year, title, issuer, "
           "date)";
    return false;
}

const char *import_format_name(import_format f) {
    switch (f) {
    case IMPORT_JSON: return "json";
    case IMPORT_TXT: return "txt";
    case IMPORT_HTML: return "html";
    case IMPORT_DOCX: return "docx";
    default: return "auto";
    }
}

bool import_format_parse(const char *name, import_format *f) {
    static const char *const names[] = {"auto", "json", "txt", "html", "docx"};
    for (int k = 0; k < 5; k++)
        if (!strcasecmp(name, names[k])) {
            *f = (import_format)k;
            return true;
        }
    if (!strcasecmp(name, "text")) return *f = IMPORT_TXT, true;
    if (!strcasecmp(name, "htm")) return *f = IMPORT_HTML, true;
    return false;
}

static const char *extension(const char *name) {
    const char *slash = name ? strrchr(name, '/') : NULL;
    const char *dot = name ? strrchr(slash ? slash : name, '.') : NULL;
    return dot ? dot + 1 : "";
}

bool import_is_raw_name(const char *path) {
    static const char *const raw[] = {"txt", "text", "htm", "html", "shtml", "xhtml", "docx"};
    const char *ext = extension(path);
    for (size_t k = 0; k < sizeof raw / sizeof *raw; k++)
        if (!strcasecmp(ext, raw[k])) return true;
    return false;
}

/* Case-insensitive search in the first bytes of data, from each place its
 * first character is (a '<' for tags). */
static bool head_has(const char *data, size_t len, const char *needle, size_t within) {
    size_t n = strlen(needle), lim = len < within ? len : within;
    for (const char *p = data; p && (size_t)(p - data) + n <= lim;) {
        p = memchr(p, needle[0], lim - (size_t)(p - data));
        if (!p || (size_t)(p - data) + n > lim) break;
        if (!strncasecmp(p, needle, n)) return true;
        p++;
    }
    return false;
}

import_format import_sniff(const char *data, size_t len, const char *name, const char **refused) {
    const unsigned char *u = (const unsigned char *)data;
    *refused = NULL;
    if (len >= 4 && !memcmp(data, "PK\x03\x04", 4)) {
        if (head_has(data, len, "word/", 4096) || head_has(data, len, "[Content_Types]", 4096) ||
            !strcasecmp(extension(name), "docx"))
            return IMPORT_DOCX;
        *refused = "a ZIP archive that is not a Word .docx file";
        return IMPORT_AUTO;
    }
    if (len >= 8 && !memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
        *refused = "a Word 97-2003 (.doc) or WPS (.wps) file: save it as .docx or as text";
        return IMPORT_AUTO;
    }
    if (len >= 5 && !memcmp(data, "%PDF-", 5)) {
        *refused = "a PDF file: save the report as .docx or text (its text cannot be read in "
                   "order from a PDF)";
        return IMPORT_AUTO;
    }
    if ((len >= 8 && !memcmp(data, "\x89PNG\r\n\x1A\n", 8)) || (len >= 3 && u[0] == 0xFF &&
                                                                  u[1] == 0xD8 && u[2] == 0xFF) ||
        (len >= 6 && (!memcmp(data, "GIF87a", 6) || !memcmp(data, "GIF89a", 6))) ||
        (len >= 4 && (!memcmp(data, "II*\0", 4) || !memcmp(data, "MM\0*", 4))) ||
        (len >= 12 && !memcmp(data, "RIFF", 4) && !memcmp(data + 8, "WEBP", 4)) ||
        (len >= 2 && !memcmp(data, "BM", 2) && !strcasecmp(extension(name), "bmp"))) {
        *refused = "an image, not a report: scanned reports need OCR first";
        return IMPORT_AUTO;
    }
    if (len >= 4 && (!memcmp(data, "\x1F\x8B", 2) || !memcmp(data, "7z\xBC\xAF", 4) ||
                     !memcmp(data, "Rar!", 4))) {
        *refused = "a compressed archive: unpack it first";
        return IMPORT_AUTO;
    }
    if (len >= 5 && !memcmp(data, "{\\rtf", 5)) {
        *refused = "an RTF file: save it as .docx or text";
        return IMPORT_AUTO;
    }
    size_t i = 0;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) i = 3;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
        i++;
    if (i < len && (data[i] == '{' || data[i] == '['))
        return strcasecmp(extension(name), "txt") ? IMPORT_JSON : IMPORT_TXT;
    if (head_has(data + i, len - i, "<!doctype html", 64) || head_has(data, len, "<html", 2048) ||
        head_has(data, len, "<body", 4096) || head_has(data, len, "<meta", 2048) ||
        head_has(data, len, "<div", 1024) || head_has(data, len, "<p>", 1024) ||
        head_has(data, len, "<p ", 1024))
        return IMPORT_HTML;
    const char *ext = extension(name);
    if (!strcasecmp(ext, "json")) return IMPORT_JSON;
    if (!strcasecmp(ext, "html") || !strcasecmp(ext, "htm") || !strcasecmp(ext, "shtml"))
        return IMPORT_HTML;
    if (!strcasecmp(ext, "doc") || !strcasecmp(ext, "wps")) {
        *refused = "a Word 97-2003 (.doc) or WPS (.wps) file: save it as .docx or as text";
        return IMPORT_AUTO;
    }
    return IMPORT_TXT;
}

static bool read_document(const backend_ops *ops, const imp_ctx *c, import_format f,
                          const char *data, size_t len, const import_opts *o, imp_doc *doc) {
    if (f == IMPORT_HTML) return ops->read_html(c, data, len, o ? o->encoding : NULL, doc);
    if (f == IMPORT_DOCX) return ops->read_docx(c, data, len, doc);
    size_t n = 0;
    char *text = imp_decode(c, data, len, o ? o->encoding : NULL, NULL, &n);
    if (!text) return false;
    imp_doc_add_lines(doc, text, n);
    free(text);
    return true;
}

static char *to_json(importer *im, const char *data, size_t len, const char *source,
                     const import_opts *opts, bool pretty, size_t *out_len, diag_list *d) {
    const char *refused = NULL;
    import_format f = opts && opts->from ? opts->from : import_sniff(data, len, source, &refused);
    if (refused) {
        diag_add(d, DIAG_ERROR, source, NULL, "%s", refused);
        return NULL;
    }
    if (f == IMPORT_JSON) {
        if (out_len) *out_len = len;
        return xstrndup(data, len);
    }
    if (len == 0) {
        diag_add(d, DIAG_ERROR, source, NULL, "empty file");
        return NULL;
    }
    /* Web pages and Word files need the backends' parsers; text only the
     * transliterator that makes the id, and without it the id is
     * "report-YEAR", as on a system without ICU's data. */
    char *need = xasprintf("import a raw report (%s)", import_format_name(f));
    const backend_ops *ops = NULL;
    const char *why = NULL;
    if (!im) diag_add(d, DIAG_ERROR, source, NULL, "cannot %s here (no importer)", need);
    else if (f != IMPORT_TXT) ops = backends_get(im->b, need, source, d);
    else if (!(ops = backends_try(im->b, &why)))
        diag_add(d, DIAG_WARNING, source, NULL,
                 "the report's id is made without the names' readings (%s)", why);
    free(need);
    if (!im || (!ops && f != IMPORT_TXT)) return NULL;
    imp_ctx c = {.source = source, .d = d, .explain = opts ? opts->explain : NULL, .opts = opts};
    imp_doc doc = {0};
    char *out = NULL;
    if (!read_document(ops, &c, f, data, len, opts, &doc)) goto done;
    if (doc.truncated) {
        diag_add(d, DIAG_ERROR, source, NULL, "more than %u paragraphs", IMPORT_MAX_PARAS);
        goto done;
    }
    if (!doc.n) {
        diag_add(d, DIAG_ERROR, source, NULL, "no text in the %s document",
                 import_format_name(f));
        goto done;
    }
    slug_arg sa = {.im = im, .ops = ops};
    cJSON *root = imp_structure(&c, &doc, slug, &sa);
    if (!root) goto done;
    imp_indicators(&c, root);
    out = pretty ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (out) {
        size_t n = strlen(out);
        out = xrealloc(out, n + 2);
        out[n] = '\n';
        out[n + 1] = 0;
        if (out_len) *out_len = n + 1;
    }
done:
    imp_doc_free(&doc);
    return out;
}

char *import_to_json(importer *im, const char *data, size_t len, const char *source,
                     const import_opts *opts, size_t *out_len, diag_list *d) {
    return to_json(im, data, len, source, opts, true, out_len, d);
}

report *import_parse(importer *im, const char *data, size_t len, const char *source,
                     const import_opts *opts, bool *was_raw, diag_list *d) {
    const char *refused = NULL;
    import_format f = opts && opts->from ? opts->from : import_sniff(data, len, source, &refused);
    if (was_raw) *was_raw = f != IMPORT_JSON && !refused;
    if (f == IMPORT_JSON && !refused) return report_parse(data, len, source, d);
    size_t n = 0;
    /* compact: the report's text, not its layout, counts against the limit */
    char *json = to_json(im, data, len, source, opts, false, &n, d);
    if (!json) return NULL;
    if (n > REPORT_MAX_BYTES) {
        diag_add(d, DIAG_ERROR, source, NULL,
                 "the imported report is larger than the limit of %u bytes", REPORT_MAX_BYTES);
        free(json);
        return NULL;
    }
    report *r = report_parse(json, n, source, d);
    free(json);
    return r;
}

char *import_decode_text(const char *data, size_t len, const char *source, const char *forced,
                         size_t *out_len, diag_list *d) {
    imp_ctx c = {.source = source, .d = d};
    size_t n = 0;
    char *text = imp_decode(&c, data, len, forced, NULL, &n);
    if (text && out_len) *out_len = n;
    return text;
}

report *import_load(importer *im, const char *path, const import_opts *opts, diag_list *d) {
    size_t len = 0;
    char *data = file_read_all(path, REPORT_MAX_BYTES, &len, d);
    if (!data) return NULL;
    report *r = import_parse(im, data, len, path, opts, NULL, d);
    free(data);
    return r;
}
