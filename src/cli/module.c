/* Code whose libraries only some commands need lives in modules the program
 * loads when one of them runs: `briefing mail` in briefing-mail.so (GMime and
 * libcurl), `briefing serve` in briefing-serve.so (libmicrohttpd, GnuTLS),
 * and the backends (src/backend/backend.h: importing raw reports with
 * libxml2, libzip and ICU's transliterator, finding fonts through
 * fontconfig) in briefing-backends.so, loaded the first time a command
 * needs them; see CMakeLists.txt for what that saves every other command. A
 * module is looked for beside the program (a build tree) and in the
 * installed prefix's lib/briefing/, both found from the program's own path,
 * so an installed tree may move. A module stays loaded until the process
 * exits: the libraries it brings keep process-wide state (ICU's cleanup
 * functions, libxml2's parser) that must not outlive their code. */
#define _GNU_SOURCE /* dlopen */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util/buf.h"
#include "util/xalloc.h"

#ifndef BRIEFING_MODULE_REL
#define BRIEFING_MODULE_REL "../lib/briefing"
#endif

/* Opens NAME.so from the first place that has it and finds entry in it;
 * NULL with the reasons (every path tried) in why. */
static void *open_module(const char *name, const char *entry, buf *why) {
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        buf_printf(why, "cannot find the program's own path to load %s.so", name);
        return NULL;
    }
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (slash) *slash = 0;
    const char *const rel[] = {".", BRIEFING_MODULE_REL};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        char *path = xasprintf("%s/%s/%s.so", exe, rel[i], name);
        if (access(path, F_OK) != 0) {
            buf_printf(why, "%s%s: not there", why->len ? "; " : "", path);
            free(path);
            continue;
        }
        /* RTLD_LOCAL: the module's copy of the library stays its own */
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        free(path);
        if (!h) {
            buf_printf(why, "%s%s", why->len ? "; " : "", dlerror());
            continue;
        }
        void *sym = dlsym(h, entry);
        if (!sym) {
            buf_printf(why, "%s%s", why->len ? "; " : "", dlerror());
            dlclose(h);
            continue;
        }
        return sym;
    }
    return NULL;
}

typedef int (*module_main)(int argc, char **argv);

/* Loads NAME.so and runs its entry; exit status 1 when it cannot be loaded
 * (an installation problem, not the user's input). */
static int run_module(const char *name, const char *entry, int argc, char **argv) {
    buf why;
    buf_init(&why);
    module_main run = NULL;
    *(void **)(&run) = open_module(name, entry, &why);
    if (!run) {
        fprintf(stderr, "briefing: cannot load the module %s.so (%s)\n", name,
                why.data ? why.data : "");
        buf_free(&why);
        return EXIT_FAIL;
    }
    buf_free(&why);
    return run(argc, argv);
}

int cmd_mail(int argc, char **argv, backends *b) {
    (void)b; /* the module links its own */
    return run_module("briefing-mail", "briefing_module_mail", argc, argv);
}

int cmd_serve(int argc, char **argv, backends *b) {
    (void)b;
    return run_module("briefing-serve", "briefing_module_serve", argc, argv);
}

typedef const backend_ops *(*backends_entry)(void);

const backend_ops *cli_load_backends(char **why) {
    buf w;
    buf_init(&w);
    backends_entry get = NULL;
    *(void **)(&get) = open_module("briefing-backends", "briefing_backends", &w);
    const backend_ops *ops = get ? get() : NULL;
    const size_t layout[BACKEND_LAYOUT_N] = BACKEND_LAYOUT;
    if (ops && (ops->abi != BACKEND_ABI || strcmp(ops->version, BRIEFING_VERSION) != 0 ||
                memcmp(ops->layout, layout, sizeof layout) != 0)) {
        buf_printf(&w, "briefing-backends.so is version %s (interface %u), the program %s "
                       "(interface %u): install them together",
                   ops->version, ops->abi, BRIEFING_VERSION, BACKEND_ABI);
        ops = NULL;
    }
    if (!ops)
        *why = xasprintf("cannot load the module briefing-backends.so (%s)", w.data ? w.data : "");
    buf_free(&w);
    return ops;
}
