/* A program whose own names are the library's internal ones (buf, report,
 * buf_init, report_load, diag_add): with only <briefing/briefing.h> and
 * the installed library, static or shared, it compiles, links and calls
 * both its own functions and the API. */
#include <stdio.h>
#include <string.h>

#include <briefing/briefing.h>

static char buf[64];
typedef struct report {
    int pages;
} report;

void buf_init(char *b);
void buf_init(char *b) { strcpy(b, "mine"); }
int report_load(const char *path);
int report_load(const char *path) { return (int)strlen(path); }
void diag_add(void);
void diag_add(void) {}

int main(void) {
    buf_init(buf);
    report r = {report_load("abc")};
    diag_add();
    bf_diag *d = bf_diag_new();
    bf_report *rep = bf_report_parse("{", 1, "x.json", d);
    int ok = !strcmp(buf, "mine") && r.pages == 3 && !rep && bf_diag_errors(d) == 1 &&
             strcmp(bf_version(), BF_VERSION) == 0;
    printf("%s %d %s\n", buf, r.pages, bf_diag_count(d) ? bf_diag_text(d, 0) : "");
    bf_diag_free(d);
    return ok ? 0 : 1;
}
