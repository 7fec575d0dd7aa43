/* Indicators, found in the text: a number followed by a unit a reader
 * counts in (件 个 人 次 项 场 起 户 家 …, 元 万元 亿元, %), with the thing
 * counted as its label, the clause as its quote and the nearest heading as
 * its category. Dates, years, document and article numbers, ordinals,
 * phone numbers and list counters are never indicators: none of them is a
 * number followed by a unit, and the few that could look like one (第3次,
 * 《…30条》) are excluded by what surrounds them. Each indicator is checked
 * before it is kept: its value, as the JSON will print it, is in its quote
 * and its quote is in its paragraph. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/ustring.h>

#include "../util/utf8.h"
#include "../util/xalloc.h"
#include "import_internal.h"

#define LABEL_MAX_CHARS 12
#define QUOTE_MAX_CHARS 60
#define CATEGORY_MAX_CHARS 16
/* More than this many would make the indicator table longer than the
 * report; the best ones by rank are kept. */
#define MAX_INDICATORS 50
/* Figures looked at in one report: real reports have a few hundred; past
 * this the rest of a (hostile or machine-made) text is not scanned. */
#define MAX_CANDIDATES 20000

/* Longest first: 万人次 before 万人 before 万. */
static const char *const units[] = {
    "个百分点", "万人次", "场次", "亿元", "万元", "千元", "万人", "万户", "万件", "万份", "万次", "万册",
    "万株", "万亩", "人次", "件次", "百分点", "元", "%", "％", "件", "个", "人", "次",
    "项", "场", "起", "户", "家", "所", "名", "份", "条", "篇", "批", "宗", "类", "期", "册",
    "部", "处", "座", "台", "辆", "支", "间", "亩", "公里", "小时", "张", "天", "套", "本",
};

/* What may stand between the number and its unit: 300余件, 40多个. */
static size_t skip_approx(const char *s) {
    if (!strncmp(s, "余", 3) || !strncmp(s, "多", 3)) return 3;
    return 0;
}

static const char *unit_at(const char *s) {
    for (size_t k = 0; k < sizeof units / sizeof *units; k++)
        if (!strncmp(s, units[k], strlen(units[k]))) return units[k];
    return NULL;
}

/* What follows 个 that makes it a duration, not a count: 3个月, 5个工作日. */
static bool bad_after(const char *unit, const char *after) {
    return !strcmp(unit, "个") && (!strncmp(after, "月", 3) || !strncmp(after, "工作日", 9) ||
                                   !strncmp(after, "小时", 6));
}

typedef struct cand {
    char *label, *unit, *quote, *category;
    double value;
    double score;
    double rank_key; /* rank_spread's sort key */
    bool aside;      /* under a heading of problems or plans */
    size_t order;
} cand;

typedef struct cands {
    cand *v;
    size_t n, cap;
} cands;

static bool is_clause_end(uint32_t cp) {
    switch (cp) {
    case 0x3002: case 0xFF0C: case 0xFF1B: case 0xFF1A: case 0x3001: case 0xFF01: case 0xFF1F:
    case ',': case ';': case ':': case '!': case '?': case 0x201C: case 0x201D: case 0xFF08:
    case 0xFF09: case '(': case ')': case 0x300A: case 0x300B:
        return true;
    default:
        return false;
    }
}

/* Words a label does not start or end with: they say how, not what. */
static const char *const lead_fillers[] = {
    "今年以来", "全年共", "年内共", "累计共", "共计", "累计", "全年", "年内", "其中", "先后",
    "全县", "全市", "全区", "全镇", "全乡", "全旗", "全州", "我县", "我市", "我区", "我镇",
    "我乡", "本年度", "共有", "共", "已", "均", "并", "还", "又", "另", "总计", "合计", "同时",
    "截至目前", "目前", "现有", "已有", "完成", "实现", "达到", "确保", "力争", "保持", "推动",
    "与", "和", "对", "向", "为",
};
static const char *const tail_fillers[] = {"不少于", "不低于", "不超过", "每年", "每月", "每季度",
                                           "以上", "达到", "共计", "累计", "合计", "分别为", "分别", "为",
                                           "达", "共", "计", "约", "近", "超过", "逾", "有",
                                           "了", "是", "占", "的", "至", "到", "总数", "数量",
                                           "总量", "共有", "余", "只有", "仅有", "只", "仅",
                                           "基本维持在", "维持在", "保持在", "稳定在", "和", "及",
                                           "与", "或", "、"};

static void strip_fillers(const char **s, size_t *len) {
    for (bool again = true; again;) {
        again = false;
        for (size_t k = 0; k < sizeof lead_fillers / sizeof *lead_fillers; k++) {
            size_t n = strlen(lead_fillers[k]);
            if (*len >= n && !strncmp(*s, lead_fillers[k], n)) {
                *s += n, *len -= n, again = true;
            }
        }
        for (size_t k = 0; k < sizeof tail_fillers / sizeof *tail_fillers; k++) {
            size_t n = strlen(tail_fillers[k]);
            if (*len >= n && !strncmp(*s + *len - n, tail_fillers[k], n)) {
                *len -= n, again = true;
            }
        }
    }
}

/* Where the last words of s[0..len) that fit in max characters start:
 * labels are cut between words (ICU's dictionary word break for Chinese),
 * never inside one; where no boundary fits, between characters. */
static size_t tail_words(const char *s, size_t len, size_t max) {
    size_t n = utf8_count(s, len);
    if (n <= max) return 0;
    UErrorCode e = U_ZERO_ERROR;
    UChar u[256];
    int32_t nu = 0;
    u_strFromUTF8(u, 256, &nu, s, (int32_t)len, &e);
    size_t cut_chars = n - max; /* at least this many characters go */
    size_t best = SIZE_MAX;
    if (U_SUCCESS(e)) {
        UBreakIterator *bi = ubrk_open(UBRK_WORD, "zh", u, nu, &e);
        if (U_SUCCESS(e)) {
            for (int32_t p = ubrk_first(bi); p != UBRK_DONE; p = ubrk_next(bi)) {
                /* UTF-16 units to code points: the BMP text of labels has
                 * one unit per character; a surrogate pair counts two, so
                 * the cut may only err towards a shorter label */
                if ((size_t)p >= cut_chars) {
                    best = (size_t)p;
                    break;
                }
            }
            ubrk_close(bi);
        }
    }
    if (best == SIZE_MAX || best >= n) best = cut_chars;
    size_t i = 0;
    for (size_t k = 0; k < best && i < len; k++) imp_cp_at(s, len, i, &i);
    return i;
}

/* The bytes of the first words of s[0..len) that fit in max characters
 * (at least the first max characters when no boundary fits). */
static size_t head_words(const char *s, size_t len, size_t max) {
    size_t n = utf8_count(s, len);
    size_t cut = n; /* in characters */
    if (n > max) {
        cut = max;
        UErrorCode e = U_ZERO_ERROR;
        UChar u[256];
        int32_t nu = 0;
        u_strFromUTF8(u, 256, &nu, s, (int32_t)(len < 700 ? len : 700), &e);
        UBreakIterator *bi = U_SUCCESS(e) ? ubrk_open(UBRK_WORD, "zh", u, nu, &e) : NULL;
        if (bi && U_SUCCESS(e)) {
            int32_t p = ubrk_preceding(bi, (int32_t)max + 1);
            if (p > 0 && (size_t)p <= max) cut = (size_t)p;
        }
        if (bi) ubrk_close(bi);
    }
    size_t i = 0;
    for (size_t k = 0; k < cut && i < len; k++) imp_cp_at(s, len, i, &i);
    return i;
}

static size_t han_run(const char *s, size_t len, size_t max_chars) {
    /* 等3个社会风险评估实施方案: the noun after the unit, up to a mark;
     * 30次以上, 50%左右 have none */
    static const char *const not_nouns[] = {"以上", "以下", "左右", "之多", "以内", "的", "多",
                                            "余", "次", "人次", "件次", "上下"};
    for (size_t k = 0; k < sizeof not_nouns / sizeof *not_nouns; k++)
        if (!strncmp(s, not_nouns[k], strlen(not_nouns[k]))) return 0;
    size_t i = 0, n = 0;
    while (i < len && n < max_chars) {
        size_t nx;
        uint32_t cp = imp_cp_at(s, len, i, &nx);
        if (!imp_is_han(cp)) break;
        /* 可 / 的 / 均 … end a noun phrase */
        if (n > 0 && (!strncmp(s + i, "可", 3) || !strncmp(s + i, "的", 3) ||
                      !strncmp(s + i, "只", 3) || !strncmp(s + i, "仅", 3) ||
                      !strncmp(s + i, "都", 3) || !strncmp(s + i, "还", 3) ||
                      !strncmp(s + i, "将", 3) || !strncmp(s + i, "是", 3) ||
                      !strncmp(s + i, "有", 3) || !strncmp(s + i, "共", 3) ||
                      !strncmp(s + i, "均", 3) || !strncmp(s + i, "和", 3) ||
                      !strncmp(s + i, "及", 3) || !strncmp(s + i, "与", 3) ||
                      !strncmp(s + i, "已", 3) || !strncmp(s + i, "被", 3) ||
                      !strncmp(s + i, "进行", 6) || !strncmp(s + i, "实现", 6) ||
                      !strncmp(s + i, "开展", 6)))
            break;
        i = nx, n++;
    }
    return i;
}

static char *num_text(double v) {
    /* as cJSON prints numbers: integers plainly, else the shortest %g that
     * reads back the same */
    char b[64];
    if (fabs(v - (double)(long long)v) < 1e-9 && fabs(v) < 1e15) {
        snprintf(b, sizeof b, "%lld", (long long)v);
    } else {
        snprintf(b, sizeof b, "%1.15g", v);
        if (strtod(b, NULL) != v) snprintf(b, sizeof b, "%1.17g", v);
    }
    return xstrdup(b);
}

/* Candidates in one paragraph. */
static void scan(const char *p, size_t len, const char *category, bool lead, bool aside, cands *out,
                 size_t *order) {
    int in_title = 0; /* inside 《…》 */
    size_t clause = 0;
    for (size_t i = 0; i < len;) {
        size_t nx;
        uint32_t cp = imp_cp_at(p, len, i, &nx);
        if (cp == 0x300A) in_title++;
        if (cp == 0x300B && in_title) in_title--;
        if (is_clause_end(cp)) {
            clause = nx;
            i = nx;
            continue;
        }
        if (!(cp >= '0' && cp <= '9')) {
            i = nx;
            continue;
        }
        if (out->n >= MAX_CANDIDATES) return;
        /* a number: digits, one decimal point */
        size_t a = i, b = i;
        bool dot = false;
        while (b < len && ((p[b] >= '0' && p[b] <= '9') || (p[b] == '.' && !dot && b + 1 < len &&
                                                            p[b + 1] >= '0' && p[b + 1] <= '9'))) {
            if (p[b] == '.') dot = true;
            b++;
        }
        i = b;
        size_t digits = b - a - (dot ? 1 : 0);
        /* before: 第3, 〔2021〕, a digit, a letter, a dash (phone numbers) */
        uint32_t before = 0;
        if (a > 0) {
            size_t k = a - 1;
            while (k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80) k--;
            before = imp_cp_at(p, len, k, NULL);
        }
        if (in_title || before == 0x7B2C || before == 0x3014 || before == '[' ||
            before == 0xFF3B || before == '-' || before == '.' || before == ',' ||
            (before < 0x80 && ((before | 0x20) >= 'a' && (before | 0x20) <= 'z')) ||
            digits >= 7 || digits == 0)
            continue;
        size_t u = b + skip_approx(p + b);
        const char *unit = unit_at(p + u);
        if (!unit) continue;
        size_t after = u + strlen(unit);
        if (bad_after(unit, p + after)) continue;
        /* a year with 年 never reaches here (年 is no unit); a year before
         * 余件 would be strange but 2021件 is a real count */
        double value = strtod(p + a, NULL);
        if (!isfinite(value)) continue;

        /* label: the clause before the number, else the noun after the unit */
        /* a label and a quote need the last few dozen characters of the
         * clause: a window keeps a clause of megabytes (no punctuation in
         * hostile text) from making each number cost its whole length */
        size_t from = clause;
        if (a - from > 3 * (QUOTE_MAX_CHARS + 4)) {
            from = a - 3 * (QUOTE_MAX_CHARS + 4);
            while (from < a && ((unsigned char)p[from] & 0xC0) == 0x80) from++;
        }
        const char *lb = p + from;
        size_t llen = a - from;
        /* "12个乡镇153个村", "近2年的通过率": what precedes an earlier
         * number in the clause is not part of this label */
        bool after_number = false;
        for (size_t k = llen; k > 0; k--) {
            if (lb[k - 1] >= '0' && lb[k - 1] <= '9') {
                size_t cut = k;
                const char *u2 = unit_at(lb + cut);
                if (u2) cut += strlen(u2);
                after_number = u2 != NULL; /* the words after belong to that count */
                static const char *const dates[] = {"年以来", "年来", "年度", "年", "月", "日"};
                for (size_t dk = 0; !u2 && dk < sizeof dates / sizeof *dates; dk++)
                    if (!strncmp(lb + cut, dates[dk], strlen(dates[dk]))) {
                        cut += strlen(dates[dk]);
                        break;
                    }
                llen -= cut;
                lb += cut;
                break;
            }
        }
        /* the head noun follows the last 的 */
        for (size_t k = llen; k >= 3; k--) {
            if (!strncmp(lb + k - 3, "的", 3) && utf8_count(lb + k, llen - k) >= 2) {
                lb += k;
                llen -= k;
                break;
            }
        }
        strip_fillers(&lb, &llen);
        size_t han_before = 0;
        for (size_t k = 0; k < llen;)
            if (imp_is_han(imp_cp_at(lb, llen, k, &k))) han_before++;
        size_t an = han_run(p + after, len - after, LABEL_MAX_CHARS);
        size_t an_chars = utf8_count(p + after, an);
        buf label;
        buf_init(&label);
        /* "A、B等3个X": the things counted are X; so in "12个乡镇153个村",
         * where the words before belong to the earlier number */
        bool listed = llen >= 3 && !strncmp(lb + llen - 3, "等", 3);
        if (after_number && an_chars < 2 && han_before <= 4) {
            buf_free(&label);
            continue;
        }
        if ((listed || after_number) && an_chars >= 2) {
            buf_append(&label, p + after, an);
        } else if (an_chars >= 2 && strcmp(unit, "%") && strcmp(unit, "％")) {
            /* 出动100余次宣传车, 选派5名公职律师: the verb before (its last
             * word), the noun after */
            size_t cut = llen ? tail_words(lb, llen, 2) : 0;
            if (an_chars + utf8_count(lb + cut, llen - cut) <= LABEL_MAX_CHARS)
                buf_append(&label, lb + cut, llen - cut);
            buf_append(&label, p + after, an);
        } else if (han_before >= 2 && han_before * 2 >= utf8_count(lb, llen)) {
            size_t cut = tail_words(lb, llen, LABEL_MAX_CHARS);
            buf_append(&label, lb + cut, llen - cut);
        } else if (an_chars >= 3) {
            buf_append(&label, p + after, an);
        } else {
            buf_free(&label);
            continue;
        }
        /* the label must name something: not only digits and marks */
        size_t lh = 0;
        for (size_t k = 0; k < label.len;)
            if (imp_is_han(imp_cp_at(label.data, label.len, k, &k))) lh++;
        if (lh < 2 || utf8_count(label.data, label.len) > LABEL_MAX_CHARS) {
            buf_free(&label);
            continue;
        }
        /* quote: from the clause's start to the end of the clause holding
         * the unit (and the noun after it), at most QUOTE_MAX_CHARS */
        size_t qa = from, qb = after + an;
        while (qb < len) {
            size_t n2;
            uint32_t c2 = imp_cp_at(p, len, qb, &n2);
            if (is_clause_end(c2) || utf8_count(p + qa, qb - qa) >= QUOTE_MAX_CHARS) break;
            qb = n2;
        }
        while (utf8_count(p + qa, qb - qa) > QUOTE_MAX_CHARS && qa < a)
            imp_cp_at(p, len, qa, &qa);
        char *quote = xstrndup(p + qa, qb - qa);
        char *vt = num_text(value);
        bool literal = strstr(quote, vt) != NULL;
        free(vt);
        if (!literal) {
            free(quote);
            buf_free(&label);
            continue;
        }
        /* importance: rates and money first, then large counts; figures
         * about problems and plans rank below results; vague labels last */
        double score = 1.0 + log10(value + 1.0) * 0.8;
        if (!strcmp(unit, "%") || !strcmp(unit, "％") || strstr(label.data, "率")) score += 3;
        if (!strcmp(unit, "万元") || !strcmp(unit, "亿元") || !strcmp(unit, "元")) score += 2;
        if (lead) score += 2;
        if (utf8_count(label.data, label.len) < 4) score -= 1;
        if (skip_approx(p + b)) score -= 0.5; /* 约数 */
        xgrow(&out->v, &out->cap, out->n + 1, sizeof *out->v);
        out->v[out->n++] = (cand){buf_steal(&label, NULL), xstrdup(unit), quote,
                                  category ? xstrdup(category) : NULL, value, score, 0, aside, (*order)++};
    }
}

/* The heading's words without its number, up to its first comma. */
static char *short_category(const char *title) {
    size_t len = strlen(title), i = 0;
    /* skip the numbering: everything up to the first Han character that
     * follows 、 ） ) . or the start */
    for (size_t k = 0; k < len && k < 24;) {
        size_t nx;
        uint32_t cp = imp_cp_at(title, len, k, &nx);
        if (cp == 0x3001 || cp == 0xFF09 || cp == ')' || cp == '.' || cp == 0xFF0E ||
            cp == 0x5206 /* 分 of 部分 */ || cp == 0x7AE0 /* 章 */) {
            i = nx;
            break;
        }
        k = nx;
    }
    size_t e = i;
    while (e < len) {
        size_t nx;
        uint32_t cp = imp_cp_at(title, len, e, &nx);
        if (is_clause_end(cp)) break;
        e = nx;
    }
    if (e == i) return NULL;
    return xstrndup(title + i, head_words(title + i, e - i, CATEGORY_MAX_CHARS));
}

/* A heading of problems or plans: its figures rank after the results. */
static bool aside_heading(const char *t) {
    static const char *const words[] = {"问题", "不足", "短板", "差距", "下一步", "计划",
                                        "打算", "安排", "思路", "目标"};
    for (size_t k = 0; k < sizeof words / sizeof *words; k++)
        if (strstr(t, words[k])) return true;
    return false;
}

static void scan_sections(const cJSON *secs, const char *category, bool aside, int depth,
                          cands *out,
                          size_t *order) {
    const cJSON *sec;
    cJSON_ArrayForEach(sec, secs) {
        const cJSON *t = cJSON_GetObjectItem(sec, "title");
        char *cat = NULL;
        if (depth <= 1 && cJSON_IsString(t)) cat = short_category(t->valuestring);
        const char *use = cat ? cat : category;
        bool aside_here = aside || (depth == 0 && cJSON_IsString(t) && aside_heading(t->valuestring));
        const cJSON *para;
        cJSON_ArrayForEach(para, cJSON_GetObjectItem(sec, "paragraphs"))
            if (cJSON_IsString(para))
                scan(para->valuestring, strlen(para->valuestring), use, false, aside_here, out,
                     order);
        scan_sections(cJSON_GetObjectItem(sec, "sections"), use, aside_here, depth + 1, out, order);
        free(cat);
    }
}

static int by_score(const void *a, const void *b) {
    const cand *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int cand_identity_cmp(const cand *x, const cand *y) {
    int c = strcmp(x->label, y->label);
    if (c) return c;
    c = strcmp(x->unit, y->unit);
    if (c) return c;
    return x->value < y->value ? -1 : x->value > y->value;
}

/* Equal figures together, the first in the text last, so that dropping
 * every one followed by an equal one keeps the first. */
static int by_identity(const void *a, const void *b) {
    const cand *x = a, *y = b;
    int c = cand_identity_cmp(x, y);
    if (c) return c;
    return x->order > y->order ? -1 : x->order < y->order;
}

static int by_rank_key(const void *a, const void *b) {
    const cand *x = a, *y = b;
    if (x->rank_key != y->rank_key) return x->rank_key < y->rank_key ? -1 : 1;
    return by_score(a, b);
}

static const char *cat_of(const cand *c) { return c->category ? c->category : ""; }

static int by_category_score(const void *a, const void *b) {
    const cand *x = a, *y = b;
    int c = strcmp(cat_of(x), cat_of(y));
    return c ? c : by_score(a, b);
}

/* Ranks spread over the report: round k takes the k-th best figure of
 * every heading (headings in the order of their best figure; those of
 * problems and plans after all others), so that the
 * top ten of a report whose first section is full of percentages still
 * covers its other sections. Sorts cs by rank and stores it in score.
 * Sorting only: linear-logarithmic in the number of figures. */
static void rank_spread(cands *cs) {
    size_t n = cs->n;
    if (!n) return;
    qsort(cs->v, n, sizeof *cs->v, by_category_score);
    /* the heads of the groups (each heading's best figure), best first */
    cand *heads = xmalloc(n * sizeof *heads);
    size_t n_heads = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(cat_of(&cs->v[i]), cat_of(&cs->v[i - 1]))) {
            heads[n_heads] = cs->v[i];
            heads[n_heads].rank_key = (double)i; /* where the group starts */
            n_heads++;
        }
    qsort(heads, n_heads, sizeof *heads, by_score);
    for (size_t g = 0; g < n_heads; g++) {
        size_t start = (size_t)heads[g].rank_key;
        for (size_t i = start; i < n && (i == start || !strcmp(cat_of(&cs->v[i]),
                                                                cat_of(&cs->v[start])));
             i++)
            /* figures about problems and plans after all about results */
            cs->v[i].rank_key = (double)(i - start) * (double)n + (double)g +
                                (cs->v[i].aside ? (double)n * (double)n : 0.0);
    }
    free(heads);
    qsort(cs->v, n, sizeof *cs->v, by_rank_key);
    for (size_t i = 0; i < n; i++) cs->v[i].score = (double)(i + 1);
}

static int by_order(const void *a, const void *b) {
    const cand *x = a, *y = b;
    return x->order < y->order ? -1 : x->order > y->order;
}

void imp_indicators(const imp_ctx *c, cJSON *doc) {
    (void)c;
    cands cs = {0};
    size_t order = 0;
    const cJSON *para;
    cJSON_ArrayForEach(para, cJSON_GetObjectItem(doc, "summary"))
        if (cJSON_IsString(para))
            scan(para->valuestring, strlen(para->valuestring), "概况", true, false, &cs, &order);
    scan_sections(cJSON_GetObjectItem(doc, "sections"), NULL, false, 0, &cs, &order);
    /* one indicator per figure and label: the first in the text */
    if (cs.n) qsort(cs.v, cs.n, sizeof *cs.v, by_identity);
    for (size_t i = 1; i < cs.n; i++)
        if (!cand_identity_cmp(&cs.v[i - 1], &cs.v[i])) {
            free(cs.v[i - 1].label);
            cs.v[i - 1].label = NULL; /* the earlier of the pair sorts after: see by_identity */
        }
    size_t w = 0;
    for (size_t i = 0; i < cs.n; i++) {
        if (cs.v[i].label) cs.v[w++] = cs.v[i];
        else free(cs.v[i].unit), free(cs.v[i].quote), free(cs.v[i].category);
    }
    cs.n = w;
    rank_spread(&cs);
    size_t keep = cs.n < MAX_INDICATORS ? cs.n : MAX_INDICATORS;
    for (size_t i = keep; i < cs.n; i++)
        free(cs.v[i].label), free(cs.v[i].unit), free(cs.v[i].quote), free(cs.v[i].category);
    if (keep) qsort(cs.v, keep, sizeof *cs.v, by_order);
    cJSON *arr = cJSON_GetObjectItem(doc, "indicators");
    for (size_t i = 0; i < keep; i++) {
        cand *k = &cs.v[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "label", k->label);
        cJSON_AddNumberToObject(o, "value", k->value);
        cJSON_AddStringToObject(o, "unit", !strcmp(k->unit, "％") ? "%" : k->unit);
        if (k->category) cJSON_AddStringToObject(o, "category", k->category);
        cJSON_AddStringToObject(o, "quote", k->quote);
        cJSON_AddNumberToObject(o, "rank", k->score);
        cJSON_AddItemToArray(arr, o);
        free(k->label), free(k->unit), free(k->quote), free(k->category);
    }
    free(cs.v);
}
