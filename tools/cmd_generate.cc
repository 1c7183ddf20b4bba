// ticketledger generate --data DIR [--tickets N] [--seed S] [--days D] [--end TIME]
//
// Writes a realistic synthetic history (docs/generate.md) into a new or empty folder, through
// the ledger's rules. Equal arguments give the same history (its sealed fields aside). Exit 0
// when written; 1 when the generator broke a rule (a bug: nothing it wrote should be used); 2 for
// a usage or environment error, among them a folder that is not empty.
#include <fmt/format.h>

#include "ledger/domain/time_format.h"
#include "tools/cli_checks.h"
#include "tools/commands.h"
#include "tools/generate/generator.h"
#include "tools/progress.h"

namespace tl::tools {

void RegisterGenerate(CLI::App& app, int* exit_code) {
  struct Args {
    std::string data;
    uint64_t tickets = 3000;
    uint64_t seed = 1;
    int days = 200;
    std::string end = "2026-11-02T00:00:00Z";
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "generate",
      "Write a realistic synthetic service-desk history through the ledger's rules.\n"
      "DIR must be new or empty: generate refuses (exit 2) a folder that holds anything.\n"
      "The same arguments give the same history; its bytes differ only in the sealed personal\n"
      "fields (random data keys and nonces, docs/privacy.md).");
  cmd->add_option("--data", args->data, "A new or empty folder for the ledger")->required();
  cmd->add_option("--tickets", args->tickets,
                  "Inquiries to simulate; the change tickets they spawn come on top (~6 %)")
      ->capture_default_str()
      ->check(NonNegativeId())
      ->check(CLI::Range(uint64_t{0}, uint64_t{50'000'000}));
  cmd->add_option("--seed", args->seed, "Seed of every random choice")->capture_default_str();
  cmd->add_option("--days", args->days, "Days of history, ending at --end")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  cmd->add_option("--end", args->end, "End of the history (RFC 3339); nothing happens after it")
      ->capture_default_str();
  cmd->callback([args, exit_code] {
    auto end = ledger::ParseRfc3339(args->end);
    if (!end.ok()) {
      fmt::print(stderr, "error: --end: {}\n", end.status().message());
      *exit_code = 2;
      return;
    }
    generate::GenerateOptions options;
    options.data = args->data;
    options.inquiries = args->tickets;
    options.seed = args->seed;
    options.days = args->days;
    options.end = *end;
    Progress progress("generate", "inquiries", args->tickets);
    auto summary =
        generate::Generate(options, [&progress](uint64_t arrived) { progress.Update(arrived); });
    if (!summary.ok()) {
      const bool bug = summary.status().code() == StatusCode::kInternal;
      fmt::print(
          stderr, "error: {}{}\n", summary.status().message(),
          bug ? fmt::format(" ({} holds an incomplete history: delete it)", args->data) : "");
      *exit_code = bug ? 1 : 2;
      return;
    }
    progress.Finish(summary->totals.inquiries);
    const double seconds = progress.Seconds();
    const auto& t = summary->totals;
    fmt::print(stderr,
               "generated {} tickets ({} inquiries, {} change tickets), {} events in {:.2f} s "
               "({:.0f} events/s; {:.2f} s of it to sync the folder)\n"
               "  misroutes {}, reopens {}, resolutions {}, invitations {}, feedback {}\n"
               "  head {}\n",
               summary->tickets, t.inquiries, t.children, summary->events, seconds,
               seconds > 0 ? summary->events / seconds : 0.0, summary->sync_seconds, t.misroutes,
               t.reopens, t.resolutions, t.invitations, t.feedback,
               ledger::HashToHex(summary->head));
    *exit_code = 0;
  });
}

}  // namespace tl::tools
