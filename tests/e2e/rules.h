/* The line-start and line-end prohibitions of CLREQ's basic level, written out
 * from the rules (shared/notes/chinese-layout.md) for the test checkers. Kept
 * apart from the library's own class table on purpose: the tests are a second
 * opinion, not a copy. */
#ifndef BRIEFING_TEST_RULES_H
#define BRIEFING_TEST_RULES_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* May cp not start a line? ASCII marks only count in Chinese text, i.e. when
 * the neighbouring character is not ASCII. */
static inline bool rule_no_start(uint32_t cp, uint32_t neighbour) {
    if (cp < 128) return cp && strchr(",.;:!?)]}", (int)cp) && neighbour >= 128;
    switch (cp) {
    case 0x3001: case 0xFF0C: case 0x3002: case 0xFF1B: case 0xFF1A: case 0xFF01: case 0xFF1F:
    case 0xFF09: case 0x3015: case 0x3011: case 0x300B: case 0x3009: case 0x300D: case 0x300F:
    case 0x201D: case 0x2019: case 0x00B7:
        return true;
    default:
        return false;
    }
}

/* May cp not end a line? */
static inline bool rule_no_end(uint32_t cp, uint32_t neighbour) {
    if (cp < 128) return cp && strchr("([{", (int)cp) && neighbour >= 128;
    switch (cp) {
    case 0xFF08: case 0x3014: case 0x3010: case 0x300A: case 0x3008: case 0x300C: case 0x300E:
    case 0x201C: case 0x2018:
        return true;
    default:
        return false;
    }
}

#endif
