// A core header that reaches up into drivers/: cmake/check_layering.cmake must reject it.
#include "drivers/deck.hpp"
