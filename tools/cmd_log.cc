// ticketledger log --data DIR [--ticket N] [--from-seq A] [--to-seq B] [--format json|text]
// Prints events as JSON lines in the shape of docs/api.md's history items, or as one readable
// line each (--format text) for a person reading a ticket's story at a terminal.
#include <fmt/format.h>

#include <boost/json/serialize.hpp>

#include "server/event_json.h"
#include "tools/cli_checks.h"
#include "tools/commands.h"
#include "tools/log_access.h"

namespace tl::tools {

namespace json = boost::json;

namespace {

// A data value as a person reads it: strings bare unless they need quotes, the rest as JSON.
std::string Readable(const json::value& v) {
  if (!v.is_string()) return json::serialize(v);
  const json::string& s = v.as_string();
  const bool bare = !s.empty() && s.find_first_of(" \t\n\"=") == json::string::npos;
  return bare ? std::string(s) : json::serialize(v);
}

// `#57 v1 2011-03-07T09:42:08Z ticket/5 opened by Olga: service=PROD542 queue=D8 …`
std::string TextLine(const json::object& e) {
  std::string line = fmt::format(
      "#{} v{} {} {} {} by {}", json::serialize(e.at("seq")), json::serialize(e.at("version")),
      std::string(e.at("occurred_at").as_string()), std::string(e.at("stream").as_string()),
      std::string(e.at("type").as_string()), Readable(e.at("actor")));
  const json::object& data = e.at("data").as_object();
  std::string sep = ": ";
  for (const auto& [key, value] : data) {
    if (value.is_null()) continue;
    line += fmt::format("{}{}={}", sep, std::string_view(key), Readable(value));
    sep = " ";
  }
  return line;
}

}  // namespace

void RegisterLog(CLI::App& app, int* exit_code) {
  struct Args {
    std::string data;
    std::string master_key;
    std::optional<uint64_t> ticket;
    uint64_t from_seq = 1;
    uint64_t to_seq = ~uint64_t{0};
    std::string format = "json";
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("log", "Print events as JSON lines, or as readable text");
  cmd->add_option("--data", args->data, "The ledger's data directory")->required();
  cmd->add_option("--master-key", args->master_key,
                  "The master key file, to read personal fields as text (default: master.key "
                  "in the data directory)");
  cmd->add_option("--ticket", args->ticket, "Only this ticket's history")->check(PositiveId());
  cmd->add_option("--from-seq", args->from_seq, "First seq (inclusive)")->check(NonNegativeId());
  cmd->add_option("--to-seq", args->to_seq, "Last seq (inclusive)")->check(NonNegativeId());
  cmd->add_option("--format", args->format,
                  "json: docs/api.md's history items, one per line; text: one readable line "
                  "per event (seq, version, time, stream, type, actor, fields)")
      ->capture_default_str()
      ->check(CLI::IsMember({"json", "text"}));
  cmd->callback([args, exit_code] {
    auto log = OpenLogForReading(args->data, /*with_keys=*/true, args->master_key);
    if (!log) {
      *exit_code = 2;
      return;
    }
    const bool text = args->format == "text";
    auto print = [text](const ledger::StoredEvent& e) {
      const json::object item = server::EventToJson(e);
      fmt::print("{}\n", text ? TextLine(item) : json::serialize(item));
      return Status::Ok();
    };
    Status status;
    if (args->ticket) {
      auto events = log->ReadStream(ledger::StreamId::Ticket(ledger::TicketId(*args->ticket)));
      status = events.status();
      if (events.ok()) {
        if (events->empty()) {
          fmt::print(stderr, "error: ticket {} does not exist\n", *args->ticket);
          *exit_code = 1;
          return;
        }
        for (const auto& e : *events) {
          if (e.event.seq.value() >= args->from_seq && e.event.seq.value() <= args->to_seq) {
            print(e).PermitUncheckedError();
          }
        }
      }
    } else {
      status = log->Scan(ledger::Seq(args->from_seq), ledger::Seq(args->to_seq), print);
    }
    if (!status.ok()) {
      fmt::print(stderr, "error: {}\n", status.ToString());
      *exit_code = 1;
    }
  });
}

}  // namespace tl::tools
