// `ticketledger replay`, run as the auditor runs it: the real binary on a real data directory.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include "ledger/domain/time_format.h"
#include "projections/projections.h"
#include "server/report_bodies.h"
#include "tests/support/fixtures.h"
#include "tests/support/random_history.h"
#include "tests/support/subprocess.h"
#include "tests/support/tamper.h"

using namespace tl::ledger;
using namespace tl::app;
using namespace tl::testing;
namespace json = boost::json;

namespace {

Seq WriteHistory(const TempDir& dir, uint64_t seed, size_t tickets) {
  auto head = WriteRandomHistory(dir.str(), seed, tickets);
  REQUIRE(head.ok());
  return *head;
}

std::unique_ptr<tl::projections::Projections> ReplayInProcess(EventLog& log,
                                                              std::optional<Seq> to_seq) {
  tl::projections::Options options;
  options.use_checkpoints = false;
  options.to_seq = to_seq;
  auto p =
      tl::projections::Projections::Open(log, tl::projections::StandardModels(), options, false);
  REQUIRE(p.ok());
  return std::move(p).value();
}

}  // namespace

TEST_CASE("replay rebuilds every projection and prints the seq, tickets and state digests",
          "[tools][replay]") {
  TempDir dir;
  WriteHistory(dir, 5, 200);
  auto run = RunCommand({TicketledgerBinary(), "replay", "--data", dir.str(), "--json"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.err, Catch::Contains("events/s"));
  const json::object summary = json::parse(run.out).as_object();

  auto log = OpenLog(dir.str());
  auto expected = ReplayInProcess(*log, std::nullopt);
  CHECK(summary.at("seq") == log->Head().seq.value());
  CHECK(summary.at("tickets") == 200);
  CHECK(summary.at("latest_occurred_at") ==
        json::value(FormatRfc3339(expected->latest_occurred_at())));
  json::object digests;
  for (const auto& [name, digest] : expected->StateDigests()) digests[name] = digest;
  CHECK(summary.at("digests") == json::value(digests));

  auto human = RunCommand({TicketledgerBinary(), "replay", "--data", dir.str()});
  CHECK(human.exit_code == 0);
  CHECK_THAT(human.out,
             Catch::Contains("replayed to seq " + std::to_string(log->Head().seq.value())));
}

TEST_CASE("replay --report prints the API's report as it stood at a seq or a recording time",
          "[tools][replay]") {
  TempDir dir;
  ManualClock clock(kMonday);
  Seq after_first{};
  {
    LogOptions options;
    options.sync = false;
    options.clock = clock.AsClock();
    auto log = OpenLog(dir.str(), options);
    LogStateSource states(*log);
    CommandHandler handler(*log, states, clock.AsClock());
    DefineStandardReference(handler);
    REQUIRE(handler.Open(SupportTicket("campus", "Eduroam"), By("carl")).ok());
    after_first = log->Head().seq;
    clock.Advance(kDay);
    REQUIRE(handler.Open(SupportTicket("campus", "Eduroam"), By("carl")).ok());
  }
  auto volume_total = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {TicketledgerBinary(),
                                     "replay",
                                     "--data",
                                     dir.str(),
                                     "--report",
                                     "volume?interval=day&category=all"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto run = RunCommand(argv);
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const json::value body = json::parse(run.out);
    return body.at("groups").as_array().at(0).at("total");
  };
  CHECK(volume_total({}) == 2);
  CHECK(volume_total({"--to-seq", std::to_string(after_first.value())}) == 1);
  // What the ledger knew an hour after the first ticket was recorded.
  CHECK(volume_total({"--to-time", FormatRfc3339(kMonday + kHour)}) == 1);
  CHECK(volume_total({"--to-time", FormatRfc3339(kMonday + kDay)}) == 2);

  // The same bytes as the API's body (server/report_bodies.h), several reports a line each.
  auto run = RunCommand({TicketledgerBinary(), "replay", "--data", dir.str(), "--to-seq",
                         std::to_string(after_first.value()), "--report", "workload", "--report",
                         "response-times?group_by=queue&from=2026-01-05T00%3A00%3A00Z"});
  REQUIRE(run.exit_code == 0);
  auto log = OpenLog(dir.str());
  auto expected = ReplayInProcess(*log, after_first);
  tl::server::ReportBodies bodies(expected->reports());
  auto workload = bodies.Get(*tl::server::FindReportEndpoint("workload"), {});
  auto rt = bodies.Get(*tl::server::FindReportEndpoint("response-times"),
                       {{"group_by", "queue"}, {"from", "2026-01-05T00:00:00Z"}});
  REQUIRE(workload.ok());
  REQUIRE(rt.ok());
  CHECK(run.out == **workload + "\n" + **rt + "\n");
}

TEST_CASE("replay with an unknown report or a bad parameter is a usage error", "[tools][replay]") {
  TempDir dir;
  WriteHistory(dir, 6, 5);
  auto unknown =
      RunCommand({TicketledgerBinary(), "replay", "--data", dir.str(), "--report", "nonsense"});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("nonsense"));
  auto bad = RunCommand(
      {TicketledgerBinary(), "replay", "--data", dir.str(), "--report", "volume?interval=year"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("interval"));
  auto both = RunCommand({TicketledgerBinary(), "replay", "--data", dir.str(), "--to-seq", "3",
                          "--to-time", "2026-01-05T00:00:00Z"});
  CHECK(both.exit_code == 2);
  auto no_ledger = RunCommand({TicketledgerBinary(), "replay", "--data", dir.Sub("nothing")});
  CHECK(no_ledger.exit_code == 2);
}

TEST_CASE("replay stops at a damaged event and names its seq", "[tools][replay]") {
  TempDir dir;
  WriteHistory(dir, 7, 30);
  FlipEventByte(dir.str(), 40);  // still a valid message, no longer what was hashed
  auto run = RunCommand({TicketledgerBinary(), "replay", "--data", dir.str()});
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.err, Catch::Contains("seq 40"));
}

TEST_CASE("replay --as-of and --known-at print the API's reports at that past point",
          "[tools][replay][asof]") {
  TempDir dir;
  WriteHistory(dir, 7, 40);
  const std::vector<Event> events = AllEvents(*OpenLog(dir.str()));
  // A back-dated event: at its occurred_at, an event logged before it is left out.
  const Event* back_dated = nullptr;
  for (size_t i = 1; i < events.size() && !back_dated; ++i) {
    if (events[i].occurred_at < events[i - 1].occurred_at) back_dated = &events[i];
  }
  REQUIRE(back_dated);
  const std::string t = FormatRfc3339(back_dated->occurred_at);
  auto replay = [&](const std::vector<std::string>& point) {
    std::vector<std::string> argv = {
        TicketledgerBinary(), "replay",   "--data",   dir.str(),
        "--report",           "workload", "--report", "volume?category=all"};
    argv.insert(argv.end(), point.begin(), point.end());
    return RunCommand(argv);
  };
  auto run = replay({"--as-of", t});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  {
    // The API's path: the live projections' past point, through the report bodies.
    auto log = OpenLog(dir.str());
    auto live = tl::projections::Projections::Open(*log, tl::projections::StandardModels(), {},
                                                   /*attach=*/true);
    REQUIRE(live.ok());
    using tl::projections::AsOf;
    auto past =
        (*live)->reports().At(AsOf{AsOf::Kind::kOccurredAt, Seq{}, back_dated->occurred_at});
    REQUIRE(past.ok());
    CHECK((*past)->applied_seq() < back_dated->seq);  // not a prefix of the log
    tl::server::ReportBodies bodies((*past)->reports());
    auto workload = bodies.Get(*tl::server::FindReportEndpoint("workload"), {});
    auto volume = bodies.Get(*tl::server::FindReportEndpoint("volume"), {{"category", "all"}});
    REQUIRE(workload.ok());
    REQUIRE(volume.ok());
    CHECK(run.out == **workload + "\n" + **volume + "\n");
    log.reset();  // before the projections it calls
  }
  const std::string seq = std::to_string(events.size() / 2);
  CHECK(replay({"--as-of", seq}).out == replay({"--to-seq", seq}).out);
  const std::string recorded = FormatRfc3339(events[events.size() / 2].recorded_at);
  CHECK(replay({"--known-at", recorded}).out == replay({"--to-time", recorded}).out);
  CHECK(replay({"--as-of", seq, "--known-at", recorded}).exit_code == 2);
  CHECK(replay({"--as-of", "yesterday"}).exit_code == 2);
}
