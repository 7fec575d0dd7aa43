/* The lookup of font families fonts/fonts.json lacks, through fontconfig:
 * one of the backends (src/backend/backend.h), so that the program loads
 * fontconfig (and expat) only for a template that names such a family
 * (templates/gbt9704.json's 方正小标宋简体), not for every render. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <fontconfig/fontconfig.h>

#include "../util/xalloc.h"
#include "font.h"

static const struct {
    const char *word;
    int weight; /* FC_WEIGHT_* */
} weight_words[] = {{"Thin", FC_WEIGHT_THIN},         {"ExtraLight", FC_WEIGHT_EXTRALIGHT},
                    {"Light", FC_WEIGHT_LIGHT},       {"Regular", FC_WEIGHT_REGULAR},
                    {"Medium", FC_WEIGHT_MEDIUM},     {"SemiBold", FC_WEIGHT_SEMIBOLD},
                    {"Bold", FC_WEIGHT_BOLD},         {"ExtraBold", FC_WEIGHT_EXTRABOLD},
                    {"Black", FC_WEIGHT_BLACK},       {"Heavy", FC_WEIGHT_HEAVY}};

/* "Noto Serif CJK SC Bold" -> family "Noto Serif CJK SC", weight bold. */
static char *split_weight(const char *name, int *weight) {
    *weight = FC_WEIGHT_REGULAR;
    const char *sp = strrchr(name, ' ');
    if (!sp) return NULL;
    for (size_t i = 0; i < sizeof weight_words / sizeof weight_words[0]; i++)
        if (strcasecmp(sp + 1, weight_words[i].word) == 0) {
            *weight = weight_words[i].weight;
            return xstrndup(name, (size_t)(sp - name));
        }
    return NULL;
}

typedef struct fc_pick {
    font_sys_pick pick;
    int score;
} fc_pick;

static int cmp_pick(const void *a, const void *b) {
    const fc_pick *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? -1 : 1;
    int c = strcmp(x->pick.file, y->pick.file);
    return c ? c : (x->pick.index > y->pick.index) - (x->pick.index < y->pick.index);
}

/* The installed faces of family, best first: TrueType (smaller to subset),
 * then upright, then nearest to weight; ties go to the smaller file name and
 * index, so the pick is the same on every run. Only formats the PDF writer
 * embeds (TrueType and CFF outlines) and plain faces (a named instance of
 * a variable font has an index above 0xFFFF) are listed. */
static size_t fc_find(FcConfig *cfg, const char *family, int weight, fc_pick **out) {
    *out = NULL;
    size_t n = 0, cap = 0;
    FcPattern *pat = FcPatternCreate();
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, FC_WEIGHT, FC_SLANT, FC_FONTFORMAT,
                                       (char *)0);
    FcFontSet *fs = FcFontList(cfg, pat, os);
    for (int i = 0; fs && i < fs->nfont; i++) {
        FcPattern *p = fs->fonts[i];
        FcChar8 *file = NULL, *format = NULL;
        int index = 0, w = FC_WEIGHT_REGULAR, slant = FC_SLANT_ROMAN;
        if (FcPatternGetString(p, FC_FILE, 0, &file) != FcResultMatch ||
            FcPatternGetString(p, FC_FONTFORMAT, 0, &format) != FcResultMatch)
            continue;
        bool tt = strcmp((const char *)format, "TrueType") == 0;
        if (!tt && strcmp((const char *)format, "CFF") != 0) continue;
        FcPatternGetInteger(p, FC_INDEX, 0, &index);
        if (index < 0 || index > 0xFFFF) continue;
        FcPatternGetInteger(p, FC_WEIGHT, 0, &w);
        FcPatternGetInteger(p, FC_SLANT, 0, &slant);
        int score = (tt ? 0 : 100000) + (slant != FC_SLANT_ROMAN ? 10000 : 0) +
                    (w > weight ? w - weight : weight - w);
        xgrow(out, &cap, n + 1, sizeof **out);
        (*out)[n++] = (fc_pick){{xstrdup((const char *)file), index}, score};
    }
    if (fs) FcFontSetDestroy(fs);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pat);
    if (n) qsort(*out, n, sizeof **out, cmp_pick);
    return n;
}


void *font_sys_open(void) { return FcInitLoadConfigAndFonts(); }

void font_sys_close(void *cfg) {
    if (cfg) FcConfigDestroy(cfg);
}

size_t font_sys_find(void *cfg, const char *name, font_sys_pick **out) {
    int weight;
    char *base = split_weight(name, &weight);
    fc_pick *picks;
    size_t n = fc_find(cfg, name, FC_WEIGHT_REGULAR, &picks);
    if (!n && base) {
        free(picks);
        n = fc_find(cfg, base, weight, &picks);
    }
    free(base);
    *out = xcalloc(n ? n : 1, sizeof **out);
    for (size_t i = 0; i < n; i++) (*out)[i] = picks[i].pick;
    free(picks);
    return n;
}
