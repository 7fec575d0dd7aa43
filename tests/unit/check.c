#include "check.h"

int check_passed, check_failed;

void check_fail(const char *file, int line, const char *what) {
    check_failed++;
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
}
