#define _GNU_SOURCE /* syncfs */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

char *file_read_all(const char *path, size_t max_bytes, size_t *len, diag_list *d) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        diag_add(d, DIAG_ERROR, path, NULL, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) memset(&st, 0, sizeof st);
    if (S_ISDIR(st.st_mode)) {
        diag_add(d, DIAG_ERROR, path, NULL, "is a directory");
        close(fd);
        return NULL;
    }
    /* A regular file's size is known: one buffer of that size (plus the
     * NUL and a byte to see the end), not 64 KB steps that realloc copies. */
    size_t cap = 0, n = 0;
    char *data = NULL;
    if (S_ISREG(st.st_mode) && st.st_size > 0 && (uintmax_t)st.st_size <= max_bytes) {
        cap = (size_t)st.st_size + 2;
        data = xmalloc(cap);
    }
    for (;;) {
        if (n + 1 >= cap) xgrow(&data, &cap, n + 65536 + 1, 1);
        ssize_t r = read(fd, data + n, cap - n - 1);
        if (r < 0) {
            if (errno == EINTR) continue;
            diag_add(d, DIAG_ERROR, path, NULL, "cannot read: %s", strerror(errno));
            free(data);
            close(fd);
            return NULL;
        }
        if (r == 0) break;
        n += (size_t)r;
        if (n > max_bytes) {
            diag_add(d, DIAG_ERROR, path, NULL, "file is larger than the limit of %zu bytes",
                     max_bytes);
            free(data);
            close(fd);
            return NULL;
        }
    }
    close(fd);
    data[n] = 0;
    if (len) *len = n;
    return data;
}

/* The temporary's name for path: the target's name plus ".tmp-XXXXXX", in
 * the same folder so that rename() cannot cross file systems. A name within
 * 11 bytes of NAME_MAX is cut short in the temporary's name, or a target name
 * the file system accepts could never be written. */
static char *temp_name(const char *path) {
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    size_t base_len = strlen(path) - dir_len, suffix = strlen(".tmp-XXXXXX");
    if (base_len + suffix > NAME_MAX) base_len = NAME_MAX > suffix ? NAME_MAX - suffix : 0;
    return xasprintf("%.*s.tmp-XXXXXX", (int)(dir_len + base_len), path);
}

/* Writes data to a new temporary beside path, synced when sync is set;
 * returns its name, or NULL with a diagnostic (and no temporary left). */
static char *write_temp(const char *path, const void *data, size_t len, bool sync,
                        diag_list *d) {
    char *tmp = temp_name(path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        diag_add(d, DIAG_ERROR, path, NULL, "cannot create: %s", strerror(errno));
        free(tmp);
        return NULL;
    }
    const char *p = data;
    size_t left = len;
    int err = 0;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR) continue;
            err = errno;
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    if (!err && sync && fsync(fd) != 0 && errno != EINVAL) err = errno;
    /* mkstemp creates 0600; a PDF is a document to share. umask() cannot be
     * read without setting it, which would race with other threads, so use the
     * common default instead. */
    if (!err) fchmod(fd, 0644);
    if (close(fd) != 0 && !err) err = errno;
    if (err) {
        unlink(tmp);
        diag_add(d, DIAG_ERROR, path, NULL, "cannot write: %s", strerror(err));
        free(tmp);
        return NULL;
    }
    return tmp;
}

bool file_write_atomic(const char *path, const void *data, size_t len, diag_list *d) {
    /* Signals that end the process (Ctrl-C, kill) wait until the temporary
     * is renamed or removed, or one in mid-write would leave it behind; a
     * pending one is delivered when the mask is restored below. */
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    sigaddset(&stop, SIGQUIT);
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    char *tmp = write_temp(path, data, len, true, d);
    bool ok = tmp && file_commit(tmp, path, d);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return ok;
}

/* ---- group commit ------------------------------------------------------ */

char *file_write_temp(const char *path, const void *data, size_t len, diag_list *d) {
    return write_temp(path, data, len, false, d);
}

bool file_sync_fs(const char *path, diag_list *d) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int err = fd < 0 ? errno : 0;
#if defined(__linux__)
    if (!err && syncfs(fd) != 0) err = errno;
#else
    if (!err) sync();
#endif
    if (fd >= 0) close(fd);
    if (err) diag_add(d, DIAG_ERROR, path, NULL, "cannot sync: %s", strerror(err));
    return !err;
}

bool file_commit(char *tmp, const char *path, diag_list *d) {
    bool ok = rename(tmp, path) == 0;
    if (!ok) {
        diag_add(d, DIAG_ERROR, path, NULL, "cannot write: %s", strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return ok;
}

void file_discard(char *tmp) {
    if (tmp) unlink(tmp);
    free(tmp);
}
