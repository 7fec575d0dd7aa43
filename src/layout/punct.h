/* ASCII punctuation inside Chinese text shown in its full-width form, as
 * Chinese typesetting expects (`,` → `，`, `(一)` → `（一）`). The rendered text
 * layer carries the converted text, so what is copied is what is seen. */
#ifndef BRIEFING_PUNCT_H
#define BRIEFING_PUNCT_H

#include <stddef.h>

#include "../util/buf.h"

/* Appends text[0..len) to out with `, : ; ! ? ( )` converted where a
 * neighbour is Chinese. Never inside numbers (1,000, 10:30), URLs or Latin
 * text. Returns the number of marks converted. */
size_t punct_fullwidth(const char *text, size_t len, buf *out);

#endif
