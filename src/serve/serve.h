/* briefing serve: an HTTP/1.1 API and a web page over the render engine
 * (docs/api.md). One process holds the fonts and the templates of one
 * folder, read-only, and renders on a bounded pool of worker threads.
 *
 *   serve *s = serve_new(&(serve_opts){.listen = "127.0.0.1:0", ...}, d);
 *   if (s && serve_start(s, d)) printf("%u\n", serve_port(s));
 *   ...                                  // wait for SIGTERM
 *   serve_stop(s, 30);                   // in-flight requests finish
 *   serve_free(s);
 *
 * Nothing here is global: two servers can live in one process. */
#ifndef BRIEFING_SERVE_H
#define BRIEFING_SERVE_H

#include <stdbool.h>
#include <stdio.h>

#include "../util/diag.h"

typedef struct serve serve;

typedef struct serve_opts {
    const char *listen;      /* "HOST:PORT" (IPv6 as "[::1]:8080"); NULL: 127.0.0.1:8080.
                                Port 0 picks a free port (serve_port) */
    const char *const *template_dirs; /* searched in order; a name found earlier hides a later one */
    size_t n_template_dirs;
    const char *fonts_path;  /* font manifest */
    unsigned jobs;           /* render workers; 0: one per online core */
    unsigned queue;          /* renders waiting for a worker before 503; 0: 8 per worker */
    double deadline_s;       /* per request, from the body's end to the answer; 0: 30 s */
    unsigned conn_timeout_s; /* idle or slow connections are cut after this; 0: 30 s */
    unsigned max_conns;      /* open connections; 0: 4096 */
    long long fallback_epoch; /* as render_opts.fallback_epoch */
    FILE *log;               /* one line per problem at start; NULL: none */
    struct backends *backends; /* raw reports, fontconfig (src/backend/backend.h); not owned */
} serve_opts;

/* Loads the fonts and every template NAME.json of the folders (names made of
 * [A-Za-z0-9_-]); a template that does not load or whose fonts are missing is
 * left out with a warning. NULL with errors in d when no template or no
 * font loads. */
serve *serve_new(const serve_opts *opts, diag_list *d);

/* Binds and starts answering (threads of its own). False with a diagnostic
 * when the address is malformed or cannot be bound. */
bool serve_start(serve *s, diag_list *d);

/* The port bound (useful with port 0). */
unsigned serve_port(const serve *s);

/* Whether the listening address is a loopback one (127.0.0.0/8, ::1). */
bool serve_is_loopback(const serve *s);

/* How many templates were loaded. */
size_t serve_template_count(const serve *s);

/* Graceful stop: no new connection is accepted and new requests on open
 * ones get 503; requests in flight finish (at most grace_s seconds), then the
 * connections close. */
void serve_stop(serve *s, double grace_s);

void serve_free(serve *s); /* accepts NULL; stops first when running */

#endif
