# Install rules: headers, targets (edgekitTargets, NAMESPACE edgekit::), package
# config + version file, a build-tree export and a pkg-config file.
include(CMakePackageConfigHelpers)

get_property(_targets GLOBAL PROPERTY EDGEKIT_DECLARED_COMPONENTS)
list(TRANSFORM _targets PREPEND edgekit_)
list(APPEND _targets edgekit)
set(EDGEKIT_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/edgekit")

install(TARGETS ${_targets}
  EXPORT edgekitTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/edgekit"
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")
install(EXPORT edgekitTargets NAMESPACE edgekit:: DESTINATION ${EDGEKIT_CMAKE_DIR})
export(EXPORT edgekitTargets NAMESPACE edgekit::
  FILE "${PROJECT_BINARY_DIR}/edgekitTargets.cmake")

set(EDGEKIT_CONFIG_WITH_JWT ${EDGEKIT_WITH_JWT})
set(EDGEKIT_CONFIG_WITH_REDIS ${EDGEKIT_BUILD_REDIS})
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/edgekitConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/edgekitConfig.cmake"
  INSTALL_DESTINATION ${EDGEKIT_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/edgekitConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/edgekitConfig.cmake"
  "${PROJECT_BINARY_DIR}/edgekitConfigVersion.cmake"
  DESTINATION ${EDGEKIT_CMAKE_DIR})

# pkg-config: one package for everything that was built.
set(EDGEKIT_PC_LIBS "")
foreach(_t IN LISTS EDGEKIT_COMPONENT_TARGETS)
  get_target_property(_type ${_t} TYPE)
  if(NOT _type STREQUAL "INTERFACE_LIBRARY")
    string(APPEND EDGEKIT_PC_LIBS " -l${_t}")
  endif()
endforeach()
set(EDGEKIT_PC_PUBLIC_REQUIRES "absl_base absl_strings absl_str_format absl_status absl_statusor absl_time absl_hash absl_raw_hash_set absl_random_random")
set(EDGEKIT_PC_REQUIRES "openssl >= 3.0")
if(EDGEKIT_WITH_JWT)
  string(APPEND EDGEKIT_PC_REQUIRES ", simdjson")
endif()
if(EDGEKIT_BUILD_REDIS)
  string(APPEND EDGEKIT_PC_REQUIRES ", hiredis")
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/edgekit.pc.in" "${PROJECT_BINARY_DIR}/edgekit.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/edgekit.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
