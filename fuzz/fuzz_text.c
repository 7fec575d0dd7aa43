/* libFuzzer target: arbitrary text as the title, a heading, a paragraph and a
 * table cell of an otherwise fixed report, rendered with the shipped template.
 * The report target spends most inputs on JSON syntax; this one puts every
 * byte into shaping, line breaking, punctuation and the PDF text layer. The
 * text goes through report_parse like any report (as an escaped JSON
 * string), so only what validation accepts reaches layout.
 *
 * Invariants: as fuzz_report. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "fuzz_common.h"
#include "util/buf.h"

/* Loaded once by LLVMFuzzerInitialize and only read afterwards. */
static fuzz_env env;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fuzz_env_load(&env, true);
    return 0;
}

/* data as the contents of a JSON string literal; bytes that are not valid
 * UTF-8 pass through, for report_parse to refuse. */
static void json_text(buf *b, const uint8_t *data, size_t size) {
    for (size_t i = 0; i < size; i++) {
        uint8_t c = data[i];
        if (c == '"' || c == '\\')
            buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            buf_printf(b, "\\u%04x", c);
        else
            buf_putc(b, (char)c);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    buf j;
    buf_init(&j);
    buf_puts(&j, "{\"id\": \"t\", \"region\": {\"name\": \"某县\"}, \"year\": 2021, \"title\": \"题");
    json_text(&j, data, size < 200 ? size : 200);
    buf_puts(&j, "\", \"indicators\": [{\"label\": \"标");
    json_text(&j, data, size < 300 ? size : 300);
    buf_puts(&j, "\", \"value\": 1.5, \"category\": \"类");
    json_text(&j, data, size < 100 ? size : 100);
    buf_puts(&j, "\"}], \"sections\": [{\"title\": \"一");
    json_text(&j, data, size < 200 ? size : 200);
    buf_puts(&j, "\", \"paragraphs\": [\"");
    json_text(&j, data, size);
    buf_puts(&j, "\"]}]}");
    diag_list *d = diag_list_new();
    report *r = report_parse(j.data, j.len, "fuzz-text.json", d);
    fuzz_expect(r || diag_count(d, DIAG_ERROR) > 0, "report refused without an error message", d);
    if (r) fuzz_render(&env, r, env.t, d);
    report_free(r);
    diag_list_free(d);
    buf_free(&j);
    return 0;
}
