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

