// Signed notes against the published example of golang.org/x/mod/sumdb/note (the PeterNeumann
// key; Ed25519 is deterministic, so our signature must equal Go's byte for byte), and every
// way a note or key can be malformed or tampered with.
#include "ledger/tlog/note.h"

#include <catch2/catch.hpp>

#include "ledger/tlog/hash.h"

using namespace tl::tlog;

namespace {

const char kSignerKey[] =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const char kVerifierKey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const char kText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
const char kSignedNote[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
// The same note with a second signature, by a key we do not know (Go's docs, EnochRoot).
const char kEnochLine[] =
    "\xE2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
    "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

NoteVerifier PeterNeumann() {
  auto v = NoteVerifier::Parse(kVerifierKey);
  REQUIRE(v.ok());
  return *v;
}

tl::StatusCode OpenCode(const std::string& message) {
  const NoteVerifier v = PeterNeumann();
  return OpenNote(message, std::span(&v, 1)).status().code();
}

}  // namespace

TEST_CASE("the published example key parses, with the key id Go computes", "[tlog][note]") {
  auto signer = NoteSigner::Parse(kSignerKey);
  REQUIRE(signer.ok());
  CHECK(signer->name() == "PeterNeumann");
  CHECK(signer->key_id() == 0xc74f20a3);
  CHECK(signer->verifier().VerifierKey() == kVerifierKey);
  const NoteVerifier v = PeterNeumann();
  CHECK(v.name() == "PeterNeumann");
  CHECK(v.key_id() == 0xc74f20a3);
  CHECK(v.VerifierKey() == kVerifierKey);
  CHECK(Ed25519KeyId("PeterNeumann", v.public_key()) == 0xc74f20a3);
}

TEST_CASE("signing the published text gives Go's signed note byte for byte", "[tlog][note]") {
  auto signer = NoteSigner::Parse(kSignerKey);
  REQUIRE(signer.ok());
  auto note = SignNote(kText, *signer);
  REQUIRE(note.ok());
  CHECK(*note == kSignedNote);
}

TEST_CASE("the published note opens with its key; unknown cosignatures are listed, not trusted",
          "[tlog][note]") {
  const NoteVerifier v = PeterNeumann();
  auto note = OpenNote(kSignedNote, std::span(&v, 1));
  REQUIRE(note.ok());
  CHECK(note->text == kText);
  REQUIRE(note->verified.size() == 1);
  CHECK(note->verified[0].name == "PeterNeumann");
  CHECK(note->verified[0].key_id == 0xc74f20a3);
  CHECK(note->unverified.empty());

  auto cosigned = OpenNote(std::string(kSignedNote) + kEnochLine, std::span(&v, 1));
  REQUIRE(cosigned.ok());
  CHECK(cosigned->verified.size() == 1);
  REQUIRE(cosigned->unverified.size() == 1);
  CHECK(cosigned->unverified[0].name == "EnochRoot");

  // Only an unknown key's signature: nothing verified, so the note is rejected.
  const std::string only_enoch = std::string(kText) + "\n" + kEnochLine;
  CHECK(OpenCode(only_enoch) == tl::StatusCode::kDataLoss);
  // A repeated line counts once.
  auto twice = OpenNote(std::string(kSignedNote) + kEnochLine + kEnochLine, std::span(&v, 1));
  REQUIRE(twice.ok());
  CHECK(twice->unverified.size() == 1);
}

TEST_CASE("a generated key signs notes that open with its verifier key only", "[tlog][note]") {
  auto key = GenerateKey("ticketledger.example/log");
  REQUIRE(key.ok());
  CHECK(key->signer_key.rfind("PRIVATE+KEY+ticketledger.example/log+", 0) == 0);
  auto signer = NoteSigner::Parse(key->signer_key);
  auto verifier = NoteVerifier::Parse(key->verifier_key);
  REQUIRE(signer.ok());
  REQUIRE(verifier.ok());
  CHECK(signer->key_id() == verifier->key_id());
  CHECK(signer->verifier().VerifierKey() == key->verifier_key);

  auto note = SignNote("hello\n", *signer);
  REQUIRE(note.ok());
  auto opened = OpenNote(*note, std::span(&*verifier, 1));
  REQUIRE(opened.ok());
  CHECK(opened->text == "hello\n");

  auto other = GenerateKey("ticketledger.example/log");
  REQUIRE(other.ok());
  CHECK(other->verifier_key != key->verifier_key);
  auto other_verifier = NoteVerifier::Parse(other->verifier_key);
  REQUIRE(other_verifier.ok());
  auto rejected = OpenNote(*note, std::span(&*other_verifier, 1));
  CHECK(rejected.status().code() == tl::StatusCode::kDataLoss);
  CHECK_THAT(std::string(rejected.status().message()), Catch::Contains("no signature by a known"));
}

TEST_CASE("a tampered note is rejected", "[tlog][note]") {
  const std::string good = kSignedNote;
  REQUIRE(OpenCode(good) == tl::StatusCode::kOk);

  std::string text_changed = good;
  text_changed[3] = 'X';
  CHECK(OpenCode(text_changed) == tl::StatusCode::kDataLoss);

  // Every character of the signature's base64 changed in turn: never accepted.
  const size_t sig_start = good.find("x08go");
  for (size_t i = sig_start; i < good.size() - 2; ++i) {
    std::string bad = good;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    INFO("position " << i);
    CHECK(OpenCode(bad) != tl::StatusCode::kOk);
  }
  // A known name with another key id is an unknown key: nothing verifies.
  std::string other_id = good;
  other_id[sig_start] = 'y';
  CHECK(OpenCode(other_id) == tl::StatusCode::kDataLoss);
}

TEST_CASE("a malformed note is rejected before any signature is checked", "[tlog][note]") {
  const std::string sig_line = std::string(kSignedNote).substr(sizeof(kText));
  const std::string good = kSignedNote;
  CHECK(OpenCode(std::string(kText)) == tl::StatusCode::kInvalidArgument);  // no signatures
  CHECK(OpenCode(good.substr(0, good.size() - 1)) ==
        tl::StatusCode::kInvalidArgument);  // no final \n
  CHECK(OpenCode(std::string(kText) + "\n- PeterNeumann x08go/ZJ=\n") ==
        tl::StatusCode::kInvalidArgument);
  CHECK(OpenCode(std::string(kText) + "\n" + sig_line.substr(0, sig_line.size() - 2) + "!\n") ==
        tl::StatusCode::kInvalidArgument);  // not base64
  CHECK(OpenCode(std::string(kText) + "\n\xE2\x80\x94 Peter Neumann x08go/ZJ=\n") ==
        tl::StatusCode::kInvalidArgument);  // a name with a space
  CHECK(OpenCode("If you think\tcryptography\n" + sig_line) == tl::StatusCode::kInvalidArgument);
  CHECK(OpenCode("If you think \xC3\x28\n\n" + sig_line) == tl::StatusCode::kInvalidArgument);
  CHECK(OpenCode(std::string(kText) + "\n\xE2\x80\x94 PeterNeumann AAAA\n") ==
        tl::StatusCode::kInvalidArgument);  // fewer than 5 bytes
  std::string many = kSignedNote;
  for (int i = 1; i < kMaxNoteSignatures; ++i) many += kEnochLine;
  CHECK(OpenCode(many) == tl::StatusCode::kOk);  // 100 lines are accepted, repeats and all
  std::string too_many = std::string(kText) + "\n";
  for (int i = 0; i <= kMaxNoteSignatures; ++i) too_many += sig_line;
  auto status = [&] {
    const NoteVerifier v = PeterNeumann();
    return OpenNote(too_many, std::span(&v, 1)).status();
  }();
  CHECK(status.code() == tl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(status.message()), Catch::Contains("more than 100"));
}

TEST_CASE("notes to sign must be note text", "[tlog][note]") {
  auto signer = NoteSigner::Parse(kSignerKey);
  REQUIRE(signer.ok());
  CHECK(SignNote("no newline", *signer).status().code() == tl::StatusCode::kInvalidArgument);
  CHECK(SignNote("", *signer).status().code() == tl::StatusCode::kInvalidArgument);
  CHECK(SignNote("tab\there\n", *signer).status().code() == tl::StatusCode::kInvalidArgument);
  CHECK(SignNote("bad \xFF utf-8\n", *signer).status().code() == tl::StatusCode::kInvalidArgument);
  CHECK(SignNote("ok \xC3\xA6\xC3\xB8\xC3\xA5\n", *signer).ok());
}

TEST_CASE("malformed or mismatched keys are refused", "[tlog][note]") {
  auto bad_verifier = [](std::string_view key) { return !NoteVerifier::Parse(key).ok(); };
  CHECK(bad_verifier(""));
  CHECK(bad_verifier("PeterNeumann"));
  CHECK(bad_verifier("PeterNeumann+c74f20a3"));
  CHECK(bad_verifier("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  CHECK(bad_verifier("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  CHECK(bad_verifier("PeterNeumann+c74f20ag+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  CHECK(bad_verifier("PeterNeuman+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  CHECK(bad_verifier("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T"));
  CHECK(bad_verifier("PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  CHECK(bad_verifier(" PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
  // Algorithm 2 (ECDSA) is not ours.
  std::string raw = *Base64Decode("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  raw[0] = 2;
  CHECK(bad_verifier("PeterNeumann+c74f20a3+" + Base64Encode(raw)));

  auto bad_signer = [](std::string_view key) { return !NoteSigner::Parse(key).ok(); };
  CHECK(bad_signer(kVerifierKey));
  CHECK(
      bad_signer("PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"));
  CHECK(bad_signer("PRIVATE+KEY+EnochRoot+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"));
  CHECK(
      bad_signer("private+key+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"));

  CHECK(IsValidKeyName("example.com/log"));
  CHECK(IsValidKeyName("\xC3\xA6\xC3\xB8\xC3\xA5"));
  CHECK_FALSE(IsValidKeyName(""));
  CHECK_FALSE(IsValidKeyName("a+b"));
  CHECK_FALSE(IsValidKeyName("a b"));
  CHECK_FALSE(
      IsValidKeyName("a\xC2\xA0"
                     "b"));  // U+00A0 NO-BREAK SPACE
  CHECK_FALSE(
      IsValidKeyName("a\xE3\x80\x80"
                     "b"));  // U+3000 IDEOGRAPHIC SPACE
  CHECK_FALSE(GenerateKey("bad name").ok());
}

TEST_CASE("base64 decoding accepts exactly one encoding of each byte string", "[tlog][note]") {
  CHECK(*Base64Decode("") == "");
  CHECK(*Base64Decode("Zg==") == "f");
  CHECK(*Base64Decode("Zm8=") == "fo");
  CHECK(*Base64Decode("Zm9v") == "foo");
  CHECK(Base64Encode("foob") == "Zm9vYg==");
  for (const char* bad : {"Zg", "Zh==", "Zm9=", "Zm 9", "Z===", "=Zg=", "Zg==Zg==", "Zm9v\n"}) {
    INFO(bad);
    CHECK(Base64Decode(bad).status().code() == tl::StatusCode::kInvalidArgument);
  }
}
