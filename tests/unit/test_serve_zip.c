/* The streaming ZIP writer of briefing serve (src/serve/serve_zip.c), read
 * back by libzip as an independent reader: names (Chinese too), contents,
 * CRCs, the empty file, the order, the limits, and the same bytes twice. */
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "check.h"
#include "serve/serve_zip.h"

static void build(buf *out, const char *const *names, const char *const *data, const size_t *lens,
                  size_t n) {
    serve_zip z;
    serve_zip_init(&z);
    for (size_t i = 0; i < n; i++) CHECK(serve_zip_add(&z, out, names[i], data[i], lens[i]));
    serve_zip_finish(&z, out);
    CHECK(z.offset == out->len);
    serve_zip_free(&z);
}

int main(void) {
    static char big[300000];
    for (size_t i = 0; i < sizeof big; i++) big[i] = (char)(i * 7 + i / 251);
    const char *names[] = {"hengshan-2021.pdf", "衡山县2021年简报.pdf", "empty.pdf", "manifest.jsonl"};
    const char *data[] = {"%PDF-1.7 small", big, "", "{\"id\":\"x\"}\n"};
    size_t lens[] = {14, sizeof big, 0, 11};
    buf a, b;
    buf_init(&a);
    buf_init(&b);
    build(&a, names, data, lens, 4);
    build(&b, names, data, lens, 4);
    CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0); /* deterministic */

    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(a.data, a.len, 0, &err);
    zip_t *z = src ? zip_open_from_source(src, ZIP_CHECKCONS | ZIP_RDONLY, &err) : NULL;
    CHECK(z != NULL);
    if (z) {
        CHECK(zip_get_num_entries(z, 0) == 4);
        for (zip_uint64_t i = 0; i < 4; i++) {
            CHECK_STR(zip_get_name(z, i, ZIP_FL_ENC_RAW), names[i]);
            zip_stat_t st;
            CHECK(zip_stat_index(z, i, 0, &st) == 0 && st.size == lens[i] &&
                  st.comp_method == ZIP_CM_STORE);
            zip_file_t *f = zip_fopen_index(z, i, 0); /* libzip checks the CRC on reading */
            char *got = malloc(lens[i] + 1);
            CHECK(f && zip_fread(f, got, lens[i] + 1) == (zip_int64_t)lens[i]);
            CHECK(memcmp(got, data[i], lens[i]) == 0);
            CHECK(f && zip_fclose(f) == 0);
            free(got);
        }
        zip_close(z);
    } else {
        zip_source_free(src);
    }
    zip_error_fini(&err);

    /* the local header of the first entry carries its CRC and size (no data
     * descriptor), so a reader can stream the archive */
    CHECK(memcmp(a.data, "PK\3\4", 4) == 0);
    CHECK((unsigned char)a.data[6] == 0x00 && (unsigned char)a.data[7] == 0x08); /* UTF-8 names only */
    CHECK((unsigned char)a.data[18] == 14 && a.data[19] == 0);                   /* compressed size */

    /* the 65,535-entry limit of a ZIP without ZIP64 */
    serve_zip zz;
    serve_zip_init(&zz);
    buf c;
    buf_init(&c);
    zz.n = 65535;
    CHECK(!serve_zip_add(&zz, &c, "x", "y", 1) && c.len == 0);
    zz.n = 0;
    zz.offset = 0xfffffff0u; /* near 4 GiB */
    CHECK(!serve_zip_add(&zz, &c, "x", "y", 1) && c.len == 0);
    serve_zip_free(&zz);
    buf_free(&c);
    buf_free(&a);
    buf_free(&b);
    return CHECK_DONE();
}
