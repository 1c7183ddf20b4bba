// The standard process families of Prometheus's client libraries (process_cpu_seconds_total,
// process_resident_memory_bytes, process_virtual_memory_bytes, process_start_time_seconds,
// process_open_fds, process_max_fds), read from Linux's /proc, so that the usual dashboards and
// alerts on memory, CPU and file descriptors work with ticketledger as with any exporter.
#pragma once

#include <string>

namespace tl::server {

// Appends the families above in text format 0.0.4; a family /proc cannot tell is left out.
void WriteProcessMetrics(std::string* out);

}  // namespace tl::server
