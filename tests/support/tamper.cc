#include "tests/support/tamper.h"

#include <rocksdb/db.h>

#include <stdexcept>
#include <vector>

namespace tl::testing {
namespace {

// Opens the ledger's database with all its column families and runs `f` on the named one.
template <typename F>
void WithFamily(const std::string& dir, const std::string& family, F f) {
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok()) {
    throw std::runtime_error("cannot list column families of " + dir);
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(rocksdb::DBOptions(), dir, descriptors, &handles, &raw);
  if (!s.ok()) throw std::runtime_error("cannot open " + dir + ": " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* target = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == family) target = handles[i];
  }
  if (!target) throw std::runtime_error("no column family " + family);
  f(*db, target);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  db->Close().PermitUncheckedError();
}

}  // namespace

std::optional<std::string> RawGet(const std::string& dir, const std::string& family,
                                  const std::string& key) {
  std::optional<std::string> out;
  WithFamily(dir, family, [&](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf) {
    std::string value;
    if (db.Get(rocksdb::ReadOptions(), cf, key, &value).ok()) out = value;
  });
  return out;
}

void RawPut(const std::string& dir, const std::string& family, const std::string& key,
            const std::string& value) {
  WithFamily(dir, family, [&](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf) {
    rocksdb::WriteOptions w;
    w.sync = true;
    if (!db.Put(w, cf, key, value).ok()) throw std::runtime_error("put failed");
  });
}

void RawDelete(const std::string& dir, const std::string& family, const std::string& key) {
  WithFamily(dir, family, [&](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf) {
    rocksdb::WriteOptions w;
    w.sync = true;
    if (!db.Delete(w, cf, key).ok()) throw std::runtime_error("delete failed");
  });
}

std::string SeqKeyOf(uint64_t seq) {
  std::string key;
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(seq >> shift));
  return key;
}

void FlipEventByte(const std::string& dir, uint64_t seq) {
  std::optional<std::string> bytes = RawGet(dir, "events", SeqKeyOf(seq));
  if (!bytes) throw std::runtime_error("no stored event at seq " + std::to_string(seq));
  (*bytes)[bytes->size() - 3] ^= 0x01;
  RawPut(dir, "events", SeqKeyOf(seq), *bytes);
}

}  // namespace tl::testing
