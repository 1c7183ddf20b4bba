// ticketledger export --data DIR --format ndjson|capnp [--from-seq A] [--to-seq B] [--output F]
//
// The log for auditors and other systems, seqs A..B (default: all):
//   ndjson  one event a line, the shape of docs/api.md's history items (server/event_json.h)
//   capnp   the stored bytes as they are: each event one Cap'n Proto message of
//           ledger/store/schema/events.capnp's Event in the standard stream framing, concatenated,
//           so `capnp decode ledger/store/schema/events.capnp Event < FILE` reads it
// Each event's chain hash is checked against its bytes as it is written: the export is
// fail-stop, naming the first bad seq (exit 1). Exit 2 for usage errors.
#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <cstdio>
#include <memory>

#include "ledger/store/codec.h"
#include "ledger/store/hash_chain.h"
#include "server/event_json.h"
#include "tools/cli_checks.h"
#include "tools/commands.h"
#include "tools/log_access.h"
#include "tools/progress.h"

namespace tl::tools {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f && f != stdout) std::fclose(f);
  }
};

}  // namespace

void RegisterExport(CLI::App& app, int* exit_code) {
  struct Args {
    std::string data;
    std::string format;
    uint64_t from_seq = 1;
    std::optional<uint64_t> to_seq;
    std::string output;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("export", "Write the log as NDJSON or as Cap'n Proto messages");
  cmd->add_option("--data", args->data, "The ledger's data directory")->required();
  cmd->add_option("--format", args->format,
                  "ndjson (docs/api.md history items) or capnp (stored bytes)")
      ->required()
      ->check(CLI::IsMember({"ndjson", "capnp"}));
  cmd->add_option("--from-seq", args->from_seq, "First seq (inclusive)")->check(NonNegativeId());
  cmd->add_option("--to-seq", args->to_seq, "Last seq (inclusive; default: the head)")
      ->check(NonNegativeId());
  cmd->add_option("--output", args->output, "Write here instead of stdout");
  cmd->callback([args, exit_code] {
    auto log = OpenLogForReading(args->data);
    if (!log) {
      *exit_code = 2;
      return;
    }
    std::unique_ptr<std::FILE, FileCloser> out(
        args->output.empty() ? stdout : std::fopen(args->output.c_str(), "wb"));
    if (!out) {
      fmt::print(stderr, "error: cannot write {}\n", args->output);
      *exit_code = 2;
      return;
    }
    const ledger::Seq from(std::max<uint64_t>(args->from_seq, 1));
    const ledger::Seq to =
        std::min(ledger::Seq(args->to_seq.value_or(UINT64_MAX)), log->Head().seq);
    Progress progress("export", "events", to >= from ? to.value() - from.value() + 1 : 0);
    uint64_t done = 0;

    ledger::Hash prev = ledger::kGenesisHash;
    Status status;
    if (from > ledger::Seq{1} && from <= to) {
      auto before = log->ReadOne(from.Prev());
      status = before.status();
      if (before.ok()) prev = before->hash;
    }
    const bool ndjson = args->format == "ndjson";
    if (status.ok()) {
      status = log->ScanRaw(
          from, to,
          [&](ledger::Seq seq, std::string_view bytes, const ledger::Hash& hash) -> Status {
            if (ledger::ChainHash(prev, bytes) != hash) {
              return Status::DataLoss(
                  fmt::format("seq {}: the stored bytes do not match the chain hash", seq));
            }
            if (ndjson) {
              auto event = ledger::DecodeEvent(bytes);
              if (!event.ok()) return event.status().WithContext(fmt::format("seq {}", seq));
              // Read without keys, as an auditor reads: personal fields are null, marked sealed.
              TL_RETURN_IF_ERROR(log->OpenPersonal(*event));
              const ledger::StoredEvent stored{std::move(event).value(), prev, hash};
              const std::string line = boost::json::serialize(server::EventToJson(stored));
              std::fwrite(line.data(), 1, line.size(), out.get());
              std::fputc('\n', out.get());
            } else {
              auto length = ledger::FramedMessageLength(bytes);
              if (!length.ok() || *length != bytes.size()) {
                return Status::DataLoss(fmt::format("seq {}: not one framed message", seq));
              }
              std::fwrite(bytes.data(), 1, bytes.size(), out.get());
            }
            prev = hash;
            progress.Update(++done);
            return Status::Ok();
          });
    }
    progress.Finish(done);
    if (!status.ok()) {
      fmt::print(stderr, "error: {}\n", status.ToString());
      *exit_code = 1;
      return;
    }
    if (std::fflush(out.get()) != 0 || std::ferror(out.get())) {
      fmt::print(stderr, "error: writing the export failed\n");
      *exit_code = 2;
    }
  });
}

}  // namespace tl::tools
