/* libFuzzer target: arbitrary bytes as the recipients CSV of briefing mail
 * (src/mail/mail_csv.c), in any encoding import decodes.
 *
 * Invariants: no crash, leak or sanitizer report; a loaded list has at least
 * one row, each with an id and valid "to" addresses (what mail_compose
 * relies on), or the load failed with an error diagnostic. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"
#include "mail/mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* the loader reads a file, as the command line gives it */
    char path[] = "/tmp/fuzz-csv-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) abort();
    if (size && write(fd, data, size) != (ssize_t)size) abort();
    close(fd);
    diag_list *d = diag_list_new();
    mail_recipients *rc = mail_recipients_load(path, d);
    if (!rc && diag_count(d, DIAG_ERROR) == 0) {
        fprintf(stderr, "load failed without an error\n");
        abort();
    }
    if (rc) {
        const mail_row *row = mail_recipients_find(rc, "\x01never", NULL);
        if (row) abort();
        mail_recipients_warn_unused(rc, d);
    }
    mail_recipients_free(rc);
    diag_list_free(d);
    unlink(path);
    return 0;
}
