# Unit tests: every tests/unit/test_*.c is a program; exit 0 means pass.
file(GLOB BRIEFING_UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/unit/test_*.c)
foreach(src ${BRIEFING_UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src} ${CMAKE_SOURCE_DIR}/tests/unit/check.c)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
  target_link_libraries(${name} PRIVATE briefing_lib)
  add_test(NAME unit.${name} COMMAND ${name} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endforeach()
# FreeType reads the embedded subsets back, as a reader independent of ours.
target_link_libraries(test_ttf PRIVATE PkgConfig::FT)
target_link_libraries(test_cff PRIVATE PkgConfig::FT PkgConfig::HBSUBSET)
# the serve module's ZIP writer, read back by libzip
target_sources(test_serve_zip PRIVATE ${CMAKE_SOURCE_DIR}/src/serve/serve_zip.c)

# End to end: every report in input/ through the CLI, checked with poppler and qpdf.
add_executable(e2e ${CMAKE_SOURCE_DIR}/tests/e2e/e2e.c ${CMAKE_SOURCE_DIR}/tests/unit/check.c)
target_include_directories(e2e PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
target_link_libraries(e2e PRIVATE briefing_lib)
file(GLOB BRIEFING_INPUTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/input/*.json)
foreach(in ${BRIEFING_INPUTS})
  get_filename_component(name ${in} NAME_WE)
  add_test(NAME e2e.${name} COMMAND e2e $<TARGET_FILE:briefing> ${in} ${CMAKE_BINARY_DIR}/e2e-out
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endforeach()

# Typography rules on every input, witnessed by MuPDF (tests/e2e/stext_check.c).
add_executable(stext_check ${CMAKE_SOURCE_DIR}/tests/e2e/stext_check.c ${CMAKE_SOURCE_DIR}/tests/unit/check.c)
target_include_directories(stext_check PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
target_link_libraries(stext_check PRIVATE briefing_lib)
foreach(in ${BRIEFING_INPUTS})
  get_filename_component(name ${in} NAME_WE)
  add_test(NAME typography.${name}
           COMMAND stext_check $<TARGET_FILE:briefing> ${in} ${CMAKE_SOURCE_DIR}/templates/briefing.json
                   ${CMAKE_BINARY_DIR}/typography-out
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  foreach(tname gbt9704 summary)
    add_test(NAME typography.${tname}.${name}
             COMMAND stext_check $<TARGET_FILE:briefing> ${in} ${CMAKE_SOURCE_DIR}/templates/${tname}.json
                     ${CMAKE_BINARY_DIR}/typography-out
             WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  endforeach()
endforeach()

# The typography case suite (tests/typography/make_cases.py): every hazard at a
# line boundary, checked end to end and by MuPDF.
add_test(NAME e2e.typography-cases
         COMMAND e2e $<TARGET_FILE:briefing> ${CMAKE_SOURCE_DIR}/tests/typography/cases.json
                 ${CMAKE_BINARY_DIR}/e2e-out
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME typography.cases
         COMMAND stext_check $<TARGET_FILE:briefing> ${CMAKE_SOURCE_DIR}/tests/typography/cases.json
                 ${CMAKE_SOURCE_DIR}/templates/briefing.json ${CMAKE_BINARY_DIR}/typography-out
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})

# Import (src/import/): one rule a line (tests/import/cases.tsv); the corpus of
# real reports with hand-checked heading trees (tests/import/corpus/); input/
# is what `briefing import` makes of the seeds (tests/import/seeds/).
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME import.cases
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/import/run_cases.py $<TARGET_FILE:briefing>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME import.corpus
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/import/check_corpus.py $<TARGET_FILE:briefing>
                 ${CMAKE_SOURCE_DIR}/tests/import/corpus ${CMAKE_SOURCE_DIR}/tests/import/seeds
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
add_test(NAME import.seeds
         COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/import_seeds.sh --check $<TARGET_FILE:briefing>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})

# briefing mail -o: every message parsed back by Python's email package
# (tests/mail/mail_eml.py).
add_test(NAME mail.eml
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/mail/mail_eml.py $<TARGET_FILE:briefing>
                 ${CMAKE_BINARY_DIR}/mail-out
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})

# briefing mail --smtp against real servers on 127.0.0.1 (tests/mail/mail_smtp.py):
# aiosmtpd with STARTTLS and AUTH, a scripted server injecting faults, killed
# runs. The servers run on Debian's python3, which has python3-aiosmtpd
# (scripts/setup.sh), whatever python3 comes first on PATH.
find_program(BRIEFING_SERVER_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
add_test(NAME mail.smtp
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/mail/mail_smtp.py $<TARGET_FILE:briefing>
                 ${CMAKE_BINARY_DIR}/mail-smtp ${BRIEFING_SERVER_PYTHON}
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(mail.smtp PROPERTIES TIMEOUT 600)

# Font families found by name through fontconfig (tests/fonts/cases.tsv).
add_test(NAME fonts.system
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/fonts/system_fonts.py $<TARGET_FILE:briefing>
                 ${CMAKE_BINARY_DIR}/fonts-system
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})

# pdf.js as a third reader: the same text as poppler, every font loaded
# without a warning, for every input and template and for Noto CJK (CFF).
add_test(NAME pdfjs.text
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/pdfjs/pdfjs_check.py $<TARGET_FILE:briefing>
                 ${CMAKE_BINARY_DIR}/pdfjs-out
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(pdfjs.text PROPERTIES TIMEOUT 600)

# The command line's contract (tests/cli/cli_test.sh).
add_test(NAME cli.contract COMMAND bash ${CMAKE_SOURCE_DIR}/tests/cli/cli_test.sh $<TARGET_FILE:briefing>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})

# Batch rendering through the command line (tests/batch/batch.sh); the unit
# test tests/unit/test_batch.c covers the library side.
add_test(NAME batch.cli
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/batch/batch.sh $<TARGET_FILE:briefing>
                 ${CMAKE_BINARY_DIR}/batch-out
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})

# Every template renders every input: e2e (text, fonts, structure, layout
# rules) per template and report; e2e.<report> above is the default template.
foreach(tname gbt9704 summary compare)
  foreach(in ${BRIEFING_INPUTS})
    get_filename_component(name ${in} NAME_WE)
    add_test(NAME e2e.${tname}.${name}
             COMMAND e2e $<TARGET_FILE:briefing> ${in} ${CMAKE_BINARY_DIR}/e2e-out
                     ${CMAKE_SOURCE_DIR}/templates/${tname}.json
             WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  endforeach()
endforeach()

# briefing compare on the real inputs (tests/compare/compare.sh); the unit
# test tests/unit/test_compare.c covers matching, sorting and the chart.
add_test(NAME compare.cli
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/compare/compare.sh $<TARGET_FILE:briefing>
                 ${CMAKE_BINARY_DIR}/compare-out
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})

# Hostile and malformed input: every case of tests/bad/cases.tsv (run by
# tests/bad/run_case.sh, which documents the columns) must end with its
# documented status and message, or a correct PDF; never a crash, a hang, a
# partial file or a leak. gen_bad writes the inputs too big to commit.
add_executable(gen_bad ${CMAKE_SOURCE_DIR}/tests/bad/gen_bad.c)
target_link_libraries(gen_bad PRIVATE briefing_lib)
file(READ ${CMAKE_SOURCE_DIR}/tests/bad/cases.tsv BRIEFING_BAD_TSV)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/bad/cases.tsv)
# Only names and flags are needed; semicolons in messages would split lines.
string(REPLACE ";" "," BRIEFING_BAD_TSV "${BRIEFING_BAD_TSV}")
string(REPLACE "\n" ";" BRIEFING_BAD_LINES "${BRIEFING_BAD_TSV}")
set(BRIEFING_BAD_SMALL "")
foreach(line ${BRIEFING_BAD_LINES})
  if(line MATCHES "^([a-z0-9][a-z0-9-]*)\t[^\t]*\t[^\t]*\t[^\t]*\t([^\t]*)$")
    set(case ${CMAKE_MATCH_1})
    add_test(NAME bad.${case}
             COMMAND bash ${CMAKE_SOURCE_DIR}/tests/bad/run_case.sh $<TARGET_FILE:briefing>
                     $<TARGET_FILE:gen_bad> ${case})
    set_tests_properties(bad.${case} PROPERTIES LABELS bad TIMEOUT 300 SKIP_RETURN_CODE 77)
    if(NOT CMAKE_MATCH_2 STREQUAL "big")
      list(APPEND BRIEFING_BAD_SMALL ${case})
    endif()
  endif()
endforeach()

# Reproducible output: SOURCE_DATE_EPOCH, report dates, /ID, equal bytes.
add_test(NAME bad.reproducible
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/bad/repro_test.sh $<TARGET_FILE:briefing>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(bad.reproducible PROPERTIES LABELS bad TIMEOUT 300)

# Valgrind memcheck (label "memcheck"; `make test` runs it after the other
# suites, on this build only: valgrind cannot run ASan binaries). Zero errors
# and zero leaks (definite, indirect, possible) on the unit tests, one end
# to end report, and the bad cases small enough for valgrind's pace.
find_program(BRIEFING_VALGRIND valgrind)
if(BRIEFING_VALGRIND AND NOT BRIEFING_SANITIZE)
  set(BRIEFING_MEMCHECK ${BRIEFING_VALGRIND} --tool=memcheck --error-exitcode=99 --leak-check=full
      --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible
      --quiet)
  foreach(src ${BRIEFING_UNIT_TESTS})
    get_filename_component(name ${src} NAME_WE)
    add_test(NAME memcheck.unit.${name} COMMAND ${BRIEFING_MEMCHECK} $<TARGET_FILE:${name}>
             WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  endforeach()
  add_test(NAME memcheck.e2e.hengshan-2021
           COMMAND ${BRIEFING_MEMCHECK} $<TARGET_FILE:e2e> $<TARGET_FILE:briefing>
                   ${CMAKE_SOURCE_DIR}/input/hengshan-2021.json ${CMAKE_BINARY_DIR}/memcheck-out
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  add_test(NAME memcheck.render.hengshan-2021
           COMMAND ${BRIEFING_MEMCHECK} $<TARGET_FILE:briefing> render
                   ${CMAKE_SOURCE_DIR}/input/hengshan-2021.json -o ${CMAKE_BINARY_DIR}/memcheck-hengshan.pdf
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  string(REPLACE ";" " " BRIEFING_MEMCHECK_WORDS "${BRIEFING_MEMCHECK}")
  # a message composed and written (GMime, the CSV, a render) under valgrind
  add_test(NAME memcheck.mail.hengshan-2021
           COMMAND ${BRIEFING_MEMCHECK} $<TARGET_FILE:briefing> mail
                   ${CMAKE_SOURCE_DIR}/input/hengshan-2021.json --to ${CMAKE_SOURCE_DIR}/tests/mail/to.csv
                   --from "briefing <briefing@example.gov.cn>" -o ${CMAKE_BINARY_DIR}/memcheck-mail
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  # import rule cases of every reader (text, GB18030, UTF-16, web page,
  # .docx) and the structure passes, under valgrind
  add_test(NAME memcheck.import.cases
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/import/run_cases.py $<TARGET_FILE:briefing>
                   basic-run-in one-line gb18030 utf16le html-page docx-heading-styles
                   hard-wrapped-lines page-numbers-and-running-heads indicator-noun-after
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(memcheck.import.cases PROPERTIES
                       ENVIRONMENT "IMPORT_WRAPPER=${BRIEFING_MEMCHECK_WORDS}" TIMEOUT 1200)
  foreach(case ${BRIEFING_BAD_SMALL})
    add_test(NAME memcheck.bad.${case}
             COMMAND bash ${CMAKE_SOURCE_DIR}/tests/bad/run_case.sh $<TARGET_FILE:briefing>
                     $<TARGET_FILE:gen_bad> ${case})
    set_tests_properties(memcheck.bad.${case} PROPERTIES
                         ENVIRONMENT "BAD_WRAPPER=${BRIEFING_MEMCHECK_WORDS};BAD_TIMEOUT=600"
                         SKIP_RETURN_CODE 77)
  endforeach()
  get_property(BRIEFING_ALL_TESTS DIRECTORY PROPERTY TESTS)
  foreach(t ${BRIEFING_ALL_TESTS})
    if(t MATCHES "^memcheck\\.")
      set_tests_properties(${t} PROPERTIES LABELS memcheck TIMEOUT 900)
    endif()
  endforeach()
endif()

# The installed tree moved away from the source tree, the public API through
# pkg-config, the manual, the completion, the .deb (tests/install/). Not in
# the sanitizer build, whose objects need the sanitizer runtime to link.
if(NOT BRIEFING_SANITIZE)
  add_test(NAME install.tree
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/install/install_test.sh ${CMAKE_SOURCE_DIR}
                   ${CMAKE_BINARY_DIR})
  set_tests_properties(install.tree PROPERTIES RUN_SERIAL TRUE TIMEOUT 600)
endif()

# Golden layouts (tests/golden/*.jsonl): any change of layout is a failing
# diff until the files are updated (make golden) and committed.
add_test(NAME golden.layout COMMAND bash ${CMAKE_SOURCE_DIR}/tests/golden/golden.sh $<TARGET_FILE:briefing>)

# No call circles between the files of a stage folder (tests/arch/).
add_test(NAME arch.call_layers COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/arch/call_layers.py ${CMAKE_SOURCE_DIR}/src)

# batch --shard K/N: the shards' union is the unsharded run, byte for byte.
add_test(NAME batch.shard
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/batch/shard.py $<TARGET_FILE:briefing>
                 $<TARGET_FILE:gen_national> ${CMAKE_BINARY_DIR}/batch-shard
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(batch.shard PROPERTIES LABELS batch TIMEOUT 300)

# briefing serve (tests/serve/): the API against a server on 127.0.0.1 (a
# free port chosen at run time), hostile requests, a bounded load test and the
# page in headless Chromium. Not in the memcheck (valgrind) pass; they do run
# under ASan/UBSan.
add_test(NAME serve.api
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/serve/api.py $<TARGET_FILE:briefing>
                 ${CMAKE_BINARY_DIR}/serve-api
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(serve.api PROPERTIES LABELS serve TIMEOUT 300)
add_test(NAME serve.hostile
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/serve/hostile.py $<TARGET_FILE:briefing>
                 ${CMAKE_BINARY_DIR}/serve-hostile
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(serve.hostile PROPERTIES LABELS serve TIMEOUT 300)
if(BRIEFING_SANITIZE)
  set(BRIEFING_SERVE_MODE asan)
else()
  set(BRIEFING_SERVE_MODE release)
endif()
add_test(NAME serve.load
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/serve/load.py $<TARGET_FILE:briefing>
                 ${BRIEFING_SERVE_MODE}
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
# alone: its latency and memory figures mean nothing next to other tests
set_tests_properties(serve.load PROPERTIES LABELS serve TIMEOUT 120 RUN_SERIAL TRUE)
add_test(NAME serve.page
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/serve/page.py $<TARGET_FILE:briefing>
                 ${CMAKE_BINARY_DIR}/serve-page
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(serve.page PROPERTIES LABELS serve TIMEOUT 300 SKIP_RETURN_CODE 77)
