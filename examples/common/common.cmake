# Shared code of the example servers (edgekit-caching-proxy, edgekit-gateway):
# a small Boost.Beast HTTP/1.1 server and client (net.cc, the only translation
# unit that includes Beast) and plain message helpers. Included by each
# example's CMakeLists.txt; defines edgekit_example_common once.
#
# Sets EDGEKIT_EXAMPLE_COMMON_OK to TRUE when Boost was found and the target
# exists, FALSE otherwise (the example then skips itself).
include_guard(GLOBAL)

find_package(Boost 1.74 QUIET)
if(NOT Boost_FOUND)
  message(STATUS "edgekit examples: Boost (>= 1.74, with Beast) not found; the caching proxy "
                 "and the gateway are not built. On Debian/Ubuntu: sudo apt-get install libboost-dev")
  set(EDGEKIT_EXAMPLE_COMMON_OK FALSE CACHE INTERNAL "")
  return()
endif()

add_library(edgekit_example_common STATIC
  "${CMAKE_CURRENT_LIST_DIR}/http_message.cc"
  "${CMAKE_CURRENT_LIST_DIR}/net.cc")
target_include_directories(edgekit_example_common PUBLIC "${CMAKE_CURRENT_LIST_DIR}")
target_compile_features(edgekit_example_common PUBLIC cxx_std_17)
if(TARGET Boost::headers)
  target_link_libraries(edgekit_example_common PRIVATE Boost::headers)
else()
  target_include_directories(edgekit_example_common SYSTEM PRIVATE ${Boost_INCLUDE_DIRS})
endif()
target_link_libraries(edgekit_example_common PUBLIC edgekit::http Threads::Threads)
edgekit_set_warnings(edgekit_example_common)
set(EDGEKIT_EXAMPLE_COMMON_OK TRUE CACHE INTERNAL "")
