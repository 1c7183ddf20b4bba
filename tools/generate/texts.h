// The words of the synthetic history: subjects, message bodies, what a stall awaits, solution
// summaries, reasons and feedback comments. Customer-facing text is Norwegian (bokmål, as the
// desk writes it), internal notes English. Bodies are kept short: they are stored forever in
// every event and the benchmarks write millions of them. Pure functions of their inputs and
// the Rng; thread-compatible.
#pragma once

#include <string>
#include <string_view>

#include "tools/generate/rng.h"

namespace tl::tools::generate {

std::string Subject(Rng& rng, std::string_view keyword);
std::string FirstReply(Rng& rng, std::string_view keyword);     // asks or answers
std::string FollowUpReply(Rng& rng, std::string_view keyword);  // later in the conversation
std::string FinalReply(Rng& rng, std::string_view keyword);     // the answer that resolves
std::string ReminderReply(Rng& rng);                            // after a silent follow-up
std::string ClosingReply();                                     // closing without an answer
std::string RequesterMessage(Rng& rng, std::string_view keyword);
std::string ReopenMessage(Rng& rng);  // "it still does not work"
std::string InternalComment(Rng& rng, std::string_view keyword);
std::string Awaiting(Rng& rng, std::string_view keyword);  // what a stall waits for
std::string AwaitingChange(uint64_t child);                // a child change ticket
std::string Solution(Rng& rng, std::string_view keyword, std::string_view service);
std::string NoAnswerSolution();  // closed after no reply
std::string ChangeSolution(Rng& rng, std::string_view keyword);
std::string ChangePlan(Rng& rng);
std::string ReopenReason(Rng& rng);
std::string MisrouteReason(std::string_view right_queue);
std::string TransferReason(std::string_view to_queue);
std::string FeedbackComment(Rng& rng, int score);  // may be empty

}  // namespace tl::tools::generate
