// Checkpoints (c2sp.org/tlog-checkpoint) and proof files (c2sp.org/tlog-proof): strict text
// forms, signatures bound to the origin, and every tampered field rejected.
#include "ledger/tlog/checkpoint.h"

#include <catch2/catch.hpp>

#include "ledger/tlog/merkle.h"
#include "ledger/tlog/proof_file.h"
#include "ledger/tlog/tiles.h"
#include "tests/ledger/tlog/test_util.h"

using namespace tl::tlog;
using namespace tl::tlog::testing;

namespace {

struct Log {
  NoteSigner signer;
  std::vector<std::string> entries;
  MemoryTileStore store;
};

Log MakeLog(int64_t size) {
  auto key = GenerateKey("ticketledger.test/log");
  REQUIRE(key.ok());
  auto signer = NoteSigner::Parse(key->signer_key);
  REQUIRE(signer.ok());
  std::mt19937_64 rng(static_cast<uint64_t>(size));
  Log log{std::move(*signer), RandomEntries(rng, size), {}};
  log.store = StoreOf(LeafHashes(log.entries));
  return log;
}

std::string SignedCheckpoint(const Log& log, int64_t size) {
  auto root = TreeRoot(size, log.store);
  REQUIRE(root.ok());
  auto note = SignCheckpoint(Checkpoint{log.signer.name(), size, *root}, log.signer);
  REQUIRE(note.ok());
  return *note;
}

ProofFile MakeProofFile(const Log& log, int64_t index, int64_t size) {
  auto proof = InclusionProof(index, size, log.store);
  REQUIRE(proof.ok());
  return ProofFile{log.entries[static_cast<size_t>(index)], index, *proof,
                   SignedCheckpoint(log, size)};
}

// Replaces the first occurrence of `from` in `text`.
std::string Replace(std::string text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a checkpoint's text is origin, size and base64 root, one per line",
          "[tlog][checkpoint]") {
  const Checkpoint c{"example.com/behind-the-sofa", 20852163,
                     *HashFromBase64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")};
  // The example of c2sp.org/tlog-checkpoint.
  const std::string text =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  CHECK(*FormatCheckpoint(c) == text);
  auto parsed = ParseCheckpoint(text);
  REQUIRE(parsed.ok());
  CHECK(*parsed == c);
  CHECK(ParseCheckpoint("o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")->size == 0);
}

TEST_CASE("a checkpoint's text is parsed strictly", "[tlog][checkpoint]") {
  const std::string root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
  for (const std::string& bad : std::vector<std::string>{
           "o\n12\n" + root,                                         // no final newline
           "o\n12\n",                                                // no root
           "\n12\n" + root + "\n",                                   // empty origin
           "o\n012\n" + root + "\n",                                 // leading zero
           "o\n-1\n" + root + "\n",                                  // negative
           "o\n+1\n" + root + "\n",                                  // sign
           "o\n1 \n" + root + "\n",                                  // trailing space
           "o\n9223372036854775808\n" + root + "\n",                 // beyond int64
           "o\n12\n" + root.substr(4) + "\n",                        // short root
           "o\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",  // non-canonical base64
           "o\n12\n" + root + "\nextension\n",                       // extension line
       }) {
    INFO(bad);
    CHECK(ParseCheckpoint(bad).status().code() == tl::StatusCode::kInvalidArgument);
  }
  CHECK_FALSE(FormatCheckpoint(Checkpoint{"has space", 1, {}}).ok());
  CHECK_FALSE(FormatCheckpoint(Checkpoint{"o", -1, {}}).ok());
}

TEST_CASE("a signed checkpoint opens with the log key and nothing else", "[tlog][checkpoint]") {
  const Log log = MakeLog(20);
  const std::string note = SignedCheckpoint(log, 20);
  auto opened = OpenCheckpoint(note, log.signer.verifier());
  REQUIRE(opened.ok());
  CHECK(opened->size == 20);
  CHECK(opened->root == MerkleTreeHash(LeafHashes(log.entries)));

  // A tampered size or root breaks the signature.
  CHECK(OpenCheckpoint(Replace(note, "\n20\n", "\n21\n"), log.signer.verifier()).status().code() ==
        tl::StatusCode::kDataLoss);
  std::string root_changed = note;
  root_changed[note.find("\n20\n") + 5] ^= 1;
  CHECK_FALSE(OpenCheckpoint(root_changed, log.signer.verifier()).ok());
  // Another key: rejected.
  const Log other = MakeLog(20);
  CHECK(OpenCheckpoint(note, other.signer.verifier()).status().code() == tl::StatusCode::kDataLoss);
  // A cosignature by an unknown witness is ignored.
  auto witness_key = GenerateKey("witness.example");
  REQUIRE(witness_key.ok());
  auto witness = NoteSigner::Parse(witness_key->signer_key);
  REQUIRE(witness.ok());
  auto cosigned = SignNote(*FormatCheckpoint(*opened), *witness);
  REQUIRE(cosigned.ok());
  const std::string both = note + cosigned->substr(cosigned->rfind("\n\n") + 2);
  CHECK(OpenCheckpoint(both, log.signer.verifier()).ok());

  // The origin must be the key's name, when signing and when opening.
  CHECK(SignCheckpoint(Checkpoint{"someone.else/log", 20, opened->root}, log.signer)
            .status()
            .code() == tl::StatusCode::kInvalidArgument);
  auto wrong_origin =
      SignNote("someone.else/log\n20\n" + HashToBase64(opened->root) + "\n", log.signer);
  REQUIRE(wrong_origin.ok());
  CHECK(OpenCheckpoint(*wrong_origin, log.signer.verifier()).status().code() ==
        tl::StatusCode::kInvalidArgument);
}

TEST_CASE("a proof file round-trips and verifies against the log key", "[tlog][proof_file]") {
  const Log log = MakeLog(100);
  const ProofFile file = MakeProofFile(log, 37, 90);
  auto text = FormatProofFile(file);
  REQUIRE(text.ok());
  CHECK(text->rfind("c2sp.org/tlog-proof@v1\nextra ", 0) == 0);
  CHECK_THAT(*text, Catch::Contains("\nindex 37\n"));
  auto parsed = ParseProofFile(*text);
  REQUIRE(parsed.ok());
  CHECK(*parsed == file);

  auto verified = VerifyProofFile(*text, log.signer.verifier());
  REQUIRE(verified.ok());
  CHECK(verified->entry == log.entries[37]);
  CHECK(verified->index == 37);
  CHECK(verified->checkpoint.size == 90);

  // A one-leaf tree has no proof lines at all.
  const ProofFile single = MakeProofFile(log, 0, 1);
  CHECK(single.proof.empty());
  CHECK(VerifyProofFile(*FormatProofFile(single), log.signer.verifier()).ok());
}

TEST_CASE("a proof file with any field tampered with is rejected", "[tlog][proof_file]") {
  const Log log = MakeLog(100);
  const ProofFile file = MakeProofFile(log, 37, 90);
  const std::string good = *FormatProofFile(file);
  const NoteVerifier& key = log.signer.verifier();
  REQUIRE(VerifyProofFile(good, key).ok());

  auto rejected = [&](const std::string& text) { return !VerifyProofFile(text, key).ok(); };
  auto with = [&](auto change) {
    ProofFile f = file;
    change(f);
    return *FormatProofFile(f);
  };
  CHECK(rejected(with([](ProofFile& f) { f.entry[0] ^= 1; })));
  CHECK(rejected(with([](ProofFile& f) { f.entry += 'x'; })));
  CHECK(rejected(with([](ProofFile& f) { f.index = 36; })));
  CHECK(rejected(with([](ProofFile& f) { f.index = 38; })));
  CHECK(rejected(with([](ProofFile& f) { f.index = 90; })));
  CHECK(rejected(with([](ProofFile& f) { f.proof[0][0] ^= 1; })));
  CHECK(rejected(with([](ProofFile& f) { f.proof.back()[31] ^= 0x80; })));
  CHECK(rejected(with([](ProofFile& f) { f.proof.pop_back(); })));
  CHECK(rejected(with([](ProofFile& f) { f.proof.push_back(f.proof[0]); })));
  CHECK(rejected(with([](ProofFile& f) { std::swap(f.proof[0], f.proof[1]); })));
  // A checkpoint for another size, validly signed, does not match the proof.
  CHECK(rejected(with([&](ProofFile& f) { f.checkpoint = SignedCheckpoint(log, 91); })));
  // Text edits: header, size in the checkpoint, signature, structure.
  CHECK(rejected(Replace(good, "tlog-proof@v1", "tlog-proof@v2")));
  CHECK(rejected(Replace(good, "\n90\n", "\n91\n")));
  CHECK(rejected(Replace(good, "index 37", "index 037")));
  CHECK(rejected(Replace(good, "\xE2\x80\x94 ", "- ")));
  CHECK(rejected(Replace(good, "\n\nticketledger", "\nticketledger")));
  std::string sig_changed = good;
  sig_changed[good.size() - 10] = sig_changed[good.size() - 10] == 'A' ? 'B' : 'A';
  CHECK(rejected(sig_changed));
  CHECK(rejected(good.substr(0, good.find("extra")) + good.substr(good.find("index"))));
  // Another log's key.
  const Log other = MakeLog(100);
  CHECK(VerifyProofFile(good, other.signer.verifier()).status().code() ==
        tl::StatusCode::kDataLoss);
  // Every single character changed in turn: nothing is accepted.
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    INFO("position " << i);
    CHECK(rejected(bad));
  }
}
