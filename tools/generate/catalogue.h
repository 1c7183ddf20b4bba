// The desk the synthetic history happens at: the services, the queues (teams) and their
// members, and the requesters, in the flavour of a national research and education network
// (docs/domain.md). Fixed data plus a few sizes derived from the volume asked for;
// it does not depend on the seed. Immutable after construction; safe to share.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tl::tools::generate {

struct ServiceSpec {
  std::string_view name;  // e.g. "Identitet_Feide"
  std::string_view title;
  std::string_view team;  // the second-line queue that handles its tickets
  double weight;          // relative share of inquiries
  // Share of its support inquiries the service centre answers itself (step 2 delegated to
  // 1st line); the rest is routed to `team`.
  double first_line_share;
  // Description keywords, most frequent first (drawn with Zipf-like weights).
  std::vector<std::string_view> keywords;
};

struct QueueSpec {
  std::string_view name;
  bool first_line = false;
  // Multiplies the team's working-time delays: < 1 a fast team, > 1 a slow one.
  double pace = 1.0;
  std::vector<std::string> members;  // members[0] leads the team (assigns work to others)
};

class Catalogue {
 public:
  // A desk sized for `inquiries_per_working_day`: the teams grow with the volume (in steps of
  // their core size) so that each agent's load stays plausible at benchmark volumes.
  explicit Catalogue(double inquiries_per_working_day);

  const std::vector<ServiceSpec>& services() const { return services_; }
  const std::vector<QueueSpec>& queues() const { return queues_; }
  // The first-line queue, Orakel.
  const QueueSpec& first_line() const { return queues_[0]; }
  static constexpr size_t kFirstLine = 0;
  // The index in queues() of the queue with this name; queues().size() when there is none.
  size_t QueueIndex(std::string_view name) const;
  // The index of the queue orders and terminations go to (sales and finance).
  size_t sales_queue() const { return QueueIndex("salg-okonomi"); }

  // The requester with this index: a stable e-mail address at a member institution.
  static std::string Requester(uint64_t index);

 private:
  std::vector<ServiceSpec> services_;
  std::vector<QueueSpec> queues_;
};

}  // namespace tl::tools::generate
