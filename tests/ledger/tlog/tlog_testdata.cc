// tlog_testdata: writes the responses of ticketledger's audit API for a log of random entries,
// built with tl::tlog, as files that the outside verifiers read (tests/interop/tlogcheck in
// -dir mode, tools/audit/tlog_verify.py). Until the server serves the API, this is what they
// are tested on.
//
//   tlog_testdata --out DIR [--leaves N] [--seed S]
//
// DIR gets key.txt, checkpoint.txt, inclusion-<seq>.json (at the latest size),
// inclusion-<seq>-<size>.json and consistency-<m>-<n>.json (for size/2 and size/3),
// state.txt (a signed checkpoint of size/3, for -state), and entry.tlog-proof (a proof file).
// Exit status 0 on success, 1 on an error, 2 on bad usage.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/proof_file.h"
#include "ledger/tlog/tiles.h"

namespace {

using namespace tl::tlog;

constexpr char kOrigin[] = "ticketledger.test/tlog";

std::string JsonProof(const std::vector<Hash>& proof) {
  std::string out = "[";
  for (size_t i = 0; i < proof.size(); ++i) {
    out += fmt::format("{}\"{}\"", i == 0 ? "" : ", ", HashToBase64(proof[i]));
  }
  return out + "]";
}

bool WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
  return static_cast<bool>(out);
}

int Usage() {
  std::fputs("usage: tlog_testdata --out DIR [--leaves N] [--seed S]\n", stderr);
  return 2;
}

tl::Status Run(const std::string& dir, int64_t leaves, uint64_t seed) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error)
    return tl::Status::Unavailable(fmt::format("cannot make {}: {}", dir, error.message()));
  std::mt19937_64 rng(seed);
  std::vector<std::string> entries;
  std::vector<Hash> leaf_hashes;
  for (int64_t i = 0; i < leaves; ++i) {
    // Event-like bytes: any byte value may occur.
    std::string e = fmt::format("event seq={} ", i + 1);
    for (int k = 0, n = static_cast<int>(rng() % 64); k < n; ++k) e += static_cast<char>(rng());
    leaf_hashes.push_back(LeafHash(e));
    entries.push_back(std::move(e));
  }
  // Appended in random chunks, as a group-commit writer would.
  MemoryTileStore store;
  for (int64_t done = 0; done < leaves;) {
    const int64_t k = std::min<int64_t>(leaves - done, 1 + static_cast<int64_t>(rng() % 300));
    TL_ASSIGN_OR_RETURN(auto writes,
                        AppendLeaves(done, std::span(leaf_hashes).subspan(done, k), store));
    store.Apply(writes);
    done += k;
  }
  TL_ASSIGN_OR_RETURN(const GeneratedKey key, GenerateKey(kOrigin));
  TL_ASSIGN_OR_RETURN(const NoteSigner signer, NoteSigner::Parse(key.signer_key));
  auto signed_checkpoint = [&](int64_t size) -> tl::Result<std::string> {
    TL_ASSIGN_OR_RETURN(const Hash root, TreeRoot(size, store));
    return SignCheckpoint(Checkpoint{kOrigin, size, root}, signer);
  };
  auto write = [&](const std::string& name, const std::string& contents) {
    return WriteFile(dir + "/" + name, contents)
               ? tl::Status::Ok()
               : tl::Status::Unavailable(fmt::format("cannot write {}/{}", dir, name));
  };
  auto inclusion = [&](int64_t seq, int64_t size, const std::string& name) -> tl::Status {
    TL_ASSIGN_OR_RETURN(const auto proof, InclusionProof(seq - 1, size, store));
    return write(
        name, fmt::format("{{\"seq\": {}, \"size\": {}, \"entry\": \"{}\", \"proof\": {}}}\n", seq,
                          size, Base64Encode(entries[seq - 1]), JsonProof(proof)));
  };
  auto consistency = [&](int64_t from, int64_t to) -> tl::Status {
    TL_ASSIGN_OR_RETURN(const auto proof, ConsistencyProof(from, to, store));
    return write(
        fmt::format("consistency-{}-{}.json", from, to),
        fmt::format("{{\"from\": {}, \"to\": {}, \"proof\": {}}}\n", from, to, JsonProof(proof)));
  };

  TL_RETURN_IF_ERROR(write("key.txt", key.verifier_key + "\n"));
  TL_ASSIGN_OR_RETURN(const std::string latest, signed_checkpoint(leaves));
  TL_RETURN_IF_ERROR(write("checkpoint.txt", latest));
  std::set<int64_t> seqs = {1, leaves};
  while (static_cast<int64_t>(seqs.size()) < std::min<int64_t>(leaves, 22)) {
    seqs.insert(1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(leaves)));
  }
  for (int64_t seq : seqs) {
    TL_RETURN_IF_ERROR(inclusion(seq, leaves, fmt::format("inclusion-{}.json", seq)));
  }
  // What tlogcheck asks without -state: the tree of size/2, through its last leaf.
  const int64_t half = leaves / 2;
  const int64_t third = leaves / 3;
  if (half >= 1) {
    TL_RETURN_IF_ERROR(inclusion(half, half, fmt::format("inclusion-{}-{}.json", half, half)));
    TL_RETURN_IF_ERROR(consistency(half, leaves));
  }
  // What it asks with -state state.txt.
  if (third >= 1) {
    TL_ASSIGN_OR_RETURN(const std::string old, signed_checkpoint(third));
    TL_RETURN_IF_ERROR(write("state.txt", old));
    TL_RETURN_IF_ERROR(consistency(third, leaves));
  }
  const int64_t index = static_cast<int64_t>(rng() % static_cast<uint64_t>(leaves));
  TL_ASSIGN_OR_RETURN(auto proof, InclusionProof(index, leaves, store));
  TL_ASSIGN_OR_RETURN(const std::string file,
                      FormatProofFile(ProofFile{entries[index], index, proof, latest}));
  return write("entry.tlog-proof", file);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  int64_t leaves = 1000;
  uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return Usage();
    const std::string value = argv[++i];
    try {
      if (arg == "--out") {
        dir = value;
      } else if (arg == "--leaves") {
        leaves = std::stoll(value);
      } else if (arg == "--seed") {
        seed = std::stoull(value);
      } else {
        return Usage();
      }
    } catch (const std::exception&) {
      return Usage();
    }
  }
  if (dir.empty() || leaves < 1) return Usage();
  const tl::Status status = Run(dir, leaves, seed);
  if (!status.ok()) {
    std::fprintf(stderr, "tlog_testdata: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
