# Helpers that define edgekit's targets. Warnings and sanitizers are PRIVATE
# options of edgekit's own targets: never exported to consumers.

# edgekit_set_warnings(<target>): warnings for code edgekit compiles itself.
function(edgekit_set_warnings target)
  get_target_property(_type ${target} TYPE)
  if(_type STREQUAL "INTERFACE_LIBRARY")
    return()
  endif()
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 $<$<BOOL:${EDGEKIT_WERROR}>:/WX>)
    return()
  endif()
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wcast-align -Wimplicit-fallthrough)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(${target} PRIVATE -Wthread-safety -Wthread-safety-beta)
  endif()
  if(EDGEKIT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(EDGEKIT_NO_EXCEPTIONS)
    target_compile_options(${target} PRIVATE -fno-exceptions)
  endif()
  edgekit_apply_sanitizers(${target})
endfunction()

# edgekit_apply_sanitizers(<target>): EDGEKIT_SANITIZE for one target.
function(edgekit_apply_sanitizers target)
  # libFuzzer builds: every edgekit target gets coverage instrumentation, so the
  # fuzzers see into the libraries (the fuzz executables add -fsanitize=fuzzer).
  if(EDGEKIT_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
  if(EDGEKIT_SANITIZE STREQUAL "address")
    set(_flags -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  elseif(EDGEKIT_SANITIZE STREQUAL "thread")
    set(_flags -fsanitize=thread -fno-omit-frame-pointer)
  elseif(EDGEKIT_SANITIZE STREQUAL "")
    return()
  else()
    message(FATAL_ERROR "EDGEKIT_SANITIZE must be '', 'address' or 'thread', not '${EDGEKIT_SANITIZE}'")
  endif()
  target_compile_options(${target} PRIVATE ${_flags})
  get_target_property(_type ${target} TYPE)
  if(NOT _type STREQUAL "STATIC_LIBRARY" AND NOT _type STREQUAL "OBJECT_LIBRARY")
    target_link_options(${target} PRIVATE ${_flags})
  endif()
endfunction()

# edgekit_add_component(<name> [DEPS ...] [PRIVATE_DEPS ...])
#   Defines edgekit_<name> / edgekit::<name>. Compiled when src/<name>/*.cc exist,
#   header-only (INTERFACE) otherwise. Sources are globbed with CONFIGURE_DEPENDS
#   so a new file in a component's folder needs no edit here (components are
#   developed in parallel; the folder is the unit).
function(edgekit_add_component name)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  set(target edgekit_${name})
  file(GLOB _sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/src/${name}/*.cc")
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
    endif()
    edgekit_set_warnings(${target})
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} ${_system} INTERFACE ${_inc_build} ${_inc_install})
    target_compile_features(${target} INTERFACE cxx_std_17)
    target_link_libraries(${target} INTERFACE ${ARG_DEPS})
  endif()
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  add_library(edgekit::${name} ALIAS ${target})
  set_property(GLOBAL APPEND PROPERTY EDGEKIT_INSTALL_TARGETS ${target})
  if(NOT name STREQUAL "testing")
    set(EDGEKIT_COMPONENTS ${EDGEKIT_COMPONENTS} ${name} PARENT_SCOPE)
    set(EDGEKIT_COMPONENT_TARGETS ${EDGEKIT_COMPONENT_TARGETS} ${target} PARENT_SCOPE)
  endif()
endfunction()
