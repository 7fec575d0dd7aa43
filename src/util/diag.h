/* Diagnostics: errors and warnings collected as values, each naming the input
 * file and the JSON path it concerns, e.g.
 *   input/x.json: $.indicators[3].value: expected a number, got a string
 * A diag_list is owned by the caller; every stage appends to it and none prints. */
#ifndef BRIEFING_DIAG_H
#define BRIEFING_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum { DIAG_ERROR = 0, DIAG_WARNING = 1 } diag_severity;

typedef struct diag_list diag_list;

diag_list *diag_list_new(void);
void diag_list_free(diag_list *d); /* accepts NULL */

/* file and path may be NULL. The message is formatted with printf rules. */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
void diag_add(diag_list *d, diag_severity sev, const char *file, const char *path,
              const char *fmt, ...);
void diag_addv(diag_list *d, diag_severity sev, const char *file, const char *path,
               const char *fmt, va_list ap);

/* Copies every entry of from to the end of d. */
void diag_append(diag_list *d, const diag_list *from);

size_t diag_size(const diag_list *d);
size_t diag_count(const diag_list *d, diag_severity sev);
diag_severity diag_severity_at(const diag_list *d, size_t i);
/* "FILE: PATH: message" (parts that are NULL are left out); warnings carry
 * "warning: " before the message. Owned by the list. */
const char *diag_text_at(const diag_list *d, size_t i);
const char *diag_message_at(const diag_list *d, size_t i); /* message alone */
const char *diag_path_at(const diag_list *d, size_t i);    /* may be NULL */

void diag_print(const diag_list *d, FILE *to);
/* The same, each line in its severity's colour when color is set. */
void diag_print_color(const diag_list *d, FILE *to, bool color);
void diag_clear(diag_list *d);

#endif
