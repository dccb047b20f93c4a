# CMake support for kprop potential plugins (see README.md here).
#
# kprop_add_plugin(<target> <source>...)
#   A plugin: a MODULE library compiled with the usage requirements of kprop
#   and of its Kokkos (include directories, definitions, flags such as
#   -fopenmp) but not linked against kprop_lib or a static Kokkos: their
#   symbols are bound at dlopen() to the copies in the kprop executable. A
#   second copy of a static Kokkos in the plugin would be a second,
#   uninitialized Kokkos runtime. A shared Kokkos is linked: it is the same
#   copy the executable uses.
#
# kprop_plugin_host(<executable>)
#   Lets <executable> load plugins: it exports its symbols (ENABLE_EXPORTS)
#   and contains all of kprop_lib and of a static Kokkos, not only the archive
#   members its own code uses (else a plugin that uses, say,
#   Kokkos::UnorderedMap fails to load with "undefined symbol").
#
# Inside kprop's build the requirements come from kprop_lib. Out of tree,
# include() this file and configure with -DKokkos_ROOT=<the Kokkos kprop was
# built with> and kprop's C++ compiler; KPROP_SOURCE_DIR defaults to the kprop
# tree this file is in.
include_guard(GLOBAL)

if(NOT TARGET kprop_lib)
  if(NOT KPROP_SOURCE_DIR)
    get_filename_component(KPROP_SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
  endif()
  find_package(Kokkos REQUIRED)
  find_package(Eigen3 3.3 REQUIRED NO_MODULE)
  find_package(nlohmann_json 3 REQUIRED)
  find_package(fmt REQUIRED)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
  add_library(kprop_plugin_usage INTERFACE)
  target_include_directories(kprop_plugin_usage INTERFACE "${KPROP_SOURCE_DIR}")
  target_link_libraries(kprop_plugin_usage INTERFACE Kokkos::kokkos Eigen3::Eigen
                        nlohmann_json::nlohmann_json fmt::fmt PkgConfig::TOMLPP)
endif()

# The files of Kokkos's own libraries (kokkoscore, kokkoscontainers, ...,
# found from Kokkos::kokkos through INTERFACE_LINK_LIBRARIES) of the given
# TYPE, STATIC_LIBRARY or SHARED_LIBRARY, as generator expressions.
function(_kprop_kokkos_libraries type out)
  set(todo Kokkos::kokkos)
  set(seen "")
  set(files "")
  while(todo)
    list(POP_FRONT todo lib)
    if(lib IN_LIST seen OR NOT TARGET "${lib}")
      continue()
    endif()
    list(APPEND seen "${lib}")
    get_target_property(t "${lib}" TYPE)
    if(t STREQUAL type AND lib MATCHES "^(Kokkos::)?kokkos")
      list(APPEND files "$<TARGET_FILE:${lib}>")
    endif()
    get_target_property(deps "${lib}" INTERFACE_LINK_LIBRARIES)
    if(deps)
      list(APPEND todo ${deps})
    endif()
  endwhile()
  set(${out} "${files}" PARENT_SCOPE)
endfunction()

function(kprop_add_plugin target)
  add_library(${target} MODULE ${ARGN})
  if(TARGET kprop_lib)
    set(usage kprop_lib)
  else()
    set(usage kprop_plugin_usage)
  endif()
  # $<TARGET_PROPERTY:usage,INTERFACE_...> is evaluated over usage's whole
  # link closure: this is target_link_libraries(usage) minus the libraries.
  foreach(prop INCLUDE_DIRECTORIES COMPILE_DEFINITIONS COMPILE_OPTIONS COMPILE_FEATURES
               LINK_OPTIONS)
    set_property(TARGET ${target} APPEND PROPERTY ${prop}
                 "$<TARGET_PROPERTY:${usage},INTERFACE_${prop}>")
  endforeach()
  target_compile_features(${target} PRIVATE cxx_std_17)
  _kprop_kokkos_libraries(SHARED_LIBRARY shared)
  target_link_libraries(${target} PRIVATE ${shared})
endfunction()

function(kprop_plugin_host target)
  set_property(TARGET ${target} PROPERTY ENABLE_EXPORTS ON)
  # nvcc_wrapper moves -Wl options behind the archives, which then load twice:
  # GPU builds export what the executable uses and need a shared Kokkos for
  # plugins that use more of it.
  if("CUDA" IN_LIST Kokkos_DEVICES)
    return()
  endif()
  _kprop_kokkos_libraries(STATIC_LIBRARY archives)
  # kprop's layer libraries (an INTERFACE kprop_lib names them), or kprop_lib itself.
  set(layers ${KPROP_LAYER_LIBRARIES})
  if(NOT layers)
    set(layers kprop_lib)
  endif()
  foreach(lib IN LISTS layers)
    get_target_property(type ${lib} TYPE)
    if(type STREQUAL "STATIC_LIBRARY")
      list(PREPEND archives "$<TARGET_FILE:${lib}>")
    endif()
  endforeach()
  if(archives)
    # Link options come before the objects and libraries on the link line,
    # so each archive is loaded whole before its ordinary mention (which then
    # adds nothing). GNU ld, gold and lld.
    list(JOIN archives "," archives)
    target_link_options(${target} PRIVATE "LINKER:--whole-archive,${archives},--no-whole-archive")
  endif()
endfunction()
