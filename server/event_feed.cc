#include "server/event_feed.h"

#include <algorithm>
#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>
#include <memory>

#include "server/event_json.h"

namespace tl::server {

namespace {

// Where a feed's body stands between two pieces.
struct FeedCursor {
  const ledger::EventLog& log;
  std::vector<ledger::StoredEvent> page;  // the next page, when already read (the first)
  ledger::Seq after;                      // the last seq given
  size_t left;                            // events still to give at most
  bool opened = false, any = false, done = false;

  Result<std::optional<std::string>> Next() {
    if (done) return std::optional<std::string>();
    const size_t asked = std::min(left, kFeedPage);
    if (opened) {
      TL_ASSIGN_OR_RETURN(page, log.Read(after, asked));
    }
    std::string piece;
    if (!opened) piece = "{\"events\":[";
    opened = true;
    // Serialized straight into the piece, through one serializer (no string per event).
    boost::json::serializer serializer;
    char buffer[4096];
    for (const ledger::StoredEvent& e : page) {
      if (any) piece += ',';
      const boost::json::value event = EventToJson(e);
      serializer.reset(&event);
      while (!serializer.done()) piece += serializer.read(buffer, sizeof buffer);
      any = true;
    }
    // A page shorter than asked reached the head: the feed ends there, as a whole answer would.
    const size_t given = std::min(page.size(), left);
    left -= given;
    if (!page.empty()) after = page.back().event.seq;
    if (left == 0 || page.size() < asked) {
      piece += "]}";
      done = true;
    }
    page.clear();
    page.shrink_to_fit();  // a connection that waits for its client holds only the text
    return std::optional<std::string>(std::move(piece));
  }
};

}  // namespace

BodySource EventFeedBody(const ledger::EventLog& log, ledger::Seq after,
                         std::vector<ledger::StoredEvent> first_page, size_t limit) {
  auto cursor = std::make_shared<FeedCursor>(FeedCursor{log, std::move(first_page), after, limit});
  return [cursor] { return cursor->Next(); };
}

}  // namespace tl::server
