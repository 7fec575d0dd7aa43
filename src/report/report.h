/* The report model: a validated, read-only view of one report JSON file
 * (docs/report-format.md). report_parse owns everything it returns;
 * report_free releases it all. Strings are UTF-8, never NULL unless the field
 * is optional and absent (documented per field). */
#ifndef BRIEFING_REPORT_H
#define BRIEFING_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/diag.h"

typedef struct report_indicator {
    char *label;    /* required */
    double value;   /* required, finite */
    char *unit;     /* optional: NULL when absent */
    char *category; /* optional */
    char *quote;    /* optional */
    char *key;      /* optional: stable key for cross-report matching */
    unsigned rank;  /* optional: 1 = most important (import sets it); 0 absent */
} report_indicator;

typedef struct report_section {
    char *title; /* required */
    char **paragraphs;
    size_t n_paragraphs;
    struct report_section *sections;
    size_t n_sections;
} report_section;

typedef struct report {
    char *source;       /* file name given to report_parse, for messages */
    char *id;           /* required, file-name-safe slug */
    char *region_name;  /* required */
    char *region_level; /* optional */
    char *region_parent;/* optional */
    int year;           /* required */
    char *title;        /* required */
    char *issuer;       /* optional */
    char *date;         /* optional, ISO yyyy-mm-dd, validated */
    char **summary;
    size_t n_summary;
    report_indicator *indicators;
    size_t n_indicators;
    report_section *sections;
    size_t n_sections;
} report;

/* Limits enforced while parsing (documented in the README). */
#define REPORT_MAX_BYTES (64u * 1024u * 1024u)
#define REPORT_MAX_DEPTH 64            /* section nesting */
#define REPORT_MAX_INDICATORS 100000u

/* Parses and validates json[0..len). Every problem found is added to diags as
 * "source: $.path: message" (all of them, not only the first); unknown fields
 * are warnings. Returns NULL when there was any error. */
report *report_parse(const char *json, size_t len, const char *source, diag_list *diags);

/* Reads the file (up to REPORT_MAX_BYTES) and parses it. */
report *report_load(const char *path, diag_list *diags);

void report_free(report *r); /* accepts NULL */

/* The report's value of a template field (id, title, year, region.name,
 * region.level, region.parent, issuer, date) given as name[0..len), or NULL
 * when the field is unknown or the report lacks it. The year is formatted
 * into year_buf. One table of names for every binder (templates, mail). */
const char *report_field(const report *r, const char *name, size_t len, char year_buf[16]);

#endif
