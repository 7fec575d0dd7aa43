/* The send journal: what an SMTP server has accepted, so that a re-run sends
 * only the rest (docs/mail.md, "Never twice").
 *
 * A JSON-lines file, one line per accepted transaction, appended and synced
 * to disk before the next message goes:
 *
 *   {"message_id": "…@example.gov.cn", "id": "hengshan-xian-2021",
 *    "accepted": ["zhangsan@example.gov.cn", "lisi@example.gov.cn"],
 *    "reply": "250 2.0.0 Ok: queued as 4F1A2", "time": "2026-12-05T10:01:02Z"}
 *
 * A pair (Message-ID, address) in it is never sent again. The Message-ID is
 * derived from the message's content, so the same report, recipients and
 * attachments are recognised on every run, and a changed report is a new
 * message. The file is locked while a run has it open: two runs cannot
 * share it. A last line cut short (the process killed while writing it) is
 * dropped with a warning; any other line that is not a journal entry is an
 * error naming its line. */
#ifndef BRIEFING_MAIL_JOURNAL_H
#define BRIEFING_MAIL_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/diag.h"

typedef struct mail_journal mail_journal;

/* Opens (creating it when missing) and reads the journal. NULL with a
 * diagnostic naming the file (and line) when it cannot be read, written or
 * locked, or holds something else. */
mail_journal *mail_journal_open(const char *path, diag_list *d);
void mail_journal_free(mail_journal *j); /* accepts NULL */

/* Whether the journal has the message accepted for the address. */
bool mail_journal_has(const mail_journal *j, const char *message_id, const char *addr);
/* How many (message, address) deliveries it holds. */
size_t mail_journal_size(const mail_journal *j);

/* Appends one accepted transaction and syncs it to disk. False with a
 * diagnostic when it cannot be written (the caller stops: sending on
 * without a journal would break the never-twice promise). Not thread-safe:
 * the caller serialises calls. */
bool mail_journal_add(mail_journal *j, const char *message_id, const char *id,
                      const char *const *accepted, size_t n, const char *reply, diag_list *d);

#endif
