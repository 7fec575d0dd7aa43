/* Import speed: raw reports (text, web pages, .docx) into report JSON, in
 * one process with one importer (the batch situation). Prints MB of input
 * per second per file and over all, on one core.
 *
 *   bench_import [-n ROUNDS] FILE...
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "import/import.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    int rounds = 50, first = 1;
    if (argc > 2 && !strcmp(argv[1], "-n")) rounds = atoi(argv[2]), first = 3;
    if (first >= argc || rounds < 1) {
        fprintf(stderr, "usage: bench_import [-n ROUNDS] FILE...\n");
        return 2;
    }
    backends *b = backends_new_linked();
    importer *im = importer_new(b);
    /* ICU's transliterator and its Chinese word dictionary are loaded once
     * per process (0.1 s): not part of a report */
    {
        diag_list *d = diag_list_new();
        const char *warm = "某县2021年法治政府建设情况报告\n一、工作\n全县共审核规范性文件28件。\n";
        free(import_to_json(im, warm, strlen(warm), "warm.txt", NULL, NULL, d));
        diag_list_free(d);
    }
    double all_bytes = 0, all_s = 0;
    printf("%-44s %10s %10s %10s\n", "file", "bytes", "ms", "MB/s");
    for (int f = first; f < argc; f++) {
        diag_list *d = diag_list_new();
        size_t len = 0;
        char *data = file_read_all(argv[f], REPORT_MAX_BYTES, &len, d);
        if (!data) {
            diag_print(d, stderr);
            diag_list_free(d);
            continue;
        }
        double t0 = now_s();
        bool ok = true;
        for (int r = 0; r < rounds && ok; r++) {
            diag_clear(d);
            char *json = import_to_json(im, data, len, argv[f], NULL, NULL, d);
            ok = json != NULL;
            free(json);
        }
        double dt = (now_s() - t0) / rounds;
        if (!ok) {
            diag_print(d, stderr);
        } else {
            printf("%-44s %10zu %10.3f %10.1f\n", argv[f], len, dt * 1e3, (double)len / dt / 1e6);
            all_bytes += (double)len;
            all_s += dt;
        }
        free(data);
        diag_list_free(d);
    }
    if (all_s > 0)
        printf("import: %.1f MB of raw reports per second on one core (%.0f KB in %.2f ms)\n",
               all_bytes / all_s / 1e6, all_bytes / 1e3, all_s * 1e3);
    importer_free(im);
    import_process_cleanup(b);
    backends_free(b);
    return 0;
}
