/* Shared pieces of the command line. */
#define _DEFAULT_SOURCE /* madvise, sbrk */
#include <errno.h>
#include <limits.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "cli.h"
#include "util/buf.h"
#include "util/datadir.h"
#include "util/xalloc.h"

void cli_usage(FILE *to) {
    fputs("usage: briefing import FILE... [-o OUT.json | -O OUTDIR] [--explain]\n"
          "       briefing render REPORT [-t TEMPLATE] [-o OUT.pdf] [--dump-lines FILE.jsonl]\n"
          "                       [--set NAME=VALUE]...\n"
          "       briefing compare REPORT... [-t TEMPLATE] [-o OUT.pdf] [--sort LABEL_OR_KEY]\n"
          "       briefing batch INPUT... -o OUTDIR [-t TEMPLATE] [-j N] [--shard K/N] [--quiet]\n"
          "       briefing mail REPORT... --to RECIPIENTS.csv --from ADDRESS -o OUTDIR\n"
          "       briefing check REPORT...\n"
          "       briefing templates\n"
          "       briefing serve [--listen 127.0.0.1:8080] [--templates DIR] [-j N]\n"
          "       briefing --help | --version\n"
          "\n"
          "  import   turn raw reports (.txt in UTF-8/GB18030/UTF-16, saved web pages,\n"
          "           Word .docx) into report JSON (docs/import.md); every other command\n"
          "           also takes raw reports directly\n"
          "  render   typeset one report into a PDF briefing (default output: <id>.pdf\n"
          "           in the current folder; default template: templates/briefing.json)\n"
          "  compare  one document comparing reports: a row per region, a column per shared\n"
          "           indicator, sorted by --sort, with a bar chart (default output:\n"
          "           compare.pdf; default template: templates/compare.json)\n"
          "  batch    many reports (files, folders, NDJSON, - for stdin) into OUTDIR/<id>.pdf\n"
          "           and OUTDIR/manifest.jsonl on every core (briefing batch --help)\n"
          "  mail     one e-mail per report, its briefing attached, as OUTDIR/<id>.eml\n"
          "           (briefing mail --help)\n"
          "  check    validate reports without rendering; prints every problem found\n"
          "  templates  the templates -t NAME finds, with their descriptions\n"
          "  serve    an HTTP API and a web page for rendering (briefing serve --help)\n"
          "\n"
          "  -t, --template T      a template: a file, or a name found in ./templates,\n"
          "                        ~/.local/share/briefing/templates or the installed ones\n"
          "                        (briefing templates lists them; docs/templates.md)\n"
          "  -o, --output FILE     where to write the PDF (written atomically; - for\n"
          "                        standard output); REPORT - reads standard input\n"
          "  --fonts FILE          font manifest (default: fonts/fonts.json)\n"
          "  --dump-lines FILE     write every laid-out line as JSON lines\n"
          "  --set NAME=VALUE      a template variable, e.g. --set issue=12\n"
          "  --sort LABEL_OR_KEY   compare: the indicator rows are sorted by (largest first)\n"
          "  --from FMT            read inputs as txt, html, docx or json (default: by content)\n"
          "  --encoding ENC        decode text as ENC (default: UTF-8, UTF-16 by BOM, GB18030)\n"
          "  --meta KEY=VALUE      set what import cannot find, e.g. --meta region.parent=湖南省\n"
          "\n"
          "Exit status: 0 success, 1 rendering or writing failed, 2 invalid input or usage.\n"
          "Environment: BRIEFING_DATA_DIR (folder holding templates/ and fonts/),\n"
          "SOURCE_DATE_EPOCH (document date for reports without one).\n",
          to);
}

int cli_import_option(int argc, char **argv, int *i, import_opts *o, const char **meta) {
    const char *a = argv[*i];
    bool has_next = *i + 1 < argc;
    if (!strcmp(a, "--from") || !strcmp(a, "--encoding") || !strcmp(a, "--meta")) {
        if (!has_next) {
            fprintf(stderr, "briefing: %s needs a value\n", a);
            return -1;
        }
        const char *v = argv[++*i];
        if (!strcmp(a, "--from")) {
            if (!import_format_parse(v, &o->from)) {
                fprintf(stderr, "briefing: --from %s: expected txt, html, docx or json\n", v);
                return -1;
            }
        } else if (!strcmp(a, "--encoding")) {
            o->encoding = v;
        } else {
            const char *why;
            if (!import_meta_valid(v, &why)) {
                fprintf(stderr, "briefing: --meta %s: %s\n", v, why);
                return -1;
            }
            meta[o->n_meta++] = v;
            o->meta = meta;
        }
        return 1;
    }
    return 0;
}

char *cli_data_dir(void) { return datadir_find(); }

bool cli_is_terminal(FILE *to) {
    const char *term = getenv("TERM");
    return isatty(fileno(to)) && !(term && !strcmp(term, "dumb"));
}

bool cli_use_color(FILE *to) {
    const char *no = getenv("NO_COLOR");
    return cli_is_terminal(to) && !(no && *no);
}

void cli_diag_print(const diag_list *d) { diag_print_color(d, stderr, cli_use_color(stderr)); }

void cli_json_string(FILE *f, const char *s, size_t len) {
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

bool cli_dump_lines(const layout_doc *doc, const char *path, diag_list *d) {
    /* Built in memory, then written atomically like the PDF: a failed write
     * (full disk) must not leave half a file at path. */
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    if (!f) {
        diag_add(d, DIAG_ERROR, path, NULL, "cannot write: %s", strerror(errno));
        return false;
    }
    for (size_t i = 0; i < doc->n_lines; i++) {
        const layout_line *l = &doc->lines[i];
        fprintf(f, "{\"page\":%zu,\"block\":\"%s\",\"baseline\":%.3f,\"x0\":%.3f,\"x1\":%.3f,", l->page + 1,
                l->block, l->baseline, l->x0, l->x1);
        fputs("\"text\":", f);
        cli_json_string(f, layout_doc_text(doc, l->text_off), l->text_len);
        fprintf(f,
                ",\"shrink\":%.3f,\"stretch\":%.3f,\"last\":%s,\"justified\":%s,\"pushed\":%s,"
                "\"squeezed\":%s,\"forced\":%s}\n",
                l->shrink, l->stretch, l->flags & LAYOUT_LINE_LAST ? "true" : "false",
                l->flags & LAYOUT_LINE_JUSTIFIED ? "true" : "false",
                l->flags & LAYOUT_LINE_PUSHED ? "true" : "false",
                l->flags & LAYOUT_LINE_SQUEEZED ? "true" : "false",
                l->flags & LAYOUT_LINE_FORCED ? "true" : "false");
    }
    bool ok = !ferror(f);
    if (fclose(f) != 0) ok = false;
    if (!ok) diag_add(d, DIAG_ERROR, path, NULL, "cannot write: out of memory");
    else ok = file_write_atomic(path, data, len, d);
    free(data);
    return ok;
}

/* Grows the heap by at least `size` in one step and advises transparent
 * huge pages for the part that step added (what glibc's tunable
 * glibc.malloc.hugetlb=1 does): fewer, larger faults. Only that part: with
 * another allocator, or a heap not grown by the call, nothing is advised.
 * With the kernel's THP defrag at "madvise" (Debian's default) a fault
 * there may compact memory first, which on a badly fragmented host can
 * cost more than it saves. */
static void heap_grow_huge(size_t size) {
#if defined(__GLIBC__) && defined(M_TOP_PAD) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    mallopt(M_TOP_PAD, (int)size);
    void *before = sbrk(0);
    char *probe = malloc(1 << 20); /* below M_MMAP_THRESHOLD: grows the heap */
    void *after = sbrk(0);
    if (probe && before != (void *)-1 && after != (void *)-1 && after > before &&
        (uintptr_t)probe >= (uintptr_t)before && (uintptr_t)probe < (uintptr_t)after) {
        uintptr_t lo = ((uintptr_t)probe + huge - 1) & ~(huge - 1);
        uintptr_t hi = (uintptr_t)after & ~(huge - 1);
        if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
    free(probe);
#else
    (void)size;
#endif
}

void cli_prefault_heap(const char *const *inputs, size_t n) {
#if defined(__GLIBC__) && defined(MADV_POPULATE_WRITE)
    /* A document takes about 1 MB plus 64 times its JSON (layout arrays,
     * shaped runs, the font programs and their compressed copies): 2.3 MB
     * for a 21 KB report; the libraries' first use (HarfBuzz's tables, ICU)
     * about as much again. main() keeps freed memory in the heap (mallopt),
     * so the block freed here is what the document's buffers are cut
     * from. The heap is grown once, on huge pages where the kernel gives
     * them (a fresh render: 911 -> 465 page faults, 42 -> 37 ms here). */
    size_t want = 1u << 20;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(inputs[i], &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
            want += (size_t)st.st_size * 64;
    }
    if (want > (16u << 20)) want = 16u << 20;
    heap_grow_huge(32u << 20);
    char *p = malloc(want);
    if (!p) return;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t hi = ((uintptr_t)p + want) & ~(page - 1);
    if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE); /* Linux 5.14+ */
    free(p);
#else
    (void)inputs;
    (void)n;
#endif
}

int cli_run_command(cli_command run, int argc, char **argv, backends *b) {
    int status = run(argc, argv, b);
    import_process_cleanup(b);
    backends_free(b);
    return status;
}

long long cli_source_date_epoch(void) {
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (!s || !*s) return -1;
    /* The reproducible-builds convention: a decimal count of seconds. A PDF
     * date has four digits of year, so the latest usable value is
     * 9999-12-31T23:59:59Z; a larger one used to make every render fail. */
    const long long max = 253402300799LL;
    long long v = 0;
    bool ok = strlen(s) <= 12;
    for (const char *p = s; ok && *p; p++) {
        ok = *p >= '0' && *p <= '9';
        if (ok) v = v * 10 + (*p - '0');
    }
    if (!ok || v > max) {
        fprintf(stderr,
                "briefing: warning: SOURCE_DATE_EPOCH=\"%s\" is not a number of seconds from 0 to "
                "%lld; ignored\n",
                strlen(s) > 40 ? "..." : s, max);
        return -1;
    }
    return v;
}

bool cli_parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < (long)lo || v > (long)hi) return false;
    *out = (unsigned)v;
    return true;
}

bool cli_is_assignment(const char *s) {
    const char *eq = strchr(s, '=');
    return eq && eq > s;
}

size_t cli_template_dirs(char **dirs) { return datadir_template_dirs(dirs, true); }

char *cli_find_template(const char *name, diag_list *d) {
    return datadir_find_template(name, true, d);
}

int cli_load_setup(const char *tpath, const char *default_template, const char *fpath,
                   backends *b, tmpl **t, font_lib **fonts, diag_list *d) {
    char *dir = cli_data_dir();
    char *tdef = xasprintf("%s/templates/%s", dir, default_template);
    char *fdef = xasprintf("%s/fonts/fonts.json", dir);
    int status = EXIT_OK;
    char *found = tpath ? cli_find_template(tpath, d) : NULL;
    *t = tpath && !found ? NULL : tmpl_load(found ? found : tdef, d);
    free(found);
    if (!*t) status = EXIT_INPUT;
    else if (!(*fonts = font_lib_load(fpath ? fpath : fdef, d))) status = EXIT_FAIL;
    else {
        /* a template this machine cannot set is a usage error, found before
         * any report is read; backends that cannot be loaded an
         * installation problem */
        if (!render_add_system_fonts(*t, *fonts, b, d)) status = EXIT_FAIL;
        else if (!render_check_fonts(*t, *fonts, d)) status = EXIT_INPUT;
    }
    free(tdef);
    free(fdef);
    free(dir);
    return status;
}

char *cli_read_fd(int fd, const char *source, size_t max, size_t *len, diag_list *d) {
    size_t cap = 65536, n = 0;
    char *data = xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap > max) break;
            cap *= 2;
            data = xrealloc(data, cap + 1);
        }
        ssize_t k = read(fd, data + n, cap - n);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            diag_add(d, DIAG_ERROR, source, NULL, "cannot read: %s", strerror(errno));
            free(data);
            return NULL;
        }
        if (k == 0) break;
        n += (size_t)k;
    }
    if (n > max) {
        diag_add(d, DIAG_ERROR, source, NULL, "larger than the limit of %zu bytes", max);
        free(data);
        return NULL;
    }
    data[n] = 0;
    *len = n;
    return data;
}

bool cli_check_vars(const tmpl *t, const char *const *vars, size_t n, diag_list *d) {
    return tmpl_check_vars(t, vars, n, d);
}
