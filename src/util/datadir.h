/* Where briefing's data is (templates/, fonts/fonts.json): found from the
 * program's or library's own location and the XDG data folders, never from
 * a path compiled in from the source tree, so an installed tree can move. */
#ifndef BRIEFING_DATADIR_H
#define BRIEFING_DATADIR_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* The data folder, the first of: $BRIEFING_DATA_DIR; the prefix of the
 * object this code is in (PREFIX/bin/briefing, PREFIX/lib[/ARCH]/libbriefing.so,
 * PREFIX/lib/briefing/briefing-mail.so: PREFIX/share/briefing); the folder
 * above it (a build tree: build/briefing beside templates/); each
 * $XDG_DATA_DIRS entry's briefing/ (default /usr/local/share:/usr/share).
 * A candidate counts only when it holds templates/briefing.json and
 * fonts/fonts.json. Else the configured install prefix's, returned even
 * when missing, so a message names where the data was expected. Caller
 * frees. */
char *datadir_find(void);

/* Where a template is looked for by name, in order: ./templates (when cwd:
 * the command line's convenience; a library's results must not depend on
 * its caller's working folder), the user's ($XDG_DATA_HOME or
 * ~/.local/share)/briefing/templates, the data folder's templates. Fills
 * dirs (malloc'ed strings) and returns how many. */
enum { DATADIR_TEMPLATE_DIRS = 3 };
size_t datadir_template_dirs(char **dirs, bool cwd);

/* The template file a name means: a path as written (with a '/' or
 * ".json"), else NAME.json in the first template folder having it; NULL
 * with a diagnostic listing the folders. Caller frees. */
char *datadir_find_template(const char *name, bool cwd, diag_list *d);

#endif
