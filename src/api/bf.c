/* The public API (include/briefing/briefing.h): a thin layer over the
 * modules, which keep their own names inside the library. The shared
 * library exports only these bf_ functions (built with hidden visibility);
 * the installed static one has every other symbol made local. */
#define BF_BUILDING
#include "briefing/briefing.h"

#include <stdlib.h>
#include <string.h>

#include "../backend/backend.h"
#include "../import/import.h"
#include "../render/render.h"
#include "../report/report.h"
#include "../tmpl/tmpl.h"
#include "../util/datadir.h"
#include "../util/diag.h"
#include "../util/file.h"
#include "../util/xalloc.h"

/* A bf_diag is a diag_list; a bf_report a report. */
static diag_list *dl(bf_diag *d) { return (diag_list *)d; }
static const diag_list *cdl(const bf_diag *d) { return (const diag_list *)d; }

struct bf_setup {
    tmpl *t;
    font_lib *fonts;
};

const char *bf_version(void) { return BRIEFING_VERSION; }

bf_diag *bf_diag_new(void) { return (bf_diag *)diag_list_new(); }
void bf_diag_free(bf_diag *d) { diag_list_free(dl(d)); }
size_t bf_diag_count(const bf_diag *d) { return diag_size(cdl(d)); }
size_t bf_diag_errors(const bf_diag *d) { return diag_count(cdl(d), DIAG_ERROR); }
bool bf_diag_is_error(const bf_diag *d, size_t i) {
    return i < diag_size(cdl(d)) && diag_severity_at(cdl(d), i) == DIAG_ERROR;
}
const char *bf_diag_text(const bf_diag *d, size_t i) {
    return i < diag_size(cdl(d)) ? diag_text_at(cdl(d), i) : NULL;
}
const char *bf_diag_path(const bf_diag *d, size_t i) {
    return i < diag_size(cdl(d)) ? diag_path_at(cdl(d), i) : NULL;
}
void bf_diag_clear(bf_diag *d) { diag_clear(dl(d)); }

bf_setup *bf_setup_load(const char *template_, const char *fonts, bf_diag *d) {
    char *data = datadir_find();
    char *tpath = datadir_find_template(template_ ? template_ : "briefing", false, dl(d));
    char *fpath = fonts ? xstrdup(fonts) : xasprintf("%s/fonts/fonts.json", data);
    bf_setup *s = xcalloc(1, sizeof *s);
    bool ok = tpath && (s->t = tmpl_load(tpath, dl(d))) && (s->fonts = font_lib_load(fpath, dl(d)));
    if (ok) {
        /* the library links its backends in (src/backend/backend.h) */
        backends *b = backends_new_linked();
        ok = render_add_system_fonts(s->t, s->fonts, b, dl(d)) &&
             render_check_fonts(s->t, s->fonts, dl(d));
        backends_free(b);
    }
    free(data);
    free(tpath);
    free(fpath);
    if (!ok) {
        bf_setup_free(s);
        return NULL;
    }
    return s;
}

void bf_setup_free(bf_setup *s) {
    if (!s) return;
    tmpl_free(s->t);
    font_lib_free(s->fonts);
    free(s);
}

bf_report *bf_report_load(const char *path, bf_diag *d) {
    if (!path) {
        diag_add(dl(d), DIAG_ERROR, NULL, NULL, "bf_report_load: no path");
        return NULL;
    }
    backends *b = backends_new_linked();
    importer *im = importer_new(b);
    report *r = import_load(im, path, NULL, dl(d));
    importer_free(im);
    backends_free(b);
    return (bf_report *)r;
}

bf_report *bf_report_parse(const void *data, size_t len, const char *source, bf_diag *d) {
    if (!source) source = "<report>";
    if (len > REPORT_MAX_BYTES) {
        diag_add(dl(d), DIAG_ERROR, source, NULL, "larger than the limit of %u bytes",
                 REPORT_MAX_BYTES);
        return NULL;
    }
    backends *b = backends_new_linked();
    importer *im = importer_new(b);
    report *r = import_parse(im, data, len, source, NULL, NULL, dl(d));
    importer_free(im);
    backends_free(b);
    return (bf_report *)r;
}

void bf_report_free(bf_report *r) { report_free((report *)r); }
const char *bf_report_id(const bf_report *r) { return r ? ((const report *)r)->id : NULL; }
const char *bf_report_title(const bf_report *r) { return r ? ((const report *)r)->title : NULL; }
const char *bf_report_region(const bf_report *r) {
    return r ? ((const report *)r)->region_name : NULL;
}

bool bf_render(const bf_setup *s, const bf_report *r, const bf_render_options *o,
               unsigned char **pdf, size_t *len, bf_diag *d) {
    *pdf = NULL;
    *len = 0;
    if (!s || !r) {
        diag_add(dl(d), DIAG_ERROR, NULL, NULL, "bf_render: no %s", s ? "report" : "setup");
        return false;
    }
    bf_render_options v = {sizeof v, NULL, 0, 0};
    if (o) {
        if (o->size == 0 || o->size > sizeof v) {
            diag_add(dl(d), DIAG_ERROR, NULL, NULL,
                     "bf_render: options.size is %zu; set it to sizeof (bf_render_options)",
                     o->size);
            return false;
        }
        memcpy(&v, o, o->size); /* fields past an older caller's size keep their defaults */
    }
    if (!tmpl_check_vars(s->t, v.vars, v.n_vars, dl(d))) return false;
    render_opts ro = {.fallback_epoch = v.date_epoch > 0 ? v.date_epoch : -1,
                      .vars = v.vars,
                      .n_vars = v.n_vars};
    render_result res;
    if (!render_report((const report *)r, s->t, s->fonts, &ro, &res, dl(d))) return false;
    *pdf = (unsigned char *)res.pdf;
    *len = res.pdf_len;
    res.pdf = NULL;
    render_result_free(&res);
    return true;
}

bool bf_write_file(const char *path, const void *data, size_t len, bf_diag *d) {
    if (!path || (!data && len)) {
        diag_add(dl(d), DIAG_ERROR, path, NULL, "bf_write_file: no %s", path ? "data" : "path");
        return false;
    }
    return file_write_atomic(path, data, len, dl(d));
}

void bf_free(void *p) { free(p); }
