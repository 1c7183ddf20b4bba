#include "tools/generate/texts.h"

#include <fmt/format.h>

#include <array>

namespace tl::tools::generate {
namespace {

template <size_t N>
std::string_view One(Rng& rng, const std::array<std::string_view, N>& options) {
  return options[rng.Below(N)];
}

}  // namespace

std::string Subject(Rng& rng, std::string_view keyword) {
  static constexpr std::array<std::string_view, 6> kTemplates = {
      "Problem med {}", "Spørsmål om {}",    "{} fungerer ikke",
      "Hjelp med {}",   "Question about {}", "Henvendelse: {}"};
  std::string subject = fmt::format(fmt::runtime(One(rng, kTemplates)), keyword);
  if (subject[0] >= 'a' && subject[0] <= 'z')
    subject[0] = static_cast<char>(subject[0] - 'a' + 'A');
  return subject;
}

std::string FirstReply(Rng& rng, std::string_view keyword) {
  static constexpr std::array<std::string_view, 4> kTemplates = {
      "Hei! Takk for henvendelsen om {}. Vi ser på saken og kommer tilbake til deg.",
      "Hei! Kan du beskrive nærmere hva som skjer med {}? Når oppstod det første gang?",
      "Hei! Vi har sett på {}. Kan du prøve på nytt og si fra om det fortsatt feiler?",
      "Hei! Saken om {} er tatt. Vi undersøker loggene våre."};
  return fmt::format(fmt::runtime(One(rng, kTemplates)), keyword);
}

std::string FollowUpReply(Rng& rng, std::string_view keyword) {
  static constexpr std::array<std::string_view, 4> kTemplates = {
      "Takk for informasjonen. Vi har justert {} hos oss; gi beskjed om det hjelper.",
      "Vi trenger litt mer: hvilken klient og versjon bruker dere for {}?",
      "Vi har eskalert {} internt og kommer tilbake med svar.",
      "Takk! Vi ser nå feilen med {} i loggene og jobber med den."};
  return fmt::format(fmt::runtime(One(rng, kTemplates)), keyword);
}

std::string FinalReply(Rng& rng, std::string_view keyword) {
  static constexpr std::array<std::string_view, 4> kTemplates = {
      "Hei! {} skal nå fungere som forventet. Svar på denne e-posten om noe er uklart.",
      "Hei! Her er svaret på spørsmålet om {}; se også brukerveiledningen på nettsidene våre.",
      "Hei! Endringen for {} er gjort. Vi lukker saken, men den åpnes igjen om du svarer.",
      "Hei! Vi har rettet feilen med {}. Takk for at du meldte fra."};
  return fmt::format(fmt::runtime(One(rng, kTemplates)), keyword);
}

std::string ReminderReply(Rng& rng) {
  static constexpr std::array<std::string_view, 2> kOptions = {
      "Hei! Vi har ikke hørt fra deg. Har du fått sett på det vi spurte om?",
      "Påminnelse: vi venter fortsatt på informasjon fra deg for å komme videre."};
  return std::string(One(rng, kOptions));
}

std::string ClosingReply() {
  return "Hei! Vi har ikke hørt fra deg og lukker saken. Svar på denne e-posten for å åpne den "
         "igjen.";
}

std::string RequesterMessage(Rng& rng, std::string_view keyword) {
  static constexpr std::array<std::string_view, 5> kTemplates = {
      "Her er informasjonen dere ba om angående {}.",
      "Vi har prøvd igjen, men {} feiler fortsatt. Skjermbilde vedlagt.",
      "Takk, men jeg forstår ikke helt svaret om {}. Kan dere utdype?",
      "Loggene for {} er vedlagt.", "Hei, noe nytt i saken om {}?"};
  return fmt::format(fmt::runtime(One(rng, kTemplates)), keyword);
}

std::string ReopenMessage(Rng& rng) {
  static constexpr std::array<std::string_view, 3> kOptions = {
      "Dessverre fungerer det fortsatt ikke hos oss.", "Problemet er tilbake etter helgen.",
      "Løsningen hjalp for noen brukere, men ikke alle."};
  return std::string(One(rng, kOptions));
}

std::string InternalComment(Rng& rng, std::string_view keyword) {
  static constexpr std::array<std::string_view, 4> kTemplates = {
      "Checked the logs for {}; nothing obvious yet.",
      "Similar to an earlier case about {}; see the knowledge base.",
      "Asked a colleague about {}; waiting for input.",
      "Reproduced the {} issue in the test environment."};
  return fmt::format(fmt::runtime(One(rng, kTemplates)), keyword);
}

std::string Awaiting(Rng& rng, std::string_view keyword) {
  static constexpr std::array<std::string_view, 5> kTemplates = {
      "logs from the requester ({})", "a screenshot of the {} error",
      "confirmation that {} works after the change",
      "approval from the institution's IT manager ({})", "the requester's test of {}"};
  return fmt::format(fmt::runtime(One(rng, kTemplates)), keyword);
}

std::string AwaitingChange(uint64_t child) {
  return fmt::format("delivery of change ticket #{}", child);
}

std::string Solution(Rng& rng, std::string_view keyword, std::string_view service) {
  static constexpr std::array<std::string_view, 6> kTemplates = {
      "Explained how {0} works in {1} and linked the user guide.",
      "Corrected the {0} configuration for the institution in {1}.",
      "{1}: {0} fault on our side fixed; the requester confirmed it works.",
      "Reset {0} for the user; advised on the self-service page of {1}.",
      "Answered the question about {0}; suggested a FAQ entry for {1}.",
      "{1}: {0} worked as designed; explained the limitation and the workaround."};
  return fmt::format(fmt::runtime(One(rng, kTemplates)), keyword, service);
}

std::string NoAnswerSolution() {
  return "No answer from the requester after the follow-up; closed. Reopens on reply.";
}

std::string ChangeSolution(Rng& rng, std::string_view keyword) {
  static constexpr std::array<std::string_view, 3> kTemplates = {
      "Change carried out: {} updated and verified.",
      "Change carried out in the maintenance window: {}; no impact observed.",
      "Change carried out: {} delivered; documentation updated."};
  return fmt::format(fmt::runtime(One(rng, kTemplates)), keyword);
}

std::string ChangePlan(Rng& rng) {
  static constexpr std::array<std::string_view, 3> kOptions = {
      "Approved by the change board; planned for the next maintenance window.",
      "Change planned; the customer is informed about the time.",
      "Standard change; doing it this week."};
  return std::string(One(rng, kOptions));
}

std::string ReopenReason(Rng& rng) {
  static constexpr std::array<std::string_view, 3> kOptions = {
      "The requester called: the problem is back.", "The fix did not hold.",
      "Resolved too early; the change is not done yet."};
  return std::string(One(rng, kOptions));
}

std::string MisrouteReason(std::string_view right_queue) {
  return fmt::format("Not ours: this belongs to {}.", right_queue);
}

std::string TransferReason(std::string_view to_queue) {
  return fmt::format("Needs {} to continue.", to_queue);
}

std::string FeedbackComment(Rng& rng, int score) {
  if (!rng.Chance(0.4)) return {};
  static constexpr std::array<std::string_view, 3> kGood = {
      "Raskt og godt svar, takk!", "Veldig hjelpsomme.", "Problemet ble løst."};
  static constexpr std::array<std::string_view, 3> kBad = {
      "Tok altfor lang tid.", "Måtte purre flere ganger.", "Svaret løste ikke problemet."};
  return std::string(score >= 4 ? One(rng, kGood) : One(rng, kBad));
}

}  // namespace tl::tools::generate
