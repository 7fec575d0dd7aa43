/* Warnings repeated across the documents of a run (batch, mail): the same
 * JSON path and message for another report is not shown again but counted,
 * and the counts are printed at the end ("… (and 664 more reports)"). */
#ifndef BRIEFING_WARNREP_H
#define BRIEFING_WARNREP_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "strmap.h"

typedef struct warn_repeats {
    str_map seen;    /* path + message -> index into counts */
    size_t *counts;  /* times seen */
    char **texts;    /* the first one's full text */
    size_t n, cap;
} warn_repeats;

/* True when warning i of d was seen before (it is then counted). */
bool warn_repeat(warn_repeats *w, const diag_list *d, size_t i);
/* "warning repeated for 664 more reports: <first text>" for each repeated one. */
void warn_repeats_print(const warn_repeats *w, FILE *f, const char *what);
void warn_repeats_free(warn_repeats *w);

#endif
