# cmake -DKPROP_SOURCE_DIR=... -P check_layering.cmake
# kprop's layers include only what lies below them:
#   core        -> core
#   potentials  -> core, potentials
#   properties  -> core, properties
#   drivers     -> anything
# Fails the build naming every offending include.
get_filename_component(KPROP_SOURCE_DIR "${KPROP_SOURCE_DIR}" ABSOLUTE)
set(rules
  "core:core"
  "potentials:core|potentials"
  "properties:core|properties")
set(problems "")
foreach(rule IN LISTS rules)
  string(REPLACE ":" ";" parts "${rule}")
  list(GET parts 0 layer)
  list(GET parts 1 allowed)
  file(GLOB_RECURSE files "${KPROP_SOURCE_DIR}/${layer}/*.hpp" "${KPROP_SOURCE_DIR}/${layer}/*.cpp"
                          "${KPROP_SOURCE_DIR}/${layer}/*.def")
  foreach(f IN LISTS files)
    file(STRINGS "${f}" includes REGEX "^[ \t]*#[ \t]*include[ \t]+\"(core|potentials|properties|drivers)/")
    foreach(line IN LISTS includes)
      string(REGEX MATCH "\"([a-z]+)/" m "${line}")
      set(target_layer "${CMAKE_MATCH_1}")
      if(NOT target_layer MATCHES "^(${allowed})$")
        file(RELATIVE_PATH rel "${KPROP_SOURCE_DIR}" "${f}")
        string(STRIP "${line}" line)
        list(APPEND problems "${rel}: ${line} (${layer}/ may include only ${allowed})")
      endif()
    endforeach()
  endforeach()
endforeach()
if(problems)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "layering violated:\n  ${text}")
endif()
