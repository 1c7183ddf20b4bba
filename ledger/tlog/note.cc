#include "ledger/tlog/note.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <set>
#include <utility>

#include "ledger/tlog/hash.h"

namespace tl::tlog {
namespace {

constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, space
constexpr std::string_view kSignerPrefix = "PRIVATE+KEY+";
constexpr size_t kEd25519SignatureSize = 64;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// Decodes one UTF-8 code point at text[i] (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF). Returns its length, 0 when invalid; the code point goes to *cp.
size_t DecodeUtf8(std::string_view text, size_t i, uint32_t* cp) {
  const auto b0 = static_cast<uint8_t>(text[i]);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t length = 0;
  uint32_t value = 0;
  uint32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2, value = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, value = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, value = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    const auto b = static_cast<uint8_t>(text[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    value = value << 6 | (b & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  *cp = value;
  return length;
}

// Unicode White_Space, which Go's unicode.IsSpace also tests.
bool IsUnicodeSpace(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// UTF-8 without ASCII control characters other than newline: what a signed note may contain.
Status CheckNoteCharacters(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    const size_t length = DecodeUtf8(text, i, &cp);
    if (length == 0)
      return Status::BadField(fmt::format("malformed note: bad UTF-8 at byte {}", i));
    if (cp < 0x20 && cp != '\n') {
      return Status::BadField(fmt::format("malformed note: control character at byte {}", i));
    }
    i += length;
  }
  return Status::Ok();
}

// Splits at the first `sep`: (before, after); after is empty and found false without one.
std::pair<std::string_view, std::string_view> Chop(std::string_view s, char sep, bool* found) {
  const size_t i = s.find(sep);
  *found = i != std::string_view::npos;
  if (!*found) return {s, {}};
  return {s.substr(0, i), s.substr(i + 1)};
}

Result<uint32_t> ParseKeyId(std::string_view hex) {
  if (hex.size() != 8) return Status::BadField("malformed key: the key id is not 8 hex digits");
  uint32_t id = 0;
  for (char c : hex) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) return Status::BadField("malformed key: the key id is not 8 hex digits");
    id = id << 4 | static_cast<uint32_t>(v);
  }
  return id;
}

struct KeyParts {
  std::string name;
  uint32_t key_id = 0;
  std::array<uint8_t, 32> key{};  // public key or seed, after the algorithm byte
};

// Parses "<name>+<key id>+<base64(0x01 ‖ 32 bytes)>". The base64 may itself contain '+', so the
// text is cut at the first two '+' only, as Go does.
Result<KeyParts> ParseKeyText(std::string_view text) {
  bool found = false;
  auto [name, rest] = Chop(text, '+', &found);
  if (!found) return Status::BadField("malformed key: expected <name>+<key id>+<key>");
  auto [hex, b64] = Chop(rest, '+', &found);
  if (!found) return Status::BadField("malformed key: expected <name>+<key id>+<key>");
  if (!IsValidKeyName(name)) return Status::BadField("malformed key: invalid key name");
  KeyParts parts;
  parts.name = std::string(name);
  TL_ASSIGN_OR_RETURN(parts.key_id, ParseKeyId(hex));
  Result<std::string> bytes = Base64Decode(b64);
  if (!bytes.ok()) return Status::BadField("malformed key: the key is not base64");
  if (bytes->empty() || static_cast<uint8_t>((*bytes)[0]) != kAlgEd25519) {
    return Status::BadField("unsupported key: only Ed25519 (algorithm 1) keys are accepted");
  }
  if (bytes->size() != 1 + parts.key.size()) {
    return Status::BadField("malformed key: an Ed25519 key has 32 bytes");
  }
  std::copy(bytes->begin() + 1, bytes->end(), parts.key.begin());
  return parts;
}

std::string KeyText(std::string_view name, uint32_t key_id, std::span<const uint8_t, 32> key) {
  std::string raw(1, static_cast<char>(kAlgEd25519));
  raw.append(reinterpret_cast<const char*>(key.data()), key.size());
  std::string text = fmt::format("{}+{:08x}+{}", name, key_id, Base64Encode(raw));
  OPENSSL_cleanse(raw.data(), raw.size());
  return text;
}

std::string BigEndian32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

}  // namespace

bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size();) {
    uint32_t cp = 0;
    const size_t length = DecodeUtf8(name, i, &cp);
    if (length == 0 || cp == '+' || IsUnicodeSpace(cp)) return false;
    i += length;
  }
  return true;
}

uint32_t Ed25519KeyId(std::string_view name, std::span<const uint8_t, 32> public_key) {
  std::string input(name);
  input += '\n';
  input += static_cast<char>(kAlgEd25519);
  input.append(reinterpret_cast<const char*>(public_key.data()), public_key.size());
  const Hash h = ledger::Sha256({input});
  return uint32_t{h[0]} << 24 | uint32_t{h[1]} << 16 | uint32_t{h[2]} << 8 | uint32_t{h[3]};
}

Result<NoteVerifier> NoteVerifier::Parse(std::string_view verifier_key) {
  TL_ASSIGN_OR_RETURN(KeyParts parts, ParseKeyText(verifier_key));
  if (parts.key_id != Ed25519KeyId(parts.name, parts.key)) {
    return Status::BadField("invalid verifier key: the key id does not match the name and key");
  }
  return FromPublicKey(parts.name, parts.key);
}

Result<NoteVerifier> NoteVerifier::FromPublicKey(std::string_view name,
                                                 std::span<const uint8_t, 32> public_key) {
  if (!IsValidKeyName(name)) return Status::BadField("invalid key name");
  NoteVerifier v;
  v.name_ = std::string(name);
  std::copy(public_key.begin(), public_key.end(), v.public_key_.begin());
  v.key_id_ = Ed25519KeyId(name, public_key);
  return v;
}

std::string NoteVerifier::VerifierKey() const { return KeyText(name_, key_id_, public_key_); }

bool NoteVerifier::Verify(std::string_view message, std::string_view signature) const {
  if (signature.size() != kEd25519SignatureSize) return false;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key_.data(),
                                  public_key_.size()),
      &EVP_PKEY_free);
  MdCtx ctx(EVP_MD_CTX_new());
  if (key == nullptr || ctx == nullptr) return false;
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

void NoteSigner::KeyDeleter::operator()(evp_pkey_st* key) const { EVP_PKEY_free(key); }

NoteSigner::NoteSigner(std::unique_ptr<evp_pkey_st, KeyDeleter> key, NoteVerifier verifier)
    : key_(std::move(key)), verifier_(std::move(verifier)) {}
NoteSigner::NoteSigner(NoteSigner&&) noexcept = default;
NoteSigner& NoteSigner::operator=(NoteSigner&&) noexcept = default;
NoteSigner::~NoteSigner() = default;

Result<NoteSigner> NoteSigner::Parse(std::string_view signer_key) {
  if (signer_key.substr(0, kSignerPrefix.size()) != kSignerPrefix) {
    return Status::BadField("malformed signer key: it does not start with PRIVATE+KEY+");
  }
  Result<KeyParts> parsed = ParseKeyText(signer_key.substr(kSignerPrefix.size()));
  if (!parsed.ok()) return parsed.status();
  KeyParts& parts = *parsed;
  std::unique_ptr<evp_pkey_st, KeyDeleter> key(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, parts.key.data(), parts.key.size()));
  OPENSSL_cleanse(parts.key.data(), parts.key.size());
  if (key == nullptr) return Status::Internal("OpenSSL could not load the Ed25519 seed");
  std::array<uint8_t, 32> public_key{};
  size_t length = public_key.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), public_key.data(), &length) != 1 ||
      length != public_key.size()) {
    return Status::Internal("OpenSSL could not derive the Ed25519 public key");
  }
  // The key id names the public key; it can only be checked once the public key is derived.
  if (parts.key_id != Ed25519KeyId(parts.name, public_key)) {
    return Status::BadField("invalid signer key: the key id does not match the name and key");
  }
  TL_ASSIGN_OR_RETURN(NoteVerifier verifier, NoteVerifier::FromPublicKey(parts.name, public_key));
  return NoteSigner(std::move(key), std::move(verifier));
}

Result<std::string> NoteSigner::Sign(std::string_view message) const {
  MdCtx ctx(EVP_MD_CTX_new());
  std::string signature(kEd25519SignatureSize, '\0');
  size_t length = signature.size();
  if (ctx == nullptr || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      length != kEd25519SignatureSize) {
    return Status::Internal("OpenSSL failed to make an Ed25519 signature");
  }
  return signature;
}

Result<GeneratedKey> GenerateKey(std::string_view name) {
  if (!IsValidKeyName(name)) return Status::BadField("invalid key name");
  std::array<uint8_t, 32> seed{};
  if (RAND_bytes(seed.data(), static_cast<int>(seed.size())) != 1) {
    return Status::Internal("OpenSSL's random generator failed");
  }
  std::string signer_key = std::string(kSignerPrefix);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()),
      &EVP_PKEY_free);
  std::array<uint8_t, 32> public_key{};
  size_t length = public_key.size();
  if (key == nullptr || EVP_PKEY_get_raw_public_key(key.get(), public_key.data(), &length) != 1) {
    OPENSSL_cleanse(seed.data(), seed.size());
    return Status::Internal("OpenSSL could not make an Ed25519 key");
  }
  const uint32_t key_id = Ed25519KeyId(name, public_key);
  signer_key += KeyText(name, key_id, seed);
  OPENSSL_cleanse(seed.data(), seed.size());
  return GeneratedKey{std::move(signer_key), KeyText(name, key_id, public_key)};
}

Result<std::string> SignNote(std::string_view text, const NoteSigner& signer) {
  if (text.empty() || text.back() != '\n') {
    return Status::BadField("malformed note: the text does not end in a newline");
  }
  TL_RETURN_IF_ERROR(CheckNoteCharacters(text));
  TL_ASSIGN_OR_RETURN(const std::string signature, signer.Sign(text));
  std::string note(text);
  note += '\n';
  note += kSignaturePrefix;
  note += signer.name();
  note += ' ';
  note += Base64Encode(BigEndian32(signer.key_id()) + signature);
  note += '\n';
  return note;
}

Result<Note> OpenNote(std::string_view message, std::span<const NoteVerifier> known) {
  TL_RETURN_IF_ERROR(CheckNoteCharacters(message));
  const size_t split = message.rfind("\n\n");
  if (split == std::string_view::npos) {
    return Status::BadField("malformed note: no blank line before the signatures");
  }
  Note note;
  note.text = std::string(message.substr(0, split + 1));
  std::string_view sigs = message.substr(split + 2);
  if (sigs.empty() || sigs.back() != '\n') {
    return Status::BadField("malformed note: the signatures do not end in a newline");
  }
  std::set<std::pair<std::string, uint32_t>> seen;
  std::set<std::string, std::less<>> seen_unverified;
  int count = 0;
  while (!sigs.empty()) {
    const size_t end = sigs.find('\n');  // found: sigs ends in '\n'
    std::string_view line = sigs.substr(0, end);
    sigs.remove_prefix(end + 1);
    if (line.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) {
      return Status::BadField("malformed note: a signature line does not start with \"— \"");
    }
    line.remove_prefix(kSignaturePrefix.size());
    bool found = false;
    auto [name, b64] = Chop(line, ' ', &found);
    Result<std::string> raw = Base64Decode(b64);
    if (!found || !IsValidKeyName(name) || b64.empty() || !raw.ok() || raw->size() < 5) {
      return Status::BadField("malformed note: bad signature line");
    }
    if (++count > kMaxNoteSignatures) {
      return Status::BadField(
          fmt::format("malformed note: more than {} signatures", kMaxNoteSignatures));
    }
    const auto byte = [&](int i) { return uint32_t{static_cast<uint8_t>((*raw)[i])}; };
    const uint32_t key_id = byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
    NoteSignature signature{std::string(name), key_id, std::string(b64)};
    auto verifier = std::find_if(known.begin(), known.end(), [&](const NoteVerifier& v) {
      return v.name() == name && v.key_id() == key_id;
    });
    if (verifier == known.end()) {
      // Unknown keys are ignored, as the spec requires (rotation, witness cosignatures).
      if (seen_unverified.insert(std::string(line)).second) {
        note.unverified.push_back(std::move(signature));
      }
      continue;
    }
    if (!seen.insert({signature.name, key_id}).second) continue;
    if (!verifier->Verify(note.text, std::string_view(*raw).substr(4))) {
      return Status::DataLoss(
          fmt::format("invalid signature for key {}+{:08x}", signature.name, key_id));
    }
    note.verified.push_back(std::move(signature));
  }
  if (note.verified.empty()) {
    return Status::DataLoss("the note has no signature by a known key");
  }
  return note;
}

}  // namespace tl::tlog
