# edgekit's external dependencies, looked up per component: a package is
# searched for only when a component that links it is declared, so a build of
# the components that need Abseil alone never looks for OpenSSL, simdjson,
# xxHash or hiredis. Every lookup is a plain find_package(<name>), so
# CMAKE_DISABLE_FIND_PACKAGE_<name> works for each.
#
# The same table serves the installed package: edgekit-<c>-component.cmake
# repeats the lookups a component's exported link interface needs.
include_guard(GLOBAL)

list(APPEND CMAKE_MODULE_PATH "${CMAKE_CURRENT_LIST_DIR}/modules")

# The packages edgekit knows: the find_package() arguments after the name, and
# the Debian package that provides each. xxHash, hiredis and libevent use the
# find modules in cmake/modules/ unless CMAKE_FIND_PACKAGE_PREFER_CONFIG (a
# package manager's toolchain, Conan's) picks their own CMake packages first;
# either way the targets are xxHash::xxhash, hiredis::hiredis and libevent::core.
set(EDGEKIT_PACKAGE_ARGS_Threads "")
set(EDGEKIT_PACKAGE_DEBIAN_Threads "libc6-dev")
set(EDGEKIT_PACKAGE_ARGS_absl "CONFIG")
set(EDGEKIT_PACKAGE_DEBIAN_absl "libabsl-dev")
set(EDGEKIT_PACKAGE_ARGS_OpenSSL "3.0")
set(EDGEKIT_PACKAGE_DEBIAN_OpenSSL "libssl-dev")
set(EDGEKIT_PACKAGE_ARGS_simdjson "CONFIG")
set(EDGEKIT_PACKAGE_DEBIAN_simdjson "libsimdjson-dev")
set(EDGEKIT_PACKAGE_ARGS_xxHash "")
set(EDGEKIT_PACKAGE_DEBIAN_xxHash "libxxhash-dev")
set(EDGEKIT_PACKAGE_ARGS_hiredis "")
set(EDGEKIT_PACKAGE_DEBIAN_hiredis "libhiredis-dev")
set(EDGEKIT_PACKAGE_ARGS_libevent "")
set(EDGEKIT_PACKAGE_DEBIAN_libevent "libevent-dev")

# edgekit_package_of(<link-item> <out-var>): the package that provides an
# imported target (absl::strings → absl), or "" for anything else.
function(edgekit_package_of item out)
  set(_pkg "")
  if(item MATCHES "^absl::")
    set(_pkg absl)
  elseif(item STREQUAL "Threads::Threads")
    set(_pkg Threads)
  elseif(item MATCHES "^OpenSSL::")
    set(_pkg OpenSSL)
  elseif(item MATCHES "^simdjson::")
    set(_pkg simdjson)
  elseif(item MATCHES "^xxHash::")
    set(_pkg xxHash)
  elseif(item MATCHES "^hiredis::")
    set(_pkg hiredis)
  elseif(item MATCHES "^libevent::")
    set(_pkg libevent)
  endif()
  set(${out} "${_pkg}" PARENT_SCOPE)
endfunction()

# edgekit_find_dependency(<pkg> <out-found>): finds one known package once
# (the result is remembered for the rest of the configure run).
function(edgekit_find_dependency pkg out)
  get_property(_known GLOBAL PROPERTY EDGEKIT_PACKAGE_LOOKED_UP_${pkg} SET)
  if(NOT _known)
    if(pkg STREQUAL "Threads")
      set(THREADS_PREFER_PTHREAD_FLAG ON)
    endif()
    # Imported targets made by find modules are directory-scoped: the ones
    # this lookup creates are made global, so that a parent project
    # (add_subdirectory, FetchContent) can link edgekit's static libraries,
    # whose link interface names them.
    set(_promote "")
    foreach(_t hiredis::hiredis libevent::core xxHash::xxhash)
      if(NOT TARGET ${_t})
        list(APPEND _promote ${_t})
      endif()
    endforeach()
    find_package(${pkg} ${EDGEKIT_PACKAGE_ARGS_${pkg}} QUIET)
    set(_found FALSE)
    if(${pkg}_FOUND)
      set(_found TRUE)
    endif()
    foreach(_t IN LISTS _promote)
      if(TARGET ${_t})
        get_target_property(_aliased ${_t} ALIASED_TARGET)
        if(NOT _aliased)
          set_target_properties(${_t} PROPERTIES IMPORTED_GLOBAL TRUE)
        endif()
      endif()
    endforeach()
    set_property(GLOBAL PROPERTY EDGEKIT_PACKAGE_LOOKED_UP_${pkg} ${_found})
  endif()
  get_property(_found GLOBAL PROPERTY EDGEKIT_PACKAGE_LOOKED_UP_${pkg})
  set(${out} ${_found} PARENT_SCOPE)
endfunction()

# Threads and Abseil: every component needs them (through edgekit::base).
edgekit_find_dependency(Threads _edgekit_threads_found)
edgekit_find_dependency(absl _edgekit_absl_found)
if(NOT _edgekit_absl_found)
  message(FATAL_ERROR "edgekit needs Abseil (absl, >= 20220623). On Debian/Ubuntu: sudo apt-get install libabsl-dev")
endif()
