// Ownership of GMime and GLib objects, and GMime's one-time initialisation. Internal to
// tl::mail: no public header includes GMime, so nothing above the mail library depends on it.
//
// GMime's C API returns two kinds of pointers: owned ones ("transfer full": the caller holds a
// reference and must unref or free it) and borrowed ones ("transfer none": valid while the
// parent object lives). Only owned pointers go into these wrappers; a borrowed pointer stays a
// plain `T*` whose lifetime the comment next to it explains.
#pragma once

#include <gmime/gmime.h>

#include <memory>
#include <utility>

namespace tl::mail::internal {

// Calls g_mime_init() exactly once per process, whichever thread gets here first. GMime is never
// shut down: its global tables (charset aliases, the MIME type registry) live until exit, so that
// parsers on several threads never race with a shutdown. Every function of tl::mail that touches
// GMime calls this first.
void EnsureGMimeInitialized();

// Owns one reference to a GObject (GMimeMessage, GMimeStream, GMimeParser, ...). Move-only.
template <typename T>
class GObjectPtr {
 public:
  GObjectPtr() = default;
  // Adopts a reference the caller owns (a "transfer full" return value); null is allowed.
  explicit GObjectPtr(T* adopted) : p_(adopted) {}
  ~GObjectPtr() { Reset(); }
  GObjectPtr(GObjectPtr&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  GObjectPtr& operator=(GObjectPtr&& other) noexcept {
    if (this != &other) {
      Reset();
      p_ = std::exchange(other.p_, nullptr);
    }
    return *this;
  }
  GObjectPtr(const GObjectPtr&) = delete;
  GObjectPtr& operator=(const GObjectPtr&) = delete;

  // Takes a new reference to a borrowed ("transfer none") pointer.
  static GObjectPtr Ref(T* borrowed) {
    if (borrowed != nullptr) g_object_ref(borrowed);
    return GObjectPtr(borrowed);
  }

  T* get() const { return p_; }
  explicit operator bool() const { return p_ != nullptr; }
  void Reset() {
    if (p_ != nullptr) g_object_unref(p_);
    p_ = nullptr;
  }

 private:
  T* p_ = nullptr;
};

// GMime's option and list structs, which have free functions of their own.
struct ParserOptionsDeleter {
  void operator()(GMimeParserOptions* p) const { g_mime_parser_options_free(p); }
};
using ParserOptionsPtr = std::unique_ptr<GMimeParserOptions, ParserOptionsDeleter>;

struct FormatOptionsDeleter {
  void operator()(GMimeFormatOptions* p) const { g_mime_format_options_free(p); }
};
using FormatOptionsPtr = std::unique_ptr<GMimeFormatOptions, FormatOptionsDeleter>;

struct ReferencesDeleter {
  void operator()(GMimeReferences* p) const { g_mime_references_free(p); }
};
using ReferencesPtr = std::unique_ptr<GMimeReferences, ReferencesDeleter>;

}  // namespace tl::mail::internal
