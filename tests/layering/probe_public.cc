// Compiles: a store's public header, from a target that links the store.
#include "ledger/store/event_log.h"

int LayeringProbePublic() { return 0; }
