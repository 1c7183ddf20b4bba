// ticketledger log --data DIR [--ticket N] [--from-seq A] [--to-seq B]
// Prints events as JSON lines, in the shape of docs/api.md's history items.
#include <fmt/format.h>

#include <boost/json/serialize.hpp>

#include "server/event_json.h"
#include "tools/commands.h"
#include "tools/log_access.h"

namespace tl::tools {

void RegisterLog(CLI::App& app, int* exit_code) {
  struct Args {
    std::string data;
    std::optional<uint64_t> ticket;
    uint64_t from_seq = 1;
    uint64_t to_seq = ~uint64_t{0};
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("log", "Print events as JSON lines");
  cmd->add_option("--data", args->data, "The ledger's data directory")->required();
  cmd->add_option("--ticket", args->ticket, "Only this ticket's history");
  cmd->add_option("--from-seq", args->from_seq, "First seq (inclusive)");
  cmd->add_option("--to-seq", args->to_seq, "Last seq (inclusive)");
  cmd->callback([args, exit_code] {
    auto log = OpenLogForReading(args->data);
    if (!log) {
      *exit_code = 2;
      return;
    }
    auto print = [](const ledger::StoredEvent& e) {
      fmt::print("{}\n", boost::json::serialize(server::EventToJson(e)));
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
