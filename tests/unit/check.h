/* A minimal assertion kit for the unit tests: failures are counted and
 * reported with file and line; CHECK_DONE() prints "N passed, N failed" and
 * returns non-zero when anything failed. */
#ifndef BRIEFING_CHECK_H
#define BRIEFING_CHECK_H

#include <stdio.h>
#include <string.h>

extern int check_passed, check_failed;
void check_fail(const char *file, int line, const char *what);

#define CHECK(cond)                                           \
    do {                                                      \
        if (cond)                                             \
            check_passed++;                                   \
        else                                                  \
            check_fail(__FILE__, __LINE__, #cond);            \
    } while (0)

#define CHECK_STR(a, b)                                                                 \
    do {                                                                                \
        const char *check_a_ = (a), *check_b_ = (b);                                    \
        if (check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0)                    \
            check_passed++;                                                             \
        else {                                                                          \
            check_fail(__FILE__, __LINE__, #a " == " #b);                               \
            fprintf(stderr, "    got:      %s\n    expected: %s\n", check_a_ ? check_a_ : "(null)", \
                    check_b_ ? check_b_ : "(null)");                                   \
        }                                                                               \
    } while (0)

#define CHECK_DONE()                                                      \
    (printf("%d passed, %d failed\n", check_passed, check_failed), check_failed != 0)

#endif
