#include "mail/smtp_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>

#include "mail/internal/text.h"

namespace tl::mail {
namespace {

// curl_global_init is not thread-safe in every libcurl build: run it once, before any handle.
// It is never undone (curl_global_cleanup at exit would race with senders still running).
void EnsureCurlInitialized() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlEasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// What the SMTP conversation got to, read from libcurl's debug callback: the relay's last error
// reply and the command it answered. That tells a 5xx to RCPT TO (the message is refused) from
// a 5xx to AUTH (our configuration is wrong). The command is remembered with the reply because
// libcurl may still send QUIT after the failure.
struct Transcript {
  std::string last_command;   // the last command sent: "EHLO", "MAIL", "RCPT", "DATA", ...
  int error_code = 0;         // the last reply >= 400, 0 when none
  std::string error_reply;    // its last line, trimmed
  std::string error_command;  // the command it answered ("" for the greeting)
};

int OnDebug(CURL* /*handle*/, curl_infotype type, char* data, size_t size, void* user) {
  auto* t = static_cast<Transcript*>(user);
  const std::string_view text(data, size);
  if (type == CURLINFO_HEADER_OUT) {
    // Only a command verb is kept, never its arguments. A line that is not a verb is the
    // client's answer to an AUTH challenge: credentials, which must not reach a message.
    std::string verb(text.substr(0, text.find_first_of(" \r\n")));
    for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    static constexpr std::string_view kVerbs[] = {"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL",
                                                  "RCPT", "DATA", "BDAT",     "RSET", "QUIT",
                                                  "NOOP", "VRFY", "EXPN"};
    for (std::string_view v : kVerbs) {
      if (verb == v) t->last_command = verb;
    }
  } else if (type == CURLINFO_HEADER_IN) {
    // One or more reply lines; a reply's final line carries its code like the others.
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view line = internal::TrimWhitespace(text.substr(start, end - start));
      if (line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
          std::isdigit(static_cast<unsigned char>(line[1])) &&
          std::isdigit(static_cast<unsigned char>(line[2]))) {
        const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        if (code >= 400) {
          t->error_code = code;
          t->error_reply = internal::CleanLine(line.substr(0, 300));
          t->error_command = t->last_command;
        }
      }
      start = end + 1;
    }
  }
  return 0;
}

struct Upload {
  std::string_view data;
  size_t pos = 0;
};

size_t OnRead(char* buffer, size_t size, size_t nitems, void* user) {
  auto* up = static_cast<Upload*>(user);
  const size_t n = std::min(size * nitems, up->data.size() - up->pos);
  std::memcpy(buffer, up->data.data() + up->pos, n);
  up->pos += n;
  return n;
}

// An envelope address: printable ASCII, no white space or angle brackets (which would let a
// caller's string add SMTP commands or parameters).
bool IsEnvelopeAddress(std::string_view a) {
  if (a.empty() || a.size() > 320) return false;
  for (char c : a) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '<' || c == '>') return false;
  }
  return a.find('@') != std::string_view::npos;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         internal::EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

}  // namespace

bool IsTransientSendFailure(const Status& status) {
  return status.code() == StatusCode::kUnavailable;
}

Result<std::unique_ptr<SmtpClient>> SmtpClient::Create(SmtpConfig config) {
  const bool smtps = StartsWith(config.url, "smtps://");
  if (!smtps && !StartsWith(config.url, "smtp://")) {
    return Status::BadField("smtp url: must start with smtp:// or smtps://");
  }
  for (char c : config.url) {
    if (static_cast<unsigned char>(c) <= 0x20) return Status::BadField("smtp url: white space");
  }
  const bool encrypted = smtps || config.starttls == StartTls::kRequired;
  if (!config.username.empty() && !encrypted && !config.allow_plaintext_auth) {
    return Status::BadField(
        "smtp: AUTH without TLS would send the password in clear; use smtps://, "
        "StartTls::kRequired or allow_plaintext_auth");
  }
  if (config.connect_timeout.count() <= 0 || config.total_timeout.count() <= 0) {
    return Status::BadField("smtp: timeouts must be positive");
  }
  EnsureCurlInitialized();
  return std::unique_ptr<SmtpClient>(new SmtpClient(std::move(config)));
}

Status SmtpClient::Send(const Envelope& envelope, std::string_view message) const {
  if (envelope.rcpt_to.empty()) return Status::MissingField("envelope: no recipient");
  if (!envelope.mail_from.empty() && !IsEnvelopeAddress(envelope.mail_from)) {
    return Status::BadField("envelope: bad sender address");
  }
  for (const std::string& rcpt : envelope.rcpt_to) {
    if (!IsEnvelopeAddress(rcpt)) return Status::BadField("envelope: bad recipient address");
  }
  CurlEasy curl(curl_easy_init());
  if (!curl) return Status::Unavailable("smtp: curl_easy_init failed");
  CURL* c = curl.get();

  curl_slist* raw_list = nullptr;
  for (const std::string& rcpt : envelope.rcpt_to) {
    curl_slist* grown = curl_slist_append(raw_list, ("<" + rcpt + ">").c_str());
    if (grown == nullptr) {
      curl_slist_free_all(raw_list);
      return Status::Unavailable("smtp: out of memory");
    }
    raw_list = grown;
  }
  Slist rcpts(raw_list);
  const std::string from = "<" + envelope.mail_from + ">";
  Upload upload{message, 0};
  Transcript transcript;
  char error[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(c, CURLOPT_URL, config_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for timeouts: we run on threads
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(config_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.total_timeout.count()));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, OnRead);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  // The debug callback only runs in verbose mode; it prints nothing, it keeps the transcript.
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, OnDebug);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, &transcript);
  switch (config_.starttls) {
    case StartTls::kOff:
      curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_NONE));
      break;
    case StartTls::kIfAvailable:
      curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
      break;
    case StartTls::kRequired:
      curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
      break;
  }
  if (!config_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, config_.ca_file.c_str());
  if (!config_.verify_peer) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!config_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, config_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, config_.password.c_str());
  }

  const CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return Status::Ok();

  std::string detail = curl_easy_strerror(rc);
  if (error[0] != '\0') detail += std::string(": ") + error;
  if (transcript.error_code != 0) {
    detail += "; relay said \"" + transcript.error_reply + "\"";
    if (!transcript.error_command.empty()) detail += " to " + transcript.error_command;
  }
  const std::string& cmd = transcript.error_command;
  const bool in_transaction = cmd == "MAIL" || cmd == "RCPT" || cmd == "DATA";
  if (transcript.error_code >= 500 && transcript.error_code < 600 && in_transaction) {
    return Status::Rule(std::string(kSmtpRejected), "smtp: " + detail);
  }
  return Status::Unavailable("smtp: " + detail);
}

}  // namespace tl::mail
