/* Our CFF subsetter: each kept glyph's charstring with its subroutine calls
 * replaced by the subroutines' bodies and its hints dropped (a PDF viewer
 * does not need them at print and screen sizes; hb-subset drops them too),
 * written into a new CID-keyed CFF with CID = glyph index, only the FDs the
 * glyphs use, and no subroutines. The Type 2 charstring format (Adobe TN
 * 5177) is read as far as that needs: numbers are copied as written, so the
 * outlines are the face's own to the bit. */
#include "font_cff_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"

enum {
    MAX_DEPTH = 10,          /* subroutine nesting, the format's limit */
    MAX_ARGS = 48,           /* argument stack, the format's limit */
    MAX_CHARSTRING = 65535,  /* a flattened glyph past this is refused */
    MAX_STEPS = 1 << 16,     /* tokens read per glyph: bounds time on looping subroutines */
    MAX_SUBSET = 64u << 20   /* all glyph programs of a subset: offsets stay far below 2^31 */
};

/* FLAT_UNSUPPORTED: valid Type 2 this flattener does not take (arithmetic
 * and storage operators, a subroutine number computed rather than written),
 * which Adobe's and Google's font tools do not write; refused with the
 * reason all the same. */
typedef enum { FLAT_OK, FLAT_BAD, FLAT_UNSUPPORTED } flat_status;

/* The glyph being flattened is written to o (room for MAX_CHARSTRING and a
 * token more), then appended to the subset in one piece. */
typedef struct flat {
    const font_cff *c;
    const cff_index *lsubrs;
    unsigned char *o;
    size_t len;
    size_t arg_start;       /* where the operands of the next operator begin in out */
    int nargs;
    size_t last_num, last_end; /* the last number written: [last_num, last_end) */
    unsigned stems;
    bool width_done, ended;
    unsigned steps;
    size_t start; /* where the glyph begins in out */
    const char *why;
} flat;

static int num_len(const unsigned char *p, size_t left) {
    unsigned b = p[0];
    int k = b == 28 ? 3 : b == 255 ? 5 : b >= 247 ? 2 : 1;
    return (size_t)k <= left ? k : 0;
}

static bool num_value(const unsigned char *p, long *v) {
    unsigned b = p[0];
    if (b == 28) *v = (int16_t)(p[1] << 8 | p[2]);
    else if (b == 255) { /* 16.16 fixed: a subroutine number must be whole */
        int32_t f = (int32_t)((uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4]);
        if (f & 0xFFFF) return false;
        *v = f / 65536;
    } else if (b >= 251) *v = -((long)b - 251) * 256 - p[1] - 108;
    else if (b >= 247) *v = ((long)b - 247) * 256 + p[1] + 108;
    else *v = (long)b - 139;
    return true;
}

static unsigned bias(unsigned count) { return count < 1240 ? 107 : count < 33900 ? 1131 : 32768; }

/* A stack-clearing operator begins a new run of operands. */
static void clear_args(flat *f) {
    f->arg_start = f->len;
    f->nargs = 0;
    f->last_end = 0;
}

/* Drops a hint operator's operands, keeping the glyph's width when it is
 * their first (the first stack-clearing operator may carry one extra). */
static void drop_hint_args(flat *f, bool odd_means_width) {
    size_t keep = f->arg_start;
    if (!f->width_done && odd_means_width && (f->nargs & 1)) {
        keep += (size_t)num_len(f->o + f->arg_start, f->len - f->arg_start);
    }
    f->len = keep;
    f->width_done = true;
    clear_args(f);
}

static flat_status run(flat *f, cff_span cs, int depth);

static flat_status call(flat *f, bool global, int depth) {
    if (f->nargs < 1 || f->last_end != f->len) {
        f->why = "a subroutine number that is not written before its call";
        return FLAT_UNSUPPORTED;
    }
    long v;
    if (!num_value(f->o + f->last_num, &v)) {
        f->why = "a fractional subroutine number";
        return FLAT_BAD;
    }
    f->len = f->last_num;
    f->nargs--;
    f->last_end = 0;
    const cff_index *ix = global ? &f->c->gsubrs : f->lsubrs;
    long k = v + (long)bias(ix->count);
    cff_span body;
    if (k < 0 || !cff_index_item(ix, (unsigned)k, &body)) {
        f->why = "a call of a subroutine the font does not have";
        return FLAT_BAD;
    }
    if (depth >= MAX_DEPTH) {
        f->why = "subroutines nested too deep";
        return FLAT_BAD;
    }
    return run(f, body, depth + 1);
}

/* An operator other than a number, a call or return. */
static flat_status op(flat *f, cff_span cs, size_t *i) {
    unsigned b = cs.p[*i];
    switch (b) {
    case 1: case 3: case 18: case 23: /* hstem vstem hstemhm vstemhm */
        f->stems += (unsigned)f->nargs / 2;
        drop_hint_args(f, true);
        (*i)++;
        return FLAT_OK;
    case 19: case 20: { /* hintmask cntrmask: operands before one are vstems */
        f->stems += (unsigned)f->nargs / 2;
        drop_hint_args(f, true);
        size_t mask = (f->stems + 7) / 8;
        if (mask > cs.len - *i - 1) {
            f->why = "a hint mask cut short";
            return FLAT_BAD;
        }
        *i += 1 + mask;
        return FLAT_OK;
    }
    case 14: /* endchar */
        f->ended = true;
        f->width_done = true;
        f->o[f->len++] = (unsigned char)b;
        (*i)++;
        return FLAT_OK;
    case 4: case 5: case 6: case 7: case 8: case 21: case 22: case 24: case 25: case 26: case 27:
    case 30: case 31: /* moves and curves */
        f->width_done = true;
        f->o[f->len++] = (unsigned char)b;
        (*i)++;
        clear_args(f);
        return FLAT_OK;
    case 12: {
        if (*i + 1 >= cs.len) {
            f->why = "an operator cut short";
            return FLAT_BAD;
        }
        unsigned x = cs.p[*i + 1];
        if (x >= 34 && x <= 37) { /* flex: drawn, so copied */
            memcpy(f->o + f->len, cs.p + *i, 2);
            f->len += 2;
            *i += 2;
            clear_args(f);
            return FLAT_OK;
        }
        if (x == 0) { /* dotsection: deprecated hint, no operands */
            *i += 2;
            return FLAT_OK;
        }
        f->why = "arithmetic or storage operators";
        return FLAT_UNSUPPORTED;
    }
    default:
        f->why = "a reserved charstring operator";
        return FLAT_BAD;
    }
}

static flat_status run(flat *f, cff_span cs, int depth) {
    for (size_t i = 0; i < cs.len && !f->ended;) {
        if (++f->steps > MAX_STEPS || f->len > MAX_CHARSTRING) {
            f->why = "a charstring that expands without end";
            return FLAT_BAD;
        }
        unsigned b = cs.p[i];
        if (b == 28 || b >= 32) {
            int k = num_len(cs.p + i, cs.len - i);
            if (!k || f->nargs == MAX_ARGS) {
                f->why = !k ? "a number cut short" : "more operands than the stack holds";
                return FLAT_BAD;
            }
            f->last_num = f->len;
            memcpy(f->o + f->len, cs.p + i, (size_t)k);
            f->len += (size_t)k;
            f->last_end = f->len;
            f->nargs++;
            i += (size_t)k;
            continue;
        }
        if (b == 10 || b == 29) {
            flat_status st = call(f, b == 29, depth);
            if (st != FLAT_OK) return st;
            i++;
            continue;
        }
        if (b == 11) return depth > 0 ? FLAT_OK : (f->why = "return outside a subroutine", FLAT_BAD);
        flat_status st = op(f, cs, &i);
        if (st != FLAT_OK) return st;
    }
    return FLAT_OK;
}

/* Glyph g's charstring, flattened, appended to out; room is scratch space
 * of MAX_CHARSTRING + 8 bytes, copy of 65536 (for a charstring read through
 * a reader). */
static flat_status flatten(const font_cff *c, uint32_t g, const font_reader *rd,
                           unsigned char *room, unsigned char *copy, buf *out, const char **why) {
    cff_span cs;
    if (!cff_index_item(&c->charstrings, g, &cs)) {
        *why = "a charstring outside its INDEX";
        return FLAT_BAD;
    }
    if (rd && cs.len <= 65536) {
        if (!rd->read(rd->ctx, cs.p, cs.len, copy)) {
            *why = "its charstring cannot be read";
            return FLAT_BAD;
        }
        cs.p = copy;
    }
    flat f = {.c = c, .lsubrs = &c->fds[c->fd_of[g]].subrs, .o = room};
    clear_args(&f);
    flat_status st = run(&f, cs, 0);
    if (st == FLAT_OK && !f.ended) f.o[f.len++] = 14; /* a charstring ends with endchar */
    if (st == FLAT_OK && f.len > MAX_CHARSTRING) {
        f.why = "a charstring that expands without end";
        st = FLAT_BAD;
    }
    if (st == FLAT_OK) buf_append(out, f.o, f.len);
    *why = f.why;
    return st;
}


/* ---- the cache --------------------------------------------------------- */

typedef struct cache_slot {
    const font_cff *cff; /* NULL: empty */
    uint32_t gid, len;
    size_t off; /* in the arena */
} cache_slot;

struct font_cff_cache {
    cache_slot *slots;
    size_t cap, used; /* cap: a power of two */
    buf arena;
};

font_cff_cache *font_cff_cache_new(void) {
    font_cff_cache *k = xcalloc(1, sizeof *k);
    buf_init(&k->arena);
    return k;
}

void font_cff_cache_free(font_cff_cache *k) {
    if (!k) return;
    free(k->slots);
    buf_free(&k->arena);
    free(k);
}

static size_t slot_hash(const font_cff *c, uint32_t gid) {
    uint64_t h = (uint64_t)(uintptr_t)c * 0x9E3779B97F4A7C15ull ^ (gid + 1) * 0xC2B2AE3D27D4EB4Full;
    return (size_t)(h ^ h >> 31);
}

static cache_slot *cache_find(const font_cff_cache *k, const font_cff *c, uint32_t gid) {
    if (!k->cap) return NULL;
    for (size_t i = slot_hash(c, gid) & (k->cap - 1);; i = (i + 1) & (k->cap - 1)) {
        cache_slot *s = &k->slots[i];
        if (!s->cff) return NULL;
        if (s->cff == c && s->gid == gid) return s;
    }
}

static void cache_put(font_cff_cache *k, const font_cff *c, uint32_t gid, const void *p,
                      size_t len) {
    if (k->arena.len + len > FONT_CFF_CACHE_BYTES) return;
    if ((k->used + 1) * 2 > k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 1024;
        cache_slot *old = k->slots, *slots = xcalloc(cap, sizeof *slots);
        for (size_t i = 0; i < k->cap; i++) {
            if (!old[i].cff) continue;
            size_t j = slot_hash(old[i].cff, old[i].gid) & (cap - 1);
            while (slots[j].cff) j = (j + 1) & (cap - 1);
            slots[j] = old[i];
        }
        free(old);
        k->slots = slots;
        k->cap = cap;
    }
    size_t i = slot_hash(c, gid) & (k->cap - 1);
    while (k->slots[i].cff) i = (i + 1) & (k->cap - 1);
    k->slots[i] = (cache_slot){c, gid, (uint32_t)len, k->arena.len};
    buf_append(&k->arena, p, len);
    k->used++;
}

/* ---- writing ----------------------------------------------------------- */

static void put_be(buf *b, uint32_t v, int n) {
    for (int i = n - 1; i >= 0; i--) buf_putc(b, (char)(v >> (8 * i) & 0xFF));
}

static int off_size(size_t last) { return last < 0x100 ? 1 : last < 0x10000 ? 2 : last < 0x1000000 ? 3 : 4; }

static size_t index_size(size_t count, size_t data) {
    return count ? 3 + (count + 1) * (size_t)off_size(data + 1) + data : 2;
}

/* An INDEX of count items whose ends (cumulative lengths) are given. */
static void put_index_head(buf *b, size_t count, const size_t *ends) {
    put_be(b, (uint32_t)count, 2);
    if (!count) return;
    int os = off_size(ends[count - 1] + 1);
    buf_putc(b, (char)os);
    put_be(b, 1, os);
    for (size_t i = 0; i < count; i++) put_be(b, (uint32_t)(ends[i] + 1), os);
}

/* An integer operand in the 5-byte form, so a DICT's size does not depend
 * on the offsets it holds. */
static void put_int5(buf *b, long v) {
    buf_putc(b, 29);
    put_be(b, (uint32_t)v, 4);
}

static void put_op(buf *b, int op) {
    if (op >= 1200) buf_putc(b, 12), op -= 1200;
    buf_putc(b, (char)op);
}

/* A DICT's entries but the ones listed (to be written anew). */
static void put_dict_except(buf *b, const cff_dict *d, const int *drop, size_t n_drop) {
    for (size_t i = 0; i < d->n; i++) {
        bool skip = false;
        for (size_t k = 0; k < n_drop; k++) skip |= d->e[i].op == drop[k];
        if (!skip) buf_append(b, d->e[i].bytes, d->e[i].len);
    }
}

/* Rewritten for the subset: charset, Encoding, CharStrings, Private, FDArray,
 * FDSelect, CIDCount; dropped: UniqueID, XUID, UIDBase, which would tell a
 * caching printer that two different subsets are one font. */
static const int top_drop[] = {13, 14, 15, 16, 17, 18, 1234, 1235, 1236, 1237};
enum { N_TOP_DROP = sizeof top_drop / sizeof top_drop[0] };
static const int fd_drop[] = {18};
static const int priv_drop[] = {19};

/* The dictionaries' sizes, and so every offset, are known before any byte is
 * written: the new offsets are 5-byte operands. */
static size_t dict_size_except(const cff_dict *d, const int *drop, size_t n_drop) {
    buf tmp;
    buf_init(&tmp);
    put_dict_except(&tmp, d, drop, n_drop);
    size_t n = tmp.len;
    buf_free(&tmp);
    return n;
}

/* The subset's glyphs: .notdef, then the glyphs asked for in their order,
 * and the FDs they use, renumbered in order of first use. */
typedef struct plan {
    uint32_t *keep; /* old gids */
    size_t n;
    unsigned char fd_new[256]; /* old FD → new, 255: unused */
    unsigned fd_old[256];
    unsigned n_fds;
} plan;

static void make_plan(const font_cff *c, const uint32_t *gids, size_t n, plan *p) {
    p->keep = xmalloc((n + 1) * sizeof *p->keep);
    p->keep[0] = 0;
    memcpy(p->keep + 1, gids, n * sizeof *gids);
    p->n = n + 1;
    memset(p->fd_new, 255, sizeof p->fd_new);
    p->n_fds = 0;
    for (size_t i = 0; i < p->n; i++) {
        unsigned fd = c->fd_of[p->keep[i]];
        if (p->fd_new[fd] == 255) {
            p->fd_old[p->n_fds] = fd;
            p->fd_new[fd] = (unsigned char)p->n_fds++;
        }
    }
}

static void write_cff(const font_cff *c, const plan *p, const buf *glyphs, const size_t *ends,
                      buf *out) {
    size_t top_len = dict_size_except(&c->top, top_drop, N_TOP_DROP) + 5 * 5 + 1 + 1 + 2 + 2 + 2;
    size_t fd_len[256], priv_len[256], fd_ends[256], fd_total = 0;
    for (unsigned k = 0; k < p->n_fds; k++) {
        const cff_fd *fd = &c->fds[p->fd_old[k]];
        fd_len[k] = dict_size_except(&fd->d, fd_drop, 1) + 5 + 5 + 1;
        priv_len[k] = dict_size_except(&fd->p, priv_drop, 1);
        fd_total += fd_len[k];
        fd_ends[k] = fd_total;
    }
    /* FDSelect format 3: a range wherever the FD changes */
    size_t n_ranges = 0;
    for (size_t i = 0; i < p->n; i++)
        if (!i || c->fd_of[p->keep[i]] != c->fd_of[p->keep[i - 1]]) n_ranges++;
    size_t strings_len = c->strings.end - c->strings.start;
    size_t o_charset = 4 + index_size(1, c->name.len) + index_size(1, top_len) + strings_len + 2;
    size_t o_fdselect = o_charset + 1 + (p->n > 1 ? 4 : 0);
    size_t o_cs = o_fdselect + 1 + 2 + 3 * n_ranges + 2;
    size_t o_fdarray = o_cs + index_size(p->n, glyphs->len);
    size_t o_priv = o_fdarray + index_size(p->n_fds, fd_total);

    buf_reserve(out, o_priv + 64 * p->n_fds + 64);
    buf_append(out, "\x01\x00\x04\x04", 4);
    size_t name_end = c->name.len;
    put_index_head(out, 1, &name_end);
    buf_append(out, c->name.p, c->name.len);
    put_index_head(out, 1, &top_len);
    put_dict_except(out, &c->top, top_drop, N_TOP_DROP);
    put_int5(out, (long)p->n), put_op(out, 1234); /* CIDCount: CIDs are 0 .. n - 1 */
    put_int5(out, (long)o_charset), put_op(out, 15);
    put_int5(out, (long)o_cs), put_op(out, 17);
    put_int5(out, (long)o_fdarray), put_op(out, 1236);
    put_int5(out, (long)o_fdselect), put_op(out, 1237);
    buf_append(out, c->table.p + c->strings.start, strings_len);
    put_be(out, 0, 2); /* no global subroutines */
    buf_putc(out, 2);  /* charset format 2: CID k for glyph k, one range */
    if (p->n > 1) put_be(out, 1, 2), put_be(out, (uint32_t)(p->n - 2), 2);
    buf_putc(out, 3); /* FDSelect format 3 */
    put_be(out, (uint32_t)n_ranges, 2);
    for (size_t i = 0; i < p->n; i++)
        if (!i || c->fd_of[p->keep[i]] != c->fd_of[p->keep[i - 1]]) {
            put_be(out, (uint32_t)i, 2);
            buf_putc(out, (char)p->fd_new[c->fd_of[p->keep[i]]]);
        }
    put_be(out, (uint32_t)p->n, 2);
    put_index_head(out, p->n, ends);
    buf_append(out, glyphs->data, glyphs->len);
    put_index_head(out, p->n_fds, fd_ends);
    size_t at = o_priv;
    for (unsigned k = 0; k < p->n_fds; k++) {
        put_dict_except(out, &c->fds[p->fd_old[k]].d, fd_drop, 1);
        put_int5(out, (long)priv_len[k]);
        put_int5(out, (long)at);
        put_op(out, 18);
        at += priv_len[k];
    }
    for (unsigned k = 0; k < p->n_fds; k++)
        put_dict_except(out, &c->fds[p->fd_old[k]].p, priv_drop, 1);
}

/* Glyph g flattened onto out, from the cache when it holds it. */
static flat_status flatten_cached(const font_cff *c, uint32_t g, const font_reader *rd,
                                  font_cff_cache *k, unsigned char *room, unsigned char *copy,
                                  buf *out, const char **why) {
    const cache_slot *s = k ? cache_find(k, c, g) : NULL;
    if (s) {
        buf_append(out, k->arena.data + s->off, s->len);
        return FLAT_OK;
    }
    size_t at = out->len;
    flat_status st = flatten(c, g, rd, room, copy, out, why);
    if (st == FLAT_OK && k) cache_put(k, c, g, out->data + at, out->len - at);
    return st;
}

bool font_cff_subset(const font_cff *c, const uint32_t *gids, size_t n, const font_reader *rd,
                     font_cff_cache *cache, buf *out, char *err, size_t es) {
    if (n > 65534) {
        snprintf(err, es, "more than 65535 glyphs");
        return false;
    }
    for (size_t i = 0; i < n; i++)
        if (gids[i] >= c->n_glyphs) {
            snprintf(err, es, "glyph %u is not in the font", (unsigned)gids[i]);
            return false;
        }
    plan p;
    make_plan(c, gids, n, &p);
    buf glyphs;
    buf_init(&glyphs);
    /* without the caller's cache, one for this subset: a glyph drawn with
     * several widths or texts is flattened once and copied */
    font_cff_cache *own = cache ? NULL : font_cff_cache_new();
    if (own) cache = own;
    size_t *ends = xmalloc(p.n * sizeof *ends);
    unsigned char *room = xmalloc(MAX_CHARSTRING + 8), *copy = rd ? xmalloc(65536) : NULL;
    bool ok = true;
    for (size_t i = 0; i < p.n && ok; i++) {
        const char *why = NULL;
        if (flatten_cached(c, p.keep[i], rd, cache, room, copy, &glyphs, &why) != FLAT_OK) {
            snprintf(err, es, "glyph %u: %s", (unsigned)p.keep[i], why ? why : "malformed");
            ok = false;
        } else if (glyphs.len > MAX_SUBSET) {
            /* a hostile font's subroutines can expand each glyph to 64 KB */
            snprintf(err, es, "the subset's glyph programs pass %u MB", MAX_SUBSET >> 20);
            ok = false;
        }
        ends[i] = glyphs.len;
    }
    font_cff_cache_free(own);
    if (ok) write_cff(c, &p, &glyphs, ends, out);
    free(room);
    free(copy);
    free(ends);
    buf_free(&glyphs);
    free(p.keep);
    return ok;
}
