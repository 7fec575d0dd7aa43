/* The files of the page (src/serve/web/), compiled in by src/serve/embed.cmake. */
#ifndef BRIEFING_SERVE_WEB_H
#define BRIEFING_SERVE_WEB_H

#include <stddef.h>

typedef struct serve_web_file {
    const char *path; /* "/index.html" */
    const char *type; /* Content-Type */
    const unsigned char *data;
    size_t len;
} serve_web_file;

/* Ends with an entry whose path is NULL. */
extern const serve_web_file serve_web_files[];

#endif
