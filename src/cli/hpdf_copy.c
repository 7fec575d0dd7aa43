/* libharu's byte copy, replaced in the programs of this tree (the command
 * line and the benches), never in the library others link.
 *
 * libharu copies every byte it stores or writes through HPDF_MemCpy
 * (hpdf_utils.h), a plain byte loop: a document's ~250 KB pass through it four
 * times (into the stream objects, into the document, out of it), a tenth of
 * the time a render takes. libharu calls it through the PLT, so this
 * definition, with the same contract (copies n bytes, returns out + n),
 * takes the place of the library's in a program that defines it (ELF symbol
 * interposition; the program exports it because libharu refers to it).
 * Should a libharu build bind the call internally, the library's own copy
 * simply goes on being used. A library must not do this to its users'
 * libharu, so libbriefing does not (it is built with hidden symbols). */
#include <string.h>

#include <hpdf.h>
#include <hpdf_utils.h>

__attribute__((visibility("default"))) HPDF_BYTE *HPDF_MemCpy(HPDF_BYTE *out, const HPDF_BYTE *in,
                                                              HPDF_UINT n) {
    /* memmove: the loop copied forwards, which overlapping ranges with out
     * before in would rely on */
    if (n) memmove(out, in, n);
    return out + n;
}
