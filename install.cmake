# `cmake --install build --prefix P` (and `make install PREFIX=P`): the
# program, the library with its one header and pkg-config file, the data
# (templates, the font manifest) under P/share/briefing, the manual and the
# bash completion. Everything the installed program reads is found relative
# to itself (src/util/datadir.c), so P may move. `cpack` (in build/) makes a
# .deb of the same tree.
install(TARGETS briefing RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS briefing_mail briefing_serve briefing_backends LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/briefing)
install(TARGETS briefing_shared LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        NAMELINK_COMPONENT Unspecified)
install(FILES ${CMAKE_BINARY_DIR}/libbriefing.a DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${CMAKE_SOURCE_DIR}/include/briefing/briefing.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/briefing)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/templates/ DESTINATION ${CMAKE_INSTALL_DATADIR}/briefing/templates
        FILES_MATCHING PATTERN "*.json")
install(FILES ${CMAKE_SOURCE_DIR}/fonts/fonts.json ${CMAKE_SOURCE_DIR}/fonts/README.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/briefing/fonts)
install(FILES ${CMAKE_SOURCE_DIR}/docs/man/briefing.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_SOURCE_DIR}/completions/briefing
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

# pkg-config: the prefix relative to the .pc file's own folder, so a moved
# tree still compiles against itself.
file(RELATIVE_PATH BRIEFING_PC_UP "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file(${CMAKE_SOURCE_DIR}/briefing.pc.in ${CMAKE_BINARY_DIR}/briefing.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/briefing.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# Debian package: dependencies from the libraries the binaries link
# (dpkg-shlibdeps), plus the fonts the shipped templates name.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME briefing)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "briefing maintainers <briefing@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Chinese local-government reports into typeset PDF briefings")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION text)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-noto-cjk, fonts-lxgw-wenkai, fonts-arphic-uming, fonts-wqy-microhei, fonts-dejavu-core")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
include(CPack)
