/* What font_cff.c (the table's structure) and font_cff_flat.c (the
 * flattener and writer) share. Internal to src/font/. */
#ifndef BRIEFING_FONT_CFF_INTERNAL_H
#define BRIEFING_FONT_CFF_INTERNAL_H

#include "font_cff.h"

typedef struct cff_span {
    const unsigned char *p;
    size_t len;
} cff_span;

/* An INDEX: its count, item k through cff_index_item, where it starts and
 * ends in the table. */
typedef struct cff_index {
    unsigned count, off_size;
    const unsigned char *offs, *data0; /* data0: the byte before the data */
    size_t start, end, last;           /* last: the final offset, 1 past the data */
} cff_index;

/* A DICT entry: its operator (12 x as 1200 + x), its bytes (operands and
 * operator, to copy), and its last two integer operands (v[1] the last). */
typedef struct cff_entry {
    int op;
    const unsigned char *bytes;
    size_t len;
    long v[2];
    int nv;
} cff_entry;

enum { CFF_DICT_MAX = 48 };
typedef struct cff_dict {
    cff_entry e[CFF_DICT_MAX];
    size_t n;
} cff_dict;

typedef struct cff_fd {
    cff_span dict, priv;
    cff_dict d, p;
    cff_index subrs; /* count 0 when the FD has none */
} cff_fd;

struct font_cff {
    cff_span table;
    cff_span name;
    cff_dict top;
    cff_index strings, gsubrs, charstrings, fdarray;
    cff_fd *fds;
    unsigned n_fds, n_glyphs;
    uint32_t *cid;          /* per glyph */
    unsigned char *fd_of;   /* per glyph */
};

bool cff_read_index(cff_span s, size_t off, cff_index *ix);
bool cff_index_item(const cff_index *ix, unsigned k, cff_span *out);
bool cff_read_dict(cff_span d, cff_dict *out);
const cff_entry *cff_dict_get(const cff_dict *d, int op);

#endif
