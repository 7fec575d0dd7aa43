/* Allocation that cannot return NULL: on exhaustion the process aborts with a
 * message, because every caller would otherwise have to carry an error path for
 * a condition the tool cannot recover from anyway. */
#ifndef BRIEFING_XALLOC_H
#define BRIEFING_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows *v (element size elem) so that it holds at least need elements. */
void xgrow(void *vp, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
char *xasprintf(const char *fmt, ...);
char *xvasprintf(const char *fmt, va_list ap);

#endif
