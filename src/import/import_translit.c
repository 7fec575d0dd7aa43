/* ICU's Han-Latin transliterator, for ids ("衡山县" → "heng shan xian"):
 * the only use of libicui18n, so it lives with the backends
 * (src/backend/backend.h) and the program loads that library only when a
 * raw report is imported. */
#include <stdlib.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "../util/xalloc.h"
#include "import_internal.h"

void *imp_translit_open(void) {
    UErrorCode e = U_ZERO_ERROR;
    UChar id[64];
    u_uastrcpy(id, "Han-Latin; Latin-ASCII; Lower");
    UTransliterator *t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &e);
    return U_SUCCESS(e) ? t : NULL;
}

void imp_translit_close(void *t) {
    if (t) utrans_close(t);
}

void imp_translit(void *t, const char *name, buf *out) {
    UErrorCode e = U_ZERO_ERROR;
    int32_t n = 0;
    u_strFromUTF8(NULL, 0, &n, name, -1, &e);
    e = U_ZERO_ERROR;
    int32_t cap = n * 8 + 16;
    UChar *u = xmalloc((size_t)cap * sizeof *u);
    u_strFromUTF8(u, cap, &n, name, -1, &e);
    int32_t limit = n;
    utrans_transUChars(t, u, &n, cap, 0, &limit, &e);
    int32_t n8 = 0;
    UErrorCode e2 = U_ZERO_ERROR;
    u_strToUTF8(NULL, 0, &n8, u, n, &e2);
    char *s = xmalloc((size_t)n8 + 1);
    e2 = U_ZERO_ERROR;
    u_strToUTF8(s, n8 + 1, &n8, u, n, &e2);
    s[n8] = 0;
    if (U_SUCCESS(e)) buf_append(out, s, (size_t)n8);
    free(s);
    free(u);
}
