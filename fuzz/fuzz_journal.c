/* libFuzzer target: arbitrary bytes as the send journal of briefing mail
 * (src/mail/mail_journal.c), which a re-run reads to skip what a server
 * already accepted.
 *
 * Invariants: no crash, leak or sanitizer report; the journal opens or
 * fails with an error diagnostic; once open, an entry added is found, and
 * reading the file back finds it again (the repair of a cut-short last line
 * leaves a file the next run reads). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"
#include "mail/mail_journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[] = "/tmp/fuzz-journal-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) abort();
    if (size && write(fd, data, size) != (ssize_t)size) abort();
    close(fd);
    diag_list *d = diag_list_new();
    mail_journal *j = mail_journal_open(path, d);
    if (!j && diag_count(d, DIAG_ERROR) == 0) {
        fprintf(stderr, "open failed without an error\n");
        abort();
    }
    if (j) {
        const char *addr[] = {"a@example.gov.cn", "b@example.gov.cn"};
        if (!mail_journal_add(j, "fuzz@example.gov.cn", "fuzz-1", addr, 2, "250 ok", d)) abort();
        if (!mail_journal_has(j, "fuzz@example.gov.cn", "b@example.gov.cn")) abort();
        mail_journal_free(j);
        diag_clear(d);
        j = mail_journal_open(path, d);
        if (!j || !mail_journal_has(j, "fuzz@example.gov.cn", "a@example.gov.cn")) {
            fprintf(stderr, "a journal written could not be read back\n");
            abort();
        }
        mail_journal_free(j);
    }
    diag_list_free(d);
    unlink(path);
    return 0;
}
