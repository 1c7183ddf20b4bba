// The pure parts of the mail loop in app/: the Message-IDs the ledger makes (and recognises in
// replies) and the signed feedback links.
#include <catch2/catch.hpp>

#include "app/feedback_links.h"
#include "app/mail_ids.h"

using namespace tl::app;
using tl::ledger::Seq;
using tl::ledger::TicketId;

TEST_CASE("the ledger's Message-IDs name their ticket, and only ours are recognised", "[mail]") {
  const std::string id = OutboundMessageId(TicketId{42}, Seq{1234}, "desk.example.org");
  CHECK(id == "tl.42.1234@desk.example.org");
  CHECK(TicketOfOutboundMessageId(id, "desk.example.org") == TicketId{42});
  CHECK(TicketOfOutboundMessageId("tl.42.1234@DESK.Example.ORG", "desk.example.org") ==
        TicketId{42});
  for (const char* other :
       {"tl.42.1234@other.example.org", "tl.42@desk.example.org", "tl.0.5@desk.example.org",
        "tl.42.x@desk.example.org", "xx.42.1234@desk.example.org", "tl.42.1234",
        "tl.042.1234@desk.example.org", "tl.99999999999999999999.1@desk.example.org"}) {
    INFO(other);
    CHECK_FALSE(TicketOfOutboundMessageId(other, "desk.example.org"));
  }
  MailSettings settings;
  settings.from_address = "orakel@desk.example.org";
  CHECK(settings.MessageIdDomain() == "desk.example.org");
  settings.message_id_domain = "mail.example.org";
  CHECK(settings.MessageIdDomain() == "mail.example.org");
  CHECK(MailSettings{}.MessageIdDomain() == "localhost");
}

TEST_CASE("a feedback link verifies only unchanged, unexpired and under its own key", "[mail]") {
  const FeedbackLinks links = FeedbackLinks::WithKey(std::string(64, 'a'));
  const FeedbackClaim claim{TicketId{7}, 1767603600000000123, 2000000000};
  const std::string token = links.Token(claim);
  auto verified = links.Verify(token, 1900000000);
  REQUIRE(verified.ok());
  CHECK(verified->ticket == TicketId{7});
  CHECK(verified->resolved_at == claim.resolved_at);
  CHECK(verified->expires == claim.expires);

  CHECK_FALSE(links.Verify(token, 2000000001).ok());  // expired
  CHECK_FALSE(FeedbackLinks::WithKey(std::string(64, 'b')).Verify(token, 0).ok());
  std::string other_ticket = token;
  other_ticket[0] = '8';
  CHECK_FALSE(links.Verify(other_ticket, 0).ok());
  for (const char* junk : {"", ".", "7", "7.1.2", "7.1.2.zz", "a.b.c.d"}) {
    INFO(junk);
    CHECK_FALSE(links.Verify(junk, 0).ok());
  }
}
