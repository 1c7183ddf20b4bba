# tl_module_headers(<target> PUBLIC <headers...> [INTERNAL <headers...>])
#
# Gives a module's target an include root that exposes only its public headers, so that the
# dependency graph of the targets *is* the architecture: a source includes another module's
# header by its path from the repository root ("ledger/store/event_log.h"), and that resolves
# only if the header is public and the including target links the module. A wrong-way include
# (the ledger including a projection, a projection a server header) or an include of another
# module's internal header fails to compile.
#
# The roots are folders of symbolic links in the build tree, remade at every configure:
#   include/<target>/<path>           the public headers: PUBLIC include directory
#   include-internal/<target>/<path>  public and internal headers: PRIVATE include directory
# Tests of a module's internals link <target>_internal, which exposes the second root.
# Headers are listed relative to the calling CMakeLists.txt. A header listed in neither list
# cannot be included at all, so a new header must be placed on one side on purpose.
function(tl_module_headers target)
  cmake_parse_arguments(ARG "" "" "PUBLIC;INTERNAL" ${ARGN})
  file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  set(public_root ${PROJECT_BINARY_DIR}/include/${target})
  set(internal_root ${PROJECT_BINARY_DIR}/include-internal/${target})
  file(REMOVE_RECURSE ${public_root} ${internal_root})
  foreach(header IN LISTS ARG_PUBLIC ARG_INTERNAL)
    set(roots ${internal_root})
    if(header IN_LIST ARG_PUBLIC)
      list(APPEND roots ${public_root})
    endif()
    foreach(root IN LISTS roots)
      set(link ${root}/${rel}/${header})
      get_filename_component(link_dir ${link} DIRECTORY)
      file(MAKE_DIRECTORY ${link_dir})
      file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR}/${header} ${link} SYMBOLIC)
    endforeach()
  endforeach()
  file(MAKE_DIRECTORY ${public_root} ${internal_root})
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${public_root}>
                             PRIVATE ${internal_root})
  add_library(${target}_internal INTERFACE)
  target_include_directories(${target}_internal INTERFACE ${internal_root})
  target_link_libraries(${target}_internal INTERFACE ${target})
endfunction()
