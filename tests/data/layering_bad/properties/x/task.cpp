// A property that includes a potential: rejected too.
#include "potentials/eam/eam.hpp"
