/* The batch runner's pieces: file names from ids, manifest lines, reading
 * inputs (folders, NDJSON from a pipe), and whole runs in-process: the
 * manifest in input order, -j 1 and -j 2 giving the same bytes, cancelling. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batch/batch.h"
#include "batch/batch_input.h"
#include "batch/batch_manifest.h"
#include "internal.h"
#include "check.h"
#include "util/xalloc.h"

static char *scratch; /* a fresh folder for this run */

static void test_file_names(void) {
    const struct {
        const char *id, *want;
    } cases[] = {
        {"hengshan-2021", "hengshan-2021.pdf"},
        {"a.b_c-D9", "a.b_c-D9.pdf"},
        {"../etc/passwd", "_._etc_passwd.pdf"},
        {"..", "_..pdf"},
        {".hidden", "_hidden.pdf"},
        {"a/b\\c", "a_b_c.pdf"},
        {"tab\there\n", "tab_here_.pdf"},
        {"衡山", "______.pdf"},
        {"", "_.pdf"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *name = batch_file_name(cases[i].id);
        CHECK_STR(name, cases[i].want);
        free(name);
    }
    char long_id[400];
    memset(long_id, 'x', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = 0;
    char *name = batch_file_name(long_id);
    CHECK(strlen(name) == 204); /* 200 + ".pdf" */
    free(name);
}

static void test_json_strings(void) {
    buf b;
    buf_init(&b);
    batch_json_string(&b, "a\"b\\c\nd\te\x01 衡山 𠀀");
    CHECK_STR(b.data, "\"a\\\"b\\\\c\\nd\\te\\u0001 衡山 𠀀\"");
    b.len = 0;
    /* not UTF-8: a lone continuation byte, a truncated sequence, a surrogate,
     * an overlong slash */
    batch_json_string(&b, "x\x80y\xE8\xA1z\xED\xA0\x80w\xC0\xAF");
    CHECK_STR(b.data, "\"x\xEF\xBF\xBDy\xEF\xBF\xBD\xEF\xBF\xBDz\xEF\xBF\xBDw\xEF\xBF\xBD\"");
    buf_free(&b);
}

static void test_manifest_line(void) {
    diag_list *d = diag_list_new();
    diag_add(d, DIAG_WARNING, "in.ndjson:3", "$.title", "odd \"title\"");
    diag_add(d, DIAG_ERROR, "in.ndjson:3", NULL, "broken");
    buf b;
    buf_init(&b);
    batch_record rec = {.id = "x-1", .source = "in.ndjson:3", .output = NULL, .ms = 1.234, .d = d};
    batch_manifest_line(&b, &rec);
    CHECK_STR(b.data, "{\"id\":\"x-1\",\"source\":\"in.ndjson:3\",\"output\":null,\"pages\":0,"
                      "\"bytes\":0,\"milliseconds\":1.23,\"status\":\"error\",\"warnings\":"
                      "[\"in.ndjson:3: $.title: warning: odd \\\"title\\\"\"],\"errors\":"
                      "[\"in.ndjson:3: broken\"]}\n");
    b.len = 0;
    rec = (batch_record){.id = NULL, .source = "s", .output = "o.pdf", .pages = 7, .bytes = 99,
                         .ok = true};
    batch_manifest_line(&b, &rec);
    CHECK_STR(b.data, "{\"id\":null,\"source\":\"s\",\"output\":\"o.pdf\",\"pages\":7,\"bytes\":99,"
                      "\"milliseconds\":0,\"status\":\"ok\",\"warnings\":[],\"errors\":[]}\n");
    buf_free(&b);
    diag_list_free(d);
}

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static void test_inputs(void) {
    char *dir = xasprintf("%s/in", scratch);
    mkdir(dir, 0777);
    char *p;
    /* c.txt is a raw report (imported on the way), d.pdf is not a report */
    const char *names[] = {"b.json", "a.json", "c.txt", ".#a.json", "B.json", "d.pdf"};
    for (size_t i = 0; i < 6; i++) {
        p = xasprintf("%s/%s", dir, names[i]);
        write_text(p, "{}");
        free(p);
    }
    p = xasprintf("%s/sub.json", dir); /* a folder, not a report */
    mkdir(p, 0777);
    free(p);
    char *nd = xasprintf("%s/x.ndjson", scratch);
    write_text(nd, "{\"a\":1}\r\n\n   \n{\"b\":2}\n{\"c\":3}");
    char *missing = xasprintf("%s/missing.json", scratch);
    char *empty = xasprintf("%s/empty", scratch);
    mkdir(empty, 0777);

    const char *args[] = {dir, nd, missing, empty};
    size_t count = 0;
    CHECK(batch_input_count(args, 4, &count));
    CHECK(count == 4 + 3 + 1 + 1);
    batch_input *in = batch_input_new(args, 4, -1, 1000);
    batch_item it;
    const char *want_src[] = {"/in/B.json",  "/in/a.json",  "/in/b.json",    "/in/c.txt",
                              "/x.ndjson:1", "/x.ndjson:4", "/x.ndjson:5",   "/missing.json",
                              "/empty"};
    const char *want_data[] = {"{}", "{}", "{}", "{}", "{\"a\":1}", "{\"b\":2}", "{\"c\":3}",
                               NULL, NULL};
    size_t n = 0;
    while (batch_input_next(in, &it, NULL)) {
        if (n < 8) {
            size_t sl = strlen(scratch);
            CHECK(strncmp(it.source, scratch, sl) == 0);
            CHECK_STR(it.source + sl, want_src[n]);
            if (want_data[n]) {
                CHECK_STR(it.data, want_data[n]);
                CHECK(it.len == strlen(want_data[n]));
            } else {
                CHECK(it.data == NULL && it.error != NULL);
            }
        }
        n++;
        batch_item_clear(&it);
    }
    CHECK(n == 9);
    batch_input_free(in);

    /* a pipe, a line over the limit, no newline at the end */
    int fds[2];
    CHECK(pipe(fds) == 0);
    const char *text = "{\"x\":1}\n{\"long\":\"0123456789012345678901234567890123456789\"}\n{\"y\":2}";
    CHECK(write(fds[1], text, strlen(text)) == (ssize_t)strlen(text));
    close(fds[1]);
    const char *dash[] = {"-"};
    CHECK(!batch_input_count(dash, 1, &count));
    in = batch_input_new(dash, 1, fds[0], 20);
    CHECK(batch_input_next(in, &it, NULL));
    CHECK_STR(it.source, "<stdin>:1");
    CHECK_STR(it.data, "{\"x\":1}");
    batch_item_clear(&it);
    CHECK(batch_input_next(in, &it, NULL));
    CHECK_STR(it.source, "<stdin>:2");
    CHECK(it.data == NULL);
    CHECK_STR(it.error, "line is longer than the limit of 20 bytes");
    batch_item_clear(&it);
    CHECK(batch_input_next(in, &it, NULL));
    CHECK_STR(it.source, "<stdin>:3");
    CHECK_STR(it.data, "{\"y\":2}");
    batch_item_clear(&it);
    CHECK(!batch_input_next(in, &it, NULL));
    batch_input_free(in);
    close(fds[0]);
    free(dir);
    free(nd);
    free(missing);
    free(empty);
}

static char *read_all(const char *path, size_t *len) {
    diag_list *d = diag_list_new();
    char *data = file_read_all(path, 1u << 26, len, d);
    diag_list_free(d);
    return data;
}

static size_t count_lines(const char *s) {
    size_t n = 0;
    for (; s && *s; s++) n += *s == '\n';
    return n;
}

/* No temporary file left behind in a folder. */
static bool no_temporaries(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return false;
    bool clean = true;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strstr(de->d_name, ".tmp-")) clean = false;
    closedir(d);
    return clean;
}

static void test_runs(const tmpl *t, const font_lib *fonts) {
    const char *inputs[] = {"input"};
    char *out[2];
    for (unsigned j = 1; j <= 2; j++) {
        out[j - 1] = xasprintf("%s/out-j%u/deeper", scratch, j);
        diag_list *d = diag_list_new();
        batch *b = batch_new(t, fonts, &(batch_opts){.out_dir = out[j - 1], .jobs = j}, d);
        CHECK(b != NULL);
        batch_stats st;
        CHECK(b && batch_run(b, inputs, 1, &st));
        CHECK(st.reports == 5 && st.ok == 5 && st.failed == 0 && !st.interrupted);
        batch_free(b);
        diag_print(d, stderr);
        diag_list_free(d);
    }
    const char *ids[] = {"daye-2020", "fuxing-2020", "hengshan-2021", "kundulun-2022",
                         "luhuo-2021"};
    for (size_t i = 0; i < 5; i++) {
        char *a = xasprintf("%s/%s.pdf", out[0], ids[i]), *b = xasprintf("%s/%s.pdf", out[1], ids[i]);
        size_t la = 0, lb = 0;
        char *da = read_all(a, &la), *db = read_all(b, &lb);
        CHECK(da && db && la == lb && la > 1000 && memcmp(da, db, la) == 0);
        free(da);
        free(db);
        free(a);
        free(b);
    }
    char *mpath = xasprintf("%s/manifest.jsonl", out[1]);
    char *m = read_all(mpath, NULL);
    CHECK(count_lines(m) == 5);
    const char *at = m;
    for (size_t i = 0; i < 5 && at; i++) { /* in input (name) order */
        char *want = xasprintf("{\"id\":\"%s\",\"source\":\"input/%s.json\"", ids[i], ids[i]);
        at = strstr(at, want);
        CHECK(at != NULL);
        free(want);
    }
    CHECK(no_temporaries(out[1]));
    free(m);
    free(mpath);
    free(out[0]);
    free(out[1]);
}

typedef struct canceller {
    batch *b;
    int delay_ms;
} canceller;

static void *cancel_later(void *arg) {
    canceller *c = arg;
    struct timespec ts = {c->delay_ms / 1000, (long)(c->delay_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    batch_cancel(c->b);
    return NULL;
}

/* A pipe that stays open: the batch reads two reports, then waits for more
 * until it is cancelled; the manifest lists what was handled, no more. */
static void test_cancel(const tmpl *t, const font_lib *fonts) {
    size_t len = 0;
    char *json = read_all("input/kundulun-2022.json", &len);
    CHECK(json != NULL);
    if (!json) return;
    for (size_t i = 0; i < len; i++)
        if (json[i] == '\n') json[i] = ' '; /* one line: JSON strings hold no raw newline */
    int fds[2];
    CHECK(pipe(fds) == 0);
    char *two = xasprintf("%s\n%s\n", json, json);
    char *id = strstr(two + len, "kundulun-2022"); /* the second report gets another id */
    if (id) id[0] = 'K';
    FILE *w = fdopen(fds[1], "w");
    fputs(two, w);
    fflush(w);

    char *out = xasprintf("%s/out-cancel", scratch);
    diag_list *d = diag_list_new();
    batch *b = batch_new(t, fonts, &(batch_opts){.out_dir = out, .jobs = 2, .stdin_fd = fds[0]}, d);
    CHECK(b != NULL);
    if (b) {
        pthread_t th;
        canceller c = {b, 300};
        pthread_create(&th, NULL, cancel_later, &c);
        const char *dash[] = {"-"};
        batch_stats st;
        CHECK(batch_run(b, dash, 1, &st));
        pthread_join(th, NULL);
        CHECK(st.interrupted);
        CHECK(st.reports <= 2 && st.failed == 0);
        char *mpath = xasprintf("%s/manifest.jsonl", out);
        char *m = read_all(mpath, NULL);
        CHECK(m && count_lines(m) == st.reports);
        CHECK(no_temporaries(out));
        free(m);
        free(mpath);
    }
    batch_free(b);
    diag_list_free(d);
    fclose(w);
    close(fds[0]);

    /* cancelled before it starts: nothing handled, an empty manifest */
    char *out2 = xasprintf("%s/out-cancel-early", scratch);
    d = diag_list_new();
    b = batch_new(t, fonts, &(batch_opts){.out_dir = out2, .jobs = 1}, d);
    CHECK(b != NULL);
    if (b) {
        batch_cancel(b);
        const char *inputs[] = {"input"};
        batch_stats st;
        CHECK(batch_run(b, inputs, 1, &st));
        CHECK(st.interrupted && st.reports == 0);
        char *mpath = xasprintf("%s/manifest.jsonl", out2);
        size_t mlen = 99;
        char *m = read_all(mpath, &mlen);
        CHECK(m && mlen == 0);
        free(m);
        free(mpath);
    }
    batch_free(b);
    diag_list_free(d);
    free(out2);
    free(out);
    free(two);
    free(json);
}

static void test_bad_outdir(const tmpl *t, const font_lib *fonts) {
    char *file = xasprintf("%s/a-file", scratch);
    write_text(file, "x");
    char *under = xasprintf("%s/sub", file);
    diag_list *d = diag_list_new();
    CHECK(batch_new(t, fonts, &(batch_opts){.out_dir = file}, d) == NULL);
    CHECK(diag_size(d) == 1 && strstr(diag_text_at(d, 0), "not a folder"));
    diag_clear(d);
    CHECK(batch_new(t, fonts, &(batch_opts){.out_dir = under}, d) == NULL);
    CHECK(diag_size(d) == 1 && strstr(diag_text_at(d, 0), "cannot create the output folder"));
    diag_list_free(d);
    free(under);
    free(file);
}

static void test_summary(void) {
    char line[200];
    batch_summary(&(batch_stats){2850, 2849, 1, 9.5, false}, line, sizeof line);
    CHECK_STR(line, "2850 reports: 2849 ok, 1 failed, 9.5 s, 300 reports/s");
    batch_summary(&(batch_stats){1, 1, 0, 0.25, true}, line, sizeof line);
    CHECK_STR(line, "interrupted after 1 report: 1 ok, 0 failed, 0.2 s, 4 reports/s");
}

int main(void) {
    char tmpl_dir[] = "/tmp/briefing-test-batch-XXXXXX";
    scratch = mkdtemp(tmpl_dir);
    CHECK(scratch != NULL);
    if (!scratch) return CHECK_DONE();
    test_file_names();
    test_json_strings();
    test_manifest_line();
    test_summary();
    test_inputs();

    diag_list *d = diag_list_new();
    font_lib *fonts = font_lib_load("fonts/fonts.json", d);
    tmpl *t = tmpl_load("templates/briefing.json", d);
    CHECK(fonts && t);
    if (fonts && t) {
        test_runs(t, fonts);
        test_cancel(t, fonts);
        test_bad_outdir(t, fonts);
    }
    tmpl_free(t);
    font_lib_free(fonts);
    diag_list_free(d);
    char *rm = xasprintf("rm -rf '%s'", scratch);
    if (system(rm) != 0) fprintf(stderr, "could not remove %s\n", scratch);
    free(rm);
    return CHECK_DONE();
}
