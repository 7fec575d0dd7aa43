/* Mail: one message per report, its briefing(s) attached (docs/mail.md).
 *
 *   mail_recipients *rc = mail_recipients_load("to.csv", d);
 *   mail_template *mt = mail_template_load("templates/mail.json", d);
 *   const mail_row *row = mail_recipients_find(rc, r->id, r->region_name);
 *   mail_message m;
 *   if (mail_compose(r, row, "司法局 <sfj@example.gov.cn>", mt, atts, n_atts, &opts, &m, d))
 *       file_write_atomic("out/x.eml", m.data, m.len, d);
 *   mail_message_free(&m);
 *
 * Messages are composed with GMime and are deterministic: the same report,
 * recipients and attachments give the same bytes (Date from the report's
 * date or SOURCE_DATE_EPOCH, Message-ID and MIME boundaries derived from
 * the content). */
#ifndef BRIEFING_MAIL_H
#define BRIEFING_MAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "../report/report.h"
#include "../util/diag.h"

/* A message over this is an error (a common cap of government mail servers). */
#define MAIL_DEFAULT_MAX_BYTES (20u * 1024u * 1024u)

/* ---- recipients (a CSV as Excel saves it: UTF-8 with or without BOM, or
 * GB18030; quoted fields; header id,name,to,cc and optionally bcc) ---- */

typedef struct mail_row {
    char *id;        /* a report's id or its region's name */
    char *name;      /* the greeting's name, may be empty */
    char *to, *cc, *bcc; /* addresses separated by , or ; (cc, bcc may be empty) */
    size_t line;     /* in the CSV, for messages */
} mail_row;

typedef struct mail_recipients mail_recipients;

/* NULL with diagnostics naming the file and line (a malformed address, a
 * missing column, a duplicate id). */
mail_recipients *mail_recipients_load(const char *path, diag_list *d);
void mail_recipients_free(mail_recipients *rc); /* accepts NULL */
/* The row for a report (by id, else by region name), marking it used; NULL
 * when there is none. */
const mail_row *mail_recipients_find(mail_recipients *rc, const char *id, const char *region);
/* Warnings for rows no report used (call after the last find). */
void mail_recipients_warn_unused(const mail_recipients *rc, diag_list *d);

/* ---- the mail template (templates/mail.json, docs/mail.md) ---- */

typedef struct mail_template mail_template;
mail_template *mail_template_load(const char *path, diag_list *d);
void mail_template_free(mail_template *mt); /* accepts NULL */

/* ---- composing ---- */

typedef struct mail_attachment {
    const char *data; /* a PDF, borrowed */
    size_t len;
    const char *template_name; /* for {{template}} in the file name, e.g. "summary" */
} mail_attachment;

typedef struct mail_opts {
    long long fallback_epoch; /* Date for a report without a date; -1: 1970-01-01 */
    size_t max_bytes;         /* 0: MAIL_DEFAULT_MAX_BYTES */
} mail_opts;

typedef struct mail_message {
    char *data; /* the message, CRLF line ends, owned */
    size_t len;
    char *message_id; /* without angle brackets, owned */
    char *recipients; /* "to, cc, bcc" addresses as sent, owned */
    char *sender;     /* the From address, bare (the SMTP envelope's), owned */
    char **rcpt;      /* to, cc and bcc addresses, bare, each once, owned */
    size_t n_rcpt;
} mail_message;

bool mail_compose(const report *r, const mail_row *row, const char *from, const mail_template *mt,
                  const mail_attachment *atts, size_t n_atts, const mail_opts *opts,
                  mail_message *out, diag_list *d);
void mail_message_free(mail_message *m);

/* The file name an attachment gets (for tests and the manifest). */
char *mail_attachment_name(const mail_template *mt, const report *r, const mail_attachment *a);

#endif
