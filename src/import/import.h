/* Import: raw reports (plain text in any common encoding, web pages saved
 * from a government site, Word .docx files) become report JSON, so that every
 * command takes them as they come (docs/import.md).
 *
 *   importer *im = importer_new();                 // once; shared by threads
 *   report *r = import_parse(im, data, len, "x.docx", NULL, d);
 *   ...
 *   report_free(r); importer_free(im);
 *
 * A raw file goes through: decoding (import_text.c) or a parser (HTML:
 * import_html.c, .docx: import_docx.c) into a list of paragraphs with the
 * markup's hints; boilerplate removal and the structure of the report
 * (import_struct.c); the figures a reader looks for (import_ind.c); and
 * finally report_parse, the same validation a hand-written report gets.
 * JSON input is handed to report_parse unchanged. */
#ifndef BRIEFING_IMPORT_H
#define BRIEFING_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "../report/report.h"
#include "../util/buf.h"
#include "../util/diag.h"

typedef enum {
    IMPORT_AUTO = 0, /* by content, then by the file name's extension */
    IMPORT_JSON,
    IMPORT_TXT,
    IMPORT_HTML,
    IMPORT_DOCX,
} import_format;

typedef struct import_opts {
    import_format from;   /* IMPORT_AUTO unless forced (--from) */
    const char *encoding; /* NULL: detected; else an ICU converter name such as
                             "gb18030", "utf-8", "utf-16le" (--encoding) */
    buf *explain;         /* when set, one line per dropped or guessed piece
                             of text, saying why (--explain) */
    /* "KEY=VALUE" facts that override what import finds (--meta): id,
     * region.name, region.level, region.parent, year, title, issuer, date */
    const char *const *meta;
    size_t n_meta;
} import_opts;

/* Checks one --meta assignment: false with a message in why (static) for
 * an unknown key or a bad value. */
bool import_meta_valid(const char *assignment, const char **why);

/* What import needs across documents: the backends that read web pages and
 * Word files and transliterate ids (src/backend/backend.h: linked in, or a
 * module the program loads on the first raw report), and the Han-to-Latin
 * transliterator (opened on first use: it takes a tenth of a second). Safe
 * to share between threads. b is not owned and must outlive the importer. */
typedef struct importer importer;
struct backends;
importer *importer_new(struct backends *b);
void importer_free(importer *im); /* accepts NULL */

/* The format of data, by its content first (a ZIP is a .docx, markup is
 * HTML, '{' opens JSON) and by name when the content cannot tell. Formats we
 * refuse (.doc, .wps, PDF, images) return IMPORT_AUTO with *refused set to a
 * static message saying what to do instead. */
import_format import_sniff(const char *data, size_t len, const char *name, const char **refused);

/* "json", "txt", "html", "docx"; and back (false for an unknown name). */
const char *import_format_name(import_format f);
bool import_format_parse(const char *name, import_format *f);

/* The report JSON of a raw document, pretty-printed, NUL-terminated, owned
 * by the caller; NULL with diagnostics naming source when the document cannot
 * be read (or, im being NULL, a raw one is given). JSON input is returned as
 * a copy. */
char *import_to_json(importer *im, const char *data, size_t len, const char *source,
                     const import_opts *opts, size_t *out_len, diag_list *d);

/* import_to_json, then report_parse. *was_raw (may be NULL) tells whether
 * the input was a raw document rather than report JSON. */
report *import_parse(importer *im, const char *data, size_t len, const char *source,
                     const import_opts *opts, bool *was_raw, diag_list *d);

/* Frees the caches ICU and libxml2 keep for the whole process (the
 * transliterator registry, the parser's dictionaries), for leak checkers.
 * Only at exit, when no thread uses import any more; libxml2's only when b
 * has loaded its backends (b may be NULL). */
void import_process_cleanup(struct backends *b);

/* Text in any encoding import reads (UTF-8 with or without BOM, UTF-16 with
 * BOM, GB18030; forced: an ICU converter name, or NULL) as UTF-8 with LF
 * line ends, NUL-terminated, owned by the caller; NULL with a diagnostic
 * naming source (and the offset of the bad bytes) when it cannot be read.
 * For other text files of the pipeline (the recipients of mail). */
char *import_decode_text(const char *data, size_t len, const char *source, const char *forced,
                         size_t *out_len, diag_list *d);

/* Reads the file (up to REPORT_MAX_BYTES) and imports it. */
report *import_load(importer *im, const char *path, const import_opts *opts, diag_list *d);

/* True when path's extension names a raw format we read (.txt .text .htm
 * .html .shtml .docx), for folders in batch. */
bool import_is_raw_name(const char *path);

#endif
