# Components: edgekit_add_component() and what reads its bookkeeping (tests,
# install rules, the include check). See CONTRIBUTING.md, "The component is
# the unit".
include_guard(GLOBAL)

# edgekit_add_component(<name>
#     [DIR <folder>]              folder under include/edgekit/ and src/; default <name>;
#                                 may be a subfolder (jwt/testing)
#     [SOURCES <file>...]         explicit .cc files, relative to src/<DIR>
#     [HEADERS <file>...]         explicit public headers, relative to include/edgekit/<DIR>
#     [OPTION <EDGEKIT_WITH_X>]   ON / OFF / AUTO switch of an optional component
#     [TESTING]                   test helper: installed, not part of edgekit::edgekit
#     [DEPS <item>...]            public: its headers use them
#     [PRIVATE_DEPS <item>...])   its sources only; $<BUILD_INTERFACE:x> for header-only
#                                 use that consumers never need (xxHash)
#
# Defines edgekit_<name> (alias edgekit::<name>, export name <name>): a compiled
# library when it has sources, header-only (INTERFACE) otherwise.
#
# Files. Without SOURCES/HEADERS the component takes every src/<DIR>/**.cc and
# include/edgekit/<DIR>/**.h (globbed with CONFIGURE_DEPENDS, so a new file needs
# no CMake edit) except those another component claims. With SOURCES and/or
# HEADERS it takes exactly those files (an omitted list is empty). A file
# belongs to the component that names it explicitly, else to the component
# whose DIR is the longest prefix of its path; declaration order does not
# matter. Headers directly in include/edgekit/ (version.h) belong to base.
#
# Dependencies. An edgekit::<x> item needs edgekit::<x> declared before; an
# imported target of a known package (absl::, Threads::, OpenSSL::, simdjson::,
# xxHash::, hiredis::) is looked up on first use (cmake/EdgekitDependencies.cmake).
# When something is missing: with OPTION at AUTO the component is skipped with
# a status line; otherwise configuration fails and names the Debian package.
function(edgekit_add_component name)
  cmake_parse_arguments(ARG "TESTING" "DIR;OPTION" "SOURCES;HEADERS;DEPS;PRIVATE_DEPS" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "edgekit_add_component(${name}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  set(target edgekit_${name})
  set(_dir "${name}")
  if(ARG_DIR)
    set(_dir "${ARG_DIR}")
  endif()
  string(REGEX REPLACE "/.*" "" _top "${_dir}")

  # Files: claim them (a skipped component too, so that no glob takes them),
  # and take back any that an earlier component globbed.
  set(_claims "")
  if(DEFINED ARG_SOURCES OR DEFINED ARG_HEADERS)
    foreach(_f IN LISTS ARG_SOURCES)
      list(APPEND _claims "src:${_dir}/${_f}")
    endforeach()
    foreach(_f IN LISTS ARG_HEADERS)
      list(APPEND _claims "inc:${_dir}/${_f}")
    endforeach()
  else()
    list(APPEND _claims "dir:${_dir}")
  endif()
  if(name STREQUAL "base")
    file(GLOB _root_headers CONFIGURE_DEPENDS RELATIVE "${PROJECT_SOURCE_DIR}/include/edgekit"
      "${PROJECT_SOURCE_DIR}/include/edgekit/*.h")
    foreach(_f IN LISTS _root_headers)
      list(APPEND _claims "inc:${_f}")
    endforeach()
  endif()
  get_property(_all_claims GLOBAL PROPERTY EDGEKIT_CLAIMS)
  foreach(_c IN LISTS _claims)
    if(_c MATCHES "^(src|inc):")
      string(REGEX REPLACE "^src:" "src/" _path "${_c}")
      string(REGEX REPLACE "^inc:" "include/edgekit/" _path "${_path}")
      if(NOT EXISTS "${PROJECT_SOURCE_DIR}/${_path}")
        message(FATAL_ERROR "edgekit_add_component(${name}): ${_path} does not exist")
      endif()
    endif()
    foreach(_other IN LISTS _all_claims)
      if(_other MATCHES "^([^=]+)=(.*)$" AND CMAKE_MATCH_2 STREQUAL _c)
        message(FATAL_ERROR "edgekit_add_component(${name}): ${_c} is already claimed by ${CMAKE_MATCH_1}")
      endif()
    endforeach()
    set_property(GLOBAL APPEND PROPERTY EDGEKIT_CLAIMS "${name}=${_c}")
  endforeach()
  get_property(_declared GLOBAL PROPERTY EDGEKIT_DECLARED_COMPONENTS)
  foreach(_other IN LISTS _declared)
    _edgekit_refresh_files(${_other})
  endforeach()

  # Switched off, or something missing: skip (AUTO) or fail.
  set(_mode ON)
  if(ARG_OPTION)
    string(TOUPPER "${${ARG_OPTION}}" _mode)
    if(_mode STREQUAL "AUTO")
    elseif(_mode)
      set(_mode ON)
    else()
      message(STATUS "edgekit: edgekit::${name} is off (${ARG_OPTION}=${${ARG_OPTION}})")
      set_property(GLOBAL APPEND PROPERTY EDGEKIT_SKIPPED_COMPONENTS ${name})
      return()
    endif()
  endif()
  set(_missing "")
  set(_hints "")
  foreach(_item IN LISTS ARG_DEPS ARG_PRIVATE_DEPS)
    string(REGEX REPLACE "^\\$<BUILD_INTERFACE:(.*)>$" "\\1" _item "${_item}")
    if(_item MATCHES "^edgekit::(.+)$")
      if(NOT TARGET edgekit_${CMAKE_MATCH_1})
        list(APPEND _missing "${_item}")
      endif()
      continue()
    endif()
    edgekit_package_of("${_item}" _pkg)
    if(_pkg)
      edgekit_find_dependency(${_pkg} _found)
      if(NOT _found)
        list(APPEND _missing "${_pkg}")
        list(APPEND _hints "${EDGEKIT_PACKAGE_DEBIAN_${_pkg}}")
      endif()
    endif()
  endforeach()
  if(_missing)
    list(REMOVE_DUPLICATES _missing)
    string(REPLACE ";" ", " _missing "${_missing}")
    set(_msg "edgekit::${name} needs ${_missing}")
    if(_hints)
      list(REMOVE_DUPLICATES _hints)
      string(REPLACE ";" " " _hints "${_hints}")
      string(APPEND _msg " (on Debian/Ubuntu: sudo apt-get install ${_hints})")
    endif()
    if(_mode STREQUAL "AUTO")
      message(STATUS "edgekit: ${_msg}; not built")
      set_property(GLOBAL APPEND PROPERTY EDGEKIT_SKIPPED_COMPONENTS ${name})
      return()
    endif()
    if(ARG_OPTION)
      string(APPEND _msg ", or configure with -D${ARG_OPTION}=OFF")
    endif()
    message(FATAL_ERROR "${_msg}")
  endif()

  _edgekit_component_files(${name} "${_dir}" _sources _headers _private_headers)

  # The target.
  set(_inc_build "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>")
  set(_inc_install "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
  set(_system "")
  if(EDGEKIT_SYSTEM_HEADERS)
    set(_system SYSTEM)
  endif()
  if(_sources)
    add_library(${target} ${_sources})
    target_include_directories(${target} ${_system} PUBLIC ${_inc_build} ${_inc_install})
    target_include_directories(${target} PRIVATE "${PROJECT_SOURCE_DIR}/src")
    target_compile_features(${target} PUBLIC cxx_std_17)
    target_link_libraries(${target} PUBLIC ${ARG_DEPS})
    target_link_libraries(${target} PRIVATE ${ARG_PRIVATE_DEPS})
    set_target_properties(${target} PROPERTIES
      CXX_VISIBILITY_PRESET hidden
      VISIBILITY_INLINES_HIDDEN ON
      POSITION_INDEPENDENT_CODE ON
      OUTPUT_NAME edgekit_${name}
      VERSION ${PROJECT_VERSION}
      SOVERSION ${PROJECT_VERSION_MAJOR})
    target_compile_definitions(${target} PRIVATE EDGEKIT_BUILDING)
    if(BUILD_SHARED_LIBS)
      target_compile_definitions(${target} PUBLIC EDGEKIT_SHARED)
      # Installed shared libraries find their edgekit siblings wherever the
      # install tree is moved.
      if(APPLE)
        set_target_properties(${target} PROPERTIES INSTALL_RPATH "@loader_path")
      elseif(UNIX)
        set_target_properties(${target} PROPERTIES INSTALL_RPATH "$ORIGIN")
      endif()
    endif()
    # Inside another project, build only what that project links.
    if(NOT edgekit_IS_TOP_LEVEL AND NOT EDGEKIT_INSTALL)
      set_target_properties(${target} PROPERTIES EXCLUDE_FROM_ALL TRUE)
    endif()
    edgekit_set_warnings(${target})
  else()
    if(ARG_PRIVATE_DEPS)
      message(FATAL_ERROR "edgekit_add_component(${name}): PRIVATE_DEPS but no sources")
    endif()
    add_library(${target} INTERFACE)
    target_include_directories(${target} ${_system} INTERFACE ${_inc_build} ${_inc_install})
    target_compile_features(${target} INTERFACE cxx_std_17)
    target_link_libraries(${target} INTERFACE ${ARG_DEPS})
  endif()
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  add_library(edgekit::${name} ALIAS ${target})

  # Bookkeeping for tests, install rules and scripts/check-includes.
  set_property(GLOBAL APPEND PROPERTY EDGEKIT_DECLARED_COMPONENTS ${name})
  set_property(GLOBAL PROPERTY EDGEKIT_COMPONENT_${name}_DIR "${_dir}")
  set_property(GLOBAL PROPERTY EDGEKIT_COMPONENT_${name}_TOP "${_top}")
  set_property(GLOBAL PROPERTY EDGEKIT_COMPONENT_${name}_DEPS "${ARG_DEPS}")
  set_property(GLOBAL PROPERTY EDGEKIT_COMPONENT_${name}_PRIVATE_DEPS "${ARG_PRIVATE_DEPS}")
  set_property(GLOBAL PROPERTY EDGEKIT_COMPONENT_${name}_TESTING ${ARG_TESTING})
  if(NOT ARG_TESTING)
    set(EDGEKIT_COMPONENTS ${EDGEKIT_COMPONENTS} ${name} PARENT_SCOPE)
    set(EDGEKIT_COMPONENT_TARGETS ${EDGEKIT_COMPONENT_TARGETS} ${target} PARENT_SCOPE)
  endif()
endfunction()

# _edgekit_owner(<claim-key> <out>): the component a file belongs to. Keys are
# "src:<dir>/<file>" or "inc:<dir>/<file>".
function(_edgekit_owner key out)
  get_property(_all_claims GLOBAL PROPERTY EDGEKIT_CLAIMS)
  string(REGEX REPLACE "^(src|inc):" "" _rel "${key}")
  set(_owner "")
  set(_best -1)
  foreach(_entry IN LISTS _all_claims)
    if(NOT _entry MATCHES "^([^=]+)=(.*)$")
      continue()
    endif()
    set(_who "${CMAKE_MATCH_1}")
    set(_claim "${CMAKE_MATCH_2}")
    if(_claim STREQUAL key)
      set(${out} "${_who}" PARENT_SCOPE)
      return()
    endif()
    if(_claim MATCHES "^dir:(.*)$")
      set(_d "${CMAKE_MATCH_1}/")
      string(LENGTH "${_d}" _len)
      string(SUBSTRING "${_rel}" 0 ${_len} _head)
      if(_head STREQUAL _d AND _len GREATER _best)
        set(_best ${_len})
        set(_owner "${_who}")
      endif()
    endif()
  endforeach()
  set(${out} "${_owner}" PARENT_SCOPE)
endfunction()

# _edgekit_component_files(<name> <dir> <out-sources> <out-headers> <out-private-headers>):
# the files of the component's folder that belong to it (absolute paths).
function(_edgekit_component_files name dir out_src out_hdr out_priv)
  set(_root_src "${PROJECT_SOURCE_DIR}/src")
  set(_root_inc "${PROJECT_SOURCE_DIR}/include/edgekit")
  file(GLOB_RECURSE _src CONFIGURE_DEPENDS RELATIVE "${_root_src}" "${_root_src}/${dir}/*.cc")
  file(GLOB_RECURSE _priv CONFIGURE_DEPENDS RELATIVE "${_root_src}" "${_root_src}/${dir}/*.h")
  file(GLOB_RECURSE _hdr CONFIGURE_DEPENDS RELATIVE "${_root_inc}" "${_root_inc}/${dir}/*.h")
  if(name STREQUAL "base")
    file(GLOB _root_headers CONFIGURE_DEPENDS RELATIVE "${_root_inc}" "${_root_inc}/*.h")
    list(APPEND _hdr ${_root_headers})
  endif()
  foreach(_kind src priv hdr)
    set(_keep "")
    set(_prefix src)
    set(_root "${_root_src}")
    if(_kind STREQUAL "hdr")
      set(_prefix inc)
      set(_root "${_root_inc}")
    endif()
    foreach(_f IN LISTS _${_kind})
      _edgekit_owner("${_prefix}:${_f}" _owner)
      if(_owner STREQUAL name)
        list(APPEND _keep "${_root}/${_f}")
      endif()
    endforeach()
    set(_${_kind} "${_keep}")
  endforeach()
  set_property(GLOBAL PROPERTY EDGEKIT_COMPONENT_${name}_SOURCES "${_src}")
  set_property(GLOBAL PROPERTY EDGEKIT_COMPONENT_${name}_HEADERS "${_hdr}")
  set_property(GLOBAL PROPERTY EDGEKIT_COMPONENT_${name}_PRIVATE_HEADERS "${_priv}")
  set(${out_src} "${_src}" PARENT_SCOPE)
  set(${out_hdr} "${_hdr}" PARENT_SCOPE)
  set(${out_priv} "${_priv}" PARENT_SCOPE)
endfunction()

# _edgekit_refresh_files(<name>): after a later component claimed files, drop
# them from an earlier one (its file lists and its target's sources).
function(_edgekit_refresh_files name)
  get_property(_dir GLOBAL PROPERTY EDGEKIT_COMPONENT_${name}_DIR)
  get_property(_old GLOBAL PROPERTY EDGEKIT_COMPONENT_${name}_SOURCES)
  _edgekit_component_files(${name} "${_dir}" _src _hdr _priv)
  if(_old STREQUAL _src)
    return()
  endif()
  if(NOT _src)
    message(FATAL_ERROR "edgekit: every source of edgekit::${name} is now claimed by another "
      "component; declare that component before edgekit::${name} or give ${name} SOURCES")
  endif()
  set_property(TARGET edgekit_${name} PROPERTY SOURCES "${_src}")
endfunction()

# edgekit_component_family(<folder> <out-var>): the targets of every built
# component whose folder is <folder> or one of its subfolders, and of the test
# helpers built on them (canary → edgekit_canary edgekit_canary_vendor;
# jwt → edgekit_jwt edgekit_jwt_testing). The tests, fuzzers, benchmarks and
# examples of a folder link the whole family.
function(edgekit_component_family folder out)
  set(_targets "")
  get_property(_declared GLOBAL PROPERTY EDGEKIT_DECLARED_COMPONENTS)
  foreach(_c IN LISTS _declared)
    get_property(_top GLOBAL PROPERTY EDGEKIT_COMPONENT_${_c}_TOP)
    if(_top STREQUAL folder)
      list(APPEND _targets edgekit_${_c})
    endif()
  endforeach()
  foreach(_c IN LISTS _declared)
    get_property(_testing GLOBAL PROPERTY EDGEKIT_COMPONENT_${_c}_TESTING)
    get_property(_deps GLOBAL PROPERTY EDGEKIT_COMPONENT_${_c}_DEPS)
    if(NOT _testing OR edgekit_${_c} IN_LIST _targets)
      continue()
    endif()
    foreach(_d IN LISTS _deps)
      string(REPLACE "edgekit::" "edgekit_" _d "${_d}")
      if(_d IN_LIST _targets)
        list(APPEND _targets edgekit_${_c})
        break()
      endif()
    endforeach()
  endforeach()
  set(${out} "${_targets}" PARENT_SCOPE)
endfunction()

# edgekit_built_headers(<out-var>): every public header of the built
# components, relative to include/ (edgekit/http/age.h).
function(edgekit_built_headers out)
  set(_all "")
  get_property(_declared GLOBAL PROPERTY EDGEKIT_DECLARED_COMPONENTS)
  foreach(_c IN LISTS _declared)
    get_property(_headers GLOBAL PROPERTY EDGEKIT_COMPONENT_${_c}_HEADERS)
    foreach(_h IN LISTS _headers)
      file(RELATIVE_PATH _rel "${PROJECT_SOURCE_DIR}/include" "${_h}")
      list(APPEND _all "${_rel}")
    endforeach()
  endforeach()
  set(${out} "${_all}" PARENT_SCOPE)
endfunction()

# edgekit_write_component_manifest(<file>): one line per file of every built
# component ("file <component> <path>"), one per edgekit dependency it links
# ("links <component> <dependency>"), one per external package it uses, at
# build time or link time ("package <component> <package>"), and one per
# component not built ("skipped <component>"), for scripts/check-includes and
# scripts/check-conan-recipe.
function(edgekit_write_component_manifest path)
  set(_text "# Written by CMake (cmake/EdgekitComponents.cmake) for scripts/check-includes.\n")
  get_property(_declared GLOBAL PROPERTY EDGEKIT_DECLARED_COMPONENTS)
  foreach(_c IN LISTS _declared)
    foreach(_kind SOURCES HEADERS PRIVATE_HEADERS)
      get_property(_files GLOBAL PROPERTY EDGEKIT_COMPONENT_${_c}_${_kind})
      foreach(_f IN LISTS _files)
        file(RELATIVE_PATH _rel "${PROJECT_SOURCE_DIR}" "${_f}")
        string(APPEND _text "file ${_c} ${_rel}\n")
      endforeach()
    endforeach()
    get_property(_deps GLOBAL PROPERTY EDGEKIT_COMPONENT_${_c}_DEPS)
    get_property(_pdeps GLOBAL PROPERTY EDGEKIT_COMPONENT_${_c}_PRIVATE_DEPS)
    set(_pkgs "")
    foreach(_d IN LISTS _deps _pdeps)
      string(REGEX REPLACE "^\\$<BUILD_INTERFACE:(.*)>$" "\\1" _d "${_d}")
      if(_d MATCHES "^edgekit::(.+)$")
        string(APPEND _text "links ${_c} ${CMAKE_MATCH_1}\n")
      else()
        edgekit_package_of("${_d}" _pkg)
        if(_pkg AND NOT _pkg IN_LIST _pkgs)
          list(APPEND _pkgs ${_pkg})
          string(APPEND _text "package ${_c} ${_pkg}\n")
        endif()
      endif()
    endforeach()
  endforeach()
  get_property(_skipped GLOBAL PROPERTY EDGEKIT_SKIPPED_COMPONENTS)
  foreach(_c IN LISTS _skipped)
    string(APPEND _text "skipped ${_c}\n")
  endforeach()
  file(WRITE "${path}" "${_text}")
endfunction()
