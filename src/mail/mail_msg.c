/* The mail template and the message: multipart/mixed holding
 * multipart/alternative (text/plain and text/html: greeting, introduction,
 * the key indicators as a table, signature) and one application/pdf part per
 * attachment, its Chinese file name encoded both as RFC 2231 (filename*) and
 * as RFC 2047 (name), which between them every common mail client reads.
 * Composed and serialised by GMime; what GMime would draw at random (MIME
 * boundaries) is derived from the content instead, so re-runs give the same
 * bytes and the same Message-ID. */
#include <cjson/cJSON.h>
#include <gmime/gmime.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tmpl/tmpl.h"
#include "../util/buf.h"
#include "../util/file.h"
#include "../util/json_keys.h"
#include "../util/json_text.h"
#include "../util/xalloc.h"
#include "mail.h"
#include "mail_internal.h"

#define MAIL_TEMPLATE_MAX_BYTES (1u << 20)

struct mail_template {
    char *source;
    char *subject, *greeting, *intro, *caption, *signature, *attachment;
    size_t indicators; /* rows of the indicator table (0: none) */
};

static const char *const template_keys[] = {"subject", "greeting", "intro", "indicators",
                                            "caption", "signature", "attachment", "description"};

static char *text_key(const cJSON *root, const char *key, const char *def, const char *source,
                      bool *ok, diag_list *d) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!v) return xstrdup(def);
    if (!cJSON_IsString(v)) {
        diag_add(d, DIAG_ERROR, source, NULL, "$.%s: expected a string, got %s", key,
                 json_type_name(v));
        *ok = false;
        return xstrdup(def);
    }
    return xstrdup(v->valuestring);
}

mail_template *mail_template_load(const char *path, diag_list *d) {
    size_t len = 0;
    char *data = file_read_all(path, MAIL_TEMPLATE_MAX_BYTES, &len, d);
    if (!data) return NULL;
    cJSON *root = json_text_parse(data, len, path, d);
    free(data);
    if (!root) return NULL;
    if (!cJSON_IsObject(root)) {
        diag_add(d, DIAG_ERROR, path, "$", "not a JSON object (a mail template, docs/mail.md)");
        cJSON_Delete(root);
        return NULL;
    }
    bool ok = true;
    const cJSON *m;
    cJSON_ArrayForEach(m, root) {
        bool known = false;
        for (size_t k = 0; k < sizeof template_keys / sizeof *template_keys; k++)
            known |= !strcmp(m->string, template_keys[k]);
        if (!known) {
            diag_add(d, DIAG_ERROR, path, NULL, "$.%s: unknown key", m->string);
            ok = false;
        }
    }
    mail_template *mt = xcalloc(1, sizeof *mt);
    mt->source = xstrdup(path);
    mt->subject = text_key(root, "subject", "{{region.name}}{{year}}年法治政府建设情况简报", path, &ok, d);
    mt->greeting = text_key(root, "greeting", "{{name|您好}}：", path, &ok, d);
    mt->intro = text_key(root, "intro", "现将{{title}}的简报发给您，请查收附件。", path, &ok, d);
    mt->caption = text_key(root, "caption", "主要指标", path, &ok, d);
    mt->signature = text_key(root, "signature", "{{issuer|}}", path, &ok, d);
    mt->attachment = text_key(root, "attachment", "{{region.name}}{{year}}年法治政府建设情况简报",
                              path, &ok, d);
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(root, "indicators");
    mt->indicators = 8;
    if (n) {
        if (!cJSON_IsNumber(n) || n->valuedouble < 0 || n->valuedouble > 1000 ||
            n->valuedouble != (double)(long)n->valuedouble) {
            diag_add(d, DIAG_ERROR, path, NULL,
                     "$.indicators: expected a whole number from 0 to 1000 (table rows)");
            ok = false;
        } else {
            mt->indicators = (size_t)n->valuedouble;
        }
    }
    cJSON_Delete(root);
    if (!ok) {
        mail_template_free(mt);
        return NULL;
    }
    return mt;
}

void mail_template_free(mail_template *mt) {
    if (!mt) return;
    free(mt->source), free(mt->subject), free(mt->greeting), free(mt->intro);
    free(mt->caption), free(mt->signature), free(mt->attachment);
    free(mt);
}

/* ---- binding -------------------------------------------------------------- */

typedef struct bind {
    const report *r;
    const mail_row *row;
    const char *template_name;
    char year[16];
} bind;

static const char *lookup(void *user, const char *name, size_t len) {
    bind *b = user;
    if (len == 4 && !memcmp(name, "name", 4)) return b->row && b->row->name[0] ? b->row->name : NULL;
    if (len == 8 && !memcmp(name, "template", 8)) return b->template_name;
    return report_field(b->r, name, len, b->year);
}

static char *expand(const mail_template *mt, const char *key, const char *text, bind *b,
                    diag_list *d) {
    buf out;
    buf_init(&out);
    char *missing = NULL;
    if (!tmpl_expand(text, lookup, b, &out, &missing)) {
        diag_add(d, DIAG_ERROR, mt->source, NULL,
                 "$.%s: field \"%s\" is missing from report %s (write {{%s|…}} for a default)",
                 key, missing, b->r->source, missing);
        free(missing);
        buf_free(&out);
        return NULL;
    }
    return out.data ? buf_steal(&out, NULL) : xstrdup("");
}

char *mail_attachment_name(const mail_template *mt, const report *r, const mail_attachment *a) {
    bind b = {.r = r, .template_name = a->template_name};
    diag_list *d = diag_list_new();
    char *stem = expand(mt, "attachment", mt->attachment, &b, d);
    diag_list_free(d);
    if (!stem) stem = xstrdup(r->id);
    /* a file name: no path separators or control characters */
    for (char *p = stem; *p; p++)
        if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20) *p = '_';
    char *name = xasprintf("%s.pdf", stem);
    free(stem);
    return name;
}

/* ---- the message ------------------------------------------------------------ */

/* FNV-1a, 64 bits: a stable digest for ids and boundaries (not security). */
static uint64_t fnv(uint64_t h, const void *p, size_t n) {
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ull;
    return h;
}

static void html_escape(buf *b, const char *s) {
    for (; *s; s++) {
        if (*s == '<') buf_puts(b, "&lt;");
        else if (*s == '>') buf_puts(b, "&gt;");
        else if (*s == '&') buf_puts(b, "&amp;");
        else if (*s == '"') buf_puts(b, "&quot;");
        else buf_putc(b, *s);
    }
}

/* The indicators the table shows: by rank when the report has ranks, else
 * the first ones. */
static size_t pick(const report *r, size_t limit, const report_indicator **out) {
    size_t n = 0;
    bool ranked = false;
    for (size_t i = 0; i < r->n_indicators; i++) ranked |= r->indicators[i].rank != 0;
    for (unsigned want = 1; ranked && n < limit && want <= r->n_indicators + 1; want++)
        for (size_t i = 0; i < r->n_indicators && n < limit; i++)
            if (r->indicators[i].rank == want) out[n++] = &r->indicators[i];
    for (size_t i = 0; !ranked && i < r->n_indicators && n < limit; i++) out[n++] = &r->indicators[i];
    return n;
}

static void format_value(double v, char *out, size_t size) {
    if (v == (double)(long long)v && v < 1e15 && v > -1e15) snprintf(out, size, "%lld", (long long)v);
    else snprintf(out, size, "%.4g", v);
}

static void bodies(const mail_template *mt, const report *r, const char *greeting,
                   const char *intro, const char *signature, buf *text, buf *html) {
    const report_indicator **rows = xcalloc(mt->indicators + 1, sizeof *rows);
    size_t n = pick(r, mt->indicators, rows);
    buf_printf(text, "%s\n\n%s\n", greeting, intro);
    buf_puts(html, "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>");
    html_escape(html, r->title);
    buf_puts(html, "</title></head><body style=\"font-family:sans-serif;line-height:1.6\"><p>");
    html_escape(html, greeting);
    buf_puts(html, "</p><p>");
    html_escape(html, intro);
    buf_puts(html, "</p>");
    if (n) {
        buf_printf(text, "\n%s\n", mt->caption);
        buf_puts(html, "<table style=\"border-collapse:collapse\"><caption style=\"text-align:left;"
                       "font-weight:bold\">");
        html_escape(html, mt->caption);
        buf_puts(html, "</caption><tr><th style=\"border-bottom:1px solid #999;text-align:left\">"
                       "指标</th><th style=\"border-bottom:1px solid #999;text-align:right\">数值"
                       "</th><th style=\"border-bottom:1px solid #999\">单位</th></tr>");
        for (size_t i = 0; i < n; i++) {
            char v[64];
            format_value(rows[i]->value, v, sizeof v);
            const char *unit = rows[i]->unit ? rows[i]->unit : "";
            buf_printf(text, "  %s  %s%s\n", rows[i]->label, v, unit);
            buf_puts(html, "<tr><td style=\"padding:2px 12px 2px 0\">");
            html_escape(html, rows[i]->label);
            buf_printf(html, "</td><td style=\"text-align:right;padding:2px 6px\">%s</td><td>", v);
            html_escape(html, unit);
            buf_puts(html, "</td></tr>");
        }
        buf_puts(html, "</table>");
    }
    if (signature[0]) {
        buf_printf(text, "\n%s\n", signature);
        buf_puts(html, "<p style=\"margin-top:2em\">");
        html_escape(html, signature);
        buf_puts(html, "</p>");
    }
    buf_puts(html, "</body></html>\n");
    free(rows);
}

static GMimeObject *text_part(const char *subtype, const char *body) {
    GMimeTextPart *p = g_mime_text_part_new_with_subtype(subtype);
    g_mime_text_part_set_text(p, body);
    g_mime_text_part_set_charset(p, "utf-8");
    g_mime_part_set_content_encoding(GMIME_PART(p), GMIME_CONTENT_ENCODING_BASE64);
    return GMIME_OBJECT(p);
}

static GMimeObject *pdf_part(const mail_attachment *a, const char *name) {
    GMimePart *p = g_mime_part_new_with_type("application", "pdf");
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(a->data, a->len);
    GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(s, GMIME_CONTENT_ENCODING_DEFAULT);
    g_mime_part_set_content(p, w);
    g_object_unref(w);
    g_object_unref(s);
    g_mime_part_set_content_encoding(p, GMIME_CONTENT_ENCODING_BASE64);
    g_mime_part_set_filename(p, name); /* Content-Disposition filename and Content-Type name */
    /* RFC 2231 for filename* (Thunderbird, Apple Mail, Gmail), RFC 2047 for
     * name (Outlook and Foxmail read only that) */
    GMimeParamList *ct = g_mime_content_type_get_parameters(g_mime_object_get_content_type(GMIME_OBJECT(p)));
    GMimeParam *np = ct ? g_mime_param_list_get_parameter(ct, "name") : NULL;
    if (np) g_mime_param_set_encoding_method(np, GMIME_PARAM_ENCODING_METHOD_RFC2047);
    return GMIME_OBJECT(p);
}

static bool add_addresses(GMimeMessage *m, GMimeAddressType type, const char *cell, buf *all) {
    if (!cell || !cell[0]) return true;
    char *norm = xstrdup(cell);
    for (char *p = norm; *p; p++)
        if (*p == ';') *p = ',';
    InternetAddressList *list = internet_address_list_parse(NULL, norm);
    free(norm);
    if (!list) return false;
    InternetAddressList *dst = g_mime_message_get_addresses(m, type);
    for (int k = 0; k < internet_address_list_length(list); k++) {
        InternetAddress *ia = internet_address_list_get_address(list, k);
        internet_address_list_add(dst, ia);
        if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
            if (all->len) buf_puts(all, ", ");
            buf_puts(all, internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
        }
    }
    g_object_unref(list);
    return true;
}

/* The envelope's recipients: every address of "to, cc, bcc" once (a person
 * in To and Cc gets one copy). Addresses compare as written: the local part
 * is case-sensitive in SMTP. */
static void envelope(mail_message *m) {
    size_t cap = 0;
    for (char *p = m->recipients; *p;) {
        size_t n = strcspn(p, ",");
        while (n && p[n - 1] == ' ') n--;
        char *a = xstrndup(p, n);
        bool seen = !a[0];
        for (size_t i = 0; i < m->n_rcpt && !seen; i++) seen = !strcmp(m->rcpt[i], a);
        if (seen) {
            free(a);
        } else {
            xgrow(&m->rcpt, &cap, m->n_rcpt + 1, sizeof *m->rcpt);
            m->rcpt[m->n_rcpt++] = a;
        }
        p += strcspn(p, ",");
        while (*p == ',' || *p == ' ') p++;
    }
}

static GDateTime *message_date(const report *r, long long fallback) {
    int y, mo, da;
    if (fallback >= 0) return g_date_time_new_from_unix_utc(fallback);
    if (r->date && sscanf(r->date, "%d-%d-%d", &y, &mo, &da) == 3) {
        /* 09:00 in China on the report's date */
        GTimeZone *tz = g_time_zone_new_offset(8 * 3600);
        GDateTime *dt = g_date_time_new(tz, y, mo, da, 9, 0, 0);
        g_time_zone_unref(tz);
        if (dt) return dt;
    }
    return g_date_time_new_from_unix_utc(0);
}

bool mail_compose(const report *r, const mail_row *row, const char *from, const mail_template *mt,
                  const mail_attachment *atts, size_t n_atts, const mail_opts *opts,
                  mail_message *out, diag_list *d) {
    mail_gmime_init();
    *out = (mail_message){0};
    bind b = {.r = r, .row = row};
    char *subject = expand(mt, "subject", mt->subject, &b, d);
    char *greeting = expand(mt, "greeting", mt->greeting, &b, d);
    char *intro = expand(mt, "intro", mt->intro, &b, d);
    char *signature = expand(mt, "signature", mt->signature, &b, d);
    bool ok = subject && greeting && intro && signature;
    size_t max = opts && opts->max_bytes ? opts->max_bytes : MAIL_DEFAULT_MAX_BYTES;
    GMimeMessage *m = NULL;
    if (!ok) goto done;

    m = g_mime_message_new(TRUE);
    buf all;
    buf_init(&all);
    if (!add_addresses(m, GMIME_ADDRESS_TYPE_FROM, from, &all)) {
        diag_add(d, DIAG_ERROR, NULL, NULL, "--from: malformed address \"%s\"", from);
        ok = false;
    }
    out->sender = xstrdup(all.data ? all.data : "");
    all.len = 0;
    if (all.data) all.data[0] = 0;
    add_addresses(m, GMIME_ADDRESS_TYPE_TO, row->to, &all);
    add_addresses(m, GMIME_ADDRESS_TYPE_CC, row->cc, &all);
    /* Bcc is not written into the message; the SMTP envelope carries it */
    buf bcc;
    buf_init(&bcc);
    if (row->bcc && row->bcc[0]) {
        GMimeMessage *tmp = g_mime_message_new(FALSE);
        add_addresses(tmp, GMIME_ADDRESS_TYPE_BCC, row->bcc, &bcc);
        g_object_unref(tmp);
        if (bcc.len) buf_printf(&all, "%s%s", all.len ? ", " : "", bcc.data);
    }
    buf_free(&bcc);
    g_mime_message_set_subject(m, subject, "utf-8");
    GDateTime *date = message_date(r, opts ? opts->fallback_epoch : -1);
    g_mime_message_set_date(m, date);
    g_date_time_unref(date);

    /* the content's digest: ids and boundaries the same on every run */
    uint64_t h = 1469598103934665603ull;
    h = fnv(h, r->id, strlen(r->id) + 1);
    h = fnv(h, all.data ? all.data : "", all.len + 1);
    h = fnv(h, subject, strlen(subject) + 1);
    for (size_t i = 0; i < n_atts; i++) h = fnv(h, atts[i].data, atts[i].len);
    const char *at = from ? strrchr(from, '@') : NULL;
    char domain[128] = "briefing.invalid";
    if (at) {
        size_t k = 0;
        for (const char *p = at + 1; *p && *p != '>' && *p != ' ' && k + 1 < sizeof domain; p++)
            domain[k++] = *p;
        domain[k] = 0;
    }
    out->message_id = xasprintf("%016llx.%s@%s", (unsigned long long)h, r->id, domain);
    g_mime_message_set_message_id(m, out->message_id);

    buf text, html;
    buf_init(&text);
    buf_init(&html);
    bodies(mt, r, greeting, intro, signature, &text, &html);
    GMimeMultipart *alt = g_mime_multipart_new_with_subtype("alternative");
    char boundary[64];
    snprintf(boundary, sizeof boundary, "=_briefing_alt_%016llx", (unsigned long long)h);
    g_mime_multipart_set_boundary(alt, boundary);
    GMimeObject *tp = text_part("plain", text.data), *hp = text_part("html", html.data);
    g_mime_multipart_add(alt, tp);
    g_mime_multipart_add(alt, hp);
    g_object_unref(tp);
    g_object_unref(hp);
    buf_free(&text);
    buf_free(&html);
    GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");
    snprintf(boundary, sizeof boundary, "=_briefing_mix_%016llx", (unsigned long long)h);
    g_mime_multipart_set_boundary(mixed, boundary);
    g_mime_multipart_add(mixed, GMIME_OBJECT(alt));
    g_object_unref(alt);
    for (size_t i = 0; i < n_atts; i++) {
        char *name = mail_attachment_name(mt, r, &atts[i]);
        GMimeObject *pp = pdf_part(&atts[i], name);
        g_mime_multipart_add(mixed, pp);
        g_object_unref(pp);
        free(name);
    }
    g_mime_message_set_mime_part(m, GMIME_OBJECT(mixed));
    g_object_unref(mixed);

    GMimeFormatOptions *fo = g_mime_format_options_new();
    g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
    /* GMime adds its own X-Mailer only when asked; the message says nothing
     * about the machine that wrote it */
    GMimeStream *s = g_mime_stream_mem_new();
    g_mime_object_write_to_stream(GMIME_OBJECT(m), fo, s);
    GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
    out->len = bytes->len;
    out->data = xmalloc(bytes->len + 1);
    memcpy(out->data, bytes->data, bytes->len);
    out->data[bytes->len] = 0;
    g_object_unref(s);
    g_mime_format_options_free(fo);
    out->recipients = all.data ? buf_steal(&all, NULL) : xstrdup("");
    buf_free(&all);
    envelope(out);
    if (ok && out->len > max) {
        diag_add(d, DIAG_ERROR, r->source, NULL,
                 "the message is %zu bytes, over the limit of %zu (--max-size)", out->len, max);
        ok = false;
    }
done:
    if (m) g_object_unref(m);
    free(subject), free(greeting), free(intro), free(signature);
    if (!ok) mail_message_free(out);
    return ok;
}

void mail_message_free(mail_message *m) {
    free(m->data);
    free(m->message_id);
    free(m->recipients);
    free(m->sender);
    for (size_t i = 0; i < m->n_rcpt; i++) free(m->rcpt[i]);
    free(m->rcpt);
    *m = (mail_message){0};
}
