#include "store/lmdb.hpp"

#include <cerrno>

#include "store/fs.hpp"

namespace gd::store::lmdb {

namespace {

MDB_val val_of(std::string_view s) {
  // why: LMDB takes non-const pointers but never writes through them for
  // keys and values passed in.
  return {s.size(), const_cast<char*>(s.data())};
}

std::string_view view_of(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

} // namespace

store_errc errc_of(int rc) {
  switch (rc) {
    case MDB_MAP_FULL:
      return store_errc::map_full;
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
      return store_errc::corrupt;
    case MDB_VERSION_MISMATCH:
    case MDB_INCOMPATIBLE:
    case ENOENT:
    case ENOTDIR:
    case EACCES:
    case EROFS:
      return store_errc::bad_layout;
    default:
      return store_errc::io;
  }
}

// -- env ----------------------------------------------------------------------

env::env(std::string label, std::string path, const env_options& opts)
  : label_(std::move(label)), path_(std::move(path)) {
  if (!(opts.flags & MDB_NOSUBDIR) && !fs::is_directory(path_))
    throw store_error(store_errc::bad_layout,
                      name() + ": the directory does not exist");
  check(mdb_env_create(&env_), "creating the LMDB environment");
  try {
    if (opts.map_size != 0)
      check(mdb_env_set_mapsize(env_, opts.map_size),
            "setting the map size to " + std::to_string(opts.map_size)
              + " bytes");
    if (opts.max_dbs != 0)
      check(mdb_env_set_maxdbs(env_, opts.max_dbs),
            "setting the number of databases");
    check(mdb_env_open(env_, path_.c_str(), opts.flags | MDB_NOTLS, 0644),
          "opening the LMDB environment");
  } catch (...) {
    // why: a failed mdb_env_open leaves the handle to be closed by us.
    mdb_env_close(env_);
    env_ = nullptr;
    throw;
  }
}

env::~env() {
  if (env_ != nullptr)
    mdb_env_close(env_);
}

std::size_t env::map_size() const {
  MDB_envinfo info;
  check(mdb_env_info(env_, &info), "reading the environment info");
  return info.me_mapsize;
}

std::size_t env::used_bytes() const {
  MDB_envinfo info;
  check(mdb_env_info(env_, &info), "reading the environment info");
  MDB_stat st;
  check(mdb_env_stat(env_, &st), "reading the environment statistics");
  return (info.me_last_pgno + 1) * std::size_t{st.ms_psize};
}

std::uint64_t env::last_txn_id() const {
  MDB_envinfo info;
  check(mdb_env_info(env_, &info), "reading the environment info");
  return info.me_last_txnid;
}

std::size_t env::max_key_size() const {
  return static_cast<std::size_t>(mdb_env_get_maxkeysize(env_));
}

void env::sync() const {
  check(mdb_env_sync(env_, 1), "flushing to disk");
}

void env::copy_compact(const std::string& dir) const {
  check(mdb_env_copy2(env_, dir.c_str(), MDB_CP_COMPACT),
        "copying the store to " + dir);
  fs::fsync_path(dir + "/data.mdb");
  fs::fsync_path(dir);
}

void env::fail(int rc, const std::string& doing) const {
  auto code = errc_of(rc);
  if (code == store_errc::map_full) {
    std::string size = "unknown";
    MDB_envinfo info;
    if (env_ != nullptr && mdb_env_info(env_, &info) == 0)
      size = std::to_string(info.me_mapsize);
    throw store_error(code, name() + " is full (map size " + size
                              + " bytes); raise the map size or compact ("
                              + doing + ": " + mdb_strerror(rc) + ")");
  }
  throw store_error(code,
                    name() + ": " + doing + " failed: " + mdb_strerror(rc));
}

// -- txn ----------------------------------------------------------------------

txn::txn(const lmdb::env& e, unsigned flags) : env_(&e) {
  e.check(mdb_txn_begin(e.get(), nullptr, flags, &txn_),
          (flags & MDB_RDONLY) ? "beginning a read transaction"
                               : "beginning a write transaction");
}

txn::~txn() {
  abort();
}

void txn::abort() noexcept {
  if (txn_ != nullptr) {
    mdb_txn_abort(txn_);
    txn_ = nullptr;
  }
}

void txn::require_open(const char* doing) const {
  if (txn_ == nullptr)
    throw store_error(store_errc::precondition,
                      env_->name() + ": " + doing
                        + " in a transaction that has ended");
}

dbi txn::open_dbi(const std::string& name, unsigned flags) {
  require_open("opening a database");
  dbi d;
  d.name = name;
  int rc = mdb_dbi_open(txn_, name.c_str(), flags, &d.handle);
  if (rc == MDB_NOTFOUND)
    throw store_error(store_errc::bad_layout,
                      env_->name() + ": database '" + name
                        + "' does not exist");
  env_->check(rc, "opening database '" + name + "'");
  return d;
}

std::optional<std::string_view> txn::get(const dbi& d,
                                         std::string_view key) const {
  require_open("reading");
  auto k = val_of(key);
  MDB_val v{0, nullptr};
  int rc = mdb_get(txn_, d.handle, &k, &v);
  if (rc == MDB_NOTFOUND)
    return std::nullopt;
  if (rc != 0)
    env_->fail(rc, "reading a key of '" + d.name + "'");
  return view_of(v);
}

std::size_t txn::count(const dbi& d) const {
  require_open("counting keys");
  MDB_stat st;
  env_->check(mdb_stat(txn_, d.handle, &st),
              "reading the statistics of '" + d.name + "'");
  return st.ms_entries;
}

read_txn::read_txn(const lmdb::env& e) : txn(e, MDB_RDONLY) {
  // nop
}

write_txn::write_txn(const lmdb::env& e) : txn(e, 0) {
  // nop
}

void write_txn::put(const dbi& d, std::string_view key,
                    std::string_view value) {
  require_open("writing");
  auto k = val_of(key);
  auto v = val_of(value);
  // why: messages are built only on failure; this is the hot path.
  if (int rc = mdb_put(txn_, d.handle, &k, &v, 0); rc != 0)
    env_->fail(rc, "putting a key into '" + d.name + "'");
}

bool write_txn::del(const dbi& d, std::string_view key) {
  require_open("deleting");
  auto k = val_of(key);
  int rc = mdb_del(txn_, d.handle, &k, nullptr);
  if (rc == MDB_NOTFOUND)
    return false;
  if (rc != 0)
    env_->fail(rc, "deleting a key of '" + d.name + "'");
  return true;
}

void write_txn::clear(const dbi& d) {
  require_open("clearing a database");
  env_->check(mdb_drop(txn_, d.handle, 0), "clearing '" + d.name + "'");
}

void write_txn::commit() {
  require_open("committing");
  // why: mdb_txn_commit frees the transaction even when it fails; aborting
  // it afterwards would be a double free.
  auto* t = txn_;
  txn_ = nullptr;
  env_->check(mdb_txn_commit(t), "committing a write transaction");
}

// -- cursor -------------------------------------------------------------------

cursor::cursor(const txn& t, const dbi& d) : txn_(&t), dbi_(d) {
  if (!t.is_open())
    throw store_error(store_errc::precondition,
                      t.env().name() + ": opening a cursor on '" + d.name
                        + "' in a transaction that has ended");
  t.env().check(mdb_cursor_open(t.get(), d.handle, &cursor_),
                "opening a cursor on '" + d.name + "'");
}

cursor::~cursor() {
  if (cursor_ != nullptr)
    mdb_cursor_close(cursor_);
}

bool cursor::move(MDB_cursor_op op, std::string_view key, const char* doing) {
  if (op == MDB_SET_RANGE)
    key_ = val_of(key);
  int rc = mdb_cursor_get(cursor_, &key_, &value_, op);
  if (rc == MDB_NOTFOUND) {
    key_ = MDB_val{0, nullptr};
    value_ = MDB_val{0, nullptr};
    return false;
  }
  if (rc != 0)
    txn_->env().fail(rc, std::string(doing) + " in '" + dbi_.name + "'");
  return true;
}

bool cursor::seek(std::string_view key) {
  // why: LMDB rejects an empty key (MDB_BAD_VALSIZE); every key is >= "".
  if (key.empty())
    return first();
  // why: LMDB also rejects keys longer than it can store. No stored key
  // lies strictly between such a key and its longest storable prefix p
  // (a stored key > p differs from p before p ends), so seek to p and step
  // over p itself.
  auto max = txn_->env().max_key_size();
  if (key.size() > max) {
    auto prefix = key.substr(0, max);
    if (!move(MDB_SET_RANGE, prefix, "seeking a key"))
      return false;
    return this->key() == prefix ? next() : true;
  }
  return move(MDB_SET_RANGE, key, "seeking a key");
}

bool cursor::first() {
  return move(MDB_FIRST, {}, "moving to the first key");
}

bool cursor::last() {
  return move(MDB_LAST, {}, "moving to the last key");
}

bool cursor::next() {
  return move(MDB_NEXT, {}, "moving to the next key");
}

bool cursor::prev() {
  return move(MDB_PREV, {}, "moving to the previous key");
}

std::string_view cursor::key() const {
  return view_of(key_);
}

std::string_view cursor::value() const {
  return view_of(value_);
}

void cursor::del() {
  if (int rc = mdb_cursor_del(cursor_, 0); rc != 0)
    txn_->env().fail(rc, "deleting a key of '" + dbi_.name + "'");
  key_ = MDB_val{0, nullptr};
  value_ = MDB_val{0, nullptr};
}

} // namespace gd::store::lmdb
