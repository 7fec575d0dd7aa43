/* libFuzzer target: arbitrary bytes as a raw report of one format (built
 * three times: FUZZ_IMPORT_FORMAT is IMPORT_TXT, IMPORT_HTML or
 * IMPORT_DOCX), through the whole import stage.
 *
 * Invariants: no crash, leak or sanitizer report; import either fails with
 * an error diagnostic or returns JSON that report_parse accepts without an
 * error (import never writes an invalid report); and every indicator's
 * quote is in the report's text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "import/import.h"

/* Made once by LLVMFuzzerInitialize: the transliterator takes 0.1 s to open. */
static importer *im;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    im = importer_new(backends_new_linked()); /* both live as long as the fuzzer */
    return 0;
}

static bool in_text(const report *r, const char *q) {
    for (size_t i = 0; i < r->n_summary; i++)
        if (strstr(r->summary[i], q)) return true;
    const report_section *stack[REPORT_MAX_DEPTH + 1];
    size_t n = 0;
    for (size_t i = 0; i < r->n_sections; i++) {
        stack[n++] = &r->sections[i];
        while (n) {
            const report_section *s = stack[--n];
            for (size_t p = 0; p < s->n_paragraphs; p++)
                if (strstr(s->paragraphs[p], q)) return true;
            for (size_t k = 0; k < s->n_sections && n < REPORT_MAX_DEPTH; k++)
                stack[n++] = &s->sections[k];
        }
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    diag_list *d = diag_list_new();
    import_opts o = {.from = FUZZ_IMPORT_FORMAT};
    size_t n = 0;
    char *json = import_to_json(im, (const char *)data, size, "fuzz", &o, &n, d);
    if (!json && diag_count(d, DIAG_ERROR) == 0) {
        fprintf(stderr, "import failed without an error\n");
        abort();
    }
    if (json) {
        diag_list *d2 = diag_list_new();
        report *r = report_parse(json, n, "fuzz.json", d2);
        if (!r) {
            diag_print(d2, stderr);
            fprintf(stderr, "import wrote an invalid report:\n%s\n", json);
            abort();
        }
        for (size_t i = 0; i < r->n_indicators; i++)
            if (!r->indicators[i].quote || !in_text(r, r->indicators[i].quote)) {
                fprintf(stderr, "indicator %zu: quote not in the text\n", i);
                abort();
            }
        report_free(r);
        diag_list_free(d2);
    }
    free(json);
    diag_list_free(d);
    return 0;
}
