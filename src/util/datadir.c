#define _GNU_SOURCE /* dl_iterate_phdr */
#include "datadir.h"

#include <link.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "xalloc.h"

#ifndef BRIEFING_INSTALL_DATADIR
#define BRIEFING_INSTALL_DATADIR "/usr/local/share/briefing"
#endif

static bool is_file(const char *dir, const char *rel) {
    char *t = xasprintf("%s/%s", dir, rel);
    struct stat st;
    bool ok = stat(t, &st) == 0 && S_ISREG(st.st_mode);
    free(t);
    return ok;
}

/* A data folder: the default template and the font manifest, not merely a
 * folder called templates (a user's ~/templates beside ~/bin). */
static bool has_data(const char *dir) {
    return is_file(dir, "templates/briefing.json") && is_file(dir, "fonts/fonts.json");
}

/* The folder holding the object (program or shared library) this function
 * is linked into; NULL when the system cannot tell. */
static const char anchor = 0; /* an address inside that object */

typedef struct find_self {
    uintptr_t at;
    char path[PATH_MAX];
    bool found;
} find_self;

/* dl_iterate_phdr's callback: the object whose loaded segments hold
 * self->at. dladdr would name the main program by argv[0], which may be a
 * bare name found through PATH; the main program's own name here is "". */
static int find_object(struct dl_phdr_info *info, size_t size, void *v) {
    (void)size;
    find_self *self = v;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo = (uintptr_t)info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type != PT_LOAD || self->at < lo || self->at - lo >= ph->p_memsz) continue;
        const char *name = info->dlpi_name && *info->dlpi_name ? info->dlpi_name : "/proc/self/exe";
        self->found = realpath(name, self->path) != NULL;
        return 1;
    }
    return 0;
}

static char *own_dir(void) {
    find_self self = {.at = (uintptr_t)&anchor};
    dl_iterate_phdr(find_object, &self);
    char *slash = self.found ? strrchr(self.path, '/') : NULL;
    if (!slash) return NULL;
    *slash = 0;
    return xstrdup(self.path);
}

static char *near_object(void) {
    char *dir = own_dir();
    if (!dir) return NULL;
    /* an installed prefix (bin/ or lib/ one level below it, lib/ARCH/ and
     * lib/briefing/ two), then a build tree (build/ beside templates/) */
    static const char *const rel[] = {"../share/briefing", "../../share/briefing", ".."};
    char *found = NULL;
    for (size_t i = 0; i < sizeof rel / sizeof rel[0] && !found; i++) {
        char *cand = xasprintf("%s/%s", dir, rel[i]);
        char real[PATH_MAX];
        if (has_data(cand) && realpath(cand, real)) found = xstrdup(real);
        free(cand);
    }
    free(dir);
    return found;
}

static char *in_xdg_dirs(void) {
    const char *env = getenv("XDG_DATA_DIRS");
    char *list = xstrdup(env && *env ? env : "/usr/local/share:/usr/share");
    char *found = NULL, *save = NULL;
    for (char *d = strtok_r(list, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        if (d[0] != '/') continue; /* relative entries are invalid (XDG spec) */
        char *cand = xasprintf("%s/briefing", d);
        if (has_data(cand)) found = cand;
        else free(cand);
    }
    free(list);
    return found;
}

char *datadir_find(void) {
    const char *env = getenv("BRIEFING_DATA_DIR");
    if (env && *env) return xstrdup(env);
    char *d = near_object();
    if (!d) d = in_xdg_dirs();
    return d ? d : xstrdup(BRIEFING_INSTALL_DATADIR);
}

size_t datadir_template_dirs(char **dirs, bool cwd) {
    size_t n = 0;
    if (cwd) dirs[n++] = xstrdup("templates");
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    if (xdg && *xdg) dirs[n++] = xasprintf("%s/briefing/templates", xdg);
    else if (home && *home) dirs[n++] = xasprintf("%s/.local/share/briefing/templates", home);
    char *data = datadir_find();
    dirs[n++] = xasprintf("%s/templates", data);
    free(data);
    return n;
}

char *datadir_find_template(const char *name, bool cwd, diag_list *d) {
    struct stat st;
    size_t len = strlen(name);
    bool json = len > 5 && !strcmp(name + len - 5, ".json");
    /* a path (with a folder or an extension) is taken as written; a bare
     * name is only ever a name (a file of that name in the working folder,
     * such as the program itself in build/, is not a template) */
    if (strchr(name, '/') || json) return xstrdup(name);
    char *dirs[DATADIR_TEMPLATE_DIRS];
    size_t n = datadir_template_dirs(dirs, cwd);
    char *found = NULL;
    buf tried;
    buf_init(&tried);
    for (size_t i = 0; i < n; i++) {
        char *cand = xasprintf("%s/%s.json", dirs[i], name);
        if (!found && stat(cand, &st) == 0 && S_ISREG(st.st_mode)) found = cand;
        else free(cand);
        buf_printf(&tried, "%s%s", i ? ", " : "", dirs[i]);
        free(dirs[i]);
    }
    if (!found)
        diag_add(d, DIAG_ERROR, name, NULL,
                 "no template of that name (looked in %s; `briefing templates` lists them)",
                 tried.data);
    buf_free(&tried);
    return found;
}
