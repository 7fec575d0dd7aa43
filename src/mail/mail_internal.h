/* Shared between the mail modules. */
#ifndef BRIEFING_MAIL_INTERNAL_H
#define BRIEFING_MAIL_INTERNAL_H

#include <stdbool.h>

/* g_mime_init, once per process (GMime's tables are read-only after it). */
void mail_gmime_init(void);
/* Every address of a cell, parsed by GMime and checked; false with the cell
 * in *bad (malloc'ed). */
bool mail_addresses_valid(const char *cell, char **bad);

#endif
