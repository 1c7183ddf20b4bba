// The master key file: created private and durable, refused when others could use it or when it
// is not a key, and derived into the subkeys the same way forever (a golden value pins it).
#include "ledger/privacy/master_key.h"

#include <sys/stat.h>

#include <array>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "ledger/privacy/requester_index.h"
#include "tests/ledger/privacy/privacy_test_support.h"

using tl::StatusCode;
using tl::privacy::MasterKey;
using tl::privacy::SecretKey;
using tl::privacy::testing::TempDir;

namespace {

unsigned ModeOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

void WriteFile(const std::string& path, const std::string& bytes, unsigned mode) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  REQUIRE(::chmod(path.c_str(), mode) == 0);
}

// Sets the process umask for one scope (tests in this executable run one at a time).
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }

 private:
  mode_t old_;
};

MasterKey FixedMasterKey() {
  std::array<uint8_t, 32> bytes{};
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i + 1);
  return MasterKey::FromSecret(SecretKey::FromBytes(bytes).value());
}

}  // namespace

TEST_CASE("a missing master key file is created with mode 0600 and 32 bytes, then loaded",
          "[privacy][master_key]") {
  TempDir dir;
  const std::string path = dir.Sub("master.key");
  bool created = false;
  auto first = MasterKey::LoadOrCreate(path, &created);
  REQUIRE(first.ok());
  CHECK(created);
  CHECK(ModeOf(path) == 0600);
  CHECK(std::filesystem::file_size(path) == 32);

  auto second = MasterKey::LoadOrCreate(path, &created);
  REQUIRE(second.ok());
  CHECK_FALSE(created);
  CHECK(second->Fingerprint() == first->Fingerprint());
  auto loaded = MasterKey::Load(path);
  REQUIRE(loaded.ok());
  CHECK(loaded->key_check_value() == first->key_check_value());
}

TEST_CASE("a new master key file is 0600 even under a umask that would allow more",
          "[privacy][master_key]") {
  TempDir dir;
  const std::string path = dir.Sub("master.key");
  {
    ScopedUmask open_umask(0);
    REQUIRE(MasterKey::LoadOrCreate(path).ok());
  }
  CHECK(ModeOf(path) == 0600);
}

TEST_CASE("two master key files made apart hold different keys", "[privacy][master_key]") {
  TempDir dir;
  auto a = MasterKey::LoadOrCreate(dir.Sub("a.key"));
  auto b = MasterKey::LoadOrCreate(dir.Sub("b.key"));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->Fingerprint() != b->Fingerprint());
}

TEST_CASE("a master key file that group or others may use is refused, saying how to fix it",
          "[privacy][master_key]") {
  TempDir dir;
  const std::string path = dir.Sub("master.key");
  const std::string key(32, 'k');
  for (unsigned mode : {0644u, 0640u, 0604u, 0660u, 0602u, 0620u, 0610u, 0601u, 0666u}) {
    INFO("mode " << std::oct << mode);
    WriteFile(path, key, mode);
    auto loaded = MasterKey::Load(path);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.status().code() == StatusCode::kInvalidArgument);
    const std::string message(loaded.status().message());
    CHECK(message.find(path) != std::string::npos);
    CHECK(message.find("chmod 600") != std::string::npos);
    // LoadOrCreate does not "repair" a bad file by making a new key over it either.
    CHECK(MasterKey::LoadOrCreate(path).status().code() == StatusCode::kInvalidArgument);
  }
  for (unsigned mode : {0600u, 0400u}) {
    WriteFile(path, key, mode);
    CHECK(MasterKey::Load(path).ok());
  }
}

TEST_CASE("a master key file of the wrong size is refused and never replaced",
          "[privacy][master_key]") {
  TempDir dir;
  const std::string path = dir.Sub("master.key");
  for (size_t size : {0, 1, 31, 33, 64}) {
    INFO("size " << size);
    WriteFile(path, std::string(size, 'k'), 0600);
    auto loaded = MasterKey::LoadOrCreate(path);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.status().code() == StatusCode::kDataLoss);
    CHECK(std::string(loaded.status().message()).find(path) != std::string::npos);
    CHECK(std::filesystem::file_size(path) == size);
  }
}

TEST_CASE("Load does not create a master key, and a directory is not a key file",
          "[privacy][master_key]") {
  TempDir dir;
  const std::string path = dir.Sub("absent.key");
  CHECK(MasterKey::Load(path).status().code() == StatusCode::kNotFound);
  CHECK_FALSE(std::filesystem::exists(path));
  std::filesystem::create_directory(dir.Sub("a-dir"));
  REQUIRE(::chmod(dir.Sub("a-dir").c_str(), 0700) == 0);
  CHECK(MasterKey::Load(dir.Sub("a-dir")).status().code() == StatusCode::kInvalidArgument);
  // A master key cannot be created where its directory is missing.
  CHECK_FALSE(MasterKey::LoadOrCreate(dir.Sub("no-such-dir/master.key")).ok());
}

TEST_CASE("a master key file reached through a symbolic link loads", "[privacy][master_key]") {
  TempDir dir;
  const std::string target = dir.Sub("real.key");
  REQUIRE(MasterKey::LoadOrCreate(target).ok());
  std::filesystem::create_symlink(target, dir.Sub("link.key"));
  auto via_link = MasterKey::Load(dir.Sub("link.key"));
  REQUIRE(via_link.ok());
  CHECK(via_link->Fingerprint() == MasterKey::Load(target)->Fingerprint());
}

TEST_CASE("the subkeys are derived as documented: crypto_kdf with context tlprivcy",
          "[privacy][master_key]") {
  // Golden values computed outside libsodium, with Python's hashlib (BLAKE2b with salt = the
  // subkey id little-endian, person = the context; then HMAC-SHA-256): if the derivation
  // changed, keys wrapped and indexes built before would no longer match.
  const MasterKey master = FixedMasterKey();
  CHECK(master.Fingerprint() == "8c57bb663cea5ac2");
  CHECK(tl::privacy::testing::Hex(tl::privacy::testing::AsChars(master.key_check_value())) ==
        "8c57bb663cea5ac2de65959308ca73237d84c1d720594529feda49b217f9d1c4");
  tl::privacy::RequesterIndex index(master);
  auto digest = index.RequesterKey("ann@example.org");
  REQUIRE(digest.ok());
  CHECK(tl::privacy::testing::Hex(tl::privacy::testing::AsChars(*digest)) ==
        "95100fc20c314819f41bb41a3b6f2e80e7a739ec04f3c38c6da1d02ed1344bbc");
}
