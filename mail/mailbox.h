// Mailbox: one address of a mail, the value type inbound and outbound mail share.
#pragma once

#include <string>

namespace tl::mail {

struct Mailbox {
  // The addr-spec ("ola.nordmann@example.no"), without angle brackets. In a parsed message its
  // domain is lower-cased (the local part is kept: RFC 5321 lets it be case-sensitive).
  std::string address;
  // The display name as UTF-8 ("Ola Nordmann"); "" when there is none.
  std::string display_name;

  bool operator==(const Mailbox&) const = default;
};

}  // namespace tl::mail
