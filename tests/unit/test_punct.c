/* punct_fullwidth against the cases of tests/unit/punct.tsv, one per line:
 * input, expected output, and why. Runs from the repository root. */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "layout/punct.h"

int main(void) {
    FILE *f = fopen("tests/unit/punct.tsv", "r");
    CHECK(f != NULL);
    if (!f) return CHECK_DONE();
    char *line = NULL;
    size_t cap = 0, cases = 0;
    ssize_t n;
    for (unsigned no = 1; (n = getline(&line, &cap, f)) >= 0; no++) {
        if (n && line[n - 1] == '\n') line[--n] = 0;
        if (line[0] == '#') continue;
        char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        if (!tab2) {
            fprintf(stderr, "punct.tsv:%u: not input<TAB>expected<TAB>why\n", no);
            CHECK(false);
            continue;
        }
        *tab1 = *tab2 = 0;
        buf b;
        buf_init(&b);
        punct_fullwidth(line, strlen(line), &b);
        const char *got = b.data ? b.data : "";
        if (strcmp(got, tab1 + 1) != 0)
            fprintf(stderr, "punct.tsv:%u (%s): \"%s\" gave \"%s\", expected \"%s\"\n", no, tab2 + 1,
                    line, got, tab1 + 1);
        CHECK(strcmp(got, tab1 + 1) == 0);
        buf_free(&b);
        cases++;
    }
    free(line);
    fclose(f);
    CHECK(cases >= 15);
    return CHECK_DONE();
}
