// Must not compile: another layer including the store's internal header.
#include "ledger/store/rocks_store.h"

int LayeringProbeInternal() { return 0; }
