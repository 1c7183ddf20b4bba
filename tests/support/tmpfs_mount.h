// A tmpfs of `megabytes` mounted on `dir` for the object's lifetime: a real small disk to fill,
// for the full-disk tests. Mounting needs root (CI runs as root); a test that cannot mount says
// so with mounted() and error() and skips.
#pragma once

#include <string>

namespace tl::testing {

class TmpfsMount {
 public:
  TmpfsMount(const std::string& dir, int megabytes);
  ~TmpfsMount();  // lazily if something still holds it open, so that the temp dir can go
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  std::string dir_;
  bool mounted_ = false;
  std::string error_;
};

}  // namespace tl::testing
