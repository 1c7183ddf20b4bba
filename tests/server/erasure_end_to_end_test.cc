// Erasure end to end, over the real server and the real tools (docs/api.md, "Personal data and
// erasure"; docs/privacy.md): markers planted in every personal field, through the API, through
// mail intake and through `ticketledger import`; the server restarted, so the read models'
// checkpoints are written; then
//  - before the erasure, no marker in any file of the log's database (everything under the data
//    directory but the key store), read raw and, for every table file, decompressed by RocksDB's
//    own sst_dump, with the log's tables uncompressed and compressed;
//  - after erasures by ticket and by requester, no marker and no byte of an erased ticket's key
//    in any file under the data directory, the key store included;
//  - and the history is whole: `verify` passes, Go's sumdb/tlog checks the inclusion of every
//    event of the erased tickets and the consistency of the trees before and after, the reports
//    keep their counts, and a replay from scratch gives the live server's reports and state.
// A positive control runs with each scan: a readable description keyword, planted the same way,
// must be found by the same scan, and the key of a kept ticket must still be in the key store.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ledger/privacy/key_store.h"
#include "ledger/privacy/master_key.h"
#include "ledger/tlog/checkpoint.h"
#include "projections/projections.h"
#include "tests/ledger/privacy/privacy_test_support.h"
#include "tests/server/api_support.h"
#include "tests/support/fixtures.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace tl::testing;
namespace fs = std::filesystem;
namespace scan = tl::privacy::testing;

// A string no file can hold by chance: what is searched for, and what it stands for.
struct Needle {
  std::string what;
  std::string bytes;
};

std::string RandomSuffix() {
  std::random_device random;
  std::ostringstream out;
  out << std::hex << random() << random();
  return out.str();
}

// Where a needle was found: the file (relative to the data directory), and how it was seen.
struct Finding {
  std::string needle;
  std::string file;
  std::string view;  // raw bytes or sst_dump's output, and a table's column family
};

std::string Describe(const std::vector<Finding>& findings) {
  std::string text;
  for (const Finding& f : findings)
    text += "  " + f.needle + " in " + f.file + " (" + f.view + ")\n";
  return text;
}

// Reads every regular file under `root` (but `keys/` when !with_key_store) for each needle: the
// raw bytes of every file (the WAL, MANIFEST, OPTIONS and uncompressed tables hold values as
// they are), and every table file decompressed by sst_dump, where the needle appears in hex.
std::vector<Finding> ScanFiles(const std::string& root, const std::vector<Needle>& needles,
                               bool with_key_store, const std::string& scratch) {
  const std::string sst_dump = TL_SST_DUMP;
  std::vector<Finding> findings;
  for (const auto& [name, content] : scan::ReadAllFiles(root)) {
    if (!with_key_store && name.rfind("keys/", 0) == 0) continue;
    std::string dumped, family;
    const bool table = fs::path(name).extension() == ".sst" && !sst_dump.empty();
    if (table) {
      const std::string path = (fs::path(root) / name).string();
      dumped = scan::DumpTable(sst_dump, path, scratch);
      family = scan::TableFamily(sst_dump, path, scratch);
    }
    for (const Needle& needle : needles) {
      if (content.find(needle.bytes) != std::string::npos) {
        findings.push_back(
            {needle.what, name, table ? "raw bytes, column family " + family : "raw bytes"});
      } else if (table && dumped.find(scan::Hex(needle.bytes)) != std::string::npos) {
        findings.push_back({needle.what, name, "sst_dump of column family " + family});
      }
    }
  }
  return findings;
}

// ScanFiles beside a running server, whose RocksDB may delete a file between the listing and
// the read: a scan that met a vanished file is taken again.
std::vector<Finding> ScanLiveFiles(const std::string& root, const std::vector<Needle>& needles,
                                   const std::string& scratch) {
  for (int attempt = 1;; ++attempt) {
    try {
      return ScanFiles(root, needles, true, scratch);
    } catch (const std::exception&) {
      if (attempt == 5) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

bool Found(const std::vector<Finding>& findings, const std::string& what) {
  for (const Finding& f : findings) {
    if (f.needle == what) return true;
  }
  return false;
}

// Every form in which a key may sit in a file: the key and its stored (wrapped) record, raw,
// in hex and in base64 (as tests/ledger/privacy/erasure_scan_test.cc searches the key store).
std::vector<Needle> KeyForms(const std::string& what, const std::string& key,
                             const std::string& record) {
  std::vector<Needle> forms;
  for (const auto& [name, bytes] :
       {std::pair<std::string, std::string>{"key", key}, {"wrapped key record", record}}) {
    forms.push_back({what + " " + name, bytes});
    forms.push_back({what + " " + name + " in hex", scan::Hex(bytes)});
    forms.push_back({what + " " + name + " in HEX", scan::Hex(bytes, /*upper=*/true)});
    forms.push_back({what + " " + name + " in base64", scan::Base64(bytes)});
    forms.push_back({what + " " + name + " in base64url", scan::Base64(bytes, true)});
  }
  return forms;
}

// A ledger with a marker in every personal field of several tickets, written through the
// importer, the API and mail intake, and a server restarted on it (checkpoints written).
class MarkedLedger {
 public:
  explicit MarkedLedger(const std::string& compression)
      : suffix_(RandomSuffix()), data_(dir_.Sub("data")), compression_(compression) {
    Import();
    ServerProcess::Options options;
    options.data_dir = data_;
    options.extra_args = {"--log-compression", compression,
                          "--mail-tag",        "Orakel",
                          "--mail-from",       "orakel@desk.example.org"};
    api_ = std::make_unique<Api>(options);
    by_ticket_ = PlantInEveryField("a", Marker("a-requester") + "@uni.no");
    by_requester_.push_back(PlantInEveryField("b", requester_b()));
    by_requester_.push_back(OpenTicket("c", requester_b()));
    by_requester_.push_back(OpenByMail("d", requester_b()));
    // Checkpoints are written at a graceful stop; the restart reads them, the next stop writes
    // them again (and flushes every memtable into table files, compressed as asked).
    REQUIRE(api_->server.Stop() == 0);
    api_->server.Start();
    REQUIRE(api_->server.Stop() == 0);
  }

  Api& api() { return *api_; }
  const std::string& data() const { return data_; }
  std::string scratch() const { return dir_.Sub("scratch"); }
  uint64_t by_ticket() const { return by_ticket_; }
  const std::vector<uint64_t>& by_requester() const { return by_requester_; }
  std::string requester_b() const { return Marker("b-requester") + "@uni.no"; }
  // The imported case INC-A's requester (the source's caller_id), erased by requester; INC-B's
  // is kept.
  std::string imported_erased() const { return Marker("imp-caller-1"); }
  std::string imported_kept() const { return Marker("imp-caller-2"); }
  const std::vector<Needle>& markers() const { return markers_; }
  // The readable control, planted in a description (keywords are not personal and not sealed).
  Needle control() const { return {"control keyword", "kwcontrol" + suffix_}; }

 private:
  std::string Marker(const std::string& field) const { return "mk-" + field + "-" + suffix_; }

  std::string Plant(const std::string& field) {
    for (const Needle& known : markers_) {
      if (known.what == field) return known.bytes;
    }
    markers_.push_back({field, Marker(field)});
    return markers_.back().bytes;
  }

  // tests/tools/data/uci_slice.csv with the caller_id column (the only source column the
  // uci-incident-log mapping makes a personal field: the requester) replaced by markers. The
  // other personal fields an import writes are not the source's data: a stall's "awaiting" is
  // the mapping's constant, a reopen's reason names the activity, and no mapping has text
  // columns for bodies or solutions (docs/import.md).
  void Import() {
    std::ifstream in(std::string(TL_SOURCE_DIR) + "/tests/tools/data/uci_slice.csv");
    std::ostringstream csv;
    std::string line;
    std::getline(in, line);
    csv << line << "\n";
    constexpr size_t kCallerColumn = 7;
    while (std::getline(in, line)) {
      std::vector<std::string> cells;
      std::stringstream row(line);
      for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
      REQUIRE(cells.size() > kCallerColumn);
      const std::string caller = cells[kCallerColumn];
      REQUIRE((caller == "Caller 1" || caller == "Caller 2"));
      cells[kCallerColumn] = Plant(caller == "Caller 1" ? "imp-caller-1" : "imp-caller-2");
      for (size_t i = 0; i < cells.size(); ++i) csv << (i ? "," : "") << cells[i];
      csv << "\n";
    }
    const std::string input = dir_.Sub("uci.csv");
    std::ofstream(input) << csv.str();
    auto run = RunCommand({TicketledgerBinary(), "import", "--data", data_, "--mapping",
                           std::string(TL_SOURCE_DIR) + "/mappings/uci-incident-log.json", input,
                           "--log-compression", compression_, "--no-progress"});
    INFO(run.out << run.err);
    REQUIRE(run.exit_code == 0);
  }

  json::object Body(const std::string& tag, const std::string& requester) {
    json::object body = Api::TicketBody();
    body["requester"] = requester;
    body["subject"] = Plant(tag + "-subject");
    body["description"] = "login, " + control().bytes;
    return body;
  }

  uint64_t OpenTicket(const std::string& tag, const std::string& requester) {
    auto r = api_->Client("olga").Post("/api/v1/tickets", Body(tag, requester));
    INFO(r.body);
    REQUIRE(r.status == 201);
    return r.Json().at("id").to_number<uint64_t>();
  }

  // A ticket with a marker in each personal field docs/api.md lists.
  uint64_t PlantInEveryField(const std::string& tag, const std::string& requester) {
    markers_.push_back({tag + "-requester", requester});
    const uint64_t id = OpenTicket(tag, requester);
    const std::string actions = "/api/v1/tickets/" + std::to_string(id) + "/actions";
    HttpClient olga = api_->Client("olga");
    for (const json::object& action : std::vector<json::object>{
             {{"type", "requester_message"}, {"body", Plant(tag + "-message")}},
             {{"type", "reply"}, {"body", Plant(tag + "-reply")}},
             {{"type", "comment"}, {"body", Plant(tag + "-comment")}},
             {{"type", "stall"},
              {"awaiting", Plant(tag + "-awaiting")},
              {"follow_up_at", "2030-01-01T00:00:00Z"}},
             {{"type", "open"}},
             {{"type", "update"},
              {"requester", Plant(tag + "-new-requester") + "@uni.no"},
              {"subject", Plant(tag + "-new-subject")}},
             {{"type", "update"}, {"requester", requester}},
             {{"type", "move"}, {"queue", "campus"}, {"reason", Plant(tag + "-move")}},
             {{"type", "resolve"}, {"solution", Plant(tag + "-solution")}},
             {{"type", "feedback_invited"}},
             {{"type", "feedback"}, {"score", 4}, {"comment", Plant(tag + "-feedback")}},
             {{"type", "reopen"}, {"reason", Plant(tag + "-reopen")}},
         }) {
      auto r = olga.Post(actions, action);
      INFO(json::serialize(action) << " -> " << r.body);
      REQUIRE(r.status == 201);
    }
    return id;
  }

  // A ticket opened by a mail of `from`, with markers in its subject and body.
  uint64_t OpenByMail(const std::string& tag, const std::string& from) {
    const std::string message = "From: Kari <" + from +
                                ">\r\n"
                                "To: orakel@desk.example.org\r\n"
                                "Subject: " +
                                Plant(tag + "-mail-subject") +
                                "\r\n"
                                "Message-ID: <" +
                                suffix_ +
                                "@uni.no>\r\n"
                                "Date: Mon, 3 Nov 2025 10:00:00 +0100\r\n"
                                "Content-Type: text/plain; charset=UTF-8\r\n\r\n" +
                                Plant(tag + "-mail-body") + "\r\n";
    auto r = api_->Client("mailgate")
                 .Send("POST", "/api/v1/mail/inbound?queue=Orakel", message,
                       {{"Content-Type", "message/rfc822"}});
    INFO(r.body);
    REQUIRE(r.status == 201);
    return r.Json().at("id").to_number<uint64_t>();
  }

  TempDir dir_;
  std::string suffix_;
  std::string data_;
  std::string compression_;
  std::unique_ptr<Api> api_;
  std::vector<Needle> markers_;
  uint64_t by_ticket_ = 0;
  std::vector<uint64_t> by_requester_;
};

// A ticket's data key and its stored record, read from the key store (server stopped).
struct KeyBytes {
  std::string key;
  std::string record;
};

std::map<uint64_t, KeyBytes> ReadKeys(const std::string& data, const std::set<uint64_t>& tickets) {
  auto master = tl::privacy::MasterKey::Load(data + "/master.key");
  REQUIRE(master.ok());
  auto store = tl::privacy::KeyStore::Open(data + "/keys", *master);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  std::map<uint64_t, KeyBytes> keys;
  for (uint64_t t : tickets) {
    auto lookup = (*store)->Get(t);
    REQUIRE(lookup.ok());
    REQUIRE(lookup->state == tl::privacy::KeyState::kLive);
    auto record = (*store)->StoredRecord(t);
    REQUIRE(record.ok());
    REQUIRE(record->has_value());
    keys[t] = KeyBytes{std::string(scan::AsChars(lookup->key.bytes())), **record};
  }
  return keys;
}

// The tickets an erasure answered.
std::set<uint64_t> Erase(Api& api, const json::object& body) {
  json::object request = body;
  request["reason"] = "request of 2026-12-05";
  auto r = api.Client("admin").Post("/api/v1/privacy/erasures", request);
  INFO(r.body);
  REQUIRE(r.status == 200);
  std::set<uint64_t> ids;
  const json::value answer = r.Json();
  for (const json::value& id : answer.at("erased_tickets").as_array()) {
    ids.insert(id.to_number<uint64_t>());
  }
  return ids;
}

// The ticket whose requester is `requester`, as GET /api/v1/tickets?requester= finds it.
uint64_t TicketOf(Api& api, const std::string& requester) {
  auto r = api.Client("olga").Get("/api/v1/tickets?requester=" + requester);
  REQUIRE(r.status == 200);
  const json::array tickets = r.Json().at("tickets").as_array();
  REQUIRE(tickets.size() == 1);
  return tickets[0].at("id").to_number<uint64_t>();
}

// Plants, scans the log's files, erases by ticket and by requester, scans every file.
void ScanBeforeAndAfterErasure(const std::string& compression) {
  MarkedLedger ledger(compression);
  std::vector<Needle> with_control = ledger.markers();
  with_control.push_back(ledger.control());

  // Before: nothing personal in the log's database (the key store holds keys, no text).
  {
    const auto findings = ScanFiles(ledger.data(), with_control, false, ledger.scratch());
    CHECK(Found(findings, ledger.control().what));  // the scan sees what is there
    std::vector<Finding> personal;
    for (const Finding& f : findings) {
      if (f.needle != ledger.control().what) personal.push_back(f);
    }
    INFO("compression " << compression << ": personal data in the log's files before erasure:\n"
                        << Describe(personal));
    CHECK(personal.empty());
  }

  Api& api = ledger.api();
  api.server.Start();
  const uint64_t imported = TicketOf(api, ledger.imported_erased());
  const uint64_t kept = TicketOf(api, ledger.imported_kept());
  std::set<uint64_t> erased = {ledger.by_ticket(), imported};
  erased.insert(ledger.by_requester().begin(), ledger.by_requester().end());
  REQUIRE(api.server.Stop() == 0);
  std::set<uint64_t> with_kept = erased;
  with_kept.insert(kept);
  const std::map<uint64_t, KeyBytes> keys = ReadKeys(ledger.data(), with_kept);

  api.server.Start();
  CHECK(Erase(api, {{"ticket", ledger.by_ticket()}}) == std::set<uint64_t>{ledger.by_ticket()});
  CHECK(Erase(api, {{"requester", ledger.requester_b()}}) ==
        std::set<uint64_t>(ledger.by_requester().begin(), ledger.by_requester().end()));
  CHECK(Erase(api, {{"requester", ledger.imported_erased()}}) == std::set<uint64_t>{imported});

  // After, the server still running: no marker and no byte of an erased key anywhere under the
  // data directory; then the same once it has stopped (its last checkpoints written).
  std::vector<Needle> needles = with_control;
  for (uint64_t t : erased) {
    for (Needle& form :
         KeyForms("ticket " + std::to_string(t), keys.at(t).key, keys.at(t).record)) {
      needles.push_back(std::move(form));
    }
  }
  const Needle kept_record{"kept ticket's record", keys.at(kept).record};
  needles.push_back(kept_record);
  for (const char* when : {"running", "stopped"}) {
    if (std::string(when) == "stopped") REQUIRE(api.server.Stop() == 0);
    const auto findings = std::string(when) == "running"
                              ? ScanLiveFiles(ledger.data(), needles, ledger.scratch())
                              : ScanFiles(ledger.data(), needles, true, ledger.scratch());
    CHECK(Found(findings, ledger.control().what));
    CHECK(Found(findings, kept_record.what));
    std::vector<Finding> left;
    for (const Finding& f : findings) {
      if (f.needle != ledger.control().what && f.needle != kept_record.what) left.push_back(f);
    }
    // The markers of the kept imported ticket are sealed, never in clear, so never found.
    INFO("compression " << compression << ", server " << when
                        << ": left under the data directory after erasure:\n"
                        << Describe(left));
    CHECK(left.empty());
  }
}

// --- The history after erasure ---

// The reports and lists the API serves, by the name `ticketledger replay --report` takes, with
// a fixed `now` where the report has one (the server's clock moves between two reads).
const std::vector<std::pair<std::string, std::string>> kReports = {
    {"volume", "group_by=service&category=all"},
    {"volume", "group_by=queue&interval=month"},
    {"response-times", "group_by=queue"},
    {"workload", "now=2029-06-01T00:00:00Z"},
    {"misroutes", ""},
    {"satisfaction", "group_by=queue"},
    {"compliance", "group_by=service"},
    {"dashboard", "now=2029-06-01T00:00:00Z"},
    {"followups", "now=2029-06-01T00:00:00Z"},
    {"feedback-pending", "now=2029-06-01T00:00:00Z"},
};

std::string ReportPath(const std::string& name, const std::string& query) {
  std::string path = "/api/v1/reports/" + name;
  if (name == "dashboard") path = "/api/v1/dashboard";
  if (name == "followups") path = "/api/v1/followups";
  if (name == "feedback-pending") path = "/api/v1/feedback/pending";
  return query.empty() ? path : path + "?" + query;
}

std::vector<std::string> LiveReports(Api& api) {
  std::vector<std::string> bodies;
  for (const auto& [name, query] : kReports) {
    auto r = api.Client("reader").Get(ReportPath(name, query));
    INFO(name << "?" << query << " -> " << r.body);
    REQUIRE(r.status == 200);
    bodies.push_back(r.body);
  }
  return bodies;
}

// A report's body with every personal field (and the erased mark) taken out: what must not
// change when a ticket is erased.
json::value WithoutPersonalFields(json::value v) {
  static const std::set<std::string> kPersonal = {"requester", "subject", "solution", "awaiting",
                                                  "comment",   "body",    "reason",   "erased"};
  if (v.is_object()) {
    json::object out;
    for (auto& [key, value] : v.as_object()) {
      if (!kPersonal.count(std::string(key))) out[key] = WithoutPersonalFields(value);
    }
    return out;
  }
  if (v.is_array()) {
    json::array out;
    for (auto& item : v.as_array()) out.push_back(WithoutPersonalFields(item));
    return out;
  }
  return v;
}

uint64_t Head(Api& api) {
  auto r = api.Client("auditor").Get("/api/v1/audit/verify");
  REQUIRE(r.status == 200);
  return r.Json().at("events").to_number<uint64_t>();
}

// Waits for the signed checkpoint to cover the head (the server signs within a second of
// growth; the deadline only bounds a broken server).
void WaitForCheckpoint(Api& api) {
  const uint64_t size = Head(api);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    auto r = api.Client("reader").Get("/api/v1/audit/checkpoint");
    if (r.status == 200) {
      auto body = tl::tlog::ParseCheckpoint(r.body.substr(0, r.body.find("\n\n") + 1));
      if (body.ok() && static_cast<uint64_t>(body->size) >= size) return;
    }
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// The seqs of every event of `ticket`.
std::vector<uint64_t> SeqsOf(Api& api, uint64_t ticket) {
  auto r = api.Client("auditor").Get("/api/v1/tickets/" + std::to_string(ticket) + "/history");
  REQUIRE(r.status == 200);
  std::vector<uint64_t> seqs;
  const json::value history = r.Json();
  for (const json::value& e : history.at("events").as_array()) {
    seqs.push_back(e.at("seq").to_number<uint64_t>());
  }
  return seqs;
}

// tests/interop/tlogcheck built with Go, or "" when Go or Debian's x/mod is not installed.
std::string BuildTlogcheck(const std::string& work) {
  const std::string go = "/usr/bin/go";
  if (!fs::exists(go) || !fs::exists("/usr/share/gocode/src/golang.org/x/mod/sumdb/tlog")) {
    return "";
  }
  const std::string checker = work + "/tlogcheck";
  CommandOutput built =
      RunCommand({"/usr/bin/env", "GOPATH=/usr/share/gocode", "GO111MODULE=off",
                  "GOCACHE=" + work + "/cache", go, "build", "-o", checker,
                  std::string(TL_SOURCE_DIR) + "/tests/interop/tlogcheck/main.go"});
  INFO(built.out << built.err);
  REQUIRE(built.exit_code == 0);
  return checker;
}

std::map<std::string, std::string> Digests(const json::value& replay) {
  std::map<std::string, std::string> digests;
  for (const auto& [name, digest] : replay.at("digests").as_object()) {
    digests[std::string(name)] = std::string(digest.as_string());
  }
  return digests;
}

}  // namespace

TEST_CASE("before erasure no personal data is in the log's files, after it none is anywhere",
          "[server][privacy][erasure][loopback]") {
  ScanBeforeAndAfterErasure("none");
}

TEST_CASE("the erasure scan holds with the log's tables compressed (zstd)",
          "[server][privacy][erasure][loopback]") {
  ScanBeforeAndAfterErasure("zstd");
}

TEST_CASE("after erasure the history verifies, proofs check in Go, reports keep their counts",
          "[server][privacy][erasure][loopback][interop]") {
  TempDir work;
  const std::string checker = BuildTlogcheck(work.str());
  MarkedLedger ledger("none");
  Api& api = ledger.api();
  api.server.Start();
  const std::vector<std::string> before = LiveReports(api);
  const std::string url = "http://127.0.0.1:" + std::to_string(api.server.port());
  const std::string state = work.Sub("tlog-state");
  auto check_proofs = [&](const std::string& seqs) {
    if (checker.empty()) return;
    WaitForCheckpoint(api);
    std::vector<std::string> argv = {
        checker, "-url", url, "-token", api.server.token("auditor"), "-n", "10", "-state", state};
    if (!seqs.empty()) argv.insert(argv.end(), {"-seqs", seqs});
    CommandOutput run = RunCommand(argv);
    INFO(run.out << run.err);
    CHECK(run.exit_code == 0);
  };
  check_proofs("");  // keeps the signed tree before the erasure in `state`

  std::set<uint64_t> erased = Erase(api, {{"ticket", ledger.by_ticket()}});
  for (uint64_t t : Erase(api, {{"requester", ledger.requester_b()}})) erased.insert(t);
  REQUIRE(erased.size() == 1 + ledger.by_requester().size());

  // Every event of the erased tickets (their sealed bytes unchanged, the erasure appended) is
  // in the signed tree, and the tree after the erasure extends the one before it.
  std::string seqs;
  for (uint64_t t : erased) {
    for (uint64_t seq : SeqsOf(api, t)) seqs += (seqs.empty() ? "" : ",") + std::to_string(seq);
  }
  check_proofs(seqs);
  if (checker.empty()) WARN("Go or Debian's golang-golang-x-mod-dev is not installed: no proofs");

  // The reports count the same: only personal fields may read differently.
  const std::vector<std::string> after = LiveReports(api);
  for (size_t i = 0; i < kReports.size(); ++i) {
    INFO(kReports[i].first << "?" << kReports[i].second << "\nbefore: " << before[i]
                           << "\nafter:  " << after[i]);
    CHECK(WithoutPersonalFields(json::parse(before[i])) ==
          WithoutPersonalFields(json::parse(after[i])));
  }
  REQUIRE(api.server.Stop() == 0);

  auto verify = RunCommand({TicketledgerBinary(), "verify", "--data", ledger.data()});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);

  // A replay from scratch answers every report as the live server did, byte for byte...
  std::vector<std::string> argv = {TicketledgerBinary(), "replay", "--data", ledger.data()};
  for (const auto& [name, query] : kReports) {
    argv.push_back("--report");
    argv.push_back(query.empty() ? name : name + "?" + query);
  }
  auto replayed = RunCommand(argv);
  INFO(replayed.err);
  REQUIRE(replayed.exit_code == 0);
  std::istringstream lines(replayed.out);
  for (size_t i = 0; i < kReports.size(); ++i) {
    std::string line;
    REQUIRE(std::getline(lines, line));
    INFO(kReports[i].first << "?" << kReports[i].second);
    CHECK(json::parse(line) == json::parse(after[i]));
  }
  // ...and its read models are those the live server checkpointed as it stopped.
  auto summary = RunCommand({TicketledgerBinary(), "replay", "--data", ledger.data(), "--json"});
  INFO(summary.err);
  REQUIRE(summary.exit_code == 0);
  const std::map<std::string, std::string> from_scratch = Digests(json::parse(summary.out));
  tl::ledger::LogOptions read_only;
  read_only.read_only = true;
  read_only.create_if_missing = false;
  auto log = OpenSealedLog(ledger.data(), read_only);
  tl::projections::Options from_checkpoints;
  from_checkpoints.use_checkpoints = true;
  auto live = tl::projections::Projections::Open(*log, tl::projections::StandardModels(),
                                                 from_checkpoints, /*attach=*/false);
  INFO(live.status().ToString());
  REQUIRE(live.ok());
  CHECK((*live)->applied_seq().value() == log->Head().seq.value());
  CHECK((*live)->StateDigests() == from_scratch);
}
