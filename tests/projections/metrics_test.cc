// The event-derived Prometheus families: known answers, escaping, and promtool's verdict.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "ledger/domain/ticket_rules.h"
#include "tests/support/desk.h"
#include "tests/support/subprocess.h"

using namespace tl::ledger;
using namespace tl::testing;

namespace {

constexpr TimeNs T = kMonday;

std::string Promtool() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const auto candidate = std::filesystem::path(dirs.substr(start, end - start)) / "promtool";
    if (std::filesystem::exists(candidate)) return candidate.string();
    start = end + 1;
  }
  return {};
}

}  // namespace

TEST_CASE("metrics observe first replies and resolutions at the event, with the labels then",
          "[projections][metrics]") {
  Desk desk;
  const TicketId t1 = desk.Open(SupportTicket("Orakel", "Identitet_Feide"), T);
  desk.Act(t1, Reply{"hi"}, T + 10 * kMinute);     // 600 s: the 900 s bucket
  desk.Act(t1, Reply{"again"}, T + 20 * kMinute);  // not a first reply
  desk.Act(t1, Resolve{"done"}, T + kHour);        // 3600 s: the 3600 s bucket (le is <=)
  OpenTicket incident = SupportTicket("campus", "Eduroam");
  incident.category = Category::kIncident;
  const TicketId t2 = desk.Open(incident, T);
  desk.Act(t2, Reply{"late"}, T + kDay + 1);  // just over a day: the 259200 s bucket
  desk.Open(SupportTicket("Orakel", "Identitet_Feide"), T + kHour);
  // A later move does not relabel what was observed.
  desk.Act(t2, Move{"drift", ""}, T + 2 * kDay);

  const std::string m = desk.Metrics();
  const std::string fr =
      R"(ticketledger_first_response_seconds_bucket{service="Identitet_Feide",queue="Orakel",category="support",)";
  CHECK_THAT(m, Catch::Contains(fr + R"(le="300"} 0)" + "\n" + fr + R"(le="900"} 1)"));
  CHECK_THAT(m, Catch::Contains(fr + R"(le="+Inf"} 1)"));
  CHECK_THAT(
      m,
      Catch::Contains(
          R"(ticketledger_first_response_seconds_sum{service="Identitet_Feide",queue="Orakel",category="support"} 600)"));
  const std::string late =
      R"(ticketledger_first_response_seconds_bucket{service="Eduroam",queue="campus",category="incident",)";
  CHECK_THAT(m, Catch::Contains(late + R"(le="86400"} 0)" + "\n" + late + R"(le="259200"} 1)"));
  CHECK_THAT(
      m,
      Catch::Contains(
          R"(ticketledger_first_response_seconds_sum{service="Eduroam",queue="campus",category="incident"} 86400)"));
  CHECK_THAT(
      m,
      Catch::Contains(
          R"(ticketledger_resolution_seconds_bucket{service="Identitet_Feide",queue="Orakel",category="support",le="3600"} 1)"));
  CHECK_THAT(
      m,
      Catch::Contains(
          R"(ticketledger_resolution_seconds_count{service="Identitet_Feide",queue="Orakel",category="support"} 1)"));
  // Open tickets by status; a series that went to zero is gone.
  CHECK_THAT(
      m,
      Catch::Contains(
          R"(ticketledger_tickets_open{service="Identitet_Feide",queue="Orakel",status="new"} 1)"));
  CHECK_THAT(
      m,
      !Catch::Contains(
          R"(ticketledger_tickets_open{service="Identitet_Feide",queue="Orakel",status="open"})"));
  CHECK_THAT(m,
             Catch::Contains(
                 R"(ticketledger_tickets_open{service="Eduroam",queue="drift",status="open"} 1)"));
  CHECK_THAT(m,
             !Catch::Contains(
                 R"(ticketledger_tickets_open{service="Eduroam",queue="campus",status="open"})"));
  CHECK_THAT(
      m,
      Catch::Contains(
          R"(ticketledger_tickets_created_total{service="Identitet_Feide",category="support"} 2)"));
  CHECK_THAT(m,
             Catch::Contains(
                 R"(ticketledger_tickets_created_total{service="Eduroam",category="incident"} 1)"));
  CHECK_THAT(m, Catch::Contains("ticketledger_events_total " +
                                std::to_string(desk.log().Head().seq.value()) + "\n"));
  CHECK_THAT(m, Catch::Contains("# TYPE ticketledger_first_response_seconds histogram\n"));
  CHECK_THAT(m, Catch::Contains("# TYPE ticketledger_tickets_open gauge\n"));
  CHECK_THAT(m, Catch::Contains("# TYPE ticketledger_tickets_created_total counter\n"));
  // No people or ticket ids as labels.
  CHECK_THAT(m, !Catch::Contains("olga"));
  CHECK_THAT(m, !Catch::Contains("requester"));
}

TEST_CASE(
    "promtool accepts the metrics, label values with quotes, backslashes and line feeds "
    "included",
    "[projections][metrics]") {
  const std::string promtool = Promtool();
  INFO("promtool is in Debian's prometheus package (scripts/setup --with-test-tools)");
  REQUIRE_FALSE(promtool.empty());
  auto check = [&](const std::string& text) {
    auto run = RunCommand({promtool, "check", "metrics"}, text);
    INFO(text);
    INFO(run.out << run.err);
    CHECK(run.exit_code == 0);
  };
  Desk desk;
  check(desk.Metrics());  // no tickets yet: the families' headers only

  const std::string odd = "Odd \"quoted\" \\ service\nline two";
  desk.DefineService(odd);
  const TicketId a = desk.Open(SupportTicket("Orakel", odd), T);
  desk.Act(a, Reply{"hi"}, T + 5 * kMinute);
  desk.Act(a, Stall{"logs", T + kDay}, T + 6 * kMinute);
  desk.Act(a, Resolve{"done"}, T + 8 * kDay);
  const TicketId b = desk.Open(SupportTicket("campus", "Eduroam"), T);
  desk.Act(b, Reply{"hi"}, T + 30 * kDay);
  const std::string m = desk.Metrics();
  CHECK_THAT(m, Catch::Contains(R"(service="Odd \"quoted\" \\ service\nline two")"));
  check(m);
}

TEST_CASE(
    "the service and queue labels keep their own values for the most frequent by tickets "
    "created, and sum the rest as other",
    "[projections][metrics]") {
  Desk desk;
  desk.DefineService("Zoom");
  desk.DefineService("Adobe");
  // Tickets created: services Identitet_Feide 3, Eduroam 2, Zoom 1, Adobe 1; queues Orakel 3,
  // campus 2, drift 2 (campus wins the tie by name).
  auto open = [&](const std::string& queue, const std::string& service) {
    const TicketId id = desk.Open(SupportTicket(queue, service), T);
    desk.Act(id, Reply{"hi"}, T + 10 * kMinute);  // one first response each, in the 900 s bucket
    return id;
  };
  for (int i = 0; i < 3; ++i) open("Orakel", "Identitet_Feide");
  open("campus", "Eduroam");
  open("drift", "Eduroam");
  open("campus", "Zoom");
  open("drift", "Adobe");

  const std::string top2 = desk.Metrics(2);
  INFO(top2);
  // Kept values keep their own series.
  CHECK_THAT(
      top2,
      Catch::Contains(
          R"(ticketledger_tickets_created_total{service="Identitet_Feide",category="support"} 3)"));
  CHECK_THAT(top2,
             Catch::Contains(
                 R"(ticketledger_tickets_created_total{service="Eduroam",category="support"} 2)"));
  // Zoom and Adobe are summed into `other`, and never appear by name.
  CHECK_THAT(top2,
             Catch::Contains(
                 R"(ticketledger_tickets_created_total{service="other",category="support"} 2)"));
  CHECK_THAT(top2, !Catch::Contains("Zoom"));
  CHECK_THAT(top2, !Catch::Contains("Adobe"));
  // The queue label: Orakel and campus kept, drift folded; histograms are summed bucket by
  // bucket (Eduroam's drift ticket and Adobe's meet as service=Eduroam/other, queue=other).
  CHECK_THAT(top2, !Catch::Contains(R"(queue="drift")"));
  CHECK_THAT(
      top2,
      Catch::Contains(
          R"(ticketledger_first_response_seconds_count{service="other",queue="campus",category="support"} 1)"));
  CHECK_THAT(
      top2,
      Catch::Contains(
          R"(ticketledger_first_response_seconds_bucket{service="other",queue="other",category="support",le="900"} 1)"));
  CHECK_THAT(
      top2,
      Catch::Contains(
          R"(ticketledger_tickets_open{service="Identitet_Feide",queue="Orakel",status="open"} 3)"));
  CHECK_THAT(top2,
             Catch::Contains(
                 R"(ticketledger_tickets_open{service="Eduroam",queue="other",status="open"} 1)"));

  // Totals are kept: the sum over every series of a family is the same at any bound.
  auto sum_of = [](const std::string& text, const std::string& prefix) {
    double sum = 0;
    size_t at = 0;
    while ((at = text.find("\n" + prefix, at)) != std::string::npos) {
      const size_t end = text.find('\n', at + 1);
      const std::string line = text.substr(at + 1, end - at - 1);
      sum += std::stod(line.substr(line.rfind(' ') + 1));
      at = end;
    }
    return sum;
  };
  const std::string all = desk.Metrics(100);
  CHECK_THAT(all, Catch::Contains(R"(queue="drift")"));
  CHECK_THAT(all, Catch::Contains(R"(service="Adobe")"));
  CHECK_THAT(all, !Catch::Contains(R"("other")"));
  for (const std::string family :
       {"ticketledger_tickets_created_total{", "ticketledger_tickets_open{",
        "ticketledger_first_response_seconds_count{", "ticketledger_first_response_seconds_sum{"}) {
    CAPTURE(family);
    CHECK(sum_of(top2, family) == sum_of(all, family));
    CHECK(sum_of(all, family) > 0);
  }

  // The counts that rank the values survive a restart through the checkpoint.
  desk.Restart(true);
  CHECK(desk.Metrics(2) == top2);
}
