/* briefing mail REPORT... --to RECIPIENTS.csv --from ADDRESS -o OUTDIR: one
 * message per report with its briefing(s) attached, written as .eml files
 * (src/mail/mail.h, docs/mail.md). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch/batch_input.h"
#include "briefing.h"
#include "cli.h"
#include "import/import.h"
#include "mail/mail.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"

#define MAX_TEMPLATES 8

static void mail_usage(FILE *to) {
    fputs("usage: briefing mail REPORT... --to RECIPIENTS.csv --from ADDRESS -o OUTDIR\n"
          "                     [-t TEMPLATE]... [--mail-template FILE] [--max-size BYTES]\n"
          "\n"
          "  REPORT              report files (JSON or raw .txt/.html/.docx), folders of them,\n"
          "                      NDJSON files, or - (as briefing batch takes them)\n"
          "  --to FILE           recipients: a CSV with the header id,name,to,cc (bcc\n"
          "                      optional), UTF-8 or GB18030; id is a report's id or region\n"
          "  --from ADDRESS      the sender, e.g. \"衡山县司法局 <sfj@example.gov.cn>\"\n"
          "  -o, --output DIR    write OUTDIR/<id>.eml and OUTDIR/manifest.jsonl\n"
          "  -t, --template T    a briefing to attach (default: templates/summary.json);\n"
          "                      give -t twice to attach two documents\n"
          "  --mail-template F   subject, greeting, text (default: templates/mail.json)\n"
          "  --max-size BYTES    a larger message is an error (default 20 MB)\n"
          "  --fonts FILE        font manifest (default: fonts/fonts.json)\n"
          "  --input-format FMT, --encoding ENC, --meta KEY=VALUE   how raw reports are read\n"
          "\n"
          "Exit status: 0 every message written, 1 some report failed, 2 invalid usage,\n"
          "recipients or template. See docs/mail.md.\n",
          to);
}

static bool parse_size(const char *s, size_t *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || end == s || v < 1024 || v > (1ull << 34)) return false;
    *out = (size_t)v;
    return true;
}

static const char *template_stem(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void manifest_line(FILE *f, const char *id, const char *source, const mail_message *m,
                          const char *status, const diag_list *d) {
    fputs("{\"id\": ", f);
    cli_json_string(f, id ? id : "", id ? strlen(id) : 0);
    fputs(", \"source\": ", f);
    cli_json_string(f, source, strlen(source));
    if (m && m->data) {
        fputs(", \"recipients\": ", f);
        cli_json_string(f, m->recipients, strlen(m->recipients));
        fputs(", \"message_id\": ", f);
        cli_json_string(f, m->message_id, strlen(m->message_id));
        fprintf(f, ", \"bytes\": %zu", m->len);
    }
    fprintf(f, ", \"status\": \"%s\"", status);
    if (diag_count(d, DIAG_ERROR)) {
        fputs(", \"error\": ", f);
        for (size_t i = 0; i < diag_size(d); i++)
            if (diag_severity_at(d, i) == DIAG_ERROR) {
                const char *t = diag_text_at(d, i);
                cli_json_string(f, t, strlen(t));
                break;
            }
    }
    fputs("}\n", f);
}

int cmd_mail(int argc, char **argv) {
    const char *to = NULL, *from = NULL, *outdir = NULL, *mtpath = NULL, *fpath = NULL;
    const char *tpaths[MAX_TEMPLATES];
    size_t n_t = 0, max_bytes = 0;
    const char **ins = xcalloc((size_t)argc + 1, sizeof *ins);
    const char **meta = xcalloc((size_t)argc + 1, sizeof *meta);
    import_opts io = {0};
    size_t n_in = 0;
    int status = EXIT_OK;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        /* --from is the sender here (as mail programs have it); raw
         * reports' format is --input-format */
        if (!strcmp(a, "--from") && has_next) {
            from = argv[++i];
            continue;
        }
        if (!strcmp(a, "--input-format") && has_next) {
            if (!import_format_parse(argv[++i], &io.from)) {
                fprintf(stderr, "briefing: --input-format %s: expected txt, html, docx or json\n",
                        argv[i]);
                status = EXIT_INPUT;
                goto out;
            }
            continue;
        }
        int imp = cli_import_option(argc, argv, &i, &io, meta);
        if (imp < 0) {
            status = EXIT_INPUT;
            goto out;
        }
        if (imp) continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            mail_usage(stdout);
            goto out;
        } else if (!strcmp(a, "--to") && has_next) to = argv[++i];
        else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_next) outdir = argv[++i];
        else if (!strcmp(a, "--mail-template") && has_next) mtpath = argv[++i];
        else if (!strcmp(a, "--fonts") && has_next) fpath = argv[++i];
        else if ((!strcmp(a, "-t") || !strcmp(a, "--template")) && has_next) {
            if (n_t == MAX_TEMPLATES) {
                fprintf(stderr, "briefing: mail: at most %d templates\n", MAX_TEMPLATES);
                status = EXIT_INPUT;
                goto out;
            }
            tpaths[n_t++] = argv[++i];
        } else if (!strcmp(a, "--max-size") && has_next) {
            if (!parse_size(argv[++i], &max_bytes)) {
                fprintf(stderr, "briefing: mail: --max-size takes bytes, 1024 or more\n");
                status = EXIT_INPUT;
                goto out;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "briefing: mail: unknown or incomplete option \"%s\"\n", a);
            mail_usage(stderr);
            status = EXIT_INPUT;
            goto out;
        } else {
            ins[n_in++] = a;
        }
    }
    if (!n_in || !to || !from || !outdir) {
        fprintf(stderr, "briefing: mail needs reports, --to RECIPIENTS.csv, --from ADDRESS and "
                        "-o OUTDIR\n");
        mail_usage(stderr);
        status = EXIT_INPUT;
        goto out;
    }

    diag_list *d = diag_list_new();
    mail_recipients *rc = mail_recipients_load(to, d);
    char *data_dir = cli_data_dir();
    char *default_mt = xasprintf("%s/templates/mail.json", data_dir);
    mail_template *mt = rc ? mail_template_load(mtpath ? mtpath : default_mt, d) : NULL;
    tmpl *ts[MAX_TEMPLATES] = {0};
    font_lib *fonts = NULL;
    if (!n_t) tpaths[n_t++] = NULL; /* the default: summary.json */
    bool setup_ok = rc && mt;
    for (size_t k = 0; setup_ok && k < n_t; k++) {
        font_lib *f = NULL;
        int st = cli_load_setup(tpaths[k], "summary.json", fpath, &ts[k], &f, d);
        if (st != EXIT_OK) setup_ok = false;
        if (!fonts) fonts = f;
        else font_lib_free(f);
    }
    FILE *manifest = NULL;
    char *mpath = NULL, *mtmp = NULL;
    if (setup_ok && mkdir(outdir, 0777) != 0 && errno != EEXIST) {
        diag_add(d, DIAG_ERROR, outdir, NULL, "cannot create the folder: %s", strerror(errno));
        setup_ok = false;
        status = EXIT_FAIL;
    }
    if (setup_ok) {
        mpath = xasprintf("%s/manifest.jsonl", outdir);
        mtmp = xasprintf("%s/.manifest.jsonl.tmp", outdir);
        manifest = fopen(mtmp, "w");
        if (!manifest) {
            diag_add(d, DIAG_ERROR, mtmp, NULL, "cannot write: %s", strerror(errno));
            setup_ok = false;
            status = EXIT_FAIL;
        }
    }
    diag_print(d, stderr);
    diag_clear(d);
    if (!setup_ok) {
        if (status == EXIT_OK) status = EXIT_INPUT;
        goto done;
    }

    importer *im = importer_new();
    batch_input *in = batch_input_new(ins, n_in, 0, REPORT_MAX_BYTES);
    batch_item item;
    size_t ok_n = 0, failed = 0;
    mail_opts mo = {.fallback_epoch = cli_source_date_epoch(), .max_bytes = max_bytes};
    while (batch_input_next(in, &item, NULL)) {
        diag_list *rd = diag_list_new();
        mail_message msg = {0};
        report *r = NULL;
        const char *stat = "failed";
        if (item.error) {
            diag_add(rd, DIAG_ERROR, item.source, NULL, "%s", item.error);
        } else {
            r = import_parse(im, item.data, item.len, item.source, &io, NULL, rd);
        }
        const mail_row *row = r ? mail_recipients_find(rc, r->id, r->region_name) : NULL;
        if (r && !row)
            diag_add(rd, DIAG_ERROR, item.source, NULL,
                     "no recipients: %s has no row with id \"%s\" or \"%s\"", to, r->id,
                     r->region_name);
        render_result res[MAX_TEMPLATES] = {0};
        mail_attachment atts[MAX_TEMPLATES] = {0};
        bool good = r && row;
        for (size_t k = 0; good && k < n_t; k++) {
            render_opts ro = {.fallback_epoch = mo.fallback_epoch};
            good = render_report(r, ts[k], fonts, &ro, &res[k], rd);
            char *stem = xstrdup(template_stem(ts[k]->source));
            char *dot = strrchr(stem, '.');
            if (dot) *dot = 0;
            atts[k] = (mail_attachment){res[k].pdf, res[k].pdf_len, NULL};
            atts[k].template_name = stem;
        }
        if (good) good = mail_compose(r, row, from, mt, atts, n_t, &mo, &msg, rd);
        if (good) {
            char *path = xasprintf("%s/%s.eml", outdir, r->id);
            good = file_write_atomic(path, msg.data, msg.len, rd);
            free(path);
        }
        for (size_t k = 0; k < n_t; k++) {
            free((char *)atts[k].template_name);
            render_result_free(&res[k]);
        }
        if (good) stat = "written", ok_n++;
        else failed++;
        manifest_line(manifest, r ? r->id : NULL, item.source, &msg, stat, rd);
        diag_print(rd, stderr);
        mail_message_free(&msg);
        report_free(r);
        batch_item_clear(&item);
        diag_list_free(rd);
    }
    batch_input_free(in);
    importer_free(im);
    mail_recipients_warn_unused(rc, d);
    diag_print(d, stderr);
    bool closed = fclose(manifest) == 0;
    manifest = NULL;
    if (!closed || rename(mtmp, mpath) != 0) {
        fprintf(stderr, "%s: cannot write the manifest\n", mpath);
        status = EXIT_FAIL;
    }
    fprintf(stderr, "%zu messages: %zu written, %zu failed\n", ok_n + failed, ok_n, failed);
    if (failed) status = EXIT_FAIL;
done:
    if (manifest) {
        fclose(manifest);
        remove(mtmp);
    }
    free(mpath);
    free(mtmp);
    for (size_t k = 0; k < MAX_TEMPLATES; k++) tmpl_free(ts[k]);
    font_lib_free(fonts);
    mail_template_free(mt);
    mail_recipients_free(rc);
    free(default_mt);
    free(data_dir);
    diag_list_free(d);
out:
    free(ins);
    free(meta);
    return status;
}
