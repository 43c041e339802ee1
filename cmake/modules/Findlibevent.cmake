# Findlibevent: libevent's core library (event_core), which the event-loop
# Redis client attaches hiredis's asynchronous API to.
#
# Defines libevent_FOUND, libevent_INCLUDE_DIR, libevent_CORE_LIBRARY,
# libevent_VERSION and the imported target libevent::core (the name upstream
# libevent's own CMake package uses; Debian bookworm's libevent-dev ships
# pkg-config files only). Installed beside edgekit's package configuration so
# that find_package(edgekit COMPONENTS redis) finds libevent the same way the
# build did. Honours CMAKE_DISABLE_FIND_PACKAGE_libevent like any
# find_package().

if(TARGET libevent::core)
  # Someone (a package manager's config, a parent project) already provides it.
  set(libevent_FOUND TRUE)
  return()
endif()

find_path(libevent_INCLUDE_DIR event2/event.h)
find_library(libevent_CORE_LIBRARY event_core)
mark_as_advanced(libevent_INCLUDE_DIR libevent_CORE_LIBRARY)
if(libevent_INCLUDE_DIR AND EXISTS "${libevent_INCLUDE_DIR}/event2/event-config.h")
  file(STRINGS "${libevent_INCLUDE_DIR}/event2/event-config.h" _libevent_version_line
    REGEX "^#define EVENT__VERSION +\"[^\"]+\"")
  string(REGEX REPLACE "^#define EVENT__VERSION +\"([0-9.]+).*\"" "\\1" libevent_VERSION
    "${_libevent_version_line}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(libevent
  REQUIRED_VARS libevent_CORE_LIBRARY libevent_INCLUDE_DIR
  VERSION_VAR libevent_VERSION)

if(libevent_FOUND)
  add_library(libevent::core UNKNOWN IMPORTED)
  set_target_properties(libevent::core PROPERTIES
    IMPORTED_LOCATION "${libevent_CORE_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${libevent_INCLUDE_DIR}")
endif()
