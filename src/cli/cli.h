/* Shared pieces of the command line; each sub-command has its own file
 * (cmd_NAME.c) and is listed in main.c. */
#ifndef BRIEFING_CLI_H
#define BRIEFING_CLI_H

#include <stdio.h>

#include "backend/backend.h"
#include "font/font.h"
#include "import/import.h"
#include "layout/layout.h"
#include "tmpl/tmpl.h"
#include "util/diag.h"

/* Exit statuses, documented in the README and --help. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_INPUT = 2 };

void cli_usage(FILE *to);
/* Whether to stream is a terminal that takes colour and cursor control: a
 * tty, TERM other than "dumb", and (for colour) no NO_COLOR
 * (https://no-color.org: set and not empty). */
bool cli_is_terminal(FILE *to);
bool cli_use_color(FILE *to);
/* d on standard error, coloured on a terminal that takes it. */
void cli_diag_print(const diag_list *d);
/* The folder holding templates/ and fonts/ (datadir_find; caller frees). */
char *cli_data_dir(void);
/* All of fd (standard input: a pipe or a file), at most max bytes; NULL with a
 * diagnostic naming source. Caller frees. */
/* Every --set NAME=VALUE names a variable of the template; errors otherwise
 * (a typo would silently print the default). */
bool cli_check_vars(const tmpl *t, const char *const *vars, size_t n, diag_list *d);
/* Where -t NAME is looked for, in order: ./templates, the user's
 * ($XDG_DATA_HOME or ~/.local/share)/briefing/templates, the installed data's
 * templates. Fills dirs (CLI_TEMPLATE_DIRS, malloc'ed) and returns how many. */
enum { CLI_TEMPLATE_DIRS = 3 }; /* DATADIR_TEMPLATE_DIRS (util/datadir.h) */
size_t cli_template_dirs(char **dirs);
/* The template file -t names: a path as written (with a '/' or ".json", or an
 * existing file), else NAME.json in the first template folder that has it;
 * NULL with a diagnostic listing the folders. Caller frees. */
char *cli_find_template(const char *name, diag_list *d);
char *cli_read_fd(int fd, const char *source, size_t max, size_t *len, diag_list *d);
/* Loads the template (tpath, else templates/<default_template> in the data
 * folder) and the font manifest (fpath, else fonts/fonts.json there), with
 * the families the manifest lacks from fontconfig through b.
 * Returns EXIT_OK, EXIT_INPUT for a bad template or EXIT_FAIL for unusable
 * fonts (or backends that cannot be loaded), with diagnostics in d; the
 * caller frees *t and *fonts either way. */
int cli_load_setup(const char *tpath, const char *default_template, const char *fpath,
                   backends *b, tmpl **t, font_lib **fonts, diag_list *d);

/* For commands that render one document and exit: grows the heap once, on
 * transparent huge pages where the kernel gives them, and makes what
 * rendering the given input files will need (estimated from their sizes)
 * resident in one system call, instead of one page fault per 4 KB as it is
 * first written. Only a hint: does nothing where the system cannot do it. */
void cli_prefault_heap(const char *const *inputs, size_t n);

/* SOURCE_DATE_EPOCH, or -1 when unset or malformed. */
long long cli_source_date_epoch(void);
/* Writes every laid-out line as one JSON object per line. */
bool cli_dump_lines(const layout_doc *doc, const char *path, diag_list *d);
void cli_json_string(FILE *f, const char *s, size_t len);
/* A decimal integer in [lo, hi], the whole of s (an option's value). */
bool cli_parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out);
/* "NAME=VALUE" with a non-empty NAME (the argument of --set). */
bool cli_is_assignment(const char *s);

/* The import options every command that reads reports takes: --from FMT,
 * --encoding ENC, --meta KEY=VALUE. Returns 1 when argv[*i] was one (and
 * advances *i past its value), 0 when it is not, -1 after printing why it
 * is wrong. meta has room for argc entries. */
int cli_import_option(int argc, char **argv, int *i, import_opts *o, const char **meta);

/* The program's loader of the backends (module.c): briefing-backends.so,
 * beside the program or in the installed prefix's lib/briefing/. */
const backend_ops *cli_load_backends(char **why);

/* The sub-commands. b: the backends (raw import, fontconfig), which the
 * program loads from briefing-backends.so on first need (module.c) and the
 * command modules link in. */
/* A command's run with the backends it is given (lazily loaded by the
 * program, linked in by a module), which it then cleans up and frees:
 * returns the command's exit status. */
typedef int (*cli_command)(int argc, char **argv, backends *b);
int cli_run_command(cli_command run, int argc, char **argv, backends *b);

int cmd_import(int argc, char **argv, backends *b);
int cmd_render(int argc, char **argv, backends *b);
int cmd_check(int argc, char **argv, backends *b);
int cmd_batch(int argc, char **argv, backends *b);
int cmd_compare(int argc, char **argv, backends *b);
int cmd_mail(int argc, char **argv, backends *b);
int cmd_templates(int argc, char **argv, backends *b);
int cmd_serve(int argc, char **argv, backends *b);

#endif
