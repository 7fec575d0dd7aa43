/* briefing: Chinese local-government reports (report JSON) → typeset PDF
 * briefings. The public API is the pipeline's modules; a program typically:
 *
 *   diag_list *d = diag_list_new();
 *   font_lib *fonts = font_lib_load("fonts/fonts.json", d);   // once, shared by threads
 *   tmpl *t = tmpl_load("templates/briefing.json", d);         // once, read-only
 *   report *r = report_load("input/hengshan-2021.json", d);    // per document
 *   render_result res;
 *   if (r && render_report(r, t, fonts, NULL, &res, d))
 *       file_write_atomic("hengshan-2021.pdf", res.pdf, res.pdf_len, d);
 *   render_result_free(&res); report_free(r); tmpl_free(t); font_lib_free(fonts);
 *   diag_print(d, stderr); diag_list_free(d);
 *
 * Ownership: every *_load / *_new returns an object the caller frees with the
 * matching *_free (all accept NULL). Nothing is global: documents may be
 * rendered on several threads at once with one font_lib and one tmpl. */
#ifndef BRIEFING_H
#define BRIEFING_H

#include "batch/batch.h"
#include "font/font.h"
#include "layout/layout.h"
#include "render/render.h"
#include "report/report.h"
#include "tmpl/tmpl.h"
#include "util/diag.h"
#include "util/file.h"

#endif
