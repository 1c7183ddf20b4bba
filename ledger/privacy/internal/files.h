// Internal to tl::privacy: POSIX file helpers shared by the master key and the key store.
#pragma once

#include <string>
#include <string_view>

#include "ledger/domain/status.h"

namespace tl::privacy::internal {

// Closes a file descriptor when it leaves scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd();
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// kNotFound for ENOENT, kUnavailable otherwise: "<what> <path>: <strerror>".
Status ErrnoStatus(int err, std::string_view what, const std::string& path);

// fsync of the directory `dir`: makes the creation, renaming and deletion of its entries
// durable (an unlink not yet synced can be undone by a power loss).
Status FsyncDirectory(const std::string& dir);

}  // namespace tl::privacy::internal
