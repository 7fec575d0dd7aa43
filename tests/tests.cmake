# Unit tests: every tests/unit/test_*.c is a program; exit 0 means pass.
file(GLOB BRIEFING_UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/unit/test_*.c)
foreach(src ${BRIEFING_UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src} ${CMAKE_SOURCE_DIR}/tests/unit/check.c)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
  target_link_libraries(${name} PRIVATE briefing_lib)
  add_test(NAME unit.${name} COMMAND ${name} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
endforeach()

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

# The command line's contract (tests/cli/cli_test.sh).
add_test(NAME cli.contract COMMAND bash ${CMAKE_SOURCE_DIR}/tests/cli/cli_test.sh $<TARGET_FILE:briefing>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
