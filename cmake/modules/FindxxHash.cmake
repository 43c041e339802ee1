# FindxxHash: xxHash's header, for code that uses it inline (XXH_INLINE_ALL).
#
# Defines xxHash_FOUND, xxHash_INCLUDE_DIR, xxHash_VERSION and the imported
# target xxHash::xxhash (the name upstream xxHash's CMake package uses). Only
# the header is needed: edgekit compiles xxHash into its own objects, links no
# xxHash library and exports no xxHash type, so its consumers never need xxHash.
# Honours CMAKE_DISABLE_FIND_PACKAGE_xxHash like any find_package().

find_path(xxHash_INCLUDE_DIR xxhash.h)
mark_as_advanced(xxHash_INCLUDE_DIR)
if(xxHash_INCLUDE_DIR AND EXISTS "${xxHash_INCLUDE_DIR}/xxhash.h")
  file(STRINGS "${xxHash_INCLUDE_DIR}/xxhash.h" _xxhash_version_lines
    REGEX "^#define XXH_VERSION_(MAJOR|MINOR|RELEASE) +[0-9]+")
  set(_xxhash_version "")
  foreach(_part MAJOR MINOR RELEASE)
    string(REGEX MATCH "XXH_VERSION_${_part} +([0-9]+)" _ "${_xxhash_version_lines}")
    list(APPEND _xxhash_version "${CMAKE_MATCH_1}")
  endforeach()
  string(REPLACE ";" "." xxHash_VERSION "${_xxhash_version}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(xxHash
  REQUIRED_VARS xxHash_INCLUDE_DIR
  VERSION_VAR xxHash_VERSION)

if(xxHash_FOUND AND NOT TARGET xxHash::xxhash)
  add_library(xxHash::xxhash INTERFACE IMPORTED)
  set_target_properties(xxHash::xxhash PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${xxHash_INCLUDE_DIR}")
endif()
