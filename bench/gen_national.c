/* A synthetic national data set for batch benchmarks: N county reports (2,850
 * by default, about the number of county-level divisions in China) derived
 * from the real reports given on the command line. Each report takes one
 * real report as its base and gets
 *   - a new place name (two characters from a pool of common place-name
 *     characters plus 县/区/市/旗), replacing the base's name everywhere; every
 *     50th name holds a character outside the BMP (CJK Extension B) that the
 *     LXGW WenKai faces have, so the whole path from JSON to the ToUnicode
 *     CMap meets surrogate pairs;
 *   - indicator values scaled by 0.5-2 (percentages stay at most 100), and the
 *     quotes that cite them rewritten to match;
 *   - a different length: paragraphs dropped, and paragraphs borrowed from the
 *     other base reports, so glyph sets differ from report to report; one
 *     report in twenty is about twice as long.
 * The output is deterministic (a fixed-seed generator): the same arguments
 * give the same bytes.
 *
 *   gen_national [-n COUNT] [--seed N] [--fonts FONTS.json] (-o OUT.ndjson | -d DIR) BASE.json...
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

typedef struct rng {
    uint64_t s;
} rng;

/* splitmix64: tiny, fast and the same on every platform */
static uint64_t rng_next(rng *r) {
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static size_t rng_below(rng *r, size_t n) { return n ? (size_t)(rng_next(r) % n) : 0; }
static double rng_unit(rng *r) { return (double)(rng_next(r) >> 11) / 9007199254740992.0; }

/* Characters common in county names. */
static const char *const POOL[] = {
    "安", "平", "阳", "山", "江", "河", "湖", "宁", "远", "东", "西", "南", "北", "新", "华",
    "丰", "城", "长", "清", "永", "泰", "和", "兴", "隆", "昌", "德", "化", "恩", "乐", "康",
    "宜", "通", "海", "云", "龙", "凤", "林", "石", "桥", "水", "川", "武", "文", "庆", "宝",
    "金", "玉", "源", "潭", "陵", "岳", "泉", "溪", "峰", "沙", "州", "台", "田", "桂", "梅",
    "松", "柏", "青", "白", "黄", "红", "顺", "延", "吉", "利", "福", "寿", "嘉", "善", "仁",
};
static const char *const SUFFIX[] = {"县", "县", "县", "县", "区", "市", "旗"};

typedef struct base {
    cJSON *json;
    char *name, *short_name; /* "衡山县", "衡山" */
} base;

static char *read_file(const char *path) {
    diag_list *d = diag_list_new();
    char *text = file_read_all(path, 64u << 20, NULL, d);
    diag_print(d, stderr);
    diag_list_free(d);
    return text;
}

/* Every occurrence of from in s replaced by to; NULL when there is none. */
static char *replace_all(const char *s, const char *from, const char *to) {
    const char *p = strstr(s, from);
    if (!p || !*from) return NULL;
    buf b;
    buf_init(&b);
    size_t fl = strlen(from);
    while (p) {
        buf_append(&b, s, (size_t)(p - s));
        buf_puts(&b, to);
        s = p + fl;
        p = strstr(s, from);
    }
    buf_puts(&b, s);
    return buf_steal(&b, NULL);
}

static void rename_strings(cJSON *v, base *bases, size_t n_bases, const char *name,
                           const char *short_name) {
    for (; v; v = v->next) {
        if (cJSON_IsString(v)) {
            for (size_t i = 0; i < n_bases; i++) {
                char *r = replace_all(v->valuestring, bases[i].name, name);
                if (r) {
                    cJSON_SetValuestring(v, r);
                    free(r);
                }
                if (strlen(bases[i].short_name) >= 6) { /* two characters or more */
                    r = replace_all(v->valuestring, bases[i].short_name, short_name);
                    if (r) {
                        cJSON_SetValuestring(v, r);
                        free(r);
                    }
                }
            }
        }
        rename_strings(v->child, bases, n_bases, name, short_name);
    }
}

/* Every paragraph string of the sections tree, for borrowing. */
static void collect_paragraphs(const cJSON *sections, const cJSON ***out, size_t *n, size_t *cap) {
    const cJSON *s;
    cJSON_ArrayForEach(s, sections) {
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(s, "paragraphs")) {
            if (!cJSON_IsString(p)) continue;
            xgrow(out, cap, *n + 1, sizeof **out);
            (*out)[(*n)++] = p;
        }
        collect_paragraphs(cJSON_GetObjectItemCaseSensitive(s, "sections"), out, n, cap);
    }
}

typedef struct pool {
    const cJSON **v;
    size_t n, cap;
} pool;

static void vary_sections(cJSON *sections, rng *r, const pool *borrow, bool long_report) {
    cJSON *s;
    cJSON_ArrayForEach(s, sections) {
        cJSON *paras = cJSON_GetObjectItemCaseSensitive(s, "paragraphs");
        if (cJSON_IsArray(paras)) {
            int n = cJSON_GetArraySize(paras);
            /* drop about a quarter, never the last one standing */
            for (int i = n - 1; i >= 0 && cJSON_GetArraySize(paras) > 1; i--)
                if (rng_below(r, 4) == 0) cJSON_DeleteItemFromArray(paras, i);
            size_t extra = rng_below(r, 8) == 0 ? 1 : 0;
            if (long_report) extra += 1 + rng_below(r, 2);
            for (size_t k = 0; k < extra && borrow->n; k++) {
                const cJSON *p = borrow->v[rng_below(r, borrow->n)];
                cJSON_AddItemToArray(paras, cJSON_CreateString(p->valuestring));
            }
        }
        vary_sections(cJSON_GetObjectItemCaseSensitive(s, "sections"), r, borrow, long_report);
    }
}

static void vary_indicators(cJSON *inds, rng *r) {
    cJSON *ind;
    cJSON_ArrayForEach(ind, inds) {
        cJSON *value = cJSON_GetObjectItemCaseSensitive(ind, "value");
        if (!cJSON_IsNumber(value)) continue;
        double v = value->valuedouble, nv;
        const cJSON *unit = cJSON_GetObjectItemCaseSensitive(ind, "unit");
        bool percent = cJSON_IsString(unit) && strcmp(unit->valuestring, "%") == 0;
        if (floor(v) == v && !percent) {
            nv = floor(v * (0.5 + 1.5 * rng_unit(r)) + 0.5);
            if (nv < 1) nv = 1;
        } else {
            nv = round(v * (0.9 + 0.1 * rng_unit(r)) * 100) / 100;
            if (percent && nv > 100) nv = 100;
        }
        char old_s[64], new_s[64];
        render_format_number(v, old_s, sizeof old_s);
        render_format_number(nv, new_s, sizeof new_s);
        cJSON_SetNumberValue(value, nv);
        cJSON *quote = cJSON_GetObjectItemCaseSensitive(ind, "quote");
        if (cJSON_IsString(quote)) {
            char *q = replace_all(quote->valuestring, old_s, new_s);
            if (q) {
                cJSON_SetValuestring(quote, q);
                free(q);
            }
        }
    }
}

/* Extension B characters both LXGW WenKai faces draw. */
static size_t find_ext_b(const char *fonts_path, uint32_t *out, size_t max) {
    diag_list *d = diag_list_new();
    font_lib *lib = font_lib_load(fonts_path, d);
    diag_list_free(d);
    const font_face *a = font_lib_find(lib, "LXGW WenKai");
    const font_face *b = font_lib_find(lib, "LXGW WenKai Bold");
    size_t n = 0;
    for (uint32_t cp = 0x20000; a && b && cp <= 0x2A6DF && n < max; cp++)
        if (font_face_glyph(a, cp, NULL) && font_face_glyph(b, cp, NULL)) out[n++] = cp;
    font_lib_free(lib);
    return n;
}

static int usage(void) {
    fprintf(stderr, "usage: gen_national [-n COUNT] [--seed N] [--fonts FONTS.json] "
                    "(-o OUT.ndjson | -d DIR) BASE.json...\n");
    return 2;
}

int main(int argc, char **argv) {
    size_t count = 2850;
    uint64_t seed = 2850;
    const char *out = NULL, *dir = NULL, *fonts = "fonts/fonts.json";
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        const char *a = argv[first];
        bool next = first + 1 < argc;
        if (!strcmp(a, "-n") && next) count = strtoul(argv[++first], NULL, 10);
        else if (!strcmp(a, "--seed") && next) seed = strtoull(argv[++first], NULL, 10);
        else if (!strcmp(a, "--fonts") && next) fonts = argv[++first];
        else if (!strcmp(a, "-o") && next) out = argv[++first];
        else if (!strcmp(a, "-d") && next) dir = argv[++first];
        else return usage();
    }
    if (first >= argc || (!out == !dir) || count == 0) return usage();

    size_t n_bases = (size_t)(argc - first);
    base *bases = xcalloc(n_bases, sizeof *bases);
    pool borrow = {0};
    for (size_t i = 0; i < n_bases; i++) {
        char *text = read_file(argv[first + (int)i]);
        if (!text) return 1;
        bases[i].json = cJSON_Parse(text);
        free(text);
        const cJSON *region = cJSON_GetObjectItemCaseSensitive(bases[i].json, "region");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(region, "name");
        if (!cJSON_IsString(name)) {
            fprintf(stderr, "%s: not a report with region.name\n", argv[first + (int)i]);
            return 1;
        }
        bases[i].name = xstrdup(name->valuestring);
        size_t len = strlen(name->valuestring), cut = len, k = 0;
        /* the name without its last character (县, 区, 市, 镇) */
        while (k < len) {
            cut = k;
            utf8_next(name->valuestring, len, &k);
        }
        bases[i].short_name = xstrndup(name->valuestring, cut);
        collect_paragraphs(cJSON_GetObjectItemCaseSensitive(bases[i].json, "sections"), &borrow.v,
                           &borrow.n, &borrow.cap);
    }
    uint32_t ext_b[32];
    size_t n_ext_b = find_ext_b(fonts, ext_b, 32);
    if (n_ext_b == 0) fprintf(stderr, "gen_national: no Extension B character in the fonts\n");

    FILE *f = NULL;
    if (out) {
        f = fopen(out, "w");
        if (!f) {
            fprintf(stderr, "%s: %s\n", out, strerror(errno));
            return 1;
        }
    } else if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: %s\n", dir, strerror(errno));
        return 1;
    }
    rng r = {seed};
    const size_t n_pool = sizeof POOL / sizeof *POOL;
    for (size_t i = 0; i < count; i++) {
        const base *b = &bases[i % n_bases];
        char short_name[32], name[40], id[32];
        if (n_ext_b && i % 50 == 7) {
            char ext[5] = {0};
            utf8_encode(ext_b[(i / 50) % n_ext_b], ext);
            snprintf(short_name, sizeof short_name, "%s%s", POOL[rng_below(&r, n_pool)], ext);
        } else {
            snprintf(short_name, sizeof short_name, "%s%s", POOL[rng_below(&r, n_pool)],
                     POOL[rng_below(&r, n_pool)]);
        }
        snprintf(name, sizeof name, "%s%s", short_name,
                 SUFFIX[rng_below(&r, sizeof SUFFIX / sizeof *SUFFIX)]);
        snprintf(id, sizeof id, "county-%04zu", i + 1);

        cJSON *doc = cJSON_Duplicate(b->json, true);
        cJSON_SetValuestring(cJSON_GetObjectItemCaseSensitive(doc, "id"), id);
        vary_sections(cJSON_GetObjectItemCaseSensitive(doc, "sections"), &r, &borrow,
                      rng_below(&r, 25) == 0);
        rename_strings(doc, bases, n_bases, name, short_name);
        vary_indicators(cJSON_GetObjectItemCaseSensitive(doc, "indicators"), &r);
        char *text = cJSON_PrintUnformatted(doc);
        cJSON_Delete(doc);
        if (f) {
            fputs(text, f);
            fputc('\n', f);
        } else {
            char *path = xasprintf("%s/%s.json", dir, id);
            FILE *g = fopen(path, "w");
            if (!g || fputs(text, g) < 0 || fputc('\n', g) == EOF || fclose(g) != 0) {
                fprintf(stderr, "%s: cannot write\n", path);
                return 1;
            }
            free(path);
        }
        cJSON_free(text);
    }
    if (f && fclose(f) != 0) {
        fprintf(stderr, "%s: cannot write\n", out);
        return 1;
    }
    for (size_t i = 0; i < n_bases; i++) {
        cJSON_Delete(bases[i].json);
        free(bases[i].name);
        free(bases[i].short_name);
    }
    free(bases);
    free(borrow.v);
    fprintf(stderr, "gen_national: %zu reports (%zu with Extension B names) into %s\n", count,
            n_ext_b ? (count + 42) / 50 : 0, out ? out : dir);
    return 0;
}
