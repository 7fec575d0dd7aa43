/* briefing: Chinese local-government reports (法治政府建设年度报告, as report
 * JSON or a raw .docx/.html/.txt) into typeset PDF briefings (简报).
 *
 * The one header of the library; every public name carries bf_ or BF_. A
 * program typically:
 *
 *   bf_diag *d = bf_diag_new();
 *   bf_setup *s = bf_setup_load("briefing", NULL, d);  // once; share across threads
 *   bf_report *r = bf_report_load("hengshan.docx", d); // per document
 *   unsigned char *pdf = NULL;
 *   size_t len = 0;
 *   if (s && r && bf_render(s, r, NULL, &pdf, &len, d))
 *       bf_write_file("hengshan.pdf", pdf, len, d);
 *   bf_free(pdf);
 *   bf_report_free(r);
 *   bf_setup_free(s);
 *   for (size_t i = 0; i < bf_diag_count(d); i++) fprintf(stderr, "%s\n", bf_diag_text(d, i));
 *   bf_diag_free(d);
 *
 * Ownership: what a function returns is the caller's, freed by the matching
 * bf_*_free (each accepts NULL) or, for bytes, bf_free. Arguments are
 * borrowed for the call only. Nothing is global: a bf_setup is read-only
 * once loaded and any number of threads may render with it at once, each
 * with its own bf_report and bf_diag. Failures return NULL or false with
 * their reasons in the bf_diag (which may be NULL to discard them), each
 * naming the input file and the JSON path (or line) concerned:
 *   hengshan.json: $.indicators[3].value: expected a number, got a string */
#ifndef BRIEFING_BRIEFING_H
#define BRIEFING_BRIEFING_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(BF_BUILDING)
#define BF_API __attribute__((visibility("default")))
#else
#define BF_API
#endif

#define BF_VERSION_MAJOR 0
#define BF_VERSION_MINOR 1
#define BF_VERSION_PATCH 0
#define BF_VERSION "0.1.0"
/* BF_VERSION_NUMBER >= BF_MAKE_VERSION(0, 1, 0) for features of a release */
#define BF_MAKE_VERSION(a, b, c) ((a) * 10000 + (b) * 100 + (c))
#define BF_VERSION_NUMBER BF_MAKE_VERSION(BF_VERSION_MAJOR, BF_VERSION_MINOR, BF_VERSION_PATCH)

/* The library's version ("0.1.0"), which may differ from the header's when a
 * program runs with a newer shared library. Static storage. */
BF_API const char *bf_version(void);

/* ---- diagnostics ------------------------------------------------------- */

typedef struct bf_diag bf_diag;

BF_API bf_diag *bf_diag_new(void);
BF_API void bf_diag_free(bf_diag *d);
BF_API size_t bf_diag_count(const bf_diag *d);
BF_API size_t bf_diag_errors(const bf_diag *d); /* how many are errors (the rest: warnings) */
BF_API bool bf_diag_is_error(const bf_diag *d, size_t i);
/* "FILE: PATH: message", warnings with "warning: " before the message.
 * Owned by d, valid until it is freed or cleared. */
BF_API const char *bf_diag_text(const bf_diag *d, size_t i);
BF_API const char *bf_diag_path(const bf_diag *d, size_t i); /* "$.a[1]" or NULL; owned by d */
BF_API void bf_diag_clear(bf_diag *d);

/* ---- a template and its fonts ------------------------------------------ */

typedef struct bf_setup bf_setup;

/* Loads a template and the fonts it names. template_: a name ("briefing",
 * "gbt9704", found in ./templates, ~/.local/share/briefing/templates and the
 * installed data) or a path; NULL for "briefing". fonts: a font manifest
 * (fonts.json) or NULL for the installed one; families it lacks are found by
 * name through fontconfig. NULL when the template is invalid or names a
 * font role no installed face can serve. */
BF_API bf_setup *bf_setup_load(const char *template_, const char *fonts, bf_diag *d);
BF_API void bf_setup_free(bf_setup *s);

/* ---- reports ----------------------------------------------------------- */

typedef struct bf_report bf_report;

/* A report from a file: report JSON, or a raw document (.docx, .html, .txt
 * in UTF-8, GB18030 or UTF-16) imported on the way. */
BF_API bf_report *bf_report_load(const char *path, bf_diag *d);
/* The same from bytes (at most 64 MiB, as from a file); source names them
 * in diagnostics (a file name: its extension helps tell the format when
 * the content cannot). */
BF_API bf_report *bf_report_parse(const void *data, size_t len, const char *source, bf_diag *d);
BF_API void bf_report_free(bf_report *r);
/* The report's id (a file-name-safe slug), title and region name; owned by r. */
BF_API const char *bf_report_id(const bf_report *r);
BF_API const char *bf_report_title(const bf_report *r);
BF_API const char *bf_report_region(const bf_report *r);

/* ---- rendering --------------------------------------------------------- */

/* Set size to sizeof the struct (the first member, so a program built
 * against an older header, whose struct is shorter, keeps working with a
 * newer library: fields past size take their defaults); zero the rest for
 * the defaults:  bf_render_options o = {.size = sizeof o};  */
typedef struct bf_render_options {
    size_t size;
    /* "NAME=VALUE" entries for the template's variables (an unknown NAME is
     * an error); may be NULL */
    const char *const *vars;
    size_t n_vars;
    /* the document's date when the report has none: seconds since the
     * epoch; 0 (the default) for none */
    long long date_epoch;
} bf_render_options;

/* Typesets the report into a PDF: *pdf (freed with bf_free) and *len. opts
 * may be NULL (the defaults); an opts whose size is 0 or larger than this
 * library knows is an error. Warnings (a character no font has, text cut to a page
 * limit) go to d as well. False with nothing in *pdf on error. */
BF_API bool bf_render(const bf_setup *s, const bf_report *r, const bf_render_options *opts,
                      unsigned char **pdf, size_t *len, bf_diag *d);

/* Writes data to path atomically (a temporary file renamed into place): a
 * reader never sees half a file. */
BF_API bool bf_write_file(const char *path, const void *data, size_t len, bf_diag *d);

BF_API void bf_free(void *p);

#ifdef __cplusplus
}
#endif

#endif
