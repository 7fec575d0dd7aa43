/* The recipients CSV (RFC 4180 as Excel writes it: fields quoted when they
 * hold a comma, a quote or a line break, "" for a quote), decoded by the
 * import stage's decoder (UTF-8 with or without BOM, GB18030). Addresses
 * are parsed by GMime and checked to have a local part and a domain. */
#include <gmime/gmime.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../import/import.h"
#include "../util/buf.h"
#include "../util/file.h"
#include "../util/xalloc.h"
#include "mail.h"
#include "mail_internal.h"

#define CSV_MAX_BYTES (16u * 1024u * 1024u)

struct mail_recipients {
    char *source;
    mail_row *rows;
    bool *used;
    size_t n, cap;
};

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;
static void gmime_start(void) { g_mime_init(); }
/* GMime keeps process-wide tables (charsets, the default parser options),
 * set once here and only read afterwards. */
void mail_gmime_init(void) { pthread_once(&gmime_once, gmime_start); }

/* One record: fields into *fields (each malloc'ed), at s[*i…]; false at the
 * end of the text. */
static bool read_record(const char *s, size_t len, size_t *i, char ***fields, size_t *n,
                        size_t *line) {
    if (*i >= len) return false;
    size_t cap = 0;
    *n = 0;
    *fields = NULL;
    buf f;
    buf_init(&f);
    bool quoted = false, at_start = true;
    for (;;) {
        char c = *i < len ? s[*i] : '\n';
        bool end = *i >= len;
        if (quoted) {
            if (end) break; /* an unclosed quote ends with the file */
            (*i)++;
            if (c == '"') {
                if (*i < len && s[*i] == '"') {
                    buf_putc(&f, '"');
                    (*i)++;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') (*line)++;
                buf_putc(&f, c);
            }
            continue;
        }
        if (c == '"' && at_start) {
            quoted = true;
            at_start = false;
            (*i)++;
            continue;
        }
        if (c == ',' || c == '\n' || end) {
            xgrow(fields, &cap, *n + 1, sizeof(char *));
            (*fields)[(*n)++] = f.data ? buf_steal(&f, NULL) : xstrdup("");
            buf_init(&f);
            if (!end) (*i)++;
            if (c != ',') break;
            at_start = true;
            continue;
        }
        if (c != '\r') buf_putc(&f, c);
        at_start = false;
        (*i)++;
    }
    buf_free(&f);
    (*line)++;
    return true;
}

static char *trim(const char *s) {
    const char *a = s, *b = s + strlen(s);
    while (*a == ' ' || *a == '\t') a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
    return xstrndup(a, (size_t)(b - a));
}

/* Every address of a cell ("张三 <a@b.cn>; c@d.cn"), checked. */
bool mail_addresses_valid(const char *cell, char **bad) {
    mail_gmime_init();
    *bad = NULL;
    /* Excel users separate with ; as often as with , */
    char *norm = xstrdup(cell);
    for (char *p = norm; *p; p++)
        if (*p == ';') *p = ',';
    InternetAddressList *list = internet_address_list_parse(NULL, norm);
    bool ok = list != NULL && internet_address_list_length(list) > 0;
    for (int k = 0; ok && k < internet_address_list_length(list); k++) {
        InternetAddress *ia = internet_address_list_get_address(list, k);
        if (!INTERNET_ADDRESS_IS_MAILBOX(ia)) {
            ok = false;
            break;
        }
        const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
        const char *at = addr ? strchr(addr, '@') : NULL;
        if (!at || at == addr || !strchr(at, '.') || strchr(at + 1, '@') || strchr(addr, ' ') ||
            at[strlen(at) - 1] == '.')
            ok = false;
    }
    if (!ok) *bad = xstrdup(cell);
    if (list) g_object_unref(list);
    free(norm);
    return ok;
}

mail_recipients *mail_recipients_load(const char *path, diag_list *d) {
    size_t len = 0;
    char *raw = file_read_all(path, CSV_MAX_BYTES, &len, d);
    if (!raw) return NULL;
    size_t n = 0;
    char *text = import_decode_text(raw, len, path, NULL, &n, d);
    free(raw);
    if (!text) return NULL;
    mail_recipients *rc = xcalloc(1, sizeof *rc);
    rc->source = xstrdup(path);
    size_t i = 0, line = 0, errors = diag_count(d, DIAG_ERROR);
    char **f = NULL;
    size_t nf = 0;
    int col[5] = {-1, -1, -1, -1, -1}; /* id name to cc bcc */
    static const char *const names[5] = {"id", "name", "to", "cc", "bcc"};
    if (!read_record(text, n, &i, &f, &nf, &line)) {
        diag_add(d, DIAG_ERROR, path, NULL, "empty file: expected the header id,name,to,cc");
        goto fail;
    }
    for (size_t k = 0; k < nf; k++) {
        char *h = trim(f[k]);
        for (int c = 0; c < 5; c++)
            if (!strcasecmp(h, names[c]) && col[c] < 0) col[c] = (int)k;
        free(h);
    }
    for (size_t k = 0; k < nf; k++) free(f[k]);
    free(f);
    for (int c = 0; c < 3; c++)
        if (col[c] < 0) {
            diag_add(d, DIAG_ERROR, path, NULL, "line 1: no \"%s\" column (the header is id,name,to,cc)",
                     names[c]);
            goto fail;
        }
    for (;;) {
        size_t start_line = line + 1;
        if (!read_record(text, n, &i, &f, &nf, &line)) break;
        bool blank = nf == 1 && !f[0][0];
        mail_row row = {0};
        row.line = start_line;
        char *cell[5];
        for (int c = 0; c < 5; c++) cell[c] = trim(col[c] >= 0 && (size_t)col[c] < nf ? f[col[c]] : "");
        for (size_t k = 0; k < nf; k++) free(f[k]);
        free(f);
        if (blank) {
            for (int c = 0; c < 5; c++) free(cell[c]);
            continue;
        }
        row.id = cell[0], row.name = cell[1], row.to = cell[2], row.cc = cell[3], row.bcc = cell[4];
        char *bad = NULL;
        if (!row.id[0]) diag_add(d, DIAG_ERROR, path, NULL, "line %zu: no id", row.line);
        if (!row.to[0])
            diag_add(d, DIAG_ERROR, path, NULL, "line %zu: no address in \"to\"", row.line);
        for (int c = 2; c < 5; c++) {
            if (cell[c][0] && !mail_addresses_valid(cell[c], &bad)) {
                diag_add(d, DIAG_ERROR, path, NULL, "line %zu: %s: malformed address \"%s\"",
                         row.line, names[c], bad);
                free(bad);
            }
        }
        for (size_t k = 0; k < rc->n; k++)
            if (!strcmp(rc->rows[k].id, row.id))
                diag_add(d, DIAG_ERROR, path, NULL, "line %zu: id \"%s\" is on line %zu too",
                         row.line, row.id, rc->rows[k].line);
        xgrow(&rc->rows, &rc->cap, rc->n + 1, sizeof *rc->rows);
        rc->rows[rc->n++] = row;
    }
    if (diag_count(d, DIAG_ERROR) > errors) goto fail;
    if (!rc->n) {
        diag_add(d, DIAG_ERROR, path, NULL, "no recipients after the header");
        goto fail;
    }
    rc->used = xcalloc(rc->n, sizeof *rc->used);
    free(text);
    return rc;
fail:
    free(text);
    mail_recipients_free(rc);
    return NULL;
}

void mail_recipients_free(mail_recipients *rc) {
    if (!rc) return;
    for (size_t k = 0; k < rc->n; k++) {
        free(rc->rows[k].id), free(rc->rows[k].name), free(rc->rows[k].to);
        free(rc->rows[k].cc), free(rc->rows[k].bcc);
    }
    free(rc->rows);
    free(rc->used);
    free(rc->source);
    free(rc);
}

const mail_row *mail_recipients_find(mail_recipients *rc, const char *id, const char *region) {
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < rc->n; k++) {
            const char *want = pass ? region : id;
            if (want && !strcmp(rc->rows[k].id, want)) {
                rc->used[k] = true;
                return &rc->rows[k];
            }
        }
    return NULL;
}

void mail_recipients_warn_unused(const mail_recipients *rc, diag_list *d) {
    for (size_t k = 0; k < rc->n; k++)
        if (!rc->used[k])
            diag_add(d, DIAG_WARNING, rc->source, NULL, "line %zu: \"%s\" matches no report",
                     rc->rows[k].line, rc->rows[k].id);
}
