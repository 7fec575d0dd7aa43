/* The ZIP of POST /v1/batch, written as the PDFs are rendered.
 *
 * Why not libzip, which the project links for .docx: measured with
 * bench/zip_stream_probe.c on libzip 1.7.3, it refuses to write to a source
 * that cannot seek ("Operation not supported"), and on one that can it writes
 * nothing while files are added (0 bytes after three 256 KB files) and all
 * 786,817 bytes in zip_close. So no PDF could reach the client before the
 * last one was rendered, and the whole archive would sit in memory. Here each PDF is
 * whole in memory when it is added, so its CRC and size are known and go in
 * the local header: no data descriptors are needed, and a reader that streams
 * the archive (unzip -, bsdtar) can read it without the central directory.
 *
 * Deterministic: every entry is dated 1980-01-01 00:00 (the DOS epoch), the
 * same bytes for the same reports. */
#include "serve/serve_zip.h"

#include <libdeflate.h>
#include <string.h>

static void put16(buf *b, unsigned v) {
    unsigned char c[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    buf_append(b, c, 2);
}

static void put32(buf *b, uint32_t v) {
    unsigned char c[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    buf_append(b, c, 4);
}

enum { DOS_TIME = 0, DOS_DATE = (0 << 9) | (1 << 5) | 1, UTF8_NAMES = 0x0800 };

void serve_zip_init(serve_zip *z) {
    memset(z, 0, sizeof *z);
    buf_init(&z->central);
}

bool serve_zip_add(serve_zip *z, buf *out, const char *name, const void *data, size_t len) {
    size_t nlen = strlen(name);
    uint64_t end = z->offset + 30 + nlen + len;
    /* the central directory must start below 4 GiB too: keep room for it */
    if (z->n >= 65535 || nlen > 0xffff || end + z->central.len + 46 + nlen + 22 > 0xffffffffu)
        return false;
    uint32_t crc = libdeflate_crc32(0, data, len);
    put32(out, 0x04034b50);
    put16(out, 10); /* version needed: 1.0, stored */
    put16(out, UTF8_NAMES);
    put16(out, 0); /* stored */
    put16(out, DOS_TIME);
    put16(out, DOS_DATE);
    put32(out, crc);
    put32(out, (uint32_t)len);
    put32(out, (uint32_t)len);
    put16(out, (unsigned)nlen);
    put16(out, 0);
    buf_append(out, name, nlen);
    buf_append(out, data, len);

    buf *c = &z->central;
    put32(c, 0x02014b50);
    put16(c, (3 << 8) | 10); /* made by: Unix, 1.0 (so the mode below is read) */
    put16(c, 10);
    put16(c, UTF8_NAMES);
    put16(c, 0);
    put16(c, DOS_TIME);
    put16(c, DOS_DATE);
    put32(c, crc);
    put32(c, (uint32_t)len);
    put32(c, (uint32_t)len);
    put16(c, (unsigned)nlen);
    put16(c, 0); /* extra */
    put16(c, 0); /* comment */
    put16(c, 0); /* disk */
    put16(c, 0); /* internal attributes */
    put32(c, (uint32_t)0100644 << 16); /* a regular file, rw-r--r-- */
    put32(c, (uint32_t)z->offset);
    buf_append(c, name, nlen);
    z->offset = end;
    z->n++;
    return true;
}

void serve_zip_finish(serve_zip *z, buf *out) {
    buf_append(out, z->central.data, z->central.len);
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, (unsigned)z->n);
    put16(out, (unsigned)z->n);
    put32(out, (uint32_t)z->central.len);
    put32(out, (uint32_t)z->offset);
    put16(out, 0);
    z->offset += z->central.len + 22;
}

void serve_zip_free(serve_zip *z) { buf_free(&z->central); }
