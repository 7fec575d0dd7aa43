/* The backends object: a table linked in, or one loaded on first need and
 * kept in the object under its own lock (never in a global), so that batch
 * workers importing raw reports on several threads load it once. */
#include "backend.h"

#include <pthread.h>
#include <stdlib.h>

#include "../util/xalloc.h"

struct backends {
    pthread_mutex_t mu;
    const backend_ops *ops; /* linked in, or once loaded; under mu */
    backend_load_fn load;   /* NULL when linked in */
    bool tried;             /* load was called; under mu */
    char *why;              /* why it failed; under mu */
};

backends *backends_new(const backend_ops *ops) {
    backends *b = xcalloc(1, sizeof *b);
    pthread_mutex_init(&b->mu, NULL);
    b->ops = ops;
    b->tried = true;
    return b;
}

backends *backends_new_lazy(backend_load_fn load) {
    backends *b = xcalloc(1, sizeof *b);
    pthread_mutex_init(&b->mu, NULL);
    b->load = load;
    return b;
}

void backends_free(backends *b) {
    if (!b) return;
    pthread_mutex_destroy(&b->mu);
    free(b->why);
    free(b);
}

const backend_ops *backends_try(backends *b, const char **why) {
    if (!b) {
        *why = "no backends were given";
        return NULL;
    }
    pthread_mutex_lock(&b->mu);
    if (!b->tried) {
        b->tried = true;
        b->ops = b->load(&b->why);
    }
    const backend_ops *ops = b->ops;
    /* set once, with tried, and kept until b is freed */
    *why = b->why ? b->why : "";
    pthread_mutex_unlock(&b->mu);
    return ops;
}

const backend_ops *backends_get(backends *b, const char *need, const char *source, diag_list *d) {
    const char *why = NULL;
    const backend_ops *ops = backends_try(b, &why);
    if (!ops) diag_add(d, DIAG_ERROR, source, NULL, "cannot %s: %s", need, why);
    return ops;
}

const backend_ops *backends_peek(backends *b) {
    if (!b) return NULL;
    pthread_mutex_lock(&b->mu);
    const backend_ops *ops = b->ops;
    pthread_mutex_unlock(&b->mu);
    return ops;
}
