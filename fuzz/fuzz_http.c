/* libFuzzer target: raw bytes as an HTTP request to a `briefing serve`
 * running in this process on 127.0.0.1 (a free port), through the real
 * socket, libmicrohttpd's parser, the routing, the body handling (NDJSON
 * split, multipart through MHD_PostProcessor, template names, content
 * types) and the answers (problem+json, PDFs, the streamed ZIP).
 *
 * Invariants: whatever arrives, the server answers with an HTTP status line
 * or closes the connection within 15 s; and it still answers
 * GET /healthz with 200 afterwards. Crashes, leaks and sanitizer reports in
 * the server's threads end the process, so libFuzzer keeps the input. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "serve/serve.h"
#include "util/xalloc.h"

/* Started once by LLVMFuzzerInitialize, then only used through sockets. */
static serve *server;
static unsigned port;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *data_path(const char *rel) {
    const char *dir = getenv("BRIEFING_DATA_DIR");
    return xasprintf("%s/%s", dir && *dir ? dir : BRIEFING_SOURCE_DIR, rel);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    signal(SIGPIPE, SIG_IGN);
    char *tdir = data_path("templates");
    char *fonts = data_path("fonts/fonts.json");
    const char *dirs[] = {tdir};
    diag_list *d = diag_list_new();
    serve_opts o = {.listen = "127.0.0.1:0",
                    .template_dirs = dirs,
                    .n_template_dirs = 1,
                    .fonts_path = fonts,
                    .jobs = 2,
                    .deadline_s = 5,
                    .conn_timeout_s = 5,
                    .fallback_epoch = 0};
    server = serve_new(&o, d);
    if (!server || !serve_start(server, d)) {
        diag_print(d, stderr);
        abort();
    }
    port = serve_port(server);
    diag_list_free(d);
    free(tdir);
    free(fonts);
    return 0;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sends req, closes the sending side, reads the answer until the server
 * closes. Returns the bytes read (at most cap), or -1 when nothing ends the
 * exchange within 15 s.
 *
 * libFuzzer's -timeout runs on SIGALRM, and a socket call with a time-out
 * (SO_RCVTIMEO) interrupted by a signal fails with EINTR even under
 * SA_RESTART (signal(7)): such a call is simply made again. Taking EINTR
 * for a time-out made this target report a stalled server now and then,
 * which a debugger showed was never stalled. */
static ssize_t exchange(const void *req, size_t len, char *out, size_t cap) {
    double deadline = now_s() + 15;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) abort();
    struct timeval tv = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc;
    while ((rc = connect(fd, (struct sockaddr *)&a, sizeof a)) != 0 && errno == EINTR) {
    }
    if (rc != 0) abort();
    size_t off = 0;
    while (off < len && now_s() < deadline) { /* the server may answer and close before reading it all */
        ssize_t k = send(fd, (const char *)req + off, len - off, MSG_NOSIGNAL);
        if (k < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
        if (k <= 0) break;
        off += (size_t)k;
    }
    shutdown(fd, SHUT_WR);
    size_t n = 0;
    char sink[65536];
    for (;;) {
        char *dst = n < cap ? out + n : sink;
        size_t room = n < cap ? cap - n : sizeof sink;
        ssize_t k = recv(fd, dst, room, 0);
        if (k == 0) break;
        if (k < 0) {
            if ((errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) && now_s() < deadline)
                continue;
            close(fd);
            /* a reset is a close (the server refused the rest of the input) */
            return errno == ECONNRESET ? (ssize_t)(n < cap ? n : cap) : -1;
        }
        n += (size_t)k;
    }
    close(fd);
    return (ssize_t)(n < cap ? n : cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char answer[4096];
    ssize_t n = exchange(data, size, answer, sizeof answer);
    if (n < 0) {
        fprintf(stderr, "fuzz_http: no answer and no close within 15 s\n");
        static const char m[] = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        static char metrics[65536];
        n = exchange(m, sizeof m - 1, metrics, sizeof metrics - 1);
        fprintf(stderr, "fuzz_http: /metrics then: %.*s\n", (int)(n > 0 ? n : 0), metrics);
        if (getenv("FUZZ_HTTP_PAUSE")) sleep(600); /* to attach a debugger */
        abort();
    }
    if (n > 0 && (n < 9 || memcmp(answer, "HTTP/1.", 7) != 0)) {
        fprintf(stderr, "fuzz_http: the answer is not HTTP: %.*s\n", (int)(n < 200 ? n : 200), answer);
        abort();
    }
    static const char health[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    n = exchange(health, sizeof health - 1, answer, sizeof answer);
    if (n < 12 || memcmp(answer + 9, "200", 3) != 0) {
        fprintf(stderr, "fuzz_http: /healthz does not answer 200 after the input (%zd bytes: %.*s)\n",
                n, (int)(n > 0 ? (n < 300 ? n : 300) : 0), answer);
        if (getenv("FUZZ_HTTP_PAUSE")) sleep(600); /* to attach a debugger */
        abort();
    }
    return 0;
}
