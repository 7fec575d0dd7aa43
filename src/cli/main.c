/* The briefing command line: a thin layer over the library (include/briefing.h).
 * Exit status: 0 success, 1 a document could not be rendered or written,
 * 2 invalid input or usage. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "briefing.h"
#include "util/buf.h"
#include "util/xalloc.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_INPUT = 2 };

static void usage(FILE *to) {
    fputs("usage: briefing render REPORT.json [-t TEMPLATE] [-o OUT.pdf] [--dump-lines FILE.jsonl]\n"
          "       briefing check REPORT.json...\n"
          "       briefing --help | --version\n"
          "\n"
          "  render   typeset one report into a PDF briefing (default output: <id>.pdf\n"
          "           in the current folder; default template: templates/briefing.json)\n"
          "  check    validate reports without rendering; prints every problem found\n"
          "\n"
          "  -t, --template FILE   template JSON (see docs/templates.md)\n"
          "  -o, --output FILE     where to write the PDF (written atomically)\n"
          "  --fonts FILE          font manifest (default: fonts/fonts.json)\n"
          "  --dump-lines FILE     write every laid-out line as JSON lines\n"
          "\n"
          "Exit status: 0 success, 1 rendering or writing failed, 2 invalid input or usage.\n"
          "Environment: BRIEFING_DATA_DIR (folder holding templates/ and fonts/),\n"
          "SOURCE_DATE_EPOCH (document date for reports without one).\n",
          to);
}

static bool is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Where templates/ and fonts/ live: $BRIEFING_DATA_DIR, else beside the
 * executable's folder (build/briefing → the source tree), else the source tree
 * the binary was built from. */
static char *data_dir(void) {
    const char *env = getenv("BRIEFING_DATA_DIR");
    if (env && *env) return xstrdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        for (int up = 0; up < 2; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash) break;
            *slash = 0;
            char *cand = xasprintf("%s/templates", exe);
            bool ok = is_dir(cand);
            free(cand);
            if (ok) return xstrdup(exe);
        }
    }
    return xstrdup(BRIEFING_SOURCE_DIR);
}

static void json_string(FILE *f, const char *s, size_t len) {
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static bool dump_lines(const layout_doc *doc, const char *path, diag_list *d) {
    FILE *f = fopen(path, "w");
    if (!f) {
        diag_add(d, DIAG_ERROR, path, NULL, "cannot write: %s", strerror(errno));
        return false;
    }
    for (size_t i = 0; i < doc->n_lines; i++) {
        const layout_line *l = &doc->lines[i];
        fprintf(f, "{\"page\":%zu,\"block\":\"%s\",\"baseline\":%.3f,\"x0\":%.3f,\"x1\":%.3f,", l->page + 1,
                l->block, l->baseline, l->x0, l->x1);
        fputs("\"text\":", f);
        json_string(f, layout_doc_text(doc, l->text_off), l->text_len);
        fprintf(f, ",\"shrink\":%.3f,\"stretch\":%.3f,\"last\":%s,\"justified\":%s,\"pushed\":%s}\n",
                l->shrink, l->stretch, l->flags & LAYOUT_LINE_LAST ? "true" : "false",
                l->flags & LAYOUT_LINE_JUSTIFIED ? "true" : "false",
                l->flags & LAYOUT_LINE_PUSHED ? "true" : "false");
    }
    bool ok = !ferror(f);
    if (fclose(f) != 0) ok = false;
    if (!ok) diag_add(d, DIAG_ERROR, path, NULL, "cannot write");
    return ok;
}

static long long source_date_epoch(void) {
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (!s || !*s) return -1;
    char *end;
    long long v = strtoll(s, &end, 10);
    return (*end || v < 0) ? -1 : v;
}

static int cmd_check(int argc, char **argv) {
    if (argc < 1) {
        usage(stderr);
        return EXIT_INPUT;
    }
    int status = EXIT_OK;
    for (int i = 0; i < argc; i++) {
        diag_list *d = diag_list_new();
        report *r = report_load(argv[i], d);
        diag_print(d, stderr);
        if (!r) status = EXIT_INPUT;
        else
            printf("%s: ok (%zu sections, %zu indicators)\n", argv[i], r->n_sections,
                   r->n_indicators);
        report_free(r);
        diag_list_free(d);
    }
    return status;
}

static int cmd_render(int argc, char **argv) {
    const char *in = NULL, *out = NULL, *tpath = NULL, *fpath = NULL, *dump = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        if ((!strcmp(a, "-t") || !strcmp(a, "--template")) && has_next) tpath = argv[++i];
        else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_next) out = argv[++i];
        else if (!strcmp(a, "--fonts") && has_next) fpath = argv[++i];
        else if (!strcmp(a, "--dump-lines") && has_next) dump = argv[++i];
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "briefing: unknown or incomplete option \"%s\"\n", a);
            usage(stderr);
            return EXIT_INPUT;
        } else if (!in) in = a;
        else {
            fprintf(stderr, "briefing: render takes one report (got \"%s\" too)\n", a);
            return EXIT_INPUT;
        }
    }
    if (!in) {
        usage(stderr);
        return EXIT_INPUT;
    }
    char *dir = data_dir();
    char *tdef = xasprintf("%s/templates/briefing.json", dir);
    char *fdef = xasprintf("%s/fonts/fonts.json", dir);
    diag_list *d = diag_list_new();
    int status = EXIT_OK;
    font_lib *fonts = NULL;
    tmpl *t = NULL;
    char *outpath = NULL;
    render_result res = {0};
    report *r = report_load(in, d);
    if (!r) {
        status = EXIT_INPUT;
        goto done;
    }
    t = tmpl_load(tpath ? tpath : tdef, d);
    if (!t) {
        status = EXIT_INPUT;
        goto done;
    }
    fonts = font_lib_load(fpath ? fpath : fdef, d);
    if (!fonts) {
        status = EXIT_FAIL;
        goto done;
    }
    render_opts opts = {.keep_layout = dump != NULL, .fallback_epoch = source_date_epoch()};
    if (!render_report(r, t, fonts, &opts, &res, d)) {
        status = EXIT_FAIL;
        goto done;
    }
    outpath = out ? xstrdup(out) : xasprintf("%s.pdf", r->id);
    if (!file_write_atomic(outpath, res.pdf, res.pdf_len, d)) status = EXIT_FAIL;
    if (status == EXIT_OK && dump && !dump_lines(res.layout, dump, d)) status = EXIT_FAIL;
done:
    diag_print(d, stderr);
    render_result_free(&res);
    free(outpath);
    report_free(r);
    tmpl_free(t);
    font_lib_free(fonts);
    diag_list_free(d);
    free(tdef);
    free(fdef);
    free(dir);
    return status;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return EXIT_INPUT;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("briefing %s\n", BRIEFING_VERSION);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "render")) return cmd_render(argc - 2, argv + 2);
    if (!strcmp(cmd, "check")) return cmd_check(argc - 2, argv + 2);
    fprintf(stderr, "briefing: unknown command \"%s\"\n", cmd);
    usage(stderr);
    return EXIT_INPUT;
}
