#include "mail/html_text.h"

#include <catch2/catch.hpp>

namespace tl::mail {
namespace {

TEST_CASE("HtmlToText keeps paragraphs and line breaks and collapses the rest of the space") {
  CHECK(HtmlToText("<p>One\n   two</p><p>Three<br>four</p>") == "One two\n\nThree\nfour");
  CHECK(HtmlToText("<div>a</div><div>b</div>") == "a\nb");
  CHECK(HtmlToText("a<br><br><br><br>b") == "a\n\nb");
  CHECK(HtmlToText("<p></p><p>&nbsp;</p><p>x</p>") == "x");
}

TEST_CASE("HtmlToText drops scripts, styles, the head and comments with their content") {
  CHECK(HtmlToText("<html><head><title>T</title><style>p{}</style></head><body>"
                   "<script>alert(1)</script>Visible<!-- hidden --></body></html>") == "Visible");
  CHECK(HtmlToText("<SCRIPT type='x'>a</SCRIPT >b") == "b");
  // <header> is not <head>; an unclosed <head> hides nothing.
  CHECK(HtmlToText("<header>kept</header>") == "kept");
  CHECK(HtmlToText("<head>kept too") == "kept too");
}

TEST_CASE("HtmlToText decodes named and numeric character references") {
  CHECK(HtmlToText("Bl&aring;b&aelig;r &oslash;l &AElig;&Oslash;&Aring;") ==
        "Bl\xC3\xA5"
        "b\xC3\xA6r \xC3\xB8l \xC3\x86\xC3\x98\xC3\x85");
  CHECK(HtmlToText("&#229;&#xE5;&#XE5; &lt;tag&gt; &amp;amp; &euro;&ndash;") ==
        "\xC3\xA5\xC3\xA5\xC3\xA5 <tag> &amp; \xE2\x82\xAC\xE2\x80\x93");
  CHECK(HtmlToText("&unknown; & &#0; &#xD800;") == "&unknown; & \xEF\xBF\xBD \xEF\xBF\xBD");
}

TEST_CASE("HtmlToText lists items, separates table cells and keeps link targets") {
  CHECK(HtmlToText("<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>") == "- a\n- b\n\n  - c");
  CHECK(HtmlToText("<table><tr><td>x</td><td>y</td></tr><tr><td>z</td></tr></table>") == "x y\nz");
  CHECK(HtmlToText("<a href=\"https://e.no/a?b=1&amp;c=2\">the form</a>") ==
        "the form <https://e.no/a?b=1&c=2>");
  CHECK(HtmlToText("<a href='https://e.no/'>https://e.no/</a>") == "https://e.no/");
  CHECK(HtmlToText("<a href=\"mailto:x@y\">write</a>") == "write");
}

TEST_CASE("HtmlToText keeps white space inside pre") {
  CHECK(HtmlToText("<pre>a  b\n  c</pre>after") == "a  b\n  c\n\nafter");
}

TEST_CASE("HtmlToText survives broken markup") {
  CHECK(HtmlToText("a < b and c > d") == "a < b and c > d");
  CHECK(HtmlToText("<p class=\"unterminated>text") == "");
  CHECK(HtmlToText("<") == "<");
  CHECK(HtmlToText("<!-- never closed") == "");
  CHECK(HtmlToText("text</p></div></ul>") == "text");
}

}  // namespace
}  // namespace tl::mail
