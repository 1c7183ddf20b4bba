// ticketledger import --data DIR [--format csv|xes]... --mapping FILE... [--actor NAME] [--json]
//                     [--rejects FILE] INPUT...
// Loads another system's history (INPUT may be gzip-compressed) into the ledger as events with
// the source's times and people, and prints where every source row went (docs/import.md).
// Several inputs are imported in the order given, the k-th with the k-th mapping and format.
// Exit 0 when every row is accounted for and the ledger took every append; 1 when the ledger
// refused some (they are listed) or the accounting does not add up; 2 for a usage, mapping or
// input error, a damaged input, or a ledger that cannot be opened or read (nothing of that
// source appended).
#include <fmt/format.h>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>

#include "tools/commands.h"
#include "tools/import/importer.h"

namespace tl::tools {
namespace {

// "csv" or "xes" from the input's name (a .gz suffix aside); empty when the name says neither.
std::string FormatFromName(std::string_view path) {
  if (path.ends_with(".gz")) path.remove_suffix(3);
  if (path.ends_with(".csv")) return "csv";
  if (path.ends_with(".xes")) return "xes";
  return {};
}

// Pairs the k-th input with the k-th format and mapping; one format or mapping serves all.
Result<std::vector<import::ImportSource>> PairSources(const std::vector<std::string>& formats,
                                                      const std::vector<std::string>& mappings,
                                                      const std::vector<std::string>& inputs) {
  const size_t n = inputs.size();
  if (mappings.size() != 1 && mappings.size() != n) {
    return Status::BadField(
        fmt::format("{} inputs need one --mapping, or one per input (got {})", n, mappings.size()));
  }
  if (formats.size() > 1 && formats.size() != n) {
    return Status::BadField(fmt::format(
        "{} inputs need no --format, one, or one per input (got {})", n, formats.size()));
  }
  std::vector<import::ImportSource> sources;
  for (size_t i = 0; i < n; ++i) {
    import::ImportSource s;
    s.input_path = inputs[i];
    s.mapping_path = mappings[mappings.size() == 1 ? 0 : i];
    s.format = formats.empty() ? FormatFromName(inputs[i]) : formats[formats.size() == 1 ? 0 : i];
    if (s.format.empty()) {
      return Status::BadField(
          fmt::format("{}: give --format (the name ends neither in .csv nor in .xes)", inputs[i]));
    }
    sources.push_back(std::move(s));
  }
  return sources;
}

}  // namespace

void RegisterImport(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<import::ImportOptions>();
  auto formats = std::make_shared<std::vector<std::string>>();
  auto mappings = std::make_shared<std::vector<std::string>>();
  auto inputs = std::make_shared<std::vector<std::string>>();
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("import", "Import another system's ticket history");
  cmd->add_option("--data", options->data_dir, "The ledger's data directory")->required();
  cmd->add_option("--format", *formats,
                  "The input's format (default: from its name); once per input, or once for all")
      ->allow_extra_args(false)  // one value per --format, the rest are inputs
      ->check(CLI::IsMember({"csv", "xes"}));
  cmd->add_option("--mapping", *mappings,
                  "The mapping file (mappings/*.json); once per input, or once for all")
      ->required()
      ->allow_extra_args(false)
      ->check(CLI::ExistingFile);
  cmd->add_option("input", *inputs,
                  "The source logs (.csv, .xes, optionally .gz), imported in this order")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--actor", options->actor, "recorded_by of the imported events")
      ->capture_default_str();
  cmd->add_option("--rejects", options->rejects_path,
                  "Write every row not imported (duplicate, skipped, failed) and why, as CSV "
                  "(one input only)");
  cmd->add_option("--chunk", options->chunk, "Requests per bulk append")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  auto compression = std::make_shared<std::string>("none");
  cmd->add_option("--log-compression", *compression,
                  "Compression of the log's table files: none, snappy, lz4, zstd "
                  "(docs/operations.md, \"Compression of the log\")")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "snappy", "lz4", "zstd"}));
  // Hidden (no group): fault injection for tests of resuming after a crash.
  cmd->add_option("--crash-after", options->crash_after, "")->group("");
  cmd->add_flag("--json", *json, "Print the summary as one JSON object");
  cmd->add_flag("!--no-progress", options->progress, "No progress lines on stderr");
  cmd->callback([options, formats, mappings, inputs, json, compression, exit_code] {
    auto parsed = ledger::ParseTableCompression(*compression);
    if (!parsed.ok()) {
      fmt::print(stderr, "error: {}\n", parsed.status().ToString());
      *exit_code = 2;
      return;
    }
    options->log_compression = *parsed;
    auto sources = PairSources(*formats, *mappings, *inputs);
    if (!sources.ok()) {
      fmt::print(stderr, "error: {}\n", sources.status().ToString());
      *exit_code = 2;
      return;
    }
    options->sources = std::move(*sources);
    const bool several = options->sources.size() > 1;
    const auto start = std::chrono::steady_clock::now();
    boost::json::array summaries;
    uint64_t rows = 0;
    size_t completed = 0;
    int worst = 0;
    Status result = import::RunImport(*options, [&](size_t index,
                                                    const Result<import::Reconciliation>& summary,
                                                    const std::vector<std::string>& refusals) {
      if (!summary.ok()) {
        fmt::print(stderr, "error: {}{}\n",
                   several ? fmt::format("source {} of {}: ", index + 1, options->sources.size())
                           : std::string(),
                   summary.status().ToString());
        // An unusable mapping or input, or a ledger that cannot be opened or read, stops the
        // import before it appends anything of the source; kInternal (a definition the ledger
        // refused) may come after.
        worst = std::max(worst, summary.status().code() == StatusCode::kInternal ? 1 : 2);
        return;
      }
      for (const std::string& e : refusals) fmt::print(stderr, "refused: {}\n", e);
      if (summary->failed > refusals.size()) {
        fmt::print(stderr, "refused: ... {} more\n", summary->failed - refusals.size());
      }
      if (summary->failed != 0 || !summary->Balanced()) worst = std::max(worst, 1);
      rows += summary->rows;
      ++completed;
      if (*json) {
        summaries.push_back(summary->ToJson());
      } else {
        fmt::print("{}{}", index > 0 ? "\n" : "", summary->ToText());
        std::fflush(stdout);
      }
    });
    (void)result;  // reported through the callback
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (*json && !several && !summaries.empty()) {
      fmt::print("{}\n", boost::json::serialize(summaries[0]));
    } else if (*json && several) {
      boost::json::object all{{"sources", summaries},
                              {"rows", rows},
                              {"seconds", seconds},
                              {"rows_per_second", seconds > 0 ? rows / seconds : 0.0}};
      fmt::print("{}\n", boost::json::serialize(all));
    } else if (several) {
      fmt::print("\n{} of {} sources: {} rows in {:.2f} s ({:.0f} rows/s)\n", completed,
                 options->sources.size(), rows, seconds, seconds > 0 ? rows / seconds : 0.0);
    }
    *exit_code = worst;
  });
}

}  // namespace tl::tools
