/* briefing import FILE... [-o OUT.json | -O OUTDIR]: raw reports (text, web
 * pages, Word files) into report JSON (src/import/import.h, docs/import.md). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "cli.h"
#include "import/import.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"

static void import_usage(FILE *to) {
    fputs("usage: briefing import FILE... [-o OUT.json | -O OUTDIR] [--from FMT]\n"
          "                       [--encoding ENC] [--meta KEY=VALUE]... [--explain]\n"
          "\n"
          "  FILE                a report as plain text (UTF-8, GB18030/GBK, UTF-16 with BOM),\n"
          "                      a web page saved from a site (.html), or a Word .docx;\n"
          "                      - reads standard input\n"
          "  -o, --output FILE   where the report JSON goes (one input; - or none: stdout)\n"
          "  -O, --output-dir DIR  one DIR/<id>.json per input (created when missing)\n"
          "  --from FMT          txt, html, docx or json, instead of telling by content\n"
          "  --encoding ENC      the text's encoding, e.g. gb18030, instead of detecting it\n"
          "  --meta KEY=VALUE    what cannot be found in the text: id, region.name,\n"
          "                      region.level, region.parent, year, title, issuer, date\n"
          "  --explain           list on stderr what was dropped or guessed, and why\n"
          "\n"
          "Exit status: 0 every input imported, 2 some input could not be (the others\n"
          "are still written). See docs/import.md for what is recognised.\n",
          to);
}

static char *read_input(const char *path, size_t *len, diag_list *d) {
    if (strcmp(path, "-")) return file_read_all(path, REPORT_MAX_BYTES, len, d);
    buf b;
    buf_init(&b);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
        if (b.len + got > REPORT_MAX_BYTES) {
            diag_add(d, DIAG_ERROR, "<stdin>", NULL, "larger than %u MiB",
                     REPORT_MAX_BYTES >> 20);
            buf_free(&b);
            return NULL;
        }
        buf_append(&b, chunk, got);
    }
    if (!b.data) buf_reserve(&b, 1);
    *len = b.len;
    return b.data;
}

/* A name already written in this run gets -2, -3 …: two inputs about the
 * same region and year never overwrite each other. */
static char *unique_path(const char *dir, const char *id, char **used, size_t n_used) {
    for (int k = 1;; k++) {
        char *p = k == 1 ? xasprintf("%s/%s.json", dir, id) : xasprintf("%s/%s-%d.json", dir, id, k);
        bool taken = false;
        for (size_t i = 0; i < n_used && !taken; i++) taken = !strcmp(used[i], p);
        if (!taken) return p;
        free(p);
    }
}

int cmd_import(int argc, char **argv, backends *b) {
    const char *out = NULL, *outdir = NULL;
    bool explain = false;
    const char **meta = xcalloc((size_t)argc + 1, sizeof(char *));
    const char **ins = xcalloc((size_t)argc + 1, sizeof(char *));
    size_t n_in = 0;
    import_opts io = {0};
    int status = EXIT_OK;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        int imp = cli_import_option(argc, argv, &i, &io, meta);
        if (imp < 0) {
            status = EXIT_INPUT;
            goto done;
        }
        if (imp) continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            import_usage(stdout);
            goto done;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_next) {
            out = argv[++i];
        } else if ((!strcmp(a, "-O") || !strcmp(a, "--output-dir")) && has_next) {
            outdir = argv[++i];
        } else if (!strcmp(a, "--explain")) {
            explain = true;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "briefing: import: unknown or incomplete option \"%s\"\n", a);
            import_usage(stderr);
            status = EXIT_INPUT;
            goto done;
        } else {
            ins[n_in++] = a;
        }
    }
    if (!n_in || (out && outdir) || (n_in > 1 && !outdir)) {
        if (n_in > 1 && !outdir)
            fprintf(stderr, "briefing: import: %zu inputs need -O OUTDIR\n", n_in);
        import_usage(stderr);
        status = EXIT_INPUT;
        goto done;
    }
    if (outdir && mkdir(outdir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "briefing: import: cannot create %s: %s\n", outdir, strerror(errno));
        status = EXIT_FAIL;
        goto done;
    }
    importer *im = importer_new(b);
    char **used = xcalloc(n_in, sizeof(char *));
    size_t n_used = 0;
    buf ex;
    buf_init(&ex);
    io.explain = explain ? &ex : NULL;
    for (size_t i = 0; i < n_in; i++) {
        diag_list *d = diag_list_new();
        const char *src = strcmp(ins[i], "-") ? ins[i] : "<stdin>";
        size_t len = 0, jlen = 0;
        char *data = read_input(ins[i], &len, d);
        char *json = data ? import_to_json(im, data, len, src, &io, &jlen, d) : NULL;
        /* the result must be a valid report: the same check render makes */
        report *r = json ? report_parse(json, jlen, src, d) : NULL;
        if (!r) {
            status = EXIT_INPUT;
        } else if (outdir) {
            char *p = unique_path(outdir, r->id, used, n_used);
            if (file_write_atomic(p, json, jlen, d)) used[n_used++] = p;
            else free(p), status = EXIT_FAIL;
        } else if (out && strcmp(out, "-")) {
            if (!file_write_atomic(out, json, jlen, d)) status = EXIT_FAIL;
        } else if (fwrite(json, 1, jlen, stdout) != jlen || fflush(stdout) != 0) {
            diag_add(d, DIAG_ERROR, NULL, NULL, "cannot write to standard output");
            status = EXIT_FAIL;
        }
        if (ex.len) fputs(ex.data, stderr);
        ex.len = 0;
        cli_diag_print(d);
        report_free(r);
        free(json);
        free(data);
        diag_list_free(d);
    }
    for (size_t i = 0; i < n_used; i++) free(used[i]);
    free(used);
    buf_free(&ex);
    importer_free(im);
done:
    free(meta);
    free(ins);
    return status;
}
