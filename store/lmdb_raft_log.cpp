#include "store/lmdb_raft_log.hpp"

#include <algorithm>
#include <deque>
#include <iostream>
#include <optional>

#include "protocol/records_codec.hpp"
#include "store/bytes.hpp"
#include "store/checksum.hpp"
#include "store/lmdb.hpp"
#include "store/raft_log_checks.hpp"
#include "store/store_error.hpp"

namespace gd::store {

namespace {

// -- the on-disk format -------------------------------------------------------
//
// Format version 1: never change without a format version bump (and a way
// to read the old version).
//
// One LMDB environment in the log's directory, with two databases:
//
// "meta": fixed ASCII keys.
//   "format"     u32 format version (1).
//   "hard_state" u64 term, u64 voted_for, u64 XXH3-64 of those 16 bytes.
//                Absent: term 0, no vote.
//   "snapshot"   u64 index, u64 term, configuration record
//                (proto::encode_configuration), then u64 XXH3-64 of all the
//                bytes before it. Absent: index 0, term 0, no configuration.
//
// "entries": key = u64 index; value =
//   u8   entry format (1)
//   u64  term
//   u8   type (raft::entry_type)
//   u64  XXH3-64 over (u64 index, u64 term, u8 type, data)
//   ...  data (the rest of the value)
//
// Every integer is big-endian, so keys sort by index. The entries on disk
// are exactly those of snapshot.index + 1 ... last_index(), consecutive.

constexpr std::uint32_t format_version = 1;
constexpr std::uint8_t entry_format = 1;
constexpr std::size_t entry_header_size = 1 + 8 + 1 + 8;

constexpr const char* format_key = "format";
constexpr const char* hard_state_key = "hard_state";
constexpr const char* snapshot_key = "snapshot";

constexpr raft::log_index all_synced = ~raft::log_index{0};

const char* refusal = "; refusing to start: the log is corrupt. Remove this "
                      "member and add it back so it copies the log from its "
                      "peers.";

std::string str(std::uint64_t x) {
  return std::to_string(x);
}

/// "entry 7 is missing" or "entries 7 to 9 are missing".
std::string missing(raft::log_index from, raft::log_index to) {
  if (from == to)
    return "entry " + str(from) + " is missing";
  return "entries " + str(from) + " to " + str(to) + " are missing";
}

bool valid_type(std::uint8_t t) {
  switch (static_cast<raft::entry_type>(t)) {
    case raft::entry_type::command:
    case raft::entry_type::config:
    case raft::entry_type::noop:
      return true;
  }
  return false;
}

/// Appends the XXH3-64 of `payload` to it.
std::string sealed(std::string payload) {
  auto sum = xxh3_64(payload);
  bytes::put_u64(payload, sum);
  return payload;
}

/// Splits a sealed record into its payload, or returns nothing if its
/// checksum does not match.
std::optional<std::string_view> unseal(std::string_view record) {
  if (record.size() < 8)
    return std::nullopt;
  auto payload = record.substr(0, record.size() - 8);
  if (xxh3_64(payload) != bytes::get_u64(record.data() + payload.size()))
    return std::nullopt;
  return payload;
}

} // namespace

struct lmdb_raft_log::impl {
  impl(const std::string& dir, lmdb_raft_log_options options);

  // -- format ---------------------------------------------------------------

  std::uint64_t entry_checksum(raft::log_index index, raft::term_t term,
                               std::uint8_t type, std::string_view data);

  std::string encode_entry(const raft::entry& e);

  /// Parses the value stored for `index`; on failure returns nothing and
  /// sets `problem` to what is wrong ("fails its checksum (...)").
  std::optional<raft::entry> decode_entry(raft::log_index index,
                                          std::string_view value,
                                          std::string& problem);

  std::string encode_snapshot(const raft::snapshot_meta& m) const;

  // -- opening --------------------------------------------------------------

  /// Reads and checks everything on disk into the mirror, within `t`.
  /// Throws store_error(corrupt) on any damage.
  void load(lmdb::write_txn& t);

  void load_meta(lmdb::write_txn& t);

  [[noreturn]] void corrupt(const std::string& what) const {
    throw store_error(store_errc::corrupt, who + ": " + what + refusal);
  }

  // -- state ----------------------------------------------------------------

  std::string dir;
  std::string who;
  lmdb_raft_log_options opts;
  lmdb::env env;
  lmdb::dbi meta_db;
  lmdb::dbi entries_db;
  xxh3_hasher hasher;

  // The mirror: the state with every staged write applied.
  raft::hard_state hard;
  raft::snapshot_meta snapshot;
  std::deque<raft::entry> entries;
  std::size_t bytes = 0;

  // What sync() must write.
  bool hard_dirty = false;
  bool snapshot_dirty = false;
  /// Entries with index >= this may differ from disk.
  raft::log_index unsynced_from = all_synced;
  /// The last entry on disk (snapshot index if none).
  raft::log_index durable_last = 0;

  raft::log_index first_index() const { return snapshot.index + 1; }
  raft::log_index last_index() const {
    return snapshot.index + entries.size();
  }
};

namespace {

lmdb::env_options env_options_of(const lmdb_raft_log_options& o) {
  lmdb::env_options e;
  e.map_size = o.map_size;
  e.max_dbs = 2;
  e.flags = o.durable ? 0u : unsigned{MDB_NOSYNC};
  return e;
}

} // namespace

lmdb_raft_log::impl::impl(const std::string& d, lmdb_raft_log_options o)
  : dir(d),
    who("raft log " + d),
    opts(std::move(o)),
    env("raft log", d, env_options_of(opts)) {
  lmdb::write_txn t(env);
  meta_db = t.open_dbi("meta", MDB_CREATE);
  entries_db = t.open_dbi("entries", MDB_CREATE);
  load(t);
  t.commit();
}

std::uint64_t lmdb_raft_log::impl::entry_checksum(raft::log_index index,
                                                  raft::term_t term,
                                                  std::uint8_t type,
                                                  std::string_view data) {
  std::string head;
  head.reserve(17);
  bytes::put_u64(head, index);
  bytes::put_u64(head, term);
  head.push_back(static_cast<char>(type));
  hasher.reset();
  hasher.update(head);
  hasher.update(data);
  return hasher.digest();
}

std::string lmdb_raft_log::impl::encode_entry(const raft::entry& e) {
  auto type = static_cast<std::uint8_t>(e.type);
  std::string v;
  v.reserve(entry_header_size + e.data.size());
  v.push_back(static_cast<char>(entry_format));
  bytes::put_u64(v, e.term);
  v.push_back(static_cast<char>(type));
  bytes::put_u64(v, entry_checksum(e.index, e.term, type, e.data));
  v.append(e.data);
  return v;
}

std::optional<raft::entry>
lmdb_raft_log::impl::decode_entry(raft::log_index index,
                                  std::string_view value,
                                  std::string& problem) {
  if (value.size() < entry_header_size) {
    problem = "does not parse (its value is " + str(value.size())
              + " bytes, shorter than the "
              + str(entry_header_size) + "-byte header)";
    return std::nullopt;
  }
  bytes::reader r(value);
  auto format = r.u8();
  auto term = r.u64();
  auto type = r.u8();
  auto stored = r.u64();
  auto data = r.rest();
  if (format != entry_format) {
    problem = "does not parse (unknown entry format " + str(format) + ")";
    return std::nullopt;
  }
  auto computed = entry_checksum(index, term, type, data);
  if (computed != stored) {
    problem = "fails its checksum (stored " + to_hex(stored) + ", computed "
              + to_hex(computed) + ")";
    return std::nullopt;
  }
  if (!valid_type(type)) {
    problem = "does not parse (unknown entry type " + str(type) + ")";
    return std::nullopt;
  }
  raft::entry e;
  e.index = index;
  e.term = term;
  e.type = static_cast<raft::entry_type>(type);
  e.data.assign(data.data(), data.size());
  return e;
}

std::string
lmdb_raft_log::impl::encode_snapshot(const raft::snapshot_meta& m) const {
  std::string v;
  bytes::put_u64(v, m.index);
  bytes::put_u64(v, m.term);
  v.append(proto::encode_configuration(m.config));
  return sealed(std::move(v));
}

void lmdb_raft_log::impl::load_meta(lmdb::write_txn& t) {
  auto format = t.get(meta_db, format_key);
  if (!format) {
    if (t.count(entries_db) != 0 || t.count(meta_db) != 0)
      throw store_error(store_errc::bad_layout,
                        who + ": holds log records but no format version");
    std::string v;
    bytes::put_u32(v, format_version);
    t.put(meta_db, format_key, v);
    return;
  }
  if (format->size() != 4)
    throw store_error(store_errc::bad_layout,
                      who + ": the format version record is "
                        + str(format->size()) + " bytes, not 4");
  auto version = bytes::get_u32(format->data());
  if (version != format_version)
    throw store_error(store_errc::bad_layout,
                      who + ": the log has format version " + str(version)
                        + ", but this build reads only version "
                        + str(format_version));
  if (auto v = t.get(meta_db, hard_state_key)) {
    auto payload = unseal(*v);
    if (!payload || payload->size() != 16)
      corrupt("the hard state record fails its checksum");
    hard.term = bytes::get_u64(payload->data());
    hard.voted_for = bytes::get_u64(payload->data() + 8);
  }
  if (auto v = t.get(meta_db, snapshot_key)) {
    auto payload = unseal(*v);
    if (!payload || payload->size() < 16)
      corrupt("the snapshot record fails its checksum");
    snapshot.index = bytes::get_u64(payload->data());
    snapshot.term = bytes::get_u64(payload->data() + 8);
    try {
      snapshot.config = proto::decode_configuration(payload->substr(16));
    } catch (const proto::decode_error& e) {
      corrupt(std::string("the snapshot record's configuration does not "
                          "parse (")
              + e.what() + ")");
    }
  }
}

void lmdb_raft_log::impl::load(lmdb::write_txn& t) {
  load_meta(t);
  // Walk every entry. They must all be valid and form a consecutive run
  // right after the snapshot with non-decreasing terms.
  lmdb::cursor c(t, entries_db);
  for (bool ok = c.first(); ok; ok = c.next()) {
    auto key = c.key();
    if (key.size() != 8)
      corrupt("a key in 'entries' is " + str(key.size())
              + " bytes long instead of 8");
    auto index = bytes::get_u64(key.data());
    std::string problem;
    auto e = decode_entry(index, c.value(), problem);
    if (!e)
      corrupt("entry " + str(index) + " " + problem);
    auto expected = last_index() + 1;
    if (index != expected) {
      if (index < expected && entries.empty())
        corrupt("entry " + str(index) + " is at or below the snapshot index "
                + str(snapshot.index));
      if (entries.empty())
        corrupt("the log starts at entry " + str(index)
                + ", but the snapshot ends at index " + str(snapshot.index)
                + ": " + missing(expected, index - 1));
      corrupt("entry " + str(index) + " follows entry " + str(expected - 1)
              + ": " + missing(expected, index - 1));
    }
    auto prev_term = entries.empty() ? snapshot.term : entries.back().term;
    if (e->term < prev_term)
      corrupt("entry " + str(index) + " has term " + str(e->term)
              + ", lower than the term " + str(prev_term) + " before it");
    bytes += e->data.size();
    entries.push_back(std::move(*e));
  }
  durable_last = last_index();
}

// -- lmdb_raft_log ------------------------------------------------------------

lmdb_raft_log::lmdb_raft_log(const std::string& dir,
                             lmdb_raft_log_options opts)
  : impl_(std::make_unique<impl>(dir, std::move(opts))) {
  // nop
}

lmdb_raft_log::~lmdb_raft_log() = default;

raft::hard_state lmdb_raft_log::hard_state() const {
  return impl_->hard;
}

const raft::snapshot_meta& lmdb_raft_log::snapshot() const {
  return impl_->snapshot;
}

raft::log_index lmdb_raft_log::last_index() const {
  return impl_->last_index();
}

raft::term_t lmdb_raft_log::term_at(raft::log_index i) const {
  detail::check_term_at(*this, impl_->who, i);
  if (i == impl_->snapshot.index)
    return impl_->snapshot.term;
  return impl_->entries[i - impl_->first_index()].term;
}

const raft::entry& lmdb_raft_log::at(raft::log_index i) const {
  detail::check_at(*this, impl_->who, i);
  return impl_->entries[i - impl_->first_index()];
}

std::size_t lmdb_raft_log::byte_size() const {
  return impl_->bytes;
}

void lmdb_raft_log::set_hard_state(const raft::hard_state& hs) {
  impl_->hard = hs;
  impl_->hard_dirty = true;
}

void lmdb_raft_log::append(std::vector<raft::entry> entries) {
  detail::check_append(*this, impl_->who, entries);
  auto& m = *impl_;
  m.unsynced_from = std::min(m.unsynced_from, entries.front().index);
  for (auto& e : entries) {
    m.bytes += e.data.size();
    m.entries.push_back(std::move(e));
  }
}

void lmdb_raft_log::truncate_suffix(raft::log_index from) {
  detail::check_truncate_suffix(*this, impl_->who, from);
  auto& m = *impl_;
  if (from == m.last_index() + 1)
    return;
  m.unsynced_from = std::min(m.unsynced_from, from);
  while (m.last_index() >= from) {
    m.bytes -= m.entries.back().data.size();
    m.entries.pop_back();
  }
}

void lmdb_raft_log::compact_prefix(const raft::snapshot_meta& meta) {
  detail::check_compact_prefix(*this, impl_->who, meta);
  auto& m = *impl_;
  while (!m.entries.empty() && m.entries.front().index <= meta.index) {
    m.bytes -= m.entries.front().data.size();
    m.entries.pop_front();
  }
  m.snapshot = meta;
  m.snapshot_dirty = true;
}

void lmdb_raft_log::reset(const raft::snapshot_meta& meta) {
  auto& m = *impl_;
  m.entries.clear();
  m.bytes = 0;
  m.snapshot = meta;
  m.snapshot_dirty = true;
  m.unsynced_from = std::min(m.unsynced_from, meta.index + 1);
}

void lmdb_raft_log::sync() {
  auto& m = *impl_;
  if (!m.hard_dirty && !m.snapshot_dirty && m.unsynced_from == all_synced)
    return;
  // One write transaction for everything staged: one fsync on commit. A
  // throw anywhere aborts it (or commit freed it), leaving disk unchanged
  // and the mirror's staged writes in place for a retry.
  lmdb::write_txn t(m.env);
  if (m.hard_dirty) {
    std::string v;
    bytes::put_u64(v, m.hard.term);
    bytes::put_u64(v, m.hard.voted_for);
    t.put(m.meta_db, hard_state_key, sealed(std::move(v)));
  }
  if (m.snapshot_dirty) {
    t.put(m.meta_db, snapshot_key, m.encode_snapshot(m.snapshot));
    // Entries now covered by the snapshot.
    lmdb::cursor c(t, m.entries_db);
    for (bool ok = c.first();
         ok && bytes::get_u64(c.key().data()) <= m.snapshot.index;
         ok = c.next())
      c.del();
  }
  if (m.unsynced_from != all_synced) {
    // Entries truncated or replaced since the last sync.
    lmdb::cursor c(t, m.entries_db);
    for (bool ok = c.seek(bytes::u64_key(m.unsynced_from)); ok;
         ok = c.next())
      c.del();
  }
  auto write_from = std::max(m.first_index(),
                             std::min(m.durable_last + 1, m.unsynced_from));
  for (auto i = write_from; i <= m.last_index(); ++i) {
    const auto& e = m.entries[i - m.first_index()];
    t.put(m.entries_db, bytes::u64_key(e.index), m.encode_entry(e));
  }
  t.commit();
  m.hard_dirty = false;
  m.snapshot_dirty = false;
  m.unsynced_from = all_synced;
  m.durable_last = m.last_index();
}

std::uint64_t lmdb_raft_log::last_txn_id() const {
  return impl_->env.last_txn_id();
}

} // namespace gd::store
