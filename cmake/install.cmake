# Install rules: headers, the exported targets (find_package(tcchat)), and tcchat.pc for pkg-config.
include(CMakePackageConfigHelpers)

install(DIRECTORY ${TCCHAT_INCLUDE_DIR}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(TCCHAT_INSTALL_TARGETS tcchat)
if(TCCHAT_WITH_USERSIG)
  list(APPEND TCCHAT_INSTALL_TARGETS tcchat_usersig)
endif()
if(TCCHAT_WITH_CURL)
  list(APPEND TCCHAT_INSTALL_TARGETS tcchat_curl)
endif()
if(TCCHAT_WITH_BEAST)
  list(APPEND TCCHAT_INSTALL_TARGETS tcchat_beast)
endif()
if(TCCHAT_WITH_REDIS)
  list(APPEND TCCHAT_INSTALL_TARGETS tcchat_redis)
endif()
install(TARGETS ${TCCHAT_INSTALL_TARGETS} EXPORT tcchatTargets)
install(EXPORT tcchatTargets NAMESPACE tcchat:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tcchat)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/tcchatConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/tcchatConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tcchat)
# Header-only: any compiler and bitness can use the package.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/tcchatConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/tcchatConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/tcchatConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/tcchat)

configure_file(${CMAKE_CURRENT_LIST_DIR}/tcchat.pc.in ${CMAKE_CURRENT_BINARY_DIR}/tcchat.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/tcchat.pc DESTINATION ${CMAKE_INSTALL_DATADIR}/pkgconfig)
