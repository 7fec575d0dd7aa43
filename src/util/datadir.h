/* Where briefing's data is (templates/, fonts/fonts.json): found from the
 * program's or library's own location and the XDG data folders, never from
 * a path compiled in from the source tree, so an installed tree can move. */
#ifndef BRIEFING_DATADIR_H
#define BRIEFING_DATADIR_H

#include <stddef.h>

#include "diag.h"

/* The data folder, the first of: $BRIEFING_DATA_DIR; beside the object
 * this code is in (a build tree: build/briefing with ../templates); its
 * prefix's share/briefing (PREFIX/bin/briefing, PREFIX/lib[/ARCH]/libbriefing.so);
 * each $XDG_DATA_DIRS entry's briefing/ (default /usr/local/share:/usr/share);
 * the install prefix's, as configured. The last is returned when none
 * exists, so a message names where the data was expected. Caller frees. */
char *datadir_find(void);

/* Where a template is looked for by name, in order: ./templates, the user's
 * ($XDG_DATA_HOME or ~/.local/share)/briefing/templates, the data folder's
 * templates. Fills dirs (malloc'ed strings) and returns how many. */
enum { DATADIR_TEMPLATE_DIRS = 3 };
size_t datadir_template_dirs(char **dirs);

/* The template file a name means: a path as written (with a '/' or ".json",
 * or an existing file), else NAME.json in the first template folder having
 * it; NULL with a diagnostic listing the folders. Caller frees. */
char *datadir_find_template(const char *name, diag_list *d);

#endif
