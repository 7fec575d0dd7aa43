/* Can libzip stream an archive to a socket? The question behind
 * src/serve/serve_zip.c. This opens an archive on a write-only source that
 * logs every callback, adds three 256 KB files and reports how many bytes
 * libzip had written before zip_close, and whether it can write at all to a
 * source that cannot seek (a socket cannot).
 *
 *   build/zip_stream_probe
 *
 * Measured with libzip 1.7.3 (Debian 12):
 *   - a source without ZIP_SOURCE_SEEK_WRITE/TELL_WRITE: zip_open_from_source
 *     refuses it for writing ("Operation not supported");
 *   - with them: 0 bytes are written after each of the three zip_file_add;
 *     all 786,817 come out in zip_close, after the last file was added.
 * So libzip cannot send the first PDF while the others are being rendered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

typedef struct probe {
    int seekable;
    zip_int64_t written, pos;
    int in_close;
    zip_int64_t written_before_close;
    zip_error_t error;
} probe;

static zip_int64_t cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd) {
    probe *p = ud;
    switch (cmd) {
    case ZIP_SOURCE_SUPPORTS: {
        zip_int64_t s = zip_source_make_command_bitmap(
            ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR,
            ZIP_SOURCE_FREE, ZIP_SOURCE_BEGIN_WRITE, ZIP_SOURCE_COMMIT_WRITE,
            ZIP_SOURCE_ROLLBACK_WRITE, ZIP_SOURCE_WRITE, ZIP_SOURCE_REMOVE, -1);
        if (p->seekable)
            s |= zip_source_make_command_bitmap(ZIP_SOURCE_SEEK_WRITE, ZIP_SOURCE_TELL_WRITE,
                                                ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, -1);
        return s;
    }
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = data;
        zip_stat_init(st);
        st->valid = ZIP_STAT_SIZE;
        st->size = 0;
        return sizeof *st;
    }
    case ZIP_SOURCE_OPEN:
    case ZIP_SOURCE_CLOSE:
    case ZIP_SOURCE_FREE:
    case ZIP_SOURCE_BEGIN_WRITE:
    case ZIP_SOURCE_COMMIT_WRITE:
    case ZIP_SOURCE_ROLLBACK_WRITE:
    case ZIP_SOURCE_REMOVE: return 0;
    case ZIP_SOURCE_READ: return 0;
    case ZIP_SOURCE_WRITE:
        p->written += (zip_int64_t)len;
        p->pos += (zip_int64_t)len;
        return (zip_int64_t)len;
    case ZIP_SOURCE_SEEK_WRITE: {
        zip_source_args_seek_t *a = data;
        p->pos = a->whence == SEEK_SET ? a->offset : a->whence == SEEK_CUR ? p->pos + a->offset : p->written + a->offset;
        return 0;
    }
    case ZIP_SOURCE_TELL_WRITE: return p->pos;
    case ZIP_SOURCE_SEEK: return 0;
    case ZIP_SOURCE_TELL: return 0;
    case ZIP_SOURCE_ERROR: return zip_error_to_data(&p->error, data, len);
    default: return -1;
    }
}

static void run(int seekable) {
    probe p = {.seekable = seekable};
    zip_error_init(&p.error);
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_function_create(cb, &p, &err);
    zip_t *z = src ? zip_open_from_source(src, ZIP_CREATE | ZIP_TRUNCATE, &err) : NULL;
    if (!z) {
        printf("%s source: cannot open for writing: %s\n", seekable ? "seekable" : "unseekable",
               zip_error_strerror(&err));
        zip_source_free(src);
        return;
    }
    static char pdf[3][256 * 1024];
    for (int i = 0; i < 3; i++) {
        memset(pdf[i], 'a' + i, sizeof pdf[i]);
        char name[16];
        snprintf(name, sizeof name, "%d.pdf", i);
        zip_source_t *fs = zip_source_buffer(z, pdf[i], sizeof pdf[i], 0);
        zip_int64_t idx = zip_file_add(z, name, fs, ZIP_FL_ENC_UTF_8);
        zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
        printf("%s source: after adding %s: %lld bytes written\n", seekable ? "seekable" : "unseekable",
               name, (long long)p.written);
    }
    zip_int64_t before = p.written;
    int rc = zip_close(z);
    printf("%s source: zip_close %s; %lld bytes before it, %lld after\n",
           seekable ? "seekable" : "unseekable", rc == 0 ? "succeeded" : zip_strerror(z),
           (long long)before, (long long)p.written);
    if (rc != 0) zip_discard(z);
}

int main(void) {
    printf("libzip %s\n", zip_libzip_version());
    run(0);
    run(1);
    return 0;
}
