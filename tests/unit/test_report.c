/* Unit tests for report_parse / report_load (docs/report-format.md): every
 * diagnostic is compared as its full text, "t.json: PATH: message". */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "report/report.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* ---- helpers ------------------------------------------------------------- */

static bool last_ok;     /* report_parse returned a report */
static char *last_diags; /* every diagnostic of the last run, one per line */

/* Parses json[0..len) as "t.json" and returns all diagnostics as text. */
static const char *run_n(const char *json, size_t len) {
    diag_list *d = diag_list_new();
    report *r = report_parse(json, len, "t.json", d);
    last_ok = r != NULL;
    CHECK(last_ok == (diag_count(d, DIAG_ERROR) == 0));
    buf b;
    buf_init(&b);
    buf_puts(&b, "");
    for (size_t i = 0; i < diag_size(d); i++) {
        buf_puts(&b, diag_text_at(d, i));
        buf_putc(&b, '\n');
    }
    report_free(r);
    diag_list_free(d);
    free(last_diags);
    last_diags = buf_steal(&b, NULL);
    return last_diags;
}

static const char *run(const char *json) { return run_n(json, strlen(json)); }

/* Parses json that must be valid; diagnostics (warnings) go to *diags_out. */
static report *parse_ok(const char *json, diag_list *d) {
    report *r = report_parse(json, strlen(json), "t.json", d);
    CHECK(r != NULL);
    return r;
}

/* The pieces of a minimal valid report, to build variants from. */
#define ID "\"id\":\"a\""
#define REGION "\"region\":{\"name\":\"R\"}"
#define YEAR "\"year\":2021"
#define TITLE "\"title\":\"T\""
#define SECTIONS "\"sections\":[{\"title\":\"S\"}]"
#define MIN ID "," REGION "," YEAR "," TITLE "," SECTIONS

/* ---- valid input ---------------------------------------------------------- */

static const char full_json[] =
    "{\n"
    "  \"id\": \"hengshan-2021\",\n"
    "  \"region\": { \"name\": \"衡山县\", \"level\": \"县\", \"parent\": \"湖南省衡阳市\" },\n"
    "  \"year\": 2021,\n"
    "  \"title\": \"衡山县2021年法治政府建设情况报告\",\n"
    "  \"issuer\": \"衡山县人民政府\",\n"
    "  \"date\": \"2022-02-21\",\n"
    "  \"summary\": [\"2021年，我县坚持以习近平法治思想为指导。\", \"第二段。\"],\n"
    "  \"indicators\": [\n"
    "    { \"label\": \"政务服务事项\", \"value\": 497, \"unit\": \"个\", \"category\": \"政务服务\",\n"
    "      \"quote\": \"梳理政务服务事项497个\", \"key\": \"gov-services\" },\n"
    "    { \"label\": \"办结率\", \"value\": 99.5 }\n"
    "  ],\n"
    "  \"sections\": [\n"
    "    { \"title\": \"一、主要举措\", \"paragraphs\": [\"段落一。\", \"段落二。\"],\n"
    "      \"sections\": [ { \"title\": \"（一）加强领导\", \"paragraphs\": [\"细节。\"] },\n"
    "                    { \"title\": \"（二）完善制度\" } ] },\n"
    "    { \"title\": \"二、存在问题\" }\n"
    "  ]\n"
    "}\n";

static void test_full_report(void) {
    diag_list *d = diag_list_new();
    report *r = parse_ok(full_json, d);
    CHECK(diag_size(d) == 0);
    if (!r) {
        diag_print(d, stderr);
        diag_list_free(d);
        return;
    }
    CHECK_STR(r->source, "t.json");
    CHECK_STR(r->id, "hengshan-2021");
    CHECK_STR(r->region_name, "衡山县");
    CHECK_STR(r->region_level, "县");
    CHECK_STR(r->region_parent, "湖南省衡阳市");
    CHECK(r->year == 2021);
    CHECK_STR(r->title, "衡山县2021年法治政府建设情况报告");
    CHECK_STR(r->issuer, "衡山县人民政府");
    CHECK_STR(r->date, "2022-02-21");
    CHECK(r->n_summary == 2);
    CHECK_STR(r->summary[0], "2021年，我县坚持以习近平法治思想为指导。");
    CHECK_STR(r->summary[1], "第二段。");
    CHECK(r->n_indicators == 2);
    CHECK_STR(r->indicators[0].label, "政务服务事项");
    CHECK(r->indicators[0].value == 497);
    CHECK_STR(r->indicators[0].unit, "个");
    CHECK_STR(r->indicators[0].category, "政务服务");
    CHECK_STR(r->indicators[0].quote, "梳理政务服务事项497个");
    CHECK_STR(r->indicators[0].key, "gov-services");
    CHECK_STR(r->indicators[1].label, "办结率");
    CHECK(r->indicators[1].value == 99.5);
    CHECK(r->indicators[1].unit == NULL);
    CHECK(r->indicators[1].category == NULL);
    CHECK(r->indicators[1].quote == NULL);
    CHECK(r->indicators[1].key == NULL);
    CHECK(r->n_sections == 2);
    CHECK_STR(r->sections[0].title, "一、主要举措");
    CHECK(r->sections[0].n_paragraphs == 2);
    CHECK_STR(r->sections[0].paragraphs[0], "段落一。");
    CHECK_STR(r->sections[0].paragraphs[1], "段落二。");
    CHECK(r->sections[0].n_sections == 2);
    CHECK_STR(r->sections[0].sections[0].title, "（一）加强领导");
    CHECK(r->sections[0].sections[0].n_paragraphs == 1);
    CHECK_STR(r->sections[0].sections[0].paragraphs[0], "细节。");
    CHECK(r->sections[0].sections[0].n_sections == 0);
    CHECK_STR(r->sections[0].sections[1].title, "（二）完善制度");
    CHECK(r->sections[0].sections[1].n_paragraphs == 0);
    CHECK(r->sections[0].sections[1].paragraphs == NULL);
    CHECK_STR(r->sections[1].title, "二、存在问题");
    CHECK(r->sections[1].n_sections == 0);
    report_free(r);
    diag_list_free(d);
}

static void test_minimal_report(void) {
    diag_list *d = diag_list_new();
    report *r = parse_ok("{" MIN "}", d);
    CHECK(diag_size(d) == 0);
    if (r) {
        CHECK(r->region_level == NULL);
        CHECK(r->region_parent == NULL);
        CHECK(r->issuer == NULL);
        CHECK(r->date == NULL);
        CHECK(r->n_summary == 0 && r->summary == NULL);
        CHECK(r->n_indicators == 0 && r->indicators == NULL);
        CHECK(r->n_sections == 1);
    }
    report_free(r);
    diag_list_free(d);

    /* Summary instead of sections. */
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE ",\"summary\":[\"x\"],\"sections\":[]}"), "");
    CHECK(last_ok);
    /* Optional arrays may be empty. */
    CHECK_STR(run("{" MIN ",\"summary\":[],\"indicators\":[]}"), "");
    CHECK(last_ok);
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE
                  ",\"sections\":[{\"title\":\"S\",\"paragraphs\":[],\"sections\":[]}]}"),
              "");
    CHECK(last_ok);
    /* Whitespace around the document and CRLF line ends. */
    CHECK_STR(run(" \r\n\t{" MIN "}\r\n \n"), "");
    CHECK(last_ok);
    /* 2021.0 is an integer. */
    CHECK_STR(run("{" ID "," REGION ",\"year\":2021.0," TITLE "," SECTIONS "}"), "");
    CHECK(last_ok);
}

/* ---- required fields ------------------------------------------------------ */

static void test_missing_fields(void) {
    CHECK_STR(run("{" REGION "," YEAR "," TITLE "," SECTIONS "}"),
              "t.json: $: missing required field \"id\"\n");
    CHECK(!last_ok);
    CHECK_STR(run("{" ID "," YEAR "," TITLE "," SECTIONS "}"),
              "t.json: $: missing required field \"region\"\n");
    CHECK_STR(run("{" ID "," REGION "," TITLE "," SECTIONS "}"),
              "t.json: $: missing required field \"year\"\n");
    CHECK_STR(run("{" ID "," REGION "," YEAR "," SECTIONS "}"),
              "t.json: $: missing required field \"title\"\n");
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE "}"),
              "t.json: $: missing required field \"sections\"\n");
    CHECK_STR(run("{" ID ",\"region\":{\"level\":\"县\"}," YEAR "," TITLE "," SECTIONS "}"),
              "t.json: $.region: missing required field \"name\"\n");
    CHECK_STR(run("{" MIN ",\"indicators\":[{\"label\":\"L\",\"value\":1},{\"value\":1}]}"),
              "t.json: $.indicators[1]: missing required field \"label\"\n");
    CHECK_STR(run("{" MIN ",\"indicators\":[{\"label\":\"L\"}]}"),
              "t.json: $.indicators[0]: missing required field \"value\"\n");
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE ",\"sections\":[{\"paragraphs\":[\"p\"]}]}"),
              "t.json: $.sections[0]: missing required field \"title\"\n");
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE
                  ",\"sections\":[{\"title\":\"S\",\"sections\":[{\"title\":\"A\"},{}]}]}"),
              "t.json: $.sections[0].sections[1]: missing required field \"title\"\n");
    CHECK_STR(run("{}"), "t.json: $: missing required field \"id\"\n"
                         "t.json: $: missing required field \"region\"\n"
                         "t.json: $: missing required field \"year\"\n"
                         "t.json: $: missing required field \"title\"\n"
                         "t.json: $: missing required field \"sections\"\n");
}

static void test_empty_sections(void) {
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE ",\"sections\":[]}"),
              "t.json: $.sections: must not be empty when there is no summary\n");
    CHECK(!last_ok);
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE ",\"summary\":[],\"sections\":[]}"),
              "t.json: $.sections: must not be empty when there is no summary\n");
    /* A summary of nothing but empty entries does not count. */
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE ",\"summary\":[\" \"],\"sections\":[]}"),
              "t.json: $.summary[0]: warning: empty paragraph dropped\n"
              "t.json: $.sections: must not be empty when there is no summary\n");
    /* A section needs no paragraphs. */
    CHECK_STR(run("{" MIN "}"), "");
}

/* ---- types ---------------------------------------------------------------- */

static void test_wrong_types(void) {
    CHECK_STR(run("{\"id\":7," REGION "," YEAR "," TITLE "," SECTIONS "}"),
              "t.json: $.id: expected a string, got a number\n");
    CHECK(!last_ok);
    CHECK_STR(run("{" ID ",\"region\":\"衡山县\"," YEAR "," TITLE "," SECTIONS "}"),
              "t.json: $.region: expected an object, got a string\n");
    CHECK_STR(run("{" ID ",\"region\":{\"name\":1}," YEAR "," TITLE "," SECTIONS "}"),
              "t.json: $.region.name: expected a string, got a number\n");
    CHECK_STR(run("{" ID ",\"region\":{\"name\":\"R\",\"level\":[]}," YEAR "," TITLE "," SECTIONS
                  "}"),
              "t.json: $.region.level: expected a string, got an array\n");
    CHECK_STR(run("{" ID ",\"region\":{\"name\":\"R\",\"parent\":{}}," YEAR "," TITLE "," SECTIONS
                  "}"),
              "t.json: $.region.parent: expected a string, got an object\n");
    CHECK_STR(run("{" ID "," REGION ",\"year\":\"2021\"," TITLE "," SECTIONS "}"),
              "t.json: $.year: expected an integer, got a string\n");
    CHECK_STR(run("{" ID "," REGION ",\"year\":true," TITLE "," SECTIONS "}"),
              "t.json: $.year: expected an integer, got a boolean\n");
    CHECK_STR(run("{" ID "," REGION "," YEAR ",\"title\":null," SECTIONS "}"),
              "t.json: $.title: expected a string, got null\n");
    CHECK_STR(run("{" MIN ",\"issuer\":false}"),
              "t.json: $.issuer: expected a string, got a boolean\n");
    CHECK_STR(run("{" MIN ",\"date\":20220221}"),
              "t.json: $.date: expected a string, got a number\n");
    CHECK_STR(run("{" MIN ",\"summary\":\"x\"}"),
              "t.json: $.summary: expected an array, got a string\n");
    CHECK_STR(run("{" MIN ",\"summary\":[\"x\",2,null]}"),
              "t.json: $.summary[1]: expected a string, got a number\n"
              "t.json: $.summary[2]: expected a string, got null\n");
    CHECK_STR(run("{" MIN ",\"indicators\":{}}"),
              "t.json: $.indicators: expected an array, got an object\n");
    CHECK_STR(run("{" MIN ",\"indicators\":[\"x\"]}"),
              "t.json: $.indicators[0]: expected an object, got a string\n");
    CHECK_STR(run("{" MIN ",\"indicators\":[{\"label\":true,\"value\":1}]}"),
              "t.json: $.indicators[0].label: expected a string, got a boolean\n");
    CHECK_STR(run("{" MIN ",\"indicators\":[{\"label\":\"L\",\"value\":1},{\"label\":\"L\","
                  "\"value\":1},{\"label\":\"L\",\"value\":1},{\"label\":\"L\",\"value\":\"497\"}]}"),
              "t.json: $.indicators[3].value: expected a number, got a string\n");
    CHECK_STR(run("{" MIN ",\"indicators\":[{\"label\":\"L\",\"value\":null}]}"),
              "t.json: $.indicators[0].value: expected a number, got null\n");
    CHECK_STR(run("{" MIN ",\"indicators\":[{\"label\":\"L\",\"value\":1,\"unit\":1,"
                  "\"category\":[],\"quote\":true,\"key\":{}}]}"),
              "t.json: $.indicators[0].unit: expected a string, got a number\n"
              "t.json: $.indicators[0].category: expected a string, got an array\n"
              "t.json: $.indicators[0].quote: expected a string, got a boolean\n"
              "t.json: $.indicators[0].key: expected a string, got an object\n");
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE ",\"sections\":{}}"),
              "t.json: $.sections: expected an array, got an object\n");
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE ",\"sections\":[{\"title\":\"S\"},3]}"),
              "t.json: $.sections[1]: expected an object, got a number\n");
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE ",\"sections\":[{\"title\":[\"S\"]}]}"),
              "t.json: $.sections[0].title: expected a string, got an array\n");
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE
                  ",\"sections\":[{\"title\":\"S\",\"paragraphs\":\"p\"}]}"),
              "t.json: $.sections[0].paragraphs: expected an array, got a string\n");
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE
                  ",\"sections\":[{\"title\":\"S\",\"paragraphs\":[\"p\",\"q\",[]]}]}"),
              "t.json: $.sections[0].paragraphs[2]: expected a string, got an array\n");
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE
                  ",\"sections\":[{\"title\":\"S\",\"sections\":{\"title\":\"X\"}}]}"),
              "t.json: $.sections[0].sections: expected an array, got an object\n");
}

static void test_diag_api_paths(void) {
    diag_list *d = diag_list_new();
    const char *j = "{" MIN ",\"indicators\":[{\"label\":\"L\",\"value\":\"3\"}]}";
    CHECK(report_parse(j, strlen(j), "input/x.json", d) == NULL);
    CHECK(diag_size(d) == 1);
    CHECK(diag_severity_at(d, 0) == DIAG_ERROR);
    CHECK_STR(diag_path_at(d, 0), "$.indicators[0].value");
    CHECK_STR(diag_message_at(d, 0), "expected a number, got a string");
    CHECK_STR(diag_text_at(d, 0),
              "input/x.json: $.indicators[0].value: expected a number, got a string");
    diag_list_free(d);
}

static void test_multiple_errors(void) {
    const char *j = "{\"id\":\"../x\",\"region\":{\"name\":\"\"},\"year\":2021.5,"
                    "\"date\":\"2022-02-30\",\"summary\":[1],\"extra\":1,"
                    "\"indicators\":[{\"label\":\"L\",\"value\":\"v\"},{\"value\":1e999}],"
                    "\"sections\":[{\"title\":\"A\",\"paragraphs\":[\"ok\",\"\\u0001\"]},{}]}";
    diag_list *d = diag_list_new();
    CHECK(report_parse(j, strlen(j), "t.json", d) == NULL);
    CHECK(diag_count(d, DIAG_ERROR) == 11);
    CHECK(diag_count(d, DIAG_WARNING) == 1);
    diag_list_free(d);
    CHECK_STR(run(j),
              "t.json: $: warning: unknown field \"extra\"\n"
              "t.json: $.id: id must be a file-name-safe slug ([A-Za-z0-9._-], not starting with "
              "'.', at most 100 characters): \"../x\"\n"
              "t.json: $.region.name: must not be empty\n"
              "t.json: $.year: expected an integer, got 2021.5\n"
              "t.json: $: missing required field \"title\"\n"
              "t.json: $.date: not a valid date: \"2022-02-30\" (expected YYYY-MM-DD)\n"
              "t.json: $.summary[0]: expected a string, got a number\n"
              "t.json: $.indicators[0].value: expected a number, got a string\n"
              "t.json: $.indicators[1]: missing required field \"label\"\n"
              "t.json: $.indicators[1].value: number out of range\n"
              "t.json: $.sections[0].paragraphs[1]: control character U+0001 is not allowed in "
              "text\n"
              "t.json: $.sections[1]: missing required field \"title\"\n");
}

/* ---- unknown fields and duplicate keys ------------------------------------ */

static void test_unknown_fields(void) {
    diag_list *d = diag_list_new();
    report *r = parse_ok("{" ID ",\"region\":{\"name\":\"R\",\"code\":430423}," YEAR "," TITLE
                         ",\"foo\":{\"x\":[1]},\"sections\":[{\"title\":\"S\",\"note\":\"n\"}],"
                         "\"indicators\":[{\"label\":\"L\",\"value\":1,\"source\":\"s\"}],"
                         "\"标签\":1,\"a b\":2}",
                         d);
    CHECK(r != NULL);
    if (r) CHECK_STR(r->title, "T");
    CHECK(diag_count(d, DIAG_ERROR) == 0);
    CHECK(diag_count(d, DIAG_WARNING) == 6);
    report_free(r);
    diag_list_free(d);
    CHECK_STR(run("{" MIN ",\"foo\":1}"), "t.json: $: warning: unknown field \"foo\"\n");
    CHECK(last_ok);
    CHECK_STR(run("{" ID ",\"region\":{\"name\":\"R\",\"code\":430423}," YEAR "," TITLE ","
                  SECTIONS "}"),
              "t.json: $.region: warning: unknown field \"code\"\n");
    CHECK(last_ok);
    CHECK_STR(run("{" MIN ",\"indicators\":[{\"label\":\"L\",\"value\":1,\"Unit\":\"个\"}]}"),
              "t.json: $.indicators[0]: warning: unknown field \"Unit\"\n");
    CHECK(last_ok);
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE
                  ",\"sections\":[{\"title\":\"S\",\"paragraph\":[\"p\"]}]}"),
              "t.json: $.sections[0]: warning: unknown field \"paragraph\"\n");
    CHECK(last_ok);
}

static void test_duplicate_keys(void) {
    CHECK_STR(run("{" MIN ",\"title\":\"U\"}"), "t.json: $: duplicate key \"title\"\n");
    CHECK(!last_ok);
    CHECK_STR(run("{" MIN ",\"title\":\"U\",\"title\":\"V\"}"),
              "t.json: $: duplicate key \"title\"\n"
              "t.json: $: duplicate key \"title\"\n");
    CHECK_STR(run("{" ID ",\"region\":{\"name\":\"R\",\"name\":\"S\"}," YEAR "," TITLE ","
                  SECTIONS "}"),
              "t.json: $.region: duplicate key \"name\"\n");
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE
                  ",\"sections\":[{\"title\":\"S\"},{\"title\":\"S\",\"paragraphs\":[],"
                  "\"paragraphs\":[]}]}"),
              "t.json: $.sections[1]: duplicate key \"paragraphs\"\n");
    /* Unknown keys and keys inside unknown fields count too. */
    CHECK_STR(run("{" MIN ",\"x\":1,\"x\":2}"),
              "t.json: $: warning: unknown field \"x\"\n"
              "t.json: $: duplicate key \"x\"\n");
    CHECK_STR(run("{" MIN ",\"meta\":{\"a\":[{\"k\":1,\"k\":2}]},\"a b\":{\"y\":1,\"y\":1}}"),
              "t.json: $: warning: unknown field \"meta\"\n"
              "t.json: $.meta.a[0]: duplicate key \"k\"\n"
              "t.json: $: warning: unknown field \"a b\"\n"
              "t.json: $[\"a b\"]: duplicate key \"y\"\n");
    /* Keys are case-sensitive. */
    CHECK_STR(run("{" MIN ",\"Title\":\"U\"}"), "t.json: $: warning: unknown field \"Title\"\n");
    /* A large object (the sorted path of the duplicate search). */
    buf b;
    buf_init(&b);
    buf_puts(&b, "{" MIN ",\"big\":{");
    for (int i = 0; i < 40; i++) buf_printf(&b, "\"k%d\":%d,", i % 37, i);
    buf_puts(&b, "\"end\":0}}");
    CHECK_STR(run(b.data), "t.json: $: warning: unknown field \"big\"\n"
                           "t.json: $.big: duplicate key \"k0\"\n"
                           "t.json: $.big: duplicate key \"k1\"\n"
                           "t.json: $.big: duplicate key \"k2\"\n");
    buf_free(&b);
}

/* ---- bytes before JSON ---------------------------------------------------- */

static void test_bom(void) {
    diag_list *d = diag_list_new();
    report *r = parse_ok("\xEF\xBB\xBF{" MIN "}", d);
    CHECK(diag_size(d) == 0);
    if (r) CHECK_STR(r->id, "a");
    report_free(r);
    diag_list_free(d);
    /* Line and column count from after the BOM. */
    CHECK_STR(run("\xEF\xBB\xBF{\"id\" 1}"),
              "t.json: invalid JSON: syntax error at line 1, column 7, near \"1}\"\n");
    CHECK_STR(run("\xEF\xBB\xBF"), "t.json: empty file\n");
    /* Only one BOM, and only at the start. */
    CHECK_STR(run("\xEF\xBB\xBF\xEF\xBB\xBF{}"),
              "t.json: invalid JSON: syntax error at line 1, column 1, near \"\xEF\xBB\xBF{}\"\n");
}

static void test_invalid_utf8(void) {
    CHECK_STR(run("{\"id\":\"a\xFF\"}"), "t.json: invalid UTF-8 at byte offset 8\n");
    CHECK(!last_ok);
    CHECK_STR(run("{\"title\":\"\xE8\xA1\"}"), "t.json: invalid UTF-8 at byte offset 10\n");
    CHECK_STR(run("{\"t\":\"\xC0\xAF\"}"), "t.json: invalid UTF-8 at byte offset 6\n"); /* overlong */
    CHECK_STR(run("{\"t\":\"\xED\xA0\x80\"}"), "t.json: invalid UTF-8 at byte offset 6\n"); /* surrogate */
    CHECK_STR(run("{\"t\":\"\xF4\x90\x80\x80\"}"), "t.json: invalid UTF-8 at byte offset 6\n");
    CHECK_STR(run("\xEF\xBB\xBF\x80"), "t.json: invalid UTF-8 at byte offset 3\n");
    CHECK_STR(run_n("\xFF\xFE{\0", 4),
              "t.json: invalid UTF-8 at byte offset 0 (the file looks like UTF-16; save it as "
              "UTF-8)\n");
    /* Only the first bad byte is named. */
    CHECK_STR(run("\x80\x80\x80"), "t.json: invalid UTF-8 at byte offset 0\n");
}

static void test_nul_byte(void) {
    static const char j[] = "{\"id\":\"a\0b\"}";
    CHECK_STR(run_n(j, sizeof j - 1), "t.json: NUL byte at byte offset 8\n");
    CHECK(!last_ok);
    static const char both[] = "{\0\xFF\0}";
    CHECK_STR(run_n(both, sizeof both - 1),
              "t.json: NUL byte at byte offset 1\n"
              "t.json: invalid UTF-8 at byte offset 2\n");
    static const char trailing[] = "{}\0";
    CHECK_STR(run_n(trailing, sizeof trailing - 1), "t.json: NUL byte at byte offset 2\n");
}

static void test_empty_input(void) {
    CHECK_STR(run(""), "t.json: empty file\n");
    CHECK(!last_ok);
    CHECK_STR(run(" \n\t\r\n"), "t.json: empty file\n");
    CHECK(report_parse(NULL, 0, "t.json", NULL) == NULL);
    diag_list *d = diag_list_new();
    CHECK(report_parse("", 0, NULL, d) == NULL);
    CHECK(diag_size(d) == 1);
    if (diag_size(d) == 1) {
        CHECK_STR(diag_text_at(d, 0), "empty file");
        CHECK(diag_path_at(d, 0) == NULL);
    }
    diag_list_free(d);
}

static void test_too_large(void) {
    size_t n = (size_t)REPORT_MAX_BYTES + 1;
    char *big = xmalloc(n);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    CHECK_STR(run_n(big, n), "t.json: input is larger than the limit of 67108864 bytes\n");
    free(big);
}

/* ---- JSON syntax ---------------------------------------------------------- */

static void test_truncated_json(void) {
    CHECK_STR(run("{\"id\":\"a\","),
              "t.json: invalid JSON: unexpected end of input at line 1, column 11 (is the file "
              "truncated?)\n");
    CHECK(!last_ok);
    CHECK_STR(run("{\n  \"id\": \"a\",\n  \"title\": \"衡山县"),
              "t.json: invalid JSON: unexpected end of input at line 3, column 16 (is the file "
              "truncated?)\n");
    CHECK_STR(run("{\n  \"sections\": [\n    {\"title\": \"S\"}\n"),
              "t.json: invalid JSON: unexpected end of input at line 4, column 1 (is the file "
              "truncated?)\n");
    CHECK_STR(run("{"), "t.json: invalid JSON: unexpected end of input at line 1, column 2 (is the "
                        "file truncated?)\n");
    CHECK_STR(run("[1,2"), "t.json: invalid JSON: unexpected end of input at line 1, column 5 (is "
                           "the file truncated?)\n");
}

static void test_syntax_errors(void) {
    CHECK_STR(run("{\"id\" \"a\"}"),
              "t.json: invalid JSON: syntax error at line 1, column 7, near \"\\\"a\\\"}\"\n");
    CHECK(!last_ok);
    CHECK_STR(run("{\n  \"title\": \"标题\",\n  \"year\": x\n}"),
              "t.json: invalid JSON: syntax error at line 3, column 11, near \"x\"\n");
    CHECK_STR(run("{\"a\":[1,2,]}"),
              "t.json: invalid JSON: syntax error at line 1, column 11, near \"]}\"\n");
    CHECK_STR(run("{\"a\":1,}"), "t.json: invalid JSON: syntax error at line 1, column 8, near \"}\"\n");
    CHECK_STR(run("{\"a\":[1}"), "t.json: invalid JSON: syntax error at line 1, column 8, near \"}\"\n");
    CHECK_STR(run("{\"title\":\"\\q\"}"),
              "t.json: invalid JSON: syntax error at line 1, column 11, near \"\\\\q\\\"}\"\n");
    CHECK_STR(run("{\"title\":\"\\ud800\"}"),
              "t.json: invalid JSON: syntax error at line 1, column 11, near \"\\\\ud800\\\"}\"\n");
    /* Common hand-editing mistakes name the offending character. */
    CHECK_STR(run("{\n  'id': 'a'\n}"),
              "t.json: invalid JSON: syntax error at line 2, column 3, near \"'id': 'a'\"\n");
    CHECK_STR(run("{\n  // comment\n  \"id\": \"a\"\n}"),
              "t.json: invalid JSON: syntax error at line 2, column 3, near \"// comment\"\n");
    CHECK_STR(run("{\n  \"id\": \"a\",\n  \"title\": \"x\",\n}\n"),
              "t.json: invalid JSON: syntax error at line 4, column 1, near \"}\"\n");
    CHECK_STR(run("{\"a\":1, b:2}"),
              "t.json: invalid JSON: syntax error at line 1, column 9, near \"b:2}\"\n");
    CHECK_STR(run("{\n  \"id\": \"a\"\n  \"title\": \"x\"\n}"),
              "t.json: invalid JSON: syntax error at line 3, column 3, near \"\\\"title\\\": "
              "\\\"x\\\"\"\n");
    CHECK_STR(run("{\"a\":1x}"), "t.json: invalid JSON: syntax error at line 1, column 7, near \"x}\"\n");
    CHECK_STR(run("not json at all, really, a long line"),
              "t.json: invalid JSON: syntax error at line 1, column 1, near \"not json at all,\"\n");
    CHECK_STR(run("{" MIN "} {}"),
              "t.json: invalid JSON: unexpected content after the end of the value at line 1, "
              "column 85\n");
    CHECK_STR(run("{" MIN "}\n,"),
              "t.json: invalid JSON: unexpected content after the end of the value at line 2, "
              "column 1\n");
}

static void test_root_not_object(void) {
    CHECK_STR(run("[{" MIN "}]"), "t.json: $: expected an object at the root, got an array\n");
    CHECK(!last_ok);
    CHECK_STR(run("\"x\""), "t.json: $: expected an object at the root, got a string\n");
    CHECK_STR(run("42"), "t.json: $: expected an object at the root, got a number\n");
    CHECK_STR(run("null"), "t.json: $: expected an object at the root, got null\n");
    CHECK_STR(run("true"), "t.json: $: expected an object at the root, got a boolean\n");
}

static void test_json_nesting_limit(void) {
    size_t depth = 100000;
    char *deep = xmalloc(depth * 2 + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = 0;
    CHECK_STR(run(deep),
              "t.json: invalid JSON: nested deeper than 1000 levels at line 1, column 1001\n");
    CHECK(!last_ok);
    free(deep);
    /* Inside a report, under an unknown field. */
    buf b;
    buf_init(&b);
    buf_puts(&b, "{" MIN ",\n\"x\":");
    for (int i = 0; i < 5000; i++) buf_puts(&b, "{\"a\":");
    buf_puts(&b, "1");
    for (int i = 0; i < 5000; i++) buf_puts(&b, "}");
    buf_puts(&b, "}");
    CHECK_STR(run(b.data),
              "t.json: invalid JSON: nested deeper than 1000 levels at line 2, column 5000\n");
    buf_free(&b);
    /* 999 levels below the root object are fine for cJSON (an unknown field). */
    buf_init(&b);
    buf_puts(&b, "{" MIN ",\"x\":");
    for (int i = 0; i < 999; i++) buf_putc(&b, '[');
    for (int i = 0; i < 999; i++) buf_putc(&b, ']');
    buf_puts(&b, "}");
    CHECK_STR(run(b.data), "t.json: $: warning: unknown field \"x\"\n");
    CHECK(last_ok);
    buf_free(&b);
}

/* ---- numbers ---------------------------------------------------------------- */

static void test_numbers(void) {
    CHECK_STR(run("{" MIN ",\"indicators\":[{\"label\":\"L\",\"value\":1e999}]}"),
              "t.json: $.indicators[0].value: number out of range\n");
    CHECK(!last_ok);
    CHECK_STR(run("{" MIN ",\"indicators\":[{\"label\":\"L\",\"value\":-1e999}]}"),
              "t.json: $.indicators[0].value: number out of range\n");
    diag_list *d = diag_list_new();
    report *r = parse_ok("{" MIN ",\"indicators\":[{\"label\":\"L\",\"value\":1e308},"
                         "{\"label\":\"M\",\"value\":-0.25},{\"label\":\"N\",\"value\":0}]}",
                         d);
    CHECK(diag_size(d) == 0);
    if (r) {
        CHECK(r->n_indicators == 3);
        CHECK(r->indicators[0].value == 1e308);
        CHECK(isfinite(r->indicators[0].value));
        CHECK(r->indicators[1].value == -0.25);
        CHECK(r->indicators[2].value == 0);
    }
    report_free(r);
    diag_list_free(d);
}

static void test_year(void) {
    CHECK_STR(run("{" ID "," REGION ",\"year\":2021.5," TITLE "," SECTIONS "}"),
              "t.json: $.year: expected an integer, got 2021.5\n");
    CHECK(!last_ok);
    CHECK_STR(run("{" ID "," REGION ",\"year\":1e999," TITLE "," SECTIONS "}"),
              "t.json: $.year: number out of range\n");
    CHECK_STR(run("{" ID "," REGION ",\"year\":999," TITLE "," SECTIONS "}"),
              "t.json: $.year: year must be between 1000 and 9999, got 999\n");
    CHECK_STR(run("{" ID "," REGION ",\"year\":10000," TITLE "," SECTIONS "}"),
              "t.json: $.year: year must be between 1000 and 9999, got 10000\n");
    CHECK_STR(run("{" ID "," REGION ",\"year\":-2021," TITLE "," SECTIONS "}"),
              "t.json: $.year: year must be between 1000 and 9999, got -2021\n");
    CHECK_STR(run("{" ID "," REGION ",\"year\":1e20," TITLE "," SECTIONS "}"),
              "t.json: $.year: year must be between 1000 and 9999, got 1e+20\n");
    CHECK_STR(run("{" ID "," REGION ",\"year\":2021.0001," TITLE "," SECTIONS "}"),
              "t.json: $.year: expected an integer, got 2021.0001\n");
    diag_list *d = diag_list_new();
    report *r = parse_ok("{" ID "," REGION ",\"year\":1000," TITLE "," SECTIONS "}", d);
    if (r) CHECK(r->year == 1000);
    report_free(r);
    r = parse_ok("{" ID "," REGION ",\"year\":9999," TITLE "," SECTIONS "}", d);
    if (r) CHECK(r->year == 9999);
    report_free(r);
    CHECK(diag_size(d) == 0);
    diag_list_free(d);
}

/* ---- dates and ids ---------------------------------------------------------- */

static void expect_bad_date(const char *date_json, const char *shown) {
    char *j = xasprintf("{" MIN ",\"date\":%s}", date_json);
    char *want = xasprintf("t.json: $.date: not a valid date: %s (expected YYYY-MM-DD)\n", shown);
    CHECK_STR(run(j), want);
    CHECK(!last_ok);
    free(want);
    free(j);
}

static void expect_good_date(const char *date) {
    char *j = xasprintf("{" MIN ",\"date\":\"%s\"}", date);
    diag_list *d = diag_list_new();
    report *r = parse_ok(j, d);
    if (r) CHECK_STR(r->date, date);
    CHECK(diag_size(d) == 0);
    report_free(r);
    diag_list_free(d);
    free(j);
}

static void test_dates(void) {
    expect_bad_date("\"2022-02-30\"", "\"2022-02-30\"");
    expect_bad_date("\"2022-2-1\"", "\"2022-2-1\"");
    expect_bad_date("\"yesterday\"", "\"yesterday\"");
    expect_bad_date("\"2021-02-29\"", "\"2021-02-29\"");
    expect_bad_date("\"1900-02-29\"", "\"1900-02-29\"");
    expect_bad_date("\"2022-13-01\"", "\"2022-13-01\"");
    expect_bad_date("\"2022-00-10\"", "\"2022-00-10\"");
    expect_bad_date("\"2022-04-31\"", "\"2022-04-31\"");
    expect_bad_date("\"2022-01-00\"", "\"2022-01-00\"");
    expect_bad_date("\"0999-01-01\"", "\"0999-01-01\"");
    expect_bad_date("\"2022-02-21T00:00:00Z\"", "\"2022-02-21T00:00:00Z\"");
    expect_bad_date("\" 2022-02-21\"", "\" 2022-02-21\"");
    expect_bad_date("\"2022/02/21\"", "\"2022/02/21\"");
    expect_bad_date("\"2022年2月21日\"", "\"2022年2月21日\"");
    expect_bad_date("\"+2022-02-2\"", "\"+2022-02-2\"");
    expect_bad_date("\"\"", "\"\"");
    expect_good_date("2022-02-21");
    expect_good_date("2020-02-29");
    expect_good_date("2000-02-29");
    expect_good_date("2022-12-31");
    expect_good_date("1000-01-01");
}

static void expect_bad_id(const char *id_json, const char *shown) {
    char *j = xasprintf("{\"id\":%s," REGION "," YEAR "," TITLE "," SECTIONS "}", id_json);
    char *want = xasprintf("t.json: $.id: id must be a file-name-safe slug ([A-Za-z0-9._-], not "
                           "starting with '.', at most 100 characters): %s\n",
                           shown);
    CHECK_STR(run(j), want);
    CHECK(!last_ok);
    free(want);
    free(j);
}

static void test_ids(void) {
    expect_bad_id("\"../x\"", "\"../x\"");
    expect_bad_id("\"a/b\"", "\"a/b\"");
    expect_bad_id("\"a\\\\b\"", "\"a\\\\b\"");
    expect_bad_id("\".hidden\"", "\".hidden\"");
    expect_bad_id("\"..\"", "\"..\"");
    expect_bad_id("\"\"", "\"\"");
    expect_bad_id("\"a b\"", "\"a b\"");
    expect_bad_id("\" a\"", "\" a\"");
    expect_bad_id("\"a\\u0001b\"", "\"a\\u0001b\"");
    expect_bad_id("\"a\\nb\"", "\"a\\nb\"");
    expect_bad_id("\"a\\u007f\"", "\"a\\u007F\"");
    expect_bad_id("\"衡山\"", "\"衡山\"");
    expect_bad_id("\"a:b\"", "\"a:b\"");
    char id100[101], id101[102];
    memset(id100, 'x', 100);
    id100[100] = 0;
    memset(id101, 'y', 101);
    id101[101] = 0;
    char *j = xasprintf("\"%s\"", id101);
    /* Long values are cut in messages. */
    expect_bad_id(j, "\"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\"...");
    free(j);
    diag_list *d = diag_list_new();
    j = xasprintf("{\"id\":\"%s\"," REGION "," YEAR "," TITLE "," SECTIONS "}", id100);
    report *r = parse_ok(j, d);
    if (r) CHECK_STR(r->id, id100);
    report_free(r);
    free(j);
    r = parse_ok("{\"id\":\"Hengshan_2021.v1-final\"," REGION "," YEAR "," TITLE "," SECTIONS "}",
                 d);
    if (r) CHECK_STR(r->id, "Hengshan_2021.v1-final");
    report_free(r);
    CHECK(diag_size(d) == 0);
    diag_list_free(d);
}

/* ---- sections depth ------------------------------------------------------- */

/* A report whose sections nest 'levels' deep, one section per level. */
static char *nested_sections(int levels) {
    buf b;
    buf_init(&b);
    buf_puts(&b, "{" ID "," REGION "," YEAR "," TITLE ",\"sections\":");
    for (int i = 0; i < levels; i++) buf_printf(&b, "%s[{\"title\":\"L%d\"", i ? ",\"sections\":" : "", i + 1);
    for (int i = 0; i < levels; i++) buf_puts(&b, "}]");
    buf_puts(&b, "}");
    return buf_steal(&b, NULL);
}

static void test_depth_limit(void) {
    char *j = nested_sections(REPORT_MAX_DEPTH);
    diag_list *d = diag_list_new();
    report *r = parse_ok(j, d);
    CHECK(diag_size(d) == 0);
    if (r) {
        const report_section *s = &r->sections[0];
        int levels = 1;
        while (s->n_sections) s = &s->sections[0], levels++;
        CHECK(levels == REPORT_MAX_DEPTH);
        CHECK_STR(s->title, "L64");
    }
    report_free(r);
    diag_list_free(d);
    free(j);

    buf path;
    buf_init(&path);
    buf_puts(&path, "t.json: $");
    for (int i = 0; i <= REPORT_MAX_DEPTH; i++) buf_puts(&path, ".sections[0]");
    buf_puts(&path, ": sections nested deeper than the limit of 64 levels\n");
    j = nested_sections(REPORT_MAX_DEPTH + 1);
    CHECK_STR(run(j), path.data);
    CHECK(!last_ok);
    free(j);
    /* Far deeper (within cJSON's limit): still one error, nothing below it. */
    j = nested_sections(400);
    CHECK_STR(run(j), path.data);
    free(j);
    buf_free(&path);
    /* An empty sections array at the limit is no deeper section. */
    j = nested_sections(REPORT_MAX_DEPTH);
    char *at = strstr(j, "\"L64\"");
    CHECK(at != NULL);
    if (at) {
        char *k = xasprintf("%.*s,\"sections\":[]%s", (int)(at + 5 - j), j, at + 5);
        CHECK_STR(run(k), "");
        CHECK(last_ok);
        free(k);
    }
    free(j);
}

/* ---- text ------------------------------------------------------------------- */

static void test_control_characters(void) {
    CHECK_STR(run("{" ID "," REGION "," YEAR ",\"title\":\"a\\u0001b\"," SECTIONS "}"),
              "t.json: $.title: control character U+0001 is not allowed in text\n");
    CHECK(!last_ok);
    CHECK_STR(run("{" ID "," REGION "," YEAR ",\"title\":\"a\\u001fb\\u0002\"," SECTIONS "}"),
              "t.json: $.title: control character U+001F is not allowed in text\n");
    CHECK_STR(run("{" ID "," REGION "," YEAR ",\"title\":\"a\x7f\"," SECTIONS "}"),
              "t.json: $.title: control character U+007F is not allowed in text\n");
    CHECK_STR(run("{" MIN ",\"summary\":[\"ok\",\"\\f\"]}"),
              "t.json: $.summary[1]: control character U+000C is not allowed in text\n");
    CHECK_STR(run("{" MIN ",\"indicators\":[{\"label\":\"L\",\"value\":1,\"unit\":\"\\b\"}]}"),
              "t.json: $.indicators[0].unit: control character U+0008 is not allowed in text\n");
    /* \u0000 would cut the string short: found in the text itself. */
    CHECK_STR(run("{" MIN ",\n\"issuer\":\"ab\\u0000cd\"}"),
              "t.json: NUL character (\\u0000) in a string at line 2, column 13\n");
    CHECK(!last_ok);
    /* An escaped backslash followed by u0000 is plain text. */
    diag_list *d = diag_list_new();
    report *r = parse_ok("{" MIN ",\"issuer\":\"a\\\\u0000\"}", d);
    if (r) CHECK_STR(r->issuer, "a\\u0000");
    CHECK(diag_size(d) == 0);
    report_free(r);
    diag_list_free(d);
}

static void test_line_breaks(void) {
    diag_list *d = diag_list_new();
    report *r = parse_ok("{" ID "," REGION "," YEAR ",\"title\":\"第一行\\n第二行\","
                         "\"issuer\":\"a \\r\\n\\t b\",\"summary\":[\"x\ty\",\"p  q\"],"
                         "\"sections\":[{\"title\":\"S\",\"paragraphs\":[\"尾行\\n\"]}]}",
                         d);
    if (r) {
        CHECK_STR(r->title, "第一行 第二行");
        CHECK_STR(r->issuer, "a b");
        CHECK_STR(r->summary[0], "x y");
        CHECK_STR(r->summary[1], "p  q"); /* plain spaces are kept */
        CHECK_STR(r->sections[0].paragraphs[0], "尾行"); /* trimmed, no warning */
    }
    report_free(r);
    CHECK(diag_size(d) == 3);
    if (diag_size(d) == 3) {
        CHECK_STR(diag_text_at(d, 0), "t.json: $.title: warning: tab or line break replaced by a space");
        CHECK_STR(diag_text_at(d, 1), "t.json: $.issuer: warning: tab or line break replaced by a space");
        CHECK_STR(diag_text_at(d, 2), "t.json: $.summary[0]: warning: tab or line break replaced by a space");
    }
    diag_list_free(d);
}

static void test_whitespace_trimming(void) {
    diag_list *d = diag_list_new();
    report *r = parse_ok("{\"id\":\"a\",\"region\":{\"name\":\" 衡山县 \",\"level\":\"\u3000县\"},"
                         YEAR ",\"title\":\"\u3000\u3000标题 \u3000\",\"summary\":[\"\u3000\u3000"
                         "首段，中间\u3000保留。\"],\"indicators\":[{\"label\":\" L \",\"value\":1,"
                         "\"unit\":\" 个\"}],\"sections\":[{\"title\":\"\\t一、\\n\"}]}",
                         d);
    CHECK(diag_size(d) == 0);
    if (r) {
        CHECK_STR(r->region_name, "衡山县");
        CHECK_STR(r->region_level, "县");
        CHECK_STR(r->title, "标题");
        CHECK_STR(r->summary[0], "首段，中间\u3000保留。");
        CHECK_STR(r->indicators[0].label, "L");
        CHECK_STR(r->indicators[0].unit, "个");
        CHECK_STR(r->sections[0].title, "一、");
    }
    report_free(r);
    diag_list_free(d);

    /* Required text that is empty, or only whitespace. */
    CHECK_STR(run("{" ID "," REGION "," YEAR ",\"title\":\"\"," SECTIONS "}"),
              "t.json: $.title: must not be empty\n");
    CHECK(!last_ok);
    CHECK_STR(run("{" ID "," REGION "," YEAR ",\"title\":\" \u3000\\n\"," SECTIONS "}"),
              "t.json: $.title: must not be empty\n");
    CHECK_STR(run("{" ID ",\"region\":{\"name\":\"\"}," YEAR "," TITLE "," SECTIONS "}"),
              "t.json: $.region.name: must not be empty\n");
    CHECK_STR(run("{" MIN ",\"indicators\":[{\"label\":\"  \",\"value\":1}]}"),
              "t.json: $.indicators[0].label: must not be empty\n");
    CHECK_STR(run("{" ID "," REGION "," YEAR "," TITLE ",\"sections\":[{\"title\":\"\"}]}"),
              "t.json: $.sections[0].title: must not be empty\n");

    /* Empty paragraphs are dropped, empty optional values ignored. */
    d = diag_list_new();
    r = parse_ok("{" ID "," REGION "," YEAR "," TITLE ",\"issuer\":\" \",\"summary\":[\"\",\"s\"],"
                 "\"indicators\":[{\"label\":\"L\",\"value\":1,\"unit\":\"\"}],"
                 "\"sections\":[{\"title\":\"S\",\"paragraphs\":[\"p\",\"\u3000\",\"q\"]}]}",
                 d);
    if (r) {
        CHECK(r->issuer == NULL);
        CHECK(r->n_summary == 1);
        CHECK_STR(r->summary[0], "s");
        CHECK(r->indicators[0].unit == NULL);
        CHECK(r->sections[0].n_paragraphs == 2);
        CHECK_STR(r->sections[0].paragraphs[0], "p");
        CHECK_STR(r->sections[0].paragraphs[1], "q");
    }
    report_free(r);
    CHECK(diag_count(d, DIAG_ERROR) == 0);
    CHECK(diag_size(d) == 4);
    if (diag_size(d) == 4) {
        CHECK_STR(diag_text_at(d, 0), "t.json: $.issuer: warning: empty value ignored");
        CHECK_STR(diag_text_at(d, 1), "t.json: $.summary[0]: warning: empty paragraph dropped");
        CHECK_STR(diag_text_at(d, 2), "t.json: $.indicators[0].unit: warning: empty value ignored");
        CHECK_STR(diag_text_at(d, 3),
                  "t.json: $.sections[0].paragraphs[1]: warning: empty paragraph dropped");
    }
    diag_list_free(d);
}

/* ---- limits ------------------------------------------------------------------- */

static void test_indicator_limit(void) {
    buf b;
    buf_init(&b);
    buf_puts(&b, "{" MIN ",\"indicators\":[");
    for (unsigned i = 0; i < REPORT_MAX_INDICATORS; i++)
        buf_printf(&b, "%s{\"label\":\"L%u\",\"value\":%u}", i ? "," : "", i, i);
    size_t at = b.len;
    buf_puts(&b, "]}");
    diag_list *d = diag_list_new();
    report *r = report_parse(b.data, b.len, "t.json", d);
    CHECK(r != NULL);
    CHECK(diag_size(d) == 0);
    if (r) {
        CHECK(r->n_indicators == REPORT_MAX_INDICATORS);
        CHECK_STR(r->indicators[REPORT_MAX_INDICATORS - 1].label, "L99999");
    }
    report_free(r);
    diag_list_free(d);
    b.len = at;
    buf_puts(&b, ",\"bad\"]}");
    CHECK_STR(run(b.data), "t.json: $.indicators: too many indicators: 100001 (the limit is 100000)\n");
    CHECK(!last_ok);
    buf_free(&b);
}

/* ---- entry points ------------------------------------------------------------- */

static void test_load(void) {
    diag_list *d = diag_list_new();
    CHECK(report_load("/nonexistent/briefing-test.json", d) == NULL);
    CHECK(diag_size(d) == 1);
    if (diag_size(d) == 1)
        CHECK_STR(diag_text_at(d, 0),
                  "/nonexistent/briefing-test.json: cannot open: No such file or directory");
    diag_clear(d);

    char path[] = "/tmp/briefing-test-report-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) {
        diag_list_free(d);
        return;
    }
    FILE *f = fdopen(fd, "w");
    fputs(full_json, f);
    fclose(f);
    report *r = report_load(path, d);
    CHECK(r != NULL);
    CHECK(diag_size(d) == 0);
    if (r) {
        CHECK_STR(r->source, path);
        CHECK_STR(r->id, "hengshan-2021");
    }
    report_free(r);

    f = fopen(path, "w");
    fputs("{\"id\":\"x\",\n\"year\":\"2021\"}", f);
    fclose(f);
    CHECK(report_load(path, d) == NULL);
    char *want = xasprintf("%s: $.year: expected an integer, got a string", path);
    CHECK(diag_size(d) == 4);
    if (diag_size(d) == 4) CHECK_STR(diag_text_at(d, 1), want);
    free(want);
    unlink(path);
    diag_list_free(d);
}

static void test_api_edges(void) {
    report_free(NULL);
    /* No diag list: errors still make the result NULL. */
    const char *bad = "{" MIN ",\"year\":1}";
    CHECK(report_parse(bad, strlen(bad), "t.json", NULL) == NULL);
    const char *good = "{" MIN ",\"extra\":1}";
    report *r = report_parse(good, strlen(good), "t.json", NULL);
    CHECK(r != NULL);
    report_free(r);
    /* No source name: messages have no file part, the model an empty one. */
    diag_list *d = diag_list_new();
    r = report_parse(good, strlen(good), NULL, d);
    CHECK(r != NULL);
    if (r) CHECK_STR(r->source, "");
    report_free(r);
    CHECK(diag_size(d) == 1);
    if (diag_size(d) == 1) CHECK_STR(diag_text_at(d, 0), "$: warning: unknown field \"extra\"");
    /* Errors already in the list from elsewhere do not fail this parse. */
    diag_clear(d);
    diag_add(d, DIAG_ERROR, "other", NULL, "an earlier error");
    const char *ok = "{" MIN "}";
    r = report_parse(ok, strlen(ok), "t.json", d);
    CHECK(r != NULL);
    report_free(r);
    diag_list_free(d);
    /* The input need not be NUL-terminated. */
    char *exact = xmalloc(strlen(ok));
    memcpy(exact, ok, strlen(ok));
    r = report_parse(exact, strlen(ok), "t.json", NULL);
    CHECK(r != NULL);
    report_free(r);
    memcpy(exact, ok, strlen(ok));
    CHECK(report_parse(exact, strlen(ok) - 1, "t.json", NULL) == NULL);
    free(exact);
}

int main(void) {
    test_full_report();
    test_minimal_report();
    test_missing_fields();
    test_empty_sections();
    test_wrong_types();
    test_diag_api_paths();
    test_multiple_errors();
    test_unknown_fields();
    test_duplicate_keys();
    test_bom();
    test_invalid_utf8();
    test_nul_byte();
    test_empty_input();
    test_too_large();
    test_truncated_json();
    test_syntax_errors();
    test_root_not_object();
    test_json_nesting_limit();
    test_numbers();
    test_year();
    test_dates();
    test_ids();
    test_depth_limit();
    test_control_characters();
    test_line_breaks();
    test_whitespace_trimming();
    test_indicator_limit();
    test_load();
    test_api_edges();
    free(last_diags);
    return CHECK_DONE();
}
