// SHA-256 with OpenSSL's EVP interface, fed in pieces. Internal to tl::mail.
// Not thread-safe per object (one hash per thread); independent objects are.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace tl::mail::internal {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // 64 lower-case hex digits of everything given to Update. Call once.
  std::string HexDigest();

  static std::string Hex(std::string_view bytes);

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
};

}  // namespace tl::mail::internal
