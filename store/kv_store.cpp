#include "store/kv_store.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

#include <sys/stat.h>

#include "protocol/records_codec.hpp"
#include "store/bytes.hpp"
#include "store/checksum.hpp"
#include "store/fs.hpp"
#include "store/lmdb.hpp"

namespace gd::store {

namespace {

// -- the on-disk format -------------------------------------------------------
//
// Format version 2: never change without a format version bump (and a way
// to read the old version). Version 1 stores (the same without checksums)
// are read, and rewritten as version 2 when opened for writing.
//
// One LMDB environment in the store's directory, with three databases.
// Every value is *sealed*: u64 XXH3-64 (seed 0) of the value's context, then
// the body; the checksum covers the context (below) and the body, so a
// flipped bit and a value found under the wrong key are both caught on
// read, and reported as corruption, never served.
//
// "meta": fixed ASCII keys; context: the key.
//   "format"   u32 format version (2). Not sealed.
//   "applied"  u64 applied index, u64 applied term, i64 revision,
//              i64 compact revision.
//   "config"   configuration record (proto::encode_configuration). Absent:
//              no configuration was ever applied.
//
// "kv": key = the user key (1 to max_key_size bytes); context: the key;
//   body = i64 create_revision, i64 mod_revision, i64 version, the value.
//
// "history": key = i64 revision, u64 sub-index (the order of the change
// within its revision); context: the 16-byte key; body =
//   u8 kind (kv::event::kind), i64 create_revision, i64 mod_revision,
//   i64 version, u32 key length, key, then the value.
//
// Every integer is big-endian, so history keys sort by revision. The meta
// "applied" record is written in the same transaction as the changes it
// covers.

constexpr std::uint32_t format_version = 2;
/// The oldest format this build reads (and migrates).
constexpr std::uint32_t oldest_format_version = 1;
constexpr std::size_t checksum_size = 8;
constexpr std::size_t record_header_size = 24;
constexpr std::size_t event_header_size = 1 + 24 + 4;

constexpr const char* format_key = "format";
constexpr const char* applied_key = "applied";
constexpr const char* config_key = "config";

/// `key` quoted for a message: bytes outside printable ASCII as \xNN, at
/// most 120 bytes shown.
std::string quoted(std::string_view key) {
  static const char* hex = "0123456789abcdef";
  std::string out = "'";
  for (std::size_t i = 0; i < key.size() && i < 120; ++i) {
    auto c = static_cast<unsigned char>(key[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (key.size() > 120)
    out += "...";
  return out + "'";
}

std::string str(std::int64_t x) {
  return std::to_string(x);
}

[[noreturn]] void precondition(const std::string& who,
                               const std::string& what) {
  throw store_error(store_errc::precondition, who + ": " + what);
}

// -- records --------------------------------------------------------------

/// `body` sealed with the checksum of `context` and `body` (format 2).
std::string sealed(std::string_view context, std::string_view body) {
  xxh3_hasher h;
  h.update(context);
  h.update(body);
  std::string v;
  v.reserve(checksum_size + body.size());
  bytes::put_u64(v, h.digest());
  v.append(body);
  return v;
}

std::string applied_body(const applied_state& s) {
  std::string v;
  bytes::put_u64(v, s.index);
  bytes::put_u64(v, s.term);
  bytes::put_u64(v, static_cast<std::uint64_t>(s.revision));
  bytes::put_u64(v, static_cast<std::uint64_t>(s.compact_revision));
  return v;
}

std::string encode_applied(const applied_state& s) {
  return sealed(applied_key, applied_body(s));
}

std::string encode_config(const raft::configuration& c) {
  return sealed(config_key, proto::encode_configuration(c));
}

std::string record_body(const kv::key_value& kv) {
  std::string v;
  v.reserve(record_header_size + kv.value.size());
  bytes::put_u64(v, static_cast<std::uint64_t>(kv.create_revision));
  bytes::put_u64(v, static_cast<std::uint64_t>(kv.mod_revision));
  bytes::put_u64(v, static_cast<std::uint64_t>(kv.version));
  v.append(kv.value);
  return v;
}

std::string encode_record(const kv::key_value& kv) {
  return sealed(kv.key, record_body(kv));
}

std::string history_key(kv::revision rev, std::uint64_t sub) {
  std::string k;
  k.reserve(16);
  bytes::put_u64(k, static_cast<std::uint64_t>(rev));
  bytes::put_u64(k, sub);
  return k;
}

std::string event_body(const kv::event& e) {
  std::string v;
  v.reserve(event_header_size + e.kv.key.size() + e.kv.value.size());
  v.push_back(static_cast<char>(e.type));
  bytes::put_u64(v, static_cast<std::uint64_t>(e.kv.create_revision));
  bytes::put_u64(v, static_cast<std::uint64_t>(e.kv.mod_revision));
  bytes::put_u64(v, static_cast<std::uint64_t>(e.kv.version));
  bytes::put_u32(v, static_cast<std::uint32_t>(e.kv.key.size()));
  v.append(e.kv.key);
  v.append(e.kv.value);
  return v;
}

std::string encode_event(std::string_view hkey, const kv::event& e) {
  return sealed(hkey, event_body(e));
}

/// The store as one LMDB environment and its databases.
struct store_env {
  store_env(const std::string& dir, const lmdb::env_options& opts)
    : env("kv store", dir, opts) {
    // nop
  }

  std::string who() const { return env.name(); }

  [[noreturn]] void corrupt(const std::string& what) const {
    throw store_error(store_errc::corrupt, who() + ": " + what);
  }

  /// The body of the value `value` stored for `context`, once its checksum
  /// matched (format 2; format 1 values are bodies). `what` names the value
  /// in the error. Throws store_error(corrupt) on a mismatch.
  std::string_view unseal(std::string_view context, std::string_view value,
                          const std::string& what) const {
    if (version < 2)
      return value;
    if (value.size() < checksum_size)
      corrupt(what + " is " + str(value.size())
              + " bytes, too short for its checksum");
    auto stored = bytes::get_u64(value.data());
    auto body = value.substr(checksum_size);
    xxh3_hasher h;
    h.update(context);
    h.update(body);
    if (h.digest() != stored)
      corrupt(what + " fails its checksum (stored " + to_hex(stored)
              + ", computed " + to_hex(h.digest())
              + "): it is damaged on disk");
    return body;
  }

  applied_state read_applied(const lmdb::txn& t) const {
    auto sealed_value = t.get(meta_db, applied_key);
    if (!sealed_value)
      corrupt("the applied state record is missing");
    auto v = unseal(applied_key, *sealed_value, "the applied state record");
    if (v.size() != 32)
      corrupt("the applied state record is " + str(v.size())
              + " bytes, not 32");
    bytes::reader r(v);
    applied_state s;
    s.index = r.u64();
    s.term = r.u64();
    s.revision = r.i64();
    s.compact_revision = r.i64();
    return s;
  }

  raft::configuration read_config(const lmdb::txn& t) const {
    auto v = t.get(meta_db, config_key);
    if (!v)
      return {};
    auto body = unseal(config_key, *v, "the configuration record");
    try {
      return proto::decode_configuration(body);
    } catch (const proto::decode_error& e) {
      corrupt(std::string("the configuration record does not parse (")
              + e.what() + ")");
    }
  }

  kv::key_value decode_record(std::string_view key,
                              std::string_view sealed_value) const {
    auto value = unseal(key, sealed_value, "the record of key " + quoted(key));
    if (value.size() < record_header_size)
      corrupt("the record of key " + quoted(key) + " is "
              + str(value.size()) + " bytes, shorter than its "
              + str(record_header_size) + "-byte header");
    bytes::reader r(value);
    kv::key_value kv;
    kv.key.assign(key.data(), key.size());
    kv.create_revision = r.i64();
    kv.mod_revision = r.i64();
    kv.version = r.i64();
    auto rest = r.rest();
    kv.value.assign(rest.data(), rest.size());
    return kv;
  }

  kv::event decode_event(std::string_view hkey,
                         std::string_view sealed_value) const {
    auto value = unseal(hkey, sealed_value, "a history event");
    bytes::reader r(value);
    kv::event e;
    auto kind = r.u8();
    e.kv.create_revision = r.i64();
    e.kv.mod_revision = r.i64();
    e.kv.version = r.i64();
    auto key = r.take(r.u32());
    auto rest = r.rest();
    if (!r.ok() || (kind != 1 && kind != 2))
      corrupt("a history event of " + str(value.size())
              + " bytes does not parse");
    e.type = static_cast<kv::event::kind>(kind);
    e.kv.key.assign(key.data(), key.size());
    e.kv.value.assign(rest.data(), rest.size());
    return e;
  }

  std::optional<kv::key_value> get(const lmdb::txn& t,
                                   const std::string& key) const {
    if (key.empty() || key.size() > env.max_key_size())
      return std::nullopt;
    auto v = t.get(kv_db, key);
    if (!v)
      return std::nullopt;
    return decode_record(key, *v);
  }

  /// Reads `r` in `t`, reporting `header` as the revision read.
  kv::range_result range(const lmdb::txn& t, const kv::range_request& r,
                         kv::revision header) const {
    kv::range_result res;
    res.header_revision = header;
    auto keep = [&](std::string_view key, std::string_view value) {
      ++res.count;
      if (r.count_only || (r.limit > 0 && res.count > r.limit))
        return;
      auto kv = decode_record(key, value);
      if (r.keys_only)
        kv.value.clear();
      res.kvs.push_back(std::move(kv));
    };
    const auto& end = r.range.range_end;
    if (end.empty()) {
      const auto& key = r.range.key;
      if (!key.empty() && key.size() <= env.max_key_size())
        if (auto v = t.get(kv_db, key))
          keep(key, *v);
    } else {
      bool to_the_end = end == std::string(1, '\0');
      lmdb::cursor c(t, kv_db);
      for (bool ok = c.seek(r.range.key);
           ok && (to_the_end || c.key() < std::string_view(end));
           ok = c.next())
        keep(c.key(), c.value());
    }
    res.more = r.limit > 0 && res.count > r.limit;
    return res;
  }

  lmdb::env env;
  /// The format of what is on disk (check_format sets it).
  std::uint32_t version = format_version;
  lmdb::dbi meta_db;
  lmdb::dbi kv_db;
  lmdb::dbi history_db;
};

lmdb::env_options env_options_of(const kv_store_options& o) {
  lmdb::env_options e;
  e.map_size = o.map_size;
  e.max_dbs = 3;
  e.flags = o.flush_commits ? unsigned{MDB_NOMETASYNC} : unsigned{MDB_NOSYNC};
  return e;
}

/// Checks the format version in `t`. Returns false if the store is new
/// (holds nothing at all).
bool check_format(store_env& s, const lmdb::txn& t) {
  auto v = t.get(s.meta_db, format_key);
  if (!v) {
    if (t.count(s.meta_db) != 0 || t.count(s.kv_db) != 0
        || t.count(s.history_db) != 0)
      throw store_error(store_errc::bad_layout,
                        s.who() + ": holds data but no format version");
    return false;
  }
  if (v->size() != 4)
    throw store_error(store_errc::bad_layout,
                      s.who() + ": the format version record is "
                        + str(v->size()) + " bytes, not 4");
  auto version = bytes::get_u32(v->data());
  if (version < oldest_format_version || version > format_version)
    throw store_error(store_errc::bad_layout,
                      s.who() + ": the store has format version "
                        + str(version) + ", but this build reads versions "
                        + str(oldest_format_version) + " to "
                        + str(format_version));
  s.version = version;
  return true;
}

/// Opens the store in `dir` read-only, without creating anything, checks
/// its whole content and returns its applied state. Throws store_error.
applied_state verify_store(const std::string& dir) {
  auto data = dir + "/data.mdb";
  struct stat st;
  if (::stat(data.c_str(), &st) != 0)
    throw store_error(store_errc::bad_layout,
                      "kv store " + dir + ": cannot read " + data + ": "
                        + std::strerror(errno));
  lmdb::env_options o;
  o.max_dbs = 3;
  o.flags = MDB_RDONLY | MDB_NOLOCK;
  store_env s(dir, o);
  // why: a file cut short would make LMDB touch pages past its end through
  // the map, which raises SIGBUS instead of returning an error.
  auto used = s.env.used_bytes();
  if (static_cast<std::size_t>(st.st_size) < used)
    s.corrupt("data.mdb is " + str(st.st_size) + " bytes, but its pages need "
              + str(static_cast<std::int64_t>(used)) + ": it is truncated");
  lmdb::read_txn t(s.env);
  s.meta_db = t.open_dbi("meta");
  s.kv_db = t.open_dbi("kv");
  s.history_db = t.open_dbi("history");
  if (!check_format(s, t))
    throw store_error(store_errc::bad_layout,
                      s.who() + ": holds no format version");
  auto applied = s.read_applied(t);
  s.read_config(t);
  {
    lmdb::cursor c(t, s.kv_db);
    for (bool ok = c.first(); ok; ok = c.next())
      s.decode_record(c.key(), c.value());
  }
  {
    lmdb::cursor c(t, s.history_db);
    for (bool ok = c.first(); ok; ok = c.next()) {
      if (c.key().size() != 16)
        s.corrupt("a history key is " + str(c.key().size())
                  + " bytes, not 16");
      s.decode_event(c.key(), c.value());
    }
  }
  return applied;
}

} // namespace

// -- kv_store -----------------------------------------------------------------

struct kv_store::impl : store_env {
  impl(const std::string& d, const kv_store_options& opts)
    : store_env(d, env_options_of(opts)), dir(d) {
    lmdb::write_txn t(env);
    meta_db = t.open_dbi("meta", MDB_CREATE);
    kv_db = t.open_dbi("kv", MDB_CREATE);
    history_db = t.open_dbi("history", MDB_CREATE);
    if (!check_format(*this, t)) {
      std::string v;
      bytes::put_u32(v, format_version);
      t.put(meta_db, format_key, v);
      t.put(meta_db, applied_key, encode_applied(applied_state{}));
    } else {
      auto applied = read_applied(t);
      if (version < format_version)
        migrate(t, applied);
    }
    t.commit();
  }

  /// Rewrites a format 1 store, whose applied state is `applied`, as
  /// format 2 in `t` (every value sealed with its checksum), reading each
  /// value as format 1 first: a value that does
  /// not decode stops the migration (store_error corrupt) and nothing
  /// changes.
  void migrate(lmdb::write_txn& t, const applied_state& applied) {
    auto config = t.get(meta_db, config_key).has_value()
                    ? std::optional<raft::configuration>(read_config(t))
                    : std::nullopt;
    std::vector<kv::key_value> records;
    {
      lmdb::cursor c(t, kv_db);
      for (bool ok = c.first(); ok; ok = c.next())
        records.push_back(decode_record(c.key(), c.value()));
    }
    std::vector<std::pair<std::string, kv::event>> events;
    {
      lmdb::cursor c(t, history_db);
      for (bool ok = c.first(); ok; ok = c.next())
        events.emplace_back(std::string(c.key()),
                            decode_event(c.key(), c.value()));
    }
    t.put(meta_db, applied_key, encode_applied(applied));
    if (config)
      t.put(meta_db, config_key, encode_config(*config));
    for (const auto& r : records)
      t.put(kv_db, r.key, encode_record(r));
    for (const auto& [key, e] : events)
      t.put(history_db, key, encode_event(key, e));
    std::string v;
    bytes::put_u32(v, format_version);
    t.put(meta_db, format_key, v);
    version = format_version;
  }

  std::string dir;
  /// True while a write_batch is open.
  std::atomic<bool> batch_open{false};
  /// A commit may have happened since the last flush (see
  /// unflushed_commit()): true until the first flush, since a store found
  /// on disk may hold an unflushed last commit of an earlier process.
  std::atomic<bool> unflushed{true};
};

kv_store::kv_store(const std::string& dir, const kv_store_options& opts)
  : impl_(std::make_unique<impl>(dir, opts)) {
  // why: under MDB_NOMETASYNC the last commit before a crash may still sit
  // unflushed; what applied() reports right after opening is then taken as
  // durable (the Raft log may be compacted up to it), so make it so.
  flush();
}

kv_store::~kv_store() = default;

const std::string& kv_store::dir() const {
  return impl_->dir;
}

applied_state kv_store::applied() const {
  lmdb::read_txn t(impl_->env);
  return impl_->read_applied(t);
}

raft::configuration kv_store::config() const {
  lmdb::read_txn t(impl_->env);
  return impl_->read_config(t);
}

kv::range_result kv_store::range(const kv::range_request& r) const {
  lmdb::read_txn t(impl_->env);
  return impl_->range(t, r, impl_->read_applied(t).revision);
}

namespace {

/// The events of revisions >= `from` in `r`, read through `t` whose
/// applied state is `state` (see kv_store::events).
events_result read_events(const store_env& s, const lmdb::txn& t,
                          const applied_state& state, kv::revision from,
                          const kv::key_range& r, std::size_t max_events) {
  if (from < 1)
    precondition(s.who(), "events from revision " + str(from)
                            + ": revisions start at 1");
  events_result res;
  res.compact_revision = state.compact_revision;
  if (from <= state.compact_revision) {
    res.compacted = true;
    res.next_revision = state.compact_revision + 1;
    return res;
  }
  lmdb::cursor c(t, s.history_db);
  std::optional<kv::revision> current;
  for (bool ok = c.seek(history_key(from, 0)); ok; ok = c.next()) {
    if (c.key().size() != 16)
      s.corrupt("a history key is " + str(c.key().size()) + " bytes, not 16");
    auto rev = static_cast<kv::revision>(bytes::get_u64(c.key().data()));
    if (rev != current) {
      // why: stop only between revisions, so a watcher never sees half of
      // a txn.
      if (!res.events.empty() && res.events.size() >= max_events) {
        res.next_revision = rev;
        return res;
      }
      current = rev;
    }
    auto e = s.decode_event(c.key(), c.value());
    if (r.contains(e.kv.key))
      res.events.push_back(std::move(e));
  }
  res.next_revision = std::max(from, state.revision + 1);
  return res;
}

} // namespace

events_result kv_store::events(kv::revision from, const kv::key_range& r,
                               std::size_t max_events) const {
  lmdb::read_txn t(impl_->env);
  return read_events(*impl_, t, impl_->read_applied(t), from, r, max_events);
}

applied_state kv_store::copy_to(const std::string& target_dir) const {
  auto& s = *impl_;
  if (!fs::is_directory(target_dir))
    precondition(s.who(), "copy_to " + target_dir
                            + ": the directory does not exist");
  std::error_code ec;
  if (!std::filesystem::is_empty(target_dir, ec) || ec)
    precondition(s.who(), "copy_to " + target_dir
                            + ": the directory is not empty");
  s.env.copy_compact(target_dir);
  return verify_store(target_dir);
}

void kv_store::flush() {
  impl_->env.sync();
  impl_->unflushed = false;
}

bool kv_store::unflushed_commit() const {
  return impl_->unflushed;
}

std::size_t kv_store::used_bytes() const {
  return impl_->env.used_bytes();
}

std::size_t kv_store::map_size() const {
  return impl_->env.map_size();
}

std::size_t kv_store::max_key_size() const {
  return impl_->env.max_key_size();
}

// -- write_batch --------------------------------------------------------------

namespace {

/// Releases kv_store::impl::batch_open when destroyed.
class batch_guard {
public:
  explicit batch_guard(std::atomic<bool>& flag) : flag_(&flag) {
    // nop
  }
  ~batch_guard() { release(); }
  batch_guard(const batch_guard&) = delete;
  batch_guard& operator=(const batch_guard&) = delete;

  /// Lets the next batch begin. Call only once the transaction has ended.
  void release() {
    if (flag_ != nullptr)
      flag_->store(false);
    flag_ = nullptr;
  }

private:
  std::atomic<bool>* flag_;
};

/// One etcd write (a put, a delete or a whole txn): every change it makes
/// gets revision `rev`, in `sub` order.
struct write_op {
  kv::revision rev;
  std::uint64_t sub = 0;
  bool changed = false;
};

int three_way(std::int64_t a, std::int64_t b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

/// Returns whether the compare `c` holds for `kv` (nothing: a missing key).
bool holds(const kv::compare& c, const std::optional<kv::key_value>& kv) {
  int cmp = 0;
  switch (c.target) {
    case kv::compare_target::value:
      // why: etcd's rule: a value compare on a missing key always fails,
      // "!=" included (a missing key has no value to differ from).
      if (!kv)
        return false;
      cmp = kv->value.compare(c.value);
      break;
    case kv::compare_target::version:
      cmp = three_way(kv ? kv->version : 0, c.number);
      break;
    case kv::compare_target::create_revision:
      cmp = three_way(kv ? kv->create_revision : 0, c.number);
      break;
    case kv::compare_target::mod_revision:
      cmp = three_way(kv ? kv->mod_revision : 0, c.number);
      break;
    default:
      return false;
  }
  switch (c.result) {
    case kv::compare_result::equal:
      return cmp == 0;
    case kv::compare_result::not_equal:
      return cmp != 0;
    case kv::compare_result::greater:
      return cmp > 0;
    case kv::compare_result::less:
      return cmp < 0;
  }
  return false;
}

} // namespace

struct kv_store::write_batch::impl {
  explicit impl(kv_store::impl& s)
    : store(&s), guard(s.batch_open), txn(s.env) {
    start = store->read_applied(txn);
    state = start;
  }

  void require_open() const {
    if (!txn.is_open())
      precondition(store->who(),
                   failure.empty()
                     ? "the write batch has ended"
                     : "the write batch has ended: a write failed ("
                         + failure + ")");
  }

  /// Ends the batch after a failed write: LMDB may hold part of the write,
  /// and after some errors (MDB_MAP_FULL) the transaction must abort.
  void fail(const std::exception& e) {
    failure = e.what();
    txn.abort();
    guard.release();
  }

  void check_key(const std::string& key) const {
    if (key.empty())
      precondition(store->who(), "a key must not be empty");
    if (key.size() > store->env.max_key_size())
      precondition(store->who(),
                   "a key of " + str(key.size())
                     + " bytes is longer than the store's limit of "
                     + str(store->env.max_key_size()) + " bytes");
  }

  /// The revision reads see: the current one, or the pending one of `op`.
  kv::revision visible(const write_op& op) const {
    return op.changed ? op.rev : state.revision;
  }

  void record(write_op& op, const kv::event& e) {
    auto hkey = history_key(op.rev, op.sub++);
    txn.put(store->history_db, hkey, encode_event(hkey, e));
    op.changed = true;
  }

  kv::put_result put(write_op& op, const kv::put_request& r) {
    check_key(r.key);
    auto prev = store->get(txn, r.key);
    kv::event e;
    e.type = kv::event::kind::put;
    e.kv.key = r.key;
    e.kv.value = r.value;
    e.kv.create_revision = prev ? prev->create_revision : op.rev;
    e.kv.mod_revision = op.rev;
    e.kv.version = prev ? prev->version + 1 : 1;
    txn.put(store->kv_db, r.key, encode_record(e.kv));
    record(op, e);
    kv::put_result res;
    res.header_revision = op.rev;
    if (r.prev_kv && prev)
      res.prev_kv = std::move(prev);
    return res;
  }

  kv::delete_result del(write_op& op, const kv::delete_request& r) {
    kv::delete_result res;
    std::vector<kv::key_value> gone;
    const auto& end = r.range.range_end;
    if (end.empty()) {
      if (auto prev = store->get(txn, r.range.key)) {
        txn.del(store->kv_db, r.range.key);
        gone.push_back(std::move(*prev));
      }
    } else {
      bool to_the_end = end == std::string(1, '\0');
      lmdb::cursor c(txn, store->kv_db);
      for (bool ok = c.seek(r.range.key);
           ok && (to_the_end || c.key() < std::string_view(end));
           ok = c.next()) {
        gone.push_back(store->decode_record(c.key(), c.value()));
        c.del();
      }
    }
    for (auto& kv : gone) {
      kv::event e;
      e.type = kv::event::kind::del;
      e.kv.key = kv.key;
      e.kv.mod_revision = op.rev;
      record(op, e);
    }
    res.deleted = static_cast<std::int64_t>(gone.size());
    if (r.prev_kv)
      res.prev_kvs = std::move(gone);
    res.header_revision = visible(op);
    return res;
  }

  kv::txn_result run_txn(write_op& op, const kv::txn_request& r) {
    // why: reject a bad key before writing anything, so that a rejected txn
    // leaves nothing half-applied in the batch.
    for (const auto* branch : {&r.success, &r.failure})
      for (const auto& o : *branch)
        if (auto* p = std::get_if<kv::put_request>(&o))
          check_key(p->key);
    kv::txn_result res;
    res.succeeded = true;
    for (const auto& c : r.compares) {
      if (!holds(c, store->get(txn, c.key))) {
        res.succeeded = false;
        break;
      }
    }
    for (const auto& o : res.succeeded ? r.success : r.failure) {
      if (auto* rr = std::get_if<kv::range_request>(&o))
        res.responses.emplace_back(store->range(txn, *rr, visible(op)));
      else if (auto* p = std::get_if<kv::put_request>(&o))
        res.responses.emplace_back(put(op, *p));
      else
        res.responses.emplace_back(
          del(op, std::get<kv::delete_request>(o)));
    }
    res.header_revision = visible(op);
    return res;
  }

  /// Runs `f` as one etcd write: bumps the revision iff it changed a key.
  /// A precondition failure leaves the batch as it was; any other failure
  /// ends it.
  template <class F>
  auto write(F&& f) {
    require_open();
    write_op op{state.revision + 1};
    try {
      auto res = f(op);
      if (op.changed)
        state.revision = op.rev;
      return res;
    } catch (const store_error& e) {
      if (e.code() != store_errc::precondition)
        fail(e);
      throw;
    }
  }

  kv_store::impl* store;
  batch_guard guard; // declared before txn: released after it ends
  lmdb::write_txn txn;
  applied_state start;
  applied_state state;
  std::optional<raft::configuration> config;
  /// What ended the batch early, if anything did.
  std::string failure;
};

kv_store::write_batch kv_store::begin() {
  bool expected = false;
  if (!impl_->batch_open.compare_exchange_strong(expected, true))
    precondition(impl_->who(), "begin: a write batch is already open");
  try {
    return write_batch(std::make_unique<write_batch::impl>(*impl_));
  } catch (...) {
    // The guard inside the failed impl released the flag already, unless
    // the allocation itself failed.
    impl_->batch_open.store(false);
    throw;
  }
}

kv_store::write_batch::write_batch(std::unique_ptr<impl> p)
  : impl_(std::move(p)) {
  // nop
}

kv_store::write_batch::write_batch(write_batch&&) noexcept = default;

kv_store::write_batch::~write_batch() = default;

kv::put_result kv_store::write_batch::put(const kv::put_request& r) {
  return impl_->write([&](write_op& op) { return impl_->put(op, r); });
}

kv::delete_result kv_store::write_batch::del(const kv::delete_request& r) {
  return impl_->write([&](write_op& op) { return impl_->del(op, r); });
}

kv::txn_result kv_store::write_batch::txn(const kv::txn_request& r) {
  return impl_->write([&](write_op& op) { return impl_->run_txn(op, r); });
}

kv::compact_result kv_store::write_batch::compact(kv::revision rev) {
  auto& b = *impl_;
  return b.write([&](write_op&) {
    if (rev <= b.state.compact_revision || rev > b.state.revision)
      precondition(b.store->who(),
                   "compact to revision " + str(rev) + " is outside ("
                     + str(b.state.compact_revision) + ", "
                     + str(b.state.revision) + "]");
    lmdb::cursor c(b.txn, b.store->history_db);
    for (bool ok = c.first();
         ok
         && static_cast<kv::revision>(bytes::get_u64(c.key().data())) <= rev;
         ok = c.next())
      c.del();
    b.state.compact_revision = rev;
    kv::compact_result res;
    res.header_revision = b.state.revision;
    return res;
  });
}

kv::write_result kv_store::write_batch::apply(const kv::write_request& r) {
  if (auto* p = std::get_if<kv::put_request>(&r))
    return put(*p);
  if (auto* d = std::get_if<kv::delete_request>(&r))
    return del(*d);
  if (auto* t = std::get_if<kv::txn_request>(&r))
    return txn(*t);
  return compact(std::get<kv::compact_request>(r).rev);
}

kv::range_result
kv_store::write_batch::range(const kv::range_request& r) const {
  impl_->require_open();
  return impl_->store->range(impl_->txn, r, impl_->state.revision);
}

events_result kv_store::write_batch::events(kv::revision from,
                                            const kv::key_range& r,
                                            std::size_t max_events) const {
  impl_->require_open();
  return read_events(*impl_->store, impl_->txn, impl_->state, from, r,
                     max_events);
}

applied_state kv_store::write_batch::applied() const {
  return impl_->state;
}

kv::revision kv_store::write_batch::revision() const {
  return impl_->state.revision;
}

kv::revision kv_store::write_batch::compact_revision() const {
  return impl_->state.compact_revision;
}

void kv_store::write_batch::set_config(const raft::configuration& c) {
  impl_->require_open();
  impl_->config = c;
}

void kv_store::write_batch::set_applied(raft::log_index index,
                                        raft::term_t term) {
  auto& b = *impl_;
  b.require_open();
  if (index < b.state.index)
    precondition(b.store->who(),
                 "set_applied(" + std::to_string(index)
                   + ") is below the applied index "
                   + std::to_string(b.state.index));
  b.state.index = index;
  b.state.term = term;
}

void kv_store::write_batch::commit() {
  auto& b = *impl_;
  b.require_open();
  auto& s = b.state;
  const auto& o = b.start;
  try {
    if (s.index != o.index || s.term != o.term || s.revision != o.revision
        || s.compact_revision != o.compact_revision)
      b.txn.put(b.store->meta_db, applied_key, encode_applied(s));
    if (b.config)
      b.txn.put(b.store->meta_db, config_key, encode_config(*b.config));
    b.txn.commit();
    b.store->unflushed = true;
  } catch (const store_error& e) {
    b.fail(e);
    throw;
  }
  b.guard.release();
}

// -- state_root ---------------------------------------------------------------

namespace {

namespace stdfs = std::filesystem;

const char* current_file = "CURRENT";
const char* incoming_dir = "incoming";
const char* no_store = "none";

[[noreturn]] void fs_failed(const std::string& doing,
                            const std::string& path,
                            const std::error_code& ec) {
  throw store_error(store_errc::io,
                    doing + " " + path + " failed: " + ec.message());
}

void remove_all(const std::string& path) {
  std::error_code ec;
  stdfs::remove_all(path, ec);
  if (ec)
    fs_failed("removing", path, ec);
}

/// Returns n for "state-<n>" (n >= 1), 0 for anything else.
std::uint64_t store_number(const std::string& name) {
  const std::string prefix = "state-";
  if (name.size() <= prefix.size()
      || name.compare(0, prefix.size(), prefix) != 0
      || name.size() > prefix.size() + 18)
    return 0;
  std::uint64_t n = 0;
  for (auto i = prefix.size(); i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9')
      return 0;
    n = n * 10 + static_cast<std::uint64_t>(name[i] - '0');
  }
  return n;
}

std::string store_name(std::uint64_t n) {
  return "state-" + std::to_string(n);
}

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  stdfs::directory_iterator it(dir, ec);
  if (ec)
    fs_failed("listing", dir, ec);
  for (; it != stdfs::directory_iterator(); it.increment(ec)) {
    if (ec)
      fs_failed("listing", dir, ec);
    names.push_back(it->path().filename().string());
  }
  if (ec)
    fs_failed("listing", dir, ec);
  return names;
}

/// Returns the number of the live store named by CURRENT, or 0 for none.
std::uint64_t read_current(const std::string& root) {
  auto path = root + "/" + current_file;
  auto text = fs::read_file(path);
  if (!text.empty() && text.back() == '\n')
    text.pop_back();
  if (text == no_store)
    return 0;
  auto n = store_number(text);
  if (n == 0)
    throw store_error(store_errc::bad_layout,
                      "state root " + root + ": " + path + " holds '"
                        + text.substr(0, 64)
                        + "', not a store name like state-1");
  if (!fs::is_directory(root + "/" + text))
    throw store_error(store_errc::bad_layout,
                      "state root " + root + ": " + path + " names " + text
                        + ", which does not exist: the live store is "
                          "missing");
  return n;
}

} // namespace

state_root::state_root(std::string root) : root_(std::move(root)) {
  std::error_code ec;
  stdfs::create_directories(root_, ec);
  if (ec)
    fs_failed("creating", root_, ec);
  auto names = list_dir(root_);
  auto current_path = root_ + "/" + current_file;
  if (std::find(names.begin(), names.end(), current_file) == names.end()) {
    // why: CURRENT is written ("none") before any store exists, so a store
    // directory without CURRENT means CURRENT was lost, not that an install
    // was interrupted: guessing could delete the live store.
    for (const auto& n : names)
      if (store_number(n) != 0)
        throw store_error(store_errc::bad_layout,
                          "state root " + root_ + ": holds " + n
                            + " but no CURRENT file naming the live store; "
                              "refusing to guess. Restore CURRENT (one "
                              "line: the live directory's name).");
    fs::write_file_atomically(current_path, std::string(no_store) + "\n");
  }
  auto current = read_current(root_);
  bool removed = false;
  for (const auto& n : names) {
    auto number = store_number(n);
    if (n == std::string(current_file) + ".tmp" || n == incoming_dir
        || (number != 0 && number != current)) {
      remove_all(root_ + "/" + n);
      removed = true;
    }
  }
  if (removed)
    fs::fsync_path(root_);
}

std::unique_ptr<kv_store>
state_root::open_current(const kv_store_options& opts) {
  auto current = read_current(root_);
  if (current == 0) {
    // First use: build an empty store and install it like a snapshot, so
    // that CURRENT only ever names a complete store.
    auto dir = prepare_incoming();
    { kv_store empty(dir, opts); }
    install_incoming(opts);
    current = read_current(root_);
  }
  return std::make_unique<kv_store>(root_ + "/" + store_name(current), opts);
}

std::string state_root::prepare_incoming() {
  auto dir = root_ + "/" + incoming_dir;
  remove_all(dir);
  std::error_code ec;
  stdfs::create_directory(dir, ec);
  if (ec)
    fs_failed("creating", dir, ec);
  return dir;
}

applied_state state_root::install_incoming(const kv_store_options& opts) {
  return install(opts, nullptr);
}

applied_state state_root::install_incoming(const kv_store_options& opts,
                                           const raft::snapshot_meta& announced) {
  return install(opts, &announced);
}

applied_state state_root::install(const kv_store_options& opts,
                                  const raft::snapshot_meta* announced) {
  auto incoming = root_ + "/" + incoming_dir;
  if (!fs::is_directory(incoming))
    throw store_error(store_errc::precondition,
                      "state root " + root_ + ": install_incoming without "
                        + incoming + " (call prepare_incoming first)");
  applied_state applied;
  try {
    applied = verify_store(incoming);
    if (announced
        && (applied.index != announced->index
            || applied.term != announced->term))
      throw store_error(store_errc::corrupt,
                        "it holds index " + str(applied.index) + " of term "
                          + str(applied.term) + ", but was announced as index "
                          + str(announced->index) + " of term "
                          + str(announced->term));
    // And as the kv_store it is about to become, with the caller's options.
    kv_store check(incoming, opts);
    if (announced) {
      auto b = check.begin();
      b.set_config(announced->config);
      b.commit();
      check.flush();
    }
  } catch (const store_error& e) {
    throw store_error(store_errc::corrupt,
                      "state root " + root_ + ": the incoming store is not "
                        "a valid kv store, so it was not installed: "
                        + e.what());
  }
  fs::fsync_path(incoming + "/data.mdb");
  fs::fsync_path(incoming);
  auto current = read_current(root_);
  auto next = store_name(current + 1);
  auto target = root_ + "/" + next;
  // A leftover of an install that failed earlier in this process.
  remove_all(target);
  if (::rename(incoming.c_str(), target.c_str()) != 0)
    throw store_error(store_errc::io, "renaming " + incoming + " to " + target
                                        + " failed: " + std::strerror(errno));
  fs::fsync_path(root_);
  // The commit point: from here on the new store is live.
  fs::write_file_atomically(root_ + "/" + current_file, next + "\n");
  if (current != 0) {
    remove_all(root_ + "/" + store_name(current));
    fs::fsync_path(root_);
  }
  return applied;
}

} // namespace gd::store
