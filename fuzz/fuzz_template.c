/* libFuzzer target: template JSON → template → a small fixed report rendered
 * with it into a PDF in memory (fonts and report loaded once).
 *
 * Invariants checked beyond the sanitizers: a refused template or a failed
 * render always comes with an error message; a render that succeeds gives a
 * PDF that starts with "%PDF-" and ends with "%%EOF". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz_common.h"

/* Loaded once by LLVMFuzzerInitialize and only read afterwards. */
static fuzz_env env;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_env_load(&env, false);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    diag_list *d = diag_list_new();
    tmpl *t = tmpl_parse((const char *)data, size, "fuzz-template.json", d);
    fuzz_expect(t || diag_count(d, DIAG_ERROR) > 0, "template refused without an error message", d);
    if (t) fuzz_render(&env, env.r, t, d);
    tmpl_free(t);
    diag_list_free(d);
    return 0;
}
