#include "ledger/privacy/master_key.h"

#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string_view>

#include "ledger/privacy/internal/files.h"
#include "ledger/privacy/internal/sodium.h"

namespace tl::privacy {
namespace {

// crypto_kdf's context is exactly 8 bytes; the subkey ids are part of the format: never reuse or
// renumber them, or keys wrapped before would no longer open.
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "tlprivcy";
constexpr uint64_t kWrappingSubkeyId = 1;
constexpr uint64_t kIndexSubkeyId = 2;
constexpr uint64_t kCheckSubkeyId = 3;
constexpr std::string_view kCheckText = "ticketledger key store key check v1";

static_assert(crypto_kdf_KEYBYTES == kKeyBytes);

using internal::ErrnoStatus;
using internal::Fd;

Status FsyncDirectoryOf(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  return internal::FsyncDirectory(dir.string());
}

// Writes a new key file; on any failure the partial file is removed, so that no later start
// finds a short or unsynced key and takes it. `*existed` tells that the file was already there.
Status CreateKeyFile(const std::string& path, bool* existed) {
  *existed = false;
  // O_EXCL: never overwrite a key that appeared meanwhile (another process, an operator).
  // Mode 0600 at creation, so no moment exists when others could read it; the umask can only
  // remove bits, and fchmod below states the mode whatever the umask.
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) {
    const int err = errno;
    *existed = err == EEXIST;
    return ErrnoStatus(err, "creating master key file", path);
  }
  SecretKey key = SecretKey::Random();
  Status status;
  if (::fchmod(fd.get(), 0600) != 0) {
    status = ErrnoStatus(errno, "setting the mode of master key file", path);
  }
  size_t written = 0;
  while (status.ok() && written < kKeyBytes) {
    ssize_t n = ::write(fd.get(), key.bytes().data() + written, kKeyBytes - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      status = ErrnoStatus(n < 0 ? errno : EIO, "writing master key file", path);
      break;
    }
    written += static_cast<size_t>(n);
  }
  if (status.ok() && ::fsync(fd.get()) != 0) {
    status = ErrnoStatus(errno, "syncing master key file", path);
  }
  if (status.ok()) status = FsyncDirectoryOf(path);
  if (!status.ok()) ::unlink(path.c_str());
  return status;
}

}  // namespace

MasterKey::MasterKey(const SecretKey& master) {
  internal::EnsureSodium();
  crypto_kdf_derive_from_key(wrapping_key_.mutable_bytes().data(), kKeyBytes, kWrappingSubkeyId,
                             kKdfContext, master.bytes().data());
  crypto_kdf_derive_from_key(index_key_.mutable_bytes().data(), kKeyBytes, kIndexSubkeyId,
                             kKdfContext, master.bytes().data());
  SecretKey check_key;
  crypto_kdf_derive_from_key(check_key.mutable_bytes().data(), kKeyBytes, kCheckSubkeyId,
                             kKdfContext, master.bytes().data());
  crypto_generichash(key_check_value_.data(), key_check_value_.size(),
                     reinterpret_cast<const unsigned char*>(kCheckText.data()), kCheckText.size(),
                     check_key.bytes().data(), kKeyBytes);
}

MasterKey MasterKey::FromSecret(const SecretKey& key) { return MasterKey(key); }

std::string MasterKey::Fingerprint() const {
  std::string hex;
  for (size_t i = 0; i < 8; ++i) hex += fmt::format("{:02x}", key_check_value_[i]);
  return hex;
}

Result<MasterKey> MasterKey::Load(const std::string& path) {
  // Symbolic links are followed (secret mounts are often links); the checks below apply to the
  // file itself, through the descriptor, so no swap between check and read can fool them.
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus(errno, "opening master key file", path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(errno, "inspecting master key file", path);
  if (!S_ISREG(st.st_mode)) {
    return Status::BadField(fmt::format("master key file {} is not a regular file", path));
  }
  const unsigned mode = st.st_mode & 07777;
  if ((mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Status::BadField(fmt::format(
        "master key file {} has mode {:04o}: group or others may use it; the key must be "
        "private to its owner (chmod 600 {})",
        path, mode, path));
  }
  if (st.st_size != static_cast<off_t>(kKeyBytes)) {
    return Status::DataLoss(fmt::format("master key file {} holds {} bytes; a master key is {}",
                                        path, st.st_size, kKeyBytes));
  }
  SecretKey master;
  size_t got = 0;
  while (got < kKeyBytes) {
    ssize_t n = ::read(fd.get(), master.mutable_bytes().data() + got, kKeyBytes - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, "reading master key file", path);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got != kKeyBytes) {
    return Status::DataLoss(fmt::format(
        "master key file {} ended after {} bytes; a master key is {}", path, got, kKeyBytes));
  }
  return MasterKey(master);
}

Result<MasterKey> MasterKey::LoadOrCreate(const std::string& path, bool* created) {
  if (created) *created = false;
  Result<MasterKey> loaded = Load(path);
  if (loaded.ok() || loaded.status().code() != StatusCode::kNotFound) return loaded;
  bool existed = false;
  Status made = CreateKeyFile(path, &existed);
  // Another process created it between our load and our create: load theirs.
  if (existed) return Load(path);
  TL_RETURN_IF_ERROR(made);
  if (created) *created = true;
  return Load(path);
}

}  // namespace tl::privacy
