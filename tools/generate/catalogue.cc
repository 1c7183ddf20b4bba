#include "tools/generate/catalogue.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>

namespace tl::tools::generate {
namespace {

// The core teams, sized for about this many inquiries per working day in total.
constexpr double kCoreVolumePerDay = 25;
// Teams stop growing here, so a queue_defined event stays a few kilobytes.
constexpr int kMaxScale = 120;

constexpr std::array<std::string_view, 48> kFirstNames = {
    "anne",    "per",    "kari",   "ola",     "ingrid", "lars",   "marit", "jon",
    "silje",   "erik",   "hanne",  "knut",    "liv",    "bjorn",  "tone",  "arne",
    "randi",   "geir",   "heidi",  "svein",   "nina",   "trond",  "elin",  "morten",
    "kristin", "rune",   "mona",   "even",    "ida",    "sindre", "marte", "henrik",
    "tuva",    "magnus", "sofie",  "jonas",   "emma",   "aksel",  "nora",  "vegard",
    "linn",    "oddny",  "ragnar", "solveig", "eirik",  "astrid", "tor",   "maja"};
constexpr std::array<std::string_view, 48> kLastNames = {
    "hansen",      "johansen",  "olsen",         "larsen",     "andersen",  "pedersen", "nilsen",
    "kristiansen", "jensen",    "karlsen",       "johnsen",    "pettersen", "eriksen",  "berg",
    "haugen",      "hagen",     "johannessen",   "andreassen", "jacobsen",  "dahl",     "jorgensen",
    "halvorsen",   "henriksen", "lund",          "sorensen",   "jakobsen",  "moen",     "gundersen",
    "iversen",     "strand",    "solberg",       "svendsen",   "eide",      "knutsen",  "martinsen",
    "paulsen",     "bakken",    "kristoffersen", "mathisen",   "lie",       "amundsen", "nguyen",
    "rasmussen",   "solheim",   "lunde",         "berge",      "moe",       "vik"};
constexpr std::array<std::string_view, 16> kInstitutions = {
    "uio.no",  "ntnu.no", "uib.no",     "uit.no", "nmbu.no", "hvl.no", "oslomet.no", "usn.no",
    "nord.no", "uia.no",  "himolde.no", "inn.no", "hiof.no", "nhh.no", "bi.no",      "uis.no"};

std::vector<ServiceSpec> Services() {
  return {
      {"Identitet_Feide",
       "Feide: identity and login for education",
       "feide-drift",
       22,
       0.15,
       {"innlogging", "passord", "attributter", "saml", "tilgang", "gruppeinformasjon",
        "testbrukere", "mfa", "organisasjonsadministrator", "oidc", "utlogging", "sertifikatbytte",
        "metadata"}},
      {"Feide_Kundeportal",
       "Feide customer portal",
       "feide-drift",
       6,
       0.10,
       {"tjenesteregistrering", "tilgangsstyring", "kundeportal", "api-nokler", "samtykke",
        "rapporter", "rettigheter", "underleverandor"}},
      {"Eduroam",
       "eduroam wireless roaming",
       "campus-saker",
       16,
       0.30,
       {"tilkobling", "wifi", "radius", "sertifikat", "geteduroam", "gjestenett", "android",
        "iphone", "konfigurasjon", "dekning", "roaming", "cat-profil"}},
      {"Campusnett",
       "Campus network as a service",
       "campus-saker",
       8,
       0.05,
       {"svitsj", "vlan", "aksesspunkt", "kabling", "dekning", "overvaking", "brannmur",
        "utvidelse", "nettverkstegning", "dhcp"}},
      {"Forskningsnett_IP",
       "IP connectivity on the research network",
       "nett-drift",
       9,
       0.05,
       {"ipv6", "bgp", "kapasitet", "ruting", "pakketap", "forsinkelse", "fiber", "aksess",
        "prefiks", "trafikkstatistikk", "ddos"}},
      {"DNS_Domene",
       "Domain names and DNS",
       "nett-drift",
       7,
       0.10,
       {"domeneregistrering", "dnssec", "sonefil", "navnetjener", "delegering", "revers-dns", "ttl",
        "domeneflytting"}},
      {"TCS_Sertifikat",
       "TLS certificates (TCS)",
       "nett-drift",
       8,
       0.20,
       {"sertifikatbestilling", "fornyelse", "acme", "validering", "kodesignering",
        "tilbakekalling", "wildcard", "mellomsertifikat"}},
      {"Filesender",
       "Large file transfer",
       "samhandling",
       8,
       0.40,
       {"opplasting", "storrelsesgrense", "utlopsdato", "invitasjon", "nedlasting", "kryptering",
        "gjestebruker", "feilmelding"}},
      {"Videomote_Zoom",
       "Video meetings (Zoom)",
       "samhandling",
       10,
       0.25,
       {"lisens", "mote", "opptak", "webinar", "sso", "lyd", "deling", "kontoflytting", "moterom",
        "kalenderintegrasjon"}},
      {"Epost_Filter",
       "E-mail filtering",
       "samhandling",
       6,
       0.05,
       {"spam", "karantene", "falsk-positiv", "svarteliste", "hviteliste", "spf", "dkim", "dmarc",
        "leveringsfeil"}},
  };
}

std::vector<QueueSpec> CoreQueues() {
  return {
      {"Orakel", true, 1.0, {"olga", "otto", "oda", "ole.nilsen", "oline"}},
      {"feide-drift", false, 0.8, {"frida", "finn", "ingrid.moe", "jon.aas"}},
      {"campus-saker", false, 1.0, {"carl", "cora", "per.hansen", "kari.lund"}},
      {"nett-drift", false, 1.4, {"nils", "nora", "tor.bakke", "siri.vik", "dina"}},
      {"samhandling", false, 1.1, {"sara", "sander", "hilde.berg"}},
      {"salg-okonomi", false, 2.0, {"selma", "stian", "eva.holm"}},
  };
}

}  // namespace

Catalogue::Catalogue(double inquiries_per_working_day)
    : services_(Services()), queues_(CoreQueues()) {
  const int scale = std::clamp(
      static_cast<int>(std::ceil(inquiries_per_working_day / kCoreVolumePerDay)), 1, kMaxScale);
  // Extra members get "first.last" names, unique across the desk; after every pair of the lists
  // is used, a number is appended.
  uint64_t next_name = 0;
  for (QueueSpec& q : queues_) {
    const size_t extra = q.members.size() * static_cast<size_t>(scale - 1);
    for (size_t i = 0; i < extra; ++i, ++next_name) {
      const uint64_t pairs = kFirstNames.size() * kLastNames.size();
      const uint64_t n = next_name % pairs;
      std::string name = fmt::format("{}.{}", kFirstNames[n % kFirstNames.size()],
                                     kLastNames[(n / kFirstNames.size()) % kLastNames.size()]);
      if (next_name >= pairs) name += std::to_string(next_name / pairs + 1);
      q.members.push_back(std::move(name));
    }
  }
  for ([[maybe_unused]] const ServiceSpec& s : services_) {
    assert(QueueIndex(s.team) < queues_.size() && "every service's team is a queue");
  }
}

size_t Catalogue::QueueIndex(std::string_view name) const {
  for (size_t i = 0; i < queues_.size(); ++i) {
    if (queues_[i].name == name) return i;
  }
  return queues_.size();
}

std::string Catalogue::Requester(uint64_t index) {
  // Mixing the index spreads neighbouring requesters over names and institutions.
  uint64_t x = index * 0x9E3779B97F4A7C15ULL;
  x ^= x >> 29;
  const uint64_t first = x % kFirstNames.size();
  const uint64_t last = (x / kFirstNames.size()) % kLastNames.size();
  const uint64_t institution = (x / kFirstNames.size() / kLastNames.size()) % kInstitutions.size();
  const uint64_t combos = kFirstNames.size() * kLastNames.size() * kInstitutions.size();
  if (index < combos / 4) {
    return fmt::format("{}.{}@{}", kFirstNames[first], kLastNames[last],
                       kInstitutions[institution]);
  }
  return fmt::format("{}.{}{}@{}", kFirstNames[first], kLastNames[last], index / (combos / 4),
                     kInstitutions[institution]);
}

}  // namespace tl::tools::generate
