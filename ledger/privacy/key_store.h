// KeyStore: the per-ticket data keys, wrapped under the master key, in a RocksDB instance of
// their own (its own directory, WAL and compactions; e.g. <data>/keys). The only file that sees
// RocksDB is key_store.cc, where rocksdb::Status becomes tl::Status.
//
// Why a database of its own: erasing a ticket's personal data is destroying its data key, and
// that must reach the disk. In a separate instance Destroy can flush, compact and retire WAL
// files without touching the event log, and the scan that proves it (tests) covers one
// directory.
//
// Stored records (key -> value), format version 1:
//   "k" + ticket id (8 bytes, big-endian)  ->  0x01 0x03 + wrapped key + n requester digests
//                                                (live, n >= 1; 32 bytes each, no count: n is
//                                                (size - 75) / 32)
//                                              0x01 0x01 + wrapped key   (live, no digests: what
//                                                stores made before the requester index hold,
//                                                and a ticket opened without a requester)
//                                              0x01 0x02                  (erased: no key bytes,
//                                                no digests)
//   "m.key_check"                          ->  0x01 + the master key's key-check value (32 bytes)
//   "m.pending_erasure"                    ->  0x01 + the ticket ids (8 bytes each, big-endian,
//                                              ascending) of an erasure begun but not finished;
//                                              absent when none
//   "m.index_key"                          ->  0x01 + the requester index key, wrapped (AD
//                                              "tl.privacy.index_key.v1"); written by a master
//                                              key rotation, absent before: the index key is
//                                              then the one the master key derives
// A wrapped key is the field cipher's sealed format (field_cipher.h: version, 24-byte nonce,
// ciphertext, 16-byte tag; 73 bytes) of the 32 key bytes, under the master key's wrapping
// subkey, with associated data "tl.privacy.data_key.v1" + the ticket id (8 bytes, big-endian):
// a wrapped key copied to another ticket's record does not unwrap.
//
// The requester index (docs/privacy.md, "The requester index") lives in the key records: a live
// record holds the HMAC digest (requester_index.h) of every requester its ticket has had. So an
// erased record holds none, and Destroy, which drives every older version of a record out of the
// files, removes a ticket's index entries with its key. Finding a requester's tickets is a scan
// of the records (TicketsOfRequester).
//
// Thread-safety: all methods may be called concurrently. Get, ForEach and TicketsOfRequester
// run in parallel with each other and with Create; Create, CreateMany, AddRequesters and Destroy
// are serialised; Destroy also excludes readers while it retires files (a reader in flight would
// pin the files that hold the destroyed key and delay their deletion past Destroy's return), so
// a Get waits at most one Destroy. Ownership: the caller owns the store (unique_ptr); closing it is
// destroying it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/domain/result.h"
#include "ledger/privacy/master_key.h"
#include "ledger/privacy/requester_index.h"
#include "ledger/privacy/secret_key.h"

namespace tl::privacy {

// The reason of the error a key store made with another master key answers: the operator
// started with the wrong master key file (docs/privacy.md).
inline constexpr std::string_view kWrongMasterKey = "wrong_master_key";

enum class KeyState : uint8_t {
  kAbsent,  // no key was ever made for this ticket, nor was it destroyed
  kLive,    // the key exists
  kErased,  // the key was destroyed; no byte of it is left in the store's files
};

struct KeyLookup {
  KeyState state = KeyState::kAbsent;
  DataKey key;  // the data key when state == kLive; all zeros otherwise
};

// A requester a ticket has (had), for the index.
struct TicketRequester {
  uint64_t ticket = 0;
  RequesterDigest digest{};
};

// How the store's table files are compressed. Destroy's guarantee holds for each; the tests
// prove it for each one this machine's RocksDB supports.
enum class Compression : uint8_t { kNone, kSnappy, kLz4, kZstd };

// Outside KeyStore so that it can be a default argument of KeyStore's functions.
struct KeyStoreOptions {
  // Create the store (and its directory; the parent must exist) when absent.
  bool create_if_missing = true;
  // Data keys are random and their wrapped forms incompressible; compression only shrinks the
  // record keys. kNone is the sensible choice; the others are there to be tested.
  Compression compression = Compression::kNone;
  // Destroy flushes and compacts neighbouring tickets together (one group) when the table data
  // between them is at most this many bytes, and tickets further apart in groups of their own,
  // so that an erasure of scattered tickets rewrites the files around each one rather than
  // everything between them. A group costs a flush and some fsyncs plus the rewrite of its span
  // (docs/privacy.md has figures).
  uint64_t erasure_group_bytes = 4u << 20;
};

class KeyStore {
 public:
  using Options = KeyStoreOptions;

  // Whether this build of RocksDB can write `compression`.
  static bool CompressionSupported(Compression compression);

  // Opens (or creates) the key store in `dir` for `master`, and finishes an erasure that a
  // failure or a crash interrupted (see Destroy). Errors:
  //   kInvalidArgument  reason kWrongMasterKey: the store was made with another master key (the
  //                 message gives both fingerprints). This is checked on a read-only open before
  //                 anything is written: a wrong key leaves every file under `dir` as it was.
  //   kNotFound     no store in `dir` and !create_if_missing
  //   kDataLoss     the store's records do not decode, or it has keys but no key-check value
  //   kUnavailable  I/O errors, or the store is open in another process (RocksDB's LOCK)
  // A new store records the master key's key-check value (synced) before Open returns.
  static Result<std::unique_ptr<KeyStore>> Open(const std::string& dir, const MasterKey& master,
                                                Options options = Options());
  ~KeyStore();
  KeyStore(const KeyStore&) = delete;
  KeyStore& operator=(const KeyStore&) = delete;

  // The live data key of `ticket`: a new random one, or the existing one if the ticket already
  // has one (so a retried ticket creation gets the same key). A new key is on stable storage
  // (synced WAL write) before Create returns. kFailedPrecondition "data_key_erased" when the
  // ticket's key was destroyed: erasure is final, no new key is made for that ticket.
  Result<DataKey> Create(uint64_t ticket);
  // Create for many tickets in one synced write (one fsync): keys in the order of `tickets`,
  // repeated ids get the same key. All or nothing: if any ticket is erased, nothing is written.
  // `requesters`, when not empty, has one entry per ticket: the requester digests to record
  // with its key (added to those it has, for a ticket whose key exists).
  Result<std::vector<DataKey>> CreateMany(
      std::span<const uint64_t> tickets,
      std::span<const std::vector<RequesterDigest>> requesters = {});

  // Records more requester digests of tickets with live keys, in one synced write (none when
  // every digest is recorded already). A ticket whose key is absent or erased is skipped: its
  // personal data cannot be written either.
  Status AddRequesters(std::span<const TicketRequester> entries);

  // The tickets whose live record holds `digest`, ascending: a scan of every record. These are
  // candidates: a digest is recorded before the log write that uses it, which may then fail, so
  // the caller confirms each against the log (app/requester_lookup.h).
  Result<std::vector<uint64_t>> TicketsOfRequester(const RequesterDigest& digest) const;

  // The index key's HMAC, for the digests the store records. Lives as long as the store.
  const RequesterIndex& requester_index() const;

  // The state of `ticket`'s key and, when live, the unwrapped key. Errors only for I/O
  // (kUnavailable) and for a record that does not decode or unwrap (kDataLoss).
  Result<KeyLookup> Get(uint64_t ticket) const;

  // Destroys the data keys of `tickets`, for good. When it returns OK, every one of them reads
  // as kErased and no byte of their keys, wrapped or not, is in any file under the store's
  // directory, and the deletions are on stable storage:
  //   1. the intent, the list of tickets, is written and synced ("m.pending_erasure");
  //   2. the memtable is flushed (keys made since the last flush, and the intent, go to a table
  //      file of their own; a flush also starts a new WAL file, leaving the ones that held the
  //      keys obsolete);
  //   3. per group of neighbouring tickets (KeyStoreOptions::erasure_group_bytes): an "erased"
  //      record replaces each key, and a flush puts them in a level-0 file spanning only the
  //      group;
  //   4. that span is compacted down to and including the bottommost level
  //      (BottommostLevelCompaction::kForce, no trivial moves), so every older version of those
  //      records is dropped and the table files that held one become obsolete;
  //   5. with background work paused (so every flush and compaction, with the deletions it
  //      started, has finished), obsolete files are deleted in this thread by a full scan (as
  //      DB::EnableFileDeletions does), and the directory is checked: every table file must be
  //      live and every non-empty WAL file alive or current, else kInternal names the file that
  //      outlived the erasure;
  //   6. the directory is fsync'ed, so the deletions survive a power loss;
  //   7. the intent is deleted.
  // If Destroy fails or its process dies after step 1, the next Destroy (which takes the
  // pending tickets along) or the next Open finishes the erasure: from step 1 on the erasure is
  // certain, and the tickets read as kErased from then on (after a failed Destroy too; after a
  // crash, Open finishes the erasure before it returns the store). Idempotent:
  // destroying an erased ticket, or one that never had a key, is OK (the latter is then recorded
  // as erased, so Create refuses it too). Cost: two flushes, then per group a flush and the
  // rewrite of the table files its span overlaps (docs/privacy.md has figures), so pass a
  // whole erasure's tickets in one call.
  Status Destroy(std::span<const uint64_t> tickets);
  Status Destroy(uint64_t ticket) { return Destroy(std::span<const uint64_t>(&ticket, 1)); }

  // Visits every ticket with a live or erased key, in ascending id order, until `visit`
  // returns false. `visit` must not call back into the store (it runs under its read lock).
  Status ForEach(const std::function<bool(uint64_t ticket, KeyState state)>& visit) const;

  // The stored record of `ticket` as it is on disk (see the format above; never an unwrapped
  // key), std::nullopt when absent. For audits and the erasure tests.
  Result<std::optional<std::string>> StoredRecord(uint64_t ticket) const;

  // A consistent copy of the store, as it is now, in `dir` (which must not exist): what a backup
  // keeps beside the event log's (docs/privacy.md, "Backups"). The copy holds the data keys
  // wrapped as the store holds them, never unwrapped, and no key destroyed before the call;
  // one destroyed after it stays in the copy until the copy is deleted. Serialised with Destroy.
  Status CopyTo(const std::string& dir) const;

  // Master key rotation, offline (the store must not be open elsewhere): re-wraps every live
  // data key of the store in `dir` from `old_key` to `new_key` in one atomic synced write that
  // also replaces the key-check value and keeps the requester index key (wrapped under
  // `new_key`, "m.index_key", so that the recorded digests stay valid), then retires the old
  // wrapped forms from every file as Destroy does (a full compaction). Returns how many keys were
  // re-wrapped. If the store already answers to `new_key` (a rotation that stopped after its
  // write), only the retiring is done, and 0 is returned: running it again is always safe. Erased
  // records stay erased.
  static Result<uint64_t> RewrapAll(const std::string& dir, const MasterKey& old_key,
                                    const MasterKey& new_key, Options options = Options());

 private:
  struct Rep;
  explicit KeyStore(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace tl::privacy
