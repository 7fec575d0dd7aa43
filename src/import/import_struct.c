/* The structure of a report from its paragraphs: boilerplate dropped, lines
 * re-joined or split, title, issuer and date, region and year, the section
 * tree from heading numbers (docs/import.md lists every rule). The rules
 * are written for the genre, 法治政府建设年度报告 from any county, district,
 * city or town, and none names a particular report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/utf8.h"
#include "../util/xalloc.h"
#include "import_internal.h"


/* --meta KEY=VALUE: what the user said the text does not (the last of a
 * key wins). */
const char *imp_meta(const imp_ctx *c, const char *key) {
    const char *v = NULL;
    size_t n = strlen(key);
    for (size_t i = 0; c->opts && i < c->opts->n_meta; i++) {
        const char *a = c->opts->meta[i];
        if (!strncmp(a, key, n) && a[n] == '=') v = a + n + 1; /* the last one wins */
    }
    return v;
}

/* A heading longer than this (in characters) is a paragraph that happens
 * to start with a number. */
#define HEADING_MAX_CHARS 60
/* Lines longer than this are not paragraphs as people write them: text that
 * arrived on one line, to be split at its heading markers. */
#define LONG_LINE_CHARS 1000
#define TITLE_MAX_CHARS 80
#define SIGNATURE_MAX_CHARS 40

typedef struct line {
    char *text; /* owned */
    size_t len;
    imp_hint hint;
    int hint_level;
    bool gap_before; /* a blank line before it */
} line;

typedef struct lines {
    line *v;
    size_t n, cap;
} lines;

static void lines_push(lines *ls, char *text, size_t len, imp_hint hint, int level) {
    xgrow(&ls->v, &ls->cap, ls->n + 1, sizeof *ls->v);
    ls->v[ls->n++] = (line){text, len, hint, level, false};
}

static void lines_free(lines *ls) {
    for (size_t i = 0; i < ls->n; i++) free(ls->v[i].text);
    free(ls->v);
    *ls = (lines){0};
}

/* Removes the lines marked dead (text NULL) in one pass: passes over the
 * whole document mark, then compact, so that they stay linear however many
 * lines they drop. */
static void lines_compact(lines *ls) {
    size_t w = 0;
    for (size_t i = 0; i < ls->n; i++)
        if (ls->v[i].text) ls->v[w++] = ls->v[i];
    ls->n = w;
}

static void lines_remove(lines *ls, size_t i) {
    free(ls->v[i].text);
    memmove(ls->v + i, ls->v + i + 1, (ls->n - i - 1) * sizeof *ls->v);
    ls->n--;
}

/* ---- small text helpers ------------------------------------------------- */

static size_t nchars(const char *s, size_t len) { return utf8_count(s, len); }

static bool has(const char *s, const char *needle) { return strstr(s, needle) != NULL; }

static bool starts(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

static bool ends(const char *s, size_t len, const char *p) {
    size_t n = strlen(p);
    return len >= n && memcmp(s + len - n, p, n) == 0;
}

/* The last character of s (0 for empty). */
static uint32_t last_cp(const char *s, size_t len) {
    if (!len) return 0;
    size_t k = len - 1;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
    return imp_cp_at(s, len, k, NULL);
}

static bool is_digit_cp(uint32_t cp) { return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19); }

static int digit_val(uint32_t cp) { return cp <= '9' ? (int)(cp - '0') : (int)(cp - 0xFF10); }

static int cn_digit(uint32_t cp) {
    static const uint32_t d[] = {0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94,
                                 0x516D, 0x4E03, 0x516B, 0x4E5D}; /* 〇一二三四五六七八九 */
    for (int i = 0; i < 10; i++)
        if (d[i] == cp) return i;
    if (cp == 0x96F6) return 0; /* 零 */
    return -1;
}

/* Sentence-final marks: a line ending in one is a complete paragraph. */
static bool is_final(uint32_t cp) {
    switch (cp) {
    case 0x3002: case 0xFF01: case 0xFF1F: case 0xFF1B: case 0xFF1A: /* 。！？；： */
    case '.': case '!': case '?': case ';': case ':':
    case 0x201D: case 0x2019: case 0x300D: case 0x300F: case 0xFF09: case ')': /* ”’」』）) */
    case 0x2026: case 0x2014: /* …… —— */
        return true;
    default:
        return false;
    }
}

static bool is_sentence_punct(uint32_t cp) {
    return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF1B;
}

static size_t count_han(const char *s, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = imp_cp_at(s, len, i, &i);
        if (imp_is_han(cp)) n++;
    }
    return n;
}

/* ---- heading markers --------------------------------------------------- */

/* Kinds of numbering, in the order official documents nest them. */
typedef enum {
    MK_NONE = -1,
    MK_PART = 0,  /* 第一部分, 第一章, 第一篇 */
    MK_CN,        /* 一、 */
    MK_CN_PAREN,  /* （一） (一) */
    MK_NUM,       /* 1. 1、 １． */
    MK_NUM_PAREN, /* （1） (1) */
    MK_CIRCLED,   /* ① */
    MK_KINDS
} marker_kind;

typedef struct marker {
    marker_kind kind;
    int number;
    size_t len; /* bytes of the marker */
} marker;

/* Reads a number in Chinese numerals (一 … 九十九) at s[i]; returns the
 * value (0 when none) and advances *end. */
static int read_cn_number(const char *s, size_t len, size_t i, size_t *end) {
    int value = 0, cur = -1, n = 0;
    bool ten = false;
    while (i < len && n < 4) {
        size_t nx;
        uint32_t cp = imp_cp_at(s, len, i, &nx);
        int dv = cn_digit(cp);
        if (cp == 0x5341) { /* 十 */
            if (ten) break;
            value = (cur < 0 ? 1 : cur) * 10;
            cur = -1, ten = true;
        } else if (dv > 0) {
            if (cur >= 0) break;
            cur = dv;
        } else {
            break;
        }
        i = nx, n++;
    }
    *end = i;
    if (cur > 0) value += cur;
    return value;
}

static int read_arabic(const char *s, size_t len, size_t i, size_t *end) {
    int v = 0, n = 0;
    while (i < len && n < 3) {
        size_t nx;
        uint32_t cp = imp_cp_at(s, len, i, &nx);
        if (!is_digit_cp(cp)) break;
        v = v * 10 + digit_val(cp);
        i = nx, n++;
    }
    *end = i;
    return n ? v : -1;
}

static bool open_paren(uint32_t cp) { return cp == '(' || cp == 0xFF08; }
static bool close_paren(uint32_t cp) { return cp == ')' || cp == 0xFF09; }

static marker read_marker(const char *s, size_t len) {
    marker m = {MK_NONE, 0, 0};
    size_t i, j;
    uint32_t cp = imp_cp_at(s, len, 0, &i);
    if (cp == 0x7B2C) { /* 第 */
        int v = read_cn_number(s, len, i, &j);
        if (v > 0 && (starts(s + j, "部分") || starts(s + j, "章") || starts(s + j, "篇"))) {
            j += starts(s + j, "部分") ? 6 : 3;
            m = (marker){MK_PART, v, j};
        }
        return m;
    }
    if (cp >= 0x2460 && cp <= 0x2473) return (marker){MK_CIRCLED, (int)(cp - 0x2460 + 1), i};
    if (open_paren(cp)) {
        int v = read_cn_number(s, len, i, &j);
        marker_kind k = MK_CN_PAREN;
        if (v <= 0) {
            v = read_arabic(s, len, i, &j);
            k = MK_NUM_PAREN;
        }
        if (v <= 0) return m;
        size_t e;
        if (!close_paren(imp_cp_at(s, len, j, &e))) return m;
        return (marker){k, v, e};
    }
    int v = read_cn_number(s, len, 0, &j);
    if (v > 0) {
        size_t e;
        uint32_t sep = imp_cp_at(s, len, j, &e);
        if (sep == 0x3001 || sep == 0xFF0E) return (marker){MK_CN, v, e}; /* 、 ． */
        /* "一）" with its opening bracket lost, a typo found on real pages */
        if (close_paren(sep)) return (marker){MK_CN_PAREN, v, e};
        return m;
    }
    v = read_arabic(s, len, 0, &j);
    if (v > 0 && v < 100) {
        size_t e;
        uint32_t sep = imp_cp_at(s, len, j, &e);
        if (sep == 0x3001 || sep == 0xFF0E || sep == '.') {
            /* "1.5亿元" is a number, "1.深入学习" a heading */
            uint32_t after = imp_cp_at(s, len, e, NULL);
            if (is_digit_cp(after) || after == '%' || e >= len) return m;
            return (marker){MK_NUM, v, e};
        }
    }
    return m;
}

/* Where a numbered line's heading ends: the whole line when it is short and
 * has no sentence inside; else up to and including the first 。 or ： when
 * that comes soon enough (a run-in heading), or up to a space after at
 * least four characters of heading (text that arrived on one line puts a
 * space where the heading's line ended, and no space before the 一是 that
 * starts the text). 0: not a heading. */
static size_t heading_end(const char *s, size_t len) {
    size_t chars = 0, words = 0, han = 0;
    size_t start = read_marker(s, len).len;
    for (size_t i = 0; i < len;) {
        size_t nx;
        uint32_t cp = imp_cp_at(s, len, i, &nx);
        chars++;
        if (chars > HEADING_MAX_CHARS) return 0;
        if (cp == 0x3002 || cp == 0xFF1A || cp == ':' || cp == 0xFF01 || cp == 0xFF1F) return nx;
        if (i >= start) {
            /* four Chinese characters of heading before the space: "一、2025 年"
             * has a space inside its heading */
            if ((cp == ' ' || cp == 0x3000) && han >= 4) return i;
            if (imp_is_han(cp)) han++;
            /* "（一）优化机构职能一是…": the enumeration of the text starts */
            if (words >= 4 && !strncmp(s + i, "一是", 6)) return i;
            /* …思想1.深入学习: a deeper heading glued to this one */
            if (words >= 4 && i > start) {
                marker_kind k = read_marker(s + i, len - i).kind;
                if (k == MK_NUM || k == MK_CN_PAREN || k == MK_NUM_PAREN || k == MK_CIRCLED)
                    return i;
            }
            if (cp != ' ' && cp != 0x3000) words++;
        }
        i = nx;
    }
    return len;
}

/* ---- boilerplate ------------------------------------------------------- */

/* Site furniture, recognised anywhere in a short line. */
static const char *const chrome_words[] = {
    "无障碍", "繁体", "打印本页", "打印本文", "打印此页", "关闭窗口", "关闭本页", "分享到",
    "扫一扫", "当前位置", "您现在的位置", "您的位置", "浏览次数", "访问量", "阅读次数", "点击量",
    "点击次数", "浏览量", "ICP备", "icp备", "网站标识码", "公网安备", "版权所有", "网站地图",
    "字号", "【字体", "上一篇", "下一篇", "相关阅读", "相关链接", "【打印】", "【关闭】",
    "今天是", "技术支持", "【大】", "【中】", "【小】", "大 中 小", "大中小", "视力保护色",
    "Copyright", "copyright", "收藏本页", "加入收藏", "设为首页", "微信扫码", "手机扫码",
    "所在位置", "首页 >", "首页>", "首页 »", "首页»", "字体大小", "【字体", "分享至",
};

/* Fields of a page header or an information-disclosure table: "来源：…". */
static const char *const field_words[] = {
    "来源", "发布时间", "发布日期", "发表日期", "发表时间", "信息来源", "文章来源", "责任编辑",
    "编辑", "作者", "主办单位", "承办单位", "主办", "承办", "索引号", "发布机构", "生成日期",
    "成文日期", "文号", "主题分类", "发文机关", "公开方式", "公开范围", "信息分类", "联系电话",
    "时间", "日期", "浏览", "录入", "审核", "校对", "供稿", "撰稿", "摄影", "字体", "体裁分类",
    "有效性", "发文字号", "成文日期", "组配分类", "服务对象", "公文种类", "信息类别",
};

static bool is_colon_at(const char *s) {
    return starts(s, "：") || starts(s, ":") || starts(s, " :") || starts(s, " ：") ||
           starts(s, "】") || starts(s, "]") || starts(s, " ]");
}

/* Why the line is site furniture, or NULL. */
static const char *chrome_reason(const char *s, size_t len) {
    size_t chars = nchars(s, len);
    uint32_t last = last_cp(s, len);
    if (chars > 120 || last == 0x3002) return NULL;
    /* a row of an information-disclosure table: "[ 索引号 ] …", "- [ 有效性 ] 有效" */
    {
        const char *t = s;
        if (starts(t, "- ")) t += 2;
        if (starts(t, "[") || starts(t, "【")) {
            const char *close = strstr(t, "]");
            if (!close) close = strstr(t, "】");
            if (close && close - t <= 24) return "information table";
        }
    }
    /* a font-size widget set one choice a line */
    static const char *const sizes[] = {"大", "中", "小", "A", "A+", "A-", "默认", "【大】"};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++)
        if (len == strlen(sizes[k]) && !memcmp(s, sizes[k], len)) return "font-size widget";
    /* "今天是 2019年12月3日星期二": the site's calendar, not the report's date */
    if (chars <= 40 && has(s, "星期") && (has(s, "年") || has(s, "/") || has(s, "-")))
        return "date widget";
    for (size_t k = 0; k < sizeof chrome_words / sizeof *chrome_words; k++)
        if (has(s, chrome_words[k])) return "site furniture";
    for (size_t k = 0; k < sizeof field_words / sizeof *field_words; k++) {
        const char *p = s;
        size_t n = strlen(field_words[k]);
        while ((p = strstr(p, field_words[k])) != NULL) {
            /* a field name starts the line or follows a space or a bracket */
            bool at_start = p == s || p[-1] == ' ' || p[-1] == '[' || p[-1] == '-' ||
                            starts(p - 3 >= s ? p - 3 : s, "【") ||
                            (p - 3 >= s && !memcmp(p - 3, "\xE3\x80\x80", 3));
            if (at_start && is_colon_at(p + n)) return "page header field";
            p += n;
        }
    }
    return NULL;
}

static bool is_page_number(const char *s, size_t len) {
    /* "5", "- 5 -", "— 5 —", "第5页", "第 5 页 共 12 页", "5/12" */
    size_t digits = 0, other = 0;
    bool page_word = has(s, "页");
    for (size_t i = 0; i < len;) {
        uint32_t cp = imp_cp_at(s, len, i, &i);
        if (is_digit_cp(cp)) digits++;
        else if (cp == ' ' || cp == '-' || cp == 0x2014 || cp == 0x2013 || cp == 0xFF0D ||
                 cp == '/' || cp == 0x3000 || cp == 0x2212)
            ;
        else if (page_word && (cp == 0x7B2C || cp == 0x9875 || cp == 0x5171)) /* 第 页 共 */
            ;
        else
            other++;
    }
    return digits > 0 && digits <= 6 && other == 0;
}

static bool is_url_line(const char *s, size_t len) {
    if (!(starts(s, "http://") || starts(s, "https://") || starts(s, "www."))) return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ' ') return false;
    return true;
}

/* A date on its own: 2022年2月21日, 2022-02-21, 2022.2.21, 2022/2/21,
 * 二〇二二年二月二十一日, possibly in brackets (whole), or at the start of s.
 * Fills iso (11 bytes). */
static bool parse_date(const char *s, size_t len, char iso[11], bool whole) {
    size_t i = 0, nx;
    if (whole && len && open_paren(imp_cp_at(s, len, 0, &nx))) i = nx;
    int part[3] = {0, 0, 0}, nd = 0;
    bool cn = false;
    while (i < len && nd < 5) {
        uint32_t cp = imp_cp_at(s, len, i, &nx);
        if (is_digit_cp(cp) && !cn) {
            part[0] = part[0] * 10 + digit_val(cp);
        } else if (cn_digit(cp) >= 0 && (nd == 0 || cn)) {
            cn = true;
            part[0] = part[0] * 10 + cn_digit(cp);
        } else {
            break;
        }
        i = nx, nd++;
    }
    if (nd != 4) return false;
    static const uint32_t cn_sep[3] = {0x5E74, 0x6708, 0x65E5}; /* 年 月 日 */
    bool dashed = false;
    for (int k = 0; k < 3; k++) {
        uint32_t sep = i < len ? imp_cp_at(s, len, i, &nx) : 0;
        if (k < 2 || sep == cn_sep[2]) {
            if (sep == cn_sep[k] && (k == 0 || !dashed)) {
                i = nx;
            } else if (!cn && (k == 0 || dashed) && k < 2 &&
                       (sep == '-' || sep == '.' || sep == '/' || sep == 0xFF0D || sep == 0xFF0E)) {
                dashed = true;
                i = nx;
            } else {
                return false;
            }
        }
        if (k == 2) break;
        size_t j;
        int v = cn ? read_cn_number(s, len, i, &j) : read_arabic(s, len, i, &j);
        if (v <= 0 || j - i > 6) return false;
        part[k + 1] = v;
        i = j;
    }
    if (part[0] < 1900 || part[0] > 2100 || part[1] < 1 || part[1] > 12 || part[2] < 1 ||
        part[2] > 31)
        return false;
    if (whole) {
        while (i < len) {
            uint32_t c2 = imp_cp_at(s, len, i, &i);
            if (!close_paren(c2) && !imp_is_space(c2)) return false;
        }
    }
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = part[0], m = part[1], d = part[2];
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] || (m == 2 && d == 29 && !leap)) return false;
    snprintf(iso, 11, "%04d-%02d-%02d", y, m, d);
    return true;
}

/* The first date anywhere in s (for page headers: "发布时间：2022-02-21"). */
static bool find_date(const char *s, size_t len, char iso[11]) {
    for (size_t i = 0; i < len;) {
        size_t nx;
        uint32_t cp = imp_cp_at(s, len, i, &nx);
        if ((is_digit_cp(cp) || cn_digit(cp) >= 0) && parse_date(s + i, len - i, iso, false))
            return true;
        i = nx;
    }
    return false;
}

bool imp_find_date(const char *s, size_t len, char iso[11]) { return find_date(s, len, iso); }

/* ---- the document's state while it is being structured ------------------ */

typedef struct st {
    const imp_ctx *c;
    lines ls;
    char pub_date[11]; /* from a page header, "" when none */
    char sig_date[11];
    char *title, *issuer;
    bool title_guessed;
} st;

static void drop(st *s, size_t i, const char *why) {
    imp_explain(s->c, "dropped", why, s->ls.v[i].text, s->ls.v[i].len);
    lines_remove(&s->ls, i);
}

/* drop() for whole-document passes: marks the line dead (lines_compact). */
static void kill(st *s, size_t i, const char *why) {
    imp_explain(s->c, "dropped", why, s->ls.v[i].text, s->ls.v[i].len);
    free(s->ls.v[i].text);
    s->ls.v[i].text = NULL;
}

static void remove_boilerplate(st *s) {
    for (size_t i = 0; i < s->ls.n; i++) {
        line *l = &s->ls.v[i];
        const char *why = NULL;
        if (l->hint == HINT_HEADING || l->hint == HINT_TITLE) continue;
        if ((why = chrome_reason(l->text, l->len)) != NULL) {
            char iso[11];
            if (!s->pub_date[0] && (has(l->text, "发布") || has(l->text, "发表") ||
                                    has(l->text, "日期") || has(l->text, "时间")) &&
                find_date(l->text, l->len, iso))
                memcpy(s->pub_date, iso, 11);
        } else if (is_page_number(l->text, l->len)) {
            why = "page number";
        } else if (is_url_line(l->text, l->len)) {
            why = "address of the page";
        } else if (count_han(l->text, l->len) == 0 && l->hint != HINT_ROW) {
            size_t letters = 0, digits = 0;
            for (size_t k = 0; k < l->len; k++) {
                unsigned char ch = (unsigned char)l->text[k];
                if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') letters++;
                if (ch >= '0' && ch <= '9') digits++;
            }
            if (letters > 20) why = "not Chinese text (a note added to the page)";
            else if (letters + digits == 0) why = "no text (separator)";
        } else {
            /* "2021年12月22日 04时21分": when the page was published */
            char iso[11];
            if (has(l->text, "时") && has(l->text, "分") && nchars(l->text, l->len) <= 24 &&
                find_date(l->text, l->len, iso)) {
                size_t k = 0;
                bool only_time = true;
                while (k < l->len) {
                    uint32_t cp = imp_cp_at(l->text, l->len, k, &k);
                    if (!(is_digit_cp(cp) || cp == ' ' || cp == 0x5E74 || cp == 0x6708 ||
                          cp == 0x65E5 || cp == 0x65F6 || cp == 0x5206 || cp == 0x79D2 ||
                          cp == ':' || cp == '-'))
                        only_time = false;
                }
                if (only_time) {
                    why = "publication time";
                    if (!s->pub_date[0]) memcpy(s->pub_date, iso, 11);
                }
            }
        }
        if (why) kill(s, i, why);
    }
    lines_compact(&s->ls);
}

/* Short lines repeated three times or more are running heads or footers of a
 * converted document (page furniture), unless they are numbered headings.
 * The first occurrence stays: it may be the title. Found by sorting, so
 * that a document of many short lines stays fast. */
typedef struct line_ref {
    const line *l;
    size_t index;
} line_ref;

static int line_ref_cmp(const void *a, const void *b) {
    const line_ref *x = a, *y = b;
    size_t n = x->l->len < y->l->len ? x->l->len : y->l->len;
    int c = memcmp(x->l->text, y->l->text, n);
    if (c) return c;
    if (x->l->len != y->l->len) return x->l->len < y->l->len ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static void remove_running_heads(st *s) {
    line_ref *refs = xmalloc((s->ls.n ? s->ls.n : 1) * sizeof *refs);
    size_t n = 0;
    for (size_t i = 0; i < s->ls.n; i++) {
        const line *l = &s->ls.v[i];
        if (l->hint == HINT_NONE && nchars(l->text, l->len) <= 40 &&
            read_marker(l->text, l->len).kind == MK_NONE)
            refs[n++] = (line_ref){l, i};
    }
    qsort(refs, n, sizeof *refs, line_ref_cmp);
    bool *dead = xcalloc(s->ls.n ? s->ls.n : 1, sizeof *dead);
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && refs[b].l->len == refs[a].l->len &&
               !memcmp(refs[b].l->text, refs[a].l->text, refs[a].l->len))
            b++;
        if (b - a >= 3)
            for (size_t k = a + 1; k < b; k++) dead[refs[k].index] = true;
        a = b;
    }
    free(refs);
    for (size_t i = 0; i < s->ls.n; i++)
        if (dead[i]) kill(s, i, "running head");
    free(dead);
    lines_compact(&s->ls);
}

/* ---- one long line, hard-wrapped lines --------------------------------- */

/* Where a long line's pieces start: before each heading marker that
 * follows a sentence end (or a colon, or a space), and before a closing
 * signature (an issuer and a date after the last 。). */
static size_t long_line_cuts(const char *t, size_t len, size_t *cuts, size_t max) {
    size_t n = 0, last_stop = 0;
    uint32_t prev = 0;
    for (size_t k = 0; k < len && n < max;) {
        size_t nx;
        uint32_t cp = imp_cp_at(t, len, k, &nx);
        bool after_stop = is_sentence_punct(prev) || prev == 0xFF1A || prev == ':' ||
                          prev == ' ' || prev == 0x3000;
        if (k > 0 && (after_stop || open_paren(cp) || (imp_is_han(prev) && is_digit_cp(cp)))) {
            /* （一） and 1. need no stop before them: a heading without one
             * ends there */
            marker m = read_marker(t + k, len - k);
            if (m.kind != MK_NONE && (after_stop || m.kind == MK_CN_PAREN ||
                                      m.kind == MK_NUM_PAREN || m.kind == MK_NUM) &&
                heading_end(t + k, len - k) > 0)
                cuts[n++] = k;
        }
        if (cp == 0x3002) last_stop = nx;
        prev = cp;
        k = nx;
    }
    /* 某某区人民政府 2023年1月10日 after the last sentence */
    if (last_stop && last_stop < len && n < max && (!n || cuts[n - 1] < last_stop) &&
        utf8_count(t + last_stop, len - last_stop) <= SIGNATURE_MAX_CHARS + 16) {
        char iso[11];
        const char *tail = t + last_stop;
        size_t tl = len - last_stop;
        for (size_t k = 0; k < tl;) {
            size_t nx;
            imp_cp_at(tail, tl, k, &nx);
            if (parse_date(tail + k, tl - k, iso, true)) {
                cuts[n++] = last_stop;
                if (k > 0 && n < max) cuts[n++] = last_stop + k;
                break;
            }
            k = nx;
        }
    }
    return n;
}

static void trim_line(line *x) {
    size_t a = 0, b = x->len;
    while (a < b) {
        size_t nx;
        if (!imp_is_space(imp_cp_at(x->text, x->len, a, &nx))) break;
        a = nx;
    }
    while (b > a && (x->text[b - 1] == ' ' || x->text[b - 1] == '\t')) b--;
    /* U+3000 at the end */
    while (b >= a + 3 && !memcmp(x->text + b - 3, "\xE3\x80\x80", 3)) b -= 3;
    memmove(x->text, x->text + a, b - a);
    x->len = b - a;
    x->text[x->len] = 0;
}

/* Splits lines that hold a whole document (text delivered on one line) at
 * their heading markers and before the signature, into a new list. */
static void split_long_lines(st *s) {
    lines out = {0};
    size_t *cuts = xmalloc(4096 * sizeof *cuts);
    for (size_t i = 0; i < s->ls.n; i++) {
        line *l = &s->ls.v[i];
        size_t chars = l->hint == HINT_NONE ? nchars(l->text, l->len) : 0;
        size_t n = chars >= 200 ? long_line_cuts(l->text, l->len, cuts, 4096) : 0;
        /* A paragraph may list （一）…（二）… inside it; a line holding
         * top-level headings (一、 二、, 第一部分), or one with headings
         * under it, is more than a paragraph. */
        size_t top = 0;
        for (size_t k = 0; k < n; k++) {
            marker m = read_marker(l->text + cuts[k], l->len - cuts[k]);
            if (m.kind == MK_CN || m.kind == MK_PART) top++;
        }
        if (!n || (chars < LONG_LINE_CHARS && top < 2 && !(top && n >= 3))) {
            xgrow(&out.v, &out.cap, out.n + 1, sizeof *out.v);
            out.v[out.n++] = *l;
            continue;
        }
        for (size_t k = 0; k <= n; k++) {
            size_t a = k ? cuts[k - 1] : 0, b = k < n ? cuts[k] : l->len;
            line piece = {xstrndup(l->text + a, b - a), b - a, HINT_NONE, 0, k ? false : l->gap_before};
            trim_line(&piece);
            if (!piece.len) {
                free(piece.text);
                continue;
            }
            xgrow(&out.v, &out.cap, out.n + 1, sizeof *out.v);
            out.v[out.n++] = piece;
        }
        imp_explain(s->c, "joined", "one long line, split at its headings", l->text, 0);
        free(l->text);
    }
    free(cuts);
    free(s->ls.v);
    s->ls = out;
}

static bool title_like(const char *t, size_t len);

/* 一是… 二是…: a new point of an enumerating paragraph starts here. */
static bool enumeration_start(const line *l) {
    size_t j;
    return read_cn_number(l->text, l->len, 0, &j) > 0 && starts(l->text + j, "是");
}

static bool numbered(const line *l) {
    marker m = read_marker(l->text, l->len);
    return m.kind != MK_NONE && heading_end(l->text, l->len) > 0;
}

/* Lines broken inside a sentence (a document converted from PDF or Word
 * with hard line ends, or a stray break a site put in a paragraph): a line
 * that does not end a sentence is joined with the next unless either is a
 * heading. Short unfinished lines (under 20 characters) are left alone:
 * they are headings without numbers, titles, signatures. */
static void join_broken_lines(st *s) {
    /* A text that ends its paragraphs with blank lines says where they
     * end: a line before a blank line is a whole paragraph even when it
     * stops in mid-sentence (text lost on the page). */
    size_t gaps = 0;
    for (size_t i = 1; i < s->ls.n; i++) gaps += s->ls.v[i].gap_before;
    bool gapped = s->ls.n > 4 && gaps * 10 >= (s->ls.n - 1) * 6;
    /* Joins are decided on each run's first line and on what is known of
     * the run so far (its length, its Han characters, its last mark), so
     * the pass stays linear however many lines one paragraph was broken
     * into; the text is put together once at the end. */
    size_t n = s->ls.n;
    size_t run_chars = 0, run_han = 0;
    uint32_t run_last = 0;
    bool run_closed = true; /* the run cannot take the next line */
    for (size_t j = 0; j < n; j++) {
        line *b = &s->ls.v[j];
        size_t b_chars = nchars(b->text, b->len), b_han = count_han(b->text, b->len);
        bool join = j > 0 && !run_closed && b->hint == HINT_NONE && !is_final(run_last) &&
                    run_chars >= 20 && run_han * 2 > run_chars && !numbered(b) &&
                    chrome_reason(b->text, b->len) == NULL && !(gapped && b->gap_before) &&
                    !enumeration_start(b);
        if (join) {
            char iso[11];
            if (parse_date(b->text, b->len, iso, true)) join = false;
        }
        if (join) {
            const line *prev = &s->ls.v[j - 1];
            imp_explain(s->c, "joined", "broken inside a sentence, joined with the next line",
                        prev->text, prev->len);
            b->hint_level = -1; /* joined into the run: marked for the pass below */
            run_chars += b_chars;
            run_han += b_han;
            run_last = last_cp(b->text, b->len);
            continue;
        }
        run_chars = b_chars;
        run_han = b_han;
        run_last = last_cp(b->text, b->len);
        /* a title, and a heading on its own line, are finished; a run-in
         * heading's text may be broken like any paragraph */
        run_closed = b->hint != HINT_NONE || (j < 6 && title_like(b->text, b->len)) ||
                     (numbered(b) && heading_end(b->text, b->len) == b->len);
    }
    for (size_t i = 0; i < n;) {
        size_t e = i + 1, total = s->ls.v[i].len;
        while (e < n && s->ls.v[e].hint == HINT_NONE && s->ls.v[e].hint_level == -1)
            total += s->ls.v[e++].len;
        if (e > i + 1) {
            line *a = &s->ls.v[i];
            a->text = xrealloc(a->text, total + 1);
            for (size_t k = i + 1; k < e; k++) {
                memcpy(a->text + a->len, s->ls.v[k].text, s->ls.v[k].len);
                a->len += s->ls.v[k].len;
                free(s->ls.v[k].text);
                s->ls.v[k].text = NULL;
            }
            a->text[a->len] = 0;
        }
        i = e;
    }
    lines_compact(&s->ls);
}

/* ---- title, signature ------------------------------------------------- */

static bool title_like(const char *t, size_t len) {
    size_t n = nchars(t, len);
    if (n < 6 || n > TITLE_MAX_CHARS) return false;
    /* titles have no sentence in them, nor a comma */
    if (has(t, "。") || has(t, "，") || has(t, ",")) return false;
    return has(t, "报告") || has(t, "总结") || has(t, "情况") || has(t, "法治政府") ||
           has(t, "工作要点") || has(t, "年度报告");
}

static bool ends_title(const char *t, size_t len) {
    return ends(t, len, "报告") || ends(t, len, "总结") || ends(t, len, "情况") ||
           ends(t, len, "公示") || ends(t, len, "报告书") || ends(t, len, "年度报告");
}

/* Where a title glued to the start of a long line ends (after its 报告), or 0. */
static size_t glued_title(const char *t, size_t len) {
    size_t chars = 0;
    for (size_t k = 0; k < len && chars < TITLE_MAX_CHARS; chars++) {
        size_t nx;
        uint32_t cp = imp_cp_at(t, len, k, &nx);
        if (cp == 0x3002 || cp == 0xFF0C || cp == ',') return 0;
        if (starts(t + k, "报告") && (has(t, "法治") || has(t, "年度"))) {
            size_t e = k + 6;
            /* 报告的公示 … keep to the end of the phrase */
            if (starts(t + e, "的公示")) e += 9;
            return e < len ? e : 0;
        }
        k = nx;
    }
    return 0;
}

static void find_title(st *s, const imp_doc *doc) {
    lines *ls = &s->ls;
    size_t at = SIZE_MAX;
    for (size_t i = 0; i < ls->n && i < 12; i++) {
        if (ls->v[i].hint == HINT_TITLE) {
            at = i;
            break;
        }
    }
    for (size_t i = 0; at == SIZE_MAX && i < ls->n && i < 8; i++) {
        line *l = &ls->v[i];
        if (numbered(l)) break;
        if (title_like(l->text, l->len)) {
            at = i;
        } else if (i + 1 < ls->n && nchars(l->text, l->len) <= 30 && !has(l->text, "。") &&
                   !is_final(last_cp(l->text, l->len)) &&
                   title_like(ls->v[i + 1].text, ls->v[i + 1].len) &&
                   ends_title(ls->v[i + 1].text, ls->v[i + 1].len) &&
                   nchars(ls->v[i + 1].text, ls->v[i + 1].len) <= 40) {
            at = i; /* a title set on two lines: joined below */
        } else if (glued_title(l->text, l->len)) {
            size_t e = glued_title(l->text, l->len);
            char *rest = xstrndup(l->text + e, l->len - e);
            size_t rlen = l->len - e;
            l->text[e] = 0;
            l->len = e;
            xgrow(&ls->v, &ls->cap, ls->n + 1, sizeof *ls->v);
            memmove(ls->v + i + 2, ls->v + i + 1, (ls->n - i - 1) * sizeof *ls->v);
            ls->v[i + 1] = (line){rest, rlen, HINT_NONE, 0, false};
            trim_line(&ls->v[i + 1]);
            ls->n++;
            at = i;
        } else {
            continue;
        }
        break;
    }
    if (at == SIZE_MAX) {
        if (doc->meta_title && title_like(doc->meta_title, strlen(doc->meta_title))) {
            /* "标题_某县人民政府" → the part before the site's name */
            char *t = xstrdup(doc->meta_title);
            char *cut = strstr(t, "_");
            if (!cut) cut = strstr(t, " - ");
            if (!cut) cut = strstr(t, "|");
            if (cut) *cut = 0;
            s->title = t;
            imp_explain(s->c, "guessed", "title taken from the page's <title>", t, strlen(t));
        }
        return;
    }
    line *l = &ls->v[at];
    /* a second line continuing the title ("…关于2020年" / "度法治政府建设情况的报告") */
    if (at + 1 < ls->n && !ends_title(l->text, l->len) && ls->v[at + 1].hint != HINT_HEADING &&
        nchars(ls->v[at + 1].text, ls->v[at + 1].len) <= 40 &&
        ends_title(ls->v[at + 1].text, ls->v[at + 1].len) && !numbered(&ls->v[at + 1])) {
        line *n = &ls->v[at + 1];
        l->text = xrealloc(l->text, l->len + n->len + 1);
        memcpy(l->text + l->len, n->text, n->len + 1);
        l->len += n->len;
        lines_remove(ls, at + 1);
    }
    s->title = xstrndup(l->text, l->len);
    /* Lines above the title (a document number, a secrecy mark) stay, as
     * the first lead paragraphs: nothing of the report is dropped. */
    lines_remove(ls, at);
    /* the site's own heading and the article's: the same title twice */
    for (size_t i = at; i < ls->n && i < at + 3;) {
        if (!strcmp(ls->v[i].text, s->title)) drop(s, i, "title repeated");
        else i++;
    }
    /* (2022年2月21日) right under the title */
    if (at < ls->n) {
        char iso[11];
        line *n = &ls->v[at];
        if (nchars(n->text, n->len) <= 20 && parse_date(n->text, n->len, iso, true)) {
            memcpy(s->sig_date, iso, 11);
            imp_explain(s->c, "found", "date under the title", n->text, n->len);
            lines_remove(ls, at);
        }
    }
}

static bool signature_like(const char *t, size_t len) {
    size_t n = nchars(t, len);
    if (n < 2 || n > SIGNATURE_MAX_CHARS) return false;
    for (size_t i = 0; i < len;) {
        uint32_t cp = imp_cp_at(t, len, i, &i);
        if (is_sentence_punct(cp) || cp == 0xFF0C || cp == ',' || cp == 0xFF1A || cp == ':')
            return false;
    }
    return numbered(&(line){(char *)t, len, HINT_NONE, 0, false}) == false;
}

/* The closing block: the issuer's name and the date, in either order, on
 * one or two lines, among the last lines. */
static void find_signature(st *s) {
    lines *ls = &s->ls;
    for (size_t back = 1; back <= 3 && back <= ls->n; back++) {
        size_t i = ls->n - back;
        line *l = &ls->v[i];
        char iso[11];
        if (nchars(l->text, l->len) > SIGNATURE_MAX_CHARS + 16) continue;
        if (parse_date(l->text, l->len, iso, true)) {
            memcpy(s->sig_date, iso, 11);
            imp_explain(s->c, "found", "date of the signature", l->text, l->len);
            lines_remove(ls, i);
            /* the issuer above the date */
            if (i > 0 && i == ls->n && signature_like(ls->v[i - 1].text, ls->v[i - 1].len)) {
                s->issuer = xstrndup(ls->v[i - 1].text, ls->v[i - 1].len);
                lines_remove(ls, i - 1);
            }
            return;
        }
        /* "某县司法局 2022年2月21日" on one line */
        const char *sp = NULL;
        for (size_t k = 0; k < l->len;) {
            size_t nx;
            uint32_t cp = imp_cp_at(l->text, l->len, k, &nx);
            if ((cp == ' ' || cp == 0x3000) && parse_date(l->text + nx, l->len - nx, iso, true))
                sp = l->text + k;
            k = nx;
        }
        if (sp && signature_like(l->text, (size_t)(sp - l->text))) {
            memcpy(s->sig_date, iso, 11);
            imp_explain(s->c, "found", "date of the signature", sp, l->len - (size_t)(sp - l->text));
            s->issuer = xstrndup(l->text, (size_t)(sp - l->text));
            lines_remove(ls, i);
            return;
        }
    }
}

/* ---- region, level, year ----------------------------------------------- */

typedef struct unit_suffix {
    const char *text;
    const char *level;
} unit_suffix;

/* Longest first, so 自治县 wins over 县. */
static const unit_suffix suffixes[] = {
    {"特别行政区", "省"}, {"自治区", "省"}, {"自治州", "州"}, {"自治县", "县"}, {"自治旗", "旗"},
    {"街道办事处", "街道"}, {"街道", "街道"}, {"新区", "区"}, {"地区", "地区"},
    {"省", "省"}, {"市", "市"}, {"州", "州"}, {"盟", "盟"}, {"县", "县"}, {"区", "区"},
    {"旗", "旗"}, {"镇", "镇"}, {"乡", "乡"},
};

/* Words that end in a level's character but name no place. */
static const char *const not_places[] = {
    "全县", "我县", "本县", "该县", "各县", "全市", "我市", "本市", "该市", "各市", "全区",
    "我区", "本区", "该区", "各区", "城区", "辖区", "社区", "园区", "景区", "片区", "山区",
    "灾区", "市区", "城市", "都市", "超市", "全镇", "我镇", "本镇", "各镇", "乡镇", "城镇",
    "集镇", "全乡", "我乡", "本乡", "各乡", "城乡", "全州", "我州", "全旗", "我旗", "全省",
    "我省", "本省", "各省", "外省", "街道", "城中村", "开发区", "示范区", "自贸区", "保护区",
    "试验区", "功能区", "生活区", "小区", "管区", "牧区", "矿区", "林区", "校区", "营区",
    "选区", "市县", "县市", "省市", "县区", "区县", "乡村", "县乡", "镇村", "市州", "州市",
};

/* A place name starts after punctuation, a space or the start of the text:
 * not after a Han character, nor after a number ("2020年在县委…"). */
static bool boundary_before(uint32_t cp) {
    return cp == 0 || (!imp_is_han(cp) && !is_digit_cp(cp) && cp != '.');
}

/* Words in no place name: a candidate holding one is a clause, not a name. */
static const char *const not_in_names[] = {
    "政府", "委", "我", "在", "就", "现", "以及", "召开", "召開", "組織", "组织", "的", "全面",
    "依法", "开展", "是", "为", "对", "各", "有关", "工作", "建设", "推进",
};

typedef struct place {
    size_t start, end; /* bytes of the whole name with its suffix */
    const char *level;
} place;

/* The chain of places at s[from…]: 湖南省衡阳市衡山县 → three places. Only
 * names of 2–8 characters ending in a level suffix count. */
static size_t read_places(const char *s, size_t len, size_t from, place *out, size_t max) {
    size_t n = 0, i = from;
    while (n < max && i < len) {
        size_t best_end = 0;
        const char *best_level = NULL;
        size_t k = i, chars = 0;
        while (k < len && chars < 9) {
            size_t nx;
            uint32_t cp = imp_cp_at(s, len, k, &nx);
            if (!imp_is_han(cp)) break;
            chars++;
            if (chars >= 2) {
                for (size_t u = 0; u < sizeof suffixes / sizeof *suffixes; u++) {
                    size_t ul = strlen(suffixes[u].text);
                    if (nx >= i + ul && !memcmp(s + nx - ul, suffixes[u].text, ul) &&
                        nx - ul > i) {
                        best_end = nx;
                        best_level = suffixes[u].level;
                        break;
                    }
                }
                if (best_end == nx) break; /* the shortest name that ends here */
            }
            k = nx;
        }
        if (!best_end) break;
        bool bad = false;
        for (size_t w = 0; w < sizeof not_places / sizeof *not_places; w++) {
            size_t wl = strlen(not_places[w]);
            if (best_end - i >= wl && !memcmp(s + best_end - wl, not_places[w], wl) &&
                best_end - i == wl)
                bad = true;
        }
        /* words no place name holds ("省政府和市", "以及市", "现就我镇") */
        for (size_t w = 0; w < sizeof not_in_names / sizeof *not_in_names && !bad; w++) {
            size_t wl = strlen(not_in_names[w]);
            for (size_t at = i; at + wl <= best_end && !bad; at++)
                bad = !memcmp(s + at, not_in_names[w], wl);
        }
        /* a chain goes on without a conjunction: 清远市英德市, not 清远市和英德市 */
        if (n > 0 && (starts(s + i, "和") || starts(s + i, "与") || starts(s + i, "及") ||
                      starts(s + i, "或")))
            bad = true;
        if (bad) break;
        out[n++] = (place){i, best_end, best_level};
        i = best_end;
        /* 鲤城区人民政府金龙街道办事处: the place the body governs comes after */
        if (starts(s + i, "人民政府") && n < max) {
            place next[1];
            if (read_places(s, len, i + 12, next, 1) == 1) {
                i += 12;
                continue;
            }
        }
        /* 区委, 县政府, 市人民…: the chain ends at the body it names */
        if (starts(s + i, "委") || starts(s + i, "政府") || starts(s + i, "人民") ||
            starts(s + i, "党") || starts(s + i, "司法") || starts(s + i, "法治"))
            break;
    }
    return n;
}

typedef struct region {
    char *name, *level, *parent;
} region;

static void region_set(region *r, const char *s, const place *p, size_t n) {
    r->name = xstrndup(s + p[n - 1].start, p[n - 1].end - p[n - 1].start);
    r->level = xstrdup(p[n - 1].level);
    r->parent = n > 1 ? xstrndup(s + p[0].start, p[n - 1].start - p[0].start) : NULL;
    /* 鲤城区人民政府金龙街道: the parent is the places, not the body */
    if (r->parent) {
        char *gov = strstr(r->parent, "人民政府");
        if (gov) memmove(gov, gov + 12, strlen(gov + 12) + 1);
    }
}

/* The place a text is about: the last of the first chain of places that
 * starts at a boundary. In running text (strict) the chain must be followed
 * by what follows a place's name; a title or a signature is all names. */
static bool region_in(const char *s, size_t len, region *r, bool strict) {
    uint32_t prev = 0;
    for (size_t i = 0; i < len;) {
        size_t nx;
        uint32_t cp = imp_cp_at(s, len, i, &nx);
        if (starts(s + i, "中共")) { /* the party's committee of a place */
            i += 6;
            prev = 0;
            continue;
        }
        /* function words that open a clause, never a place name ("在县委…",
         * "该市"); characters that do start real names (于都, 向阳, 和县,
         * 本溪, 全椒) are not listed */
        static const char *const openers[] = {"在", "对", "是", "与", "及", "将", "把", "被",
                                              "按", "其", "此", "这", "那", "每", "该", "我",
                                              "各", "由", "经", "据", "至", "比"};
        bool opener = false;
        for (size_t k = 0; k < sizeof openers / sizeof *openers; k++)
            if (starts(s + i, openers[k])) opener = true;
        if (imp_is_han(cp) && boundary_before(prev) && !opener) {
            place p[6];
            size_t n = read_places(s, len, i, p, 6);
            if (n) {
                /* a chain must be followed by what follows a place name */
                const char *after = s + p[n - 1].end;
                bool ok = !strict || !imp_is_han(imp_cp_at(s, len, p[n - 1].end, NULL)) ||
                          starts(after, "委") || starts(after, "党") ||
                          starts(after, "人民政府") || starts(after, "政府") ||
                          starts(after, "关于") || starts(after, "法治") ||
                          starts(after, "司法") || starts(after, "党委") ||
                          starts(after, "党工委") || starts(after, "委员会") ||
                          starts(after, "人民") || starts(after, "依法") ||
                          starts(after, "办事处") || starts(after, "全面") ||
                          starts(after, "在") || starts(after, "坚持") ||
                          starts(after, "深入") || starts(after, "年度") ||
                          starts(after, "20") || starts(after, "以") || starts(after, "紧紧") ||
                          starts(after, "认真") || starts(after, "始终");
                if (ok) {
                    region_set(r, s, p, n);
                    return true;
                }
                i = p[n - 1].end;
                prev = 'x';
                continue;
            }
        }
        prev = cp;
        i = nx;
    }
    return false;
}

/* The place a report names most often, for a text that names none where
 * a report names its subject (no title, an opening without it): places
 * after a boundary or after 在/于/到/入/让 ("在下太镇落地生根"), counted; the
 * most frequent wins, a town over a county over a city on a tie. */
static bool region_by_count(const lines *ls, region *r) {
    typedef struct cand_place {
        char *name;
        const char *level;
        size_t count, first;
    } cand_place;
    cand_place *cs = NULL;
    size_t n = 0, cap = 0, order = 0;
    for (size_t li = 0; li < ls->n && li < 400; li++) {
        const char *s = ls->v[li].text;
        size_t len = ls->v[li].len;
        uint32_t prev = 0;
        for (size_t i = 0; i < len;) {
            size_t nx;
            uint32_t cp = imp_cp_at(s, len, i, &nx);
            bool after_word = prev == 0x5728 || prev == 0x4E8E || prev == 0x5230 ||
                              prev == 0x5165 || prev == 0x8BA9; /* 在 于 到 入 让 */
            if (imp_is_han(cp) && (boundary_before(prev) || after_word)) {
                place p[6];
                size_t k = read_places(s, len, i, p, 6);
                if (k) {
                    size_t nl = p[k - 1].end - p[k - 1].start;
                    size_t c = 0;
                    while (c < n && (strlen(cs[c].name) != nl ||
                                     memcmp(cs[c].name, s + p[k - 1].start, nl)))
                        c++;
                    if (c == n) {
                        xgrow(&cs, &cap, n + 1, sizeof *cs);
                        cs[n++] = (cand_place){xstrndup(s + p[k - 1].start, nl), p[k - 1].level,
                                               0, order++};
                    }
                    cs[c].count++;
                    i = p[k - 1].end;
                    prev = 'x';
                    continue;
                }
            }
            prev = cp;
            i = nx;
        }
    }
    static const char *const specific[] = {"街道", "镇", "乡", "县", "区", "旗", "市"};
    size_t best = SIZE_MAX;
    int best_spec = 0;
    for (size_t c = 0; c < n; c++) {
        int spec = 0;
        for (int k = 0; k < 7; k++)
            if (!strcmp(cs[c].level, specific[k])) spec = 7 - k;
        if (best == SIZE_MAX || cs[c].count > cs[best].count ||
            (cs[c].count == cs[best].count && spec > best_spec)) {
            best = c;
            best_spec = spec;
        }
    }
    bool found = best != SIZE_MAX;
    if (found) {
        r->name = xstrdup(cs[best].name);
        r->level = xstrdup(cs[best].level);
        r->parent = NULL;
    }
    for (size_t c = 0; c < n; c++) free(cs[c].name);
    free(cs);
    return found;
}

/* The first 19xx/20xx followed by 年 (or 年度). */
static int year_in(const char *s, size_t len) {
    int quoted = 0; /* inside 《a document's title》, whose years are not the report's */
    for (size_t i = 0; i + 4 < len; i++) {
        if (!strncmp(s + i, "《", 3)) quoted++;
        if (!strncmp(s + i, "》", 3) && quoted) quoted--;
        if (quoted) continue;
        if ((s[i] == '1' && s[i + 1] == '9') || (s[i] == '2' && s[i + 1] == '0')) {
            if (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9') continue;
            bool d = true;
            for (int k = 2; k < 4; k++)
                if (s[i + k] < '0' || s[i + k] > '9') d = false;
            if (d && starts(s + i + 4, "年")) return atoi(s + i);
        }
    }
    return 0;
}

/* ---- sections --------------------------------------------------------- */

typedef struct heading_info {
    marker_kind kind; /* MK_NONE for a heading known from markup alone */
    int level;        /* 0: a paragraph */
    size_t title_end; /* bytes of the title in the line */
} heading_info;

static void classify_headings(const lines *ls, heading_info *h) {
    /* Which kinds number headings, and which level each takes: the kinds
     * used, in their customary nesting order. Markup levels come first. */
    bool used[MK_KINDS] = {false};
    int hint_levels[16] = {0};
    int kind_hint[MK_KINDS];
    for (int k = 0; k < MK_KINDS; k++) kind_hint[k] = 0;
    int last_num[MK_KINDS], last_any[MK_KINDS];
    for (int k = 0; k < MK_KINDS; k++) last_num[k] = last_any[k] = 0;
    bool any_hint = false;
    for (size_t i = 0; i < ls->n; i++) {
        const line *l = &ls->v[i];
        h[i] = (heading_info){MK_NONE, 0, 0};
        marker m = read_marker(l->text, l->len);
        if (l->hint == HINT_HEADING) {
            any_hint = true;
            int lv = l->hint_level < 1 ? 1 : l->hint_level > 15 ? 15 : l->hint_level;
            hint_levels[lv] = 1;
            h[i] = (heading_info){m.kind, -lv, l->len};
            if (m.kind != MK_NONE && !kind_hint[m.kind]) kind_hint[m.kind] = lv;
            continue;
        }
        if (l->hint != HINT_NONE || m.kind == MK_NONE) continue;
        size_t e = heading_end(l->text, l->len);
        if (!e) continue;
        /* numbers run 1, 2, 3 … in each list; a number that does not
         * continue or start one is an item of a list inside the text */
        int prev = last_num[m.kind], any = last_any[m.kind];
        /* some reports number a level on across its parents: （二） 3. */
        if (!(m.number == 1 || (m.number > prev && m.number <= prev + 2) || m.number == prev ||
              (any && m.number == any + 1)))
            continue;
        last_num[m.kind] = last_any[m.kind] = m.number;
        /* a deeper list restarts under each new heading above it */
        for (int k = m.kind + 1; k < MK_KINDS; k++) last_num[k] = 0;
        used[m.kind] = true;
        h[i] = (heading_info){m.kind, 1, e};
    }
    /* levels: markup levels compressed to 1…n, then numbering kinds not
     * seen on marked-up headings below the deepest marked-up kind */
    int map_hint[16] = {0}, next = 0;
    for (int lv = 1; lv < 16; lv++)
        if (hint_levels[lv]) map_hint[lv] = ++next;
    int deepest_hinted_kind = -1;
    for (int k = 0; k < MK_KINDS; k++)
        if (kind_hint[k]) deepest_hinted_kind = k;
    int kind_level[MK_KINDS] = {0};
    for (int k = 0; k < MK_KINDS; k++) {
        if (kind_hint[k]) kind_level[k] = map_hint[kind_hint[k]];
        else if (used[k] && (!any_hint || k > deepest_hinted_kind)) kind_level[k] = ++next;
    }
    for (size_t i = 0; i < ls->n; i++) {
        if (h[i].level < 0) h[i].level = map_hint[-h[i].level];
        else if (h[i].level > 0) h[i].level = kind_level[h[i].kind];
    }
}

static cJSON *new_section(const char *title, size_t len) {
    cJSON *sec = cJSON_CreateObject();
    char *t = xstrndup(title, len);
    cJSON_AddStringToObject(sec, "title", t);
    free(t);
    cJSON_AddArrayToObject(sec, "paragraphs");
    cJSON_AddArrayToObject(sec, "sections");
    return sec;
}

static void add_string(cJSON *arr, const char *s, size_t len) {
    char *t = xstrndup(s, len);
    cJSON_AddItemToArray(arr, cJSON_CreateString(t));
    free(t);
}

static void build_tree(const lines *ls, cJSON *summary, cJSON *sections) {
    heading_info *h = xcalloc(ls->n ? ls->n : 1, sizeof *h);
    classify_headings(ls, h);
    struct frame {
        int level;
        cJSON *sec;
    } stack[32];
    size_t depth = 0;
    for (size_t i = 0; i < ls->n; i++) {
        const line *l = &ls->v[i];
        if (h[i].level > 0) {
            while (depth && stack[depth - 1].level >= h[i].level) depth--;
            cJSON *sec = new_section(l->text, h[i].title_end);
            cJSON *into = depth ? cJSON_GetObjectItem(stack[depth - 1].sec, "sections") : sections;
            cJSON_AddItemToArray(into, sec);
            if (depth < 32) stack[depth++] = (struct frame){h[i].level, sec};
            size_t rest = h[i].title_end;
            while (rest < l->len && (l->text[rest] == ' ')) rest++;
            if (rest < l->len)
                add_string(cJSON_GetObjectItem(sec, "paragraphs"), l->text + rest, l->len - rest);
            continue;
        }
        cJSON *into = depth ? cJSON_GetObjectItem(stack[depth - 1].sec, "paragraphs") : summary;
        add_string(into, l->text, l->len);
    }
    free(h);
}

/* ---- the report -------------------------------------------------------- */

static void slug_words(buf *id, const char *ascii) {
    /* "heng shan" → "hengshan": one word per name */
    for (const char *p = ascii; *p; p++) {
        char ch = *p;
        if (ch >= 'A' && ch <= 'Z') ch = (char)(ch - 'A' + 'a');
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) buf_putc(id, ch);
    }
}

static char *make_id(const region *r, int year, imp_slug_fn slug, void *arg) {
    buf id, tmp;
    buf_init(&id);
    buf_init(&tmp);
    const char *name = r->name;
    size_t nlen = strlen(name), slen = 0;
    for (size_t u = 0; u < sizeof suffixes / sizeof *suffixes; u++) {
        size_t ul = strlen(suffixes[u].text);
        if (nlen > ul && !strcmp(name + nlen - ul, suffixes[u].text)) {
            slen = ul;
            break;
        }
    }
    char *stem = xstrndup(name, nlen - slen);
    slug(arg, stem, &tmp);
    slug_words(&id, tmp.data ? tmp.data : "");
    if (slen) {
        tmp.len = 0;
        slug(arg, name + nlen - slen, &tmp);
        buf_putc(&id, '-');
        slug_words(&id, tmp.data ? tmp.data : "");
    }
    if (!id.len || id.data[0] == '-') {
        buf_free(&id);
        buf_init(&id);
        buf_puts(&id, "report");
    }
    buf_printf(&id, "-%d", year);
    free(stem);
    buf_free(&tmp);
    return buf_steal(&id, NULL);
}

/* Control characters are junk in a report (a report's text may hold none):
 * tabs become spaces, the others go. Returns how many went. */
static size_t clean_controls(char *t, size_t *len) {
    size_t w = 0, junk = 0;
    for (size_t i = 0; i < *len; i++) {
        unsigned char ch = (unsigned char)t[i];
        if (ch == '\t') t[w++] = ' ';
        else if (ch < 0x20 || ch == 0x7F) junk++;
        else t[w++] = t[i];
    }
    t[w] = 0;
    *len = w;
    /* what is left may start or end with a space the junk stood beside */
    size_t a = 0;
    while (a < w && t[a] == ' ') a++;
    while (w > a && t[w - 1] == ' ') w--;
    memmove(t, t + a, w - a);
    t[w - a] = 0;
    *len = w - a;
    return junk;
}

cJSON *imp_structure(const imp_ctx *c, const imp_doc *doc, imp_slug_fn slug, void *slug_arg) {
    st s = {.c = c};
    for (size_t i = 0; i < doc->n; i++) {
        char *t = xstrndup(doc->paras[i].text, doc->paras[i].len);
        size_t len = doc->paras[i].len;
        size_t junk = clean_controls(t, &len);
        if (junk) imp_explain(c, "dropped", "control characters (junk in the source)", t, 0);
        if (!len) {
            free(t);
            continue;
        }
        lines_push(&s.ls, t, len, doc->paras[i].hint, doc->paras[i].hint_level);
        s.ls.v[s.ls.n - 1].gap_before = doc->paras[i].gap_before;
    }
    remove_boilerplate(&s);
    split_long_lines(&s);
    remove_running_heads(&s);
    join_broken_lines(&s);
    find_title(&s, doc);
    find_signature(&s);

    region r = {0};
    const char *where = NULL;
    const char *m;
    if ((m = imp_meta(c, "title")) != NULL) {
        free(s.title);
        s.title = xstrdup(m);
    }
    if ((m = imp_meta(c, "issuer")) != NULL) {
        free(s.issuer);
        s.issuer = xstrdup(m);
    }
    if ((m = imp_meta(c, "region.name")) != NULL) {
        r.name = xstrdup(m);
        where = "meta";
        region tmp = {0};
        if (region_in(m, strlen(m), &tmp, false)) {
            r.level = tmp.level, tmp.level = NULL;
        }
        free(tmp.name), free(tmp.level), free(tmp.parent);
    }
    if (!s.issuer && s.title) {
        /* 某某市人民政府关于…的报告, 某县人民政府2022年度…: the issuer opens
         * the title */
        const char *about = strstr(s.title, "关于");
        const char *gov = strstr(s.title, "人民政府");
        if (!about && gov && gov[12] >= '0' && gov[12] <= '9') about = gov + 12;
        if (about && about > s.title && signature_like(s.title, (size_t)(about - s.title))) {
            size_t n = (size_t)(about - s.title);
            if (ends(s.title, n, "政府") || ends(s.title, n, "局") || ends(s.title, n, "委员会") ||
                ends(s.title, n, "办公室") || ends(s.title, n, "办事处") || ends(s.title, n, "党委"))
                s.issuer = xstrndup(s.title, n);
        }
    }
    if (!where && s.title && region_in(s.title, strlen(s.title), &r, false)) where = "title";
    else if (!where && s.issuer && region_in(s.issuer, strlen(s.issuer), &r, false))
        where = "issuer";
    for (size_t i = 0; !where && i < s.ls.n && i < 6; i++)
        if (region_in(s.ls.v[i].text, s.ls.v[i].len, &r, true)) where = "text";
    if (!where && doc->meta_title &&
        region_in(doc->meta_title, strlen(doc->meta_title), &r, false))
        where = "page title";
    if (!where && region_by_count(&s.ls, &r)) where = "text (the place it names most)";
    if ((m = imp_meta(c, "region.level")) != NULL) {
        free(r.level);
        r.level = xstrdup(m);
    }
    if ((m = imp_meta(c, "region.parent")) != NULL) {
        free(r.parent);
        r.parent = xstrdup(m);
    }
    int year = (m = imp_meta(c, "year")) != NULL ? atoi(m) : 0;
    const char *year_from = year ? "meta" : "title";
    if (!year && s.title) year = year_in(s.title, strlen(s.title));
    for (size_t i = 0; !year && i < s.ls.n && i < 4; i++)
        if ((year = year_in(s.ls.v[i].text, s.ls.v[i].len)) != 0) year_from = "text";
    if (!year && doc->meta_title) year = year_in(doc->meta_title, strlen(doc->meta_title));
    char meta_date[11] = "";
    if (doc->meta_date && !parse_date(doc->meta_date, strlen(doc->meta_date), meta_date, true))
        meta_date[0] = 0;
    const char *date = s.sig_date[0] ? s.sig_date : s.pub_date[0] ? s.pub_date
                                                 : meta_date[0]   ? meta_date
                                                                  : NULL;
    if ((m = imp_meta(c, "date")) != NULL) date = m;
    if (!year && date) {
        year = atoi(date) - 1;
        year_from = "date";
    }

    cJSON *root = NULL;
    if (!where) {
        diag_add(c->d, DIAG_ERROR, c->source, NULL,
                 "cannot tell which region the report is about (no 县/区/市/旗/镇/乡/街道 name "
                 "in the title, signature or opening); give it with --meta region.name=NAME");
    }
    if (!year) {
        diag_add(c->d, DIAG_ERROR, c->source, NULL,
                 "cannot tell which year the report covers (no year in the title or opening); "
                 "give it with --meta year=YYYY");
    }
    if (!where || !year) goto out;
    if (strcmp(where, "title") && strcmp(where, "meta"))
        diag_add(c->d, DIAG_WARNING, c->source, "$.region.name",
                 "region \"%s\" guessed from the %s", r.name, where);
    if (strcmp(year_from, "title") && strcmp(year_from, "meta"))
        diag_add(c->d, DIAG_WARNING, c->source, "$.year", "year %d guessed from the %s", year,
                 year_from);
    if (!r.level)
        diag_add(c->d, DIAG_WARNING, c->source, "$.region.level",
                 "the level of region \"%s\" is unknown", r.name);
    if (!s.title) {
        buf t;
        buf_init(&t);
        buf_printf(&t, "%s%d年法治政府建设情况报告", r.name, year);
        s.title = buf_steal(&t, NULL);
        diag_add(c->d, DIAG_WARNING, c->source, "$.title",
                 "no title found; composed \"%s\"", s.title);
    }
    if (!date)
        diag_add(c->d, DIAG_WARNING, c->source, "$.date",
                 "no date found (neither a signature date nor a publication date)");

    root = cJSON_CreateObject();
    char *id = (m = imp_meta(c, "id")) != NULL ? xstrdup(m) : make_id(&r, year, slug, slug_arg);
    cJSON_AddStringToObject(root, "id", id);
    free(id);
    cJSON *reg = cJSON_AddObjectToObject(root, "region");
    cJSON_AddStringToObject(reg, "name", r.name);
    if (r.level) cJSON_AddStringToObject(reg, "level", r.level);
    if (r.parent) cJSON_AddStringToObject(reg, "parent", r.parent);
    cJSON_AddNumberToObject(root, "year", year);
    cJSON_AddStringToObject(root, "title", s.title);
    if (s.issuer) cJSON_AddStringToObject(root, "issuer", s.issuer);
    if (date) cJSON_AddStringToObject(root, "date", date);
    cJSON *summary = cJSON_AddArrayToObject(root, "summary");
    cJSON_AddArrayToObject(root, "indicators");
    cJSON *sections = cJSON_AddArrayToObject(root, "sections");
    build_tree(&s.ls, summary, sections);
    if (!cJSON_GetArraySize(summary) && !cJSON_GetArraySize(sections)) {
        diag_add(c->d, DIAG_ERROR, c->source, NULL,
                 "no text besides the title and the signature: not a report");
        cJSON_Delete(root);
        root = NULL;
    }
out:
    free(r.name);
    free(r.level);
    free(r.parent);
    free(s.title);
    free(s.issuer);
    lines_free(&s.ls);
    return root;
}
