#include "tools/import/membership.h"

#include "tools/import/row_rules.h"

namespace tl::tools::import {

void Membership::AddExisting(const std::string& queue, const std::set<std::string>& members) {
  existing_[queue] = members;
  members_[queue].insert(members.begin(), members.end());
}

void Membership::Observe(std::string_view person, std::string_view queue) {
  auto it = counts_.find(person);
  if (it == counts_.end()) it = counts_.try_emplace(std::string(person)).first;
  auto q = it->second.find(queue);
  if (q == it->second.end()) {
    it->second.emplace(std::string(queue), 1);
  } else {
    ++q->second;
  }
}

void Membership::Derive() {
  for (const auto& [person, by_queue] : counts_) {
    const std::string* home = nullptr;
    uint64_t best = 0;
    for (const auto& [queue, n] : by_queue) {  // in name order: the first of equals wins
      if (n > best) {
        best = n;
        home = &queue;
      }
    }
    if (home != nullptr) members_[*home].insert(person);
  }
}

bool Membership::IsMember(std::string_view queue, std::string_view person) const {
  auto it = members_.find(queue);
  return it != members_.end() && it->second.find(person) != it->second.end();
}

std::vector<std::string> Membership::Members(std::string_view queue) const {
  auto it = members_.find(queue);
  if (it == members_.end()) return {};
  return std::vector<std::string>(it->second.begin(), it->second.end());
}

const std::set<std::string>* Membership::Existing(std::string_view queue) const {
  auto it = existing_.find(queue);
  return it == existing_.end() ? nullptr : &it->second;
}

void DeriveMembership(const Mapping& mapping, const SourceRows& rows,
                      const std::vector<std::vector<uint32_t>>& cases, Membership& membership) {
  for (const auto& case_rows : cases) {
    std::string_view queue;
    bool opened = false;
    for (uint32_t index : case_rows) {
      const SourceRow& row = rows[index];
      const ActivityRule* rule = FindRule(mapping, row);
      if (rule == nullptr || !rule->skip.empty()) continue;
      if (!opened) {
        queue = OrDefault(row.queue, mapping.queue);  // as the translator opens the ticket
        opened = true;
      }
      if (std::string_view q = RowQueue(*rule, row); !q.empty()) queue = q;
      if (auto owner = RowOwner(*rule, row); owner && !owner->empty()) {
        membership.Observe(*owner, queue);
      }
    }
  }
  membership.Derive();
}

}  // namespace tl::tools::import
