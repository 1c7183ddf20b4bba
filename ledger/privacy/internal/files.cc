#include "ledger/privacy/internal/files.h"

#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstring>

namespace tl::privacy::internal {

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

Status ErrnoStatus(int err, std::string_view what, const std::string& path) {
  if (err == ENOENT) return Status::NotFound(fmt::format("{} {}: no such file", what, path));
  return Status::Unavailable(fmt::format("{} {}: {}", what, path, std::strerror(err)));
}

Status FsyncDirectory(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus(errno, "opening directory", dir);
  if (::fsync(fd.get()) != 0) return ErrnoStatus(errno, "syncing directory", dir);
  return Status::Ok();
}

}  // namespace tl::privacy::internal
