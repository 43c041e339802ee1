# Finds edgekit's dependencies. Each missing one fails with the Debian package
# that provides it.

include(CMakeFindDependencyMacro)

macro(edgekit_require _found _what _debian)
  if(NOT ${_found})
    message(FATAL_ERROR "edgekit needs ${_what}. On Debian/Ubuntu: sudo apt-get install ${_debian}")
  endif()
endmacro()

set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)

find_package(absl CONFIG QUIET)
edgekit_require(absl_FOUND "Abseil (absl)" libabsl-dev)

find_package(OpenSSL 3.0 QUIET)
edgekit_require(OPENSSL_FOUND "OpenSSL 3" libssl-dev)

# xxHash is used header-only (XXH_INLINE_ALL) inside compiled sources.
find_path(EDGEKIT_XXHASH_INCLUDE_DIR xxhash.h)
edgekit_require(EDGEKIT_XXHASH_INCLUDE_DIR "xxHash (xxhash.h)" libxxhash-dev)
if(NOT TARGET edgekit_xxhash)
  add_library(edgekit_xxhash INTERFACE)
  target_include_directories(edgekit_xxhash SYSTEM INTERFACE
    "$<BUILD_INTERFACE:${EDGEKIT_XXHASH_INCLUDE_DIR}>")
  set_property(GLOBAL APPEND PROPERTY EDGEKIT_INSTALL_TARGETS edgekit_xxhash)
endif()

if(EDGEKIT_WITH_JWT)
  find_package(simdjson CONFIG QUIET)
  edgekit_require(simdjson_FOUND "simdjson" libsimdjson-dev)
endif()

set(EDGEKIT_BUILD_REDIS OFF)
if(NOT EDGEKIT_WITH_REDIS STREQUAL "OFF")
  find_path(EDGEKIT_HIREDIS_INCLUDE_DIR hiredis/hiredis.h)
  find_library(EDGEKIT_HIREDIS_LIBRARY hiredis)
  if(EDGEKIT_HIREDIS_INCLUDE_DIR AND EDGEKIT_HIREDIS_LIBRARY)
    set(EDGEKIT_BUILD_REDIS ON)
    if(NOT TARGET edgekit_hiredis)
      add_library(edgekit_hiredis INTERFACE)
      target_include_directories(edgekit_hiredis SYSTEM INTERFACE
        "$<BUILD_INTERFACE:${EDGEKIT_HIREDIS_INCLUDE_DIR}>")
      target_link_libraries(edgekit_hiredis INTERFACE "$<BUILD_INTERFACE:${EDGEKIT_HIREDIS_LIBRARY}>"
        "$<INSTALL_INTERFACE:hiredis>")
      set_property(GLOBAL APPEND PROPERTY EDGEKIT_INSTALL_TARGETS edgekit_hiredis)
    endif()
  elseif(EDGEKIT_WITH_REDIS STREQUAL "ON")
    edgekit_require(EDGEKIT_HIREDIS_LIBRARY "hiredis" libhiredis-dev)
  else()
    message(STATUS "edgekit: hiredis not found, edgekit::redis is not built (apt-get install libhiredis-dev)")
  endif()
endif()
