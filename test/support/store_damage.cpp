#include "test/support/store_damage.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <stdexcept>

#include "store/lmdb.hpp"

namespace gd::test {

namespace {

// LMDB 0.9.24's layout (mdb.c): a page header of 16 bytes (pgno, pad, flags,
// lower/upper), then MDB_meta: magic (4), version (4), address (8), map size
// (8), two MDB_db of 48 bytes (the first one's md_pad holds the page size),
// last page (8), txnid (8).
constexpr std::size_t page_header = 16;
constexpr std::size_t meta_size = 4 + 4 + 8 + 8 + 2 * 48 + 8 + 8;
constexpr std::size_t magic_at = page_header;
constexpr std::size_t psize_at = page_header + 4 + 4 + 8 + 8;
constexpr std::size_t txnid_at = page_header + meta_size - 8;
constexpr std::uint32_t lmdb_magic = 0xBEEFC0DE;

template <class T>
T read_at(const std::string& buf, std::size_t at) {
  T v;
  std::memcpy(&v, buf.data() + at, sizeof v);
  return v;
}

} // namespace

bool undo_last_commit(const std::string& data_mdb) {
  std::fstream f(data_mdb, std::ios::in | std::ios::out | std::ios::binary);
  if (!f)
    throw std::runtime_error("undo_last_commit: cannot open " + data_mdb);
  std::string first(page_header + meta_size, '\0');
  if (!f.read(first.data(), static_cast<std::streamsize>(first.size())))
    return false;
  if (read_at<std::uint32_t>(first, magic_at) != lmdb_magic)
    return false;
  auto psize = read_at<std::uint32_t>(first, psize_at);
  if (psize < 512 || psize > 65536)
    return false;
  std::string second(first.size(), '\0');
  f.seekg(psize);
  if (!f.read(second.data(), static_cast<std::streamsize>(second.size())))
    return false;
  if (read_at<std::uint32_t>(second, magic_at) != lmdb_magic)
    return false;
  auto t0 = read_at<std::uint64_t>(first, txnid_at);
  auto t1 = read_at<std::uint64_t>(second, txnid_at);
  if (t0 == t1 || (t0 > t1 ? t0 - t1 : t1 - t0) != 1)
    return false;
  // Copy the older meta over the newer one (the page header stays: it holds
  // the page's own number).
  const auto& older = t0 < t1 ? first : second;
  std::size_t newer_page = t0 < t1 ? psize : 0;
  f.seekp(static_cast<std::streamoff>(newer_page + page_header));
  f.write(older.data() + page_header, static_cast<std::streamsize>(meta_size));
  f.flush();
  if (!f)
    throw std::runtime_error("undo_last_commit: cannot write " + data_mdb);
  return true;
}

namespace {

/// Replaces the stored record of `key` in the closed state store in
/// `store_dir` with `damage(record)`, through LMDB (so only the record
/// changes). Returns false if the key is not there.
bool rewrite_kv_record(const std::string& store_dir, const std::string& key,
                       const std::function<std::string(std::string)>& damage) {
  store::lmdb::env_options o;
  o.max_dbs = 3;
  o.map_size = std::size_t{64} << 20;
  store::lmdb::env env("damaged store", store_dir, o);
  store::lmdb::write_txn t(env);
  auto kv = t.open_dbi("kv");
  auto v = t.get(kv, key);
  if (!v || v->empty())
    return false;
  t.put(kv, key, damage(std::string(*v)));
  t.commit();
  env.sync();
  return true;
}

} // namespace

bool damage_kv_record(const std::string& store_dir, const std::string& key) {
  // A record cut to 3 bytes: shorter than any record's fixed header.
  return rewrite_kv_record(store_dir, key, [](std::string v) {
    return v.substr(0, std::min<std::size_t>(3, v.size()));
  });
}

bool flip_value_bit(const std::string& store_dir, const std::string& key) {
  return rewrite_kv_record(store_dir, key, [](std::string v) {
    v.back() = static_cast<char>(v.back() ^ 1);
    return v;
  });
}

} // namespace gd::test
