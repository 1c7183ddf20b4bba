// /feedback/<token>: the page a feedback invitation links to (docs/api.md, "Mail";
// docs/mail.md, "The feedback link"). Small HTML, no script, usable with a keyboard and a
// screen reader: a fieldset of five labelled radio buttons and a labelled comment box. The
// signed token (app/feedback_links.h) names the ticket and the resolution; a POST appends
// `feedback_received` with the role `requester` as actor, through the command path, once: its event
// id is derived from the resolution, so a second POST (or a double click) is a replay, answered
// with the "already recorded" page.
#include <fmt/format.h>

#include <chrono>

#include "ledger/domain/personal_fields.h"
#include "server/handlers.h"
#include "server/json_input.h"

namespace tl::server {
namespace {

std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

Response Page(int status, std::string_view title, const std::string& body_html) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = fmt::format(
      "<!doctype html>\n<html lang=\"nb\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{0}</title>\n<style>body{{font:1.1rem/1.5 sans-serif;max-width:36rem;"
      "margin:2rem auto;padding:0 1rem}}fieldset{{border:1px solid #777}}label{{margin-right:"
      "1rem}}textarea{{width:100%}}button{{font-size:1.1rem;padding:.4rem 1.2rem}}</style>\n"
      "</head>\n<body>\n<main>\n<h1>{0}</h1>\n{1}</main>\n</body>\n</html>\n",
      Escape(title), body_html);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response NotValid(std::string_view why) {
  return Page(404, "Lenken er ikke gyldig / The link is not valid",
              fmt::format("<p>{}</p>\n", Escape(why)));
}

Response AlreadyRecorded(ledger::TicketId ticket) {
  return Page(200, "Allerede registrert / Already recorded",
              fmt::format("<p>Takk! Tilbakemeldingen din på sak {0} er allerede registrert.</p>\n"
                          "<p>Thank you! Your feedback on ticket {0} is already recorded.</p>\n",
                          ticket.value()));
}

Response Form(ledger::TicketId ticket, const std::string& subject, std::string_view error) {
  std::string html;
  if (!error.empty())
    html += fmt::format("<p role=\"alert\"><strong>{}</strong></p>\n", Escape(error));
  html += fmt::format(
      "<p>Sak {0}: {1}</p>\n<form method=\"post\">\n<fieldset>\n"
      "<legend>Hvor fornøyd er du? / How satisfied are you? (1 = lite / not at all, "
      "5 = svært / very)</legend>\n",
      ticket.value(), Escape(subject));
  for (int score = 1; score <= 5; ++score) {
    html += fmt::format(
        "<label><input type=\"radio\" name=\"score\" value=\"{0}\" required> {0}</label>\n", score);
  }
  html +=
      "</fieldset>\n<p><label for=\"comment\">Kommentar / Comment</label><br>\n"
      "<textarea id=\"comment\" name=\"comment\" rows=\"5\" maxlength=\"4000\"></textarea></p>\n"
      "<p><button type=\"submit\">Send</button></p>\n</form>\n";
  return Page(error.empty() ? 200 : 422, "Tilbakemelding / Feedback", html);
}

// The ticket a valid link names: its state and its texts (read from the log, as the read models
// keep none: projections/ticket_texts.h).
struct LinkedTicket {
  ledger::TicketState state;
  ledger::TicketTexts texts;
};

// The ticket a valid link names, or the page that says why there is none.
std::variant<LinkedTicket, Response> Resolve(const Request& req, FeedbackPages& pages,
                                             app::FeedbackClaim* claim) {
  if (!pages.links || !pages.read_models) return NotValid("Feedback is not configured.");
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  auto verified = pages.links->Verify(PathParam(req, "token"), now);
  if (!verified.ok()) return NotValid(std::string(verified.status().message()));
  *claim = *verified;
  auto ticket = pages.read_models->LoadTicket(claim->ticket);
  if (!ticket.ok() || !ticket->exists()) return NotValid("The ticket does not exist.");
  if (ticket->feedback) return AlreadyRecorded(claim->ticket);
  if (ticket->status != ledger::TicketStatus::kResolved ||
      ticket->last_resolved_at != claim->resolved_at) {
    return NotValid("Saken er gjenåpnet / The ticket was reopened since this link was sent.");
  }
  auto texts = pages.read_models->TextsOf(*ticket);
  if (!texts.ok()) return NotValid("The ticket cannot be read now.");
  return LinkedTicket{std::move(ticket).value(), std::move(texts).value()};
}

}  // namespace

Response GetFeedbackPage(const Request& req, FeedbackPages& pages) {
  app::FeedbackClaim claim;
  auto resolved = Resolve(req, pages, &claim);
  if (auto* page = std::get_if<Response>(&resolved)) return std::move(*page);
  const auto& ticket = std::get<LinkedTicket>(resolved);
  return Form(claim.ticket, ticket.texts.subject, "");
}

std::optional<Response> PostFeedbackPage(const Request& req, FeedbackPages& pages, Later later) {
  app::FeedbackClaim claim;
  auto resolved = Resolve(req, pages, &claim);
  if (auto* page = std::get_if<Response>(&resolved)) return std::move(*page);
  const auto& ticket = std::get<LinkedTicket>(resolved);
  std::string ignored_path;
  QueryParams form;
  if (!ParseTarget("/?" + req.body, &ignored_path, &form).ok()) {
    return Form(claim.ticket, ticket.texts.subject,
                "Skjemaet kunne ikke leses / The form was garbled.");
  }
  ledger::GiveFeedback feedback;
  if (auto score = form.find("score"); score != form.end()) {
    if (score->second.size() == 1 && score->second[0] >= '1' && score->second[0] <= '5') {
      feedback.score = score->second[0] - '0';
    }
  }
  if (!feedback.score) {
    return Form(claim.ticket, ticket.texts.subject,
                "Velg en verdi fra 1 til 5 / Choose a score from 1 to 5.");
  }
  if (auto comment = form.find("comment"); comment != form.end()) {
    feedback.comment = comment->second.substr(0, 4000);
  }
  app::CommandMeta meta;
  meta.actor = std::string(ledger::kRequesterActor);  // never an address: docs/api.md
  meta.recorded_by = "feedback-link";
  meta.event_id = ledger::EventId::FromName(
      "feedback", fmt::format("{}.{}", claim.ticket.value(), claim.resolved_at));
  const ledger::TicketId id = claim.ticket;
  pages.commands->ActAsync(
      id, std::move(feedback), std::move(meta),
      [later = std::move(later), id](Result<app::CommandResult> r) {
        // A replay, or another answer through the same link (an idempotency conflict): once.
        if ((r.ok() && r->replayed) ||
            (!r.ok() && r.status().reason() == reason::kIdempotencyConflict)) {
          return later(AlreadyRecorded(id));
        }
        if (!r.ok()) {
          return later(Page(503, "Prøv igjen / Please try again",
                            fmt::format("<p>{}</p>\n", Escape(r.status().message()))));
        }
        later(Page(200, "Takk! / Thank you!",
                   fmt::format("<p>Tilbakemeldingen din på sak {0} er registrert.</p>\n"
                               "<p>Your feedback on ticket {0} is recorded.</p>\n",
                               id.value())));
      });
  return std::nullopt;
}

}  // namespace tl::server
