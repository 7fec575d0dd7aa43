/* libFuzzer target: report JSON → validated report → PDF in memory, with the
 * shipped template and fonts (loaded once).
 *
 * Invariants checked beyond the sanitizers: a refused report or a failed
 * render always comes with an error message; a render that succeeds gives a
 * PDF that starts with "%PDF-" and ends with "%%EOF". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz_common.h"

/* libFuzzer calls the target many times in one process: the template and the
 * fonts are loaded once, here, and only read afterwards. */
static fuzz_env env;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_env_load(&env, true);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    diag_list *d = diag_list_new();
    report *r = report_parse((const char *)data, size, "fuzz.json", d);
    fuzz_expect(r || diag_count(d, DIAG_ERROR) > 0, "report refused without an error message", d);
    if (r) fuzz_render(&env, r, env.t, d);
    report_free(r);
    diag_list_free(d);
    return 0;
}
