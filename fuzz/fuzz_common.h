/* What the fuzz targets share: the fonts, template and report they load once,
 * and the checks they make on every render. */
#ifndef BRIEFING_FUZZ_COMMON_H
#define BRIEFING_FUZZ_COMMON_H

#include <stdbool.h>

#include "internal.h"

typedef struct fuzz_env {
    font_lib *fonts;
    tmpl *t;   /* templates/briefing.json */
    report *r; /* the small fixed report the template target renders */
} fuzz_env;

/* Loads the shipped fonts and template (from $BRIEFING_DATA_DIR or the
 * source tree) and the fixed report; exits on failure. */
void fuzz_env_load(fuzz_env *env, bool with_template);

/* Aborts, printing the diagnostics, when ok is false: libFuzzer then saves
 * the input as a crash. */
void fuzz_expect(bool ok, const char *what, const diag_list *d);

/* Renders r with t, checking the invariants of a render. */
void fuzz_render(const fuzz_env *env, const report *r, const tmpl *t, diag_list *d);

#endif
