# gregor_module(NAME SOURCES... DEPS ...): a static library for src/NAME, linked to DEPS.
function(gregor_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(gregor_${name} STATIC ${M_SOURCES})
  target_include_directories(gregor_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_BINARY_DIR}/src)
  target_link_libraries(gregor_${name} PUBLIC ${M_DEPS})
endfunction()

# gregor_test(NAME SOURCES... DEPS ...): a GoogleTest executable registered with CTest.
function(gregor_test name)
  cmake_parse_arguments(T "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gtest_main)
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()
