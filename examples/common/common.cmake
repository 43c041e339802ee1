# Shared code of the example servers (edgekit-caching-proxy, edgekit-gateway):
# a strict HTTP/1.1 parser (http1_parser.cc, no Boost), a small HTTP/1.1
# server and client over Boost.Asio (event_loop.cc, http_server.cc,
# http_session.cc, http_client.cc) and plain message helpers. Included by each
# example's CMakeLists.txt; defines the targets once.
#
# Sets EDGEKIT_EXAMPLE_COMMON_OK to TRUE when Boost was found and the target
# exists, FALSE otherwise (the example then skips itself).
include_guard(GLOBAL)

# The parser needs nothing but edgekit::http: its unit test and fuzz target
# build even without Boost.
add_library(edgekit_example_http1 STATIC "${CMAKE_CURRENT_LIST_DIR}/http1_parser.cc")
target_include_directories(edgekit_example_http1 PUBLIC "${CMAKE_CURRENT_LIST_DIR}")
target_compile_features(edgekit_example_http1 PUBLIC cxx_std_17)
target_link_libraries(edgekit_example_http1 PUBLIC edgekit::http)
edgekit_set_warnings(edgekit_example_http1)

if(POLICY CMP0110)
  cmake_policy(SET CMP0110 NEW)  # test names with spaces and ':'
endif()
if(EDGEKIT_FUZZ)
  add_executable(edgekit_examples_http1_parser_fuzzer "${CMAKE_CURRENT_LIST_DIR}/http1_parser_fuzzer.cc")
  target_compile_options(edgekit_examples_http1_parser_fuzzer PRIVATE -fsanitize=fuzzer)
  target_link_options(edgekit_examples_http1_parser_fuzzer PRIVATE -fsanitize=fuzzer)
  target_link_libraries(edgekit_examples_http1_parser_fuzzer PRIVATE edgekit_example_http1)
  edgekit_set_warnings(edgekit_examples_http1_parser_fuzzer)  # also its sanitizers
elseif(EDGEKIT_BUILD_TESTS AND TARGET edgekit_test_support)
  # Unit test (Catch2, as the components' tests) and the fuzz corpus replay.
  add_executable(edgekit_examples_http1_test "${CMAKE_CURRENT_LIST_DIR}/http1_parser_test.cc")
  target_link_libraries(edgekit_examples_http1_test PRIVATE edgekit_example_http1
                                                            edgekit_test_support)
  edgekit_set_warnings(edgekit_examples_http1_test)
  catch_discover_tests(edgekit_examples_http1_test TEST_PREFIX "examples: "
                       PROPERTIES LABELS examples)
  add_executable(edgekit_examples_http1_parser_fuzzer
    "${CMAKE_CURRENT_LIST_DIR}/http1_parser_fuzzer.cc"
    "${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cc")
  target_link_libraries(edgekit_examples_http1_parser_fuzzer PRIVATE edgekit_example_http1)
  edgekit_set_warnings(edgekit_examples_http1_parser_fuzzer)
  add_test(NAME "examples: http1 parser fuzz corpus replay"
    COMMAND edgekit_examples_http1_parser_fuzzer "${CMAKE_CURRENT_LIST_DIR}/fuzz_corpus/http1_parser")
  set_tests_properties("examples: http1 parser fuzz corpus replay" PROPERTIES LABELS "examples;fuzz")
endif()

find_package(Boost 1.74 QUIET)
if(NOT Boost_FOUND)
  message(STATUS "edgekit examples: Boost (>= 1.74, with Asio) not found; the caching proxy "
                 "and the gateway are not built. On Debian/Ubuntu: sudo apt-get install libboost-dev")
  set(EDGEKIT_EXAMPLE_COMMON_OK FALSE CACHE INTERNAL "")
  return()
endif()

add_library(edgekit_example_common STATIC
  "${CMAKE_CURRENT_LIST_DIR}/http_message.cc"
  "${CMAKE_CURRENT_LIST_DIR}/event_loop.cc"
  "${CMAKE_CURRENT_LIST_DIR}/http_server.cc"
  "${CMAKE_CURRENT_LIST_DIR}/http_session.cc"
  "${CMAKE_CURRENT_LIST_DIR}/http_server_wire.cc"
  "${CMAKE_CURRENT_LIST_DIR}/http_client.cc"
  "${CMAKE_CURRENT_LIST_DIR}/server_flags.cc")
target_include_directories(edgekit_example_common PUBLIC "${CMAKE_CURRENT_LIST_DIR}")
target_compile_features(edgekit_example_common PUBLIC cxx_std_17)
if(TARGET Boost::headers)
  target_link_libraries(edgekit_example_common PRIVATE Boost::headers)
else()
  target_include_directories(edgekit_example_common SYSTEM PRIVATE ${Boost_INCLUDE_DIRS})
endif()
target_link_libraries(edgekit_example_common PUBLIC edgekit_example_http1 edgekit::http
                                                    Threads::Threads)
edgekit_set_warnings(edgekit_example_common)
set(EDGEKIT_EXAMPLE_COMMON_OK TRUE CACHE INTERNAL "")

if(EDGEKIT_BUILD_TESTS AND TARGET edgekit_test_support AND NOT EDGEKIT_FUZZ)
  # HttpClient against a loopback origin the test thread drives (sockets and
  # a loop thread; no end-to-end process).
  add_executable(edgekit_examples_http_client_test "${CMAKE_CURRENT_LIST_DIR}/http_client_test.cc")
  target_link_libraries(edgekit_examples_http_client_test PRIVATE edgekit_example_common
                                                                  edgekit_test_support)
  edgekit_set_warnings(edgekit_examples_http_client_test)
  catch_discover_tests(edgekit_examples_http_client_test TEST_PREFIX "examples: "
                       PROPERTIES LABELS examples)
endif()
