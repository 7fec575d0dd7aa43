/* briefing templates: the templates -t NAME finds, with their descriptions,
 * in the order they are looked up (a name found earlier hides a later one). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "util/file.h"
#include "util/strmap.h"
#include "util/strsort.h"
#include "util/xalloc.h"

/* The .json files of a folder, sorted by name. */
static size_t list_dir(const char *dir, char ***names) {
    DIR *dh = opendir(dir);
    size_t n = 0, cap = 0;
    *names = NULL;
    if (!dh) return 0;
    for (struct dirent *e; (e = readdir(dh));) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".json") || e->d_name[0] == '.') continue;
        xgrow(names, &cap, n + 1, sizeof **names);
        (*names)[n++] = xstrndup(e->d_name, len - 5);
    }
    closedir(dh);
    str_ref *refs = xcalloc(n ? n : 1, sizeof *refs);
    for (size_t i = 0; i < n; i++) refs[i] = (str_ref){(*names)[i], i};
    str_ref_sort(refs, n);
    char **sorted = xcalloc(n ? n : 1, sizeof *sorted);
    for (size_t i = 0; i < n; i++) sorted[i] = (*names)[refs[i].index];
    free(refs);
    free(*names);
    *names = sorted;
    return n;
}

int cmd_templates(int argc, char **argv, backends *b) {
    if (argc > 0) {
        if (strcmp(argv[0], "--help") && strcmp(argv[0], "-h")) {
            fprintf(stderr, "briefing: templates takes no arguments\n");
            return EXIT_INPUT;
        }
        puts("usage: briefing templates\n\n"
             "Lists the templates -t NAME finds, with their descriptions, in the order they\n"
             "are looked for: ./templates, ~/.local/share/briefing/templates (or\n"
             "$XDG_DATA_HOME/briefing/templates), then the installed templates.");
        return EXIT_OK;
    }
    char *dirs[CLI_TEMPLATE_DIRS];
    size_t nd = cli_template_dirs(dirs);
    str_map seen = {0};
    for (size_t k = 0; k < nd; k++) {
        char **names;
        size_t n = list_dir(dirs[k], &names);
        for (size_t i = 0; i < n; i++) {
            char *path = xasprintf("%s/%s.json", dirs[k], names[i]);
            if (!str_map_get(&seen, names[i])) {
                str_map_put(&seen, names[i], path);
                char *desc = tmpl_read_description(path);
                if (!desc) desc = xstrdup("(no description)");
                printf("%-12s %s\n%-12s (%s)\n", names[i], desc, "", path);
                free(desc);
            }
            free(path);
            free(names[i]);
        }
        free(names);
        free(dirs[k]);
    }
    str_map_free(&seen);
    return EXIT_OK;
}
