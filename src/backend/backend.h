/* Backends: the code that needs libraries most commands never use, reached
 * through a table of function pointers so that the program need not load
 * them to start.
 *
 *   - import of raw reports: web pages (libxml2), Word files (libzip +
 *     libxml2), and ICU's Han-Latin transliterator for ids (libicui18n);
 *   - the lookup of font families fonts/fonts.json lacks (fontconfig, with
 *     expat).
 *
 * Loading those libraries (and libcrypto, liblzma, libbz2 … that libzip
 * pulls) took about 8 ms of every `briefing` process's start, for a command
 * that renders report JSON with a template whose fonts fonts.json lists
 * (measured: a program linking every library of the render started in
 * 17.5 ms, one linking only what rendering report JSON needs in 9.1 ms).
 *
 * The library (libbriefing.so, libbriefing.a) and the command modules link
 * the table in (backend_ops_linked, backend_linked.c); the program gets it
 * from the module briefing-backends.so, opened the first time a command
 * needs it (src/cli/module.c). Which of the two an object uses is the
 * backends object it was given (importer_new, render_add_system_fonts): no
 * process-wide state. */
#ifndef BRIEFING_BACKEND_H
#define BRIEFING_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "../import/import_internal.h"
#include "../font/font.h"
#include "../util/buf.h"
#include "../util/diag.h"

/* Bumped whenever the table or a type it passes changes, so that a program
 * and a module from different builds refuse each other by a message rather
 * than crash. The version string is compared too. */
#define BACKEND_ABI 1u

/* The sizes of the table and of what it passes, compared too: a module of
 * the same version built from other headers is refused, not trusted. */
#define BACKEND_LAYOUT_N 6
#define BACKEND_LAYOUT                                                                            \
    {sizeof(struct backend_ops), sizeof(imp_ctx), sizeof(imp_doc), sizeof(import_opts),           \
     sizeof(buf), sizeof(font_sys_pick)}

typedef struct backend_ops {
    unsigned abi;        /* BACKEND_ABI */
    const char *version; /* BRIEFING_VERSION */
    size_t layout[BACKEND_LAYOUT_N]; /* BACKEND_LAYOUT */
    /* import_html.c, import_docx.c: a parsed document, or false with an error */
    bool (*read_html)(const imp_ctx *c, const char *data, size_t len, const char *forced_encoding,
                      imp_doc *doc);
    bool (*read_docx)(const imp_ctx *c, const char *data, size_t len, imp_doc *doc);
    /* import_translit.c: ICU's "Han-Latin; Latin-ASCII; Lower" (NULL when
     * ICU lacks its data); translit appends name in Latin letters to out.
     * One transliterator is used by one thread at a time. */
    void *(*translit_open)(void);
    void (*translit)(void *t, const char *name, buf *out);
    void (*translit_close)(void *t);
    /* font_system.c: a fontconfig configuration of the system's fonts (NULL
     * when fontconfig cannot load one), the installed faces that may stand
     * for a family name, best first (font.h), and the configuration freed. */
    void *(*sysfont_open)(void);
    size_t (*sysfont_find)(void *cfg, const char *name, font_sys_pick **out);
    void (*sysfont_close)(void *cfg);
    /* The caches libxml2 keeps for the process; at exit, for leak checkers. */
    void (*process_cleanup)(void);
} backend_ops;

/* Loads a table that is not linked in: returns it, or NULL with *why set
 * (malloc'ed) saying what could not be loaded where. What it loads stays
 * loaded until the process exits. */
typedef const backend_ops *(*backend_load_fn)(char **why);

typedef struct backends backends;

/* A table that is linked in (backend_linked.c: the library, the modules,
 * tests). */
backends *backends_new(const backend_ops *ops);
/* A table loaded by load the first time it is needed (the program). */
backends *backends_new_lazy(backend_load_fn load);
void backends_free(backends *b); /* accepts NULL */

/* The table, loaded on first need; NULL with an error in d at source,
 * saying what needed it (need: "to import a Word file") and why it could not
 * be loaded; the error is given again at every later call. Thread-safe. */
const backend_ops *backends_get(backends *b, const char *need, const char *source, diag_list *d);
/* The table, loaded on first need, or NULL with why it could not be
 * loaded in *why (owned by b): for callers that can do without it. */
const backend_ops *backends_try(backends *b, const char **why);
/* The table if it is linked in or already loaded, else NULL; never loads. */
const backend_ops *backends_peek(backends *b);

/* The linked-in table (backend_linked.c, not in the program), and a backends
 * object for it. */
extern const backend_ops backend_ops_linked;
backends *backends_new_linked(void);

#endif
