/* briefing serve: the HTTP side (serve.h, docs/api.md).
 *
 * libmicrohttpd runs one thread per connection (MHD_USE_THREAD_PER_CONNECTION
 * with poll, so more than FD_SETSIZE connections work): a connection thread
 * reads the body, hands the report to the render pool (serve_pool.c) and
 * waits for it, and a streamed /v1/batch answer is produced on that thread
 * as the pool finishes its reports, in input order. Connection threads only
 * wait and copy; the renders are bounded by the pool's workers and queue,
 * whatever the number of connections. Idle connections cost a thread with a
 * small stack each and are cut after the connection timeout. */
#define _POSIX_C_SOURCE 200809L
#include "serve/serve.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "batch/batch.h"
#include "batch/batch_manifest.h"
#include "report/report.h"
#include "serve/serve_pool.h"
#include "serve/serve_web.h"
#include "serve/serve_zip.h"
#include "util/file.h"
#include "util/strsort.h"
#include "util/xalloc.h"

/* ---- metrics ----------------------------------------------------------- */

typedef enum {
    ROUTE_PAGE,
    ROUTE_RENDER,
    ROUTE_BATCH,
    ROUTE_CHECK,
    ROUTE_TEMPLATES,
    ROUTE_HEALTHZ,
    ROUTE_METRICS,
    ROUTE_OTHER,
    ROUTE_COUNT
} route_id;

static const char *const route_names[ROUTE_COUNT] = {
    "/", "/v1/render", "/v1/batch", "/v1/check", "/v1/templates", "/healthz", "/metrics", "other"};

static const double buckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
enum { N_BUCKETS = sizeof buckets / sizeof *buckets, N_CODES = 500 /* 100..599 */ };

typedef struct route_metrics {
    atomic_ulong codes[N_CODES];
    atomic_ulong le[N_BUCKETS + 1]; /* the last: +Inf */
    atomic_ulong sum_us;
} route_metrics;

/* ---- the server -------------------------------------------------------- */

/* Every open connection, for the reaper: MHD's connection timeout counts from
 * the last byte received, so a client that sends its headers a byte every
 * few seconds, or its body that way, would hold a thread forever. */
typedef enum { CONN_HEADERS, CONN_BODY, CONN_ANSWER } conn_phase;
typedef struct conn_watch {
    int fd;
    double since; /* when the current phase began */
    conn_phase phase;
    bool cut;
    struct conn_watch *prev, *next;
} conn_watch;

typedef struct template_entry {
    char *name, *description, *path;
    tmpl *t;
} template_entry;

struct serve {
    serve_opts o;
    font_lib *fonts;
    importer *im;
    template_entry *templates;
    size_t n_templates;
    const template_entry *default_template;
    serve_pool *pool;
    struct MHD_Daemon *daemon;
    struct sockaddr_storage addr;
    socklen_t addr_len;
    bool loopback;
    unsigned port;
    atomic_bool draining;
    atomic_long in_flight;
    atomic_ulong render_failures;
    route_metrics metrics[ROUTE_COUNT];
    /* the reaper (see conn_watch) */
    pthread_mutex_t watch_mu;
    pthread_cond_t watch_cv;
    conn_watch *conns;
    bool reaper_running, reaper_stop;
    pthread_t reaper;
    atomic_ulong cut_off;
};

enum { MAX_BATCH_ITEMS = 10000, TEMPLATE_NAME_MAX = 64 };

static bool template_name_ok(const char *s) {
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return n > 0 && n <= TEMPLATE_NAME_MAX;
}

static const template_entry *find_template(const serve *s, const char *name) {
    for (size_t i = 0; i < s->n_templates; i++)
        if (!strcmp(s->templates[i].name, name)) return &s->templates[i];
    return NULL;
}

static void load_templates(serve *s, diag_list *d) {
    size_t cap = 0, n_seen_v = 0, *n_seen = &n_seen_v;
    char **seen_v = NULL, ***seen_names = &seen_v;
    for (size_t k = 0; k < s->o.n_template_dirs; k++) {
        const char *dir = s->o.template_dirs[k];
        DIR *dh = opendir(dir);
        if (!dh) continue;
        char **names = NULL;
        size_t n = 0, ncap = 0;
        for (struct dirent *e; (e = readdir(dh));) {
            size_t len = strlen(e->d_name);
            if (len <= 5 || strcmp(e->d_name + len - 5, ".json")) continue;
            char *name = xstrndup(e->d_name, len - 5);
            if (!template_name_ok(name)) { /* could not be asked for by name */
                free(name);
                continue;
            }
            xgrow(&names, &ncap, n + 1, sizeof *names);
            names[n++] = name;
        }
        closedir(dh);
        str_ref *refs = xcalloc(n ? n : 1, sizeof *refs);
        for (size_t i = 0; i < n; i++) refs[i] = (str_ref){names[i], i};
        str_ref_sort(refs, n);
        for (size_t r = 0; r < n; r++) {
            char *name = names[refs[r].index];
            bool seen = false; /* an earlier folder's, loaded or not, hides it */
            for (size_t i = 0; i < *n_seen && !seen; i++) seen = !strcmp((*seen_names)[i], name);
            if (seen) {
                free(name);
                continue;
            }
            *seen_names = xrealloc(*seen_names, (*n_seen + 1) * sizeof **seen_names);
            (*seen_names)[(*n_seen)++] = xstrdup(name);
            char *path = xasprintf("%s/%s.json", dir, name);
            diag_list *td = diag_list_new();
            tmpl *t = tmpl_load(path, td);
            if (t) {
                if (!render_add_system_fonts(t, s->fonts, s->o.backends, td) ||
                    !render_check_fonts(t, s->fonts, td)) {
                    tmpl_free(t);
                    t = NULL;
                }
            }
            /* one line for a file that is no render template (mail.json) */
            size_t first_err = 0;
            while (first_err < diag_size(td) && diag_severity_at(td, first_err) != DIAG_ERROR)
                first_err++;
            if (!t && first_err < diag_size(td))
                diag_add(d, DIAG_WARNING, path, NULL, "left out, not a usable template: %s%s",
                         diag_text_at(td, first_err),
                         diag_count(td, DIAG_ERROR) > 1 ? " (and more)" : "");
            else if (!t)
                diag_add(d, DIAG_WARNING, path, NULL, "left out, not a usable template");
            diag_list_free(td);
            if (!t) {
                free(path);
                free(name);
                continue;
            }
            xgrow(&s->templates, &cap, s->n_templates + 1, sizeof *s->templates);
            s->templates[s->n_templates++] =
                (template_entry){name, xstrdup(t->description), path, t};
        }
        free(refs);
        free(names);
    }
    for (size_t i = 0; i < n_seen_v; i++) free(seen_v[i]);
    free(seen_v);
}

serve *serve_new(const serve_opts *opts, diag_list *d) {
    serve *s = xcalloc(1, sizeof *s);
    s->o = *opts;
    pthread_mutex_init(&s->watch_mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->watch_cv, &ca);
    pthread_condattr_destroy(&ca);
    if (!s->o.listen) s->o.listen = "127.0.0.1:8080";
    if (!s->o.jobs) s->o.jobs = batch_default_jobs();
    if (!s->o.queue) s->o.queue = 8 * s->o.jobs;
    if (s->o.deadline_s <= 0) s->o.deadline_s = 30;
    if (!s->o.conn_timeout_s) s->o.conn_timeout_s = 30;
    if (!s->o.max_conns) s->o.max_conns = 4096;
    s->fonts = font_lib_load(opts->fonts_path, d);
    if (!s->fonts) {
        serve_free(s);
        return NULL;
    }
    load_templates(s, d);
    if (!s->n_templates) {
        diag_add(d, DIAG_ERROR, NULL, NULL, "serve: no usable template in the template folders");
        serve_free(s);
        return NULL;
    }
    s->default_template = find_template(s, "briefing");
    if (!s->default_template) s->default_template = &s->templates[0];
    s->im = importer_new(s->o.backends);
    serve_pool_ctx ctx = {.fonts = s->fonts, .im = s->im, .fallback_epoch = opts->fallback_epoch};
    s->pool = serve_pool_new(s->o.jobs, s->o.queue, &ctx);
    if (!s->pool) {
        diag_add(d, DIAG_ERROR, NULL, NULL, "serve: cannot start the render threads");
        serve_free(s);
        return NULL;
    }
    return s;
}

size_t serve_template_count(const serve *s) { return s->n_templates; }
unsigned serve_port(const serve *s) { return s->port; }
bool serve_is_loopback(const serve *s) { return s->loopback; }

/* "HOST:PORT", "[V6]:PORT": numeric addresses only, so that what is bound
 * is exactly what was written (no resolver deciding). */
static bool parse_listen(serve *s, diag_list *d) {
    const char *l = s->o.listen;
    char host[64];
    const char *colon;
    if (l[0] == '[') {
        const char *close = strchr(l, ']');
        if (!close || close[1] != ':' || (size_t)(close - l - 1) >= sizeof host) goto bad;
        memcpy(host, l + 1, (size_t)(close - l - 1));
        host[close - l - 1] = 0;
        colon = close + 1;
    } else {
        colon = strrchr(l, ':');
        if (!colon || (size_t)(colon - l) >= sizeof host) goto bad;
        memcpy(host, l, (size_t)(colon - l));
        host[colon - l] = 0;
    }
    char *end;
    errno = 0;
    long port = strtol(colon + 1, &end, 10);
    if (errno || end == colon + 1 || *end || port < 0 || port > 65535) goto bad;
    memset(&s->addr, 0, sizeof s->addr);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&s->addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&s->addr;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        s->addr_len = sizeof *v4;
        s->loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        s->addr_len = sizeof *v6;
        s->loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
    } else {
        goto bad;
    }
    s->port = (unsigned)port;
    return true;
bad:
    diag_add(d, DIAG_ERROR, NULL, NULL,
             "--listen %s: expected ADDRESS:PORT with a numeric address, e.g. 127.0.0.1:8080 or "
             "[::1]:8080",
             l);
    return false;
}

/* ---- one request ------------------------------------------------------- */

typedef struct part {
    char *name;
    buf data;
} part;

typedef struct request {
    serve *s;
    route_id route;
    double t0;
    unsigned status;
    bool counted; /* in in_flight */
    bool too_big;
    buf body;
    struct MHD_PostProcessor *pp; /* multipart/form-data for /v1/batch */
    part *parts;
    size_t n_parts, parts_cap;
    size_t total; /* bytes received */
} request;

static void add_common_headers(struct MHD_Response *r) {
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result send_buf(struct MHD_Connection *c, request *q, unsigned status,
                                const char *type, char *data, size_t len,
                                struct MHD_Response **keep) {
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(data);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    add_common_headers(r);
    if (atomic_load(&q->s->draining)) MHD_add_response_header(r, "Connection", "close");
    if (keep) *keep = r; /* the caller adds headers, queues and destroys */
    q->status = status;
    if (keep) return MHD_YES;
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* RFC 9457 problem details, with the file/JSON-path messages when there are
 * any (as the CLI prints them). */
static enum MHD_Result send_problem(struct MHD_Connection *c, request *q, unsigned status,
                                    const char *title, const char *detail, const diag_list *d,
                                    unsigned retry_after) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "about:blank");
    cJSON_AddStringToObject(o, "title", title);
    cJSON_AddNumberToObject(o, "status", status);
    if (detail) cJSON_AddStringToObject(o, "detail", detail);
    if (d) {
        cJSON *a = cJSON_AddArrayToObject(o, "diagnostics");
        for (size_t i = 0; i < diag_size(d); i++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "severity",
                                    diag_severity_at(d, i) == DIAG_ERROR ? "error" : "warning");
            const char *path = diag_path_at(d, i);
            if (path) cJSON_AddStringToObject(e, "path", path);
            else cJSON_AddNullToObject(e, "path");
            cJSON_AddStringToObject(e, "message", diag_message_at(d, i));
            cJSON_AddStringToObject(e, "text", diag_text_at(d, i));
            cJSON_AddItemToArray(a, e);
        }
    }
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text) return MHD_NO;
    struct MHD_Response *r;
    if (send_buf(c, q, status, "application/problem+json", text, strlen(text), &r) != MHD_YES)
        return MHD_NO;
    if (retry_after) {
        char v[16];
        snprintf(v, sizeof v, "%u", retry_after);
        MHD_add_response_header(r, "Retry-After", v);
    }
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, "Allow", q->route == ROUTE_PAGE || q->route == ROUTE_TEMPLATES ||
                                                    q->route == ROUTE_HEALTHZ ||
                                                    q->route == ROUTE_METRICS
                                                ? "GET, HEAD"
                                                : "POST");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static const char *content_type(struct MHD_Connection *c) {
    const char *t = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    return t ? t : "";
}

static bool type_is(const char *t, const char *want) {
    size_t n = strlen(want);
    return !strncasecmp(t, want, n) && (t[n] == 0 || t[n] == ';' || t[n] == ' ');
}

/* What a report may arrive as: JSON, text, a web page, a Word file, or bytes
 * whose kind import finds by content. */
static bool report_type_ok(const char *t) {
    return !*t || type_is(t, "application/json") || type_is(t, "text/plain") ||
           type_is(t, "text/html") || type_is(t, "application/octet-stream") ||
           type_is(t, "application/xhtml+xml") ||
           type_is(t, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
}

static bool ndjson_type_ok(const char *t) {
    return type_is(t, "application/x-ndjson") || type_is(t, "application/ndjson") ||
           type_is(t, "application/jsonl") || type_is(t, "application/json-lines");
}

/* The template a request names (?template=NAME), or the default. Names only:
 * never a path. */
static const template_entry *request_template(struct MHD_Connection *c, request *q,
                                              enum MHD_Result *ret) {
    const char *name = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "template");
    if (!name || !*name) return q->s->default_template;
    if (!template_name_ok(name)) {
        *ret = send_problem(c, q, MHD_HTTP_BAD_REQUEST, "Invalid template name",
                            "a template is named by letters, digits, _ and - only "
                            "(GET /v1/templates lists them)",
                            NULL, 0);
        return NULL;
    }
    const template_entry *e = find_template(q->s, name);
    if (!e) {
        char *detail = xasprintf("no template \"%s\" (GET /v1/templates lists them)", name);
        *ret = send_problem(c, q, MHD_HTTP_NOT_FOUND, "Unknown template", detail, NULL, 0);
        free(detail);
    }
    return e;
}

/* The source name messages carry: ?name=FILE (the page sends the file's
 * name), else "<request>". Only for messages and sniffing, never opened. */
static char *request_source(struct MHD_Connection *c) {
    const char *name = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "name");
    if (!name || !*name) return xstrdup("<request>");
    buf b;
    buf_init(&b);
    for (size_t i = 0; name[i] && i < 200; i++) {
        unsigned char ch = (unsigned char)name[i];
        buf_putc(&b, ch < 0x20 || ch == 0x7f ? '_' : (char)ch);
    }
    return buf_steal(&b, NULL);
}

/* A content-disposition file name: the id made safe (batch_file_name), for
 * a header, so ASCII only. */
static char *disposition(const char *id, const char *kind) {
    char *file = batch_file_name(id ? id : "briefing");
    char *v = xasprintf("%s; filename=\"%s\"", kind, file);
    free(file);
    return v;
}

/* Each warning (the line the CLI prints) as an X-Briefing-Warning header,
 * percent-encoded as UTF-8: header values are bytes a client reads as
 * Latin-1, and a comma would be taken for the separator of repeated
 * headers. The first 20; X-Briefing-Warnings has the count. */
static void add_warning_headers(struct MHD_Response *r, const diag_list *d) {
    size_t shown = 0;
    for (size_t i = 0; i < diag_size(d) && shown < 20; i++) {
        if (diag_severity_at(d, i) != DIAG_WARNING) continue;
        const char *t = diag_text_at(d, i);
        buf b;
        buf_init(&b);
        for (size_t k = 0; t[k] && k < 2000; k++) {
            unsigned char ch = (unsigned char)t[k];
            if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                ch == '-' || ch == '.' || ch == '_' || ch == '~')
                buf_putc(&b, (char)ch);
            else
                buf_printf(&b, "%%%02X", ch);
        }
        MHD_add_response_header(r, "X-Briefing-Warning", b.data ? b.data : "");
        buf_free(&b);
        shown++;
    }
}

static enum MHD_Result answer_render(struct MHD_Connection *c, request *q, serve_job_kind kind) {
    serve *s = q->s;
    enum MHD_Result ret = MHD_YES;
    const template_entry *te = request_template(c, q, &ret);
    if (!te) return ret;
    if (q->body.len == 0)
        return send_problem(c, q, MHD_HTTP_BAD_REQUEST, "Empty body",
                            "send the report (JSON, .txt, .html or .docx) as the body", NULL, 0);
    char *source = request_source(c);
    size_t len = q->body.len;
    char *data = buf_steal(&q->body, NULL);
    serve_job *j = serve_job_new(kind, data, len, source, te->t);
    free(source);
    if (!serve_pool_submit(s->pool, j, false)) {
        serve_pool_release(s->pool, j);
        return send_problem(c, q, MHD_HTTP_SERVICE_UNAVAILABLE, "Busy",
                            "every render worker is busy and the queue is full; try again", NULL,
                            1);
    }
    if (!serve_pool_wait(s->pool, j, q->t0 + s->o.deadline_s)) {
        serve_pool_release(s->pool, j);
        return send_problem(c, q, MHD_HTTP_SERVICE_UNAVAILABLE, "Deadline passed",
                            "the report was not done within the server's deadline", NULL, 5);
    }
    if (kind == JOB_CHECK) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddBoolToObject(o, "ok", j->ok);
        if (j->id) cJSON_AddStringToObject(o, "id", j->id);
        else cJSON_AddNullToObject(o, "id");
        cJSON_AddStringToObject(o, "source", j->source);
        cJSON_AddBoolToObject(o, "imported", j->was_raw);
        cJSON *errs = cJSON_AddArrayToObject(o, "errors");
        cJSON *warns = cJSON_AddArrayToObject(o, "warnings");
        cJSON *all = cJSON_AddArrayToObject(o, "diagnostics");
        for (size_t i = 0; i < diag_size(j->d); i++) {
            bool err = diag_severity_at(j->d, i) == DIAG_ERROR;
            cJSON_AddItemToArray(err ? errs : warns, cJSON_CreateString(diag_text_at(j->d, i)));
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "severity", err ? "error" : "warning");
            const char *path = diag_path_at(j->d, i);
            if (path) cJSON_AddStringToObject(e, "path", path);
            else cJSON_AddNullToObject(e, "path");
            cJSON_AddStringToObject(e, "message", diag_message_at(j->d, i));
            cJSON_AddStringToObject(e, "text", diag_text_at(j->d, i));
            cJSON_AddItemToArray(all, e);
        }
        char *text = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        serve_pool_release(s->pool, j);
        if (!text) return MHD_NO;
        /* the check itself succeeded: the verdict is in the body */
        return send_buf(c, q, MHD_HTTP_OK, "application/json", text, strlen(text), NULL);
    }
    if (!j->ok) {
        atomic_fetch_add(&s->render_failures, 1);
        ret = send_problem(c, q, MHD_HTTP_UNPROCESSABLE_CONTENT,
                           j->id ? "The report could not be rendered" : "Invalid report",
                           diag_count(j->d, DIAG_ERROR) ? diag_text_at(j->d, 0) : NULL, j->d, 0);
        serve_pool_release(s->pool, j);
        return ret;
    }
    struct MHD_Response *r;
    char *pdf = j->res.pdf;
    size_t pdf_len = j->res.pdf_len;
    j->res.pdf = NULL; /* handed to the response */
    ret = send_buf(c, q, MHD_HTTP_OK, "application/pdf", pdf, pdf_len, &r);
    if (ret == MHD_YES) {
        char *cd = disposition(j->id, "inline");
        MHD_add_response_header(r, "Content-Disposition", cd);
        free(cd);
        char v[32];
        snprintf(v, sizeof v, "%zu", j->res.pages);
        MHD_add_response_header(r, "X-Briefing-Pages", v);
        snprintf(v, sizeof v, "%zu", diag_count(j->d, DIAG_WARNING));
        MHD_add_response_header(r, "X-Briefing-Warnings", v);
        add_warning_headers(r, j->d);
        ret = MHD_queue_response(c, MHD_HTTP_OK, r);
        MHD_destroy_response(r);
    }
    serve_pool_release(s->pool, j);
    return ret;
}

/* ---- /v1/batch: a ZIP streamed as the reports are done ------------------ */

typedef struct batch_item_in {
    char *source, *data;
    size_t len;
} batch_item_in;

typedef struct batch_stream {
    serve *s;
    const tmpl *t;
    batch_item_in *items;
    size_t n, next_submit, next_emit;
    serve_job **jobs; /* per item, from submission until emitted */
    serve_zip zip;
    buf out;          /* bytes produced and not yet handed to MHD */
    size_t out_pos;
    buf manifest;
    char **names;     /* entry names used, for duplicates */
    size_t n_names;
    bool finished;
} batch_stream;

static void batch_stream_free(void *cls) {
    batch_stream *b = cls;
    for (size_t i = 0; i < b->n; i++) {
        if (b->jobs[i]) serve_pool_release(b->s->pool, b->jobs[i]);
        free(b->items[i].source);
        free(b->items[i].data);
    }
    for (size_t i = 0; i < b->n_names; i++) free(b->names[i]);
    free(b->names);
    free(b->jobs);
    free(b->items);
    serve_zip_free(&b->zip);
    buf_free(&b->out);
    buf_free(&b->manifest);
    free(b);
}

static bool name_taken(batch_stream *b, const char *name) {
    for (size_t i = 0; i < b->n_names; i++)
        if (!strcmp(b->names[i], name)) return true;
    return false;
}

/* Item i is done: its PDF into the archive, its line into the manifest. */
static void emit_item(batch_stream *b, size_t i) {
    serve_job *j = b->jobs[i];
    char *name = NULL;
    bool ok = j->ok;
    if (ok) {
        name = batch_file_name(j->id);
        if (name_taken(b, name)) {
            diag_add(j->d, DIAG_ERROR, j->source, "$.id",
                     "duplicate id \"%s\": an earlier report has it too and is the one written",
                     j->id);
            ok = false;
        } else if (!serve_zip_add(&b->zip, &b->out, name, j->res.pdf, j->res.pdf_len)) {
            diag_add(j->d, DIAG_ERROR, j->source, NULL,
                     "the archive is full (4 GiB or 65,535 files): send fewer reports per batch");
            ok = false;
        }
    }
    if (!ok) atomic_fetch_add(&b->s->render_failures, 1);
    batch_record rec = {.id = j->id,
                        .source = j->source,
                        .output = ok ? name : NULL,
                        .pages = ok ? j->res.pages : 0,
                        .bytes = ok ? j->res.pdf_len : 0,
                        .ms = j->ms,
                        .ok = ok,
                        .d = j->d};
    batch_manifest_line(&b->manifest, &rec);
    if (ok) {
        b->names = xrealloc(b->names, (b->n_names + 1) * sizeof *b->names);
        b->names[b->n_names++] = name;
    } else {
        free(name);
    }
    serve_pool_release(b->s->pool, j);
    b->jobs[i] = NULL;
}

/* Keeps up to twice the workers' count of reports submitted ahead of the one
 * being emitted, so the workers stay busy while the client reads. */
static void batch_fill(batch_stream *b) {
    size_t window = 2 * (size_t)b->s->o.jobs;
    while (b->next_submit < b->n && b->next_submit - b->next_emit < window) {
        batch_item_in *it = &b->items[b->next_submit];
        serve_job *j = serve_job_new(JOB_RENDER, it->data, it->len, it->source, b->t);
        it->data = NULL; /* the job's now */
        /* waits for room: the batch's answer has begun, a 503 is too late */
        if (!serve_pool_submit(b->s->pool, j, true)) {
            diag_add(j->d, DIAG_ERROR, j->source, NULL, "the server is shutting down");
            j->state = JOB_DONE; /* never queued: no other thread knows it */
        }
        b->jobs[b->next_submit++] = j;
    }
}

static ssize_t batch_read(void *cls, uint64_t pos, char *dst, size_t max) {
    batch_stream *b = cls;
    (void)pos;
    while (b->out_pos == b->out.len) {
        b->out.len = 0;
        b->out_pos = 0;
        if (b->finished) return MHD_CONTENT_READER_END_OF_STREAM;
        if (b->next_emit == b->n) {
            serve_zip_add(&b->zip, &b->out, "manifest.jsonl", b->manifest.data, b->manifest.len);
            serve_zip_finish(&b->zip, &b->out);
            b->finished = true;
            continue;
        }
        batch_fill(b);
        serve_pool_wait(b->s->pool, b->jobs[b->next_emit], 0);
        emit_item(b, b->next_emit++);
    }
    size_t n = b->out.len - b->out_pos;
    if (n > max) n = max;
    memcpy(dst, b->out.data + b->out_pos, n);
    b->out_pos += n;
    return (ssize_t)n;
}

static void add_item(batch_stream *b, char *source, const char *data, size_t len) {
    b->items = xrealloc(b->items, (b->n + 1) * sizeof *b->items);
    char *copy = xmalloc(len + 1);
    if (len) memcpy(copy, data, len); /* an empty part may have no buffer */
    copy[len] = 0;
    b->items[b->n++] = (batch_item_in){source, copy, len};
}

static enum MHD_Result answer_batch(struct MHD_Connection *c, request *q) {
    serve *s = q->s;
    enum MHD_Result ret = MHD_YES;
    const template_entry *te = request_template(c, q, &ret);
    if (!te) return ret;
    batch_stream *b = xcalloc(1, sizeof *b);
    b->s = s;
    b->t = te->t;
    serve_zip_init(&b->zip);
    buf_init(&b->out);
    buf_init(&b->manifest);
    if (q->pp) {
        for (size_t i = 0; i < q->n_parts && b->n <= MAX_BATCH_ITEMS; i++)
            add_item(b, xstrdup(q->parts[i].name), q->parts[i].data.data, q->parts[i].data.len);
    } else {
        char *source = request_source(c);
        /* an empty body has no buffer at all */
        const char *p = q->body.data ? q->body.data : "", *end = p + q->body.len;
        for (size_t line = 1; p < end && b->n <= MAX_BATCH_ITEMS; line++) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *e = nl ? nl : end;
            const char *a = p;
            while (a < e && (*a == ' ' || *a == '\t' || *a == '\r')) a++;
            if (a < e) add_item(b, xasprintf("%s:%zu", source, line), p, (size_t)(e - p));
            p = nl ? nl + 1 : end;
        }
        free(source);
    }
    if (b->n == 0 || b->n > MAX_BATCH_ITEMS) {
        bool none = b->n == 0;
        batch_stream_free(b);
        if (none)
            return send_problem(c, q, MHD_HTTP_BAD_REQUEST, "No reports",
                                "send NDJSON (one report per line) or multipart/form-data with "
                                "one file per report",
                                NULL, 0);
        return send_problem(c, q, MHD_HTTP_CONTENT_TOO_LARGE, "Too many reports",
                            "at most 10000 reports per batch request", NULL, 0);
    }
    b->jobs = xcalloc(b->n, sizeof *b->jobs);
    buf_free(&q->body); /* copied into the items */
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, batch_read, b, batch_stream_free);
    if (!r) {
        batch_stream_free(b);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "application/zip");
    MHD_add_response_header(r, "Content-Disposition", "attachment; filename=\"briefings.zip\"");
    add_common_headers(r);
    q->status = MHD_HTTP_OK;
    ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- small answers ------------------------------------------------------ */

static enum MHD_Result answer_templates(struct MHD_Connection *c, request *q) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "default", q->s->default_template->name);
    cJSON *a = cJSON_AddArrayToObject(o, "templates");
    for (size_t i = 0; i < q->s->n_templates; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", q->s->templates[i].name);
        cJSON_AddStringToObject(e, "description", q->s->templates[i].description);
        cJSON_AddItemToArray(a, e);
    }
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text) return MHD_NO;
    return send_buf(c, q, MHD_HTTP_OK, "application/json", text, strlen(text), NULL);
}

static enum MHD_Result answer_metrics(struct MHD_Connection *c, request *q) {
    serve *s = q->s;
    buf b;
    buf_init(&b);
    buf_puts(&b, "# HELP briefing_http_requests_total HTTP requests answered, by route and status.\n"
                 "# TYPE briefing_http_requests_total counter\n");
    for (int r = 0; r < ROUTE_COUNT; r++)
        for (int k = 0; k < N_CODES; k++) {
            unsigned long v = atomic_load(&s->metrics[r].codes[k]);
            if (v)
                buf_printf(&b, "briefing_http_requests_total{route=\"%s\",code=\"%d\"} %lu\n",
                           route_names[r], k + 100, v);
        }
    buf_puts(&b, "# HELP briefing_http_request_duration_seconds Time from a request's first byte "
                 "to its answer's last.\n"
                 "# TYPE briefing_http_request_duration_seconds histogram\n");
    for (int r = 0; r < ROUTE_COUNT; r++) {
        unsigned long cum = 0;
        for (int k = 0; k <= N_BUCKETS; k++) {
            cum += atomic_load(&s->metrics[r].le[k]);
            if (k < N_BUCKETS)
                buf_printf(&b,
                           "briefing_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} "
                           "%lu\n",
                           route_names[r], buckets[k], cum);
            else
                buf_printf(&b,
                           "briefing_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"}"
                           " %lu\n",
                           route_names[r], cum);
        }
        buf_printf(&b, "briefing_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
                   route_names[r], (double)atomic_load(&s->metrics[r].sum_us) / 1e6);
        buf_printf(&b, "briefing_http_request_duration_seconds_count{route=\"%s\"} %lu\n",
                   route_names[r], cum);
    }
    size_t queued, running;
    serve_pool_load(s->pool, &queued, &running);
    buf_printf(&b,
               "# HELP briefing_http_requests_in_flight Requests begun and not yet answered.\n"
               "# TYPE briefing_http_requests_in_flight gauge\n"
               "briefing_http_requests_in_flight %ld\n"
               "# HELP briefing_render_errors_total Reports that could not be read or rendered.\n"
               "# TYPE briefing_render_errors_total counter\n"
               "briefing_render_errors_total %lu\n"
               "# HELP briefing_render_queue Reports waiting for a render worker.\n"
               "# TYPE briefing_render_queue gauge\n"
               "briefing_render_queue %zu\n"
               "# HELP briefing_render_running Reports being rendered.\n"
               "# TYPE briefing_render_running gauge\n"
               "briefing_render_running %zu\n"
               "# HELP briefing_render_workers Render worker threads.\n"
               "# TYPE briefing_render_workers gauge\n"
               "briefing_render_workers %u\n"
               "# HELP briefing_http_connections_cut_total Connections cut off for sending a "
               "request too slowly.\n"
               "# TYPE briefing_http_connections_cut_total counter\n"
               "briefing_http_connections_cut_total %lu\n",
               atomic_load(&s->in_flight), atomic_load(&s->render_failures), queued, running,
               s->o.jobs, atomic_load(&s->cut_off));
    size_t len = b.len;
    return send_buf(c, q, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
                    buf_steal(&b, NULL), len, NULL);
}

static enum MHD_Result answer_static(struct MHD_Connection *c, request *q, const char *url) {
    if (!strcmp(url, "/")) url = "/index.html";
    for (const serve_web_file *f = serve_web_files; f->path; f++) {
        if (strcmp(f->path, url)) continue;
        struct MHD_Response *r = MHD_create_response_from_buffer(f->len, (void *)f->data,
                                                                 MHD_RESPMEM_PERSISTENT);
        if (!r) return MHD_NO;
        MHD_add_response_header(r, "Content-Type", f->type);
        add_common_headers(r);
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'self'; object-src 'none'; frame-ancestors 'none'; "
                                "base-uri 'none'");
        q->status = MHD_HTTP_OK;
        enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
        MHD_destroy_response(r);
        return ret;
    }
    return send_problem(c, q, MHD_HTTP_NOT_FOUND, "Not found", NULL, NULL, 0);
}

static route_id route_of(const char *url) {
    if (!strcmp(url, "/v1/render")) return ROUTE_RENDER;
    if (!strcmp(url, "/v1/batch")) return ROUTE_BATCH;
    if (!strcmp(url, "/v1/check")) return ROUTE_CHECK;
    if (!strcmp(url, "/v1/templates")) return ROUTE_TEMPLATES;
    if (!strcmp(url, "/healthz")) return ROUTE_HEALTHZ;
    if (!strcmp(url, "/metrics")) return ROUTE_METRICS;
    if (!strcmp(url, "/")) return ROUTE_PAGE;
    for (const serve_web_file *f = serve_web_files; f->path; f++)
        if (!strcmp(f->path, url)) return ROUTE_PAGE;
    return ROUTE_OTHER;
}

/* The files of a multipart body, each whole (MHD_PostProcessor hands them
 * over in pieces). Fields that are not files are ignored. */
static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *type, const char *encoding,
                               const char *data, uint64_t off, size_t size) {
    request *q = cls;
    (void)kind;
    (void)key;
    (void)type;
    (void)encoding;
    if (!filename) return MHD_YES;
    if (off == 0 || !q->n_parts) {
        if (q->n_parts >= MAX_BATCH_ITEMS + 1) return MHD_YES;
        xgrow(&q->parts, &q->parts_cap, q->n_parts + 1, sizeof *q->parts);
        part *p = &q->parts[q->n_parts++];
        p->name = xstrdup(filename);
        buf_init(&p->data);
    }
    buf_append(&q->parts[q->n_parts - 1].data, data, size);
    return MHD_YES;
}

static void request_free(request *q) {
    if (q->pp) MHD_destroy_post_processor(q->pp);
    for (size_t i = 0; i < q->n_parts; i++) {
        free(q->parts[i].name);
        buf_free(&q->parts[i].data);
    }
    free(q->parts);
    buf_free(&q->body);
    free(q);
}

static void set_phase(serve *s, struct MHD_Connection *c, conn_phase phase);

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
    serve *s = cls;
    (void)version;
    request *q = *con_cls;
    bool post = !strcmp(method, "POST");
    bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    if (!q) {
        set_phase(s, c, CONN_BODY);
        q = xcalloc(1, sizeof *q);
        q->s = s;
        q->t0 = serve_now();
        q->route = route_of(url);
        buf_init(&q->body);
        *con_cls = q;
        q->counted = true;
        atomic_fetch_add(&s->in_flight, 1);
        if (atomic_load(&s->draining))
            return send_problem(c, q, MHD_HTTP_SERVICE_UNAVAILABLE, "Shutting down",
                                "the server is stopping; send the request to another instance",
                                NULL, 1);
        bool wants_post = q->route == ROUTE_RENDER || q->route == ROUTE_BATCH ||
                          q->route == ROUTE_CHECK;
        if (q->route == ROUTE_OTHER)
            return send_problem(c, q, MHD_HTTP_NOT_FOUND, "Not found", NULL, NULL, 0);
        if (wants_post ? !post : !get)
            return send_problem(c, q, MHD_HTTP_METHOD_NOT_ALLOWED, "Method not allowed", NULL,
                                NULL, 0);
        if (!wants_post) return MHD_YES; /* answered on the next call */
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > REPORT_MAX_BYTES) {
            q->too_big = true;
            return send_problem(c, q, MHD_HTTP_CONTENT_TOO_LARGE, "Body too large",
                                "a request body is limited to 64 MiB", NULL, 0);
        }
        const char *t = content_type(c);
        if (q->route == ROUTE_BATCH && type_is(t, "multipart/form-data")) {
            q->pp = MHD_create_post_processor(c, 64 * 1024, on_part, q);
            if (!q->pp)
                return send_problem(c, q, MHD_HTTP_BAD_REQUEST, "Malformed multipart body",
                                    "multipart/form-data without a boundary", NULL, 0);
        } else if (q->route == ROUTE_BATCH ? !ndjson_type_ok(t) : !report_type_ok(t)) {
            return send_problem(
                c, q, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "Unsupported content type",
                q->route == ROUTE_BATCH
                    ? "send application/x-ndjson (one report per line) or multipart/form-data"
                    : "send the report as application/json, text/plain, text/html or a .docx "
                      "(application/vnd.openxmlformats-officedocument.wordprocessingml.document)",
                NULL, 0);
        }
        return MHD_YES;
    }
    if (q->status) { /* answered already (an error before the body): drain */
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        q->total += *upload_size;
        if (q->total > REPORT_MAX_BYTES) {
            q->too_big = true;
        } else if (q->pp) {
            if (MHD_post_process(q->pp, upload, *upload_size) != MHD_YES) q->too_big = true;
        } else {
            buf_append(&q->body, upload, *upload_size);
        }
        *upload_size = 0;
        return MHD_YES;
    }
    set_phase(s, c, CONN_ANSWER);
    if (q->too_big)
        return send_problem(c, q,
                            q->total > REPORT_MAX_BYTES ? MHD_HTTP_CONTENT_TOO_LARGE
                                                        : MHD_HTTP_BAD_REQUEST,
                            q->total > REPORT_MAX_BYTES ? "Body too large" : "Malformed body",
                            q->total > REPORT_MAX_BYTES ? "a request body is limited to 64 MiB"
                                                        : "the multipart body could not be read",
                            NULL, 0);
    switch (q->route) {
    case ROUTE_RENDER: return answer_render(c, q, JOB_RENDER);
    case ROUTE_CHECK: return answer_render(c, q, JOB_CHECK);
    case ROUTE_BATCH: return answer_batch(c, q);
    case ROUTE_TEMPLATES: return answer_templates(c, q);
    case ROUTE_METRICS: return answer_metrics(c, q);
    case ROUTE_HEALTHZ:
        return send_buf(c, q, MHD_HTTP_OK, "application/json", xstrdup("{\"status\":\"ok\"}"), 15,
                        NULL);
    case ROUTE_PAGE: return answer_static(c, q, url);
    default: return send_problem(c, q, MHD_HTTP_NOT_FOUND, "Not found", NULL, NULL, 0);
    }
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    serve *s = cls;
    request *q = *con_cls;
    (void)toe;
    set_phase(s, c, CONN_HEADERS); /* the next request on this connection */
    if (!q) return;
    *con_cls = NULL;
    if (q->status >= 100 && q->status < 600) {
        route_metrics *m = &s->metrics[q->route];
        double secs = serve_now() - q->t0;
        atomic_fetch_add(&m->codes[q->status - 100], 1);
        int k = 0;
        while (k < N_BUCKETS && secs > buckets[k]) k++;
        atomic_fetch_add(&m->le[k], 1);
        atomic_fetch_add(&m->sum_us, (unsigned long)(secs * 1e6));
    }
    if (q->counted) atomic_fetch_sub(&s->in_flight, 1);
    request_free(q);
}

static void set_phase(serve *s, struct MHD_Connection *c, conn_phase phase) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn_watch *w = ci ? ci->socket_context : NULL;
    if (!w) return;
    pthread_mutex_lock(&s->watch_mu);
    w->phase = phase;
    w->since = serve_now();
    pthread_mutex_unlock(&s->watch_mu);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
    serve *s = cls;
    pthread_mutex_lock(&s->watch_mu);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn_watch *w = xcalloc(1, sizeof *w);
        w->fd = ci ? ci->connect_fd : -1;
        w->since = serve_now();
        w->next = s->conns;
        if (s->conns) s->conns->prev = w;
        s->conns = w;
        *socket_context = w;
    } else if (*socket_context) {
        /* MHD closes the descriptor after this returns: from here on the
         * reaper must not touch it */
        conn_watch *w = *socket_context;
        if (w->prev) w->prev->next = w->next;
        else s->conns = w->next;
        if (w->next) w->next->prev = w->prev;
        free(w);
        *socket_context = NULL;
    }
    pthread_mutex_unlock(&s->watch_mu);
}

/* Cuts off connections that take longer than the connection timeout to send
 * a request's headers, or longer than the deadline to send its body. Shutting
 * the socket down makes the connection's thread see the end and close it. */
static void *reaper(void *arg) {
    serve *s = arg;
    pthread_mutex_lock(&s->watch_mu);
    while (!s->reaper_stop) {
        double now = serve_now();
        for (conn_watch *w = s->conns; w; w = w->next) {
            double limit = w->phase == CONN_HEADERS ? (double)s->o.conn_timeout_s
                           : w->phase == CONN_BODY  ? s->o.deadline_s
                                                    : 0;
            if (limit > 0 && !w->cut && w->fd >= 0 && now - w->since > limit) {
                shutdown(w->fd, SHUT_RDWR);
                w->cut = true;
                atomic_fetch_add(&s->cut_off, 1);
            }
        }
        double next = now + 0.25;
        struct timespec ts = {(time_t)next, (long)((next - (double)(time_t)next) * 1e9)};
        pthread_cond_timedwait(&s->watch_cv, &s->watch_mu, &ts);
    }
    pthread_mutex_unlock(&s->watch_mu);
    return NULL;
}

static void on_log(void *cls, const char *fmt, va_list ap) {
    serve *s = cls;
    if (!s->o.log) return;
    fputs("briefing serve: ", s->o.log);
    vfprintf(s->o.log, fmt, ap);
}

bool serve_start(serve *s, diag_list *d) {
    if (!parse_listen(s, d)) return false;
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG;
    if (s->addr.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)s->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, on_log, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
        /* RFC 9112 as a server must read it: e.g. Host required in HTTP/1.1 */
        MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_SOCK_ADDR,
        (const struct sockaddr *)&s->addr, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)s->o.conn_timeout_s, MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->o.max_conns,
        /* a connection thread only reads, waits and copies: a small stack
         * keeps a thousand idle connections cheap */
        MHD_OPTION_THREAD_STACK_SIZE, (size_t)(256 * 1024),
        /* headers and the request line fit in this (beyond: 431) */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, s, MHD_OPTION_LISTENING_ADDRESS_REUSE,
        1u, MHD_OPTION_END);
    if (!s->daemon) {
        diag_add(d, DIAG_ERROR, NULL, NULL, "--listen %s: cannot listen there (%s)", s->o.listen,
                 strerror(errno ? errno : EADDRINUSE));
        return false;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (info) s->port = info->port;
    s->reaper_running = pthread_create(&s->reaper, NULL, reaper, s) == 0;
    return true;
}

void serve_stop(serve *s, double grace_s) {
    if (!s || !s->daemon) return;
    atomic_store(&s->draining, true);
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET) close(fd);
    double end = serve_now() + grace_s;
    while (atomic_load(&s->in_flight) > 0 && serve_now() < end) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(s->daemon);
    s->daemon = NULL;
    if (s->reaper_running) {
        pthread_mutex_lock(&s->watch_mu);
        s->reaper_stop = true;
        pthread_cond_signal(&s->watch_cv);
        pthread_mutex_unlock(&s->watch_mu);
        pthread_join(s->reaper, NULL);
        s->reaper_running = false;
    }
}

void serve_free(serve *s) {
    if (!s) return;
    serve_stop(s, 0);
    serve_pool_free(s->pool);
    for (size_t i = 0; i < s->n_templates; i++) {
        free(s->templates[i].name);
        free(s->templates[i].description);
        free(s->templates[i].path);
        tmpl_free(s->templates[i].t);
    }
    free(s->templates);
    importer_free(s->im);
    font_lib_free(s->fonts);
    pthread_mutex_destroy(&s->watch_mu);
    pthread_cond_destroy(&s->watch_cv);
    free(s);
}
