/* briefing-backends.so: the linked-in backends (backend_linked.c) handed to
 * the program, which opens this module the first time a command needs them
 * (src/cli/module.c). The one symbol it exports. */
#include "backend.h"

__attribute__((visibility("default"))) const backend_ops *briefing_backends(void);
const backend_ops *briefing_backends(void) { return &backend_ops_linked; }
