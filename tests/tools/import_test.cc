// `ticketledger import` as a user runs it: the real binary on small slices whose every event is
// worked out by hand from the mapping rules (docs/import.md), and on the full shipped logs.
#include <fmt/format.h>
#include <zlib.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "ledger/domain/overloaded.h"
#include "ledger/domain/time_format.h"
#include "ledger/store/event_log.h"
#include "projections/model_registry.h"
#include "projections/projections.h"
#include "tests/support/fixtures.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

using namespace tl::ledger;
using namespace tl::testing;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string Slice(const std::string& name) {
  return std::string(TL_IMPORT_SLICES_DIR) + "/" + name;
}
std::string MappingFile(const std::string& name) {
  return std::string(TL_MAPPINGS_DIR) + "/" + name + ".json";
}

CommandOutput Import(const std::string& data, const std::string& format, const std::string& mapping,
                     const std::string& input, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv{
      TicketledgerBinary(), "import", "--data",       data, "--format", format, "--mapping",
      MappingFile(mapping), "--json", "--no-progress"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(input);
  return RunCommand(argv);
}

// The summary of a successful run.
json::object Summary(const CommandOutput& run) {
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  return json::parse(run.out).as_object();
}

int64_t N(const json::object& o, std::string_view key) { return o.at(key).to_number<int64_t>(); }

std::vector<Event> ReadAll(const std::string& dir) {
  LogOptions options;
  options.read_only = true;
  options.create_if_missing = false;
  auto log = tl::testing::OpenLog(dir, options);
  std::vector<Event> events;
  REQUIRE(log->Scan(Seq{1}, log->Head().seq,
                    [&](const StoredEvent& e) {
                      events.push_back(e.event);
                      return tl::Status::Ok();
                    })
              .ok());
  return events;
}

// Two ledgers hold the same history: the same events in the same order, recorded_at aside
// (the time of the import run).
void CheckSameHistory(const std::string& dir_a, const std::string& dir_b) {
  std::vector<Event> a = ReadAll(dir_a);
  std::vector<Event> b = ReadAll(dir_b);
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO("seq " << i + 1);
    a[i].recorded_at = b[i].recorded_at = 0;
    CHECK(a[i] == b[i]);
  }
}

// The events of the ticket imported from `case_id`, in version order.
std::vector<Event> Ticket(const std::vector<Event>& all, const std::string& case_id) {
  TicketId id{};
  for (const Event& e : all) {
    if (const auto* o = std::get_if<TicketOpened>(&e.payload); o && o->external_ref == case_id) {
      id = e.stream.ticket;
    }
  }
  std::vector<Event> out;
  for (const Event& e : all) {
    if (e.stream.is_ticket() && e.stream.ticket == id) out.push_back(e);
  }
  return out;
}

// One line per event: its type and the fields a mapping rule decides.
std::string Describe(const Event& e) {
  return std::visit(
      tl::Overloaded{
          [](const TicketOpened& p) {
            return fmt::format(
                "opened queue={} service={} category={} description={} "
                "requester={} channel={}",
                p.queue, p.service, CategoryName(p.category), p.description, p.requester,
                ChannelName(p.channel));
          },
          [](const Assigned& p) { return "assigned " + p.owner; },
          [](const Unassigned& p) { return "unassigned " + p.previous_owner; },
          [](const Moved& p) {
            return fmt::format("moved {} -> {}{}", p.from_queue, p.to_queue,
                               p.owner_cleared ? " (owner cleared)" : "");
          },
          [](const Stalled& p) {
            return fmt::format("stalled awaiting={} follow_up_at={}", p.awaiting, p.follow_up_at);
          },
          [](const Resumed&) { return std::string("resumed"); },
          [](const Resolved& p) { return "resolved solution=" + p.solution; },
          [](const Reopened& p) { return "reopened " + p.reason; },
          [](const Commented& p) { return "commented " + p.body; },
          [](const Updated& p) { return "updated description=" + p.description.value_or("-"); },
          [](const QueueDefined& p) {
            return fmt::format("queue_defined members={}", fmt::join(p.members, ","));
          },
          [](const ServiceDefined& p) { return "service_defined " + p.title; },
          [](const auto& p) { return std::string(EventTypeName(Payload(p))); },
      },
      e.payload);
}

std::vector<std::string> Describe(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const Event& e : events) out.push_back(Describe(e));
  return out;
}

TimeNs Utc(std::string_view text) { return *ParseRfc3339(text); }

// The real logs: TL_DATA_DIR, or the folder CMake was told about. Empty when absent.
std::string DataDir() {
  const char* env = std::getenv("TL_DATA_DIR");
  std::string dir = env != nullptr ? env : TL_SHARED_DATA_DIR;
  return fs::exists(fs::path(dir) / "bpic2013") ? dir : std::string();
}

// Records in a gzip file counted without the importer's readers: CSV lines after the header
// (the shipped CSVs have no line breaks inside fields), or XES <event> elements.
uint64_t CountSourceRows(const std::string& path, bool xes) {
  gzFile f = gzopen(path.c_str(), "rb");
  REQUIRE(f != nullptr);
  std::string carry;
  char buffer[1 << 16];
  uint64_t newlines = 0, events = 0;
  int n;
  while ((n = gzread(f, buffer, sizeof buffer)) > 0) {
    std::string_view chunk(buffer, static_cast<size_t>(n));
    newlines += std::count(chunk.begin(), chunk.end(), '\n');
    std::string text = carry + std::string(chunk);
    for (size_t pos = 0; (pos = text.find("<event>", pos)) != std::string::npos; pos += 7) {
      ++events;
    }
    carry = text.substr(text.size() > 6 ? text.size() - 6 : 0);
  }
  gzclose(f);
  return xes ? events : newlines - 1;
}

}  // namespace

TEST_CASE("bpic2013 slice: stall and resume, group change, reopen, duplicate, bad date",
          "[tools][import]") {
  TempDir dir;
  auto run = Import(dir.str(), "csv", "bpic2013", Slice("bpic2013_slice.csv"));
  json::object s = Summary(run);
  CHECK(N(s, "rows") == 17);
  CHECK(N(s, "imported") == 13);
  CHECK(N(s, "duplicates") == 1);
  CHECK(N(s, "skipped") == 3);
  CHECK(N(s, "failed") == 0);
  CHECK(s.at("balanced").as_bool());
  const json::object& reasons = s.at("skip_reasons").as_object();
  CHECK(N(reasons, "already resolved (not a second resolution)") == 1);
  CHECK(N(reasons, "unknown activity \"Accepted/Teleported\"") == 1);
  CHECK(N(reasons, "bad timestamp") == 1);
  CHECK(N(s, "reordered") == 1);
  CHECK(N(s, "cases") == 3);
  CHECK(N(s, "tickets_created") == 3);
  CHECK(N(s, "events_appended") == 19);
  CHECK(N(s, "queues_defined") == 2);
  CHECK(N(s, "services_defined") == 3);

  const std::vector<Event> all = ReadAll(dir.str());
  SECTION("services and queues are defined at their first use, queues with home members") {
    std::vector<std::string> reference;
    for (const Event& e : all) {
      if (!e.stream.is_ticket()) {
        reference.push_back(fmt::format("{} {} {}", FormatRfc3339(e.occurred_at),
                                        e.stream.ToString(), Describe(e)));
        CHECK(e.actor == "importer");
        CHECK(e.recorded_by == "importer");
      }
    }
    CHECK(reference == std::vector<std::string>{
                           "2012-03-01T09:00:00Z service/PROD2 service_defined PROD2",
                           "2012-03-01T09:00:00Z queue/G1 queue_defined members=Alice,Carl",
                           "2012-03-01T10:00:00Z queue/G2 queue_defined members=Bob",
                           "2012-04-01T07:00:00Z service/PROD3 service_defined PROD3",
                           "2012-05-02T07:00:00Z service/PROD1 service_defined PROD1",
                       });
    // Each comes right before the first event that names it.
    CHECK(Describe(all[2]).starts_with("opened queue=G1 service=PROD2"));
    CHECK(Describe(all[6]) == "moved G1 -> G2 (owner cleared)");
    CHECK(Describe(all[5]) == "queue_defined members=Bob");
  }
  SECTION("tickets are numbered in order of their opening in the source") {
    CHECK(Ticket(all, "C-MOVE").front().stream.ticket == TicketId{1});
    CHECK(Ticket(all, "C-BAD").front().stream.ticket == TicketId{2});
    CHECK(Ticket(all, "C-STALL").front().stream.ticket == TicketId{3});
  }
  SECTION("a wait for the user stalls without a follow-up date, and work resumes it") {
    const auto t = Ticket(all, "C-STALL");
    CHECK(Describe(t) == std::vector<std::string>{
                             "opened queue=G1 service=PROD1 category=incident description=Medium "
                             "requester= channel=email",
                             "assigned Alice",
                             "resumed",
                             "stalled awaiting=Wait - User follow_up_at=0",
                             "resumed",
                             "resolved solution=",
                         });
    // +02:00 in the source is UTC here; the closing row after the resolution added nothing.
    CHECK(t[0].occurred_at == Utc("2012-05-02T07:00:00Z"));
    CHECK(t[3].occurred_at == Utc("2012-05-02T08:00:00Z"));
    CHECK(t[5].occurred_at == Utc("2012-05-03T07:00:00Z"));
    CHECK(t[0].actor == "Alice");
    CHECK(t[0].recorded_by == "importer");
    CHECK(std::get<TicketOpened>(t[0].payload).external_ref == "C-STALL");
  }
  SECTION("a push to another group moves; work after completion reopens; a duplicate merges") {
    const auto t = Ticket(all, "C-MOVE");
    CHECK(Describe(t) == std::vector<std::string>{
                             "opened queue=G1 service=PROD2 category=incident description=High "
                             "requester= channel=email",
                             "assigned Carl",
                             "resumed",
                             "moved G1 -> G2 (owner cleared)",
                             "assigned Bob",
                             "resolved solution=",
                             "reopened activity after resolution: Accepted/In Progress",
                             "resolved solution=",
                         });
    CHECK(t[3].actor == "Carl");                             // who pushed it
    CHECK(t[3].occurred_at == Utc("2012-03-01T10:00:00Z"));  // +01:00 in the source
  }
  SECTION("rows out of order are put in time order; an owner outside the queue is recorded") {
    const auto t = Ticket(all, "C-BAD");
    CHECK(Describe(t) == std::vector<std::string>{
                             "opened queue=G2 service=PROD3 category=incident description=Low "
                             "requester= channel=email",
                             "assigned Bob",
                             "resumed",
                             "assigned Alice",  // Alice's home queue is G1
                             "stalled awaiting=Wait - Vendor follow_up_at=0",
                         });
    CHECK(t[0].actor == "Bob");
    CHECK(t[4].actor == "(unknown)");  // the source wrote "-"
  }
}

TEST_CASE("the rows not imported are listed with their reasons", "[tools][import]") {
  TempDir dir;
  auto run = Import(dir.str(), "csv", "bpic2013", Slice("bpic2013_slice.csv"),
                    {"--rejects", dir.Sub("rejects.csv")});
  Summary(run);
  std::ifstream in(dir.Sub("rejects.csv"));
  std::string text((std::istreambuf_iterator<char>(in)), {});
  CHECK(text ==
        "row,case,fate,reason\n"
        "5,C-STALL,skipped,already resolved (not a second resolution)\n"
        "11,C-MOVE,duplicate,same content as an earlier row\n"
        "15,C-BAD,skipped,\"unknown activity \"\"Accepted/Teleported\"\"\"\n"
        "16,C-BAD,skipped,bad timestamp\n");
}

TEST_CASE("the XES original and its CSV flattening import to the same events", "[tools][import]") {
  TempDir dir;
  Summary(Import(dir.Sub("xes"), "xes", "bpic2013", Slice("bpic2013_slice.xes")));
  Summary(Import(dir.Sub("csv"), "csv", "bpic2013", Slice("bpic2013_slice.csv")));
  CheckSameHistory(dir.Sub("xes"), dir.Sub("csv"));
  // Importing the other form into the same ledger appends nothing.
  json::object again =
      Summary(Import(dir.Sub("xes"), "csv", "bpic2013", Slice("bpic2013_slice.csv")));
  CHECK(N(again, "events_appended") == 0);
  CHECK(N(again, "events_existing") == 19);
  CHECK(N(again, "tickets_existing") == 3);
}

TEST_CASE("uci slice: snapshots become changes and leaking columns are not read",
          "[tools][import]") {
  TempDir dir;
  json::object s = Summary(Import(dir.str(), "csv", "uci-incident-log", Slice("uci_slice.csv")));
  CHECK(N(s, "rows") == 15);
  CHECK(N(s, "imported") == 11);
  CHECK(N(s, "skipped") == 4);
  const json::object& reasons = s.at("skip_reasons").as_object();
  CHECK(N(reasons, "already resolved (not a second resolution)") == 2);
  CHECK(N(reasons, "state -100 (not a state of the process)") == 1);
  CHECK(N(reasons, "bad timestamp") == 1);  // 31/2/2016
  CHECK(N(s, "reordered") == 1);
  CHECK(N(s, "tickets_created") == 2);

  const auto all = ReadAll(dir.str());
  const auto a = Ticket(all, "INC-A");
  CHECK(Describe(a) == std::vector<std::string>{
                           "opened queue=(no group) service=Category 55 category=incident "
                           "description=Subcategory 170, Symptom 72 requester=Caller 1 "
                           "channel=phone",
                           "moved (no group) -> Group 56",
                           "assigned Resolver 1",
                           "resumed",
                           "stalled awaiting=User Info follow_up_at=0",
                           "updated description=Subcategory 171, Symptom 72",
                           "resumed",
                           "moved Group 56 -> Group 57 (owner cleared)",
                           "assigned Resolver 2",
                           "resolved solution=",
                       });
  CHECK(a[0].actor == "Opened by  8");
  CHECK(a[0].occurred_at == Utc("2016-02-29T01:23:00Z"));
  CHECK(a[1].actor == "Updated by 642");
  CHECK(a[5].occurred_at == Utc("2016-03-01T09:05:00Z"));  // day-first, one-digit hour
  // The resolution is dated by its snapshot (11:20), not by resolved_at (11:29, a final value).
  CHECK(a[9].occurred_at == Utc("2016-03-01T11:20:00Z"));

  const auto b = Ticket(all, "INC-B");
  CHECK(Describe(b) == std::vector<std::string>{
                           "opened queue=Group 56 service=Category 40 category=incident "
                           "description=Subcategory 215, Symptom 471 requester=Caller 2 "
                           "channel=web",
                           "assigned Resolver 1",
                           "resumed",
                           "resolved solution=",
                           "reopened activity after resolution: Active",
                           "resolved solution=",
                       });
  CHECK(b[0].occurred_at == Utc("2016-03-02T09:00:00Z"));  // the New row came second in the file
}

TEST_CASE("helpdesk slice: steps without a status become comments and duplicates merge",
          "[tools][import]") {
  TempDir dir;
  json::object s = Summary(Import(dir.str(), "csv", "helpdesk", Slice("helpdesk_slice.csv")));
  CHECK(N(s, "rows") == 7);
  CHECK(N(s, "imported") == 5);
  CHECK(N(s, "duplicates") == 1);
  CHECK(N(s, "skipped") == 1);
  const auto all = ReadAll(dir.str());
  CHECK(Describe(Ticket(all, "Case1")) ==
        std::vector<std::string>{
            "opened queue=helpdesk service=(not recorded) category=support description= "
            "requester= channel=email",
            "commented Assign seriousness",
            "assigned Value 2",
            "resumed",
            "stalled awaiting=Wait (unspecified) follow_up_at=0",
            "resumed",
            "resolved solution=",
        });
  CHECK(Describe(all[1]) == "queue_defined members=Value 2");
}

TEST_CASE("re-running an import appends nothing and the chain verifies", "[tools][import]") {
  TempDir dir;
  Summary(Import(dir.str(), "csv", "uci-incident-log", Slice("uci_slice.csv")));
  const auto before = ReadAll(dir.str());
  json::object again =
      Summary(Import(dir.str(), "csv", "uci-incident-log", Slice("uci_slice.csv")));
  CHECK(N(again, "events_appended") == 0);
  CHECK(N(again, "queues_defined") == 0);
  CHECK(N(again, "services_defined") == 0);
  CHECK(N(again, "tickets_created") == 0);
  CHECK(N(again, "tickets_existing") == 2);
  CHECK(N(again, "imported") == 11);  // the rows are still accounted for as imported
  CHECK(ReadAll(dir.str()).size() == before.size());
  auto verify = RunCommand({TicketledgerBinary(), "verify", "--data", dir.str()});
  CHECK(verify.exit_code == 0);
}

TEST_CASE("an import cut short resumes by re-running it, to the same history", "[tools][import]") {
  TempDir dir;
  // Killed after the first 4 ticket requests (2 commits of 2) are durable.
  auto cut = Import(dir.Sub("cut"), "csv", "bpic2013", Slice("bpic2013_slice.csv"),
                    {"--chunk", "2", "--crash-after", "4"});
  REQUIRE(cut.exit_code == 137);
  const size_t durable = ReadAll(dir.Sub("cut")).size();
  CHECK(durable >= 4);
  CHECK(durable < 24);  // of 19 ticket events, 2 queues and 3 services
  json::object resumed =
      Summary(Import(dir.Sub("cut"), "csv", "bpic2013", Slice("bpic2013_slice.csv")));
  CHECK(N(resumed, "tickets_created") + N(resumed, "tickets_existing") == 3);
  CHECK(N(resumed, "tickets_existing") >= 1);
  CHECK(N(resumed, "events_appended") + N(resumed, "events_existing") == 19);
  CHECK(N(resumed, "events_existing") > 0);

  Summary(Import(dir.Sub("whole"), "csv", "bpic2013", Slice("bpic2013_slice.csv")));
  CheckSameHistory(dir.Sub("cut"), dir.Sub("whole"));
  CHECK(RunCommand({TicketledgerBinary(), "verify", "--data", dir.Sub("cut")}).exit_code == 0);
}

TEST_CASE("a mapping or input the importer cannot use writes nothing", "[tools][import]") {
  TempDir dir;
  SECTION("a mapping that reads a leaking column") {
    std::ifstream in(MappingFile("uci-incident-log"));
    std::string text((std::istreambuf_iterator<char>(in)), {});
    const std::string from = "\"owner\": \"assigned_to\"";
    text.replace(text.find(from), from.size(), "\"owner\": \"resolved_by\"");
    std::ofstream(dir.Sub("leaky.json")) << text;
    auto run = RunCommand({TicketledgerBinary(), "import", "--data", dir.Sub("ledger"), "--format",
                           "csv", "--mapping", dir.Sub("leaky.json"), Slice("uci_slice.csv")});
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains("leaking"));
  }
  SECTION("an input without the mapping's columns") {
    auto run = Import(dir.Sub("ledger"), "csv", "uci-incident-log", Slice("helpdesk_slice.csv"));
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains("no column \"number\""));
  }
  SECTION("a gzip input cut off in the middle") {
    std::ifstream in(Slice("uci_slice.csv"));
    std::string text((std::istreambuf_iterator<char>(in)), {});
    gzFile gz = gzopen(dir.Sub("whole.csv.gz").c_str(), "wb");
    REQUIRE(gz != nullptr);
    gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
    gzclose(gz);
    std::ifstream whole(dir.Sub("whole.csv.gz"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(whole)), {});
    std::ofstream(dir.Sub("cut.csv.gz"), std::ios::binary) << bytes.substr(0, bytes.size() - 20);
    auto run = Import(dir.Sub("ledger"), "csv", "uci-incident-log", dir.Sub("cut.csv.gz"));
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains("cut off"));
  }
  SECTION("CSV read as XES") {
    auto run = Import(dir.Sub("ledger"), "xes", "bpic2013", Slice("bpic2013_slice.csv"));
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains("XES line 1"));
  }
  CHECK_FALSE(fs::exists(dir.Sub("ledger")));
}

TEST_CASE("several sources in one run import as each does on its own", "[tools][import]") {
  TempDir dir;
  // No --format: it comes from each input's name.
  auto run = RunCommand({TicketledgerBinary(), "import", "--data", dir.Sub("one"), "--json",
                         "--no-progress", "--mapping", MappingFile("bpic2013"), "--mapping",
                         MappingFile("uci-incident-log"), "--mapping", MappingFile("helpdesk"),
                         Slice("bpic2013_slice.xes"), Slice("uci_slice.csv"),
                         Slice("helpdesk_slice.csv")});
  json::object all = Summary(run);
  const json::array& sources = all.at("sources").as_array();
  REQUIRE(sources.size() == 3);
  CHECK(sources[0].at("format") == "xes");
  CHECK(sources[1].at("source") == "uci-incident-log");
  int64_t rows = 0;
  for (const json::value& s : sources) rows += N(s.as_object(), "rows");
  CHECK(N(all, "rows") == rows);

  Summary(Import(dir.Sub("apart"), "xes", "bpic2013", Slice("bpic2013_slice.xes")));
  Summary(Import(dir.Sub("apart"), "csv", "uci-incident-log", Slice("uci_slice.csv")));
  Summary(Import(dir.Sub("apart"), "csv", "helpdesk", Slice("helpdesk_slice.csv")));
  CheckSameHistory(dir.Sub("one"), dir.Sub("apart"));
  for (size_t i = 0; i < sources.size(); ++i) {
    const json::object& s = sources[i].as_object();
    CHECK(N(s, "imported") + N(s, "duplicates") + N(s, "skipped") == N(s, "rows"));
  }
  CHECK(RunCommand({TicketledgerBinary(), "verify", "--data", dir.Sub("one")}).exit_code == 0);
}

TEST_CASE("a source that cannot be imported stops the run there", "[tools][import]") {
  TempDir dir;
  auto import = [&](std::vector<std::string> args) {
    std::vector<std::string> argv{TicketledgerBinary(), "import", "--data", dir.Sub("ledger"),
                                  "--no-progress"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  };
  SECTION("a mapping that cannot be used: checked before anything is appended") {
    std::ofstream(dir.Sub("broken.json")) << "{\"source\": ";
    auto run = import({"--mapping", MappingFile("helpdesk"), "--mapping", dir.Sub("broken.json"),
                       Slice("helpdesk_slice.csv"), Slice("uci_slice.csv")});
    CHECK(run.exit_code == 2);
    CHECK_FALSE(fs::exists(dir.Sub("ledger")));
  }
  SECTION("an input the mapping cannot read: the sources before it stay imported") {
    auto run =
        import({"--json", "--mapping", MappingFile("helpdesk"), "--mapping",
                MappingFile("uci-incident-log"), "--mapping", MappingFile("helpdesk"),
                Slice("helpdesk_slice.csv"), Slice("helpdesk_slice.csv"), Slice("uci_slice.csv")});
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains("no column \"number\""));
    CHECK_THAT(run.err, Catch::Contains("source 2 of 3"));
    json::object all = json::parse(run.out).as_object();
    REQUIRE(all.at("sources").as_array().size() == 1);  // the third was not imported
    // The ledger holds the first source, whole, exactly as a run of it alone makes it.
    json::object again = Summary(
        import({"--json", "--mapping", MappingFile("helpdesk"), Slice("helpdesk_slice.csv")}));
    CHECK(N(again, "events_appended") == 0);
    Summary(Import(dir.Sub("alone"), "csv", "helpdesk", Slice("helpdesk_slice.csv")));
    CheckSameHistory(dir.Sub("ledger"), dir.Sub("alone"));
  }
  SECTION("the inputs, mappings and formats must pair up") {
    auto run = import({"--mapping", MappingFile("helpdesk"), "--mapping", MappingFile("helpdesk"),
                       "--mapping", MappingFile("helpdesk"), Slice("helpdesk_slice.csv"),
                       Slice("helpdesk_slice.csv")});
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains("2 inputs need one --mapping, or one per input (got 3)"));
    run = import({"--mapping", MappingFile("helpdesk"), "--rejects", dir.Sub("r.csv"),
                  Slice("helpdesk_slice.csv"), Slice("helpdesk_slice.csv")});
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains("--rejects takes a single input"));
    CHECK_FALSE(fs::exists(dir.Sub("ledger")));
  }
}

TEST_CASE("each shipped mapping imports its full log, every row accounted for",
          "[tools][import][slow]") {
  const std::string data = DataDir();
  if (data.empty()) {
    WARN("skipped: the real logs are not at " TL_SHARED_DATA_DIR " (set TL_DATA_DIR)");
    return;
  }
  struct Log {
    std::string mapping, format, path;
    int64_t cases;
  };
  const std::vector<Log> logs = {
      {"bpic2013", "xes", data + "/bpic2013/bpi_challenge_2013_incidents.xes.gz", 7554},
      {"uci-incident-log", "csv", data + "/uci-incident-log/incident_event_log.csv.gz", 24918},
      {"helpdesk", "csv", data + "/helpdesk/helpdesk.csv.gz", 4580},
  };
  TempDir dir;
  int64_t events = 0;
  for (const Log& log : logs) {
    INFO(log.path);
    json::object s = Summary(Import(dir.str(), log.format, log.mapping, log.path));
    CHECK(N(s, "rows") == static_cast<int64_t>(CountSourceRows(log.path, log.format == "xes")));
    CHECK(N(s, "imported") + N(s, "duplicates") + N(s, "skipped") == N(s, "rows"));
    CHECK(N(s, "failed") == 0);
    CHECK(N(s, "cases") == log.cases);
    CHECK(N(s, "tickets_created") == log.cases);
    CHECK(N(s, "cases_without_ticket") == 0);
    events += N(s, "events_appended") + N(s, "queues_defined") + N(s, "services_defined");
  }
  auto verify = RunCommand({TicketledgerBinary(), "verify", "--data", dir.str(), "--json"});
  REQUIRE(verify.exit_code == 0);
  json::object v = json::parse(verify.out).as_object();
  CHECK(v.at("ok").as_bool());
  CHECK(N(v, "events") == events);

  // The three logs' scrape stays within bounds (docs/operations.md, "Cardinality"): 1,493
  // services and queues between them, folded to 20 of each, make a few thousand series.
  {
    auto log = tl::testing::OpenLog(dir.str());
    auto models = tl::projections::Projections::Open(*log, tl::projections::StandardModels(),
                                                     tl::projections::Options{}, false);
    REQUIRE(models.ok());
    std::string metrics;
    (*models)->WriteMetrics(&metrics);
    size_t series = 0;
    for (size_t at = 0; at < metrics.size(); at = metrics.find('\n', at) + 1) {
      if (metrics[at] != '#') ++series;
    }
    CHECK(series <= 5000);
    CHECK(metrics.size() <= 1'000'000);
    auto promtool = RunCommand({"/usr/bin/promtool", "check", "metrics"}, metrics);
    INFO(promtool.out << promtool.err);
    CHECK(promtool.exit_code == 0);
  }

  // The re-run of all three in one command (formats from the names) appends nothing.
  std::vector<std::string> again_argv{TicketledgerBinary(), "import", "--data", dir.str(), "--json",
                                      "--no-progress"};
  for (const Log& log : logs) {
    again_argv.insert(again_argv.end(), {"--mapping", MappingFile(log.mapping)});
  }
  for (const Log& log : logs) again_argv.push_back(log.path);
  json::object again_all = Summary(RunCommand(again_argv));
  const json::array& again = again_all.at("sources").as_array();
  REQUIRE(again.size() == logs.size());
  for (size_t i = 0; i < logs.size(); ++i) {
    INFO(logs[i].path);
    CHECK(N(again[i].as_object(), "events_appended") == 0);
    CHECK(N(again[i].as_object(), "tickets_existing") == logs[i].cases);
  }
  // The CSV flattening of bpic2013 is the same history as its XES original.
  json::object csv = Summary(
      Import(dir.str(), "csv", "bpic2013", data + "/bpic2013/bpi_challenge_2013_incidents.csv.gz"));
  CHECK(N(csv, "events_appended") == 0);
  CHECK(N(csv, "rows") == 65533);
  auto head = RunCommand({TicketledgerBinary(), "verify", "--data", dir.str(), "--json"});
  CHECK(json::parse(head.out).as_object().at("head") == v.at("head"));
}
