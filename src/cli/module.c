/* Commands whose libraries only they need live in modules the program loads
 * when one of them runs: `briefing mail` in briefing-mail.so (GMime and
 * libcurl), `briefing serve` in briefing-serve.so (libmicrohttpd, GnuTLS);
 * see CMakeLists.txt for what that saves every other command. A
 * module is looked for beside the program (a build tree) and in the
 * installed prefix's lib/briefing/, both found from the program's own path,
 * so an installed tree may move. */
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

typedef int (*module_main)(int argc, char **argv);

/* Loads NAME.so and runs its entry; exit status 1 when it cannot be loaded
 * (an installation problem, not the user's input). */
static int run_module(const char *name, const char *entry, int argc, char **argv) {
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        fprintf(stderr, "briefing: cannot find the program's own path to load %s.so\n", name);
        return EXIT_FAIL;
    }
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (slash) *slash = 0;
    const char *const rel[] = {".", BRIEFING_MODULE_REL};
    buf why;
    buf_init(&why);
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        char *path = xasprintf("%s/%s/%s.so", exe, rel[i], name);
        if (access(path, F_OK) != 0) {
            buf_printf(&why, "%s%s: not there", why.len ? "; " : "", path);
            free(path);
            continue;
        }
        /* RTLD_LOCAL: the module's copy of the library stays its own */
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!h) {
            buf_printf(&why, "%s%s", why.len ? "; " : "", dlerror());
            free(path);
            continue;
        }
        free(path);
        module_main run = NULL;
        *(void **)(&run) = dlsym(h, entry);
        if (!run) {
            buf_printf(&why, "%s%s", why.len ? "; " : "", dlerror());
            continue;
        }
        buf_free(&why);
        return run(argc, argv); /* the module stays loaded until the process exits */
    }
    fprintf(stderr, "briefing: cannot load the module %s.so (%s)\n", name, why.data ? why.data : "");
    buf_free(&why);
    return EXIT_FAIL;
}

int cmd_mail(int argc, char **argv) { return run_module("briefing-mail", "briefing_module_mail", argc, argv); }

int cmd_serve(int argc, char **argv) {
    return run_module("briefing-serve", "briefing_module_serve", argc, argv);
}
