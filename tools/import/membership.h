// Membership: who belongs to which queue, for sources that keep no membership lists.
//
// The rule (docs/import.md): a person is a member of their *home queue*, the queue in which the
// source shows them owning tickets most often (ties: the queue name first in code-point order).
// People who never own a ticket are members of no queue. Members a queue already has in the
// ledger stay members. So "owner in the queue" in the compliance report reads "owned by
// someone whose main team is this queue"; a shared specialist counts outside the teams they
// help. Ownership is observed once per row that names an owner, in the queue the ticket is in
// after that row.
//
// Thread-compatible; built once before translating, then only read.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tools/import/mapping.h"
#include "tools/import/source_row.h"

namespace tl::tools::import {

class Membership {
 public:
  // A queue as the ledger already defines it; before or after Derive, alike.
  void AddExisting(const std::string& queue, const std::set<std::string>& members);
  // One row where `person` owns a ticket in `queue`.
  void Observe(std::string_view person, std::string_view queue);
  // Chooses each observed person's home queue. Call once, after the last Observe.
  void Derive();

  bool IsMember(std::string_view queue, std::string_view person) const;
  // The existing and derived members of `queue`, sorted.
  std::vector<std::string> Members(std::string_view queue) const;
  const std::set<std::string>* Existing(std::string_view queue) const;

 private:
  std::map<std::string, std::map<std::string, uint64_t, std::less<>>, std::less<>>
      counts_;                                                                      // person->queue
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> members_;  // queue->
  std::map<std::string, std::set<std::string>, std::less<>> existing_;
};

// Observes every row of every case (each case's rows in time order, readable and not
// duplicates), following each case's queue as the rows move it, then derives.
void DeriveMembership(const Mapping& mapping, const SourceRows& rows,
                      const std::vector<std::vector<uint32_t>>& cases, Membership& membership);

}  // namespace tl::tools::import
