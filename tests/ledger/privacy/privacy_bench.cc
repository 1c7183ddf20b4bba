// privacy_bench: what the privacy module costs. Not a test: it reports figures.
//
//   privacy_bench [--keys N] [--seconds S] [--dir DIR]
//
// Reports Seal and Open of a 300-byte field per second, key store Get per second (random
// tickets, one thread), the time of Destroy of one ticket in a store of N keys (200,000 by
// default), of one Destroy call for 100 tickets spread over the store, and of RewrapAll. The
// store is made in DIR (default: a fresh directory under $TMPDIR, removed afterwards).
// Exit codes: 0, 1 when an operation fails, 2 on a usage error.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ledger/privacy/field_cipher.h"
#include "ledger/privacy/key_store.h"
#include "ledger/privacy/master_key.h"
#include "tests/ledger/privacy/privacy_test_support.h"

namespace {

using Clock = std::chrono::steady_clock;
using tl::privacy::DataKey;
using tl::privacy::KeyStore;
using tl::privacy::MasterKey;
using tl::privacy::SecretKey;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void Fail(const tl::Status& status, const char* what) {
  std::fprintf(stderr, "privacy_bench: %s: %s\n", what, status.ToString().c_str());
  std::exit(1);
}

// Runs `op` in rounds of 1000 until `seconds` have passed; operations per second.
template <typename Op>
double Rate(double seconds, Op op) {
  uint64_t done = 0;
  const Clock::time_point start = Clock::now();
  while (SecondsSince(start) < seconds) {
    for (int i = 0; i < 1000; ++i) op();
    done += 1000;
  }
  return static_cast<double>(done) / SecondsSince(start);
}

void Usage(const char* argv0) {
  std::fprintf(stderr, "usage: %s [--keys N] [--seconds S] [--dir DIR]\n", argv0);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t keys = 200000;
  double seconds = 2.0;
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    if (i + 1 >= argc) Usage(argv[0]);
    if (std::strcmp(argv[i], "--keys") == 0) {
      keys = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--seconds") == 0) {
      seconds = std::strtod(argv[++i], nullptr);
    } else if (std::strcmp(argv[i], "--dir") == 0) {
      dir = argv[++i];
    } else {
      Usage(argv[0]);
    }
  }
  if (keys < 1000 || seconds <= 0) Usage(argv[0]);
  std::optional<tl::privacy::testing::TempDir> scratch;
  if (dir.empty()) {
    scratch.emplace();
    dir = scratch->Sub("keys");
  }
  std::mt19937_64 rng(42);

  // The field cipher.
  {
    const DataKey key = DataKey::Random();
    tl::privacy::FieldContext context;
    context.ticket_id = 123456;
    context.event_type = "TicketOpened";
    context.field_name = "description";
    const std::string ad = tl::privacy::FieldAssociatedData(context);
    std::string field(300, 'x');
    for (char& c : field) c = static_cast<char>('a' + rng() % 26);
    std::string sealed;
    const double seal_rate = Rate(seconds, [&] { sealed = tl::privacy::Seal(key, field, ad); });
    size_t opened_bytes = 0;
    const double open_rate = Rate(seconds, [&] {
      auto opened = tl::privacy::Open(key, sealed, ad);
      if (!opened.ok()) Fail(opened.status(), "Open");
      opened_bytes += opened->size();
    });
    const double ad_rate =
        Rate(seconds, [&] { opened_bytes += tl::privacy::FieldAssociatedData(context).size(); });
    std::printf("seal 300-byte field:        %10.0f /s  (%.2f us each)\n", seal_rate,
                1e6 / seal_rate);
    std::printf("open 300-byte field:        %10.0f /s  (%.2f us each)\n", open_rate,
                1e6 / open_rate);
    std::printf("build associated data:      %10.0f /s\n", ad_rate);
    if (opened_bytes == 0) return 1;  // keeps the loops from being optimised away
  }

  // The key store: N keys, made in synced batches of 10,000 as an import would, each with the
  // requester index digest of its requester (N / 3 requesters, so some have many tickets), and
  // every tenth ticket with a second one, as after an update of its requester.
  const MasterKey master = MasterKey::FromSecret(SecretKey::Random());
  auto opened = KeyStore::Open(dir, master);
  if (!opened.ok()) Fail(opened.status(), "Open");
  std::unique_ptr<KeyStore> store = std::move(opened).value();
  const uint64_t requesters = keys / 3;
  auto address_of = [](uint64_t requester) {
    return "requester-" + std::to_string(requester) + "@bench.example.org";
  };
  auto digest_of = [&](uint64_t requester) {
    auto digest = store->requester_index().RequesterKey(address_of(requester));
    if (!digest.ok()) Fail(digest.status(), "RequesterKey");
    return *digest;
  };
  {
    const Clock::time_point start = Clock::now();
    std::vector<uint64_t> batch;
    std::vector<std::vector<tl::privacy::RequesterDigest>> digests;
    for (uint64_t ticket = 1; ticket <= keys; ++ticket) {
      batch.push_back(ticket);
      digests.push_back({digest_of(ticket % requesters)});
      if (ticket % 10 == 0) digests.back().push_back(digest_of((ticket / 10) % requesters));
      if (batch.size() == 10000 || ticket == keys) {
        auto made = store->CreateMany(batch, digests);
        if (!made.ok()) Fail(made.status(), "CreateMany");
        batch.clear();
        digests.clear();
      }
    }
    std::printf("create %llu keys (batches of 10,000): %.2f s\n",
                static_cast<unsigned long long>(keys), SecondsSince(start));
  }
  {
    const Clock::time_point start = Clock::now();
    for (uint64_t ticket = keys + 1; ticket <= keys + 200; ++ticket) {
      auto made = store->Create(ticket);
      if (!made.ok()) Fail(made.status(), "Create");
    }
    std::printf("create one key (synced):    %10.2f ms each (200 in a row)\n",
                SecondsSince(start) * 1000 / 200);
  }
  auto get_rate = [&] {
    return Rate(seconds, [&] {
      auto found = store->Get(1 + rng() % keys);
      if (!found.ok()) Fail(found.status(), "Get");
    });
  };
  std::printf("get (memtable and L0):      %10.0f /s\n", get_rate());

  // Destroy of one ticket, several times; the first one also flushes the keys made above. As in
  // service, new tickets get keys between two erasures (100 each time, in the memtable).
  std::vector<double> destroy_ms;
  uint64_t next_ticket = keys + 201;
  for (int i = 0; i < 7; ++i) {
    if (i > 0) {
      std::vector<uint64_t> fresh;
      for (int j = 0; j < 100; ++j) fresh.push_back(next_ticket++);
      auto made = store->CreateMany(fresh);
      if (!made.ok()) Fail(made.status(), "CreateMany");
    }
    const uint64_t ticket = 1 + rng() % keys;
    const Clock::time_point start = Clock::now();
    tl::Status destroyed = store->Destroy(ticket);
    if (!destroyed.ok()) Fail(destroyed, "Destroy");
    destroy_ms.push_back(SecondsSince(start) * 1000);
  }
  std::printf(
      "destroy 1 ticket of %llu:  first %.0f ms (flushes %llu keys), then (100 new keys "
      "before each)",
      static_cast<unsigned long long>(keys), destroy_ms[0],
      static_cast<unsigned long long>(keys + 200));
  for (size_t i = 1; i < destroy_ms.size(); ++i) std::printf(" %.0f", destroy_ms[i]);
  std::vector<double> later(destroy_ms.begin() + 1, destroy_ms.end());
  std::sort(later.begin(), later.end());
  std::printf(" ms (median %.0f, max %.0f)\n", later[later.size() / 2], later.back());
  std::printf("get (after compaction):     %10.0f /s\n", get_rate());
  {
    // The requester index: one scan of every record per lookup.
    std::vector<double> scan_ms;
    size_t hits = 0;
    for (int i = 0; i < 9; ++i) {
      const tl::privacy::RequesterDigest digest = digest_of(1 + rng() % (requesters - 1));
      const Clock::time_point start = Clock::now();
      auto found = store->TicketsOfRequester(digest);
      if (!found.ok()) Fail(found.status(), "TicketsOfRequester");
      scan_ms.push_back(SecondsSince(start) * 1000);
      hits += found->size();
    }
    std::sort(scan_ms.begin(), scan_ms.end());
    std::printf(
        "requester index lookup (scan of %llu records): median %.1f ms, max %.1f ms "
        "(%.1f tickets each)\n",
        static_cast<unsigned long long>(keys), scan_ms[scan_ms.size() / 2], scan_ms.back(),
        static_cast<double>(hits) / 9);
  }

  {
    std::vector<uint64_t> spread;
    for (int i = 0; i < 100; ++i) spread.push_back(1 + rng() % keys);
    const Clock::time_point start = Clock::now();
    tl::Status destroyed = store->Destroy(spread);
    if (!destroyed.ok()) Fail(destroyed, "Destroy");
    std::printf("destroy 100 tickets spread over the store, one call: %.0f ms\n",
                SecondsSince(start) * 1000);
  }

  store.reset();
  {
    const MasterKey next = MasterKey::FromSecret(SecretKey::Random());
    const Clock::time_point start = Clock::now();
    auto rewrapped = KeyStore::RewrapAll(dir, master, next);
    if (!rewrapped.ok()) Fail(rewrapped.status(), "RewrapAll");
    std::printf("rewrap all %llu live keys: %.2f s\n", static_cast<unsigned long long>(*rewrapped),
                SecondsSince(start));
  }
  uintmax_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  std::printf(
      "key store on disk: %.1f MiB (%.0f bytes per ticket, one or two requester "
      "digests each)\n",
      static_cast<double>(bytes) / (1 << 20), static_cast<double>(bytes) / keys);
  return 0;
}
