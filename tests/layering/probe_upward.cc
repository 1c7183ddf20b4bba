// Must not compile: the store (a lower layer) including a read model (a higher one).
#include "projections/projections.h"

int LayeringProbeUpward() { return 0; }
