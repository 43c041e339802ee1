# Findhiredis: the hiredis C client library.
#
# Defines hiredis_FOUND, hiredis_INCLUDE_DIR, hiredis_LIBRARY, hiredis_VERSION
# and the imported target hiredis::hiredis (the name upstream hiredis's own
# CMake package uses from 1.0 on; Debian bookworm's 0.14 ships none with
# targets). Installed beside edgekit's package configuration so that
# find_package(edgekit COMPONENTS redis) finds hiredis the same way the build
# did. Honours CMAKE_DISABLE_FIND_PACKAGE_hiredis like any find_package().

if(TARGET hiredis::hiredis)
  # Someone (a package manager's config, a parent project) already provides it.
  set(hiredis_FOUND TRUE)
  return()
endif()

find_path(hiredis_INCLUDE_DIR hiredis/hiredis.h)
find_library(hiredis_LIBRARY hiredis)
mark_as_advanced(hiredis_INCLUDE_DIR hiredis_LIBRARY)
if(hiredis_INCLUDE_DIR AND EXISTS "${hiredis_INCLUDE_DIR}/hiredis/hiredis.h")
  file(STRINGS "${hiredis_INCLUDE_DIR}/hiredis/hiredis.h" _hiredis_version_lines
    REGEX "^#define HIREDIS_(MAJOR|MINOR|PATCH) +[0-9]+")
  set(_hiredis_version "")
  foreach(_part MAJOR MINOR PATCH)
    string(REGEX MATCH "HIREDIS_${_part} +([0-9]+)" _ "${_hiredis_version_lines}")
    list(APPEND _hiredis_version "${CMAKE_MATCH_1}")
  endforeach()
  string(REPLACE ";" "." hiredis_VERSION "${_hiredis_version}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(hiredis
  REQUIRED_VARS hiredis_LIBRARY hiredis_INCLUDE_DIR
  VERSION_VAR hiredis_VERSION)

if(hiredis_FOUND)
  add_library(hiredis::hiredis UNKNOWN IMPORTED)
  set_target_properties(hiredis::hiredis PROPERTIES
    IMPORTED_LOCATION "${hiredis_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${hiredis_INCLUDE_DIR}")
endif()
