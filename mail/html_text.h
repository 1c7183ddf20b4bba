// HTML to readable plain text, for mail that arrives as HTML only.
//
// Not a browser: one linear pass that keeps what a person reading the ticket needs.
//  - Tags are dropped; the content of <script>, <style>, <head>, <title>, <template> and
//    comments is dropped with them.
//  - Block elements end lines: <br> is one line break; <p>, <h1>-<h6>, <blockquote>, <pre>,
//    <table>, <ul>, <ol>, <hr> separate paragraphs with a blank line; <div>, <tr>, <li> and the
//    like start a new line; <li> items begin with "- "; table cells are separated by a space.
//  - White space collapses as HTML renders it (kept as is inside <pre>).
//  - Character references are decoded: numeric ones (&#229; &#xE5;) and the named ones mail
//    uses (&aring; &oslash; &aelig; &nbsp; &amp; ... about 100); an unknown name stays literal.
//    A non-breaking space becomes a plain space.
//  - A link whose text is not its URL keeps the URL after the text: "the form <https://...>".
// Thread-safe (pure). The input should be UTF-8 (ParseInbound converts first); ill-formed bytes
// come out as U+FFFD.
#pragma once

#include <string>
#include <string_view>

namespace tl::mail {

// Returns the text with '\n' line ends, no leading or trailing blank lines, and at most one
// blank line in a row.
std::string HtmlToText(std::string_view html);

}  // namespace tl::mail
