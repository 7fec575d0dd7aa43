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

/* A template with the given blocks (a JSON array) and further top-level keys. */
static tmpl *parse_blocks(const char *blocks, const char *extra, diag_list *d) {
    char json[8192];
    /* The minimal styles and one of the template's own, "big". */
    snprintf(json, sizeof json,
             "{\"page\":{\"size\":\"A4\"},\"fonts\":{\"body\":[\"LXGW WenKai\"]},%.*s,"
             "\"big\":{\"size\":30}},\"blocks\":%s%s}",
             (int)strlen(minimal_styles) - 1, minimal_styles, blocks, extra);
    return tmpl_parse(json, strlen(json), "t.json", d);
}

static const char *lookup_title(void *user, const char *name, size_t len) {
    (void)user;
    return len == 5 && !memcmp(name, "title", 5) ? "标题" : NULL;
}

/* The keys of issue #4: tables, blocks, grid, variables, data binding. */
static void test_new_keys(diag_list *d) {
    /* Every shipped template loads. */
    static const char *const shipped[] = {"templates/briefing.json", "templates/gbt9704.json",
                                          "templates/summary.json", "templates/compare.json"};
    for (size_t i = 0; i < sizeof shipped / sizeof *shipped; i++) {
        diag_clear(d);
        tmpl *t = tmpl_load(shipped[i], d);
        diag_print(d, stderr);
        CHECK(t != NULL);
        tmpl_free(t);
    }

    /* A full set of block options, custom styles, columns and variables. */
    diag_clear(d);
    tmpl *t = parse_blocks(
        "[{\"type\":\"text\",\"text\":\"{{region.name}}{{year}}年{{issue}}\",\"style\":\"big\"},"
        "{\"type\":\"indicators\",\"limit\":8,\"pick\":\"spread\",\"prefer\":[\"k1\"]},"
        "{\"type\":\"points\",\"match\":[\"成效\"],\"count\":2,\"prefix\":\"{{cn}}是\"},"
        "\"page_break\",{\"type\":\"signature\",\"date_inset\":4},{\"type\":\"chart\"}]",
        ",\"variables\":{\"issue\":\"第1期\"},\"page_limit\":1,"
        "\"table\":{\"ruling\":\"grid\",\"zebra\":\"#EEEEEE\",\"continued\":\"续表\","
        "\"columns\":[{\"field\":\"number\",\"width\":\"12mm\"},{\"field\":\"label\",\"width\":\"2fr\"},"
        "{\"field\":\"value\",\"width\":\"20%\"},{\"field\":\"unit\",\"width\":\"auto\",\"align\":\"center\"}]},"
        "\"footer\":{\"text\":\"— {{page}} —\",\"align\":\"outside\",\"inset\":1,\"edge\":\"top\",\"offset\":\"7mm\"}",
        d);
    diag_print(d, stderr);
    CHECK(t != NULL);
    if (t) {
        CHECK(t->n_blocks == 6 && t->blocks[0].type == TMPL_BLOCK_TEXT);
        CHECK(tmpl_style_find(t, "big") == TMPL_STYLE_COUNT);
        CHECK(t->blocks[0].style == TMPL_STYLE_COUNT);
        CHECK(t->blocks[1].limit == 8 && t->blocks[1].pick == TMPL_PICK_SPREAD && t->blocks[1].n_prefer == 1);
        CHECK(t->blocks[2].count == 2 && t->blocks[2].sentences == 2);
        CHECK(t->page_limit == 1);
        CHECK(t->table.ruling == TMPL_RULING_GRID && t->table.zebra && t->table.zebra_color == 0xEEEEEE);
        CHECK(t->table.n_columns == 4 && t->table.columns[0].width.kind == TMPL_WIDTH_FIXED);
        CHECK(t->table.columns[1].width.kind == TMPL_WIDTH_FR && t->table.columns[1].width.value == 2);
        CHECK(t->table.columns[2].width.kind == TMPL_WIDTH_PERCENT);
        CHECK(t->table.columns[2].align == TMPL_CELL_DECIMAL && t->table.columns[3].align == TMPL_CELL_CENTER);
        CHECK(t->footer_align == TMPL_FOOTER_OUTSIDE && t->footer_edge == TMPL_FOOTER_TOP);
        CHECK_STR(tmpl_var_find(t, "issue", 5), "第1期");
    }
    tmpl_free(t);

    /* Bad values and unknown keys, each with the file and JSON path. */
    diag_clear(d);
    t = parse_blocks(
        "[{\"type\":\"text\",\"text\":\"{{regoin.name}}\",\"colour\":1},"
        "{\"type\":\"title\",\"text\":\"{{title\"},{\"type\":\"text\",\"text\":\"x\",\"style\":\"nope\"},"
        "{\"type\":\"points\"},{\"type\":\"text\",\"text\":\"{{page}}\"},{\"kind\":\"rule\"}]",
        ",\"variables\":{\"year\":\"2020\"},\"page_limit\":0,"
        "\"table\":{\"ruling\":\"double\",\"columns\":[{\"field\":\"price\",\"width\":\"wide\"}]},"
        "\"footer\":{\"text\":\"{{pages}}\",\"align\":\"middle\"},"
        "\"grid\":{\"size\":15.75,\"pitch\":29.53,\"chars\":40,\"lines\":23}",
        d);
    CHECK(t == NULL);
    CHECK(has(d, "t.json: $.blocks[0].colour: unknown key \"colour\""));
    CHECK(has(d, "t.json: $.blocks[0].text: unknown field \"regoin.name\" in {{…}}"));
    CHECK(has(d, "t.json: $.blocks[1].text: \"{{\" without a closing \"}}\""));
    CHECK(has(d, "t.json: $.blocks[2].style: no style \"nope\" in $.styles"));
    CHECK(has(d, "t.json: $.blocks[3]: missing required key \"match\""));
    /* {{page}} is a footer's field only. */
    CHECK(has(d, "t.json: $.blocks[4].text: unknown field \"page\""));
    CHECK(has(d, "t.json: $.blocks[5]: missing required key \"type\""));
    CHECK(has(d, "t.json: $.variables.year: \"year\" is the name of a field"));
    CHECK(has(d, "t.json: $.page_limit: 0 is out of range"));
    CHECK(has(d, "t.json: $.table.ruling: unknown ruling \"double\" (three-line, grid or none)"));
    CHECK(has(d, "t.json: $.table.columns[0].field: unknown field \"price\""));
    CHECK(has(d, "t.json: $.table.columns[0].width: expected a width"));
    CHECK(has(d, "t.json: $.footer.align: unknown alignment \"middle\""));
    CHECK(has(d, "t.json: $.grid.chars: 40 characters of 15.75 pt need 630 pt"));
    CHECK(has(d, "t.json: $.grid.lines: the type area (697.89 pt high) holds 24 lines at a pitch of 29.53 pt, not 23"));

    /* Data binding: values, defaults, and the name of a missing field. */
    buf out;
    buf_init(&out);
    char *missing = NULL;
    CHECK(tmpl_expand("《{{title}}》{{issuer|本县}}", lookup_title, NULL, &out, &missing));
    CHECK_STR(out.data, "《标题》本县");
    out.len = 0;
    CHECK(!tmpl_expand("{{title}}{{issuer}}", lookup_title, NULL, &out, &missing));
    CHECK_STR(missing, "issuer");
    free(missing);
    buf_free(&out);
}

int main(void) {
    diag_list *d = diag_list_new();

    /* The shipped template loads. */
    tmpl *t = tmpl_load("templates/briefing.json", d);
    diag_print(d, stderr);
    CHECK(t != NULL);
    if (t) {
        CHECK(t->n_blocks == 7);
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

    /* Outline tolerance: 0 by default, a number from 0 to 10. */
    diag_clear(d);
    tmpl *tt = parse_with("", d);
    CHECK(tt != NULL && tt->outline_tolerance == 0);
    tmpl_free(tt);
    tt = parse_with(",\"pdf\":{\"outline_tolerance\":2.5}", d);
    CHECK(tt != NULL && tt->outline_tolerance == 2.5);
    tmpl_free(tt);
    diag_clear(d);
    tt = parse_with(",\"pdf\":{\"outline_tolerance\":11}", d);
    CHECK(tt == NULL);
    diag_print(d, stderr);
    CHECK(has(d, "t.json: $.pdf.outline_tolerance: "));
    diag_clear(d);
    tt = parse_with(",\"pdf\":{\"tolerance\":1}", d);
    CHECK(tt == NULL);
    CHECK(has(d, "t.json: $.pdf.tolerance: unknown key \"tolerance\""));

    /* Unknown keys, bad values and unknown blocks are errors with paths. */
    diag_clear(d);
    t = parse_with(",\"colour\":1", d);
    CHECK(t == NULL);
    CHECK(has(d, "t.json: $.colour: unknown key \"colour\""));

    diag_clear(d);
    const char *bad =
        "{\"page\":{\"size\":\"A3\",\"margin\":{\"top\":-5}},\"fonts\":{\"body\":[]},"
        "\"styles\":{\"title\":{\"size\":\"big\",\"align\":\"middle\",\"color\":\"red\"}},"
        "\"blocks\":[\"title\",\"graph\"]}";
    t = tmpl_parse(bad, strlen(bad), "t.json", d);
    CHECK(t == NULL);
    CHECK(has(d, "t.json: $.page.size: unknown page size \"A3\""));
    CHECK(has(d, "t.json: $.page.margin.top: expected a length"));
    CHECK(has(d, "t.json: $.fonts.body: expected a non-empty array"));
    CHECK(has(d, "t.json: $.styles.title.size: expected a size: points (12), \"12pt\" or a 字号"));
    CHECK(has(d, "t.json: $.styles.title.align: unknown alignment \"middle\""));
    CHECK(has(d, "t.json: $.styles.title.color: expected a colour"));
    CHECK(has(d, "t.json: $.styles: missing required key \"paragraph\""));
    CHECK(has(d, "t.json: $.blocks[1]: unknown block type \"graph\""));

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

    test_new_keys(d);

    /* Not JSON at all. */
    diag_clear(d);
    t = tmpl_parse("{\"page\": ", 9, "t.json", d);
    CHECK(t == NULL);
    CHECK(has(d, "t.json: invalid JSON: unexpected end of input at line 1, column 10 (is the file "
                 "truncated?)"));

    diag_list_free(d);
    return CHECK_DONE();
}
