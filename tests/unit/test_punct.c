/* ASCII punctuation in Chinese text shown full-width, never in numbers, times,
 * URLs or Latin text. */
#include <string.h>

#include "check.h"
#include "layout/punct.h"

static const char *conv(const char *in) {
    static buf b;
    buf_free(&b);
    punct_fullwidth(in, strlen(in), &b);
    return b.data ? b.data : "";
}

int main(void) {
    CHECK_STR(conv("2021年,我县法治政府建设"), "2021年，我县法治政府建设");
    CHECK_STR(conv("(一)领导重视,切实履行"), "（一）领导重视，切实履行");
    CHECK_STR(conv("第八个五年规划(2021-2025)》"), "第八个五年规划（2021-2025）》");
    CHECK_STR(conv("报告如下:"), "报告如下：");
    CHECK_STR(conv("一是;二是!三是?"), "一是；二是！三是？");
    /* Numbers, times, URLs and Latin text keep their ASCII marks. */
    CHECK_STR(conv("共1,000件"), "共1,000件");
    CHECK_STR(conv("10:30召开"), "10:30召开");
    CHECK_STR(conv("网址http://example.org,欢迎"), "网址http://example.org，欢迎");
    CHECK_STR(conv("Hello, world (test)"), "Hello, world (test)");
    CHECK_STR(conv("比例3.5%"), "比例3.5%");
    /* A bracket whose partner was lost in the source still converts by its
     * neighbours; nested pairs convert as pairs. */
    CHECK_STR(conv("忠县方案(2016—2020年》"), "忠县方案（2016—2020年》");
    CHECK_STR(conv("各乡(镇(村))卫生院"), "各乡（镇（村））卫生院");
    CHECK_STR(conv("(ABC)是"), "（ABC）是");
    CHECK_STR(conv(""), "");
    /* Spaces between a mark and Chinese text do not hide it. */
    CHECK_STR(conv("衡山县 , 司法局"), "衡山县 ， 司法局");
    return CHECK_DONE();
}
