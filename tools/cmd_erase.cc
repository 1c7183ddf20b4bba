// ticketledger erase --data DIR (--ticket N | --requester ADDR) --reason TEXT
//                   [--master-key FILE] [--actor NAME]
//
// Erases a ticket's personal data, or that of every ticket of a requester (found by the
// requester index in the key store, confirmed against the log), with the server stopped
// (docs/privacy.md, "Erasure"): appends the personal_data_erased events, then destroys the
// data keys. Exit 0 when erased (or erased
// already), 2 for a usage error, no such ticket, or a ledger in use.
#include <fmt/format.h>

#include "app/data_keys.h"
#include "app/erasure.h"
#include "app/requester_lookup.h"
#include "tools/cli_checks.h"
#include "tools/commands.h"
#include "tools/log_access.h"

namespace tl::tools {

void RegisterErase(CLI::App& app, int* exit_code) {
  struct Args {
    std::string data;
    std::string master_key;
    uint64_t ticket = 0;
    std::string requester;
    std::string reason;
    std::string actor = "admin";
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "erase", "Erase a ticket's personal data for good (the server must be stopped)");
  cmd->add_option("--data", args->data, "The ledger's data directory")->required();
  auto* by_ticket =
      cmd->add_option("--ticket", args->ticket, "The ticket whose personal data to erase")
          ->check(PositiveId());
  auto* by_requester = cmd->add_option("--requester", args->requester,
                                       "Erase every ticket of this requester address instead");
  by_ticket->excludes(by_requester);
  by_requester->excludes(by_ticket);
  cmd->add_option("--reason", args->reason, "Why (recorded in the event; no personal data)")
      ->required();
  cmd->add_option("--master-key", args->master_key,
                  "The master key file (default: master.key in the data directory)");
  cmd->add_option("--actor", args->actor, "Who erases, as the event records it")
      ->capture_default_str();
  cmd->callback([args, exit_code] {
    *exit_code = 2;
    if ((args->ticket == 0) == args->requester.empty()) {
      fmt::print(stderr, "error: erase needs --ticket or --requester\n");
      return;
    }
    if (!MayHoldLedger(args->data)) {
      fmt::print(stderr, "error: no ledger in {}\n", args->data);
      return;
    }
    // An erasure destroys keys: the key store must be there.
    auto keys = app::OpenDataKeys(args->data, args->master_key, /*create=*/false);
    if (!keys.ok()) {
      fmt::print(stderr, "error: cannot open the data keys in {}: {}\n", args->data,
                 keys.status().ToString());
      return;
    }
    ledger::LogOptions options;
    options.create_if_missing = false;
    options.keys = *keys;
    auto log = ledger::EventLog::Open(args->data, options);
    if (!log.ok()) {
      fmt::print(stderr, "error: cannot open the ledger in {}: {}\n", args->data,
                 log.status().ToString());
      return;
    }
    std::vector<ledger::TicketId> tickets;
    if (args->ticket != 0) {
      tickets.push_back(ledger::TicketId(args->ticket));
    } else {
      auto found = app::RequesterLookup(**log).Tickets(args->requester);
      if (!found.ok()) {
        fmt::print(stderr, "error: {}\n", found.status().ToString());
        return;
      }
      if (found->empty()) {
        fmt::print(stderr, "error: no ticket of that requester\n");
        return;
      }
      tickets = std::move(found).value();
    }
    auto erased =
        app::ErasePersonalData(**log, tickets, args->reason, args->actor, ledger::SystemClockNow());
    if (!erased.ok()) {
      fmt::print(stderr, "error: {}\n", erased.status().ToString());
      return;
    }
    for (ledger::TicketId t : erased->erased_tickets) {
      fmt::print("erased ticket {} (seq {})\n", t.value(), erased->seq);
    }
    *exit_code = 0;
  });
}

}  // namespace tl::tools
