// ticketledger verify --data DIR [--json]
// Walks the whole log (contiguity, decoding, stream versions, indexes, hash chain, head).
// Exit 0 when sound; 1 naming the first bad seq and why; 2 when the log cannot be opened.
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "ledger/domain/types.h"
#include "tools/commands.h"
#include "tools/log_access.h"
#include "tools/progress.h"

namespace tl::tools {

void RegisterVerify(CLI::App& app, int* exit_code) {
  struct Args {
    std::string data;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("verify", "Check the whole log and its hash chain");
  cmd->add_option("--data", args->data, "The ledger's data directory")->required();
  cmd->add_flag("--json", args->json, "Print the result as one JSON object");
  cmd->callback([args, exit_code] {
    auto log = OpenLogForReading(args->data);
    if (!log) {
      *exit_code = 2;
      return;
    }
    Progress progress("verify", "events", log->Head().seq);
    ledger::VerifyReport report =
        log->Verify([&](ledger::Seq done, ledger::Seq total) {
          progress.SetTotal(total);
          progress.Update(done);
        });
    progress.Finish(report.events);
    if (args->json) {
      boost::json::object o;
      o["ok"] = report.ok;
      o["events"] = report.events;
      o["head"] = ledger::HashToHex(report.head);
      if (!report.ok) {
        o["seq"] = report.bad_seq;
        o["reason"] = report.reason;
      }
      fmt::print("{}\n", boost::json::serialize(o));
    } else if (report.ok) {
      fmt::print("ok: {} events, head {}\n", report.events, ledger::HashToHex(report.head));
    } else {
      fmt::print("FAILED at seq {}: {}\n", report.bad_seq, report.reason);
    }
    *exit_code = report.ok ? 0 : 1;
  });
}

}  // namespace tl::tools
