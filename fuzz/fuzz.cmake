# libFuzzer targets (fuzz/*.c), built by the clang sanitizer build
# (BRIEFING_SANITIZE with clang; included from CMakeLists.txt). The library
# is compiled a second time with coverage instrumentation for them, so the
# other programs of the build stay as fast as before.
add_library(briefing_fuzz_lib STATIC EXCLUDE_FROM_ALL ${BRIEFING_LIB_SOURCES} ${BRIEFING_MAIL_SOURCES}
            ${BRIEFING_SERVE_SOURCES})
target_compile_options(briefing_fuzz_lib PUBLIC -fsanitize=fuzzer-no-link)
target_include_directories(briefing_fuzz_lib PUBLIC ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/src
                           ${HPDF_INCLUDE_DIR})
target_compile_definitions(briefing_fuzz_lib PUBLIC BRIEFING_VERSION="${PROJECT_VERSION}"
                           BRIEFING_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
target_link_libraries(briefing_fuzz_lib PUBLIC ${BRIEFING_DEPS} PkgConfig::GMIME PkgConfig::CURL
                      PkgConfig::MHD)

foreach(target fuzz_report fuzz_template fuzz_text fuzz_ttf)
  add_executable(${target} ${CMAKE_SOURCE_DIR}/fuzz/${target}.c ${CMAKE_SOURCE_DIR}/fuzz/fuzz_common.c)
  target_link_libraries(${target} PRIVATE briefing_fuzz_lib)
  target_link_options(${target} PRIVATE -fsanitize=fuzzer)
endforeach()

# A short bounded run of each in the test suite (BRIEFING_FUZZ_SECONDS each),
# seeded with the inputs, templates and bad cases; the corpus grows in the
# build folder from run to run. `make fuzz` runs them longer.
set(BRIEFING_FUZZ_SECONDS 15 CACHE STRING "Seconds each fuzz target runs in the test suite")
add_test(NAME fuzz.report
         COMMAND bash ${CMAKE_SOURCE_DIR}/fuzz/run_fuzz.sh $<TARGET_FILE:fuzz_report>
                 ${BRIEFING_FUZZ_SECONDS} ${CMAKE_BINARY_DIR}/fuzz ${CMAKE_SOURCE_DIR}/fuzz/report.dict
                 ${CMAKE_SOURCE_DIR}/input ${CMAKE_SOURCE_DIR}/tests/bad/inputs)
add_test(NAME fuzz.template
         COMMAND bash ${CMAKE_SOURCE_DIR}/fuzz/run_fuzz.sh $<TARGET_FILE:fuzz_template>
                 ${BRIEFING_FUZZ_SECONDS} ${CMAKE_BINARY_DIR}/fuzz ${CMAKE_SOURCE_DIR}/fuzz/template.dict
                 ${CMAKE_SOURCE_DIR}/templates)
# libFuzzer bounds the time itself (-max_total_time, -timeout per input).
add_test(NAME fuzz.text
         COMMAND bash ${CMAKE_SOURCE_DIR}/fuzz/run_fuzz.sh $<TARGET_FILE:fuzz_text>
                 ${BRIEFING_FUZZ_SECONDS} ${CMAKE_BINARY_DIR}/fuzz ${CMAKE_SOURCE_DIR}/fuzz/text.dict
                 ${CMAKE_SOURCE_DIR}/fuzz/text-seeds)
# Font files (seeds: small subsets made with fontTools, fuzz/ttf-seeds/README.md).
add_test(NAME fuzz.ttf
         COMMAND bash ${CMAKE_SOURCE_DIR}/fuzz/run_fuzz.sh $<TARGET_FILE:fuzz_ttf>
                 ${BRIEFING_FUZZ_SECONDS} ${CMAKE_BINARY_DIR}/fuzz ${CMAKE_SOURCE_DIR}/fuzz/ttf.dict
                 ${CMAKE_SOURCE_DIR}/fuzz/ttf-seeds)
# Raw reports through import, one target per format (docs/import.md).
foreach(fmt txt html docx)
  string(TOUPPER ${fmt} FMT)
  add_executable(fuzz_import_${fmt} ${CMAKE_SOURCE_DIR}/fuzz/fuzz_import.c)
  target_compile_definitions(fuzz_import_${fmt} PRIVATE FUZZ_IMPORT_FORMAT=IMPORT_${FMT})
  target_link_libraries(fuzz_import_${fmt} PRIVATE briefing_fuzz_lib)
  target_link_options(fuzz_import_${fmt} PRIVATE -fsanitize=fuzzer)
  add_test(NAME fuzz.import_${fmt}
           COMMAND bash ${CMAKE_SOURCE_DIR}/fuzz/run_fuzz.sh $<TARGET_FILE:fuzz_import_${fmt}>
                   ${BRIEFING_FUZZ_SECONDS} ${CMAKE_BINARY_DIR}/fuzz/import_${fmt}
                   ${CMAKE_SOURCE_DIR}/fuzz/import.dict
                   ${CMAKE_SOURCE_DIR}/fuzz/import-seeds/${fmt})
  set_tests_properties(fuzz.import_${fmt} PROPERTIES LABELS fuzz TIMEOUT 86400)
endforeach()
# The recipients CSV and the send journal of briefing mail; HTTP requests to
# briefing serve, as raw bytes over a socket (fuzz_http.c).
foreach(name csv journal http)
  add_executable(fuzz_${name} ${CMAKE_SOURCE_DIR}/fuzz/fuzz_${name}.c)
  target_link_libraries(fuzz_${name} PRIVATE briefing_fuzz_lib)
  target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  add_test(NAME fuzz.${name}
           COMMAND bash ${CMAKE_SOURCE_DIR}/fuzz/run_fuzz.sh $<TARGET_FILE:fuzz_${name}>
                   ${BRIEFING_FUZZ_SECONDS} ${CMAKE_BINARY_DIR}/fuzz ${CMAKE_SOURCE_DIR}/fuzz/${name}.dict
                   ${CMAKE_SOURCE_DIR}/fuzz/${name}-seeds)
endforeach()
set_tests_properties(fuzz.report fuzz.template fuzz.text fuzz.ttf fuzz.csv fuzz.journal fuzz.http PROPERTIES LABELS fuzz TIMEOUT 86400)
