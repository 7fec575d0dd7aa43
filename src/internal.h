/* The library's modules, for the command line, the tests and the benches:
 * not installed. Programs outside this tree use the public API,
 * include/briefing/briefing.h (src/api/), whose names all carry bf_. */
#ifndef BRIEFING_INTERNAL_H
#define BRIEFING_INTERNAL_H

#include "backend/backend.h"
#include "batch/batch.h"
#include "font/font.h"
#include "layout/layout.h"
#include "render/render.h"
#include "report/report.h"
#include "tmpl/tmpl.h"
#include "util/diag.h"
#include "util/file.h"

#endif
