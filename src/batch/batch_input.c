#define _POSIX_C_SOURCE 200809L
#include "batch_input.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../import/import.h"
#include "../util/buf.h"
#include "../util/file.h"
#include "../util/xalloc.h"

enum { CHUNK = 64 * 1024, POLL_MS = 100 };

/* One NDJSON stream being read: a file, or standard input. */
typedef struct ndjson {
    int fd;
    bool owns_fd;  /* false for standard input */
    bool pollable; /* a pipe or terminal: wait with poll so cancel is seen */
    bool eof;
    const char *name; /* label before ":line" */
    char *chunk;
    size_t chunk_len, chunk_pos;
    size_t line_no;
} ndjson;

struct batch_input {
    const char *const *args;
    size_t n_args, next_arg;
    int stdin_fd;
    size_t max_bytes;
    /* the folder being listed */
    char *dir;
    char **names;
    size_t n_names, next_name;
    /* the NDJSON stream being read */
    bool in_stream;
    ndjson s;
};

bool batch_input_is_ndjson_name(const char *path) {
    size_t n = strlen(path);
    return (n > 7 && strcmp(path + n - 7, ".ndjson") == 0) ||
           (n > 6 && strcmp(path + n - 6, ".jsonl") == 0);
}

static bool is_json_name(const char *name) {
    size_t n = strlen(name);
    /* hidden files are editor droppings (.#x.json), not reports; raw
     * reports (.txt, .html, .docx) are imported on the way */
    return name[0] != '.' &&
           ((n > 5 && strcmp(name + n - 5, ".json") == 0) || import_is_raw_name(name));
}

static bool is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *join(const char *dir, const char *name) {
    size_t n = strlen(dir);
    return n && dir[n - 1] == '/' ? xasprintf("%s%s", dir, name) : xasprintf("%s/%s", dir, name);
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted *.json names of a folder; NULL with *err set on failure. */
static char **list_folder(const char *dir, size_t *n_out, char **err) {
    *n_out = 0;
    *err = NULL;
    DIR *d = opendir(dir);
    if (!d) {
        *err = xasprintf("cannot open folder: %s", strerror(errno));
        return NULL;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d))) {
        if (!is_json_name(de->d_name)) continue;
        char *full = join(dir, de->d_name);
        struct stat st;
        bool regular = stat(full, &st) == 0 && S_ISREG(st.st_mode);
        free(full);
        if (!regular) continue;
        xgrow(&names, &cap, n + 1, sizeof *names);
        names[n++] = xstrdup(de->d_name);
    }
    int read_errno = errno;
    closedir(d);
    if (read_errno) {
        for (size_t i = 0; i < n; i++) free(names[i]);
        free(names);
        *err = xasprintf("cannot list folder: %s", strerror(read_errno));
        return NULL;
    }
    if (n) qsort(names, n, sizeof *names, cmp_names);
    *n_out = n;
    return names;
}

static void free_names(batch_input *in) {
    for (size_t i = 0; i < in->n_names; i++) free(in->names[i]);
    free(in->names);
    free(in->dir);
    in->names = NULL;
    in->dir = NULL;
    in->n_names = in->next_name = 0;
}

static void stream_close(batch_input *in) {
    if (!in->in_stream) return;
    if (in->s.owns_fd && in->s.fd >= 0) close(in->s.fd);
    free(in->s.chunk);
    memset(&in->s, 0, sizeof in->s);
    in->in_stream = false;
}

batch_input *batch_input_new(const char *const *args, size_t n_args, int stdin_fd,
                             size_t max_bytes) {
    batch_input *in = xcalloc(1, sizeof *in);
    in->args = args;
    in->n_args = n_args;
    in->stdin_fd = stdin_fd;
    in->max_bytes = max_bytes;
    return in;
}

void batch_input_free(batch_input *in) {
    if (!in) return;
    stream_close(in);
    free_names(in);
    free(in);
}

void batch_item_clear(batch_item *item) {
    free(item->source);
    free(item->data);
    free(item->error);
    *item = (batch_item){0};
}

static void set_error(batch_item *item, char *source, char *error) {
    *item = (batch_item){.source = source, .error = error};
}

/* ---- NDJSON ------------------------------------------------------------ */

static bool stream_open(batch_input *in, const char *path, bool is_stdin, batch_item *item) {
    int fd = is_stdin ? in->stdin_fd : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        set_error(item, xstrdup(path), xasprintf("cannot open: %s", strerror(errno)));
        return false;
    }
    struct stat st;
    bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    in->s = (ndjson){.fd = fd,
                     .owns_fd = !is_stdin,
                     .pollable = !regular,
                     .name = is_stdin ? "<stdin>" : path,
                     .chunk = xmalloc(CHUNK)};
    in->in_stream = true;
    return true;
}

/* Reads more bytes into the chunk. Returns the count, 0 at the end, -1 on a
 * read error (errno set) and -2 when cancelled. */
static ssize_t stream_fill(ndjson *s, const atomic_bool *cancel) {
    for (;;) {
        if (cancel && atomic_load(cancel)) return -2;
        if (s->pollable) {
            struct pollfd p = {.fd = s->fd, .events = POLLIN};
            int r = poll(&p, 1, POLL_MS);
            if (r == 0 || (r < 0 && errno == EINTR)) continue;
            if (r < 0) return -1;
        }
        ssize_t n = read(s->fd, s->chunk, CHUNK);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n >= 0) {
            s->chunk_len = (size_t)n;
            s->chunk_pos = 0;
        }
        return n;
    }
}

static bool blank(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') return false;
    return true;
}

/* The next non-blank line as an item; false at the end of the stream. */
static bool stream_next(batch_input *in, batch_item *item, const atomic_bool *cancel) {
    ndjson *s = &in->s;
    buf line;
    buf_init(&line);
    for (;;) {
        if (s->eof) {
            buf_free(&line);
            return false;
        }
        bool too_long = false, have_line = false;
        line.len = 0;
        s->line_no++;
        /* gather one line, or as much of it as the limit allows */
        for (;;) {
            if (s->chunk_pos == s->chunk_len) {
                ssize_t r = stream_fill(s, cancel);
                if (r == -2) {
                    s->eof = true;
                    buf_free(&line);
                    return false;
                }
                if (r < 0) {
                    s->eof = true;
                    set_error(item, xasprintf("%s:%zu", s->name, s->line_no),
                              xasprintf("cannot read: %s", strerror(errno)));
                    buf_free(&line);
                    return true;
                }
                if (r == 0) {
                    s->eof = true;
                    have_line = line.len > 0 || too_long;
                    break;
                }
            }
            const char *p = s->chunk + s->chunk_pos;
            size_t avail = s->chunk_len - s->chunk_pos;
            const char *nl = memchr(p, '\n', avail);
            size_t take = nl ? (size_t)(nl - p) : avail;
            if (!too_long && line.len + take > in->max_bytes) {
                too_long = true;
                buf_free(&line);
            }
            if (!too_long) buf_append(&line, p, take);
            s->chunk_pos += take + (nl ? 1 : 0);
            if (nl) {
                have_line = true;
                break;
            }
        }
        if (!have_line) continue; /* the end, with nothing after the last newline */
        if (too_long) {
            set_error(item, xasprintf("%s:%zu", s->name, s->line_no),
                      xasprintf("line is longer than the limit of %zu bytes", in->max_bytes));
            buf_free(&line);
            return true;
        }
        if (blank(line.data, line.len)) continue;
        if (line.data[line.len - 1] == '\r') line.data[--line.len] = 0;
        size_t len = line.len;
        *item = (batch_item){.source = xasprintf("%s:%zu", s->name, s->line_no),
                             .data = buf_steal(&line, &len),
                             .len = len};
        return true;
    }
}

/* ---- the argument list ------------------------------------------------- */

static bool read_file(batch_input *in, const char *path, batch_item *item) {
    diag_list *d = diag_list_new();
    size_t len = 0;
    char *data = file_read_all(path, in->max_bytes, &len, d);
    if (data)
        *item = (batch_item){.source = xstrdup(path), .data = data, .len = len};
    else
        set_error(item, xstrdup(path),
                  xstrdup(diag_size(d) ? diag_message_at(d, 0) : "cannot read"));
    diag_list_free(d);
    return true;
}

bool batch_input_next(batch_input *in, batch_item *item, const atomic_bool *cancel) {
    *item = (batch_item){0};
    for (;;) {
        if (cancel && atomic_load(cancel)) return false;
        if (in->in_stream) {
            if (stream_next(in, item, cancel)) return true;
            stream_close(in);
            continue;
        }
        if (in->dir) {
            if (in->next_name < in->n_names) {
                char *path = join(in->dir, in->names[in->next_name++]);
                read_file(in, path, item);
                free(path);
                return true;
            }
            free_names(in);
            continue;
        }
        if (in->next_arg == in->n_args) return false;
        const char *arg = in->args[in->next_arg++];
        if (strcmp(arg, "-") == 0) {
            stream_open(in, arg, true, item);
            continue;
        }
        if (is_dir(arg)) {
            char *err = NULL;
            size_t n = 0;
            char **names = list_folder(arg, &n, &err);
            if (err) {
                set_error(item, xstrdup(arg), err);
                return true;
            }
            if (n == 0) {
                free(names);
                set_error(item, xstrdup(arg), xstrdup("the folder holds no report (*.json, *.txt, *.html, *.docx)"));
                return true;
            }
            in->dir = xstrdup(arg);
            in->names = names;
            in->n_names = n;
            in->next_name = 0;
            continue;
        }
        if (batch_input_is_ndjson_name(arg)) {
            if (!stream_open(in, arg, false, item)) return true;
            continue;
        }
        return read_file(in, arg, item);
    }
}

/* ---- counting ahead ---------------------------------------------------- */

static size_t count_lines(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 1; /* one error item */
    char *chunk = xmalloc(CHUNK);
    size_t n = 0;
    bool content = false; /* the current line has something besides blanks */
    for (;;) {
        ssize_t r = read(fd, chunk, CHUNK);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        for (ssize_t i = 0; i < r; i++) {
            char c = chunk[i];
            if (c == '\n') {
                n += content;
                content = false;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                content = true;
            }
        }
    }
    n += content;
    free(chunk);
    close(fd);
    return n;
}

bool batch_input_count(const char *const *args, size_t n_args, size_t *count) {
    size_t n = 0;
    for (size_t i = 0; i < n_args; i++) {
        const char *arg = args[i];
        if (strcmp(arg, "-") == 0) return false;
        if (is_dir(arg)) {
            char *err = NULL;
            size_t k = 0;
            char **names = list_folder(arg, &k, &err);
            for (size_t j = 0; j < k; j++) free(names[j]);
            free(names);
            free(err);
            n += k ? k : 1;
        } else if (batch_input_is_ndjson_name(arg)) {
            n += count_lines(arg);
        } else {
            n++;
        }
    }
    *count = n;
    return true;
}
