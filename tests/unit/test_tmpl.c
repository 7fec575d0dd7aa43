/* Template parsing and validation. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tmpl/tmpl.h"

static bool has(const diag_list *d, const char *text) {
    for (size_t i = 0; i < diag_size(d); i++)
        if (strstr(diag_text_at(d, i), text)) return true;
    fprintf(stderr, "    no diagnostic contains: %s\n", text);
    for (size_t i = 0; i < diag_size(d); i++) fprintf(stderr, "      have: %s\n", diag_text_at(d, i));
    return false;
}

static const char *minimal_styles =
    "\"styles\": {\"title\":{\"size\":22},\"meta\":{\"size\":12},\"heading1\":{\"size\":16},"
    "\"heading2\":{\"size\":14},\"heading3\":{\"size\":12},\"heading4\":{\"size\":12},"
    "\"paragraph\":{\"size\":12,\"indent\":2,\"align\":\"justify\"},\"summary\":{\"size\":12},"
    "\"table_header\":{\"size\":10},\"table_cell\":{\"size\":10},\"table_group\":{\"size\":10},"
    "\"footer\":{\"size\":9}}";

static tmpl *parse_with(const char *extra, diag_list *d) {
    char json[4096];
    snprintf(json, sizeof json,
             "{\"page\":{\"size\":\"A4\",\"margin\":{\"top\":\"37mm\",\"left\":\"28mm\",\"right\":72,"
             "\"bottom\":72}},\"fonts\":{\"body\":[\"LXGW WenKai\"]},%s,\"blocks\":[\"title\","
             "\"sections\"]%s}",
             minimal_styles, extra);
    return tmpl_parse(json, strlen(json), "t.json", d);
}

int main(void) {
    diag_list *d = diag_list_new();

    /* The shipped template loads. */
    tmpl *t = tmpl_load("templates/briefing.json", d);
    diag_print(d, stderr);
    CHECK(t != NULL);
    if (t) {
        CHECK(t->n_blocks == 6);
        CHECK(t->styles[TMPL_STYLE_PARAGRAPH].align == TMPL_JUSTIFY);
        CHECK(t->rule_color == 0xC00000);
        /* The measure is a whole number of body characters. */
        double measure = t->page_width - t->margin_left - t->margin_right;
        double chars = measure / t->styles[TMPL_STYLE_PARAGRAPH].size;
        CHECK(chars - (double)(long)(chars + 0.5) < 0.01 && chars - (double)(long)(chars + 0.5) > -0.01);
    }
    tmpl_free(t);

    /* Units: millimetres convert to points. */
    diag_clear(d);
    t = parse_with("", d);
    CHECK(t != NULL);
    if (t) {
        CHECK(t->margin_top > 104.8 && t->margin_top < 104.9);
        CHECK(t->margin_left > 79.3 && t->margin_left < 79.4);
    }
    tmpl_free(t);

    /* Unknown keys, bad values and unknown blocks are errors with paths. */
    diag_clear(d);
    t = parse_with(",\"colour\":1", d);
    CHECK(t == NULL);
    CHECK(has(d, "t.json: $.colour: unknown key \"colour\""));

    diag_clear(d);
    const char *bad =
        "{\"page\":{\"size\":\"A3\",\"margin\":{\"top\":-5}},\"fonts\":{\"body\":[]},"
        "\"styles\":{\"title\":{\"size\":\"big\",\"align\":\"middle\",\"color\":\"red\"}},"
        "\"blocks\":[\"title\",\"chart\"]}";
    t = tmpl_parse(bad, strlen(bad), "t.json", d);
    CHECK(t == NULL);
    CHECK(has(d, "t.json: $.page.size: unknown page size \"A3\""));
    CHECK(has(d, "t.json: $.page.margin.top: expected a length"));
    CHECK(has(d, "t.json: $.fonts.body: expected a non-empty array"));
    CHECK(has(d, "t.json: $.styles.title.size: expected a number, got a string"));
    CHECK(has(d, "t.json: $.styles.title.align: unknown alignment \"middle\""));
    CHECK(has(d, "t.json: $.styles.title.color: expected a colour"));
    CHECK(has(d, "t.json: $.styles: missing required key \"paragraph\""));
    CHECK(has(d, "t.json: $.blocks[1]: unknown block type \"chart\""));

    /* Impossible margins. */
    diag_clear(d);
    const char *tight = "{\"page\":{\"margin\":{\"left\":300,\"right\":300}}}";
    t = tmpl_parse(tight, strlen(tight), "t.json", d);
    CHECK(t == NULL);
    CHECK(has(d, "$.page.margin: left and right margins leave less than 72 pt"));

    /* A style naming a font role that does not exist. */
    diag_clear(d);
    t = parse_with("", d);
    tmpl_free(t);
    char json[4096];
    snprintf(json, sizeof json,
             "{\"page\":{},\"fonts\":{\"body\":[\"X\"]},\"styles\":{\"title\":{\"size\":9,\"font\":\"nope\"}},\"blocks\":[]}");
    diag_clear(d);
    t = tmpl_parse(json, strlen(json), "t.json", d);
    CHECK(t == NULL);
    CHECK(has(d, "$.styles.title.font: no font role \"nope\" in $.fonts"));

    /* Not JSON at all. */
    diag_clear(d);
    t = tmpl_parse("{\"page\": ", 9, "t.json", d);
    CHECK(t == NULL);
    CHECK(has(d, "t.json: not valid JSON (line 1"));

    diag_list_free(d);
    return CHECK_DONE();
}
