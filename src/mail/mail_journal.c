#define _POSIX_C_SOURCE 200809L
#include "mail_journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../batch/batch_manifest.h"
#include "../util/buf.h"
#include "../util/strmap.h"
#include "../util/json_text.h"
#include "../util/xalloc.h"

/* A journal of millions of lines is far past any real mailing; the bound
 * keeps a wrong file (--journal pointing at a video) from being slurped. */
#define JOURNAL_MAX_BYTES (1u << 30)

struct mail_journal {
    char *path;
    int fd;
    str_map sent; /* "message-id\naddress" */
    size_t n;
    bool broken; /* a write failed: nothing more is appended */
};

static char *pair_key(const char *message_id, const char *addr) {
    return xasprintf("%s\n%s", message_id, addr);
}

/* One line: false with *why set when it is not a journal entry. */
static bool read_line(mail_journal *j, const char *p, size_t n, const char **why) {
    cJSON *o = json_parse_raw(p, n, NULL);
    const cJSON *mid = cJSON_GetObjectItemCaseSensitive(o, "message_id");
    const cJSON *acc = cJSON_GetObjectItemCaseSensitive(o, "accepted");
    bool ok = cJSON_IsObject(o) && cJSON_IsString(mid) && cJSON_IsArray(acc);
    *why = !o ? "not JSON" : "not a journal entry (message_id and accepted)";
    const cJSON *list = ok ? acc : NULL, *a;
    cJSON_ArrayForEach(a, list) {
        if (!cJSON_IsString(a)) {
            ok = false;
            *why = "accepted holds something else than addresses";
            break;
        }
        char *k = pair_key(mid->valuestring, a->valuestring);
        if (!str_map_get(&j->sent, k)) j->n++;
        str_map_put(&j->sent, k, NULL);
        free(k);
    }
    cJSON_Delete(o);
    return ok;
}

static bool slurp(mail_journal *j, buf *b, diag_list *d) {
    struct stat st;
    if (fstat(j->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        diag_add(d, DIAG_ERROR, j->path, NULL, "the journal is not a regular file");
        return false;
    }
    if ((unsigned long long)st.st_size > JOURNAL_MAX_BYTES) {
        diag_add(d, DIAG_ERROR, j->path, NULL, "the journal is over %u bytes: not a journal?",
                 JOURNAL_MAX_BYTES);
        return false;
    }
    buf_reserve(b, (size_t)st.st_size + 1);
    for (;;) {
        buf_reserve(b, 65536);
        ssize_t k = read(j->fd, b->data + b->len, 65536);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            diag_add(d, DIAG_ERROR, j->path, NULL, "cannot read the journal: %s",
                     strerror(errno));
            return false;
        }
        if (k == 0) break;
        b->len += (size_t)k;
    }
    return true;
}

static bool load(mail_journal *j, diag_list *d) {
    buf b;
    buf_init(&b);
    bool ok = slurp(j, &b, d);
    size_t start = 0, line = 1;
    for (size_t i = 0; ok && i < b.len; i++) {
        if (b.data[i] != '\n') continue;
        const char *why;
        if (i > start && !read_line(j, b.data + start, i - start, &why)) {
            diag_add(d, DIAG_ERROR, j->path, NULL, "line %zu: %s", line, why);
            ok = false;
        }
        start = i + 1;
        line++;
    }
    /* A last line without its newline: a whole entry (an editor dropped the
     * newline) is kept and the newline added; anything else is a write the
     * process did not live to finish, whose message counts as not accepted
     * (sent again: the one in flight), cut off so that the next entry
     * starts on a line of its own. */
    if (ok && start < b.len) {
        const char *why;
        if (read_line(j, b.data + start, b.len - start, &why)) {
            if (write(j->fd, "\n", 1) != 1) {
                diag_add(d, DIAG_ERROR, j->path, NULL, "cannot repair the journal: %s",
                         strerror(errno));
                ok = false;
            }
        } else {
            diag_add(d, DIAG_WARNING, j->path, NULL,
                     "line %zu was cut short (the run was killed while writing it); dropped",
                     line);
            if (ftruncate(j->fd, (off_t)start) != 0) {
                diag_add(d, DIAG_ERROR, j->path, NULL, "cannot repair the journal: %s",
                         strerror(errno));
                ok = false;
            }
        }
    }
    buf_free(&b);
    return ok;
}

mail_journal *mail_journal_open(const char *path, diag_list *d) {
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        diag_add(d, DIAG_ERROR, path, NULL, "cannot open the journal: %s", strerror(errno));
        return NULL;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        diag_add(d, DIAG_ERROR, path, NULL,
                 errno == EWOULDBLOCK ? "the journal is in use by another briefing mail run"
                                      : "cannot lock the journal: %s",
                 strerror(errno));
        close(fd);
        return NULL;
    }
    mail_journal *j = xcalloc(1, sizeof *j);
    j->path = xstrdup(path);
    j->fd = fd;
    if (!load(j, d)) {
        mail_journal_free(j);
        return NULL;
    }
    return j;
}

void mail_journal_free(mail_journal *j) {
    if (!j) return;
    close(j->fd); /* releases the lock */
    str_map_free(&j->sent);
    free(j->path);
    free(j);
}

bool mail_journal_has(const mail_journal *j, const char *message_id, const char *addr) {
    char *k = pair_key(message_id, addr);
    bool has = str_map_get(&j->sent, k) != NULL;
    free(k);
    return has;
}

size_t mail_journal_size(const mail_journal *j) {
    return j->n;
}

static bool write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return false;
        p += k;
        n -= (size_t)k;
    }
    return true;
}

bool mail_journal_add(mail_journal *j, const char *message_id, const char *id,
                      const char *const *accepted, size_t n, const char *reply, diag_list *d) {
    buf b;
    buf_init(&b);
    buf_puts(&b, "{\"message_id\": ");
    batch_json_string(&b, message_id);
    buf_puts(&b, ", \"id\": ");
    batch_json_string(&b, id ? id : "");
    buf_puts(&b, ", \"accepted\": [");
    for (size_t i = 0; i < n; i++) {
        if (i) buf_puts(&b, ", ");
        batch_json_string(&b, accepted[i]);
    }
    buf_puts(&b, "], \"reply\": ");
    batch_json_string(&b, reply ? reply : "");
    time_t now = time(NULL);
    struct tm tm;
    char when[32] = "";
    if (gmtime_r(&now, &tm)) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    buf_puts(&b, ", \"time\": ");
    batch_json_string(&b, when);
    buf_puts(&b, "}\n");
    /* one write of the whole line, then to the disk before the next message:
     * a kill leaves at most this line unfinished, a power cut loses nothing
     * the server was told */
    /* A failed write (a full disk) may leave part of the line: cut the file
     * back, and append nothing more, so that the journal stays whole for
     * the re-run. */
    off_t size = j->broken ? -1 : lseek(j->fd, 0, SEEK_END);
    bool ok = size >= 0 && write_all(j->fd, b.data, b.len) && fdatasync(j->fd) == 0;
    if (!ok) {
        int err = j->broken ? EIO : errno;
        diag_add(d, DIAG_ERROR, j->path, NULL, "cannot write the journal: %s", strerror(err));
        if (size >= 0 && ftruncate(j->fd, size) != 0)
            diag_add(d, DIAG_ERROR, j->path, NULL,
                     "cannot cut back a partly written line (%s): remove its last line by hand",
                     strerror(errno));
        j->broken = true;
    }
    buf_free(&b);
    for (size_t i = 0; ok && i < n; i++) {
        char *k = pair_key(message_id, accepted[i]);
        if (!str_map_get(&j->sent, k)) j->n++;
        str_map_put(&j->sent, k, NULL);
        free(k);
    }
    return ok;
}
