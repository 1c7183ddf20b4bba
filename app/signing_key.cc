#include "app/signing_key.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tl::app {
namespace {

Status FileError(std::string_view what, const std::string& path, int error) {
  std::string message = fmt::format("cannot {} {}: {}", what, path, std::strerror(error));
  if (error == ENOSPC || error == EDQUOT) return Status::ResourceExhausted(std::move(message));
  return Status::Unavailable(std::move(message));
}

}  // namespace

std::string DefaultOrigin() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') {
    std::strcpy(host, "localhost");
  }
  std::string origin = fmt::format("{}/ticketledger", host);
  // A key name may not hold spaces or '+' (C2SP signed-note).
  for (char& c : origin) {
    if (c == ' ' || c == '+') c = '-';
  }
  return origin;
}

Result<tlog::NoteSigner> LoadOrCreateSigningKey(const std::string& path, const std::string& origin,
                                                bool create, bool* created) {
  if (created) *created = false;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT || !create) {
      return Status::NotFound(fmt::format("no signing key at {}: {}", path, std::strerror(errno)));
    }
    const std::string name = origin.empty() ? DefaultOrigin() : origin;
    TL_ASSIGN_OR_RETURN(tlog::GeneratedKey key, tlog::GenerateKey(name));
    TL_RETURN_IF_ERROR(WriteKeyFile(path, key.signer_key + "\n"));
    if (created) *created = true;
    return tlog::NoteSigner::Parse(key.signer_key);
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Status::PermissionDenied(
        fmt::format("the signing key {} may be read or written by others (mode {:o}); chmod 600 it",
                    path, st.st_mode & 0777));
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Status::Unavailable(fmt::format("cannot read the signing key {}", path));
  std::string key = text.str();
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  auto signer = tlog::NoteSigner::Parse(key);
  if (!signer.ok()) return signer.status().WithContext(fmt::format("the signing key {}", path));
  if (!origin.empty() && signer->name() != origin) {
    return Status::InvalidArgument(
        "bad_field", fmt::format("--origin {} is not the origin of the ledger's signing key ({}); "
                                 "a ledger keeps its origin for life",
                                 origin, signer->name()));
  }
  return signer;
}

Status WriteKeyFile(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return FileError("create", path, errno);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = written && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!synced) {
    ::unlink(path.c_str());
    return FileError("write", path, saved);
  }
  // The directory entry too: a key that vanished after a power cut would orphan every
  // checkpoint signed with it.
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

}  // namespace tl::app
