/* Batch throughput as a user sees it: runs `briefing batch` as a child
 * process, once on one worker thread and once on every online core, and
 * prints reports per second, milliseconds per report (wall and CPU), the
 * child's peak RSS and the output size. Both runs must give the same PDFs
 * (checked by hashing every file the manifest lists). With --fresh it also
 * times fresh `briefing render` processes, the one-document case.
 *
 *   bench_batch [-b BRIEFING] [-o OUTDIR] [-r ROUNDS] [--fresh REPORT.json] INPUT...
 *
 * The machine's other load shows in wall times: with -r the best round
 * counts. CPU time per report is the steadier number. */
#define _DEFAULT_SOURCE /* wait4: the child's own rusage */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "util/xalloc.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct run {
    double wall, cpu; /* seconds */
    long max_rss_kb;
    int status;
} run;

/* Runs argv, returns false when it could not be started. */
static bool run_child(char *const argv[], bool quiet_stderr, run *out) {
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
        if (quiet_stderr) {
            FILE *null = freopen("/dev/null", "w", stderr);
            (void)null;
        }
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR) return false;
    out->wall = now_s() - t0;
    out->cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    out->max_rss_kb = ru.ru_maxrss;
    out->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
}

/* What the manifest says: lines, ok lines, PDF bytes, and a hash over every
 * PDF it lists (in manifest order) to compare two runs. */
typedef struct tally {
    size_t reports, ok;
    unsigned long long bytes;
    uint64_t hash;
} tally;

static uint64_t fnv(uint64_t h, const char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static bool read_manifest(const char *dir, tally *t) {
    *t = (tally){.hash = 0xcbf29ce484222325ull};
    char *path = xasprintf("%s/manifest.jsonl", dir);
    diag_list *d = diag_list_new();
    size_t len = 0;
    char *m = file_read_all(path, 1u << 30, &len, d);
    diag_print(d, stderr);
    diag_list_free(d);
    free(path);
    if (!m) return false;
    for (char *line = m, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl) break;
        *nl = 0;
        t->reports++;
        if (!strstr(line, "\"status\":\"ok\"")) continue;
        t->ok++;
        const char *o = strstr(line, "\"output\":\"");
        if (!o) continue;
        o += strlen("\"output\":\"");
        const char *q = strchr(o, '"');
        char *pdf = xasprintf("%s/%.*s", dir, (int)(q - o), o);
        diag_list *dd = diag_list_new();
        size_t n = 0;
        char *data = file_read_all(pdf, 1u << 30, &n, dd);
        diag_list_free(dd);
        if (data) {
            t->bytes += n;
            t->hash = fnv(t->hash, data, n);
        }
        free(data);
        free(pdf);
    }
    free(m);
    return true;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Each round writes into a folder of its own, removed at the end: a batch
 * written over the previous round's files (or right after removing them)
 * measures ext4 looking for an inode that was not freed in the last seconds
 * (recently_deleted(), 10 % of the CPU time here), not briefing. */
static char *round_dir(const char *outdir, unsigned jobs, int round) {
    return xasprintf("%s/j%u-%ld-r%d", outdir, jobs, (long)getpid(), round);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static char *default_briefing(void) {
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return xstrdup("./briefing");
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (slash) *slash = 0;
    return xasprintf("%s/briefing", exe);
}

int main(int argc, char **argv) {
    char *bin = NULL;
    const char *outdir = "bench-out", *fresh = NULL;
    int rounds = 1;
    int first = 1;
    for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
        const char *a = argv[first];
        bool next = first + 1 < argc;
        if (!strcmp(a, "-b") && next) bin = xstrdup(argv[++first]);
        else if (!strcmp(a, "-o") && next) outdir = argv[++first];
        else if (!strcmp(a, "-r") && next) rounds = atoi(argv[++first]);
        else if (!strcmp(a, "--fresh") && next) fresh = argv[++first];
        else break;
    }
    if (first >= argc || rounds < 1) {
        fprintf(stderr, "usage: bench_batch [-b BRIEFING] [-o OUTDIR] [-r ROUNDS] "
                        "[--fresh REPORT.json] INPUT...\n");
        return 2;
    }
    if (!bin) bin = default_briefing();
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1) cores = 1;
    int status = 0;

    int n_in = argc - first;
    uint64_t first_hash = 0;
    bool have_hash = false;
    unsigned jobs_list[2] = {1, (unsigned)cores};
    char **dirs = xcalloc(2 * (size_t)rounds, sizeof *dirs);
    int n_dirs = 0;
    for (int k = 0; k < (cores > 1 ? 2 : 1); k++) {
        unsigned jobs = jobs_list[k];
        char *dir = round_dir(outdir, jobs, 0);
        char jbuf[16];
        snprintf(jbuf, sizeof jbuf, "%u", jobs);
        char **cmd = xcalloc((size_t)n_in + 9, sizeof *cmd);
        int c = 0;
        cmd[c++] = bin;
        cmd[c++] = "batch";
        for (int i = 0; i < n_in; i++) cmd[c++] = argv[first + i];
        cmd[c++] = "-o";
        cmd[c++] = dir;
        cmd[c++] = "-j";
        cmd[c++] = jbuf;
        cmd[c++] = "--quiet";
        cmd[c] = NULL;
        run best = {0};
        bool ok = true;
        int dir_arg = c - 4; /* cmd ends: -o DIR -j N --quiet */
        for (int r = 0; r < rounds && ok; r++) {
            run one;
            char *rdir = r == 0 ? dir : round_dir(outdir, jobs, r);
            cmd[dir_arg] = rdir;
            ok = run_child(cmd, false, &one);
            if (r > 0) dirs[n_dirs++] = rdir;
            if (ok && (r == 0 || one.wall < best.wall)) best = one;
        }
        tally t = {0};
        if (!ok || !read_manifest(dir, &t)) {
            fprintf(stderr, "bench_batch: %s batch did not run\n", bin);
            return 1;
        }
        if (best.status != 0) fprintf(stderr, "bench_batch: batch exited with %d\n", best.status);
        double n = t.reports ? (double)t.reports : 1;
        printf("batch -j %-2u %zu reports (%zu ok) in %.2f s: %.1f reports/s, %.2f ms/report wall, "
               "%.2f ms/report CPU, peak RSS %.1f MB, output %.1f MB (%.1f KB/report)\n",
               jobs, t.reports, t.ok, best.wall, (double)t.reports / best.wall,
               best.wall * 1e3 / n, best.cpu * 1e3 / n, (double)best.max_rss_kb / 1024.0,
               (double)t.bytes / 1048576.0, (double)t.bytes / 1024.0 / n);
        if (have_hash && t.hash != first_hash) {
            printf("batch -j %u: the PDFs differ from the -j 1 run\n", jobs);
            status = 1;
        }
        first_hash = t.hash;
        have_hash = true;
        free(cmd);
        dirs[n_dirs++] = dir;
    }
    for (int i = 0; i < n_dirs; i++) {
        nftw(dirs[i], remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(dirs[i]);
    }
    free(dirs);
    if (have_hash && cores > 1 && status == 0) printf("-j 1 and -j %ld wrote identical PDFs\n", cores);

    if (fresh) {
        enum { FRESH_RUNS = 20 };
        char *pdf = xasprintf("%s/fresh.pdf", outdir);
        char *cmd[] = {bin, "render", (char *)fresh, "-o", pdf, NULL};
        double walls[FRESH_RUNS];
        long rss = 0;
        for (int i = 0; i < FRESH_RUNS; i++) {
            run one;
            if (!run_child(cmd, false, &one) || one.status != 0) {
                fprintf(stderr, "bench_batch: %s render %s failed\n", bin, fresh);
                return 1;
            }
            walls[i] = one.wall * 1e3;
            if (one.max_rss_kb > rss) rss = one.max_rss_kb;
        }
        qsort(walls, FRESH_RUNS, sizeof *walls, cmp_double);
        struct stat st;
        long long size = stat(pdf, &st) == 0 ? (long long)st.st_size : -1;
        printf("fresh render %s: best %.1f ms, median %.1f ms over %d processes, peak RSS %.1f MB, "
               "PDF %.1f KB\n",
               fresh, walls[0], walls[FRESH_RUNS / 2], FRESH_RUNS, (double)rss / 1024.0,
               (double)size / 1024.0);
        free(pdf);
    }
    free(bin);
    return status;
}
