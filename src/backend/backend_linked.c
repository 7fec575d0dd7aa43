/* The backends linked in: the library (libbriefing.so, libbriefing.a), the
 * command modules, the tests and benches, and briefing-backends.so itself,
 * which hands this table to the program (backend_module.c). */
#include "backend.h"

#include <libxml/parser.h>

static void process_cleanup(void) { xmlCleanupParser(); }

const backend_ops backend_ops_linked = {
    .abi = BACKEND_ABI,
    .version = BRIEFING_VERSION,
    .layout = BACKEND_LAYOUT,
    .read_html = imp_read_html,
    .read_docx = imp_read_docx,
    .translit_open = imp_translit_open,
    .translit = imp_translit,
    .translit_close = imp_translit_close,
    .sysfont_open = font_sys_open,
    .sysfont_find = font_sys_find,
    .sysfont_close = font_sys_close,
    .process_cleanup = process_cleanup,
};

backends *backends_new_linked(void) { return backends_new(&backend_ops_linked); }
